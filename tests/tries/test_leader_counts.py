"""Counts for leaders: per term of a school year, for the school a principal or coach leads or
any school for an admin; linked to their lists, exported as safe CSV, in a fixed number of
queries."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest

from mastery_share.comments.models import Comment
from mastery_share.db_types import utcnow
from mastery_share.extensions import db
from mastery_share.tries.leader_counts import school_counts
from mastery_share.visits.models import Booking, VisitSlot
from tests.collections.conftest import video_row
from tests.conftest import sign_in
from tests.tries.spread_fixtures import YEAR, add_try, at, count_queries


def _video(owner, created: str, title: str = "A lesson"):
    video = video_row(owner, title=title)
    video.created_at = at(created)
    db.session.commit()
    return video


def _visit(host, visitor, starts: str, *, status="confirmed", slot_status="open"):
    start = at(starts)
    slot = VisitSlot(host_id=host.id, school_id=host.school_id, district_id=host.district_id,
                     starts_at=start, ends_at=start + timedelta(minutes=45), capacity=3,
                     status=slot_status)
    db.session.add(slot)
    db.session.flush()
    db.session.add(Booking(slot_id=slot.id, visitor_id=visitor.id, status=status, position=1))
    db.session.commit()


def _affirm(author, video, created: str, kind: str = "affirmation"):
    db.session.add(Comment(video_id=video.id, author_id=author.id, kind=kind, body="Brave!",
                           created_at=at(created)))
    db.session.commit()


@pytest.fixture
def north(make_user, school, other_school):
    """North Elementary's year: its teachers, a visitor from South, and what they did."""
    people = {"teacher": make_user("teacher"), "host": make_user("teacher"),
              "principal": make_user("principal"), "coach": make_user("coach"),
              "south": make_user("teacher", school_=other_school),
              "south_principal": make_user("principal", school_=other_school)}
    t, south = people["teacher"], people["south"]
    fall_video = _video(t, "2026-09-01T15:00")
    _video(t, "2026-10-01T15:00")
    _video(t, "2027-02-01T15:00")
    _video(t, "2026-07-31T15:00")  # last year
    _video(south, "2026-09-01T15:00")  # another school's

    _visit(people["host"], south, "2026-10-05T15:00")  # hosted, fall
    _visit(people["host"], south, "2026-10-06T15:00", status="cancelled")
    _visit(people["host"], south, "2026-10-07T15:00", slot_status="cancelled")
    _visit(people["host"], south, (utcnow() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"))
    _visit(south, t, "2026-11-12T15:00")  # made, fall

    first = add_try(t, "2026-09-10T15:00", visibility="leaders",
                    check_ins=("2026-09-20", "2027-01-15"), shared_back="2027-04-02T15:00")
    add_try(t, "2026-11-10T15:00", visibility="only_me", plan="Private plan",
            check_ins=("2027-02-01",))
    add_try(t, "2027-03-10T15:00", visibility="school")
    add_try(south, "2026-09-10T15:00", check_ins=("2026-09-20",))

    _affirm(people["principal"], fall_video, "2026-09-03T15:00")
    _affirm(people["coach"], fall_video, "2027-05-03T15:00")
    _affirm(people["principal"], fall_video, "2026-09-04T15:00", kind="note")
    _affirm(people["south_principal"], fall_video, "2026-09-05T15:00")
    people["first_try"] = first
    return people


EXPECTED = {  # measure: (fall, winter, spring, whole year)
    "videos": (2, 1, 0, 3),
    "visits_hosted": (1, 0, 0, 1),
    "visits_made": (1, 0, 0, 1),
    "tries_started": (2, 1, 0, 3),
    "tries_checked_in": (1, 2, 0, 2),  # the first try in fall and winter: once in the year
    "tries_shared_back": (0, 0, 1, 1),
    "affirmations": (1, 0, 1, 2),
}


def _page_numbers(page: str) -> dict[str, tuple[int, ...]]:
    found = {}
    for measure, cells in re.findall(r'<tr data-measure="(\w+)">(.*?)</tr>', page, re.DOTALL):
        found[measure] = tuple(int(n) for n in re.findall(
            r'data-term="\w+">(?:<a [^>]*>)?(\d+)', cells))
    return found


def test_counts_per_term_are_right_for_a_principal(client, north):
    counts = school_counts(north["principal"], None, YEAR)
    assert {key: tuple(by_term[t] for t in ("fall", "winter", "spring", "year"))
            for key, _, _, by_term in counts.rows()} == EXPECTED
    sign_in(client, north["principal"])
    page = client.get(f"/schools/counts?year={YEAR}").get_data(as_text=True)
    assert _page_numbers(page) == EXPECTED
    assert "Private plan" not in page and north["teacher"].name not in page


def test_each_number_links_to_its_list(client, north, school):
    sign_in(client, north["principal"])
    page = client.get(f"/schools/counts?year={YEAR}").get_data(as_text=True)
    assert f'href="/videos?school={school.id}"' in page
    assert f"/visits?school={school.id}&amp;week=2026-08-01" in page
    link = re.search(r'href="(/tries/school/\d+\?[^"]*show=tries_started[^"]*term=fall[^"]*)"'
                     r'|href="(/tries/school/\d+\?[^"]*term=fall[^"]*show=tries_started[^"]*)"',
                     page)
    assert link, page
    listing = client.get(next(filter(None, link.groups())).replace("&amp;", "&"))
    body = listing.get_data(as_text=True)
    assert listing.status_code == 200
    assert north["teacher"].name in body  # the leaders' try is readable
    assert "1</strong> more try is counted here but private" in body


def test_a_coach_sees_their_school_and_an_admin_chooses_any(client, north, admin, school,
                                                             other_school):
    sign_in(client, north["coach"])
    assert _page_numbers(client.get(f"/schools/counts?year={YEAR}").get_data(
        as_text=True))["tries_started"] == (2, 1, 0, 3)
    assert client.get(f"/schools/counts?school={other_school.id}").status_code == 404
    assert client.get(f"/tries/school/{other_school.id}").status_code == 404

    client = client.application.test_client()
    sign_in(client, admin)
    page = client.get(f"/schools/counts?school={other_school.id}&year={YEAR}").get_data(
        as_text=True)
    assert f'<option value="{school.id}">' in page
    assert _page_numbers(page)["tries_started"] == (1, 0, 0, 1)
    assert _page_numbers(page)["tries_checked_in"] == (1, 0, 0, 1)


def test_teachers_get_no_counts(client, north, school):
    sign_in(client, north["teacher"])
    for path in ("/schools/counts", "/schools/counts.csv", f"/tries/school/{school.id}"):
        assert client.get(path).status_code == 403, path


def test_the_csv_holds_the_table_and_cannot_run_formulas(client, north, school):
    school.name = "=HYPERLINK(\"http://x\")"
    db.session.commit()
    sign_in(client, north["principal"])
    response = client.get(f"/schools/counts.csv?year={YEAR}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["school", "school_year", "measure", "fall", "winter", "spring",
                       "whole_year"]
    assert all(row[0] == "'=HYPERLINK(\"http://x\")" for row in rows[1:])
    by_measure = {row[2]: tuple(int(n) for n in row[3:]) for row in rows[1:]}
    assert by_measure["Tries checked in on"] == EXPECTED["tries_checked_in"]
    assert by_measure["Videos shared"] == EXPECTED["videos"]


def test_a_bad_year_is_refused(client, north):
    sign_in(client, north["principal"])
    assert client.get("/schools/counts?year=2026-99").status_code == 422
    assert client.get("/schools/counts.csv?year=soon").status_code == 422


@pytest.mark.parametrize("path", [f"/schools/counts?year={YEAR}",
                                  f"/schools/counts.csv?year={YEAR}",
                                  "/tries/school/{school}?year=2026-27&show=tries_checked_in"])
def test_counts_run_the_same_queries_for_5_or_50_tries(client, make_user, school, path):
    principal = make_user("principal")
    teachers = [make_user("teacher") for _ in range(3)]
    sign_in(client, principal)
    path = path.format(school=school.id)

    def grow(number: int):
        for n in range(number):
            owner = teachers[n % 3]
            created = f"2026-{9 + n % 4:02d}-{1 + n % 27:02d}T15:00"
            add_try(owner, created, visibility=("only_me", "leaders", "school")[n % 3],
                    check_ins=(f"2027-0{1 + n % 5}-10",), commit=False)
        db.session.commit()
        for n in range(number):
            _video(teachers[n % 3], f"2026-{9 + n % 4:02d}-02T15:00")

    grow(5)
    few = count_queries(client, path)
    grow(45)
    assert count_queries(client, path) == few
