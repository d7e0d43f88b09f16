"""`xentral-sync sync` as a scheduler runs it: a separate process, real HTTP, exit codes."""

from __future__ import annotations

import http.server
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.helpers import assert_matches_truth, query, sync, table_snapshot

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
FAST_FLAGS = ["--rate-limit", "1000", "--rate-window", "1", "--api", "v1"]
"""v1: these runs are compared with `sync()` runs, which read v1 (v3 has its own tests, `test_sync_v3.py`)."""


def cli_env(host: str | None, token: str | None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("XENTRAL_", "SOURCES__"))}
    env["PYTHONPATH"] = str(REPO)
    if host is not None:
        env["XENTRAL_INSTANCE_HOST"] = host
    if token is not None:
        env["XENTRAL_API_TOKEN"] = token
    return env


def run_cli(args: list[str], env: dict[str, str], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout,
    )


def start_cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", *args],
        env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=_answer_ctrl_c,  # noqa: PLW1509 - the child runs no threads yet
    )


def _answer_ctrl_c() -> None:
    """A suite run in the background inherits an ignored SIGINT; the CLI as a person runs it does not."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_sync_command_succeeds_and_prints_a_summary(emulator_factory, tmp_path: Path) -> None:
    emulator = emulator_factory(orders=40, products=10, customers=8, rate_limit=1000, rate_window_seconds=1.0)
    db = tmp_path / "x.duckdb"
    done = run_cli(["sync", "--duckdb", str(db), *FAST_FLAGS], cli_env(emulator.base_url, emulator.token), tmp_path)

    assert done.returncode == 0, done.stderr
    assert "Sync complete" in done.stdout
    assert f"Loaded into DuckDB file {db}, dataset xentral." in done.stdout
    assert "sales_orders" in done.stdout and "requests" in done.stdout
    assert "Built" in done.stdout
    assert_matches_truth(emulator, db)


@pytest.mark.parametrize(
    ("host", "token", "expected"),
    [
        ("127.0.0.1:1", None, "XENTRAL_API_TOKEN"),
        (None, "some-token", "XENTRAL_INSTANCE_HOST"),
        ("http://erp.example.de", "some-token", "https"),
        ("mycompany.xentral.biz/api/v1", "some-token", "mycompany.xentral.biz/api/v1"),
    ],
    ids=["missing-token", "missing-host", "plain-http-real-host", "host-with-path"],
)
def test_bad_configuration_stops_before_anything_is_written(
    tmp_path: Path, host: str | None, token: str | None, expected: str
) -> None:
    done = run_cli(["sync", "--duckdb", str(tmp_path / "x.duckdb")], cli_env(host, token), tmp_path)

    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert done.stderr.startswith("error: ") and expected in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "x.duckdb").exists()


@pytest.mark.parametrize("unauthorized_body", ["json", "text"])
def test_wrong_token_is_one_clear_line_without_the_token(emulator_factory, tmp_path: Path, unauthorized_body: str) -> None:
    """Xentral's 401 body is unconfirmed (JSON or the text `Unauthorized`): both read the same."""
    emulator = emulator_factory(orders=5, products=5, customers=5, unauthorized_body=unauthorized_body)
    wrong = "wrong-token-9f8e7d6c"
    done = run_cli(["sync", "--duckdb", str(tmp_path / "x.duckdb")], cli_env(emulator.base_url, wrong), tmp_path)

    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and done.stderr.strip().count("\n") == 0, done.stderr
    assert "token" in done.stderr.lower() and wrong not in done.stderr + done.stdout
    assert not (tmp_path / "x.duckdb").exists()


