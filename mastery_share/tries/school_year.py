"""School years and their terms, in a school's own time zone.

A school year runs from August 1 to July 31 ("2026-27"); its terms are fall (August to
December), winter (January to March) and spring (April to July). A moment belongs to the
day, term and year its school's clocks showed, so a try started at 8 pm on July 31 in
Chicago is last year's, although it is already August in UTC.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from sqlalchemy import Date, case, cast, func
from sqlalchemy.sql.elements import ColumnElement

from ..errors import Invalid

YEAR_PATTERN = r"^\d{4}-\d{2}$"
FIRST_YEAR, LAST_YEAR = 2000, 2099


@dataclass(frozen=True)
class Term:
    key: str  # fall, winter, spring
    name: str
    start: date
    end: date  # the day after its last day

    @property
    def months(self) -> str:
        return {"fall": "Aug–Dec", "winter": "Jan–Mar", "spring": "Apr–Jul"}[self.key]


TERM_KEYS = ("fall", "winter", "spring")


@dataclass(frozen=True)
class SchoolYear:
    first: int  # 2026 for 2026-27

    @property
    def label(self) -> str:
        return f"{self.first}-{(self.first + 1) % 100:02d}"

    @property
    def start(self) -> date:
        return date(self.first, 8, 1)

    @property
    def end(self) -> date:
        """The day after its last day."""
        return date(self.first + 1, 8, 1)

    @cached_property
    def terms(self) -> tuple[Term, Term, Term]:
        winter, spring = date(self.first + 1, 1, 1), date(self.first + 1, 4, 1)
        return (Term("fall", "Fall", self.start, winter),
                Term("winter", "Winter", winter, spring),
                Term("spring", "Spring", spring, self.end))

    def term_of(self, day: date) -> Term:
        return next(term for term in self.terms if term.start <= day < term.end)

    def __str__(self) -> str:
        return self.label


def year_of(day: date) -> SchoolYear:
    """The school year a day falls in."""
    return SchoolYear(day.year if day.month >= 8 else day.year - 1)


def current_year(zone_name: str, now: datetime | None = None) -> SchoolYear:
    return year_of((now or datetime.now(UTC)).astimezone(ZoneInfo(zone_name)).date())


def parse_year(label: str | None, zone_name: str) -> SchoolYear:
    """'2026-27' -> that year; empty -> the current one; anything else is Invalid."""
    if not label:
        return current_year(zone_name)
    label = label.strip()
    if re.fullmatch(YEAR_PATTERN, label):
        first = int(label[:4])
        if FIRST_YEAR <= first <= LAST_YEAR and int(label[5:]) == (first + 1) % 100:
            return SchoolYear(first)
    raise Invalid("Choose a school year such as 2026-27.",
                  {"year": "Write the school year as 2026-27 (August to July)."})


def years_between(first: date | None, last: date | None, also: SchoolYear) -> list[SchoolYear]:
    """Every school year from the one holding `first` to the one holding `last`, and `also`,
    newest first."""
    firsts = {also.first}
    if first is not None and last is not None:
        firsts.update(range(year_of(first).first, year_of(last).first + 1))
    return [SchoolYear(number) for number in sorted(firsts, reverse=True)]


def recent_years(zone_name: str, also: SchoolYear, count: int = 4) -> list[SchoolYear]:
    """The current school year and the `count - 1` before it, and `also`, newest first."""
    current = current_year(zone_name).first
    firsts = {also.first, *range(current - count + 1, current + 1)}
    return [SchoolYear(number) for number in sorted(firsts, reverse=True)]


def midnight_utc(day: date, zone_name: str) -> datetime:
    """The instant the school's clocks strike midnight starting `day`."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone_name)).astimezone(UTC)


def bounds_utc(start: date, end: date, zone_name: str) -> tuple[datetime, datetime]:
    return midnight_utc(start, zone_name), midnight_utc(end, zone_name)


def term_of_moment(column, year: SchoolYear, zone_name: str) -> ColumnElement[str]:
    """A SQL expression naming the term of a timestamp already known to be within `year`."""
    _, winter, spring = (midnight_utc(term.start, zone_name) for term in year.terms)
    return case((column < winter, "fall"), (column < spring, "winter"), else_="spring")


def term_of_day(column, year: SchoolYear) -> ColumnElement[str]:
    """A SQL expression naming the term of a date column already known to be within `year`."""
    _, winter, spring = (term.start for term in year.terms)
    return case((column < winter, "fall"), (column < spring, "winter"), else_="spring")


def _offset_spans(start: datetime, end: datetime, zone: ZoneInfo):
    """(until, UTC offset in minutes) spans covering [start, end): at most a few per year,
    one per daylight-saving change, found hour by hour around each change of day offset."""
    def offset(moment: datetime) -> int:
        return int(moment.astimezone(zone).utcoffset().total_seconds() // 60)

    spans, moment, current = [], start, offset(start)
    while moment < end:
        following = min(moment + timedelta(days=1), end)
        if following < end and offset(following) != current:
            hour = moment
            while offset(hour) == current:
                hour += timedelta(hours=1)
            spans.append((hour, current))
            current = offset(hour)
            following = hour
        moment = following
    spans.append((end, current))
    return spans


def local_day(column, zone_name: str, start: datetime, end: datetime,
              dialect_name: str) -> ColumnElement:
    """A SQL expression for the calendar day the school's clocks showed at a UTC timestamp in
    [start, end). PostgreSQL knows the zones; SQLite is given the year's UTC offsets, one span
    per daylight-saving change, so the day is exact there too."""
    if dialect_name == "postgresql":
        return cast(func.timezone(zone_name, column), Date)
    spans = _offset_spans(start, end, ZoneInfo(zone_name))
    shifted = [(column < until, func.date(column, f"{minutes:+d} minutes"))
               for until, minutes in spans[:-1]]
    last = func.date(column, f"{spans[-1][1]:+d} minutes")
    return case(*shifted, else_=last) if shifted else last


def as_date(value) -> date:
    """SQLite's date() answers text, PostgreSQL a date."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))
