"""Wall-clock time in a school's zone: visits are planned and shown in local time and
stored in UTC."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..errors import Invalid


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


# Which of the two moments a wall-clock time of the fall-back night means, in time order.
OCCURRENCES = ("first", "second")


class AmbiguousLocalTime(Invalid):
    """A wall-clock time the clocks show twice (the fall-back night): asked, never guessed.

    `choices` are (occurrence, label) pairs such as ("first", "1:30 AM CDT (first)").
    """

    def __init__(self, message: str, fields: dict[str, str],
                 choices: list[tuple[str, str]]) -> None:
        super().__init__(message, fields)
        self.choices = choices


def instants_of(day: date, at: time, zone_name: str) -> list[datetime]:
    """Every UTC instant at which the zone's clocks show `at` on `day`, in time order: none in
    a spring-forward gap, two in the hour repeated on the fall-back night, one otherwise."""
    tz = zone(zone_name)
    wall = datetime.combine(day, at)
    found: list[datetime] = []
    for fold in (0, 1):
        try:
            instant = wall.replace(tzinfo=tz, fold=fold).astimezone(UTC)
        except OverflowError:  # a day at the very edge of the calendar, 9999-12-31
            raise Invalid("That day is out of range.",
                          {"date": "Choose a day within the next year."}) from None
        # A round trip that lands on another wall time means `at` was skipped that night.
        if instant.astimezone(tz).replace(tzinfo=None) == wall and instant not in found:
            found.append(instant)
    return sorted(found)


def _wall_label(instant: datetime, zone_name: str) -> str:
    local = to_local(instant, zone_name)
    return f"{_clock(local)} {local:%p %Z}"


def repeated_time_choices(day: date, at: time, zone_name: str) -> list[tuple[str, str]]:
    """[("first", "1:30 AM CDT (first)"), ("second", "1:30 AM CST (second)")] when the clocks
    show `at` twice on `day`; [] otherwise."""
    try:
        instants = instants_of(day, at, zone_name)
    except Invalid:
        return []  # nothing to offer: the service says what is wrong with the day
    if len(instants) < 2:
        return []
    return [(name, f"{_wall_label(instant, zone_name)} ({name})")
            for name, instant in zip(OCCURRENCES, instants, strict=True)]


def local_to_utc(day: date, at: time, zone_name: str, *, occurrence: str | None = None,
                 field: str = "start_time") -> datetime:
    """The UTC instant of a wall-clock time in a zone.

    A time skipped by a daylight-saving change (2:30 on the spring-forward night) is refused
    with the time it would have been; a repeated one (1:30 on the fall-back night) needs
    `occurrence` ("first" or "second"), else AmbiguousLocalTime asks for it.
    """
    instants = instants_of(day, at, zone_name)
    if len(instants) == 1:
        return instants[0]
    clock = f"{_clock(datetime.combine(day, at))} {at:%p}"
    where = f"{day:%a %b} {day.day}, {day.year} in {zone_label(zone_name)}"
    if not instants:
        # PEP 495: fold=0 reads a skipped time with the offset before the jump, so it lands
        # one gap later, on the wall time a clock that was not changed would show.
        later = _wall_label(datetime.combine(day, at, tzinfo=zone(zone_name)).astimezone(UTC),
                            zone_name)
        raise Invalid(f"{clock} does not exist on {where}: the clocks skip ahead that night "
                      f"(daylight saving time begins). Choose another time, e.g. {later}.",
                      {field: "That time is skipped by the daylight-saving change."})
    if occurrence in OCCURRENCES:
        return instants[OCCURRENCES.index(occurrence)]
    choices = repeated_time_choices(day, at, zone_name)
    raise AmbiguousLocalTime(
        f"{clock} happens twice on {where}: the clocks fall back an hour that night. "
        f"Choose {choices[0][1]} or {choices[1][1]}.",
        {"occurrence": f"Choose the first or the second {clock}."}, choices)


def series_local_to_utc(day: date, at: time, zone_name: str) -> datetime:
    """The instant of a weekly repeat's wall-clock time, never refused: a time skipped by the
    spring-forward change moves forward by the gap (2:30 becomes 3:30 that week), and a time
    repeated on the fall-back night is its first occurrence (the offset of the week before)."""
    # PEP 495's fold=0 gives exactly that rule for both cases.
    return datetime.combine(day, at, tzinfo=zone(zone_name)).astimezone(UTC)


def weekly_occurrences(first: datetime, zone_name: str, extra_weeks: int) -> list[datetime]:
    """`first` itself, then the same local wall-clock time on each of the next `extra_weeks`
    weeks (see series_local_to_utc for the nights the clocks change).

    `first` is kept as the exact instant it was given: re-reading its wall time would turn
    the second 1:30 AM of the fall-back night into the first, an hour early. Weeks are added
    in local time, so a 9:00 visit stays at 9:00 across a daylight-saving change (its UTC
    time moves by an hour).
    """
    local = first.astimezone(zone(zone_name))
    wall = local.time().replace(tzinfo=None, fold=0)
    return [first.astimezone(UTC)] + [
        series_local_to_utc(local.date() + timedelta(weeks=week), wall, zone_name)
        for week in range(1, extra_weeks + 1)]


def to_local(moment: datetime, zone_name: str) -> datetime:
    return moment.astimezone(zone(zone_name))


def _clock(moment: datetime) -> str:
    return moment.strftime("%I:%M").lstrip("0")


def format_time_range(starts_at: datetime, ends_at: datetime, zone_name: str) -> str:
    """'9:00–9:45 AM CST' in the zone (the abbreviation names the zone and its DST state).
    A visit across a clock change names both: '1:30 AM CDT–1:30 AM CST' is an hour, where
    '1:30–1:30 AM CST' read as none."""
    start, end = to_local(starts_at, zone_name), to_local(ends_at, zone_name)
    if start.strftime("%Z") != end.strftime("%Z"):
        first = f"{_clock(start)} {start.strftime('%p')} {start.strftime('%Z')}"
    elif start.strftime("%p") != end.strftime("%p"):
        first = f"{_clock(start)} {start.strftime('%p')}"
    else:
        first = _clock(start)
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
