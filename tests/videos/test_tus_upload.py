"""The tus endpoint driven by tuspy, a real client written by others, over real HTTP."""
import base64
import io

import pytest
import requests
from tusclient import client as tus_client
from tusclient.exceptions import TusCommunicationError

from tests.conftest import PASSWORD
from tests.videos.conftest import DETAILS
from tests.waiting import wait_until


@pytest.fixture
def token(live_server, teacher):
    response = requests.post(f"{live_server.url}/api/v1/tokens", auth=(teacher.email, PASSWORD),
                             timeout=10)
    return response.json()["token"]


def _client(live_server, token):
    return tus_client.TusClient(f"{live_server.url}/api/v1/uploads",
                                headers={"Authorization": f"Bearer {token}"})


def _finish_video(live_server, token, upload_url):
    upload_id = upload_url.rstrip("/").rsplit("/", 1)[1]
    return requests.post(f"{live_server.url}/api/v1/videos", timeout=60,
                         headers={"Authorization": f"Bearer {token}"},
                         json={**DETAILS, "upload_id": upload_id})


def test_tuspy_uploads_in_chunks_and_the_video_gets_processed(live_server, token, clips):
    with open(clips.short, "rb") as stream:
        uploader = _client(live_server, token).uploader(
            file_stream=stream, chunk_size=16 * 1024, metadata={"filename": "short.mp4"})
        uploader.upload()
    assert uploader.offset == clips.short.stat().st_size
    response = _finish_video(live_server, token, uploader.url)
    assert response.status_code == 202, response.text
    video = response.json()
    assert video["title"] == DETAILS["title"]
    assert video["practices"] == ["flexible-grouping", "center-time-accountability"] or \
        set(video["practices"]) == set(DETAILS["practices"])
    read = requests.get(f"{live_server.url}/api/v1/videos/{video['id']}", timeout=10,
                        headers={"Authorization": f"Bearer {token}"}).json()
    assert read["status"] == "ready"
    assert read["renditions"][0]["label"] == "360p"


def test_an_interrupted_upload_resumes_where_it_stopped(live_server, token, clips):
    data = clips.short.read_bytes()
    client = _client(live_server, token)
    first = client.uploader(file_stream=io.BytesIO(data), chunk_size=20 * 1024,
                            metadata={"filename": "short.mp4"})
    first.upload_chunk()
    first.upload_chunk()  # then the connection "drops": this client goes away
    sent = first.offset
    assert 0 < sent < len(data)

    # A new client (a reloaded tab) asks the server where to resume.
    resumed = client.uploader(file_stream=io.BytesIO(data), url=first.url, chunk_size=64 * 1024)
    assert resumed.get_offset() == sent
    resumed.upload()
    assert resumed.offset == len(data)
    assert _finish_video(live_server, token, first.url).status_code == 202


def test_bytes_sent_before_a_dropped_connection_are_kept(live_server, token, clips):
    """A PATCH cut off half-way keeps what arrived; HEAD reports exactly that."""
    import socket

    headers = {"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0"}
    data = clips.short.read_bytes()
    created = requests.post(f"{live_server.url}/api/v1/uploads", timeout=10, headers={
        **headers, "Upload-Length": str(len(data))})
    path = created.headers["Location"].split(str(live_server.port), 1)[1]
    half = len(data) // 2
    with socket.create_connection(("127.0.0.1", live_server.port)) as raw:
        raw.sendall((f"PATCH {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     f"Authorization: Bearer {token}\r\nTus-Resumable: 1.0.0\r\n"
                     f"Upload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\n"
                     f"Content-Length: {len(data)}\r\n\r\n").encode() + data[:half])
    def offset() -> int:
        head = requests.head(created.headers["Location"], headers=headers, timeout=10)
        return int(head.headers["Upload-Offset"])

    # The server writes what arrived in its own thread: wait for the offset, not a time.
    wait_until(lambda: offset() == half)
    assert offset() == half
    patch = requests.patch(created.headers["Location"], data=data[half:], timeout=10, headers={
        **headers, "Upload-Offset": str(half), "Content-Type": "application/offset+octet-stream"})
    assert patch.status_code == 204
    assert int(patch.headers["Upload-Offset"]) == len(data)


def test_options_advertise_version_extensions_and_max_size(live_server, app):
    response = requests.options(f"{live_server.url}/api/v1/uploads", timeout=10)
    assert response.status_code == 204
    assert response.headers["Tus-Version"] == "1.0.0"
    assert set(response.headers["Tus-Extension"].split(",")) == {"creation", "termination"}
    assert int(response.headers["Tus-Max-Size"]) == app.config["MAX_UPLOAD_MB"] * 1024 * 1024


def test_an_upload_over_the_limit_is_refused_with_413_before_any_byte(live_server, token, app):
    headers = {"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0",
               "Upload-Length": str(app.config["MAX_UPLOAD_MB"] * 1024 * 1024 + 1)}
    response = requests.post(f"{live_server.url}/api/v1/uploads", headers=headers, timeout=10)
    assert response.status_code == 413
    assert "limit" in response.json()["error"]["message"]


def test_wrong_offset_is_a_409_and_wrong_content_type_a_415(live_server, token):
    headers = {"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0"}
    created = requests.post(f"{live_server.url}/api/v1/uploads", timeout=10,
                            headers={**headers, "Upload-Length": "10"})
    url = created.headers["Location"]
    wrong = requests.patch(url, data=b"abc", timeout=10, headers={
        **headers, "Upload-Offset": "5", "Content-Type": "application/offset+octet-stream"})
    assert wrong.status_code == 409
    assert requests.patch(url, data=b"abc", timeout=10, headers={
        **headers, "Upload-Offset": "0", "Content-Type": "text/plain"}).status_code == 415


def test_termination_removes_the_upload(live_server, token):
    uploader = tus_client.TusClient(f"{live_server.url}/api/v1/uploads",
                                    headers={"Authorization": f"Bearer {token}"})
    headers = {"Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0"}
    created = requests.post(f"{live_server.url}/api/v1/uploads", timeout=10,
                            headers={**headers, "Upload-Length": "10",
                                     "Upload-Metadata": "filename " + base64.b64encode(b"a.mp4").decode()})
    url = created.headers["Location"]
    assert requests.delete(url, headers=headers, timeout=10).status_code == 204
    assert requests.head(url, headers=headers, timeout=10).status_code == 404
    assert uploader is not None


def test_another_member_cannot_see_or_resume_my_upload(live_server, token, make_user):
    other = make_user("teacher")
    other_token = requests.post(f"{live_server.url}/api/v1/tokens", timeout=10,
                                auth=(other.email, PASSWORD)).json()["token"]
    created = requests.post(f"{live_server.url}/api/v1/uploads", timeout=10, headers={
        "Authorization": f"Bearer {token}", "Tus-Resumable": "1.0.0", "Upload-Length": "10"})
    head = requests.head(created.headers["Location"], timeout=10, headers={
        "Authorization": f"Bearer {other_token}", "Tus-Resumable": "1.0.0"})
    assert head.status_code == 404


def test_uploads_need_a_token_or_a_session_with_csrf(live_server):
    response = requests.post(f"{live_server.url}/api/v1/uploads", timeout=10,
                             headers={"Tus-Resumable": "1.0.0", "Upload-Length": "10"})
    assert response.status_code == 401
    with pytest.raises(TusCommunicationError):
        tus_client.TusClient(f"{live_server.url}/api/v1/uploads").uploader(
            file_stream=io.BytesIO(b"0123456789"), chunk_size=4).upload()
