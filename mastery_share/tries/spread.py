"""The spread of a practice: per school year, which school's videos and classrooms sparked
tries in which other schools.

Only schools, kinds, counts and dates leave this module: every try of the district counts,
a private one included, so none may be named (DESIGN section 6). The facts are aggregated in
SQL (one row per from school, to school, kind and day), so a page asks a fixed number of
queries however many tries there are.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from ..accounts.models import Practice, School, User
from ..errors import NotFound
from ..extensions import db
from .models import Try, TrySpark
from .school_year import (
    TERM_KEYS,
    SchoolYear,
    as_date,
    bounds_utc,
    local_day,
    parse_year,
    years_between,
)


class SparkFact(NamedTuple):
    """Sparks of one kind from one school to another (or within one) on one day (a tuple:
    a dense district's year has thousands of them)."""
    from_school_id: int
    to_school_id: int
    kind: str
    on: date
    term: str
    count: int
    within: bool  # from and to are the same school


@dataclass
class PracticeSpread:
    practice: Practice
    year: SchoolYear
    schools: dict[int, str]  # id -> name, every school in the facts
    facts: list[SparkFact]
    came_back: list[int]
    years: list[SchoolYear] = field(default_factory=list)

    @cached_property
    def total(self) -> int:
        return sum(fact.count for fact in self.facts)

    @cached_property
    def within_count(self) -> int:
        return sum(fact.count for fact in self.facts if fact.within)

    @cached_property
    def across_count(self) -> int:
        return self.total - self.within_count

    @cached_property
    def rows(self) -> list[tuple[int, int, str, str, int]]:
        """(from, to, term, kind, count) in term order, then by school name: the table."""
        totals: dict[tuple, int] = defaultdict(int)
        for fact in self.facts:
            totals[(fact.from_school_id, fact.to_school_id, fact.term, fact.kind)] += fact.count
        return sorted(((*key, count) for key, count in totals.items()),
                      key=lambda row: (TERM_KEYS.index(row[2]), self.schools[row[0]],
                                       self.schools[row[1]], row[3]))

    @cached_property
    def arrows(self) -> list[tuple[int, int, str, int]]:
        """(from, to, term, count) between two different schools: what the map draws."""
        totals: dict[tuple, int] = defaultdict(int)
        for fact in self.facts:
            if not fact.within:
                totals[(fact.from_school_id, fact.to_school_id, fact.term)] += fact.count
        return sorted(((*key, count) for key, count in totals.items()),
                      key=lambda row: (TERM_KEYS.index(row[2]), row[0], row[1]))

    @cached_property
    def pairs(self) -> list[tuple[int, int, str, int]]:
        """(from, to, "year", count) between two different schools, all terms together."""
        totals: dict[tuple, int] = defaultdict(int)
        for source, target, _term, count in self.arrows:
            totals[(source, target)] += count
        return [(source, target, "year", count) for (source, target), count in totals.items()]

    @cached_property
    def within_by_school(self) -> dict[int, int]:
        totals: dict[int, int] = defaultdict(int)
        for fact in self.facts:
            if fact.within:
                totals[fact.from_school_id] += fact.count
        return dict(totals)

    @cached_property
    def term_totals(self) -> dict[str, int]:
        totals = {key: 0 for key in TERM_KEYS}
        for fact in self.facts:
            totals[fact.term] += fact.count
        return totals


def district_zone(viewer: User) -> str:
    """The zone a district-wide page counts days in: the viewer's school's, else the
    district's first school's."""
    if viewer.school is not None:
        return viewer.school.time_zone
    zone = db.session.scalar(select(School.time_zone).where(
        School.district_id == viewer.district_id).order_by(School.id).limit(1))
    return zone or "UTC"


def practice_by_slug(slug: str) -> Practice:
    practice = db.session.scalar(select(Practice).where(Practice.slug == slug))
    if practice is None:
        raise NotFound("No such practice.")
    return practice


def _spark_facts(district_id: int, year: SchoolYear, zone: str,
                 practice_id: int | None = None) -> dict[int, list[SparkFact]]:
    """Facts per practice id, in one GROUP BY query."""
    start, end = bounds_utc(year.start, year.end, zone)
    dialect = db.session.get_bind().dialect.name
    day = local_day(Try.created_at, zone, start, end, dialect).label("day")
    query = (select(Try.practice_id, TrySpark.source_school_id, Try.school_id, TrySpark.kind,
                    day, func.count(TrySpark.id))
             .join(Try, Try.id == TrySpark.try_id)
             .where(Try.district_id == district_id, Try.created_at >= start,
                    Try.created_at < end, TrySpark.source_school_id.is_not(None))
             .group_by(Try.practice_id, TrySpark.source_school_id, Try.school_id,
                       TrySpark.kind, day))
    if practice_id is not None:
        query = query.where(Try.practice_id == practice_id)
    facts: dict[int, list[SparkFact]] = defaultdict(list)
    days: dict = {}  # the same few hundred days come back on every row: parse each once
    for practice, source, target, kind, on, count in db.session.execute(query):
        if on not in days:
            day = as_date(on)
            days[on] = (day, year.term_of(day).key)
        facts[practice].append(SparkFact(source, target, kind, *days[on], count,
                                         source == target))
    for rows in facts.values():
        rows.sort(key=lambda fact: (fact.on, fact.from_school_id, fact.to_school_id, fact.kind))
    return facts


def _school_names(facts: list[SparkFact]) -> dict[int, str]:
    ids = {fact.from_school_id for fact in facts} | {fact.to_school_id for fact in facts}
    if not ids:
        return {}
    rows = db.session.execute(select(School.id, School.name).where(School.id.in_(ids)))
    return {school_id: name for school_id, name in rows}


def _years_with_data(district_id: int, zone: str, year: SchoolYear,
                     practice_id: int | None = None) -> list[SchoolYear]:
    """The years from the district's first try to its last (of the practice, if given),
    and `year`, newest first."""
    # Any try, sparked or not: min() and max() then come straight from an index.
    query = select(func.min(Try.created_at), func.max(Try.created_at)).where(
        Try.district_id == district_id)
    if practice_id is not None:
        query = query.where(Try.practice_id == practice_id)
    first, last = db.session.execute(query).one()

    def local(moment):  # min() and max() keep the column's type: aware UTC datetimes
        return moment.astimezone(ZoneInfo(zone)).date() if moment is not None else None

    return years_between(local(first), local(last), year)


def came_back(facts: list[SparkFact]) -> list[int]:
    """Schools where the practice began (they sparked tries elsewhere) that later received a
    spark from a school it had reached from them, following sparks in time order."""
    by_day: dict[date, list[SparkFact]] = defaultdict(list)
    began: dict[int, date] = {}
    for fact in sorted((fact for fact in facts if not fact.within), key=lambda f: f.on):
        by_day[fact.on].append(fact)
        began.setdefault(fact.from_school_id, fact.on)
    days = sorted(by_day)
    return sorted(origin for origin, day in began.items()
                  if _returns_to(origin, [by_day[each] for each in days if each >= day]))


def _returns_to(origin: int, days: list[list[SparkFact]]) -> bool:
    """Whether sparks, taken day by day from the origin's first, lead back to it."""
    reached = {origin}
    for todays in days:
        changed = True
        while changed:  # same-day chains: A sparks B and B sparks C on one day
            changed = False
            for fact in todays:
                if fact.from_school_id not in reached:
                    continue
                if fact.to_school_id == origin:
                    return True
                if fact.to_school_id not in reached:
                    reached.add(fact.to_school_id)
                    changed = True
    return False


def practice_spread(viewer: User, practice: Practice, year: SchoolYear | str | None = None,
                    ) -> PracticeSpread:
    """How one practice spread across the viewer's district in a school year (default: the
    current one), as schools, counts and dates only."""
    zone = district_zone(viewer)
    if not isinstance(year, SchoolYear):
        year = parse_year(year, zone)
    facts = _spark_facts(viewer.district_id, year, zone, practice.id).get(practice.id, [])
    return PracticeSpread(practice, year, _school_names(facts), facts, came_back(facts),
                          _years_with_data(viewer.district_id, zone, year, practice.id))


def district_spread(viewer: User, year: SchoolYear | str | None = None,
                    ) -> tuple[SchoolYear, list[SchoolYear], list[PracticeSpread]]:
    """Every practice's spread in the viewer's district, in the same few queries whatever
    the number of practices and tries."""
    zone = district_zone(viewer)
    if not isinstance(year, SchoolYear):
        year = parse_year(year, zone)
    practices = db.session.scalars(select(Practice).order_by(Practice.position, Practice.name))
    by_practice = _spark_facts(viewer.district_id, year, zone)
    names = _school_names([fact for facts in by_practice.values() for fact in facts])
    spreads = []
    for practice in practices:
        facts = by_practice.get(practice.id, [])
        schools = {fact_school: names[fact_school] for fact in facts
                   for fact_school in (fact.from_school_id, fact.to_school_id)}
        spreads.append(PracticeSpread(practice, year, schools, facts, came_back(facts)))
    return year, _years_with_data(viewer.district_id, zone, year), spreads


@dataclass(frozen=True)
class SpreadSummary:
    year: SchoolYear
    across: int  # sparks from one school to another
    within: int  # sparks within a school
    schools: int


def spread_summary(viewer: User, practice: Practice) -> SpreadSummary:
    """This school year's totals of a practice's spread, for the link on its page: one
    query grouped by pair of schools, lighter than the map's facts."""
    zone = district_zone(viewer)
    year = parse_year(None, zone)
    start, end = bounds_utc(year.start, year.end, zone)
    pairs = db.session.execute(
        select(TrySpark.source_school_id, Try.school_id, func.count(TrySpark.id))
        .join(Try, Try.id == TrySpark.try_id)
        .where(Try.district_id == viewer.district_id, Try.practice_id == practice.id,
               Try.created_at >= start, Try.created_at < end,
               TrySpark.source_school_id.is_not(None))
        .group_by(TrySpark.source_school_id, Try.school_id)).all()
    within = sum(count for source, target, count in pairs if source == target)
    schools = {source for source, _, _ in pairs} | {target for _, target, _ in pairs}
    return SpreadSummary(year, sum(count for *_, count in pairs) - within, within,
                         len(schools))
