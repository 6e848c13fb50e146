"""What a programme bench run measured, from the client processes' logs and the dashboard's."""

from __future__ import annotations

import itertools
import os
import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bench.fanout import percentile
from bench.programme_clients import SessionLog

if TYPE_CHECKING:
    from bench.programme import Plan


@dataclass(frozen=True)
class Delivery:
    """Deliveries to a set of sockets: counts and latencies (seconds)."""

    expected: int = 0
    delivered: int = 0
    duplicates: int = 0
    out_of_order: int = 0  # sockets whose seqs did not rise by one each time
    latencies: tuple[float, ...] = ()

    @property
    def lost(self) -> int:
        return self.expected - self.delivered

    def p(self, fraction: float) -> float:
        return 1000 * percentile(list(self.latencies), fraction)


@dataclass(frozen=True)
class Result:
    plan: Plan
    submitted: int  # acked
    refused: int  # answered with an error
    resumed: int  # sockets (the dashboard's too) dropped by the server as too slow, reopened
    sockets: Delivery  # every socket of each session: participants, console, projector
    dashboard: Delivery  # the organiser's one socket, per session
    worst_session_p99_ms: float
    all_p50_ms: float  # submit → the last socket of its session
    all_p99_ms: float
    deliveries_per_s: float
    server_cpu_s: float
    client_cpu_s: float  # the load generator: client processes and the dashboard's
    span_s: float  # first submission to last delivery
    rss_per_connection: float  # bytes of server RSS growth per socket
    load: float  # 1-minute load average at the end

    @property
    def lost(self) -> int:
        return self.sockets.lost + self.dashboard.lost

    @property
    def p99_ms(self) -> float:
        return self.sockets.p(0.99)


def received(
    arrivals: list[tuple[int, float]], sent: dict[int, float]
) -> tuple[Delivery, dict[int, float]]:
    """One socket's arrivals against a session's acked seqs; also each seq's arrival."""
    seen: dict[int, float] = {}
    duplicates = 0
    for seq, at in arrivals:
        if seq in seen:
            duplicates += 1
        else:
            seen[seq] = at
    seqs = [seq for seq, _ in arrivals]
    disordered = any(b != a + 1 for a, b in itertools.pairwise(seqs))
    mine = {seq: at for seq, at in seen.items() if seq in sent}
    latencies = tuple(at - sent[seq] for seq, at in mine.items())
    return Delivery(len(sent), len(mine), duplicates, int(disordered), latencies), mine


def combined(parts: Iterable[Delivery]) -> Delivery:
    total = Delivery()
    for d in parts:
        total = Delivery(
            total.expected + d.expected,
            total.delivered + d.delivered,
            total.duplicates + d.duplicates,
            total.out_of_order + d.out_of_order,
            total.latencies + d.latencies,
        )
    return total


def summarise(
    plan: Plan,
    start: float,
    logs: list[SessionLog],
    dashboard: dict[str, list[tuple[int, float]]],
    cpu: tuple[float, float],
    rss_per_connection: float,
    dashboard_resumed: int = 0,
) -> Result:
    sessions, boards, everyone, worst, last = [], [], [], 0.0, start
    for log in logs:
        per_socket = [received(arrivals, log.sent) for _, arrivals in log.sockets]
        session = combined(d for d, _ in per_socket)
        sessions.append(session)
        worst = max(worst, session.p(0.99)) if session.latencies else worst
        boards.append(received(dashboard.get(log.session_id, []), log.sent)[0])
        for seq, sent in log.sent.items():
            arrivals = [seen[seq] for _, seen in per_socket if seq in seen]
            if arrivals:
                everyone.append(max(arrivals) - sent)
                last = max(last, *arrivals)
    sockets = combined(sessions)
    span = last - start
    return Result(
        plan=plan,
        submitted=sum(len(log.sent) for log in logs),
        refused=sum(log.refused for log in logs),
        resumed=sum(log.resumed for log in logs) + dashboard_resumed,
        sockets=sockets,
        dashboard=combined(boards),
        worst_session_p99_ms=worst,
        all_p50_ms=1000 * percentile(everyone, 0.50),
        all_p99_ms=1000 * percentile(everyone, 0.99),
        deliveries_per_s=(sockets.delivered + combined(boards).delivered) / span if span else 0.0,
        server_cpu_s=cpu[0],
        client_cpu_s=cpu[1],
        span_s=span,
        rss_per_connection=rss_per_connection,
        load=os.getloadavg()[0],
    )


def table(results: list[Result]) -> str:
    rows = [
        "| server | S | sockets | items | p50 ms | p99 ms | worst session p99 ms | "
        "last socket p99 ms | dashboard p50/p99 ms | deliveries/s | lost | dup | out of order | "
        "refused | resumed | KiB/conn | server CPU % | load generator CPU % | load avg |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        rows.append(_row(r))
    return "\n".join(rows)


def sessions(plan: Any) -> str:
    """S as the tables print it: "50", or "50 + online" with an online round."""
    return f"{plan.sessions} + online" if plan.online_round else str(plan.sessions)


def _row(r: Result) -> str:
    plan: Any = r.plan
    server = (
        "1 process, SQLite"
        if plan.server_processes == 1
        else (f"{plan.server_processes} processes, PostgreSQL + Redis")
    )
    sockets = plan.all_sessions * (plan.participants + 2) + 1
    dup = r.sockets.duplicates + r.dashboard.duplicates
    disorder = r.sockets.out_of_order + r.dashboard.out_of_order
    return (
        f"| {server} | {sessions(plan)} | {sockets} | {r.submitted} | {r.sockets.p(0.5):.0f} | "
        f"{r.sockets.p(0.99):.0f} | {r.worst_session_p99_ms:.0f} | {r.all_p99_ms:.0f} | "
        f"{r.dashboard.p(0.5):.0f}/{r.dashboard.p(0.99):.0f} | {r.deliveries_per_s:.0f} | "
        f"{r.lost} | {dup} | {disorder} | {r.refused} | {r.resumed} | "
        f"{r.rss_per_connection / 1024:.1f} | "
        f"{100 * r.server_cpu_s / r.span_s:.0f} | {100 * r.client_cpu_s / r.span_s:.0f} | "
        f"{r.load:.1f} |"
    )


def spread(results: list[Result]) -> str:
    """Per configuration over its runs: the median and the worst of p50, p99 and lost."""
    rows = [
        "| server processes | S | runs | p50 ms median (worst) | p99 ms median (worst) | "
        "lost (worst) |",
        "|---|---|---|---|---|---|",
    ]
    groups: dict[tuple[int, str], list[Result]] = {}
    for r in results:
        groups.setdefault((r.plan.server_processes, sessions(r.plan)), []).append(r)
    for (processes, many), runs in groups.items():
        p50 = [r.sockets.p(0.5) for r in runs]
        p99 = [r.sockets.p(0.99) for r in runs]
        rows.append(
            f"| {processes} | {many} | {len(runs)} | {statistics.median(p50):.0f} "
            f"({max(p50):.0f}) | {statistics.median(p99):.0f} ({max(p99):.0f}) | "
            f"{max(r.lost for r in runs)} |"
        )
    return "\n".join(rows)
