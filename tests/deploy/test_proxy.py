"""deploy/nginx.conf, run: nginx ends TLS in front of two `versnellingskamer serve` processes
on one database and one Redis. Participants' requests and sockets are spread over both
through it; every event reaches every socket once, also when one process is restarted behind
the proxy while its clients reconnect through it."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import ssl
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from app.static_files import FOREVER, static_url
from tests.databases import Databases
from tests.harness import ORGANISER, ORGANISER_TOKEN, ROOT, Server, bearer, free_port, start_server
from tests.redis_server import RedisProcess

pytestmark = pytest.mark.proxy
PARTICIPANTS = 24
UPSTREAM = "X-VK-Upstream"  # added by the test's copy only: which process answered


@dataclass
class Proxy:
    """nginx with a copy of deploy/nginx.conf: local ports, a test certificate, a temp prefix."""

    folder: Path
    backends: list[int]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def ssl(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.folder / "cert.pem")

    def render(self) -> str:
        """The shipped site with this machine's ports and certificate; each change must find
        its line exactly once, so a reshaped deploy/nginx.conf fails here, not silently."""
        site = (ROOT / "deploy" / "nginx.conf").read_text()
        replacements = [
            (r"server 127\.0\.0\.1:8001 ", f"server 127.0.0.1:{self.backends[0]} "),
            (r"server 127\.0\.0\.1:8002 ", f"server 127.0.0.1:{self.backends[1]} "),
            (r"listen 80;", f"listen 127.0.0.1:{free_port()};"),
            (r"listen \[::\]:80;\n", ""),
            (r"listen 443 ssl;", f"listen 127.0.0.1:{self.port} ssl;"),
            (r"listen \[::\]:443 ssl;\n", ""),
            (r"ssl_certificate +\S+;", f"ssl_certificate {self.folder / 'cert.pem'};"),
            (r"ssl_certificate_key +\S+;", f"ssl_certificate_key {self.folder / 'key.pem'};"),
            (
                r"location / \{\n",
                f"location / {{\n        add_header {UPSTREAM} $upstream_addr always;\n",
            ),
        ]
        for pattern, replacement in replacements:
            site, count = re.subn(pattern, replacement, site)
            assert count == 1, f"{pattern!r} is not in deploy/nginx.conf once"
        for kind in ("access", "error"):  # one line in each server block
            shipped = f"/var/log/nginx/versnellingskamer.{kind}.log"
            site, count = re.subn(re.escape(shipped), str(self.site_log(kind)), site)
            assert count == 2, f"{shipped} is not in both server blocks of deploy/nginx.conf"
        return site

    def site_log(self, kind: str) -> Path:
        """The site's own access or error log (the test's copy of the shipped paths)."""
        return self.folder / f"site-{kind}.log"

    def main_config(self) -> str:
        """Everything nginx would write under /var, under the test's folder instead."""
        temp = "\n".join(
            f"    {kind}_temp_path {self.folder / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        user = "user root;\n" if os.geteuid() == 0 else ""  # run as whoever runs the tests
        return (
            f"{user}daemon off;\nworker_processes 1;\npid {self.folder / 'nginx.pid'};\n"
            f"error_log {self.folder / 'error.log'} info;\nevents {{ worker_connections 1024; }}\n"
            # gzip on, as Debian's own nginx.conf has it: the site must turn it off for pages.
            f"http {{\n    access_log {self.folder / 'access.log'};\n{temp}\n    gzip on;\n"
            f"    include {self.folder / 'site.conf'};\n}}\n"
        )

    def start(self) -> None:
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(binary).exists():
            pytest.fail("nginx is not installed (apt-get install nginx; .ci/run does)")
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
             "-keyout", str(self.folder / "key.pem"), "-out", str(self.folder / "cert.pem")],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        (self.folder / "site.conf").write_text(self.render())
        (self.folder / "nginx.conf").write_text(self.main_config())
        command = [binary, "-p", str(self.folder), "-c", str(self.folder / "nginx.conf")]
        command += ["-e", str(self.folder / "error.log")]
        with (self.folder / "nginx.out").open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=log)
        self.wait_until_up()

    def wait_until_up(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        assert self.process is not None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited:\n{(self.folder / 'error.log').read_text()}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{self.url}/api/version", verify=self.ssl).status_code == 200:
                    return
            time.sleep(0.05)  # polling for readiness, not waiting for an outcome
        raise RuntimeError("nginx did not come up")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@dataclass
class Deployment:
    proxy: Proxy
    servers: list[Server]
    env: dict[str, str]
    logs: Path

    def stop(self, index: int) -> None:
        """Stop one process: it closes its sockets with 1012 and refuses connections."""
        self.servers[index].stop()

    def start_again(self, index: int) -> None:
        log = self.logs / f"server-{index}-again.log"
        self.servers[index] = start_server(self.env, log, port=self.servers[index].port)


@pytest.fixture(scope="module")
def deployment(
    tmp_path_factory: pytest.TempPathFactory, databases: Databases
) -> Iterator[Deployment]:
    tmp = tmp_path_factory.mktemp("proxy")
    redis = RedisProcess(tmp / "redis.log")
    redis.start()
    url = databases.fresh(tmp)
    env = {"DATABASE_URL": url, "BROADCAST_URL": redis.url, "ORGANISER_TOKEN": ORGANISER_TOKEN}
    servers = [start_server(env, tmp / f"server-{n}.log") for n in range(2)]
    proxy = Proxy(tmp, [s.port for s in servers])
    try:
        proxy.start()
        yield Deployment(proxy, servers, env, tmp)
    finally:
        proxy.stop()
        for server in servers:
            server.stop()
        redis.kill()
        databases.drop(url)


def answered_by(headers: Any) -> int:
    """The port of the process that answered (the last one nginx tried)."""
    return int(headers[UPSTREAM].split(",")[-1].strip().rsplit(":", 1)[1])


HANDSHAKE_ATTEMPTS = 3


class Client:
    """One participant's socket through the proxy, reconnecting with `after=` when closed."""

    def __init__(self, proxy: Proxy, session_id: str, token: str, after: int) -> None:
        self.proxy, self.session_id, self.token = proxy, session_id, token
        self.last_seq = after
        self.texts: list[str] = []
        self.ports: list[int] = []
        self.close_codes: list[int | None] = []
        self.sockets = contextlib.ExitStack()
        self.ws = self.connect()

    def connect(self) -> ClientConnection:
        url = self.proxy.url.replace("https://", "wss://")
        query = f"token={self.token}&after={self.last_seq}"
        socket_url = f"{url}/api/sessions/{self.session_id}/ws?{query}"
        ws = self.sockets.enter_context(self.open(socket_url))
        assert ws.response is not None
        self.ports.append(answered_by(ws.response.headers))
        return ws

    def open(self, socket_url: str) -> ClientConnection:
        """Open the socket as a browser's reconnect loop would: a handshake that stalls is
        tried again (seen now and then on a loaded machine: nginx waits for a request the
        client's TLS stack never sent). What the test asserts, every event once and in
        order, holds across such a retry as across any reconnection."""
        for attempt in range(HANDSHAKE_ATTEMPTS):
            try:
                return connect(socket_url, ssl=self.proxy.ssl, open_timeout=10)
            except TimeoutError:
                if attempt == HANDSHAKE_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def read_until(self, seq: int) -> None:
        """Events up to `seq`, each once and in order, across reconnections."""
        while self.last_seq < seq:
            try:
                event = json.loads(self.ws.recv(timeout=30))
            except ConnectionClosed as closed:
                self.close_codes.append(closed.rcvd.code if closed.rcvd else None)
                self.ws = self.connect()
                continue
            if "seq" not in event:
                continue
            assert event["seq"] > self.last_seq, f"seq {event['seq']} again or out of order"
            self.last_seq = event["seq"]
            if event["type"] == "item_added":
                self.texts.append(event["data"]["item"]["text"])


@dataclass
class Room:
    http: httpx.Client
    id: str
    facilitator: dict[str, str]
    step: int
    tokens: list[str]

    def post_items(self, prefix: str) -> tuple[list[int], set[int]]:
        """An item from every participant: their seqs and the processes that took them."""
        seqs, ports = [], set()
        for n, token in enumerate(self.tokens):
            item = {"client_id": f"{prefix}{n}", "step_id": self.step, "category": "nadelen"}
            response = self.http.post(
                f"/api/sessions/{self.id}/items",
                json={**item, "text": f"{prefix} {n}"},
                headers=bearer(token),
            )
            assert response.status_code == 201, response.text
            seqs.append(int(response.json()["seq"]))
            ports.add(answered_by(response.headers))
        return seqs, ports


def open_room(http: httpx.Client) -> tuple[Room, set[int]]:
    """A session with PARTICIPANTS joined through the proxy; the processes that took joins."""
    created = http.post("/api/sessions", json={"title": "Utrecht"}, headers=ORGANISER)
    assert created.status_code == 201, created.text
    facilitator = bearer(created.json()["facilitator_key"])
    tokens, ports = [], set()
    for _ in range(PARTICIPANTS):
        joined = http.post("/api/join", json={"code": created.json()["code"]})
        assert joined.status_code == 201, joined.text
        tokens.append(joined.json()["token"])
        ports.add(answered_by(joined.headers))
    sid = created.json()["id"]
    steps = http.get(f"/api/sessions/{sid}", headers=facilitator).json()["steps"]
    step = next(s["id"] for s in steps if s["type"] == "brainstorm")
    return Room(http, sid, facilitator, step, tokens), ports


def last_seq(room: Room) -> int:
    page = room.http.get(f"/api/sessions/{room.id}/events", headers=room.facilitator).json()
    return max((e["seq"] for e in page["events"]), default=0)


def wait_until_proxied_to(http: httpx.Client, port: int, timeout: float = 30) -> None:
    """nginx skips a process that refused a connection for a few seconds (fail_timeout)."""
    deadline = time.monotonic() + timeout
    while answered_by(http.get("/api/version").headers) != port:
        assert time.monotonic() < deadline, f"nginx never went back to port {port}"
        time.sleep(0.1)  # polling for readiness, not waiting for an outcome


def test_two_processes_behind_nginx_lose_nothing_across_a_restart(
    deployment: Deployment,
) -> None:
    proxy = deployment.proxy
    ports = {s.port for s in deployment.servers}
    with httpx.Client(base_url=proxy.url, verify=proxy.ssl, timeout=30) as http:
        room, join_ports = open_room(http)
        assert join_ports == ports
        after = last_seq(room)
        clients = [Client(proxy, room.id, token, after) for token in room.tokens]
        assert {c.ports[0] for c in clients} == ports
        activate = f"/api/sessions/{room.id}/steps/{room.step}/activate"
        assert http.post(activate, headers=room.facilitator).status_code == 200

        first, first_ports = room.post_items("eerst")
        assert first_ports == ports
        for client in clients:
            client.read_until(max(first))

        stopped = deployment.servers[0].port
        deployment.stop(0)  # its sockets close; its clients reconnect through nginx
        during, during_ports = room.post_items("tijdens")
        assert during_ports == {deployment.servers[1].port}
        for client in clients:
            client.read_until(max(during))
        deployment.start_again(0)
        wait_until_proxied_to(http, stopped)
        late = [Client(proxy, room.id, token, last_seq(room)) for token in room.tokens[:6]]
        assert stopped in {c.ports[0] for c in late}  # the restarted process serves again
        after_restart, _ = room.post_items("daarna")
        for client in clients + late:
            client.read_until(max(after_restart))

    texts = [
        f"{prefix} {n}" for prefix in ("eerst", "tijdens", "daarna") for n in range(PARTICIPANTS)
    ]
    for client in clients:
        assert client.texts == texts
        moved = client.ports[0] == stopped
        assert client.close_codes == ([1012] if moved else [])
        assert len(client.ports) == (2 if moved else 1)
    for client in late:
        assert client.texts == texts[-PARTICIPANTS:]
        client.sockets.close()
    for client in clients:
        client.sockets.close()


def test_nginx_compresses_no_page_and_passes_the_static_files_on(deployment: Deployment) -> None:
    """Pages carry a CSRF token next to typed text: nginx must not compress them (BREACH),
    even with gzip on in its main configuration; the server's compressed static files pass
    through with their long cache header."""
    proxy = deployment.proxy
    accept = {"Accept-Encoding": "gzip, br"}
    with httpx.Client(base_url=proxy.url, verify=proxy.ssl, timeout=30) as http:
        page = http.get("/", headers=accept)
        assert page.status_code == 200 and "content-encoding" not in page.headers
        css = http.get(static_url("app.css"), headers=accept)
        assert css.status_code == 200 and css.headers["content-encoding"] == "br"
        assert css.headers["cache-control"] == FOREVER


def test_neither_nginx_nor_the_servers_log_an_address_a_key_or_a_token(
    deployment: Deployment,
) -> None:
    """Requests and sockets with keys, tokens and a join code in their addresses, through the
    proxy: nginx's access log (deploy/nginx.conf's log_format) has a line for each without
    the client's address or the address asked for, and neither its error log nor the
    servers' logs hold a secret or the client's address (docs/privacy.md, "Logs")."""
    proxy = deployment.proxy
    with httpx.Client(base_url=proxy.url, verify=proxy.ssl, timeout=30) as http:
        created = http.post("/api/sessions", json={"title": "Logs"}, headers=ORGANISER).json()
        sid, key, code = created["id"], created["facilitator_key"], created["code"]
        token = http.post("/api/join", json={"code": code}).json()["token"]
        assert http.get(f"/console/{sid}?key={key}").status_code == 303
        assert http.get(f"/join?code={code}").status_code == 200
        assert http.get(f"/organiser?token={ORGANISER_TOKEN}").status_code == 303
        socket_url = proxy.url.replace("https://", "wss://") + f"/api/sessions/{sid}/ws"
        with connect(f"{socket_url}?token={token}", ssl=proxy.ssl, open_timeout=10) as ws:
            ws.recv(timeout=10)
    deadline = time.monotonic() + 10
    while " GET 101 " not in (access := proxy.site_log("access").read_text()):
        assert time.monotonic() < deadline, access  # a socket's line is written as it ends
        time.sleep(0.05)
    for line in ("POST 201 ", "GET 303 ", "GET 200 "):
        assert line in access, line
    servers = [path.read_text() for path in deployment.logs.glob("server-*.log")]
    error = proxy.site_log("error").read_text() if proxy.site_log("error").exists() else ""
    for text in (access, error, *servers):
        for secret in (token, key, code, ORGANISER_TOKEN, sid, "?"):
            assert secret not in text, secret
    assert "127.0.0.1" not in access + error  # every client of this test comes from there
