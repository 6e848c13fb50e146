"""Report benchmark: a programme of 3 sessions x 60 participants x 2,000 items, with merges,
"me too", comments, an importance vote per scenario, 7 statements with arguments, a glossary
and a preference, built through the engine's own commands; then every report format of one
session and of the programme, timed; then the same for the programme report of a programme
the seed's size (bench/seed_programme.py), and for a programme of 50 sessions x 60
participants x 200 items (issue #16). Run with `make bench-reports` (not part of make
test).

    python bench/report_bench.py [--sessions 3] [--participants 60] [--items 2000] [--runs 3]
        [--many-sessions 50] [--many-items 200]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from session_engine import agenda as agenda_ops  # noqa: E402
from session_engine import curation, reactions  # noqa: E402
from session_engine.actors import Actor  # noqa: E402
from session_engine.agenda import activate_step  # noqa: E402
from session_engine.content import load_content  # noqa: E402
from session_engine.items import add_item  # noqa: E402
from session_engine.joining import join_session  # noqa: E402
from session_engine.programmes import load_programme  # noqa: E402
from session_engine.sessions import agenda, create_session  # noqa: E402
from session_engine.store.database import Database  # noqa: E402
from session_engine.store.db import Db, create_db_engine  # noqa: E402
from session_engine.store.fanout.memory import MemoryFanout  # noqa: E402
from session_engine.store.schema import migrate  # noqa: E402
from session_engine.votes import (  # noqa: E402
    Answer,
    cast_ballot,
    configure_step,
    propose_definition,
)

PHRASES = [
    "Goed te organiseren en elke school kan instappen",
    "Iedere partner heeft een duidelijk herkenbare rol",
    "Past bij veel van de huidige structuren",
    "Voelt als een stap terug, te weinig ambitie",
    "De kloof tussen opleiding en praktijk blijft bestaan",
    "Geen wij-zij denken meer maar wij samen",
    "Een geïntegreerd curriculum van theorie en praktijk",
    "Alle betrokkenen leren van elkaar",
    "Veel afspraken maken maakt het traag",
    "Schaalvergroting komt de kwaliteit niet altijd ten goede",
    "Enorme flexibiliteit voor de student",
    "Vraagt veel van de beginnende leraar",
    "Het kan een dure manier van opleiden worden",
    "Tijd en geld om samen opleiden tot cultuur te maken",
    "Directeuren als kartrekker met faciliterend leiderschap",
    "Een gezamenlijk onderzoeksprogramma met een lectoraat",
    "Werkplekbegeleiders en schoolopleiders worden getraind",
    "Hybride aanstellingen voor opleiders op school en instituut",
    "Een gedeelde visie die door alle lagen sijpelt",
    "Competentieprofielen in het functiehuis van de school",
]
WORDS = [
    *("student", "leraar", "school", "opleiding", "visie", "tijd", "geld", "cultuur"),
    *("kwaliteit", "regio", "bestuur", "onderzoek", "praktijk", "theorie", "netwerk"),
    *("samenwerking", "begeleiding", "leerlijn", "toetsing"),
]
SECTORS = ["PO"] * 21 + ["VO"] * 36 + [""] * 3
ROLES = ["projectleider", "schoolopleider", "instituutsopleider", "werkplekbegeleider", ""]
THEMES = ["organisatie", "opleiden", "hr_beleid", "leiderschap", "onderzoek", "visie"]
FORMATS = ("json", "html", "md", "docx", "xlsx", "csv", "pdf")


def text(rng: random.Random) -> str:
    """Seed phrasings with a varying tail: near-duplicates within and across sessions."""
    return f"{rng.choice(PHRASES)}, {' '.join(rng.sample(WORDS, rng.randint(1, 4)))}"


def build_session(database: Database, programme_id: int, title: str, args: Any, seed: int) -> str:
    rng = random.Random(seed)
    created, _ = database.write_sync(
        create_session, programme_id=programme_id, title=title, location=title, date="2016-06"
    )
    session = created.session
    facilitator = Actor("facilitator", session.id)

    def join_all(db: Db) -> list[Actor]:
        people = []
        for n in range(args.participants):
            profile = {
                "sector": SECTORS[n % len(SECTORS)],
                "organisation": rng.choice(["school", "lerarenopleiding"]),
                "role": rng.choice(ROLES),
            }
            joined = join_session(db, code=session.code, profile=profile)
            people.append(Actor("participant", session.id, joined.participant_id))
        return people

    people, _ = database.write_sync(join_all)
    steps = database.read_sync(agenda, session.id)
    brainstorms = [s for s in steps if s.type == "brainstorm"]
    per_scenario, left = divmod(args.items, len(brainstorms))
    for k, step in enumerate(brainstorms):
        count = per_scenario + (k < left)
        database.write_sync(_brainstorm, facilitator, step, people, count, rng)
    database.write_sync(_votes, facilitator, steps, people, rng)
    return str(session.id)


def _brainstorm(db: Db, f: Actor, step: Any, people: list[Actor], count: int, rng: Any) -> None:
    activate_step(db, actor=f, step_id=step.id)
    ids: dict[str, list[int]] = {"voordelen": [], "nadelen": [], "voorwaarden": []}
    for n in range(count):
        category = rng.choice(list(ids))
        theme = rng.choice(THEMES) if category == "voorwaarden" else None
        who = people[n % len(people)]
        added = add_item(
            db,
            actor=who,
            client_id=f"bench-{step.id}-{n}",
            step_id=step.id,
            category=category,
            text=text(rng),
            theme=theme,
        )
        ids[category].append(int(added.item.id))
    for column in ids.values():  # merge a tenth, "me too" and comment on others
        rng.shuffle(column)
        for k in range(0, len(column) // 10, 2):
            curation.merge_items(db, actor=f, target_id=column[k], member_ids=[column[k + 1]])
        for item_id in column[len(column) // 10 + 1 : len(column) // 10 + 41]:
            for who in rng.sample(people, rng.randint(1, 6)):
                reactions.set_metoo(db, actor=who, item_id=item_id, on=True)
            reactions.add_comment(
                db, actor=people[0], item_id=item_id, client_id=f"c-{item_id}", text=text(rng)
            )


def _votes(db: Db, f: Actor, steps: list[Any], people: list[Actor], rng: Any) -> None:
    for scenario in ("afstemming", "samenwerking", "leerloopbaan"):
        step = agenda_ops.add_step(db, actor=f, fields={"type": "vote", "scenario": scenario})
        configure_step(db, actor=f, step_id=step.id, config={"method": "topk", "k": 3, "cut": 10})
        activate_step(db, actor=f, step_id=step.id)
        from session_engine.votes import subjects

        options = subjects(db, step)
        for who in people:
            picks = rng.sample(options, 3)
            cast_ballot(db, actor=who, step_id=step.id, answers=[Answer(p) for p in picks])
    statements = next(s for s in steps if s.type == "statements")
    activate_step(db, actor=f, step_id=statements.id)
    for who in people:
        answers = [
            Answer(f"s{k}", rng.choice([1, 2, 3, 4, 5, None]), argument=_maybe(rng))
            for k in range(1, 8)
        ]
        cast_ballot(db, actor=who, step_id=statements.id, answers=answers)
    glossary = agenda_ops.add_step(db, actor=f, fields={"type": "glossary"})
    configure_step(db, actor=f, step_id=glossary.id, config={"terms": ["Opleidingsschool"]})
    activate_step(db, actor=f, step_id=glossary.id)
    options = [
        propose_definition(
            db, actor=people[k], step_id=glossary.id, term="Opleidingsschool", text=text(rng)
        ).id
        for k in range(3)
    ]
    for who in people:
        choice = str(rng.choice(options))
        cast_ballot(
            db,
            actor=who,
            step_id=glossary.id,
            answers=[Answer("term:Opleidingsschool", None, choice)],
        )
    preference = agenda_ops.add_step(db, actor=f, fields={"type": "preference"})
    activate_step(db, actor=f, step_id=preference.id)
    for who in people:
        choice = rng.choice(["samenwerking", "samenwerking", "leerloopbaan", "afstemming"])
        cast_ballot(
            db,
            actor=who,
            step_id=preference.id,
            answers=[Answer("preference", None, choice, _maybe(rng))],
        )


def _maybe(rng: Any) -> str | None:
    return text(rng) if rng.random() < 0.3 else None


def _session_ids(db: Db, programme_id: int) -> list[str]:
    from session_engine.views import sessions_of_programme

    return [s.id for s in sessions_of_programme(db, programme_id)]


def _timed(work: Any) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def _cold(build: Any) -> dict[str, Any]:
    """The report data built from nothing. (The programme report no longer groups
    near-duplicates, issue #12: there is no remembered grouping to forget.)"""
    report: dict[str, Any] = build()
    return report


def time_formats(build: Any, runs: int, formats: tuple[str, ...] = FORMATS) -> dict[str, Any]:
    """Per format, `runs` runs: cold (building the report data, then writing the format: a
    request after a change) and warm (the data cached: another format of the same report),
    each as wall-clock and CPU seconds (CPU is steadier on a shared machine): the median and
    the worst run."""
    from app.report_formats import render_report

    report = _cold(build)
    out: dict[str, dict[str, float]] = {}
    for fmt in formats:
        cold = [_timed(lambda fmt=fmt: render_report(_cold(build), fmt)) for _ in range(runs)]
        warm = [_timed(lambda fmt=fmt: render_report(report, fmt)) for _ in range(runs)]
        out[fmt] = {}
        for name, times in (("cold", cold), ("warm", warm)):
            out[fmt][f"{name}_wall"] = statistics.median(w for w, _ in times)
            out[fmt][f"{name}_cpu"] = statistics.median(c for _, c in times)
            out[fmt][f"{name}_worst"] = max(w for w, _ in times)
    return out


def open_database(path: Path) -> tuple[Any, Database, Any]:
    """A migrated SQLite database at `path` with the programme of scenarios.yaml."""
    url = f"sqlite:///{path}"
    migrate(url)
    engine = create_db_engine(url)
    database = Database(engine, MemoryFanout())
    content = load_content(ROOT / "scenarios.yaml", ROOT / "statements.yaml")
    programme, _ = database.write_sync(load_programme, content=content)
    return engine, database, programme


def seed_sized(runs: int) -> dict[str, Any]:
    """The seed-sized programme (bench/seed_programme.py: 3 sessions, 48 participants, 179
    points), built in a database of its own, and its programme report in every format."""
    from app.report_formats import translator
    from bench.seed_programme import build_seed_programme
    from session_engine.reports.report import programme_report

    with tempfile.TemporaryDirectory() as tmp:
        engine, database, programme = open_database(Path(tmp) / "seed.db")
        build_seed_programme(database, programme.id)
        build = lambda: database.read_sync(  # noqa: E731
            programme_report, programme.id, translator=translator
        )
        results = time_formats(build, runs)
        database.close()
        engine.dispose()
        results["prepared"] = prepared_download(Path(tmp) / "seed.db", programme.id, runs)
    return results


def many_sessions(args: Any) -> dict[str, Any]:
    """A programme of many smaller sessions (by default 50 x 60 participants x 200 items),
    built in a database of its own, and its programme report in every format."""
    from app.report_formats import translator
    from session_engine.reports.report import programme_report

    size = argparse.Namespace(participants=args.participants, items=args.many_items)
    with tempfile.TemporaryDirectory() as tmp:
        # --db with --many-only keeps this programme's database (building it takes minutes)
        path = args.db if args.many_only and args.db else Path(tmp) / "many.db"
        reuse = path.exists()
        engine, database, programme = open_database(path)
        started = time.perf_counter()
        for n in range(0 if reuse else args.many_sessions):
            build_session(database, programme.id, f"Sessie {n + 1}", size, seed=1000 + n)
        if not reuse:
            print(f"built {args.many_sessions} sessions in {time.perf_counter() - started:.1f} s")
        import weasyprint  # noqa: F401  (imported once, as in a running server)

        build = lambda: database.read_sync(  # noqa: E731
            programme_report, programme.id, translator=translator
        )
        results = time_formats(build, args.runs)
        database.close()
        engine.dispose()
    return results


def prepared_download(path: Path, programme_id: int, runs: int) -> dict[str, float]:
    """The programme PDF downloaded from a real server once it was rendered ahead
    (app/report_ahead.py): the organiser's conclusion is edited, the server renders the PDF
    in its worker a few quiet seconds later, then the PDF is downloaded `runs` times."""
    import httpx

    token = "bench-organiser-token-0123456789"
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "ORGANISER_TOKEN": token}
    command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    headers = {"Authorization": f"Bearer {token}"}
    base = f"http://127.0.0.1:{port}/api/programmes/{programme_id}/report"
    try:
        with httpx.Client(timeout=60) as http:
            _until(lambda: _answers(http, f"http://127.0.0.1:{port}/openapi.json"))
            conclusion = {"conclusion": "Samen opleiden vraagt een gedeelde taal."}
            http.put(f"{base}/texts", json=conclusion, headers=headers).raise_for_status()
            _until(lambda: "pdf" in http.get(f"{base}/ready", headers=headers).json()["formats"])
            download = lambda: http.get(f"{base}.pdf", headers=headers).raise_for_status()  # noqa: E731
            walls = [_timed(download)[0] for _ in range(runs)]
    finally:
        server.terminate()
        server.wait(30)
    return {"wall": statistics.median(walls), "worst": max(walls)}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(http: Any, url: str) -> bool:
    try:
        return bool(http.get(url, timeout=1).status_code == 200)
    except Exception:
        return False