@pytest.fixture()
def not_xentral() -> Iterator[str]:
    """A web server that answers every path with an HTML 404, like a wrong host would."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            body = b"<html><body>Not Found</body></html>"
            self.send_response(404)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_host_that_is_not_xentral_stops_with_one_line(not_xentral: str, tmp_path: Path) -> None:
    done = run_cli(["sync", "--duckdb", str(tmp_path / "x.duckdb")], cli_env(not_xentral, "some-token"), tmp_path)

    assert done.returncode == 2
    assert "does not answer like Xentral" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "x.duckdb").exists()


def test_second_sync_on_the_same_file_exits_at_once(emulator_factory, tmp_path: Path) -> None:
    emulator = emulator_factory(orders=5, products=5, customers=5)
    db = tmp_path / "x.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from filelock import FileLock; "
         "lock = FileLock(sys.argv[1]); lock.acquire(); print('held', flush=True); time.sleep(60)",
         str(db) + ".lock"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        done = run_cli(["sync", "--duckdb", str(db)], cli_env(emulator.base_url, emulator.token), tmp_path)
        assert done.returncode == 3
        assert "another sync is already running" in done.stderr
        assert time.monotonic() - started < 20
        assert emulator.stats.total() == 0
    finally:
        holder.kill()
        holder.wait()


def test_token_appears_nowhere(emulator_factory, tmp_path: Path) -> None:
    secret = "xt-SECRET-0c4f2b8e9d71a6"
    emulator = emulator_factory(orders=30, products=10, customers=8, token=secret, rate_limit=1000, rate_window_seconds=1.0)
    db = tmp_path / "x.duckdb"
    done = run_cli(["-v", "sync", "--duckdb", str(db), *FAST_FLAGS], cli_env(emulator.base_url, secret), tmp_path)
    assert done.returncode == 0, done.stderr
    assert "GET /api/v1/salesOrders" in done.stderr  # debug logging was on

    assert secret not in done.stdout + done.stderr
    written = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert any(".xentral-sync" in str(path) for path in written)
    for path in written:
        assert secret.encode() not in path.read_bytes(), path


def _wait_for(condition, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.002)
    return False


def _loading(db: Path) -> bool:
    normalized = db.parent / ".xentral-sync" / db.stem / "xentral_sync" / "load" / "normalized"
    return normalized.exists() and any(normalized.iterdir())


@pytest.mark.parametrize("kill_at", ["extract-early", "extract-late", "load"])
def test_killed_run_then_rerun_equals_a_clean_run(emulator_factory, tmp_path: Path, kill_at: str) -> None:
    emulator = emulator_factory(orders=150, products=40, customers=20, latency_ms=2, rate_limit=1000, rate_window_seconds=1.0)
    killed_db, clean_db = tmp_path / "killed" / "x.duckdb", tmp_path / "clean" / "x.duckdb"
    killed_db.parent.mkdir()
    clean_db.parent.mkdir()

    process = start_cli(["sync", "--duckdb", str(killed_db), *FAST_FLAGS], cli_env(emulator.base_url, emulator.token), tmp_path)
    condition = {
        "extract-early": lambda: emulator.stats.total() >= 20,
        "extract-late": lambda: emulator.stats.total() >= 150,
        "load": lambda: _loading(killed_db),
    }[kill_at]
    reached = _wait_for(condition)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert reached and process.returncode == -signal.SIGKILL

    sync(emulator, killed_db)
    sync(emulator, clean_db)
    assert table_snapshot(killed_db, ignore=("details_synced_at",)) == table_snapshot(clean_db, ignore=("details_synced_at",))
    assert_matches_truth(emulator, killed_db)
    working = killed_db.parent / ".xentral-sync" / "x" / "xentral_sync"
    assert [folder.name for folder in (working / "normalize").iterdir() if folder.is_dir()] == ["extracted"]
    assert not [path for path in (working / "load" / "loaded").rglob("*.insert_values*")]  # no old data files


@pytest.mark.parametrize("during", ["fetching", "loading"])
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interrupted_sync_exits_130_with_one_line_and_the_next_run_finishes(
    emulator_factory, tmp_path: Path, stop: signal.Signals, during: str
) -> None:
    """dlt defers these signals while it normalizes and loads, and dropped one that came late;
    Python drops one that lands in a finalizer (`pipelines/interrupts.py`)."""
    emulator = emulator_factory(orders=150, products=20, customers=10, latency_ms=5, rate_limit=1000, rate_window_seconds=1.0)
    db = tmp_path / "x.duckdb"
    process = start_cli(["sync", "--duckdb", str(db), *FAST_FLAGS], cli_env(emulator.base_url, emulator.token), tmp_path)
    assert _wait_for(lambda: emulator.stats.total() >= 30 if during == "fetching" else _loading(db))
    process.send_signal(stop)
    _, stderr = process.communicate(timeout=60)

    assert process.returncode == 130
    errors = [line for line in stderr.splitlines() if " INFO " not in line]  # under cron, progress is logged
    assert errors == ["error: interrupted: nothing half-done stays behind; the next run continues"]
    sync(emulator, db)
    assert_matches_truth(emulator, db)


@pytest.mark.parametrize("dataset", [None, "raw"], ids=["defaults", "another-dataset"])
def test_the_readme_path_in_a_fresh_folder(emulator_factory, tmp_path: Path, dataset: str | None) -> None:
    """`export XENTRAL_INSTANCE_HOST=… XENTRAL_API_TOKEN=…; xentral-sync sync`, then `models` and `report`: with
    every default (file xentral.duckdb, dataset xentral, whose names DuckDB would confuse), and with another dataset.

    A world small enough for the default rate limit's first window (90 of 100 requests)."""
    emulator = emulator_factory(orders=25, products=8, customers=6, rate_limit=100, rate_window_seconds=60.0)
    env = cli_env(emulator.base_url, emulator.token)
    chosen = ["--dataset", dataset] if dataset else []

    synced = run_cli(["sync", *chosen], env, tmp_path)
    assert synced.returncode == 0, synced.stderr
    assert "Data tests: all passed" in synced.stdout
    schema = dataset or "xentral"
    assert query(tmp_path / "xentral.duckdb", f"SELECT count(*) FROM xentral.{schema}.sales_orders") == [(25,)]
    rebuilt = run_cli(["models", *chosen], env, tmp_path)
    assert rebuilt.returncode == 0 and "Data tests: all passed" in rebuilt.stdout, rebuilt.stdout + rebuilt.stderr
    reported = run_cli(["report", "--format", "csv", *chosen], env, tmp_path)
    assert reported.returncode == 0, reported.stderr
    header, *rows = reported.stdout.splitlines()
    keys = [(row.split(",")[1], row.split(",")[4]) for row in rows]  # customer and currency
    assert header.startswith("revenue_rank,customer_id") and len(keys) == len(set(keys)) > 0


