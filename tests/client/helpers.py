"""Constants and response bodies shared by the client tests."""

from __future__ import annotations

from typing import Any

BASE_URL = "https://acme.xentral.biz"
TOKEN = "pat-SECRET-7f3a9c2e1b"
WALL_CLOCK_START = 1_700_000_000.0


def list_body(items: list[dict[str, Any]], *, total: int | None, number: int = 1, size: int = 50) -> dict[str, Any]:
    """A Xentral list envelope."""
    extra: dict[str, Any] = {"page": {"number": number, "size": size}}
    if total is not None:
        extra["totalCount"] = total
    return {"data": items, "extra": extra}


def rows(count: int, start: int = 1) -> list[dict[str, Any]]:
    return [{"id": str(number)} for number in range(start, start + count)]
