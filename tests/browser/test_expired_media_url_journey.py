"""Watching a video stored in S3 goes on after its presigned URL expired (issue 11, hole 9).

The store URL the player was redirected to works for MASTERY_S3_URL_TTL_S (5 minutes) only,
and the browser keeps fetching ranges from it: a seek after a long pause asks an expired URL.
moto's S3 server does not enforce X-Amz-Expires, so the store's refusal of the URLs signed
before that moment is played by a route in front of it, answering as S3 does (403); everything
else is real (the app, moto over HTTP, the processed video, Chromium's player).
"""
from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import new_context, sign_in_page
from tests.videos.conftest import make_clip, share  # noqa: F401  (the real pipeline)
from tests.videos.test_s3_storage import (  # noqa: F401  (moto's server and the app on it)
    app_overrides,
    bucket,
    s3,
    s3_endpoint,
)

pytestmark = pytest.mark.browser

EXPIRED = ('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code>'
           '<Message>Request has expired</Message></Error>')


@pytest.fixture
def long_lesson(tmp_path):
    # Large enough (about 20 MB) that a paused player holds only its beginning.
    return make_clip(tmp_path / "lesson.mp4", size="640x360", seconds=60,
                     codec=["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                            "-b:v", "3M", "-maxrate", "3M", "-bufsize", "1M"])


def signed_at(url: str) -> str:
    return parse_qs(urlsplit(url).query).get("X-Amz-Date", [""])[0]


def test_a_seek_after_the_store_url_expired_fetches_a_fresh_one_and_plays_on(
        browser, live_server, teacher, share, long_lesson, s3_endpoint):  # noqa: F811
    video = share(teacher, long_lesson)
    assert video.status == "ready", video.error
    context = new_context(browser, live_server.url)
    errors: list[str] = []
    refused: list[str] = []
    signed: list[str] = []  # X-Amz-Date of every URL the store was asked
    expired_before: list[str] = []  # X-Amz-Date values the store no longer honours

    def asked(request):
        # A request event, not the route: a route sees no request that follows a redirect.
        if request.url.startswith(s3_endpoint):
            signed.append(signed_at(request.url))

    def store(route):
        if signed_at(route.request.url) in expired_before:
            refused.append(route.request.url)
            route.fulfill(status=403, content_type="application/xml", body=EXPIRED)
        else:
            route.continue_()

    try:
        context.route(f"{s3_endpoint}/**", store)
        context.on("request", asked)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        sign_in_page(page, teacher)
        page.goto(f"/videos/{video.id}")
        page.wait_for_function("() => document.getElementById('player').readyState >= 1")
        duration = page.evaluate("() => document.getElementById('player').duration")
        assert duration > 50

        # Time passes: every URL signed so far has expired, the video's and the poster's
        # (signed in their own requests, a second apart on a busy machine). Wait until the
        # signing clock has moved on, so a URL signed from now on differs from the expired.
        expired_before.extend(signed)
        while time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) <= max(expired_before):
            time.sleep(0.05)

        # The viewer jumps ahead and presses play; Chromium drops that play() when the
        # expired URL is refused, so its promise is not the signal: the player's state is.
        page.evaluate("() => { const v = document.getElementById('player'); v.muted = true;"
                      " v.currentTime = 45; v.play().catch(() => {}); }")
        page.wait_for_function(
            "() => { const v = document.getElementById('player');"
            " return !v.error && !v.paused && v.currentTime > 45.5; }")
        assert refused, "the player never asked the expired URL: the test proves nothing"
        expect(page.locator("video#player")).to_be_visible()
    finally:
        context.close()
    assert not errors, errors
