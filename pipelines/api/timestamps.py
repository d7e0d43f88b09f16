"""Xentral timestamps: ISO-8601 with the instance's local offset, which moves with daylight saving.

``2024-03-27T15:13:25+01:00`` in winter, ``...+02:00`` in summer, sometimes ``...Z``. Strings from
different seasons do not sort as instants, so always parse and compare datetimes.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

XENTRAL_TIMEZONE = ZoneInfo("Europe/Berlin")


def parse_timestamp(value: str) -> datetime:
    """Parse a Xentral timestamp into an aware datetime; ValueError (naming the value) otherwise."""
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"not an ISO-8601 timestamp: {value!r}") from None
    if parsed.utcoffset() is None:
        raise ValueError(f"timestamp without a UTC offset: {value!r} (expected e.g. 2024-03-27T15:13:25+01:00)")
    return parsed


def format_timestamp(dt: datetime) -> str:
    """Write an instant as Xentral does: Europe/Berlin local time, seconds precision, with its offset."""
    return _require_aware(dt).astimezone(XENTRAL_TIMEZONE).isoformat(timespec="seconds")


def _require_aware(dt: datetime) -> datetime:
    if dt.utcoffset() is None:
        raise ValueError(f"naive datetime {dt.isoformat()} has no UTC offset; attach a timezone first")
    return dt
