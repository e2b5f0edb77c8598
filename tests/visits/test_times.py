"""Times: entered and shown in the school's zone, stored in UTC, right across DST changes."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from mastery_share.db_types import utcnow
from mastery_share.errors import Invalid
from mastery_share.visits.local_time import format_when, local_to_utc, zone_label
from mastery_share.visits.slots import create_slots

CHICAGO = ZoneInfo("America/Chicago")


def next_dst_change(zone: ZoneInfo, after: date) -> date:
    """The first day after `after` whose UTC offset differs from the day before's (noon)."""
    day = after
    while True:
        following = day + timedelta(days=1)
        if (datetime.combine(day, time(12), zone).utcoffset()
                != datetime.combine(following, time(12), zone).utcoffset()):
            return following
        day = following


def test_weekly_repeats_keep_the_local_time_across_a_daylight_saving_change(host):
    today = utcnow().astimezone(CHICAGO).date()
    change = next_dst_change(CHICAGO, today + timedelta(days=2))
    first_day = change - timedelta(days=8)  # two weeks before and one after the change
    if first_day <= today:
        first_day += timedelta(weeks=1)
    start = datetime.combine(first_day, time(9), CHICAGO)
    slots = create_slots(host, {"starts_at": start, "duration_min": 45, "capacity": 2,
                                "focus": "Goal setting", "repeat_weekly": 3})
    local_times = [slot.starts_at.astimezone(CHICAGO).time() for slot in slots]
    assert local_times == [time(9)] * 4
    offsets = {slot.starts_at.astimezone(CHICAGO).utcoffset() for slot in slots}
    assert len(offsets) == 2  # the series crosses the change: UTC moves by an hour
    utc_hours = [slot.starts_at.astimezone(UTC).hour for slot in slots]
    assert len(set(utc_hours)) == 2
    for slot in slots:
        assert slot.starts_at.tzinfo is not None and slot.starts_at.utcoffset() == timedelta(0)


def test_a_local_time_skipped_by_spring_forward_is_refused():
    change = date(2027, 3, 14)  # US spring forward: 2:00 jumps to 3:00
    with pytest.raises(Invalid, match="does not exist"):
        local_to_utc(change, time(2, 30), "America/Chicago")
    assert local_to_utc(change, time(9), "America/Chicago") == datetime(2027, 3, 14, 14, 0,
                                                                      tzinfo=UTC)


def test_a_repeated_fall_back_time_is_asked_and_either_occurrence_can_be_chosen():
    # More in test_daylight_saving.py: the form asks, the API's offset decides.
    with pytest.raises(Invalid, match="happens twice"):
        local_to_utc(date(2026, 11, 1), time(1, 30), "America/Chicago")
    assert local_to_utc(date(2026, 11, 1), time(1, 30), "America/Chicago",
                        occurrence="first") == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    assert local_to_utc(date(2026, 11, 1), time(1, 30), "America/Chicago",
                        occurrence="second") == datetime(2026, 11, 1, 7, 30, tzinfo=UTC)


def test_times_are_shown_with_the_zone_abbreviation():
    winter = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
    assert format_when(winter, winter + timedelta(minutes=45), "America/Chicago") == \
        "Tue Nov 24, 9:00–9:45 AM CST"
    summer = datetime(2027, 6, 1, 14, 0, tzinfo=UTC)
    assert format_when(summer, summer + timedelta(hours=4), "America/Chicago") == \
        "Tue Jun 1, 9:00 AM–1:00 PM CDT"


@pytest.mark.parametrize(("zone_name", "label"), [
    ("America/Chicago", "Central Time"), ("America/New_York", "Eastern Time"),
    ("America/Denver", "Mountain Time"), ("America/Phoenix", "Mountain Time"),
    ("America/Los_Angeles", "Pacific Time"), ("America/Indiana/Knox", "Central Time"),
    ("America/Anchorage", "Alaska Time"), ("Pacific/Honolulu", "Hawaii Time"),
    ("Europe/Paris", "Paris time"), ("America/Argentina/Buenos_Aires", "Buenos Aires time"),
    ("UTC", "UTC"),
])
def test_zones_are_named_as_people_say_them_not_by_their_iana_name(zone_name, label):
    assert zone_label(zone_name) == label


def test_the_form_takes_local_wall_clock_time_in_the_hosts_zone(host):
    day = utcnow().astimezone(CHICAGO).date() + timedelta(days=5)
    [slot] = create_slots(host, {"date": day, "start_time": time(8, 15), "duration_min": 30,
                                 "capacity": 1, "focus": "Flexible groups"})
    assert slot.starts_at.astimezone(CHICAGO).replace(tzinfo=None) == datetime.combine(
        day, time(8, 15))
