"""Peak resident memory of one sync of a recording, in a fresh process.

Run: python -m bench.memory RECORDING_FOLDER [v1|v3]   (prints the peak in MB; v3: a `v3.V3Recording`)
The process replays the recording from disk (`replay.py`), so its peak is the sync's own:
interpreter, dlt, DuckDB and whatever the sync keeps, not the emulator nor the pages.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.processing import sync_replayed
from bench.replay import Recording
from bench.v3 import V3Recording, sync_replayed_v3

ROOT = Path(__file__).resolve().parents[1]


def peak_mb(recording: Recording | V3Recording) -> float:
    """Run the sync of `recording` in a child process and return its peak RSS in MB."""
    api = "v3" if isinstance(recording, V3Recording) else "v1"
    done = subprocess.run([sys.executable, "-m", "bench.memory", str(recording.folder), api], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the memory probe failed: {done.stderr.strip().splitlines()[-1:]}")
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    folder_of_recording, api = Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "v1"
    with tempfile.TemporaryDirectory() as folder:
        if api == "v3":
            sync_replayed_v3(V3Recording(folder_of_recording), Path(folder) / "bench.duckdb")
        else:
            sync_replayed(Recording(folder_of_recording), Path(folder) / "bench.duckdb")
    print(_high_water_mb())


def _high_water_mb() -> float:
    """This process's own peak RSS (VmHWM), in MB.

    Not `getrusage`: Linux carries the ru_maxrss of the process it was forked from across
    exec, so a child of a large benchmark would report the parent's size.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)


if __name__ == "__main__":
    main()
