"""The API reads JSON bodies: a body of another type is told so (415, in the error shape),
not read as an empty body and answered with a list of missing fields."""
from __future__ import annotations

from tests.collections.conftest import video_row
from tests.conftest import bearer_headers


def test_a_body_that_is_not_json_is_415_with_what_to_send(client, make_user):
    coach = make_user("coach", name="Casey Coach")
    video = video_row(coach, title="Exit tickets")
    headers = bearer_headers(client, coach)
    for method, path in (("POST", "/api/v1/collections"), ("PATCH", f"/api/v1/videos/{video.id}")):
        for content_type, body in (("text/plain", '{"title": "PLC week 1"}'),
                                   ("application/x-www-form-urlencoded", "title=PLC+week+1")):
            answer = client.open(path, method=method, data=body, headers=headers,
                                 content_type=content_type)
            assert answer.status_code == 415, (method, path, content_type, answer.json)
            assert answer.json["error"]["code"] == "unsupported_media_type"
            assert "application/json" in answer.json["error"]["message"]
            assert answer.json["error"]["request_id"] == answer.headers["X-Request-ID"]
    made = client.post("/api/v1/collections", headers=headers,
                       json={"title": "PLC week 1", "visibility": "school"})
    assert made.status_code == 201, made.json
    # A POST without a body (a booking, a token) is not a body of the wrong type.
    assert client.post("/api/v1/tokens", headers=headers).status_code != 415


def test_a_method_the_address_does_not_take_is_405_naming_the_ones_it_does(client, teacher):
    from tests.conftest import bearer_headers, sign_in

    answer = client.delete("/api/v1/me", headers=bearer_headers(client, teacher))
    assert answer.status_code == 405
    assert answer.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in {method.strip() for method in answer.headers["Allow"].split(",")}
    sign_in(client, teacher)
    page = client.put("/videos")
    assert page.status_code == 405 and "GET" in page.headers["Allow"]
