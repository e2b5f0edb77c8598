"""POST /api/v1/videos as multipart with `requests`, and the rest of the videos API."""
import pytest
import requests

from tests.conftest import PASSWORD
from tests.videos.conftest import DETAILS


def _token(live_server, user) -> str:
    return requests.post(f"{live_server.url}/api/v1/tokens", auth=(user.email, PASSWORD),
                         timeout=10).json()["token"]


@pytest.fixture
def auth(live_server, teacher):
    return {"Authorization": f"Bearer {_token(live_server, teacher)}"}


def _multipart(live_server, auth, path, **overrides):
    fields = {**DETAILS, **overrides}
    data = [(key, value) for key, value in fields.items() if key != "practices"]
    data += [("practices", slug) for slug in fields["practices"]]
    data = [(key, "true" if value is True else value) for key, value in data]
    with open(path, "rb") as handle:
        return requests.post(f"{live_server.url}/api/v1/videos", headers=auth, data=data,
                             files={"file": (path.name, handle, "video/mp4")}, timeout=60)


def test_multipart_post_returns_202_and_the_video_becomes_ready(live_server, auth, clips):
    response = _multipart(live_server, auth, clips.short)
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["owner"]["name"] and body["school"]["name"]
    video = requests.get(f"{live_server.url}/api/v1/videos/{body['id']}", headers=auth,
                         timeout=10).json()
    assert video["status"] == "ready"
    assert video["duration_s"] > 2
    rendition = video["renditions"][0]
    assert rendition["mime"] == "video/mp4" and rendition["bytes"] > 1000
    media = requests.get(rendition["url"], headers=auth, timeout=10)
    assert media.status_code == 200 and media.content[4:8] == b"ftyp"
    assert requests.get(video["poster_url"], headers=auth, timeout=10).headers[
        "Content-Type"] == "image/jpeg"


def test_missing_fields_are_422_with_every_field_named(live_server, auth, clips):
    response = _multipart(live_server, auth, clips.short, title="", practices=[],
                          media_release="false")
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert {"title", "practices", "release_tier"} <= set(fields)


def test_json_post_needs_a_finished_upload_of_mine(live_server, auth):
    response = requests.post(f"{live_server.url}/api/v1/videos", headers=auth, timeout=10,
                             json={**DETAILS, "upload_id": "0" * 32})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_malformed_json_is_a_clear_json_error(live_server, auth):
    response = requests.post(f"{live_server.url}/api/v1/videos", data="{not json", timeout=10,
                             headers={**auth, "Content-Type": "application/json"})
    assert response.status_code == 422
    assert "JSON" in response.json()["error"]["message"]


def test_other_content_types_are_415(live_server, auth):
    response = requests.post(f"{live_server.url}/api/v1/videos", data="hello", timeout=10,
                             headers={**auth, "Content-Type": "text/plain"})
    assert response.status_code == 415


def test_list_edit_captions_and_delete(live_server, auth, clips, tmp_path):
    created = _multipart(live_server, auth, clips.short).json()
    url = f"{live_server.url}/api/v1/videos/{created['id']}"
    listing = requests.get(f"{live_server.url}/api/v1/videos", headers=auth, timeout=10,
                           params={"practice": "flexible-grouping"}).json()
    assert listing["total"] == 1 and listing["items"][0]["id"] == created["id"]
    assert requests.get(f"{live_server.url}/api/v1/videos", headers=auth, timeout=10,
                        params={"practice": "goal-setting"}).json()["total"] == 0

    edited = requests.patch(url, headers=auth, json={"title": "Renamed", "visibility": "school"},
                            timeout=10)
    assert edited.status_code == 200 and edited.json()["title"] == "Renamed"
    bad = requests.patch(url, headers=auth, json={"visibility": "everyone"}, timeout=10)
    assert bad.status_code == 422 and "visibility" in bad.json()["error"]["fields"]

    srt = tmp_path / "captions.srt"
    srt.write_text("1\n00:00:00,500 --> 00:00:02,000\nWelcome to our math centers.\n")
    with open(srt, "rb") as handle:
        captioned = requests.put(f"{url}/captions", headers=auth, timeout=10,
                                 files={"captions": ("captions.srt", handle)})
    assert captioned.status_code == 200, captioned.text
    vtt = requests.get(captioned.json()["captions_url"], headers=auth, timeout=10).text
    assert vtt.startswith("WEBVTT") and "Welcome to our math centers." in vtt

    assert requests.delete(url, headers=auth, timeout=10).status_code == 204
    assert requests.get(url, headers=auth, timeout=10).status_code == 404


def test_a_colleague_cannot_edit_or_delete_my_video(live_server, auth, clips, make_user):
    created = _multipart(live_server, auth, clips.short).json()
    other = {"Authorization": f"Bearer {_token(live_server, make_user('teacher'))}"}
    url = f"{live_server.url}/api/v1/videos/{created['id']}"
    assert requests.get(url, headers=other, timeout=10).status_code == 200  # district-visible
    assert requests.patch(url, headers=other, json={"title": "Mine now"}, timeout=10).status_code == 403
    assert requests.delete(url, headers=other, timeout=10).status_code == 403
