"""Every role's home on a phone and a laptop, and the notification bell: its count goes up when
a colleague books my classroom and down when I read it. axe-core finds nothing serious on any
of these pages, and nothing sticks out sideways on a phone."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from mastery_share.extensions import db
from mastery_share.visits.booking import book_slot
from tests.browser.conftest import DESKTOP, PHONE, fits_width, sign_in_page
from tests.collections.conftest import video_row
from tests.visits.conftest import open_slot, set_school  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "laptop"])


@VIEWPORTS
def test_the_bell_counts_a_colleagues_booking_and_reading_it_clears_it(
        make_page, make_user, other_school, open_slot, assert_accessible, viewport):  # noqa: F811
    host = make_user("teacher", name="Maria Lopez")
    slot = open_slot(host)
    page = make_page(viewport)
    sign_in_page(page, host)
    bell = page.locator("#notification-bell")
    expect(bell).to_have_attribute("aria-label", "Notifications, none unread")
    assert_accessible(page)

    book_slot(make_user("teacher", school_=other_school, name="Dana Visitor"), slot.id)
    page.reload()
    expect(bell).to_have_attribute("aria-label", "Notifications, 1 unread")
    expect(bell.locator(".bell-count")).to_have_text("1")
    expect(bell).to_be_visible()  # on a phone too, outside the folded menu
    bell.click()
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    entry = page.get_by_role("link", name="Dana Visitor (South Middle School) signed up")
    expect(entry).to_be_visible()
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    assert_accessible(page)
    assert fits_width(page)

    entry.click()
    page.wait_for_url(f"**/visits/{slot.id}")
    expect(bell).to_have_attribute("aria-label", "Notifications, none unread")
    expect(bell.locator(".bell-count")).to_have_count(0)


@VIEWPORTS
def test_a_principal_declines_a_request_from_home_with_a_reason(
        make_page, make_user, school, other_school, open_slot, assert_accessible,  # noqa: F811
        viewport):
    set_school(other_school, requires_visit_approval=True)
    principal = make_user("principal", school_=other_school, name="Pat Principal")
    visitor = make_user("teacher", school_=other_school, name="Vera Visitor")
    booking = book_slot(visitor, open_slot(make_user("teacher", name="Hana Host")).id)
    page = make_page(viewport)
    sign_in_page(page, principal)
    expect(page.locator("#notification-bell")).to_have_attribute(
        "aria-label", "Notifications, 1 unread")
    block = page.locator("section[aria-labelledby=approvals-heading]")
    expect(block).to_contain_text("Vera Visitor")
    assert_accessible(page)
    assert fits_width(page)
    block.get_by_text("Decline…").click()
    reason = block.get_by_label("Why?")
    expect(reason).to_be_visible()
    assert_accessible(page)
    reason.fill("We have state testing that week.")
    block.get_by_role("button", name="Decline the visit").click()
    expect(page.get_by_role("status")).to_contain_text("Vera Visitor's visit is declined")
    page.wait_for_url("**/")  # back home, not to the approvals page
    db.session.expire_all()
    db.session.refresh(booking)
    assert booking.status == "cancelled"
    assert booking.decline_reason == "We have state testing that week."


@VIEWPORTS
def test_the_coach_and_admin_homes_and_the_signed_out_home(
        make_page, make_user, assert_accessible, viewport):
    colleague = make_user("teacher", name="Tia Teacher")
    video_row(colleague, title="Groups that move")
    for role, heading in (("coach", "Teachers to support"), ("admin", "The district in numbers")):
        page = make_page(viewport)
        sign_in_page(page, make_user(role))
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        assert_accessible(page)
        assert fits_width(page), role

    page = make_page(viewport)
    page.goto("/")
    expect(page.locator("#notification-bell")).to_have_count(0)
    expect(page.get_by_role("heading", name="What teachers share")).to_be_visible()
    pictures = page.locator(".welcome-examples img")
    expect(pictures).to_have_count(4)
    for number in range(4):
        picture = pictures.nth(number)
        picture.scroll_into_view_if_needed()
        page.wait_for_function("image => image.complete && image.naturalWidth > 0",
                               arg=picture.element_handle())
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
    assert_accessible(page)
    assert fits_width(page)
