"""A pasted link or a long word in a title, a description or a collection, and the caption
review's player, on a 375 px phone: every page still fits the screen (nothing scrolls
sideways) and the words are all there, broken where they must be."""
from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from mastery_share.collections.curation import create_collection
from mastery_share.collections.items import add_item
from mastery_share.videos.services import create_video
from tests.browser.conftest import fits_width, sign_in_page
from tests.videos.conftest import DETAILS, clips  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 375, "height": 800}
LINK = "https://docs.google.com/document/d/" + "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789" * 3
WORD = "Differentiated" + "stations" * 12
CAPTIONS = b"WEBVTT\n\n00:00.000 --> 00:01.500\nThe must-do board comes first.\n"


def test_long_words_and_the_review_player_fit_a_small_phone(
        make_page, make_user, tmp_path, clips, assert_accessible):  # noqa: F811
    teacher = make_user("teacher", name="Maria Lopez")
    source = tmp_path / "upload.mp4"
    shutil.copyfile(clips.short, source)
    video = create_video(teacher, {**DETAILS, "title": f"Centers {WORD}",
                                   "description": f"The plan we used: {LINK}"},
                         source=source, filename="lesson.mp4", captions=("lesson.vtt", CAPTIONS))
    assert video.status == "ready", video.error
    coach = make_user("coach", name="Casey Coach")
    collection = create_collection(coach, {"title": f"PLC {WORD}", "visibility": "school",
                                             "purpose": f"Read this first: {LINK}"})
    add_item(coach, collection.id, {"video_id": video.id, "note": f"See {LINK}"})

    page = make_page(SMALL_PHONE)
    sign_in_page(page, teacher)
    for path in (f"/videos/{video.id}", f"/videos/{video.id}/transcript/edit", "/videos/mine",
                 f"/collections/{collection.id}", f"/collections/{collection.id}/present",
                 f"/collections/{collection.id}/agenda", "/visits/new"):
        page.goto(path)
        expect(page.locator("main")).to_contain_text(WORD[:40])
        assert fits_width(page), f"{path} is wider than the phone"
    page.goto(f"/videos/{video.id}")
    expect(page.locator("main")).to_contain_text(LINK)
    page.goto(f"/videos/{video.id}/transcript/edit")
    player = page.locator("#review-player")
    expect(player).to_be_visible()
    assert player.bounding_box()["width"] <= SMALL_PHONE["width"]
    assert_accessible(page)
