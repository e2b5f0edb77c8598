"""While a video is processed, its owner's status badge and progress bar say the same thing,
and both follow the worker's progress without a reload."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from mastery_share.extensions import db
from tests.browser.conftest import sign_in_page
from tests.collections.conftest import video_row

pytestmark = pytest.mark.browser


def test_the_badge_follows_the_progress_bar(page, make_user):
    owner = make_user("teacher")
    video = video_row(owner, title="Still encoding")
    video.status, video.progress = "queued", 0
    db.session.commit()
    sign_in_page(page, owner)
    page.goto(f"/videos/{video.id}")
    badge = page.locator(".status-badge")
    expect(badge).to_have_text("Waiting to process")
    expect(page.locator("#processing-text")).to_have_text("Waiting for its turn to be processed…")

    video.status, video.progress = "processing", 65
    db.session.commit()
    expect(badge).to_have_text("Processing 65%")
    expect(page.locator("#processing-text")).to_have_text("Processing: 65%")
    expect(page.locator("#processing-bar")).to_have_attribute("value", "65")
