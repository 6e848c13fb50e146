"""One fan-out measurement: N listening sockets (in client processes), submissions at a fixed
rate for a while, then when each one reached each socket. Open loop: submissions go out on
schedule whether or not earlier ones were answered."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import multiprocessing
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from bench.clients import run_clients
from bench.targets import Floor, Product, Target

WARMUP = 5  # submissions sent one at a time before measuring, not counted
SETTLE_TIMEOUT = 30.0  # seconds without progress before the missing deliveries count as lost


@dataclass(frozen=True)
class Plan:
    target: str  # "floor" or "product"
    n: int
    rate: float  # submissions per second
    duration: float  # seconds of submitting
    client_processes: int = 2
    database_url: str = ""
    server_processes: int = 1  # product: > 1 shares PostgreSQL and Redis (broadcast_url)
    broadcast_url: str = "memory://"
    submit_over: str = "http"  # product: "http" (POST …/items) or "socket" (add_item message)


@dataclass(frozen=True)
class Result:
    plan: Plan
    submitted: int
    expected: int  # submitted × N
    delivered: int
    duplicates: int
    out_of_order: int  # sockets whose seqs did not rise by one each time (product only)
    p50_ms: float  # submit → one socket, over every delivery
    p99_ms: float
    all_p50_ms: float  # submit → the last of the N sockets, over submissions
    all_p99_ms: float
    deliveries_per_s: float
    submissions_per_s: float  # answered (product) or sent (floor) per second of submitting
    rss_per_connection: float  # bytes: server RSS growth from connecting N sockets and the run, / N
    cpu_ms_per_submission: float = 0.0  # server CPU from the first submission to the last delivery

    @property
    def lost(self) -> int:
        return self.expected - self.delivered


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def make_target(plan: Plan, log: Path) -> Target:
    if plan.target == "floor":
        return Floor(log)
    return Product(
        log, plan.database_url, plan.server_processes, plan.broadcast_url, plan.submit_over
    )


def spawn_shares(
    target: Callable[[Any, Connection], None], work: Sequence[Any], processes: int
) -> tuple[list[Connection], list[BaseProcess]]:
    """Start `processes` spawned processes, each running `target(its share of work, pipe)`;
    return our ends of their pipes and the processes."""
    spawn = multiprocessing.get_context("spawn")
    pipes: list[Connection] = []
    started: list[BaseProcess] = []
    for index in range(processes):
        mine, theirs = spawn.Pipe()
        process = spawn.Process(target=target, args=(work[index::processes], theirs))
        process.start()
        pipes.append(mine)
        started.append(process)
    return pipes, started


class Clients:
    """The client processes, each holding a share of the N sockets."""

    def __init__(self, urls: list[str], processes: int) -> None:
        self.pipes, self.processes = spawn_shares(run_clients, urls, processes)

    def wait_ready(self) -> int:
        return sum(self._ask(pipe, None, timeout=300)[1] for pipe in self.pipes)

    def count(self) -> int:
        return sum(self._ask(pipe, "count") for pipe in self.pipes)

    def stop(self) -> list[tuple[list[tuple[int, float]], list[int]]]:
        sockets = []
        for pipe in self.pipes:
            sockets.extend(self._ask(pipe, "stop", timeout=120))
        for process in self.processes:
            process.join(30)
        return sockets

    def _ask(self, pipe: Connection, command: str | None, timeout: float = 60) -> object:
        if command is not None:
            pipe.send(command)
        if not pipe.poll(timeout):
            raise RuntimeError(f"a client process did not answer {command!r} in {timeout} s")
        return pipe.recv()


async def submit_on_schedule(
    target: Target, first: int, count: int, rate: float
) -> dict[int, float]:
    """Send `count` submissions `1/rate` apart; return when each was sent (monotonic)."""
    sent: dict[int, float] = {}
    tasks = []
    start = time.monotonic()
    for index in range(count):
        delay = start + index / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        number = first + index
        sent[number] = time.monotonic()
        tasks.append(asyncio.create_task(target.submit(number)))
    await asyncio.gather(*tasks)
    return sent


async def warm_up(target: Target, clients: Clients, n: int) -> None:
    for number in range(WARMUP):
        await target.submit(number)
        await wait_for_count(clients, (number + 1) * n, timeout=SETTLE_TIMEOUT)


async def wait_for_count(clients: Clients, expected: int, timeout: float) -> int:
    """Poll the clients until `expected` arrived or nothing arrived for `timeout` s."""
    last, last_change = -1, time.monotonic()
    while True:
        got = clients.count()
        if got >= expected:
            return got
        if got != last:
            last, last_change = got, time.monotonic()
        elif time.monotonic() - last_change > timeout:
            return got
        await asyncio.sleep(0.1)


async def measure(plan: Plan, log: Path) -> Result:
    target = make_target(plan, log)
    try:
        urls = await target.prepare(plan.n)
        rss_before = target.rss()
        clients = Clients(urls, plan.client_processes)
        try:
            if clients.wait_ready() != plan.n:
                raise RuntimeError("not every socket connected")
            await warm_up(target, clients, plan.n)
            count = max(1, round(plan.rate * plan.duration))
            cpu_before = target.cpu_seconds()
            began = time.monotonic()
            sent = await submit_on_schedule(target, WARMUP, count, plan.rate)
            answered = time.monotonic() - began
            await wait_for_count(clients, (WARMUP + count) * plan.n, SETTLE_TIMEOUT)
            cpu_ms = 1000 * (target.cpu_seconds() - cpu_before) / count
            rss_after = target.rss()
        finally:
            sockets = clients.stop()
    finally:
        await target.close()
    result = summarise(plan, sent, sockets, answered, (rss_after - rss_before) / plan.n)
    return dataclasses.replace(result, cpu_ms_per_submission=cpu_ms)


def summarise(
    plan: Plan,
    sent: dict[int, float],
    sockets: list[tuple[list[tuple[int, float]], list[int]]],
    answered: float,
    rss_per_connection: float,
) -> Result:
    latencies: list[float] = []
    last_arrival: dict[int, float] = {}
    delivered = duplicates = out_of_order = 0
    for arrivals, seqs in sockets:
        seen: set[int] = set()
        for number, at in arrivals:
            if number not in sent:
                continue  # warm-up
            if number in seen:
                duplicates += 1
                continue
            seen.add(number)
            delivered += 1
            latencies.append(at - sent[number])
            last_arrival[number] = max(last_arrival.get(number, 0.0), at)
        if any(b != a + 1 for a, b in itertools.pairwise(seqs)):
            out_of_order += 1
    everyone = [last_arrival[k] - sent[k] for k in last_arrival]
    span = max(last_arrival.values(), default=0.0) - min(sent.values())
    return Result(
        plan=plan,
        submitted=len(sent),
        expected=len(sent) * plan.n,
        delivered=delivered,
        duplicates=duplicates,
        out_of_order=out_of_order,
        p50_ms=1000 * percentile(latencies, 0.50),
        p99_ms=1000 * percentile(latencies, 0.99),
        all_p50_ms=1000 * percentile(everyone, 0.50),
        all_p99_ms=1000 * percentile(everyone, 0.99),
        deliveries_per_s=delivered / span if span > 0 else 0.0,
        submissions_per_s=len(sent) / answered if answered > 0 else 0.0,
        rss_per_connection=rss_per_connection,
    )
