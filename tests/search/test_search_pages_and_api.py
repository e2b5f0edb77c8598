"""The search page and GET /api/v1/search: what a member sees and what a client gets."""
from __future__ import annotations

import re

import pytest

from mastery_share.search.engine import search_backend
from mastery_share.search.postgres.backend import PostgresBackend
from tests.conftest import PASSWORD, sign_in
from tests.search.conftest import marks, postgres_only, whoosh_only, written_in_vtt

ODD = ['"unbalanced', "AND OR NOT", "(((", "title:", "*", "école 数学 🍎", "[a TO",
       "grouping^999999999999", "%", "\\", "a" * 5000]


@pytest.fixture
def library(ready_video, teacher, make_user, other_school):
    ready_video(teacher, title="Exit tickets <every> day", description="Quick checks at the door.",
                practices=["data-driven-instruction"], subject="Math",
                captions=[(42, "Exit tickets tell me who needs a small group"),
                          (125, "Hand me your exit ticket on the way out")])
    ready_video(teacher, title="Small groups at the carpet", practices=["flexible-grouping"],
                grade_band="K-2", subject="English language arts")
    stranger = make_user("teacher", school_=other_school)
    ready_video(stranger, title="Exit tickets in our school only", visibility="school")


@pytest.fixture
def token(client, teacher) -> str:
    response = client.post("/api/v1/tokens", auth=(teacher.email, PASSWORD))
    assert response.status_code == 201
    return response.get_json()["token"]


def api_search(client, token, **params):
    return client.get("/api/v1/search", query_string=params,
                      headers={"Authorization": f"Bearer {token}"})


def test_the_page_lists_ranked_results_with_snippets_moments_and_facets(
        client, teacher, library):
    sign_in(client, teacher)
    response = client.get("/search?q=exit+tickets")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 video for" in page
    assert "<mark" in page and "&lt;every&gt;" in page and "<every>" not in page
    video_id = re.search(r'href="/videos/(\d+)"', page).group(1)
    # Each moment links to its second, the searched words marked in what is said.
    assert (f'href="/videos/{video_id}?t=42">0:42 — <mark>Exit</mark> <mark>tickets</mark> '
            "tell me") in marks(page)
    assert (f'href="/videos/{video_id}?t=125">2:05 — Hand me your <mark>exit</mark> '
            "<mark>ticket</mark> on the way out") in marks(page)
    assert "Data-driven instruction" in page  # the practice facet, by name
    assert "in our school only" not in page
    assert 'href="/search" aria-current="page"' in page or 'aria-current="page"' in page


def test_a_script_said_in_a_caption_is_shown_as_text_on_the_page_and_in_the_api(
        client, teacher, token, ready_video):
    said = '<script>alert("tickets")</script> <img src=x onerror=alert(1)> tickets'
    ready_video(teacher, title="Odd captions", captions=[(3, written_in_vtt(said))])
    sign_in(client, teacher)
    page = client.get("/search?q=tickets").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;<mark" in page
    hit = api_search(client, token, q="tickets").get_json()["results"][0]["caption_hits"][0]
    assert hit["text"] == said
    assert "<script" not in hit["html"] and "<img" not in hit["html"]
    assert marks(hit["html"]).endswith("&gt; <mark>tickets</mark>")


def test_facet_links_filter_the_results(client, teacher, library):
    sign_in(client, teacher)
    page = client.get("/search").get_data(as_text=True)
    link = re.search(r'href="(/search\?practice=flexible-grouping)"', page)
    assert link, page
    filtered = client.get(link.group(1)).get_data(as_text=True)
    assert "Small groups at the carpet" in filtered and "Exit tickets" not in filtered
    assert 'aria-current="true"' in filtered


def test_a_misspelt_search_offers_a_did_you_mean_link(client, teacher, library):
    sign_in(client, teacher)
    page = client.get("/search?q=tickts").get_data(as_text=True)
    assert "Did you mean" in page and 'href="/search?q=tickets"' in page


def test_no_results_shows_tips(client, teacher, library):
    sign_in(client, teacher)
    page = client.get("/search?q=xylophone").get_data(as_text=True)
    assert "No videos you can watch match this search" in page
    assert "flexible grouping" in page


def test_pages_are_linked_with_the_current_one_marked(client, teacher, ready_video):
    for number in range(14):
        ready_video(teacher, title=f"Math talk {number}")
    sign_in(client, teacher)
    page = client.get("/search?q=math+talk&page=2").get_data(as_text=True)
    assert "14 videos" in page
    assert 'aria-current="page">2</a>' in page
    assert 'href="/search?q=math+talk&amp;page=1"' in page


