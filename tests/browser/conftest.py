"""Browser fixtures: Debian's Chromium driven by Playwright against the live server.

Playwright's own browser download is never used (no `playwright install`): the tests launch
/usr/bin/chromium. Every test here is marked `browser`; `assert_accessible(page)` runs axe-core
(vendored in static/vendor/axe-core) on the page as it is and fails on serious or critical
WCAG 2.1 A/AA violations.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # play() starts without a click, muted or not: playback is the test's to trigger, not a
    # gesture heuristic that a slow page can miss.
    "--autoplay-policy=no-user-gesture-required",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# One ceiling for every expectation, wait and navigation. Each ends as soon as its condition
# holds, so it costs nothing on a fast machine; CI is a busy 2-core machine, where a page, a
# seek or a decode can take many times longer than on a laptop.
TIMEOUT_MS = 60_000
# Sharing a video transcodes it inside the request (Huey runs jobs immediately in tests).
PROCESSING_TIMEOUT_MS = 180_000

# Served by the app itself, so the page's CSP (script-src 'self') allows it: an inline copy
# (add_script_tag(path=...)) would be blocked, and bypassing CSP would hide real CSP breakage.
AXE_PATH = "/static/vendor/axe-core/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}

_HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    for item in items:
        if _HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_call_failed = report.failed
    return report


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing: install Debian's chromium package to run browser tests")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _unavailable("playwright is not installed: pip install -e '.[dev]'")
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_context(browser, base_url: str, viewport: dict = DESKTOP):
    """A fresh browser context (own cookies) on `base_url` with the suite's ceiling."""
    context = browser.new_context(viewport=viewport, base_url=base_url)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context


def _record_console_error(message, problems: list[str]) -> None:
    # Chromium logs every HTTP error as "Failed to load resource"; _record_failed_resource
    # judges those, since a page's own 4xx (a 401 after a wrong password) is intended.
    if message.type == "error" and not message.text.startswith("Failed to load resource"):
        problems.append(f"console error at {message.location.get('url')}: {message.text}")


def _record_failed_resource(response, problems: list[str]) -> None:
    """A stylesheet, script or image the page needs that did not load (the favicon aside)."""
    if (response.status >= 400 and response.request.resource_type != "document"
            and urlsplit(response.url).path != "/favicon.ico"):
        problems.append(f"{response.status} for {response.request.resource_type} {response.url}")


@pytest.fixture
def make_page(browser, live_server, request, tmp_path) -> Iterator[Callable]:
    """make_page(viewport=PHONE) -> a page in a fresh context (own cookies) on the live server.

    The page fails its test on any JavaScript error, console error (a CSP violation included)
    or sub-resource that failed to load. When the test fails, each page's screenshot is kept
    in the test's tmp_path.
    """
    contexts = []
    problems: list[str] = []

    def factory(viewport: dict = DESKTOP):
        context = new_context(browser, live_server.url, viewport)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("console", lambda message: _record_console_error(message, problems))
        page.on("response", lambda response: _record_failed_resource(response, problems))
        return page

    yield factory
    if getattr(request.node, "browser_call_failed", False):
        for number, page in enumerate(page for context in contexts for page in context.pages):
            shot = tmp_path / f"failure-{number}.png"
            page.screenshot(path=shot, full_page=True)
            print(f"screenshot of {page.url} at the failure: {shot}")
    for context in contexts:
        context.close()
    assert not problems, "the browser reported:\n" + "\n".join(problems)


@pytest.fixture
def page(make_page):
    """A desktop-width page (1280x800)."""
    return make_page(DESKTOP)


@pytest.fixture
def phone_page(make_page):
    """A phone-width page (390x844), where the navigation collapses behind the toggler."""
    return make_page(PHONE)


def _format_violation(violation: dict) -> str:
    lines = [f"- {violation['id']} ({violation['impact']}): {violation['help']}",
             f"  {violation['helpUrl']}"]
    for node in violation["nodes"]:
        summary = (node.get("failureSummary") or "").replace("\n", " ")
        lines.append(f"    at {node['target']}: {summary}")
    return "\n".join(lines)


def check_accessible(page) -> None:
    """Fail listing every serious or critical axe-core WCAG 2.1 A/AA violation on the page."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=urljoin(page.url, AXE_PATH))
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        pytest.fail(f"axe-core found {len(blocking)} serious/critical violation(s) on {page.url}:\n"
                    + "\n".join(_format_violation(v) for v in blocking))


@pytest.fixture
def assert_accessible() -> Callable:
    """assert_accessible(page): the axe-core check, as a fixture so tests need not import it."""
    return check_accessible


def sign_in_page(page, user) -> None:
    """Sign `user` in through the form, as a person would, and wait for the welcome."""
    from playwright.sync_api import expect

    from tests.conftest import PASSWORD

    page.goto("/sign-in")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("status")).to_contain_text("Welcome back")


def fits_width(page) -> bool:
    """Nothing on the page sticks out sideways (no horizontal scrolling)."""
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
