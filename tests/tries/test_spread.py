"""The spread map: arrows from the sparking school to the trying school per term, within-school
sparks, where a practice came back, no names of private things, and a fixed number of queries."""
from __future__ import annotations

import re
from collections import defaultdict
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from mastery_share.accounts.models import District, Practice, User
from mastery_share.db_types import utcnow
from mastery_share.extensions import db
from mastery_share.tries.school_year import SchoolYear, current_year, parse_year
from mastery_share.tries.spread import practice_spread
from tests.collections.conftest import video_row
from tests.conftest import bearer_headers as bearer
from tests.conftest import make_school, sign_in
from tests.tries.spread_fixtures import (
    YEAR,
    add_try,
    count_queries,
    practice,
    svg_arrows,
    svg_within,
    table_rows,
)


@pytest.fixture
def third_school(district):
    return make_school(district, "East High", "America/Chicago")


@pytest.fixture
def trio(make_user, school, other_school, third_school):
    """A teacher in each of three schools: north (A), south (B), east (C)."""
    return (make_user("teacher", school_=school), make_user("teacher", school_=other_school),
            make_user("teacher", school_=third_school))


def _spread(viewer, year=YEAR):
    return practice_spread(viewer, practice(), year)


def test_arrows_run_from_the_sparking_school_to_the_trying_school_by_term(client, trio):
    a, b, c = trio
    add_try(b, "2026-09-15T15:00", [(a.school, "video")])
    add_try(c, "2027-01-20T15:00", [(a.school, "booking")])
    add_try(c, "2027-05-02T15:00", [(a.school, "video"), (b.school, "collection_item")])
    add_try(a, "2026-10-01T15:00", [(a.school, "video")])  # within north
    add_try(b, "2026-07-20T15:00", [(a.school, "video")])  # last school year

    spread = _spread(a)
    assert set(spread.arrows) == {(a.school_id, b.school_id, "fall", 1),
                                    (a.school_id, c.school_id, "winter", 1),
                                    (a.school_id, c.school_id, "spring", 1),
                                    (b.school_id, c.school_id, "spring", 1)}
    assert spread.within_by_school == {a.school_id: 1}
    assert (spread.total, spread.within_count) == (5, 1)

    sign_in(client, a)
    page = client.get(f"/practices/flexible-grouping/spread?year={YEAR}").get_data(as_text=True)
    assert svg_arrows(page) == set(spread.arrows)
    assert svg_within(page) == {a.school_id: 1}
    assert 'role="img"' in page and "<title id=" in page and "<desc id=" in page
    assert "Winter (Jan–Mar): dashed line" in page  # the legend names terms and patterns


def test_a_day_and_its_term_are_the_school_clocks(client, trio):
    a, b, _ = trio  # north is in Chicago
    add_try(b, "2027-08-01T03:00", [(a.school, "video")])  # Jul 31, 10 pm in Chicago
    add_try(b, "2027-01-01T05:30", [(a.school, "video")])  # Dec 31, 11:30 pm CST
    add_try(b, "2026-11-02T05:30", [(a.school, "video")])  # Nov 1, 11:30 pm: CST by then
    facts = {(fact.on.isoformat(), fact.term) for fact in _spread(a).facts}
    assert facts == {("2027-07-31", "spring"), ("2026-12-31", "fall"), ("2026-11-01", "fall")}
    assert not _spread(a, "2027-28").facts


def test_the_practice_came_back_to_where_it_began(trio):
    a, b, c = trio
    add_try(b, "2026-09-10T15:00", [(a.school, "video")])
    add_try(c, "2026-10-10T15:00", [(b.school, "video")])
    add_try(a, "2026-11-10T15:00", [(c.school, "booking")])
    assert _spread(a).came_back == [a.school_id]


def test_a_loop_against_time_order_is_not_a_return(trio):
    a, b, c = trio
    add_try(b, "2026-10-10T15:00", [(a.school, "video")])
    add_try(c, "2026-09-10T15:00", [(b.school, "video")])  # before b had the practice
    add_try(a, "2026-11-10T15:00", [(c.school, "video")])
    assert _spread(a).came_back == []


def test_came_back_is_marked_with_a_star_and_words(client, trio):
    a, b, _ = trio
    add_try(b, "2026-09-10T15:00", [(a.school, "video")])
    add_try(a, "2026-10-10T15:00", [(b.school, "video")])
    sign_in(client, b)
    page = client.get(f"/practices/flexible-grouping/spread?year={YEAR}").get_data(as_text=True)
    assert page.count('class="spread-came-back"') == 1
    assert "★ came back" in page and "came back</strong> to North Elementary" in page
    api = client.get(f"/api/v1/practices/flexible-grouping/spread?year={YEAR}",
                     headers=bearer(client, b)).json
    assert api["came_back"] == [a.school_id]


