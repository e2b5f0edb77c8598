"""Domain errors raised by services, and the one place that turns them into responses.

API requests get `{"error": {"code", "message", "fields"}}` with the right status; pages get
a friendly error page. Form views catch `Invalid` themselves to re-render the form.
"""
from __future__ import annotations

from flask import Flask, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Invalid(DomainError):
    status = 422
    code = "invalid"


class TooLarge(DomainError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"


class InsufficientStorage(DomainError):
    status = 507
    code = "insufficient_storage"


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
    507: "insufficient_storage",
}


def json_error(status: int, message: str, code: str | None = None, fields: dict | None = None):
    from .request_ids import current_request_id

    body = {"error": {"code": code or _HTTP_CODES.get(status, "error"), "message": message}}
    if current_request_id():
        body["error"]["request_id"] = current_request_id()
    if fields:
        body["error"]["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def wants_json() -> bool:
    return request.path.startswith("/api/")


def _page(status: int, message: str):
    return render_template("errors/error.html", status=status, message=message), status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
        if wants_json():
            return json_error(error.status, error.message, error.code, error.fields)
        return _page(error.status, error.message)

    @app.errorhandler(CSRFError)
    def handle_csrf_error(error: CSRFError):
        message = ("This form expired or was not sent from Mastery Share. "
                   "Go back, reload the page and send it again; nothing was changed.")
        if wants_json():
            return json_error(400, message, code="csrf_failed")
        return _page(400, message)

    @app.errorhandler(HTTPException)
    def handle_http_exception(error: HTTPException):
        status = error.code or 500
        message = _friendly_message(error)
        if wants_json():
            response = json_error(status, message, fields=_validation_fields(error))
        else:
            response = make_response(_page(status, message))
        # The exception's own headers (a 405's Allow: the methods that would work).
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)  # with its request id
        message = "Something went wrong on our side. It has been logged; please try again."
        if wants_json():
            return json_error(500, message, code="internal_error")
        return _page(500, message)


def _friendly_message(error: HTTPException) -> str:
    data = getattr(error, "data", None) or {}
    if data.get("message"):
        return data["message"]
    if error.code == 422:
        return "Some fields are not valid."
    if error.code == 429:
        return "Too many attempts. Please wait a few minutes and try again."
    if error.code == 404:
        return "We could not find that page."
    return error.description or error.name


def _validation_fields(error: HTTPException) -> dict | None:
    """webargs puts marshmallow's messages in error.data['messages'] keyed by location."""
    messages = (getattr(error, "data", None) or {}).get("messages")
    if not messages:
        return None
    fields: dict[str, str] = {}
    for by_field in messages.values():
        if not isinstance(by_field, dict):
            continue
        for name, problems in by_field.items():
            fields[name] = "; ".join(_flatten(problems))
    return fields or None


def _flatten(problems) -> list[str]:
    if isinstance(problems, str):
        return [problems]
    if isinstance(problems, dict):
        return [f"{key}: {text}" for key, value in problems.items() for text in _flatten(value)]
    return [text for item in problems for text in _flatten(item)]
