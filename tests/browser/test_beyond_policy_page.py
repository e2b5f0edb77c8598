"""The admin's report of videos shared beyond the district's rules, on a phone: reached from
the staff page, readable as a table, accessible."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from mastery_share.accounts.models import District
from mastery_share.extensions import db
from tests.browser.conftest import PHONE, sign_in_page
from tests.collections.conftest import video_row

pytestmark = pytest.mark.browser


def test_the_admin_finds_the_videos_beyond_a_narrowed_rule(make_page, teacher, admin,
                                                           assert_accessible):
    video_row(teacher, title="Stations for everyone", visibility="network")
    db.session.get(District, admin.district_id).widest_without_blur = "school"
    db.session.commit()
    page = make_page(PHONE)
    sign_in_page(page, admin)
    page.goto("/staff")
    page.get_by_role("link", name="see the videos shared beyond these rules").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Videos shared beyond the district's rules")
    expect(page.get_by_role("status")).to_have_text("1 video.")
    row = page.get_by_role("row").filter(has_text="Stations for everyone")
    expect(row).to_contain_text("Everyone on Mastery Share")
    expect(row.get_by_role("link", name="Change “Stations for everyone”")).to_be_visible()
    assert_accessible(page)
