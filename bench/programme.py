"""The programme bench: S sessions of P participants at the same time, each with its own
facilitator console and projector socket, every participant submitting an item every 20 s
(a brainstorm's burst rate: 3/s per session of 60), and the organiser's dashboard socket open;
with --online-round, one more session of the programme is an online round (no facilitator,
self-paced, joined by code while its window is open), its P participants submitting likewise.
The load generator runs in client processes of its own (whole sessions each); its CPU is
reported next to the server's. Per session: submit → every socket of that session, and
submit → the dashboard; nothing may be lost, doubled or out of order.

    python -m bench.programme --sessions 10,50 [--duration 30] [--runs 1] [--online-round]
        [--postgres-url postgresql+psycopg://…] [--redis-url redis://…]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import connect

from bench.fanout import spawn_shares
from bench.limits import raise_file_limit
from bench.programme_clients import (
    CLOSE_TOO_SLOW,
    Schedule,
    SessionLog,
    SessionSetup,
    run_programme_clients,
)
from bench.programme_report import Result, spread, summarise, table
from bench.targets import (
    ORGANISER_TOKEN,
    cpu_seconds,
    free_port,
    product_env,
    rss_bytes,
    start,
    stop,
    wait_for_port,
)
from bench.writes import fresh_database

JOINING_AT_ONCE = 20
SETTLE_TIMEOUT = 30.0  # seconds without progress before the missing deliveries count as lost
ORGANISER = {"Authorization": f"Bearer {ORGANISER_TOKEN}"}
# Open all through the run (no hold for review: items go on the board at once).
ROUND = {
    "title": "Online ronde",
    "opens_at": "2000-01-01T00:00:00+00:00",
    "closes_at": "2100-01-01T00:00:00+00:00",
}


@dataclass(frozen=True)
class Plan:
    sessions: int
    participants: int = 60
    period: float = 20.0  # seconds between one participant's items
    duration: float = 30.0  # seconds of submitting
    client_processes: int = 2
    database_url: str = ""
    server_processes: int = 1  # > 1: PostgreSQL and Redis shared (broadcast_url)
    broadcast_url: str = "memory://"
    online_round: bool = False  # one more session: an online round of `participants`

    @property
    def all_sessions(self) -> int:
        return self.sessions + int(self.online_round)


class Servers:
    """`versnellingskamer serve` processes on one database (and one broadcast)."""

    def __init__(self, plan: Plan, log: Path) -> None:
        env = product_env(plan.database_url, plan.broadcast_url)
        self.ports = [free_port() for _ in range(plan.server_processes)]
        serve = ["-m", "app.cli", "serve", "--port"]
        self.processes = [start([*serve, str(port)], env, log) for port in self.ports]
        for port, process in zip(self.ports, self.processes, strict=True):
            wait_for_port(port, process)

    def rss(self) -> int:
        return sum(rss_bytes(p.pid) for p in self.processes)

    def cpu_seconds(self) -> float:
        return sum(cpu_seconds(p.pid) for p in self.processes)

    def close(self) -> None:
        for process in self.processes:
            stop(process)


async def create_sessions(
    http: httpx.AsyncClient, plan: Plan, ports: list[int]
) -> tuple[int, list[SessionSetup]]:
    """S sessions in their brainstorm step, P participants joined in each; the programme id."""
    gate = asyncio.Semaphore(JOINING_AT_ONCE)

    async def join(code: str) -> str:
        async with gate:
            response = await http.post("/api/join", json={"code": code})
            response.raise_for_status()
            return str(response.json()["token"])

    async def one(index: int) -> tuple[int, SessionSetup]:
        online = index == plan.sessions  # the last one, with --online-round
        async with gate:
            if online:
                created = await http.post(
                    "/api/programmes/1/online-rounds", json=ROUND, headers=ORGANISER
                )
            else:
                created = await http.post(
                    "/api/sessions", json={"title": f"S{index}"}, headers=ORGANISER
                )
        created.raise_for_status()
        session = created.json()["session"] if online else created.json()
        key = {"Authorization": f"Bearer {session['facilitator_key']}"}
        path = f"/api/sessions/{session['id']}"
        public = (await http.get(path, headers=key)).json()
        step = next(s["id"] for s in public["steps"] if s["type"] == "brainstorm")
        if not online:  # an online round's participants go to the step themselves
            (await http.post(f"{path}/steps/{step}/activate", headers=key)).raise_for_status()
        tokens = list(
            await asyncio.gather(*(join(session["code"]) for _ in range(plan.participants)))
        )
        last = (await http.get(path, headers=key)).json()["last_seq"]
        setup = SessionSetup(
            index,
            session["id"],
            step,
            tokens,
            session["facilitator_key"],
            session["projector_key"],
            last,
            ports,
        )
        return int(public["programme_id"]), setup

    made = await asyncio.gather(*(one(index) for index in range(plan.all_sessions)))
    return made[0][0], [setup for _, setup in made]


class ClientProcesses:
    """The load generator: client processes, each playing whole sessions."""

    def __init__(self, setups: list[SessionSetup], processes: int) -> None:
        self.pipes, self.processes = spawn_shares(run_programme_clients, setups, processes)

    async def ask(self, command: str, argument: Any = None, timeout: float = 120) -> list[Any]:
        """Each process's answer; waited for in a thread, so the dashboard keeps reading."""
        return await asyncio.to_thread(self._ask, command, argument, timeout)

    def _ask(self, command: str, argument: Any, timeout: float) -> list[Any]:
        for pipe in self.pipes:
            pipe.send((command, argument))
        answers = []
        for pipe in self.pipes:
            if not pipe.poll(timeout):
                raise RuntimeError(f"a client process did not answer {command!r} in {timeout} s")
            answers.append(pipe.recv())
        return answers

    def wait_ready(self) -> int:
        answers = []
        for pipe in self.pipes:
            if not pipe.poll(600):
                raise RuntimeError("a client process did not open its sockets in 600 s")
            answers.append(pipe.recv()[1])
        return sum(answers)

    def cpu_seconds(self) -> float:
        return sum(cpu_seconds(p.pid) for p in self.processes if p.pid is not None)

    async def stop(self) -> list[SessionLog]:
        logs = [log for answer in await self.ask("stop") for log in answer]
        for process in self.processes:
            process.join(30)
        return logs


