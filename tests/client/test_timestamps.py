from datetime import UTC, datetime, timedelta, timezone

import pytest

from pipelines.api.timestamps import format_timestamp, parse_timestamp


def test_parses_winter_summer_and_utc_forms() -> None:
    assert parse_timestamp("2024-03-27T15:13:25+01:00").utcoffset() == timedelta(hours=1)
    assert parse_timestamp("2024-07-01T08:00:00+02:00").utcoffset() == timedelta(hours=2)
    assert parse_timestamp("2024-07-01T06:00:00Z") == datetime(2024, 7, 1, 6, tzinfo=UTC)


@pytest.mark.parametrize("value", ["2024-03-27T15:13:25", "2024-03-27", "yesterday", ""])
def test_rejects_values_without_offset_naming_them(value: str) -> None:
    with pytest.raises(ValueError, match=repr(value).replace("(", r"\(")):
        parse_timestamp(value)


def test_instants_compare_across_daylight_saving_even_where_strings_do_not() -> None:
    # On 2024-10-27 Berlin lives 02:00-03:00 twice: 02:30 CEST is 00:30 UTC ...
    summer = "2024-10-27T02:30:00+02:00"
    # ... and the second 02:15, in CET, is 01:15 UTC: later, though its string sorts first.
    winter = "2024-10-27T02:15:00+01:00"
    assert winter < summer
    assert parse_timestamp(winter) > parse_timestamp(summer)
    assert parse_timestamp("2024-07-01T08:00:00+02:00") == parse_timestamp("2024-07-01T06:00:00Z")


def test_formats_in_berlin_time_with_the_seasons_offset() -> None:
    assert format_timestamp(datetime(2024, 1, 15, 12, 0, 0, 999_999, tzinfo=UTC)) == "2024-01-15T13:00:00+01:00"
    assert format_timestamp(datetime(2024, 7, 1, 6, 0, tzinfo=UTC)) == "2024-07-01T08:00:00+02:00"
    # the clocks go forward at 01:00 UTC on 2024-03-31
    assert format_timestamp(datetime(2024, 3, 31, 0, 59, 59, tzinfo=UTC)) == "2024-03-31T01:59:59+01:00"
    assert format_timestamp(datetime(2024, 3, 31, 1, 0, 0, tzinfo=UTC)) == "2024-03-31T03:00:00+02:00"


def test_format_then_parse_keeps_the_instant() -> None:
    instant = datetime(2024, 10, 27, 0, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert parse_timestamp(format_timestamp(instant)) == instant


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="no UTC offset"):
        format_timestamp(datetime(2024, 1, 1))
