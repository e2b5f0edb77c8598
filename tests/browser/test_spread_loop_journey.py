"""The spread loop on a phone: a teacher watches a colleague's video from another school,
says "I'll try this", plans, checks in, shares back what she learned; the new video shows
"Sparked by", the original shows "Sparked", and the spread map draws the arrow between the
two schools. Every new page passes axe-core; the map's screenshot is kept as an artifact."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PROCESSING_TIMEOUT_MS, sign_in_page
from tests.videos.conftest import clips, make_clip, share  # noqa: F401  (the real pipeline)

pytestmark = pytest.mark.browser

ARTIFACTS = Path(os.environ.get("MASTERY_TEST_ARTIFACTS",
                                Path(__file__).resolve().parents[2] / "test-artifacts"))


@pytest.fixture
def five_seconds(tmp_path_factory):
    return make_clip(tmp_path_factory.mktemp("clip") / "groups.mp4", seconds=5)


def test_watch_try_check_in_share_back_and_see_the_spread(
        phone_page, make_user, other_school, share, five_seconds, assert_accessible):  # noqa: F811
    page = phone_page
    host = make_user("teacher", school_=other_school, name="Hana Host")
    original = share(host, five_seconds, title="Flexible groups on a Tuesday",
                     practices=["flexible-grouping"], visibility="district")
    teacher = make_user("teacher", name="Tomas Teacher")
    sign_in_page(page, teacher)

    # Watch the colleague's video, then "I'll try this".
    page.goto(f"/videos/{original.id}")
    page.get_by_role("link", name="I'll try this").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("I'll try this")
    expect(page.locator("#main")).to_contain_text("Flexible groups on a Tuesday")
    assert_accessible(page)
    page.get_by_label("Plan: what I will do").fill("Three flexible groups in math, twice a week")
    page.get_by_label("With which students").fill("My 4th graders")
    page.get_by_label("What success will look like").fill("Every group finishes its task")
    page.get_by_role("button", name="Start my try").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("My try")
    expect(page.locator("#learn")).to_contain_text("Flexible groups on a Tuesday")
    assert_accessible(page)

    # Check in: the plan becomes "trying".
    page.locator("#check summary").click()
    page.get_by_label("What happened").fill("Groups worked; one group needed a timer")
    page.get_by_label("Evidence").fill("8 of 10 exit tickets correct")
    page.get_by_role("button", name="Save the check-in").click()
    expect(page.locator("#check")).to_contain_text("8 of 10 exit tickets correct")
    expect(page.locator("#main")).to_contain_text(re.compile("trying", re.IGNORECASE))
    assert_accessible(page)

    # Share back through the usual upload form, the practice filled in and the try linked.
    page.get_by_role("link", name="Share what I learned").click()
    expect(page.locator("#main")).to_contain_text("Sharing back:")
    expect(page.get_by_label("Flexible grouping")).to_be_checked()
    page.get_by_label(re.compile("Drop your video here")).set_input_files(str(five_seconds))
    page.get_by_label("Title").fill("Flexible groups, adapted with a timer")
    page.get_by_label("Grade band").select_option("3-5")
    page.get_by_label("Subject").select_option("Math")
    page.get_by_label("Who can watch").select_option("district")
    page.get_by_label("Media releases on file").select_option("district")
    expect(page.locator("#upload-detail")).to_have_text("Upload complete.")
    page.get_by_role("button", name="Share the video").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Flexible groups, adapted with a timer", timeout=PROCESSING_TIMEOUT_MS)
    lineage = page.locator("section.lineage")
    expect(lineage).to_contain_text("Sparked by")
    expect(lineage).to_contain_text("Flexible groups on a Tuesday")
    expect(lineage).to_contain_text("Hana Host")
    expect(lineage).to_contain_text(other_school.name)
    assert_accessible(page)

    # The original now shows what it sparked.
    page.goto(f"/videos/{original.id}")
    expect(page.locator("section.lineage")).to_contain_text("Flexible groups, adapted with a timer")

    # The spread map draws the arrow from the host's school to the teacher's.
    page.goto("/practices/flexible-grouping/spread")
    table = page.locator("table.spread-table tbody")
    expect(table.locator("tr")).to_have_count(1)
    row = table.locator("tr").first
    expect(row.locator("th, td").nth(0)).to_have_text(other_school.name)
    expect(row.locator("th, td").nth(1)).to_have_text(teacher.school.name)
    expect(page.locator("svg[role=img]").first).to_be_visible()
    assert_accessible(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "spread-map-phone.png"
    page.screenshot(path=shot, full_page=True)
    print(f"spread map screenshot: {shot}")

    page.goto("/tries/mine")
    expect(page.locator("#main")).to_contain_text(re.compile("shared back", re.IGNORECASE))
    assert_accessible(page)
