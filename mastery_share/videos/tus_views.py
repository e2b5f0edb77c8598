"""The tus 1.0 endpoint at /api/v1/uploads: core, creation and termination.

tus is its own documented protocol (tus.io), so these views speak it directly rather than
through the OpenAPI schemas; errors still use the JSON error shape.
"""
from __future__ import annotations

import base64
import binascii

from flask import Blueprint, Response, current_app, g, request, url_for

from ..api.auth import member_required
from ..errors import DomainError, Invalid, UnsupportedMediaType, json_error
from ..text_fields import text_problem
from .request_body import request_body
from .uploads import (
    append_chunk,
    create_upload,
    get_upload,
    max_upload_bytes,
    terminate_upload,
    upload_offset,
)

bp = Blueprint("tus", __name__, url_prefix="/api/v1/uploads")
TUS_VERSION = "1.0.0"


@bp.after_request
def tus_headers(response: Response) -> Response:
    response.headers["Tus-Resumable"] = TUS_VERSION
    response.headers["Cache-Control"] = "no-store"
    response.headers["Access-Control-Expose-Headers"] = (
        "Location, Upload-Offset, Upload-Length, Tus-Resumable, Tus-Version, Tus-Max-Size"
    )
    return response


@bp.errorhandler(DomainError)
def domain_error(error: DomainError):
    return json_error(error.status, error.message, error.code, error.fields)


def _require_tus_version():
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        response = json_error(412, "Send the header Tus-Resumable: 1.0.0.", "precondition_failed")
        response.headers["Tus-Version"] = TUS_VERSION
        return response
    return None


def _int_header(name: str) -> int | None:
    raw = request.headers.get(name)
    if raw is None:
        return None
    if not raw.isdigit():
        raise Invalid(f"{name} must be a whole number.")
    return int(raw)


def parse_metadata(header: str | None) -> dict[str, str]:
    """Upload-Metadata: comma-separated `key base64value` pairs."""
    metadata: dict[str, str] = {}
    for pair in (header or "").split(","):
        key, _, encoded = pair.strip().partition(" ")
        if not key:
            continue
        try:
            metadata[key] = base64.b64decode(encoded, validate=True).decode("utf-8") if encoded else ""
        except (binascii.Error, UnicodeDecodeError) as error:
            raise Invalid(f"Upload-Metadata value for {key!r} is not valid base64.") from error
        # The filename is stored and shown: one line, and no NUL (PostgreSQL refuses it).
        if problem := text_problem(metadata[key]):
            raise Invalid(f"Upload-Metadata value for {key!r}: {problem}")
    return metadata


@bp.route("", methods=["OPTIONS"])
def options():
    response = Response(status=204)
    response.headers["Tus-Version"] = TUS_VERSION
    response.headers["Tus-Extension"] = "creation,termination"
    response.headers["Tus-Max-Size"] = str(max_upload_bytes())
    return response


@bp.route("", methods=["POST"])
@member_required
def create():
    if (problem := _require_tus_version()) is not None:
        return problem
    length = _int_header("Upload-Length")
    if length is None:
        raise Invalid("Send Upload-Length with the size of the file in bytes.")
    metadata = parse_metadata(request.headers.get("Upload-Metadata"))
    upload = create_upload(g.api_user, length, filename=metadata.get("filename", ""),
                           filetype=metadata.get("filetype", ""))
    response = Response(status=201)
    response.headers["Location"] = url_for("tus.resource", upload_id=upload.id, _external=True)
    response.headers["Upload-Offset"] = "0"
    return response


@bp.route("/<upload_id>", methods=["HEAD"])
@member_required
def resource(upload_id: str):
    if (problem := _require_tus_version()) is not None:
        return problem
    upload = get_upload(g.api_user, upload_id)
    response = Response(status=200)
    response.headers["Upload-Offset"] = str(upload_offset(upload))
    response.headers["Upload-Length"] = str(upload.length)
    return response


@bp.route("/<upload_id>", methods=["PATCH"])
@member_required
def patch(upload_id: str):
    if (problem := _require_tus_version()) is not None:
        return problem
    if request.mimetype != "application/offset+octet-stream":
        raise UnsupportedMediaType("Send the chunk as application/offset+octet-stream.")
    offset = _int_header("Upload-Offset")
    if offset is None:
        raise Invalid("Send Upload-Offset.")
    body = request_body(request.environ, request.stream,
                        current_app.config["UPLOAD_IDLE_TIMEOUT_S"])
    new_offset = append_chunk(g.api_user, upload_id, offset, body, request.content_length)
    response = Response(status=204)
    response.headers["Upload-Offset"] = str(new_offset)
    return response


@bp.route("/<upload_id>", methods=["DELETE"])
@member_required
def delete(upload_id: str):
    if (problem := _require_tus_version()) is not None:
        return problem
    terminate_upload(g.api_user, upload_id)
    return Response(status=204)