@whoosh_only  # refused before any backend is asked
def test_the_search_page_needs_a_sign_in(client):
    response = client.get("/search?q=x")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("text", ODD)
def test_odd_text_on_the_page_never_errors(client, teacher, library, text):
    sign_in(client, teacher)
    for sort in ("relevance", "newest", "nonsense"):
        response = client.get("/search", query_string={"q": text, "sort": sort, "page": "x"})
        assert response.status_code == 200, text


def test_the_api_answers_in_the_documented_shape(client, token, library):
    response = api_search(client, token, q="exit tickets")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) >= {"total", "page", "results", "facets", "suggestion"}
    assert body["total"] == 1 and body["page"] == 1
    result = body["results"][0]
    assert result["video"]["title"] == "Exit tickets <every> day"
    assert result["score"] > 0
    assert "<mark" in result["highlights"]["title"]
    assert [{**hit, "html": marks(hit["html"])} for hit in result["caption_hits"]] == [
        {"start_s": 42.0, "text": "Exit tickets tell me who needs a small group",
         "html": "<mark>Exit</mark> <mark>tickets</mark> tell me who needs a small group"},
        {"start_s": 125.0, "text": "Hand me your exit ticket on the way out",
         "html": "Hand me your <mark>exit</mark> <mark>ticket</mark> on the way out"}]
    assert set(body["facets"]) == {"practice", "school", "grade_band", "subject", "level"}
    assert body["facets"]["practice"] == {"data-driven-instruction": 1}


def test_the_api_filters_sorts_and_pages(client, token, library, school):
    body = api_search(client, token, school=school.id, grade_band="K-2").get_json()
    assert [r["video"]["title"] for r in body["results"]] == ["Small groups at the carpet"]
    newest = api_search(client, token, sort="newest", per_page=1, page=2).get_json()
    assert newest["total"] == 2 and len(newest["results"]) == 1
    assert newest["results"][0]["video"]["title"] == "Exit tickets <every> day"


def test_the_api_suggests_a_correction(client, token, library):
    assert api_search(client, token, q="tickts").get_json()["suggestion"] == "tickets"


@pytest.mark.parametrize("text", ODD[:-1])
def test_odd_text_in_the_api_never_errors(client, token, library, text):
    response = api_search(client, token, q=text)
    assert response.status_code == 200, response.get_data(as_text=True)


@whoosh_only  # refused before any backend is asked
@pytest.mark.parametrize("params", [{"q": "a" * 5000}, {"per_page": 51}, {"page": 0},
                                    {"page": 2**31}, {"sort": "oldest"}, {"school": "x"},
                                    {"grade_band": "13"}])
def test_the_api_rejects_out_of_range_arguments_with_a_clear_message(client, token, params):
    response = api_search(client, token, **params)
    assert response.status_code == 422
    assert response.get_json()["error"]["message"]


def test_the_api_pages_past_the_end_are_empty_not_errors(client, token, library):
    body = api_search(client, token, page=2**31 - 1, per_page=50).get_json()
    assert body["results"] == [] and body["total"] == 2


@whoosh_only  # refused before any backend is asked
def test_the_api_needs_a_token(client):
    assert client.get("/api/v1/search?q=x").status_code == 401


@postgres_only
def test_the_api_on_postgres_search_finds_moments_counts_facets_and_hides_private_videos(
        app, client, token, library, ready_video, make_user, school, other_school):
    assert app.config["SEARCH"] == "postgres" and isinstance(search_backend(), PostgresBackend)
    neighbour = make_user("teacher", school_=other_school)
    ready_video(neighbour, title="Exit tickets draft", visibility="private",
                description="Quillwork exit slips.", practices=["data-driven-instruction"],
                captions=[(7, "exit tickets I am still trying out")])
    body = api_search(client, token, q="exit tickets").get_json()
    assert body["total"] == 1
    assert [result["video"]["title"] for result in body["results"]] == [
        "Exit tickets <every> day"]
    first = body["results"][0]["caption_hits"][0]
    assert (first["start_s"], first["text"]) == (42.0,
                                                 "Exit tickets tell me who needs a small group")
    assert body["facets"]["practice"] == {"data-driven-instruction": 1}
    assert body["facets"]["school"] == {str(school.id): 1}
    # Not even a word only the private video has is found, counted or suggested.
    for text in ("quillwork", "quilwork", "draft"):
        hidden = api_search(client, token, q=text).get_json()
        assert (hidden["total"], hidden["results"], hidden["suggestion"]) == (0, [], None), text
    everything = api_search(client, token).get_json()
    assert "Exit tickets draft" not in [r["video"]["title"] for r in everything["results"]]
    assert sum(everything["facets"]["school"].values()) == everything["total"] == 2
