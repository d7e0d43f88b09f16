"""`python -m pipelines.emulator [options]`."""
from __future__ import annotations

import argparse
import sys

from .command import add_emulator_arguments, run_emulator_command


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines.emulator",
                                     description="Serve an emulated Xentral API on 127.0.0.1 until Ctrl-C.")
    add_emulator_arguments(parser)
    return run_emulator_command(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
