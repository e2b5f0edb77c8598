"""A member signs in from the home page, opens their profile and signs out, in a real browser.

Every page on the way is checked with axe-core, at desktop width and once at phone width.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from mastery_share.demo import DEMO_PASSWORD, seed_demo

pytestmark = pytest.mark.browser

MARIA = "maria.lopez@riverside.example.org"
OPEN_MENU = re.compile(r"(^|\s)show(\s|$)")  # Bootstrap adds it when the slide-down ends


@pytest.fixture
def demo(app):
    seed_demo()


def nav(page):
    return page.get_by_role("navigation", name="Main")


def test_sign_in_profile_and_sign_out(demo, page, assert_accessible):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("If they can do it, we can do it.")
    expect(nav(page).get_by_role("link", name="Videos")).to_have_count(0)
    assert_accessible(page)

    nav(page).get_by_role("link", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(page)

    page.get_by_label("Email").fill(MARIA)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("status")).to_contain_text("Welcome back, Maria Lopez.")
    expect(page.get_by_role("heading", name="Welcome, Maria")).to_be_visible()
    expect(page.locator(".lead").first).to_contain_text("Maple Grove Elementary · Teacher")
    expect(nav(page).get_by_role("link", name="Sign in")).to_have_count(0)
    expect(nav(page).get_by_role("link", name="Videos")).to_be_visible()
    assert_accessible(page)

    nav(page).get_by_role("link", name="Maria Lopez").click()
    expect(page).to_have_url(re.compile(r"/profile$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    expect(page.get_by_label("Name")).to_have_value("Maria Lopez")
    expect(page.get_by_text(MARIA)).to_be_visible()
    assert_accessible(page)

    nav(page).get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    expect(page.get_by_role("status")).to_contain_text("You are signed out.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(nav(page).get_by_role("link", name="Maria Lopez")).to_have_count(0)
    assert_accessible(page)

    page.goto("/profile")
    expect(page).to_have_url(re.compile(r"/sign-in"))


def test_phone_navigation_offers_a_visitor_sign_in_and_a_member_the_menu(demo, phone_page,
                                                                        assert_accessible):
    page = phone_page
    page.goto("/")
    toggler = page.get_by_role("button", name="Show navigation")
    menu = page.locator("#main-nav")
    sign_in_link = nav(page).get_by_role("link", name="Sign in")
    # Every section needs an account: a visitor sees the way in, with no menu to open.
    expect(sign_in_link).to_be_visible()
    expect(toggler).to_have_count(0)
    for label in ("Videos", "Search", "Visits", "Collections"):
        expect(nav(page).get_by_role("link", name=label)).to_have_count(0)
    assert_accessible(page)

    sign_in_link.click()
    page.get_by_label("Email").fill(MARIA)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("status")).to_contain_text("Welcome back, Maria Lopez.")
    expect(toggler).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "false")
    expect(nav(page).get_by_role("link", name="Videos")).to_be_hidden()
    toggler.click()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(menu).to_have_class(OPEN_MENU)  # the slide-down is over: axe sees the settled page
    for label in ("Videos", "Search", "Visits", "Collections", "Maria Lopez"):
        expect(nav(page).get_by_role("link", name=label)).to_be_visible()
    expect(nav(page).get_by_role("button", name="Sign out")).to_be_visible()
    assert_accessible(page)


def test_wrong_password_shows_the_error_on_the_field(demo, page, assert_accessible):
    page.goto("/sign-in")
    page.get_by_label("Email").fill(MARIA)
    password = page.get_by_label("Password", exact=True)
    password.fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    message = "That email and password do not match an active account. Check both, or reset your password."
    expect(page.get_by_text(message)).to_be_visible()
    password = page.get_by_label("Password", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description(message)
    expect(password).to_have_value("")
    expect(page.get_by_label("Email")).to_have_value(MARIA)
    expect(nav(page).get_by_role("link", name="Sign in")).to_be_visible()
    assert_accessible(page)
