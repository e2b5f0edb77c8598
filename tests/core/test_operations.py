"""Readiness names the part that failed; every request has an id, echoed in the header, on
error pages, in API errors and on its log lines."""
from __future__ import annotations

import json
import logging

from mastery_share.request_ids import JsonFormatter, RequestIdFilter
from mastery_share.worker_state import PAUSED, WorkerState, write_worker_state


def test_ready_when_every_part_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "queue", "storage", "search", "worker"}
    assert response.headers["Cache-Control"] == "no-store"


def test_a_paused_worker_makes_the_server_not_ready_and_says_so(app, client):
    write_worker_state(app.config["DATA_DIR"], WorkerState(PAUSED, reason="crashed 3 times"))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["failed"] == "worker"
    assert "processing is paused: crashed 3 times" in response.json["checks"]["worker"]
    assert client.get("/healthz").status_code == 200  # alive all the same


def test_a_media_store_that_cannot_be_reached_is_named(app, client):
    from botocore.config import Config

    from mastery_share.media.storage.s3 import S3Storage
    from tests.conftest import free_port

    # An S3 endpoint nobody listens on: the store is down.
    import boto3

    endpoint = f"http://127.0.0.1:{free_port()}"
    unreachable = boto3.session.Session().client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="x",
        aws_secret_access_key="y", config=Config(retries={"max_attempts": 1},
                                                 connect_timeout=2))
    app.extensions["media_storage"] = S3Storage("media", endpoint_url=endpoint,
                                                client=unreachable)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json["failed"] == "storage"
    assert response.json["checks"]["database"] == "ok"


def test_every_response_carries_a_request_id_and_errors_show_it(client):
    page = client.get("/no-such-page")
    request_id = page.headers["X-Request-ID"]
    assert len(request_id) == 32
    assert f"<code>{request_id}</code>" in page.get_data(as_text=True)
    api = client.get("/api/v1/me")
    assert api.json["error"]["request_id"] == api.headers["X-Request-ID"]
    kept = client.get("/healthz", headers={"X-Request-ID": "proxy-abc-12345"})
    assert kept.headers["X-Request-ID"] == "proxy-abc-12345"
    forged = client.get("/healthz", headers={"X-Request-ID": 'x" level=ERROR'})
    assert forged.headers["X-Request-ID"] != 'x" level=ERROR'


def test_a_request_refused_before_any_view_still_has_its_reference(client):
    """A form without its CSRF token and text no view could store are refused before the
    request's own hooks run: their answers carry the id all the same."""
    expired = client.post("/sign-in", data={"email": "a@example.org", "password": "b"})
    assert expired.status_code == 400
    request_id = expired.headers["X-Request-ID"]
    assert len(request_id) == 32
    assert f"<code>{request_id}</code>" in expired.get_data(as_text=True)
    not_text = client.get("/api/v1/search?q=%00")
    assert not_text.status_code == 400
    assert not_text.json["error"]["request_id"] == not_text.headers["X-Request-ID"]
    kept = client.post("/sign-in", data="email=%00", headers={"X-Request-ID": "proxy-abc-67890"},
                       content_type="application/x-www-form-urlencoded")
    assert kept.status_code == 400 and kept.headers["X-Request-ID"] == "proxy-abc-67890"
    assert "<code>proxy-abc-67890</code>" in kept.get_data(as_text=True)


def test_json_log_lines_carry_the_request_id(app):
    record = logging.LogRecord("mastery_share", logging.ERROR, __file__, 1, "Booking failed",
                               None, None)
    with app.test_request_context("/visits/4", headers={"X-Request-ID": "req-12345678"}):
        app.preprocess_request()
        RequestIdFilter().filter(record)
        line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "req-12345678" and line["message"] == "Booking failed"
    assert (line["method"], line["path"], line["level"]) == ("GET", "/visits/4", "ERROR")