class Dashboard:
    """The organiser's dashboard socket: per session, (seq, arrival) of every event. Dropped
    by the server as too slow, it reopens after the last seq of each session, as the
    dashboard page does (`?after=<session>:<seq>,…`), and counts that in `resumed`."""

    def __init__(self) -> None:
        self.events: dict[str, list[tuple[int, float]]] = {}
        self.task: asyncio.Task[None] | None = None
        self.resumed = 0
        self.url = ""

    async def open(self, port: int, programme_id: int) -> None:
        self.url = f"ws://127.0.0.1:{port}/api/programmes/{programme_id}/ws"
        self.task = asyncio.create_task(self._listen(await self._connect("")))

    async def _connect(self, after: str) -> Any:
        websocket = await connect(
            f"{self.url}?after={after}" if after else self.url,
            additional_headers=ORGANISER,
            compression=None,
            max_queue=None,
        )
        first = json.loads(await websocket.recv())
        assert first["kind"] == "snapshot", first
        return websocket

    async def _listen(self, websocket: Any) -> None:
        while True:
            async with websocket:
                async for message in websocket:
                    now = time.monotonic()
                    body = json.loads(message)
                    if body.get("kind") == "event":
                        self.events.setdefault(body["session_id"], []).append((body["seq"], now))
            if websocket.close_code != CLOSE_TOO_SLOW:
                return
            self.resumed += 1
            after = ",".join(f"{sid}:{seen[-1][0]}" for sid, seen in self.events.items() if seen)
            websocket = await self._connect(after)

    def close(self) -> None:
        if self.task is not None:
            self.task.cancel()


