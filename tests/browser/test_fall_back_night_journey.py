"""A teacher opens their classroom at 1:30 AM on the night the clocks fall back: the form
asks which 1:30 is meant (accessibly, with a keyboard), and the slot page shows the one picked."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in_page
from tests.visits.test_daylight_saving import fall_back_night

pytestmark = pytest.mark.browser


def test_the_repeated_hour_is_asked_and_the_picked_one_is_shown(page, make_user,
                                                                 assert_accessible):
    host = make_user("teacher", name="Maria Lopez")
    night = fall_back_night(days_ahead=2)
    sign_in_page(page, host)
    page.goto("/visits/new")
    page.get_by_label("Day").fill(night.isoformat())
    page.get_by_label("Start time").fill("01:30")
    page.get_by_label("What visitors will see").fill("Night-owl study hall")
    page.get_by_role("button", name="Open my classroom").click()

    choice = page.get_by_role("group", name=re.compile("1:30 AM happens twice that night"))
    expect(choice).to_be_visible()
    expect(choice).to_contain_text("Choose the first or the second 1:30 AM.")
    assert_accessible(page)
    choice.get_by_label("1:30 AM CST (second)").check()
    page.get_by_role("button", name="Open my classroom").click()

    expect(page.get_by_role("status")).to_contain_text("Your classroom is open for visits")
    expect(page.locator("main")).to_contain_text("1:30–2:15 AM CST")