def _until(condition: Any, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"not done in {timeout} s")
        time.sleep(0.05)  # polling a condition


def machine() -> str:
    cpus = os.cpu_count()
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        model = next(
            (
                line.split(":", 1)[1].strip()
                for line in cpuinfo.read_text().splitlines()
                if line.startswith("model name")
            ),
            "",
        )
    return f"{platform.python_implementation()} {platform.python_version()}, {cpus} CPUs ({model})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=3)
    parser.add_argument("--participants", type=int, default=60)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--many-sessions", type=int, default=50, help="0 skips that programme")
    parser.add_argument("--many-items", type=int, default=200, help="items per session there")
    parser.add_argument("--many-only", action="store_true", help="time only that programme")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--db", type=Path, help="keep the database here (with --many-only: that programme's)"
    )
    args = parser.parse_args()

    from app.report_formats import translator
    from session_engine.reports.report import programme_report, session_report

    if args.many_only:
        print_many(args, many_sessions(args))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.db"
        reuse = path.exists()
        engine, database, programme = open_database(path)
        started = time.perf_counter()
        if reuse:
            ids = database.read_sync(_session_ids, programme.id)
        else:
            ids = [
                build_session(database, programme.id, f"Sessie {n + 1}", args, seed=n)
                for n in range(args.sessions)
            ]
            print(f"built {args.sessions} sessions in {time.perf_counter() - started:.1f} s")
        import weasyprint  # noqa: F401  (imported once, as in a running server)

        build_programme = lambda: database.read_sync(  # noqa: E731
            programme_report, programme.id, translator=translator
        )
        results: dict[str, Any] = {
            "session": time_formats(
                lambda: database.read_sync(session_report, ids[0], translator=translator), args.runs
            ),
            "programme": time_formats(build_programme, args.runs),
        }
        database.close()
        engine.dispose()
        results["prepared"] = prepared_download(path, programme.id, args.runs)
    results["seed_programme"] = seed_sized(args.runs)
    if args.many_sessions:
        results["many_sessions"] = many_sessions(args)
    print(f"machine: {machine()}, load average {os.getloadavg()[0]:.1f}")
    print(f"wall seconds, median (worst) of {args.runs} runs; CPU seconds, median")
    print("cold = data + format, warm = format of data already built")
    for title, key in (
        (f"one session ({args.participants} participants, {args.items} items)", "session"),
        (f"programme ({args.sessions} sessions of the above)", "programme"),
        ("seed-sized programme (3 sessions, 48 participants, 179 points)", "seed_programme"),
    ):
        print_table(title, {k: v for k, v in results[key].items() if k != "prepared"})
    if args.many_sessions:
        print_many(args, results["many_sessions"])
    print("\nthe programme PDF downloaded from a real server once rendered ahead, wall")
    for title, prepared in (
        ("programme", results["prepared"]),
        ("seed-sized programme", results["seed_programme"]["prepared"]),
    ):
        wall, worst = prepared["wall"] * 1000, prepared["worst"] * 1000
        print(f"{title:22} {wall:.1f} ms ({worst:.1f} ms)")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), **results}, indent=2))


def print_many(args: Any, figures: dict[str, dict[str, float]]) -> None:
    size = f"{args.many_sessions} sessions x {args.participants} x {args.many_items} items"
    print_table(f"programme of {size}, load average {os.getloadavg()[0]:.1f}", figures)


def print_table(title: str, figures: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}")
    print(f"{'format':8} {'cold wall':>16} {'cold cpu':>9} {'warm wall':>16} {'warm cpu':>9}")
    for fmt, r in figures.items():
        cells = [
            f"{r[f'{k}_wall']:.2f} ({r[f'{k}_worst']:.2f}) {r[f'{k}_cpu']:>9.2f}"
            for k in ("cold", "warm")
        ]
        print(f"{fmt:8} " + " ".join(f"{c:>26}" for c in cells))


if __name__ == "__main__":
    main()
