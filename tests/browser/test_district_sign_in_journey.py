"""District sign-in on a phone: the button, the provider, and back home signed in."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from mastery_share.accounts.invitations import invite_staff
from tests.accounts.oidc_provider import OidcProvider
from tests.browser.conftest import PHONE, fits_width

pytestmark = pytest.mark.browser


@pytest.fixture
def provider():
    with OidcProvider() as running:
        yield running


@pytest.fixture
def app_overrides(provider):
    return {"OIDC_PROVIDERS": {"district": provider.settings(label="Google")}}


def test_an_invited_teacher_signs_in_with_google_on_a_phone(
        app, live_server, make_page, principal, provider, assert_accessible):
    app.config["PUBLIC_URL"] = live_server.url  # the provider sends the browser back here
    invite_staff(principal, email="ana.alvarez@district.example.org", name="Ana Alvarez",
                 role="teacher", school_id=principal.school_id)
    page = make_page(PHONE)
    page.goto("/sign-in")
    assert_accessible(page)
    assert fits_width(page)
    page.get_by_role("link", name="Sign in with Google").click()
    expect(page.get_by_role("status")).to_contain_text("Welcome back, Ana Alvarez")
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("#notification-bell")).to_be_visible()
