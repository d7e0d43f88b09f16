"""Emulator speed over real HTTP: start-up, a list page of 50 orders, one order view, a v3 page.

Run: python bench/bench_emulator.py [--orders 100000] [--requests 400] [--baseline DIR]
The emulator runs in its own process (start-up is measured until it prints its address,
interpreter start included). Pages and ids are random across the whole instance. The
baseline (the shipping-method list, a tiny answer) shows what HTTP alone costs on this
machine. The v3 page is 1000 orders with their line items (`include=lineItems`), at a
random page, with its size in bytes, so a client's benchmark can subtract the emulator's
own time. `--baseline DIR` measures another checkout's emulator in the same run, first
(e.g. `git archive REV pipelines | tar -x -C DIR`), so old and new meet the same load;
figures an older emulator cannot answer are left out. Other work on the machine shows in
the wall times: the load average before each emulator is printed, and beside each median the
emulator process's own CPU time per request, which other work barely moves.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests

TOKEN = "bench-token"
TARGETS_MS = {"list page of 50 orders": 5.0, "single order view": 2.0}
STARTUP_TARGET_S = 10.0
V3_PAGE = 1000
V3_REQUESTS = 20  # a v3 page takes a thousand times a list item's work


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far (Linux /proc), 0.0 where unknown."""
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        return 0.0
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timings(call: Callable[[], requests.Response], count: int, sizes: list[int] | None = None) -> list[float]:
    """Milliseconds of `count` calls; the body sizes go to `sizes` when given."""
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        response = call()
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, response.text[:200]
        samples.append(elapsed * 1000)
        if sizes is not None:
            sizes.append(len(response.content))
    return samples


def p95(samples: list[float]) -> float:
    return sorted(samples)[max(0, int(len(samples) * 0.95) - 1)]


def start_server(args: argparse.Namespace, checkout: Path | None = None) -> tuple[subprocess.Popen, str, float]:
    """The emulator in its own process, as a client would meet it (from `checkout` when given: the
    working directory comes first on the path); returns (process, base URL, start-up s)."""
    command = [sys.executable, "-m", "pipelines.emulator", "--orders", str(args.orders), "--products",
               str(args.products), "--customers", str(args.customers), "--seed", str(args.seed),
               "--rate-limit", str(10**9), "--token", TOKEN]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=checkout)
    for line in process.stdout:
        found = re.search(r"XENTRAL_INSTANCE_HOST=(\S+)", line)
        if found:
            return process, found.group(1), time.perf_counter() - started
    raise RuntimeError("the emulator did not start")


def stop_server(process: subprocess.Popen, session: requests.Session) -> None:
    """Close our keep-alive connection, stop the emulator, and drain its output so it can exit."""
    session.close()
    process.send_signal(signal.SIGINT)
    try:
        process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()


def _session() -> requests.Session:
    session = requests.Session()
    session.headers.update({"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"})
    return session


def _order_ids(session: requests.Session, base: str, pages: int, rng: random.Random, count: int) -> list[str]:
    return [o["id"] for _ in range(count) for o in session.get(f"{base}/api/v1/salesOrders", params={
        "page[number]": rng.randint(1, pages), "page[size]": 50}).json()["data"]]


