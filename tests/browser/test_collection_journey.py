"""A coach builds a three-video collection from search results, reorders it by drag and drop
(the order survives a reload), sets the first clip's start on the player, opens PLC mode,
and the first clip plays from its start second."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in_page
from tests.videos.conftest import clips, make_clip, share  # noqa: F401  (the real pipeline)

pytestmark = pytest.mark.browser

TITLES = ["Centers rotation with a timer", "Centers with a must-do board",
          "Centers and flexible groups"]
START_S = 1.0


@pytest.fixture
def six_seconds(tmp_path_factory):
    return make_clip(tmp_path_factory.mktemp("clip") / "centers.mp4", seconds=6)


@pytest.fixture
def shared_videos(make_user, share, six_seconds):  # noqa: F811  (fixture imported above)
    """Three district-visible videos, processed and indexed for search."""
    owner = make_user("teacher", name="Maria Lopez")
    return [share(owner, six_seconds, title=title, visibility="district") for title in TITLES]


def buffer_through(page, video: str) -> None:
    """Play a small clip through quickly so it is fully buffered: leaving the page then
    aborts no range request (the dev server leaks an aborted response's file, which fails
    the test as an unraisable ResourceWarning)."""
    page.evaluate(f"() => {{ const v = {video}; v.muted = true; v.playbackRate = 16; return v.play(); }}")
    page.wait_for_function(f"() => {video}.ended || {video}.paused")
    page.evaluate(f"() => {{ const v = {video}; v.pause(); v.playbackRate = 1; }}")


def item_titles(page) -> list[str]:
    return [title.strip() for title in
            page.locator("#collection-items > li h3 a").all_inner_texts()]


def test_coach_builds_reorders_and_presents_a_collection(page, make_user, shared_videos,
                                                         assert_accessible):
    coach = make_user("coach", name="Casey Coach")
    sign_in_page(page, coach)

    # Three videos from the search results into a new collection.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    page.get_by_label("Search videos, descriptions and what is said").fill("centers")
    page.get_by_role("button", name="Search", exact=True).click()
    results = page.locator("#main article.card")
    expect(results).to_have_count(3)
    found = [text.strip() for text in results.locator("h3").all_inner_texts()]
    assert sorted(found) == sorted(TITLES)
    results.nth(0).get_by_label("Collection").select_option(label="New collection…")
    results.nth(0).get_by_role("button", name=re.compile("^Add to collection")).click()
    expect(page.get_by_role("status").first).to_contain_text("Added to “New PLC collection” (1 video)")
    for index in (1, 2):
        card = page.locator("#main article.card").nth(index)
        expect(card.get_by_label("Collection")).to_have_value(re.compile(r"^\d+$"))
        card.get_by_role("button", name=re.compile("^Add to collection")).click()
        expect(page.get_by_role("status").first).to_contain_text(f"({index + 1} videos)")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Collections").click()
    page.get_by_role("link", name="New PLC collection").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New PLC collection")
    assert item_titles(page) == found
    assert_accessible(page)

    # Drag the last item above the first; the new order is saved and survives a reload.
    items = page.locator("#collection-items > li")
    items.nth(2).locator(".drag-handle").drag_to(items.nth(0), target_position={"x": 40, "y": 8})
    expect(page.locator("#reorder-status")).to_contain_text("Order saved")
    expected = [found[2], found[0], found[1]]
    assert item_titles(page) == expected
    page.reload()
    assert item_titles(page) == expected

    # The keyboard fallback: Move down on the first item.
    page.get_by_role("button", name=re.compile(f"^Move down.*{re.escape(expected[0])}")).click()
    expected = [expected[1], expected[0], expected[2]]
    expect(page.locator("#collection-items > li h3 a").first).to_have_text(expected[0])
    assert item_titles(page) == expected

    # The add-a-video picker finds a video by a word, marked as already in the collection.
    picker = page.get_by_role("region", name="Add a video")
    picker.get_by_label("Find a video").fill("must-do")
    picker.get_by_role("button", name="Find", exact=True).click()
    choices = picker.get_by_role("group", name=re.compile("^Choose a video"))
    expect(choices.get_by_role("radio")).to_have_count(1)
    position = expected.index(TITLES[1]) + 1
    expect(choices.get_by_role("radio")).to_have_accessible_name(re.compile(
        f"^{re.escape(TITLES[1])}.*Already in this collection \\(item {position}\\)"))
    assert_accessible(page)

    # Set the first clip's start on the player, and a prompt.
    page.get_by_role("link", name=re.compile(f"^Edit note, prompt and clip.*{re.escape(expected[0])}")).click()
    # The click navigates: wait for the item page's player, not the page being left.
    expect(page.locator("#clip-player")).to_be_attached()
    buffer_through(page, "document.getElementById('clip-player')")
    page.evaluate(f"() => {{ document.getElementById('clip-player').currentTime = {START_S}; }}")
    page.wait_for_function(f"() => Math.abs(document.getElementById('clip-player').currentTime - {START_S}) < 0.05")
    page.get_by_role("button", name="Set start to the current time").click()
    expect(page.get_by_label("Clip start")).to_have_value("0:01")
    page.get_by_label("Discussion prompt").fill("What do students do when they finish?")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("The item is saved")
    expect(page.locator("#collection-items > li").first).to_contain_text("Clip: from 0:01")

    # PLC mode: the first clip plays from its start second.
    page.get_by_role("link", name="Start PLC mode").click()
    expect(page.locator(".plc-prompt").first).to_have_text("What do students do when they finish?")
    expect(page.locator("#plc-position")).to_have_text("Item 1 of 3")
    assert_accessible(page)
    video = "document.querySelector('#plc-item-1 video')"
    page.wait_for_function(f"() => {video}.readyState >= 1")
    # Where playback starts is read when it starts ('playing'), not some time later: on a
    # busy machine the player may be well past the start by the time the test looks.
    page.evaluate(f"() => {{ const v = {video}; v.muted = true; v.addEventListener('playing',"
                  " () => { v.dataset.playedAt = String(v.currentTime); }, {once: true});"
                  " return v.play(); }")
    played_at = float(page.wait_for_function(f"() => {video}.dataset.playedAt").json_value())
    assert START_S <= played_at < START_S + 0.5, played_at
    page.wait_for_function(f"() => !{video}.paused && {video}.currentTime > {played_at}")
    buffer_through(page, video)

    # Arrow keys move between items; the item timer starts again.
    page.keyboard.press("ArrowRight")
    expect(page.locator("#plc-position")).to_have_text("Item 2 of 3")
    expect(page.locator("#plc-item-2")).to_be_visible()
    expect(page.locator("#plc-item-1")).to_be_hidden()
    assert page.evaluate(f"() => {video}.paused")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#plc-position")).to_have_text("Item 1 of 3")
    expect(page.locator("#meeting-timer")).not_to_have_text("")

    # The printable agenda.
    page.get_by_role("link", name="Exit PLC mode").click()
    page.get_by_role("link", name="Printable agenda").click()
    expect(page.locator(".agenda-item").first).to_contain_text("0:01–0:06")
    expect(page.locator(".agenda-item").first).to_contain_text("What do students do when they finish?")
    assert_accessible(page)
    # Each clip's link is printed with a QR code that a phone camera reads back as that link.
    first_item = page.locator(".agenda-item").first
    link = first_item.locator(".agenda-link a").get_attribute("href")
    assert re.search(r"/videos/\d+\?t=1$", link), link
    assert read_qr(page, first_item.locator("svg.agenda-qr")) == link


# Draws the QR code's SVG on a canvas four times larger and hands back its grey levels, for
# zxing-cpp (a real QR decoder) to read: what a camera would see on the printed page.
_QR_PIXELS = """async svg => {
  const image = new Image();
  image.src = 'data:image/svg+xml;base64,' + btoa(new XMLSerializer().serializeToString(svg));
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.width * 4; canvas.height = image.height * 4;
  const context = canvas.getContext('2d');
  context.fillStyle = '#fff'; context.fillRect(0, 0, canvas.width, canvas.height);
  context.imageSmoothingEnabled = false;
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  const rgba = context.getImageData(0, 0, canvas.width, canvas.height).data;
  const grey = [];
  for (let i = 0; i < rgba.length; i += 4) grey.push(rgba[i]);
  return {width: canvas.width, height: canvas.height, grey};
}"""


def read_qr(page, svg_locator) -> str:
    import numpy
    import zxingcpp

    pixels = svg_locator.evaluate(_QR_PIXELS)
    image = numpy.array(pixels["grey"], dtype=numpy.uint8).reshape(pixels["height"],
                                                                    pixels["width"])
    [code] = zxingcpp.read_barcodes(image)
    return code.text
