"""`python -m bench`: the fan-out benchmark (floor and product, same run) and the database
write rates; prints Markdown tables for docs/performance.md."""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import tempfile
from pathlib import Path

from bench.fanout import Plan, Result, measure
from bench.limits import raise_file_limit
from bench.writes import WriteResult, fresh_database, locked_with_concurrent_writers, write_rate

# The submission rates the product must sustain at each size (docs/performance.md).
RATES = {50: 100.0, 500: 20.0, 2000: 5.0}


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kib = int(Path("/proc/meminfo").read_text().split()[1])
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {mem_kib / 2**20:.0f} GiB RAM, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def fanout_table(pairs: list[tuple[Result, Result]]) -> str:
    rows = [
        "| N | rate /s | | p50 ms | p99 ms | all-sockets p50 ms | all-sockets p99 ms | "
        "deliveries/s | answered/s | lost | dup | out of order | KiB/conn | "
        "server CPU ms/submission |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for floor, product in pairs:
        for r in (floor, product):
            rows.append(
                f"| {r.plan.n} | {r.plan.rate:g} | {r.plan.target} | {r.p50_ms:.1f} | "
                f"{r.p99_ms:.1f} | {r.all_p50_ms:.1f} | {r.all_p99_ms:.1f} | "
                f"{r.deliveries_per_s:.0f} | {r.submissions_per_s:.1f} | {r.lost} | "
                f"{r.duplicates} | {r.out_of_order} | {r.rss_per_connection / 1024:.1f} | "
                f"{r.cpu_ms_per_submission:.1f} |"
            )
        ratios = [
            product.p50_ms / floor.p50_ms,
            product.p99_ms / floor.p99_ms,
            product.all_p50_ms / floor.all_p50_ms,
            product.all_p99_ms / floor.all_p99_ms,
        ]
        rows.append(
            f"| {floor.plan.n} | | **product/floor** | {ratios[0]:.2f} | **{ratios[1]:.2f}** | "
            f"{ratios[2]:.2f} | **{ratios[3]:.2f}** | | | | | | | |"
        )
    return "\n".join(rows)


def writes_table(results: list[WriteResult]) -> str:
    rows = ["| database | writers | items | items/s | errors |", "|---|---|---|---|---|"]
    for r in results:
        rows.append(f"| {r.database} | {r.writers} | {r.items} | {r.per_second:.0f} | {r.errors} |")
    return "\n".join(rows)


async def run_fanout(args: argparse.Namespace, folder: Path) -> list[tuple[Result, Result]]:
    pairs = []
    for n in args.sizes:
        rate = args.rate or RATES.get(n, 20.0)
        results = []
        for target in ("floor", "product"):
            database = f"sqlite:///{folder / f'bench-{n}.db'}" if target == "product" else ""
            plan = Plan(
                target,
                n,
                rate,
                args.duration,
                args.client_processes,
                database,
                submit_over=args.submit_over,
            )
            result = await measure(plan, folder / f"{target}-{n}.log")
            print(f"  {target} N={n}: p99 {result.p99_ms:.1f} ms, lost {result.lost}", flush=True)
            results.append(result)
        pairs.append((results[0], results[1]))
    return pairs


def scale_out_table(results: list[Result]) -> str:
    rows = [
        "| server processes | N | offered /s | answered /s | deliveries/s | p50 ms | p99 ms | "
        "lost | dup | out of order | vs 1 process |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    one = results[0].deliveries_per_s if results else 0.0
    for r in results:
        rows.append(
            f"| {r.plan.server_processes} | {r.plan.n} | {r.plan.rate:g} | "
            f"{r.submissions_per_s:.1f} | {r.deliveries_per_s:.0f} | {r.p50_ms:.1f} | "
            f"{r.p99_ms:.1f} | {r.lost} | {r.duplicates} | {r.out_of_order} | "
            f"{r.deliveries_per_s / one:.2f}× |"
        )
    return "\n".join(rows)


async def run_scale_out(args: argparse.Namespace, folder: Path) -> list[Result]:
    """The same room served by 1, 2, 4 … processes on one PostgreSQL and one Redis, offered
    more than one process can deliver: deliveries/s is what each configuration sustains."""
    results = []
    for processes in args.scale_out:
        with fresh_database(args.postgres_url) as database_url:
            plan = Plan(
                "product",
                args.scale_out_n,
                args.scale_out_rate,
                args.duration,
                args.client_processes,
                database_url,
                server_processes=processes,
                broadcast_url=args.redis_url,
            )
            result = await measure(plan, folder / f"scale-{processes}.log")
        print(
            f"  {processes} process(es): {result.deliveries_per_s:.0f} deliveries/s, "
            f"lost {result.lost}",
            flush=True,
        )
        results.append(result)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument(
        "--sizes", default="50,500,2000", type=lambda s: [int(x) for x in s.split(",") if x]
    )
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of submitting")
    parser.add_argument("--rate", type=float, default=0.0, help="submissions/s (default: per N)")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--write-items", type=int, default=3000, help="0 skips the write bench")
    parser.add_argument("--postgres-url", default=os.environ.get("VK_BENCH_POSTGRES_URL", ""))
    parser.add_argument(
        "--scale-out",
        default="",
        type=lambda s: [int(x) for x in s.split(",") if x],
        help="server process counts on PostgreSQL + Redis, e.g. 1,2,4 (needs --postgres-url)",
    )
    parser.add_argument(
        "--submit-over",
        choices=("http", "socket"),
        default="http",
        help="how the product's submitters send items: POST …/items or their JSON socket",
    )
    parser.add_argument("--scale-out-n", type=int, default=2000)
    parser.add_argument("--scale-out-rate", type=float, default=30.0)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args()
    print(f"Machine: {machine()}; open-file limit {raise_file_limit()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="vk-bench-") as tmp:
        folder = Path(tmp)
        pairs = asyncio.run(run_fanout(args, folder)) if args.sizes else []
        if pairs:
            print("\n" + fanout_table(pairs), flush=True)
        if args.scale_out:
            if not args.postgres_url:
                parser.error("--scale-out needs --postgres-url")
            scaled = asyncio.run(run_scale_out(args, folder))
            print("\n" + scale_out_table(scaled), flush=True)
        if args.write_items:
            writes = [write_rate(f"sqlite:///{folder / 'writes.db'}", args.write_items)]
            if args.postgres_url:
                writes.append(write_rate(args.postgres_url, args.write_items))
            writes.append(locked_with_concurrent_writers(f"sqlite:///{folder / 'locked.db'}", 20))
            print("\n" + writes_table(writes), flush=True)


if __name__ == "__main__":
    main()