def measure(quick: bool = False, rounds: int = 3) -> dict[str, list[float]]:
    """Median ms of a list page of 50 orders and of one order view, once per round."""
    args = argparse.Namespace(orders=10_000 if quick else 100_000, products=500, customers=500, seed=42)
    process, base, _ = start_server(args)
    rng = random.Random(1)
    count = 50 if quick else 200
    figures: dict[str, list[float]] = {"list page of 50 orders": [], "single order view": []}
    session = _session()
    try:
        pages = max(1, args.orders // 50)
        ids = _order_ids(session, base, pages, rng, 1)
        for _ in range(rounds):
            figures["list page of 50 orders"].append(statistics.median(timings(
                lambda: session.get(f"{base}/api/v1/salesOrders", params={
                    "page[number]": rng.randint(1, pages), "page[size]": 50}), count)))
            figures["single order view"].append(statistics.median(timings(
                lambda: session.get(f"{base}/api/v1/salesOrders/{rng.choice(ids)}"), count)))
    finally:
        stop_server(process, session)
    return figures


@dataclass
class Run:
    """One emulator's figures: start-up, ms per request kind, the emulator's own CPU ms per request
    of each kind (unlike the wall time, barely moved by other work on the machine), v3 page sizes."""

    startup: float
    wall: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    v3_sizes: list[int] = field(default_factory=list)


def run_emulator(args: argparse.Namespace, checkout: Path | None) -> Run:
    process, base, startup = start_server(args, checkout)
    rng = random.Random(1)
    session = _session()
    run = Run(startup)

    def measure_kind(name: str, call: Callable[[], requests.Response], count: int,
                     sizes: list[int] | None = None) -> None:
        before = cpu_seconds(process.pid)
        run.wall[name] = timings(call, count, sizes)
        run.cpu[name] = (cpu_seconds(process.pid) - before) * 1000 / count

    try:
        for _ in range(20):  # warm up the connection and the code paths
            session.get(f"{base}/api/v1/shippingMethods")
        total = session.get(f"{base}/api/v1/salesOrders").json()["extra"]["totalCount"]
        pages = max(1, total // 50)
        ids = _order_ids(session, base, pages, rng, 20)
        measure_kind("baseline: shipping methods", lambda: session.get(f"{base}/api/v1/shippingMethods"),
                     args.requests)
        measure_kind("list page of 50 orders", lambda: session.get(f"{base}/api/v1/salesOrders", params={
            "page[number]": rng.randint(1, pages), "page[size]": 50}), args.requests)
        measure_kind("list page of 50, updatedAt filter", lambda: session.get(f"{base}/api/v1/salesOrders", params={
            "filter[0][key]": "updatedAt", "filter[0][op]": "greaterThanOrEquals",
            "filter[0][value]": "2025-01-01T00:00:00+01:00",
            "page[number]": rng.randint(1, max(1, pages // 2)), "page[size]": 50}), args.requests)
        measure_kind("single order view", lambda: session.get(f"{base}/api/v1/salesOrders/{rng.choice(ids)}"),
                     args.requests)
        v3_pages = max(1, total // V3_PAGE)
        if session.get(f"{base}/api/v3/salesOrders").status_code == 200:
            measure_kind(f"v3 page of {V3_PAGE} orders with line items", lambda: session.get(
                f"{base}/api/v3/salesOrders", params={"include": "lineItems", "perPage": V3_PAGE,
                                                      "page": rng.randint(1, v3_pages)}), V3_REQUESTS, run.v3_sizes)
    finally:
        stop_server(process, session)
    return run


def report(label: str, load: tuple[float, ...], run: Run) -> None:
    baseline = statistics.median(run.wall["baseline: shipping methods"])
    print(f"{label}; load average before: {load[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"start-up: {run.startup:.2f} s (target < {STARTUP_TARGET_S:.0f} s) "
          f"{'ok' if run.startup < STARTUP_TARGET_S else 'MISSED'}")
    print(f"{'request':<44} {'median ms':>10} {'p95 ms':>8} {'x baseline':>11} {'CPU ms':>8} {'target ms':>10}  "
          "result")
    for name, samples in run.wall.items():
        median = statistics.median(samples)
        target = TARGETS_MS.get(name)
        verdict = "" if target is None else ("ok" if median <= target else "MISSED")
        print(f"{name:<44} {median:>10.2f} {p95(samples):>8.2f} {median / baseline:>11.1f} {run.cpu[name]:>8.2f} "
              f"{'' if target is None else f'{target:.1f}':>10}  {verdict}")
    if run.v3_sizes:
        print(f"v3 page size: {statistics.median(run.v3_sizes) / 1e6:.2f} MB median "
              f"({min(run.v3_sizes) / 1e6:.2f}-{max(run.v3_sizes) / 1e6:.2f} MB)")
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--products", type=int, default=2_000)
    parser.add_argument("--customers", type=int, default=5_000)
    parser.add_argument("--requests", type=int, default=400, help="timed requests per measurement")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--baseline", type=Path, help="a checkout of another version to measure first")
    args = parser.parse_args()
    print(f"Emulator with {args.orders:,} orders, {args.products:,} products, {args.customers:,} customers")
    print()
    emulators = ([(f"baseline: {args.baseline}", args.baseline)] if args.baseline else []) + [("this checkout", None)]
    for label, checkout in emulators:
        load = os.getloadavg()
        report(label, load, run_emulator(args, checkout))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
