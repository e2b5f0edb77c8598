"""Search on a phone: the first result is on the first screen, the filters wait behind one
button that says how many are on; on a laptop they stay open beside the results."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in_page
from tests.videos.conftest import clips, share  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


@pytest.fixture
def library(teacher, share, clips):  # noqa: F811
    return [share(teacher, clips.short, title=f"Math centers, week {week}") for week in (1, 2)]


def test_on_a_phone_the_first_result_is_on_the_first_screen(
        make_page, make_user, library, assert_accessible):
    page = make_page({"width": 390, "height": 844})
    sign_in_page(page, make_user("teacher"))
    page.goto("/search?q=centers&grade_band=3-5")
    results = page.locator("#results-heading + ol article")
    expect(results).to_have_count(2)
    first = results.first.bounding_box()
    assert first["y"] + 60 <= 844, f"the first result starts at {first['y']:.0f} px"
    toggle = page.get_by_role("button", name="Filters (1 active)")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#search-filters")).to_be_hidden()
    assert_accessible(page)

    toggle.click()
    expect(page.locator("#search-filters")).to_be_visible()
    expect(page.get_by_role("link", name="3-5")).to_have_attribute("aria-current", "true")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390


def test_on_a_laptop_the_filters_stay_open(page, make_user, library):
    sign_in_page(page, make_user("teacher"))
    page.goto("/search?q=centers")
    expect(page.locator("#search-filters")).to_be_visible()
    expect(page.locator(".filters-toggle")).to_be_hidden()
    expect(page.locator("#search-help")).to_contain_text("for a phrase")
