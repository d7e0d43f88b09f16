"""`python -m pipelines.emulator`: prints what to export, serves, stops cleanly on Ctrl-C."""
from __future__ import annotations

import argparse
import re
import signal
import subprocess
import sys

import pytest
import requests

from pipelines.emulator.command import add_emulator_parser, settings_from


def test_serves_in_the_foreground_and_exits_0_on_ctrl_c() -> None:
    process = subprocess.Popen([sys.executable, "-m", "pipelines.emulator", "--orders", "30", "--token", "t0k",
                                "--rate-window", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        banner = "".join(process.stdout.readline() for _ in range(6))
        url = re.search(r"export XENTRAL_INSTANCE_HOST=(http://127\.0\.0\.1:\d+)\n", banner).group(1)
        assert "export XENTRAL_API_TOKEN=t0k" in banner
        response = requests.get(url + "/api/v1/salesOrders", headers={"Authorization": "Bearer t0k"}, timeout=5)
        assert response.json()["extra"]["totalCount"] == 30
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 0
    assert "Traceback" not in err and "stopped" in out


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_emulator_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["emulator", *argv])


def test_options_map_to_settings() -> None:
    settings = settings_from(parse("--orders", "7", "--rate-limit", "5", "--rate-window", "1.5", "--error-rate", "0.2",
                                   "--fail-operations", "salesOrder.view,product.listV2", "--oversize-page", "clamp"))
    assert (settings.orders, settings.rate_limit, settings.rate_window_seconds, settings.error_rate) == (7, 5, 1.5, 0.2)
    assert settings.fail_operations == ("salesOrder.view", "product.listV2")
    assert settings.oversize_page == "clamp" and settings.products == 60


def test_unknown_choice_is_refused() -> None:
    with pytest.raises(SystemExit):
        parse("--location-form", "sideways")
