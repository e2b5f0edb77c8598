"""The owner of a video with face blur on reviews the faces found, by keyboard: a thumbnail per
face, keeps their own, and the video is published with the others blurred; a colleague never
sees the faces page."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from mastery_share.extensions import db
from mastery_share.videos.models import Video
from tests.browser.conftest import sign_in_page
from tests.browser.test_keyboard_only_journey import tab_to
from tests.faces.conftest import face_clips  # noqa: F401  (fixture)
from tests.videos.conftest import share  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def test_the_owner_keeps_one_face_by_keyboard_and_the_video_is_published(
        make_page, teacher, make_user, share, face_clips, assert_accessible):  # noqa: F811
    video = share(teacher, face_clips.two.path, blur_faces=True, visibility="network",
                  release_tier="school", media_release=None)
    page = make_page()
    sign_in_page(page, teacher)
    page.goto(f"/videos/{video.id}")
    expect(page.locator("#faces-to-review")).to_contain_text("Faces to review")
    assert_accessible(page)
    tab_to(page, page.get_by_role("link", name="Review the faces"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Faces in")
    pictures = page.locator(".face-card img")
    expect(pictures).to_have_count(2)
    for index in range(2):
        expect(pictures.nth(index)).to_be_visible()
    # Each thumbnail really loads (owner-only, never cached); they load lazily, so wait for it.
    page.wait_for_function(
        "() => [...document.querySelectorAll('.face-card img')]"
        ".every(img => img.complete && img.naturalWidth > 0)")
    assert_accessible(page)
    keep = page.get_by_role("checkbox", name="Face 2")
    tab_to(page, keep)
    page.keyboard.press("Space")
    expect(keep).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Blur the other faces and publish"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("The other faces are being blurred")
    db.session.expire_all()
    assert db.session.get(Video, video.id).status == "ready"

    colleague = make_page()
    sign_in_page(colleague, make_user("teacher"))
    response = colleague.goto(f"/videos/{video.id}/faces")
    assert response.status == 403
