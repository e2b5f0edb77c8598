"""Builders for spread and counts tests: tries written straight to the database at chosen
moments (start_try stamps "now"), each with sparks from chosen schools."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sqlalchemy import event, select

from mastery_share.accounts.models import Practice
from mastery_share.extensions import db
from mastery_share.tries.models import CheckIn, Try, TrySpark

YEAR = "2026-27"


def at(text: str) -> datetime:
    """'2026-09-15T15:00' (UTC) -> an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def practice(slug: str = "flexible-grouping") -> Practice:
    return db.session.scalar(select(Practice).where(Practice.slug == slug))


def add_try(owner, created: str, sparks=(), *, slug: str = "flexible-grouping",
            visibility: str = "school", plan: str = "Try small groups",
            check_ins: tuple[str, ...] = (), shared_back: str | None = None,
            commit: bool = True) -> Try:
    """A try by `owner` in their school started at `created` (UTC), credited to sparks given
    as (source school, kind) or (source school, kind, video), with check-ins on the given ISO days."""
    try_ = Try(owner_id=owner.id, school_id=owner.school_id, district_id=owner.district_id,
               practice=practice(slug), plan=plan, visibility=visibility,
               status="shared_back" if shared_back else ("trying" if check_ins else "planning"),
               created_at=at(created),
               shared_back_at=at(shared_back) if shared_back else None)
    try_.sparks = [TrySpark(kind=kind, source_school_id=source.id, created_at=at(created),
                            video_id=video.id if video is not None else None)
                   for source, kind, video in ((*spark, None)[:3] for spark in sparks)]
    try_.check_ins = [CheckIn(on=date.fromisoformat(day), what_happened="It went well")
                      for day in check_ins]
    db.session.add(try_)
    if commit:
        db.session.commit()
    return try_


def count_queries(client, path: str, headers: dict | None = None) -> int:
    """SQL statements one GET runs (the page must answer 200)."""
    statements = []

    def listener(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = client.get(path, headers=headers or {})
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


def svg_arrows(page: str) -> set[tuple[int, int, str, int]]:
    """(from, to, term, count) of every arrow drawn on a page."""
    return {(int(a), int(b), term, int(count)) for a, b, term, count in re.findall(
        r'class="spread-arrow"[^>]*data-from="(\d+)" data-to="(\d+)" data-term="(\w+)" '
        r'data-count="(\d+)"', page)}


def svg_within(page: str) -> dict[int, int]:
    """School id -> the number in its "within the school" ring."""
    found = {}
    for school, body in re.findall(r'data-school="(\d+)">(.*?)</g>', page, flags=re.DOTALL):
        ring = re.search(r'data-within="(\d+)"', body)
        if ring:
            found[int(school)] = int(ring.group(1))
    return found


def table_rows(page: str) -> list[tuple[int, int, str, str, int]]:
    """(from, to, term, kind, count) of every row of the spread table."""
    return [(int(a), int(b), term, kind, int(count)) for a, b, term, kind, count in re.findall(
        r'<tr data-from="(\d+)" data-to="(\d+)" data-term="(\w+)" data-kind="(\w+)" '
        r'data-count="(\d+)">', page)]
