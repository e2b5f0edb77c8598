"""The demo's school year of spread reads true whatever day it is seeded: everything told as
past happened by then, in order, on school days."""
from __future__ import annotations

from datetime import date, timedelta

from mastery_share.demo_spread import _Calendar, _school_day
from mastery_share.demo_spread_story import TRIES, VISITS


def _seeding_days():
    day = date(2026, 8, 1)
    while day < date(2027, 8, 1):
        yield day
        day += timedelta(days=5)


def test_the_demo_story_is_in_the_past_and_in_order_on_any_day():
    for today in _seeding_days():
        _check_story(today)


def _check_story(today: date) -> None:
    calendar = _Calendar.for_today(today)
    shared_on = {story.key: calendar.day(story.share_back.at)
                 for story in TRIES if story.share_back is not None}
    visited_on = {visit.host: calendar.day(visit.at) for visit in VISITS}
    for story in TRIES:
        started = calendar.day(story.start)
        assert _school_day(started) and started <= today
        days = [calendar.day(note.at) for note in story.check_ins]
        assert days == sorted(days) and all(started <= day <= today for day in days)
        if story.share_back is not None:
            assert days[-1] <= shared_on[story.key] <= today
        kind, name = story.spark
        if kind == "shared":
            assert shared_on[name] <= started
        if kind == "visit":
            assert visited_on[name] <= started
        assert _school_day(calendar.day(story.target))
