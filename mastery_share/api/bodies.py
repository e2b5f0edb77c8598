"""An API operation that reads a JSON body says so to a client that sent another type: 415
with what to send, rather than reading no body at all ("title: Missing data", a 422 that
points the wrong way). Operations that read files (a video, a captions file) are untouched."""
from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, current_app, request

from ..errors import json_error


def reads_json_body(view) -> bool:
    """Whether the view declares a JSON body (`@blp.arguments(..., location="json")`, the
    default), as flask-smorest records it for the OpenAPI document."""
    arguments = (getattr(view, "_apidoc", None) or {}).get("arguments") or {}
    return any(parameter.get("in") == "json" for parameter in arguments.get("parameters", ()))


def refuse_bodies_that_are_not_json(app: Flask, blueprint_names: Iterable[str]) -> None:
    """415 for a body that is not JSON sent to an operation of these blueprints that reads
    a JSON body."""
    names = frozenset(blueprint_names)

    @app.before_request
    def json_bodies_only():
        if request.blueprint not in names or request.is_json:
            return None
        has_body = (request.content_length or 0) > 0 or "chunked" in request.headers.get(
            "Transfer-Encoding", "").lower()
        if not has_body or not reads_json_body(current_app.view_functions.get(request.endpoint)):
            return None
        return json_error(415, "Send the body as JSON (Content-Type: application/json).")