async def wait_for_deliveries(clients: ClientProcesses, dashboard: Dashboard, start: float) -> None:
    """Until every acked submission reached every socket and the dashboard (its events since
    `start`, the first submission), or nothing moved for a while."""
    last, last_change = -1, time.monotonic()
    while True:
        counts = await clients.ask("count")
        got = sum(c[0] for c in counts)
        expected = sum(c[1] for c in counts)
        unanswered = sum(c[2] for c in counts)
        acked = sum(c[3] for c in counts)
        on_dashboard = sum(t >= start for seen in dashboard.events.values() for _, t in seen)
        done = all(c[4] for c in counts) and unanswered == 0
        if done and got >= expected and on_dashboard >= acked:
            return
        if got + on_dashboard != last:
            last, last_change = got + on_dashboard, time.monotonic()
        elif time.monotonic() - last_change > SETTLE_TIMEOUT:
            return
        await asyncio.sleep(0.5)


async def measure(plan: Plan, log: Path) -> Result:
    servers = Servers(plan, log)
    http = httpx.AsyncClient(base_url=f"http://127.0.0.1:{servers.ports[0]}", timeout=120)
    dashboard = Dashboard()
    try:
        programme_id, setups = await create_sessions(http, plan, servers.ports)
        rss_before = servers.rss()
        await dashboard.open(servers.ports[0], programme_id)
        clients = ClientProcesses(setups, plan.client_processes)
        try:
            sockets = await asyncio.to_thread(clients.wait_ready) + 1  # and the dashboard
            start_at = time.monotonic() + 1.0
            schedule = Schedule(plan.period, plan.duration, start_at, plan.all_sessions)
            cpu = (servers.cpu_seconds(), clients.cpu_seconds() + _own_cpu())
            await clients.ask("go", schedule)
            await asyncio.sleep(max(0.0, schedule.start + plan.duration - time.monotonic()))
            await wait_for_deliveries(clients, dashboard, schedule.start)
            used = (servers.cpu_seconds() - cpu[0], clients.cpu_seconds() + _own_cpu() - cpu[1])
            rss_after = servers.rss()
        finally:
            logs = await clients.stop()
    finally:
        dashboard.close()
        await http.aclose()
        servers.close()
    return summarise(
        plan,
        schedule.start,
        logs,
        dashboard.events,
        used,
        (rss_after - rss_before) / sockets,
        dashboard.resumed,
    )


def _own_cpu() -> float:
    """This process's CPU (it holds the dashboard socket): part of the load generator."""
    times = os.times()
    return times.user + times.system


def run(plan: Plan, folder: Path) -> Result:
    with fresh_database(plan.database_url) as url:
        plan = Plan(**{**plan.__dict__, "database_url": url})
        return asyncio.run(measure(plan, folder / f"programme-{plan.sessions}.log"))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.programme")
    parser.add_argument(
        "--sessions", default="10,50", type=lambda s: [int(x) for x in s.split(",")]
    )
    parser.add_argument("--participants", type=int, default=60)
    parser.add_argument("--period", type=float, default=20.0)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of submitting")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--postgres-url", default=os.environ.get("VK_BENCH_POSTGRES_URL", ""))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument(
        "--online-round",
        action="store_true",
        help="one more session: an online round of as many participants, submitting likewise",
    )
    args = parser.parse_args()
    from bench.__main__ import machine

    print(f"Machine: {machine()}; open-file limit {raise_file_limit()}", flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="vk-programme-") as tmp:
        folder = Path(tmp)
        setups = [("sqlite", 1, f"sqlite:///{folder / 'programme.db'}", "memory://")]
        if args.postgres_url:
            setups.append(("postgresql", 2, args.postgres_url, args.redis_url))
        for _name, processes, url, broadcast in setups:
            for sessions in args.sessions:
                for run_number in range(args.runs):
                    if url.startswith("sqlite"):
                        url = f"sqlite:///{folder / f'programme-{sessions}-{run_number}.db'}"
                    plan = Plan(
                        sessions,
                        args.participants,
                        args.period,
                        args.duration,
                        args.client_processes,
                        url,
                        processes,
                        broadcast,
                        args.online_round,
                    )
                    print(
                        f"  {os.getloadavg()[0]:.1f} load, S={sessions}, {processes} process(es)",
                        flush=True,
                    )
                    result = run(plan, folder)
                    print(f"    p99 {result.p99_ms:.0f} ms, lost {result.lost}", flush=True)
                    results.append(result)
    print("\n" + table(results), flush=True)
    if args.runs > 1:
        print("\n" + spread(results), flush=True)


if __name__ == "__main__":
    main()
