"""The host's page of an open classroom reads its visitors, their names and schools in a
fixed number of queries: a classroom with six visitors costs what one with one does."""
from __future__ import annotations

from mastery_share.visits.booking import book_slot
from tests.conftest import make_school, sign_in
from tests.query_count import statements_of_get


def test_the_hosts_slot_page_costs_the_same_for_one_visitor_or_six(
        app, client, host, district, make_user, open_slot):
    small, large = open_slot(host, capacity=8), open_slot(host, days_ahead=4, capacity=8)
    schools = [make_school(district, f"Visiting School {n}", "America/Chicago") for n in range(6)]
    book_slot(make_user("teacher", school_=schools[0]), small.id)
    for school in schools:
        book_slot(make_user("teacher", school_=school), large.id)
    sign_in(client, host)
    one = statements_of_get(client, f"/visits/{small.id}")
    six = statements_of_get(client, f"/visits/{large.id}")
    assert six == one, (one, six)
    page = client.get(f"/visits/{large.id}").get_data(as_text=True)
    assert all(f"Visiting School {n}" in page for n in range(6))
