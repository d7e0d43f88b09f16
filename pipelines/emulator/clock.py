"""The world clock and the Europe/Berlin timestamp helpers."""
from __future__ import annotations

import threading
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def to_berlin(epoch: float) -> datetime:
    return datetime.fromtimestamp(int(epoch), BERLIN)


_OFFSETS: dict[int, int] = {}  # hour since the epoch -> Berlin UTC offset in seconds


def utc_offset(epoch: int) -> int:
    """Berlin's UTC offset at an instant, cached per hour (Berlin changes offset on whole UTC hours)."""
    hour = epoch // 3600
    offset = _OFFSETS.get(hour)
    if offset is None:
        offset = _OFFSETS[hour] = int(datetime.fromtimestamp(hour * 3600, BERLIN).utcoffset().total_seconds())
    return offset


def berlin_day(epoch: int) -> int:
    """Ordinal of the Berlin calendar day of an instant."""
    return (epoch + utc_offset(epoch)) // 86400 + _EPOCH_ORDINAL


_DAYS: dict[int, str] = {}  # local day number -> "YYYY-MM-DD"
_OFFSET_TEXT: dict[int, str] = {}  # offset seconds -> "+01:00"


def iso(epoch: float) -> str:
    """ISO-8601 at second precision with the Berlin offset of that instant (DST aware)."""
    epoch = int(epoch)
    offset = utc_offset(epoch)
    offset_text = _OFFSET_TEXT.get(offset)
    if offset_text is None:
        hours, minutes = divmod(abs(offset) // 60, 60)
        offset_text = _OFFSET_TEXT[offset] = f"{'+' if offset >= 0 else '-'}{hours:02d}:{minutes:02d}"
    return _local_text(epoch + offset, offset_text)


def iso_utc(epoch: float) -> str:
    """ISO-8601 at second precision in UTC, written with `Z`."""
    return _local_text(int(epoch), "Z")


def _local_text(local_seconds: int, zone: str) -> str:
    """Date and time of local seconds since the epoch, then `zone`; assembled from cached day
    strings because it runs for every timestamp of every answer."""
    day, seconds = divmod(local_seconds, 86400)
    day_text = _DAYS.get(day)
    if day_text is None:
        day_text = _DAYS[day] = date.fromordinal(day + _EPOCH_ORDINAL).isoformat()
    hour, rest = divmod(seconds, 3600)
    minute, second = divmod(rest, 60)
    return f"{day_text}T{hour:02d}:{minute:02d}:{second:02d}{zone}"


def parse_instant(value: str) -> int:
    """Epoch seconds of an ISO date or date-time; naive values are Berlin local time.

    Raises ValueError for anything else (e.g. an offset whose '+' arrived as a space).
    """
    text = value.strip()
    if len(text) == 10:
        day = date.fromisoformat(text)
        return int(datetime(day.year, day.month, day.day, tzinfo=BERLIN).timestamp())
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=BERLIN)
    return int(parsed.timestamp())


def parse_day(value: str) -> int:
    """Ordinal of the Berlin calendar day a date or date-time value falls on."""
    text = value.strip()
    if len(text) == 10:
        return date.fromisoformat(text).toordinal()
    return to_berlin(parse_instant(text)).date().toordinal()


def as_aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=BERLIN)


class Clock:
    """World time: follows wall time from an anchor, can jump, advance or be frozen."""

    def __init__(self, start: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._real_anchor = time.time()
        self._world_anchor = as_aware(start).timestamp() if start else self._real_anchor
        self._frozen: float | None = None

    def timestamp(self) -> float:
        with self._lock:
            if self._frozen is not None:
                return self._frozen
            return self._world_anchor + (time.time() - self._real_anchor)

    def now(self) -> datetime:
        """Aware Berlin time, floored to whole seconds like every API timestamp."""
        return to_berlin(self.timestamp())

    def set(self, dt: datetime) -> None:
        """Jump to dt and keep ticking from there (this also ends a freeze)."""
        with self._lock:
            self._real_anchor = time.time()
            self._world_anchor = as_aware(dt).timestamp()
            self._frozen = None

    def advance(self, seconds: float) -> None:
        with self._lock:
            if self._frozen is not None:
                self._frozen += seconds
            else:
                self._world_anchor += seconds

    def freeze(self, dt: datetime | None = None) -> None:
        """Pin the clock at dt, or at the current world time."""
        value = as_aware(dt).timestamp() if dt is not None else self.timestamp()
        with self._lock:
            self._frozen = value

    def unfreeze(self) -> None:
        """Resume ticking from the pinned time."""
        current = self.timestamp()
        self.set(datetime.fromtimestamp(current, BERLIN))


def days_to_iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat()

