"""What the load generator drives: the floor (bench/relay.py) or the product (a real
`versnellingskamer serve` process). Each runs as its own process on a free port."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Protocol

import httpx
from websockets.asyncio.client import ClientConnection, connect

ROOT = Path(__file__).resolve().parent.parent
ORGANISER_TOKEN = "bench-organiser-token-0123456789"
SUBMITTERS = 8  # participants who submit (over HTTP, keep-alive), besides the N who listen
JOINING_AT_ONCE = 20


class Target(Protocol):
    name: str
    process: subprocess.Popen[bytes]

    def rss(self) -> int: ...
    def cpu_seconds(self) -> float: ...
    async def prepare(self, n: int) -> list[str]: ...
    async def submit(self, number: int) -> None: ...
    async def close(self) -> None: ...


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_bytes(pid: int) -> int:
    """Resident memory of a process (VmRSS), in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far (user + system), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, *args], cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=out
        )


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)  # polling for readiness
    raise RuntimeError(f"nothing listens on {port} after {timeout} s")


def product_env(database_url: str, broadcast_url: str) -> dict[str, str]:
    """A server's settings for the bench: one load generator on one address plays whole
    rooms, so the abuse limits (per participant, per address) are off: they would refuse it,
    and they are not what is measured."""
    env = {"DATABASE_URL": database_url, "ORGANISER_TOKEN": ORGANISER_TOKEN}
    env["BROADCAST_URL"] = broadcast_url
    for limit in (
        "JOIN_LIMIT_PER_ADDRESS",
        "ITEM_LIMIT_PER_PARTICIPANT",
        "ITEM_LIMIT_PER_ADDRESS",
        "WRITE_LIMIT_PER_PARTICIPANT",
        "WRITE_LIMIT_PER_ADDRESS",
        "SOCKET_MESSAGE_LIMIT",
    ):
        env[limit] = "0"
    return env


def submission_text(number: int) -> str:
    return f"bench #{number}# idee"


class Floor:
    """The bare relay: a submission is one WebSocket message, broadcast to all."""

    name = "floor"

    def __init__(self, log: Path) -> None:
        self.port = free_port()
        self.process = start(["-m", "bench.relay", "--port", str(self.port)], {}, log)
        wait_for_port(self.port, self.process)
        self._submitter: ClientConnection | None = None

    def rss(self) -> int:
        return rss_bytes(self.process.pid)

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.process.pid)

    async def prepare(self, n: int) -> list[str]:
        self._submitter = await connect(f"ws://127.0.0.1:{self.port}/submit", compression=None)
        return [f"ws://127.0.0.1:{self.port}/participant"] * n

    async def submit(self, number: int) -> None:
        assert self._submitter is not None
        await self._submitter.send(json.dumps({"text": submission_text(number)}))

    async def close(self) -> None:
        if self._submitter is not None:
            await self._submitter.close()
        stop(self.process)


