"""Static files, read once when the process starts: each URL carries its content's hash
(`/static/app.css?v=3f2a…`), so a browser keeps it for a year and a changed file gets a new
URL; text files are compressed once (brotli, gzip) and sent as the browser accepts them.

Only these files are compressed. Pages are not: a page that carries a CSRF token next to text
a user typed would let an attacker guess the token from the compressed size (BREACH).

The scripts are ES modules importing each other (`import { call } from "./call.js"`): those
imports get the hash too, so a page loads each module once, under one URL, cached for good."""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import posixpath
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs

import brotli
from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

from session_engine.installed import bundled

STATIC_DIR = bundled("static")
PREFIX = "/static/"
FOREVER = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"  # an unhashed URL: kept, but asked after (ETag) before each use
COMPRESSIBLE = frozenset({".css", ".js", ".svg", ".json", ".md", ".txt", ".map"})
MIN_COMPRESS = 256  # bytes: smaller files gain less than the header costs
# A module's relative import, static (`from "./x.js"`, `import "./x.js"`) or dynamic.
IMPORT = re.compile(r"""(\b(?:from|import)\s*\(?\s*["'])(\.{1,2}/[^"'?]+\.js)(["'])""")
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


@dataclass(frozen=True, slots=True)
class Asset:
    """One file as served: its bytes, its hash, and its compressed forms (if smaller)."""

    body: bytes
    digest: str
    media_type: str
    encoded: dict[str, bytes]  # "br" / "gzip" -> body


def compress(body: bytes, suffix: str) -> dict[str, bytes]:
    """The body compressed at the highest levels (done once per process), where it pays."""
    if suffix not in COMPRESSIBLE or len(body) < MIN_COMPRESS:
        return {}
    forms = {
        "gzip": gzip.compress(body, compresslevel=9, mtime=0),
        "br": brotli.compress(body, quality=11),
    }
    return {name: data for name, data in forms.items() if len(data) < len(body)}


class StaticAssets:
    """Every file under `directory`, fingerprinted and compressed, served from memory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.assets: dict[str, Asset] = {}
        self._reading: set[str] = set()  # modules being read: one seen again is a cycle
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            self._load(path.relative_to(directory).as_posix())

    def url(self, name: str) -> str:
        """The file's URL with its content hash: cached by browsers until the file changes."""
        return f"{PREFIX}{name}?v={self._load(name).digest}"

    def _load(self, name: str) -> Asset:
        if (asset := self.assets.get(name)) is not None:
            return asset
        if name in self._reading:
            raise RuntimeError(f"static/{name} imports itself through other modules")
        path = self.directory / name
        body = path.read_bytes()
        if path.suffix == ".js":
            self._reading.add(name)
            body = self._hash_imports(name, body)
            self._reading.discard(name)
        media_type = TYPES.get(path.suffix) or mimetypes.guess_type(name)[0] or "text/plain"
        digest = hashlib.sha256(body).hexdigest()[:16]
        asset = Asset(body, digest, media_type, compress(body, path.suffix))
        self.assets[name] = asset
        return asset

    def _hash_imports(self, name: str, body: bytes) -> bytes:
        """A module whose relative imports name their files' hashes; a module's hash so covers
        every module it imports (they are read first, so there must be no import cycle)."""
        folder = posixpath.dirname(name)

        def hashed(match: re.Match[str]) -> str:
            start, relative, end = match.groups()
            target = posixpath.normpath(posixpath.join(folder, relative))
            return f"{start}{relative}?v={self._load(target).digest}{end}"

        return IMPORT.sub(hashed, body.decode("utf-8")).encode("utf-8")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI app mounted at /static."""
        name = scope["path"].removeprefix(PREFIX.rstrip("/")).lstrip("/")
        asset = self.assets.get(name)
        if scope["method"] not in ("GET", "HEAD") or asset is None:
            status = 404 if asset is None else 405
            await PlainTextResponse("Not Found" if status == 404 else "", status)(
                scope, receive, send
            )
            return
        await self.response(asset, scope)(scope, receive, send)

    def response(self, asset: Asset, scope: Scope) -> Response:
        headers = Headers(scope=scope)
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        fingerprinted = query.get("v") == [asset.digest]
        etag = f'"{asset.digest}"'
        sent = {"Cache-Control": FOREVER if fingerprinted else REVALIDATE, "ETag": etag}
        if asset.encoded:
            sent["Vary"] = "Accept-Encoding"
        if etag in headers.get("if-none-match", ""):
            return Response(status_code=304, headers=sent)
        body, encoding = choose_encoding(asset, headers.get("accept-encoding", ""))
        if encoding:
            sent["Content-Encoding"] = encoding
        if scope["method"] == "HEAD":
            sent["Content-Length"] = str(len(body))
            return Response(status_code=200, headers=sent, media_type=asset.media_type)
        return Response(body, headers=sent, media_type=asset.media_type)


def accepted(header: str) -> set[str]:
    """The encodings an Accept-Encoding header accepts (q > 0)."""
    names = set()
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        q = params.strip().removeprefix("q=") if params.strip().startswith("q=") else "1"
        try:
            weight = float(q)
        except ValueError:
            weight = 0.0
        if name and weight > 0:
            names.add(name.strip().lower())
    return names


def choose_encoding(asset: Asset, header: str) -> tuple[bytes, str]:
    """The smallest form the browser accepts: brotli, gzip, or the file as it is."""
    ok = accepted(header)
    for name in ("br", "gzip"):
        if name in asset.encoded and (name in ok or "*" in ok):
            return asset.encoded[name], name
    return asset.body, ""


@cache
def static_assets() -> StaticAssets:
    """This process's static files, read on first use."""
    return StaticAssets(STATIC_DIR)


def static_url(name: str) -> str:
    """A static file's URL, fingerprinted (templates: `static('app.css')`)."""
    return static_assets().url(name)
