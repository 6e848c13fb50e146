"""Static files: fingerprinted URLs cached for a year, compressed as the browser accepts; pages
never compressed (BREACH) and never cached for good."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import brotli
import pytest
from fastapi.testclient import TestClient

from app.static_files import FOREVER, StaticAssets, static_assets, static_url
from tests.harness import ORGANISER_TOKEN, LiveRoom

STATIC = Path(__file__).resolve().parents[2] / "static"


def test_a_fingerprinted_file_is_kept_for_a_year_and_sent_compressed(client: TestClient) -> None:
    url = static_url("app.css")
    assert re.fullmatch(r"/static/app\.css\?v=[0-9a-f]{16}", url)
    original = (STATIC / "app.css").read_bytes()
    answer = client.get(url, headers={"Accept-Encoding": "gzip, br"})
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == FOREVER
    assert answer.headers["content-encoding"] == "br"
    assert answer.headers["vary"] == "Accept-Encoding"
    assert answer.headers["content-type"] == "text/css; charset=utf-8"
    assert answer.content == original  # httpx undid the brotli
    assert int(answer.headers["content-length"]) < len(original) / 3
    gzipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers["content-encoding"] == "gzip" and gzipped.content == original
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.content == original
    refused = client.get(url, headers={"Accept-Encoding": "br;q=0, gzip;q=0"})
    assert "content-encoding" not in refused.headers


def test_the_compressed_forms_hold_the_file() -> None:
    asset = static_assets().assets["vendor/htmx-2.0.11.min.js"]
    original = (STATIC / "vendor" / "htmx-2.0.11.min.js").read_bytes()
    assert brotli.decompress(asset.encoded["br"]) == original
    assert gzip.decompress(asset.encoded["gzip"]) == original


def test_an_unhashed_or_stale_url_is_asked_after_each_time(client: TestClient) -> None:
    for url in ("/static/app.css", "/static/app.css?v=0000000000000000"):
        answer = client.get(url)
        assert answer.status_code == 200 and answer.headers["cache-control"] == "no-cache"
    etag = client.get("/static/app.css").headers["etag"]
    again = client.get("/static/app.css", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""


def test_small_files_unknown_files_and_other_methods(client: TestClient) -> None:
    icon = client.get(static_url("favicon.svg"), headers={"Accept-Encoding": "br, gzip"})
    assert icon.status_code == 200 and "content-encoding" not in icon.headers
    assert "vary" not in icon.headers
    head = client.head(static_url("app.css"), headers={"Accept-Encoding": "gzip"})
    assert head.status_code == 200 and head.content == b""
    assert (
        head.headers["content-length"]
        == client.get(static_url("app.css"), headers={"Accept-Encoding": "gzip"}).headers[
            "content-length"
        ]
    )
    for path in ("/static/nothing.css", "/static/../app/main.py", "/static/%2e%2e/pyproject.toml"):
        assert client.get(path).status_code == 404, path
    assert client.post("/static/app.css").status_code == 405


def test_pages_are_never_compressed_nor_cached_for_good(client: TestClient) -> None:
    """A page carries a CSRF token next to text people typed: compressed, its size would leak
    the token bit by bit (BREACH)."""
    room = LiveRoom.create(client, title="Zwolle", location="Zwolle")
    client.get(f"/organiser?token={ORGANISER_TOKEN}")
    pages = ["/organiser", f"/console/{room.id}?key={room.data['facilitator_key']}", "/"]
    for path in pages:
        answer = client.get(path, headers={"Accept-Encoding": "gzip, br"})
        assert answer.status_code == 200, path
        assert "content-encoding" not in answer.headers, path
        assert "immutable" not in answer.headers.get("cache-control", ""), path
        assert 'name="csrf"' in answer.text or "X-CSRF-Token" in answer.text or path == "/"
        urls = re.findall(r'(?:src|href)="(/static/[^"]+)"', answer.text)
        assert urls and all(re.search(r"\?v=[0-9a-f]{16}$", u) for u in urls), urls
        for url in urls:
            assert client.get(url).headers["cache-control"] == FOREVER, url


def test_modules_import_each_other_by_fingerprinted_urls(client: TestClient) -> None:
    console = client.get(static_url("js/console.js")).text
    call = static_assets().assets["js/call.js"].digest
    assert f'from "./call.js?v={call}"' in console
    assert re.search(r'import "\./closing\.js\?v=[0-9a-f]{16}";', console)
    assert not re.search(r'from "\./[a-z]+\.js"', console)


def test_a_changed_file_gets_a_new_url_and_so_do_its_importers(tmp_path: Path) -> None:
    (tmp_path / "js").mkdir()
    (tmp_path / "site.css").write_text("body { color: black; }")
    (tmp_path / "js" / "call.js").write_text("export const x = 1;\n")
    (tmp_path / "js" / "page.js").write_text('import { x } from "./call.js";\n')
    (tmp_path / "js" / "other.js").write_text("export const y = 2;\n")
    before = StaticAssets(tmp_path)
    (tmp_path / "site.css").write_text("body { color: navy; }")
    (tmp_path / "js" / "call.js").write_text("export const x = 2;\n")
    after = StaticAssets(tmp_path)
    for name in ("site.css", "js/call.js", "js/page.js"):
        assert before.url(name) != after.url(name), name
    assert before.url("js/other.js") == after.url("js/other.js")
    assert after.assets["js/page.js"].body.decode() == (
        f'import {{ x }} from "./call.js?v={after.assets["js/call.js"].digest}";\n'
    )


def test_modules_that_import_each_other_in_a_circle_are_named(tmp_path: Path) -> None:
    (tmp_path / "a.js").write_text('import "./b.js";\n')
    (tmp_path / "b.js").write_text('import "./a.js";\n')
    with pytest.raises(RuntimeError, match="imports itself"):
        StaticAssets(tmp_path)