def test_a_private_try_and_video_count_but_are_never_named(client, trio):
    a, b, c = trio
    secret_video = video_row(a, title="Zebra lesson only Ana sees", visibility="private")
    add_try(b, "2026-09-10T15:00", [(a.school, "video", secret_video)], visibility="only_me",
            plan="Secret plan for Jordan's group")

    sign_in(client, c)
    page = client.get(f"/practices/flexible-grouping/spread?year={YEAR}").get_data(as_text=True)
    api = client.get(f"/api/v1/practices/flexible-grouping/spread?year={YEAR}",
                     headers=bearer(client, c)).get_data(as_text=True)
    assert svg_arrows(page) == {(a.school_id, b.school_id, "fall", 1)}
    for body in (page, api):
        assert "Zebra" not in body and "Secret plan" not in body and "Jordan" not in body
        assert b.name not in body and a.name not in body


def test_the_table_holds_the_same_facts_as_the_map(client, trio):
    a, b, c = trio
    for day, teacher, sources in (("2026-09-01", b, [(a.school, "video")]),
                                  ("2026-09-02", b, [(a.school, "booking")]),
                                  ("2026-12-05", c, [(a.school, "video")]),
                                  ("2027-02-05", c, [(b.school, "video"), (c.school, "video")]),
                                  ("2027-06-05", a, [(c.school, "collection_item")])):
        add_try(teacher, f"{day}T15:00", sources)
    sign_in(client, a)
    page = client.get(f"/practices/flexible-grouping/spread?year={YEAR}").get_data(as_text=True)
    rows = table_rows(page)
    across, within = defaultdict(int), defaultdict(int)
    for source, target, term, _kind, count in rows:
        if source == target:
            within[source] += count
        else:
            across[(source, target, term)] += count
    assert {(*key, count) for key, count in across.items()} == svg_arrows(page)
    assert dict(within) == svg_within(page) == {c.school_id: 1}
    assert sum(row[-1] for row in rows) == 6
    assert (a.school_id, b.school_id, "fall", "booking", 1) in rows
    assert "<caption>" in page


def test_the_api_gives_schools_sparks_and_where_it_came_back(client, trio):
    a, b, c = trio
    add_try(b, "2026-09-10T15:00", [(a.school, "video"), (a.school, "booking")])
    add_try(b, "2026-09-10T16:00", [(a.school, "video")])
    add_try(c, "2027-04-10T15:00", [(c.school, "video")])
    response = client.get(f"/api/v1/practices/flexible-grouping/spread?year={YEAR}",
                          headers=bearer(client, a))
    assert response.status_code == 200, response.json
    body = response.json
    assert set(body) >= {"schools", "sparks", "came_back"}
    assert sorted(body["schools"], key=lambda s: s["id"]) == sorted(
        [{"id": s.id, "name": s.name} for s in (a.school, b.school, c.school)],
        key=lambda s: s["id"])
    sparks = sorted((s["from_school_id"], s["to_school_id"], s["kind"], s["on"])
                    for s in body["sparks"])
    assert sparks == sorted([(a.school_id, b.school_id, "video", "2026-09-10")] * 2
                            + [(a.school_id, b.school_id, "booking", "2026-09-10"),
                               (c.school_id, c.school_id, "video", "2027-04-10")])
    assert body["came_back"] == []


def test_the_api_refuses_an_unknown_practice_and_a_bad_year(client, teacher):
    headers = bearer(client, teacher)
    missing = client.get("/api/v1/practices/no-such-thing/spread", headers=headers)
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
    for year in ("2026-28", "twenty", "1999-00", "2026-2027"):
        bad = client.get(f"/api/v1/practices/flexible-grouping/spread?year={year}",
                         headers=headers)
        assert bad.status_code == 422, (year, bad.json)
        assert bad.json["error"]["code"] == "invalid"
    assert client.get("/api/v1/practices/flexible-grouping/spread").status_code == 401


def test_pages_are_for_signed_in_members_and_refuse_bad_input(client, teacher):
    assert client.get("/practices/flexible-grouping/spread").status_code == 302
    assert client.get("/spread").status_code == 302
    sign_in(client, teacher)
    assert client.get("/practices/no-such-thing/spread").status_code == 404
    assert client.get("/practices/flexible-grouping/spread?year=2026-99").status_code == 422
    assert client.get("/spread?year=nonsense").status_code == 422


def test_the_default_year_is_the_current_one_and_years_with_data_are_offered(client, trio):
    a, b, _ = trio
    add_try(b, "2024-10-10T15:00", [(a.school, "video")])
    sign_in(client, a)
    page = client.get("/practices/flexible-grouping/spread").get_data(as_text=True)
    now = current_year("America/Chicago").label
    assert f'<option value="{now}" selected>' in page
    assert '<option value="2024-25">' in page and '<option value="2023-24">' not in page
    assert parse_year("2026-27", "UTC") == SchoolYear(2026)


def test_another_districts_tries_are_not_drawn(client, trio):
    a, b, _ = trio
    far = District(name="Far District", slug="far")
    db.session.add(far)
    db.session.commit()
    far_school = make_school(far, "Far School", "UTC")
    stranger = User(email="far@example.org", name="Far Teacher", role="teacher",
                    school=far_school, district=far)
    db.session.add(stranger)
    db.session.commit()
    add_try(stranger, "2026-09-10T15:00", [(a.school, "video")])
    add_try(b, "2026-09-11T15:00", [(a.school, "video")])
    assert {fact.to_school_id for fact in _spread(a).facts} == {b.school_id}