def test_a_duckdb_path_that_cannot_be_written_is_one_line_before_any_request(emulator_factory, tmp_path: Path) -> None:
    emulator = emulator_factory()
    (tmp_path / "a-file").write_text("not a folder")
    done = run_cli(["sync", "--duckdb", str(tmp_path / "a-file" / "x.duckdb")], cli_env(emulator.base_url, emulator.token),
                   tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith(f"error: cannot write beside the DuckDB file {tmp_path}")
    assert emulator.stats.total() == 0


def test_verbose_goes_after_the_subcommand_too_and_help_lists_the_exit_codes(tmp_path: Path) -> None:
    done = run_cli(["sync", "-v", "--instance", "acme.xentral.biz"], cli_env(None, None), tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith("error: no API token")
    for command in ([], ["sync"], ["orders", "show"], ["report"]):
        shown = run_cli([*command, "--help"], cli_env(None, None), tmp_path)
        assert "exit codes: 0 ok, 1 failed" in " ".join(shown.stdout.split()), command


def test_a_flag_out_of_range_is_one_line_and_exit_2_before_any_request(emulator_factory, tmp_path: Path) -> None:
    emulator = emulator_factory()
    for flags, named in (
        (["--rate-headroom", "1.5"], "--rate-headroom"),
        (["--rate-window", "0"], "--rate-window"),
        (["--time-budget", "-1"], "--time-budget"),
        (["--since", "2026-02-01", "--until", "2026-01-01"], "--since"),
    ):
        done = run_cli(["sync", *flags], cli_env(emulator.base_url, emulator.token), tmp_path)
        assert done.returncode == 2, flags
        assert len(done.stderr.strip().splitlines()) == 1 and named in done.stderr, done.stderr
    assert emulator.stats.total() == 0


def test_piping_into_head_is_quiet(emulator_factory, tmp_path: Path) -> None:
    emulator = emulator_factory(orders=300, **{"rate_limit": 1000, "rate_window_seconds": 1.0})
    command = f"{sys.executable} -m pipelines.cli orders list --limit 300 --json | head -c 20"
    done = subprocess.run(command, shell=True, env=cli_env(emulator.base_url, emulator.token), cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and len(done.stdout) == 20
    assert [line for line in done.stderr.splitlines() if " INFO " not in line] == []
