"""The pages a teacher uses most run a fixed number of SQL statements, whatever the number
of videos, owners and schools behind them: a district of 15 videos by 15 teachers costs what
one of 3 does (the production benchmark's pages: home, /videos, search, a video, visits,
collections)."""
from __future__ import annotations

import pytest

from mastery_share.search.indexing import rebuild_index
from tests.collections.conftest import video_row
from tests.conftest import make_school, sign_in
from tests.query_count import statements_of_get

PAGES = ["/", "/videos", "/search?q=lesson", "/visits", "/collections"]


@pytest.fixture
def library(district, make_user):
    """add(count) -> that many more videos, each by a teacher of a school of their own."""
    made = []

    def add(count: int):
        for _ in range(count):
            number = len(made) + 1
            school = make_school(district, f"School {number}", "America/Chicago")
            owner = make_user("teacher", school_=school, name=f"Teacher {number}")
            made.append(video_row(owner, title=f"A lesson on groups {number}"))
        rebuild_index()
        return made

    return add


@pytest.mark.parametrize("path", [*PAGES, "video"])
def test_a_page_costs_the_same_for_3_videos_or_15(client, teacher, library, path):
    videos = library(3)
    sign_in(client, teacher)
    page = f"/videos/{videos[0].id}" if path == "video" else path
    client.get(page)  # first request of the app: caches warmed
    few = statements_of_get(client, page)
    library(12)
    many = statements_of_get(client, page)
    assert many == few, f"{page}: {few} statements with 3 videos, {many} with 15"


@pytest.mark.parametrize("path", ["/videos", "/search?q=lesson"])
def test_listing_pages_read_no_renditions_and_the_api_lists_them(client, teacher, library,
                                                                  path):
    """A card shows no rendition: the pages skip loading them (a query and a dozen rows
    each); the API's lists of the same videos give each its playable renditions."""
    from mastery_share.extensions import db
    from mastery_share.videos.models import Rendition
    from tests.conftest import bearer_headers
    from tests.query_count import statement_texts_of_get

    video = library(3)[0]
    db.session.add(Rendition(video_id=video.id, label="360p", width=640, height=360,
                             method="encode", status="ready",
                             storage_key=f"{video.media_prefix}360p.mp4", bytes=1000,
                             mime="video/mp4"))
    db.session.commit()
    sign_in(client, teacher)
    client.get(path)
    statements = statement_texts_of_get(client, path)
    assert not [sql for sql in statements if "FROM renditions" in sql], statements
    assert "on groups 1<" in client.get(path).get_data(as_text=True)
    listed = client.get(f"/api/v1{path}", headers=bearer_headers(client, teacher)).get_json()
    videos = listed.get("items") or [result["video"] for result in listed["results"]]
    assert [r["label"] for each in videos if each["id"] == video.id
            for r in each["renditions"]] == ["360p"]
