"""Helpers for the tries API tests: bearer headers, the error shape, a collection, and a
video shared through POST /api/v1/videos with a real clip."""
from __future__ import annotations

from mastery_share.accounts.api_tokens import issue_api_token
from mastery_share.collections.curation import create_collection
from mastery_share.collections.items import add_item
from mastery_share.extensions import db
from tests.videos.conftest import DETAILS


def bearer(user) -> dict:
    """Headers with a fresh token of `user` (issued by the service: the password route is
    covered by tests/api)."""
    secret, _ = issue_api_token(user)
    return {"Authorization": f"Bearer {secret}"}


def error_of(response, status: int, code: str | None = None) -> dict:
    """The JSON error body, after checking the status and the shape."""
    assert response.status_code == status, response.get_data(as_text=True)
    error = response.json["error"]
    assert isinstance(error["message"], str) and error["message"]
    if code:
        assert error["code"] == code
    return error


def collection_of(curator, videos, **details):
    """A collection curated by `curator` with one item per video (items loaded)."""
    collection = create_collection(curator, {"title": "Flexible grouping PLC",
                                             "visibility": "school", **details})
    for video in videos:
        add_item(curator, collection.id, {"video_id": video.id})
    db.session.expire_all()
    return collection


def post_video(client, user, clip, **fields):
    """POST /api/v1/videos as multipart with the clip and DETAILS (overridden by fields)."""
    details = {**DETAILS, **fields}
    data = {key: ("true" if value is True else str(value)) for key, value in details.items()
            if key != "practices"}
    data["practices"] = list(details["practices"])
    with open(clip, "rb") as handle:
        data["file"] = (handle, clip.name, "video/mp4")
        return client.post("/api/v1/videos", headers=bearer(user), data=data,
                           content_type="multipart/form-data")
