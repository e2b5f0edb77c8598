"""A teacher from one school finds an open classroom at another school from a video page,
books it in one click, sees it under "My visits", and cancels it (the seat comes back)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from mastery_share.extensions import db
from mastery_share.visits.models import Booking
from mastery_share.visits.slots import create_slots
from tests.browser.conftest import sign_in_page
from tests.videos.conftest import clips, share  # noqa: F401  (the real upload pipeline)
from tests.visits.conftest import local_start

pytestmark = pytest.mark.browser

FOCUS = "Station rotation with a must-do board in 4th grade math"


@pytest.fixture
def hosted_video(make_user, share, clips):  # noqa: F811  (fixtures imported above)
    """Maria at North Elementary: a district-visible video and, linked to it, an open
    classroom of 3 seats three days ahead."""
    host = make_user("teacher", name="Maria Lopez")
    video = share(host, clips.short, visibility="district",
                  title="Math centers with a must-do board")
    slot = create_slots(host, {"starts_at": local_start(host.school, days_ahead=3, hour=9),
                               "duration_min": 45, "capacity": 3, "room": "12",
                               "focus": FOCUS, "video_ids": [video.id]})[0]
    return host, video, slot


def test_visitor_books_from_a_video_page_then_cancels_under_my_visits(
        page, phone_page, hosted_video, make_user, other_school, assert_accessible):
    host, video, slot = hosted_video
    visitor = make_user("teacher", school_=other_school, name="Visiting Teacher")

    sign_in_page(page, visitor)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Videos").click()
    page.get_by_role("link", name=video.title).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(video.title)

    live = page.get_by_role("region", name="See it live")
    expect(live).to_contain_text("North Elementary")
    expect(live).to_contain_text("3 of 3 seats left")
    assert_accessible(page)

    live.get_by_role("button", name=re.compile(r"^Book Maria Lopez's classroom")).click()
    expect(page).to_have_url(re.compile(rf"/videos/{video.id}\b"))
    expect(page.get_by_role("status")).to_contain_text("You have a seat")
    live = page.get_by_role("region", name="See it live")
    expect(live).to_contain_text("Confirmed")
    expect(live.get_by_role("button", name=re.compile("^Book"))).to_have_count(0)
    booking = db.session.scalar(select(Booking).where(Booking.visitor_id == visitor.id))
    assert booking.status == "confirmed"

    live.get_by_role("link", name=re.compile(r"\d")).first.click()
    expect(page).to_have_url(re.compile(rf"/visits/{slot.id}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Visit Maria Lopez's classroom")
    expect(page.locator("main")).to_contain_text("2 of 3 seats left")

    # Three days ahead may be next week: the slot page links to the calendar week it is in.
    page.get_by_role("link", name="← Open classrooms").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open classrooms")
    card = page.get_by_role("article").filter(has_text="Maria Lopez")
    expect(card).to_contain_text("2 of 3 seats left")
    expect(card).to_contain_text("Confirmed")
    assert_accessible(page)

    page.get_by_role("link", name="My visits").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My visits")
    visiting = page.get_by_role("region", name="Visiting")
    upcoming = visiting.get_by_role("listitem").filter(has_text="Maria Lopez")
    expect(upcoming).to_contain_text("North Elementary")
    expect(upcoming).to_contain_text("Confirmed")
    assert_accessible(page)

    upcoming.get_by_role("button", name=re.compile(r"^Cancel visit to Maria Lopez's")).click()
    expect(page.get_by_role("status")).to_contain_text("The booking is cancelled")
    upcoming = page.get_by_role("region", name="Visiting").get_by_role("listitem").filter(
        has_text="Maria Lopez")
    expect(upcoming).to_contain_text("Cancelled")
    expect(upcoming.get_by_role("button", name=re.compile("^Cancel"))).to_have_count(0)
    db.session.refresh(booking)
    assert booking.status == "cancelled"

    page.goto(f"/videos/{video.id}")
    expect(page.get_by_role("region", name="See it live")).to_contain_text("3 of 3 seats left")

    phone = phone_page
    sign_in_page(phone, visitor)
    week = local_start(host.school, days_ahead=3).date().isoformat()
    for path in (f"/videos/{video.id}", "/visits/mine", f"/visits?week={week}"):
        phone.goto(path)
        assert_accessible(phone)
