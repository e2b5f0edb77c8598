"""Visits on a phone: the calendar opens on a week with classrooms, its filters fold behind
one button, nothing sticks out sideways; approvals fit 390 px with a reason to decline; the
calendar feed can be copied or subscribed to in one tap."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from mastery_share.visits.booking import book_slot
from tests.browser.conftest import PHONE, fits_width, sign_in_page
from tests.visits.conftest import open_slot, set_school  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def test_a_teacher_finds_a_classroom_weeks_ahead_and_books_it_on_a_phone(
        make_page, make_user, other_school, open_slot, assert_accessible):  # noqa: F811
    host = make_user("teacher", name="Maria Lopez")
    open_slot(host, days_ahead=16, room="Room 12")
    visitor = make_user("teacher", school_=other_school, name="Dana Visitor")
    page = make_page(PHONE)
    sign_in_page(page, visitor)
    page.goto("/visits")
    expect(page.locator("#moved-note")).to_contain_text("next week with open classrooms")
    card = page.locator(".slot-card").first
    expect(card).to_contain_text("Maria Lopez")
    expect(card).to_contain_text("Room 12")
    filters = page.get_by_role("button", name="Filters")
    expect(filters).to_be_visible()
    expect(page.locator("#calendar-filters")).to_be_hidden()
    # The first classroom is on the first screen, above the fold.
    assert card.bounding_box()["y"] < PHONE["height"]
    assert fits_width(page)
    assert_accessible(page)
    filters.click()
    expect(page.get_by_label("School")).to_be_visible()

    card.get_by_role("button", name="Book").click()
    expect(page.get_by_role("status")).to_contain_text("Maria Lopez's classroom, ")
    expect(page.get_by_role("status")).to_contain_text("You have a seat.")


def test_the_calendar_feed_is_copied_or_subscribed_to_in_one_tap(make_page, make_user,
                                                                 assert_accessible):
    page = make_page(PHONE)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in_page(page, make_user("teacher"))
    page.goto("/visits/mine")
    link = page.locator("#feed-url").input_value()
    assert link.startswith("http")
    subscribe = page.get_by_role("link", name="Subscribe in my calendar app")
    expect(subscribe).to_have_attribute("href", "webcal://" + link.split("://", 1)[1])
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("#feed-copy-status")).to_have_text("Link copied.")
    assert page.evaluate("navigator.clipboard.readText()") == link
    page.mouse.move(0, 0)  # off the button: axe judges the resting colours, not a hover fading
    assert fits_width(page)
    assert_accessible(page)


def test_the_approvals_page_fits_a_phone_and_asks_why_before_declining(
        make_page, make_user, other_school, open_slot, assert_accessible):  # noqa: F811
    set_school(other_school, requires_visit_approval=True)
    principal = make_user("principal", school_=other_school)
    for name in ("Vera Visitor", "Walt Visitor"):
        book_slot(make_user("teacher", school_=other_school, name=name),
                  open_slot(make_user("teacher", name=f"Host of {name}")).id)
    page = make_page(PHONE)
    sign_in_page(page, principal)
    page.goto("/visits/approvals")
    assert fits_width(page)
    assert_accessible(page)
    first = page.locator(".approval").first
    for name in ("Approve", "Decline…"):
        box = first.get_by_text(name, exact=True).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], name
    first.get_by_text("Decline…", exact=True).click()
    first.get_by_role("button", name="Decline the visit").click()
    # The reason is required: nothing is sent without it.
    expect(first.get_by_label("Why?")).to_have_js_property("validity.valueMissing", True)
    first.get_by_label("Why?").fill("Testing week.")
    first.get_by_role("button", name="Decline the visit").click()
    expect(page.get_by_role("status")).to_contain_text("visit is declined; they were told why")
    expect(page.locator(".approval")).to_have_count(1)
