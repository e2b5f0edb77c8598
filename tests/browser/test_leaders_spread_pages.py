"""The spread loop's other pages, as a principal on a phone and a new teacher on a laptop:
the district's spread, the school's counts and the tries behind one, the practice page with
Start here, the profile's "Practices I'm new to", and editing a try. Each passes axe-core."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from mastery_share.tries.services import add_check_in, start_try
from tests.browser.conftest import sign_in_page
from tests.tries.conftest import video_row

pytestmark = pytest.mark.browser


@pytest.fixture
def spread_of_one_try(make_user, other_school):
    host = make_user("teacher", school_=other_school, name="Hana Host")
    original = video_row(host, title="Groups on a Tuesday", visibility="district")
    teacher = make_user("teacher", name="Tomas Teacher")
    try_ = start_try(teacher, {"practice": "flexible-grouping", "plan": "Three groups",
                               "visibility": "leaders", "sparks": [{"video_id": original.id}]})
    add_check_in(teacher, try_.id, {"what_happened": "Groups worked"})
    return teacher, try_


def test_a_principal_reads_the_spread_and_the_counts_on_a_phone(
        phone_page, make_user, spread_of_one_try, assert_accessible):
    page = phone_page
    sign_in_page(page, make_user("principal", name="Pat Principal"))

    page.goto("/spread")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("#main")).to_contain_text("Flexible grouping")
    assert_accessible(page)

    page.goto("/schools/counts")
    expect(page.locator("table").first).to_be_visible()
    assert_accessible(page)
    started = page.get_by_role("link", name=re.compile(r"^Tries started.*: 1$")).first
    started.click()
    expect(page.locator("#main")).to_contain_text("Tomas Teacher")
    assert_accessible(page)


def test_a_new_teacher_marks_a_practice_and_edits_a_try(
        page, spread_of_one_try, assert_accessible):
    teacher, try_ = spread_of_one_try
    sign_in_page(page, teacher)

    page.goto("/profile")
    page.get_by_label("Flexible grouping").check()
    page.get_by_role("button", name=re.compile("Save")).first.click()
    expect(page.get_by_role("status").first).to_be_visible()
    assert_accessible(page)

    page.goto("/practices/flexible-grouping")
    expect(page.locator("#main")).to_contain_text("Start here")
    assert_accessible(page)

    page.goto(f"/tries/{try_.id}/edit")
    page.get_by_label("Adjust: what I will change next").fill("Add a timer to each station")
    page.get_by_role("button", name=re.compile("Save")).click()
    expect(page.locator("#main")).to_contain_text("Add a timer to each station")
    assert_accessible(page)