def test_the_practice_page_links_to_its_spread_with_the_counts(client, trio):
    a, b, _ = trio
    just_now = (utcnow() - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    add_try(b, just_now, [(a.school, "video")])
    add_try(a, just_now, [(a.school, "video")])
    add_try(a, "2001-09-12T15:00", [(b.school, "video")])  # another year
    sign_in(client, a)
    page = client.get("/practices/flexible-grouping").get_data(as_text=True)
    assert "See how it spread" in page and "/practices/flexible-grouping/spread" in page
    assert (f"{current_year('America/Chicago').label}: 1 spark between 2 schools, "
            "1 within a school") in page


def test_the_district_page_draws_one_small_map_per_practice(client, trio):
    a, b, c = trio
    add_try(b, "2026-09-10T15:00", [(a.school, "video")])
    add_try(c, "2026-09-10T15:00", [(a.school, "video")], slug="goal-setting")
    sign_in(client, a)
    page = client.get(f"/spread?year={YEAR}").get_data(as_text=True)
    practices = db.session.scalar(select(func.count(Practice.id)))
    assert page.count('role="img"') == practices
    assert "/practices/goal-setting/spread?year=2026-27" in page
    # Small multiples draw one arrow per pair of schools for the whole year.
    assert svg_arrows(page) == {(a.school_id, b.school_id, "year", 1),
                                (a.school_id, c.school_id, "year", 1)}
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # every map's markers and titles have their own ids


@pytest.mark.parametrize("path", [f"/practices/flexible-grouping/spread?year={YEAR}",
                                  f"/spread?year={YEAR}", "/practices/flexible-grouping"])
def test_pages_run_the_same_queries_for_5_or_50_tries(client, make_user, trio, path):
    a, b, c = trio
    teachers = trio + tuple(make_user("teacher", school_=school)
                            for school in (a.school, b.school, c.school))
    sign_in(client, a)

    def grow(number: int, offset: int):
        for n in range(number):
            owner = teachers[(n + offset) % len(teachers)]
            source = teachers[(n + offset + 1) % 3].school
            add_try(owner, f"2026-{9 + n % 4:02d}-{1 + n % 27:02d}T15:00",
                    [(source, "video"), (a.school, "booking")],
                    slug=("flexible-grouping", "goal-setting")[n % 2],
                    visibility=("only_me", "school", "district")[n % 3], commit=False)
        db.session.commit()

    grow(5, 0)
    few = count_queries(client, path)
    grow(45, 5)
    assert count_queries(client, path) == few


def test_the_api_runs_the_same_queries_for_5_or_50_tries(client, trio):
    a, b, _ = trio
    headers = bearer(client, a)
    path = f"/api/v1/practices/flexible-grouping/spread?year={YEAR}"
    for n in range(5):
        add_try(b, f"2026-09-{n + 1:02d}T15:00", [(a.school, "video")])
    few = count_queries(client, path, headers)
    for n in range(45):
        add_try(b, f"2026-10-{n % 28 + 1:02d}T15:00", [(a.school, "video")], commit=False)
    db.session.commit()
    assert count_queries(client, path, headers) == few


@pytest.mark.postgres
def test_days_terms_and_counts_are_the_same_on_postgresql(tmp_path):
    """PostgreSQL converts zones itself; SQLite is given the year's offsets: same days."""
    from mastery_share.accounts.models import School
    from mastery_share.tries.leader_counts import school_counts
    from tests.postgres import migrated_postgres_app

    with migrated_postgres_app(tmp_path) as app:  # noqa: F841
        district = District(name="Zones", slug="zones")
        north = School(name="North", time_zone="America/Chicago", district=district)
        south = School(name="South", time_zone="America/Chicago", district=district)
        a = User(email="a@example.org", name="A", role="principal", district=district,
                 school=north)
        b = User(email="b@example.org", name="B", role="teacher", district=district,
                 school=south)
        db.session.add_all([district, north, south, a, b])
        db.session.commit()
        add_try(b, "2027-08-01T03:00", [(north, "video")])
        add_try(b, "2027-01-01T05:30", [(north, "video")])
        add_try(b, "2026-11-02T05:30", [(north, "video")])
        add_try(a, "2026-12-01T15:00", [(south, "video")], check_ins=("2027-01-02",))
        spread = _spread(a)
        assert {(fact.on.isoformat(), fact.term) for fact in spread.facts} == {
            ("2027-07-31", "spring"), ("2026-12-31", "fall"), ("2026-11-01", "fall"),
            ("2026-12-01", "fall")}
        assert spread.came_back == sorted([north.id, south.id])
        counts = school_counts(a, None, YEAR).counts
        assert counts["tries_started"]["fall"] == 1
        assert counts["tries_checked_in"]["winter"] == counts["tries_checked_in"]["year"] == 1
