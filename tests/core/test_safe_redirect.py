"""Every `next` in the app goes through one check: only a path on this site, never elsewhere.

Each hostile value is sent through every real endpoint that takes `next`; the answer is a
redirect to that endpoint's own default, never another site and never a 500.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from mastery_share.safe_redirect import safe_next_url
from mastery_share.visits.booking import book_slot
from mastery_share.visits.slots import create_slots
from tests.conftest import PASSWORD, csrf_token, sign_in
from tests.visits.conftest import local_start

HOSTILE = [
    "https://evil.example/",
    "http:evil.example",
    "https:/evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "/\t/evil.example",
    "/\n/x",
    "/\r/x",
    "/\r\nSet-Cookie: a=b",
    "/\x00/x",
    "/\x7f/x",
    "/%09/evil.example",
    "/%0A/x",
    "/%0d%0aSet-Cookie:%20a=b",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "/%252F/evil.example",
    "/%5Cevil.example",
    "/\u2028/evil.example",
    "/\u2029/evil.example",
    "/%E2%80%A8/evil.example",
    "/\u202e/x",
    "/\u200b/x",
    "/\x85/x",
    " //evil.example",
    "evil.example",
    "%2F%2Fevil.example",
    "/" + "a" * 5000,
]

SAFE = ["/videos/3?t=12", "/search?q=math%20centers&practice=goal-setting", "/visits?week=2026-12-07",
        "/collections", "/vid\u00e9os"]


def _open_slot(host, days_ahead: int = 3):
    return create_slots(host, {"starts_at": local_start(host.school, days_ahead),
                               "duration_min": 45,
                               "capacity": 3, "room": "12", "focus": "Station rotation",
                               "repeat_weekly": 0})[0]


def _assert_stays_home(response, default: str, target: str) -> None:
    if "\x00" in target:
        # No view can take a NUL (PostgreSQL refuses it): the request guard answers 400 first.
        assert response.status_code == 400 and "Location" not in response.headers
        return
    assert response.status_code == 302, (target, response.get_data(as_text=True)[:300])
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc and not location.startswith("//")
    assert location == default, (target, location)


@pytest.mark.parametrize("target", HOSTILE)
def test_a_hostile_next_is_never_used_by_the_helper(target):
    assert safe_next_url(target, "/home") == "/home"


@pytest.mark.parametrize("target", SAFE)
def test_a_same_site_path_is_kept(target):
    assert safe_next_url(target, "/home") == target


# Each endpoint takes every hostile value in one test (a subtest each): one app and one set of
# members per endpoint, not one per value (133 apps were over a minute of the suite).

def test_sign_in_never_redirects_off_site_or_fails(client, teacher, subtests):
    for target in HOSTILE:
        with subtests.test(target=target):
            browser = client.application.test_client()  # signed out for each value
            token = csrf_token(browser, "/sign-in")
            response = browser.post("/sign-in", query_string={"next": target}, data={
                "email": teacher.email, "password": PASSWORD, "csrf_token": token})
            _assert_stays_home(response, "/", target)


def test_sign_in_returns_to_the_page_that_asked_for_it(client, teacher):
    asked = client.get("/profile")
    assert asked.status_code == 302
    sign_in_url = asked.headers["Location"]
    token = csrf_token(client, sign_in_url)
    response = client.post(sign_in_url, data={"email": teacher.email, "password": PASSWORD,
                                              "csrf_token": token})
    assert response.headers["Location"] == "/profile"


def test_add_to_collection_never_redirects_off_site_or_fails(client, make_user, subtests):
    sign_in(client, make_user("coach"))
    token = csrf_token(client, "/collections")
    for target in HOSTILE:
        with subtests.test(target=target):
            response = client.post("/collections/add-video", data={
                "csrf_token": token, "collection_id": "new", "next": target})
            _assert_stays_home(response, "/collections", target)


def test_booking_never_redirects_off_site_or_fails(client, make_user, other_school, subtests):
    host = make_user("teacher")
    sign_in(client, make_user("teacher", school_=other_school))
    for day, target in enumerate(HOSTILE, start=3):
        with subtests.test(target=target):
            slot = _open_slot(host, day)  # a visit of its own each day: never "already booked"
            token = csrf_token(client, f"/visits/{slot.id}")
            for where in ({"data": {"csrf_token": token, "next": target}},
                          {"data": {"csrf_token": token}, "query_string": {"next": target}}):
                response = client.post(f"/visits/{slot.id}/book", **where)
                _assert_stays_home(response, f"/visits/{slot.id}", target)


def test_cancelling_a_booking_never_redirects_off_site_or_fails(client, make_user, other_school,
                                                                subtests):
    host = make_user("teacher")
    visitor = make_user("teacher", school_=other_school)
    sign_in(client, visitor)
    token = csrf_token(client, "/visits/mine")
    for day, target in enumerate(HOSTILE, start=3):
        with subtests.test(target=target):
            booking = book_slot(visitor, _open_slot(host, day).id)
            for _ in range(2):  # the second answer is "already cancelled", on the same page
                response = client.post(f"/visits/bookings/{booking.id}/cancel",
                                       data={"csrf_token": token, "next": target})
                _assert_stays_home(response, "/visits/mine", target)
