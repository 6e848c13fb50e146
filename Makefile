# Two commands do everything on a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test coverage check format install bench bench-reports clean messages

# PDF reports: WeasyPrint lays text out with Debian's Pango (and DejaVu fonts) and subsets
# fonts with HarfBuzz (newer WeasyPrint warns, and the tests fail on warnings, without it).
PANGO := /usr/share/doc/libharfbuzz-subset0
$(PANGO):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core >/dev/null

$(STAMP): pyproject.toml | $(PANGO)
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Browser tests drive Debian's Chromium; Playwright never downloads a browser of its own.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null

# The proxy test (tests/deploy/test_proxy.py) runs deploy/nginx.conf with Debian's nginx, as
# the current user under a temporary prefix; openssl makes its test certificate; systemd-analyze
# checks the systemd units (tests/deploy/test_systemd.py).
NGINX := /usr/sbin/nginx
$(NGINX):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx openssl systemd >/dev/null

install: $(STAMP)

run: $(STAMP)  ## the server on SQLite with the default programme; prints the links
	$(BIN)/versnellingskamer serve --demo --host $(HOST) --port $(PORT)

check: $(STAMP)  ## lint, format check, types
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy app session_engine

# The suite runs on SQLite, then again on PostgreSQL (a fresh database per test, cloned from a
# migrated template; only the tests whose outcome depends on the database, see
# tests/conftest.py, `runs_on_postgres`); each run lists its slowest tests at the end; the
# browser tests and the install test (the built wheel in a fresh virtualenv) run once, on
# SQLite; the proxy test (nginx in front of two processes) once, on PostgreSQL.
test: check $(CHROMIUM) $(NGINX)  ## the whole suite on SQLite, then on PostgreSQL
	$(BIN)/pytest -m "not proxy" --durations=20
	VK_TEST_DATABASE=postgres $(BIN)/pytest -m "not browser and not install" --durations=20

# Line and branch coverage of app/ and session_engine/ in the test process (servers started by
# the realtime tests run in their own processes and are not counted); no floor. Not part of
# `make test`: tracing makes the in-process tests half as slow again (the API fuzzing 3-4x).
coverage: check $(CHROMIUM)  ## the SQLite suite with a coverage report
	$(BIN)/pytest --cov --cov-report=term -m "not proxy"

# Not part of `make test`: minutes of load on the machine. Figures go to docs/performance.md.
BENCH_ARGS ?= --sizes 50,500,2000 --duration 10 --scale-out 1,2,4 --postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test
bench: $(STAMP)  ## fan-out benchmark (product vs a bare websockets relay) and write rates
	$(BIN)/python -m bench $(BENCH_ARGS)

# The programme case (issue #16): S sessions x 60 participants at once, each with its console
# and projector, plus an online round of 60, the organiser's dashboard open; one process on
# SQLite, two on PostgreSQL + Redis.
.PHONY: bench-programme
PROGRAMME_ARGS ?= --sessions 10,50 --online-round --duration 30 --runs 3 --postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test
bench-programme: $(STAMP)  ## programme bench: 10 and 50 sessions of 60 at once, latency to every socket
	$(BIN)/python -m bench.programme $(PROGRAMME_ARGS)

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench-reports: $(STAMP)  ## every report format of a 3 x 60 x 2,000 and a 50 x 60 x 200 programme, timed
	$(BIN)/python bench/report_bench.py

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache

messages: $(STAMP)  ## extract UI strings and update the nl/en catalogues
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k gettext:2 --no-location --omit-header --sort-output -o locale/messages.pot .
	$(BIN)/pybabel update -i locale/messages.pot -d locale --no-fuzzy-matching --omit-header --ignore-obsolete
