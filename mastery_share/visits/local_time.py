"""Wall-clock time in a school's zone: visits are planned and shown in local time and
stored in UTC."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..errors import Invalid


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_to_utc(day: date, at: time, zone_name: str, *, field: str = "start_time") -> datetime:
    """The UTC instant of a wall-clock time in a zone.

    A time skipped by a daylight-saving change (2:30 on the spring-forward night) is refused;
    a repeated one (1:30 on the fall-back night) means its first occurrence.
    """
    tz = zone(zone_name)
    local = datetime.combine(day, at).replace(tzinfo=tz, fold=0)
    instant = local.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise Invalid(f"{at.strftime('%H:%M')} does not exist on {day:%b %d, %Y} in "
                      f"{zone_name}: the clocks change that night.",
                      {field: "That time is skipped by the daylight-saving change."})
    return instant


def weekly_occurrences(first: datetime, zone_name: str, extra_weeks: int) -> list[datetime]:
    """`first` and the same local wall-clock time on each of the next `extra_weeks` weeks.

    Weeks are added in local time, so a 9:00 visit stays at 9:00 across a daylight-saving
    change (its UTC time moves by an hour).
    """
    tz = zone(zone_name)
    local = first.astimezone(tz)
    return [local_to_utc(local.date() + timedelta(weeks=week), local.time().replace(tzinfo=None),
                         zone_name)
            for week in range(extra_weeks + 1)]


def to_local(moment: datetime, zone_name: str) -> datetime:
    return moment.astimezone(zone(zone_name))


def _clock(moment: datetime) -> str:
    return moment.strftime("%I:%M").lstrip("0")


def format_time_range(starts_at: datetime, ends_at: datetime, zone_name: str) -> str:
    """'9:00–9:45 AM CST' in the zone (the abbreviation names the zone and its DST state)."""
    start, end = to_local(starts_at, zone_name), to_local(ends_at, zone_name)
    first = _clock(start) if start.strftime("%p") == end.strftime("%p") else (
        f"{_clock(start)} {start.strftime('%p')}")
    return f"{first}–{_clock(end)} {end.strftime('%p')} {end.strftime('%Z')}"


def format_day(moment: datetime, zone_name: str) -> str:
    """'Tue Nov 24' in the zone."""
    local = to_local(moment, zone_name)
    return f"{local:%a %b} {local.day}"


def format_when(starts_at: datetime, ends_at: datetime, zone_name: str) -> str:
    """'Tue Nov 24, 9:00–9:45 AM CST'."""
    return f"{format_day(starts_at, zone_name)}, {format_time_range(starts_at, ends_at, zone_name)}"


# North American zones by their standard-time abbreviation: every zone of the fifty states
# (Indiana's and North Dakota's sub-zones included) is one of these, named as people say it.
_AMERICAN_ZONE_NAMES = {
    "AST": "Atlantic Time", "EST": "Eastern Time", "CST": "Central Time", "MST": "Mountain Time",
    "PST": "Pacific Time", "AKST": "Alaska Time", "HST": "Hawaii Time",
}


def zone_label(zone_name: str) -> str:
    """'Central Time' for America/Chicago; elsewhere the zone's city, 'Paris time'."""
    if zone_name.startswith(("America/", "US/", "Pacific/Honolulu")):
        # Mid-January is standard time in every North American zone.
        winter = datetime(2026, 1, 15, 12, tzinfo=UTC).astimezone(zone(zone_name))
        if (named := _AMERICAN_ZONE_NAMES.get(winter.tzname() or "")) is not None:
            return named
    if "/" not in zone_name:  # UTC, EST5EDT...
        return zone_name
    return f"{zone_name.rsplit('/', 1)[-1].replace('_', ' ')} time"


def week_start(day: date) -> date:
    """The Monday of the week holding `day`."""
    return day - timedelta(days=day.weekday())


def month_bounds(moment: datetime, zone_name: str) -> tuple[datetime, datetime]:
    """The UTC instants where the calendar month holding `moment` (in the zone) begins and ends."""
    local = to_local(moment, zone_name)
    first = local.date().replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    tz = zone(zone_name)
    # Not local_to_utc: a few zones skip midnight when their clocks change.
    return (datetime.combine(first, time(0), tzinfo=tz).astimezone(UTC),
            datetime.combine(following, time(0), tzinfo=tz).astimezone(UTC))