class Product:
    """`versnellingskamer serve`: participants join over HTTP and listen on the JSON socket;
    submitters POST items, each stored and published as an event before it is sent.

    With `processes` > 1, that many servers share one database (PostgreSQL) and one Redis:
    listeners and submitters are spread over them, and every event must reach every socket
    on every server."""

    name = "product"

    def __init__(
        self,
        log: Path,
        database_url: str,
        processes: int = 1,
        broadcast_url: str = "memory://",
        submit_over: str = "http",
    ) -> None:
        env = product_env(database_url, broadcast_url)
        self.ports = [free_port() for _ in range(processes)]
        self.servers = [
            start(["-m", "app.cli", "serve", "--port", str(port)], env, log) for port in self.ports
        ]
        for port, server in zip(self.ports, self.servers, strict=True):
            wait_for_port(port, server)
        limits = httpx.Limits(max_connections=SUBMITTERS * 4)
        self.https = [
            httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60, limits=limits)
            for port in self.ports
        ]
        self.http = self.https[0]
        self.session: dict[str, str] = {}
        self.tokens: list[str] = []
        self.step = 0
        self.submit_over = submit_over
        self.sockets: list[ClientConnection] = []  # the submitters' own, with submit_over=socket
        self.acks: dict[str, asyncio.Future[dict[str, object]]] = {}
        self.readers: list[asyncio.Task[None]] = []

    @property
    def process(self) -> subprocess.Popen[bytes]:
        return self.servers[0]

    def rss(self) -> int:
        return sum(rss_bytes(server.pid) for server in self.servers)

    def cpu_seconds(self) -> float:
        return sum(cpu_seconds(server.pid) for server in self.servers)

    async def prepare(self, n: int) -> list[str]:
        """A session in a brainstorm step, N listeners and the submitters joined."""
        organiser = {"Authorization": f"Bearer {ORGANISER_TOKEN}"}
        created = await self.http.post("/api/sessions", json={"title": "Bench"}, headers=organiser)
        created.raise_for_status()
        self.session = created.json()
        key = {"Authorization": f"Bearer {self.session['facilitator_key']}"}
        sid = self.session["id"]
        steps = (await self.http.get(f"/api/sessions/{sid}", headers=key)).json()["steps"]
        self.step = next(s["id"] for s in steps if s["type"] == "brainstorm")
        activated = await self.http.post(
            f"/api/sessions/{sid}/steps/{self.step}/activate", headers=key
        )
        activated.raise_for_status()
        tokens = await self._join(n + SUBMITTERS)
        self.tokens = tokens[n:]
        last = (await self.http.get(f"/api/sessions/{sid}", headers=key)).json()["last_seq"]
        if self.submit_over == "socket":
            for i, token in enumerate(self.tokens):
                port = self.ports[i % len(self.ports)]
                url = f"ws://127.0.0.1:{port}/api/sessions/{sid}/ws?token={token}&after={last}"
                websocket = await connect(url, compression=None, max_queue=None)
                self.sockets.append(websocket)
                self.readers.append(asyncio.create_task(self._read_acks(websocket)))
        return [
            f"ws://127.0.0.1:{self.ports[i % len(self.ports)]}/api/sessions/{sid}/ws"
            f"?token={token}&after={last}"
            for i, token in enumerate(tokens[:n])
        ]

    async def _join(self, count: int) -> list[str]:
        gate = asyncio.Semaphore(JOINING_AT_ONCE)

        async def join() -> str:
            async with gate:
                response = await self.http.post("/api/join", json={"code": self.session["code"]})
                response.raise_for_status()
                return str(response.json()["token"])

        return list(await asyncio.gather(*(join() for _ in range(count))))

    async def _read_acks(self, websocket: ClientConnection) -> None:
        """A submitter's socket carries events too; hand each ack or error to its submission."""
        async for message in websocket:
            reply = json.loads(message)
            if reply.get("type") in ("ack", "error") and "client_id" in reply:
                future = self.acks.pop(str(reply["client_id"]), None)
                if future is not None and not future.done():
                    future.set_result(reply)

    async def submit(self, number: int) -> None:
        if self.submit_over == "socket":
            await self._submit_on_socket(number)
            return
        token = self.tokens[number % len(self.tokens)]
        http = self.https[number % len(self.https)]
        response = await http.post(
            f"/api/sessions/{self.session['id']}/items",
            json={
                "client_id": f"bench-{number}",
                "step_id": self.step,
                "category": "voordelen",
                "text": submission_text(number),
            },
            headers={"Authorization": f"Bearer {token}"},
        )
        if response.status_code != 201:
            raise RuntimeError(f"submission {number}: {response.status_code} {response.text}")

    async def _submit_on_socket(self, number: int) -> None:
        client_id = f"bench-{number}"
        answered = asyncio.get_running_loop().create_future()
        self.acks[client_id] = answered
        message = {
            "type": "add_item",
            "client_id": client_id,
            "step_id": self.step,
            "category": "voordelen",
            "text": submission_text(number),
        }
        await self.sockets[number % len(self.sockets)].send(json.dumps(message))
        reply = await asyncio.wait_for(answered, 60)
        if reply["type"] != "ack":
            raise RuntimeError(f"submission {number}: {reply}")

    async def close(self) -> None:
        for reader in self.readers:
            reader.cancel()
        for websocket in self.sockets:
            await websocket.close()
        for http in self.https:
            await http.aclose()
        for server in self.servers:
            stop(server)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
