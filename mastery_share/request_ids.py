"""A request id on every request: echoed in the X-Request-ID header, written on every log line
of the request, shown on error pages and in API errors, so a teacher's "it said reference
3f2a…" finds the log lines. Logs are JSON lines when MASTERY_LOG_FORMAT=json (production's
default), plain text otherwise.
"""
from __future__ import annotations

import json
import logging
import re
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

# A proxy's id is kept when it looks like one (no spaces or quotes to forge log lines with).
_ACCEPTED = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def current_request_id() -> str | None:
    """This request's id, made on first use: a request refused before any before_request
    function ran (a bad CSRF token, text no view could store) still has one to show."""
    if not has_request_context():
        return None
    if "request_id" not in g:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _ACCEPTED.match(incoming) else uuid.uuid4().hex
    return g.request_id


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, and the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                 "level": record.levelname, "logger": record.name,
                 "message": record.getMessage(),
                 "request_id": getattr(record, "request_id", "-")}
        if has_request_context():
            entry["method"], entry["path"] = request.method, request.path
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def register_request_ids(app: Flask) -> None:
    @app.after_request
    def echo_request_id(response):
        if current_request_id():
            response.headers["X-Request-ID"] = current_request_id()
        return response

    @app.context_processor
    def request_id_in_templates():
        return {"request_id": current_request_id()}

    _configure_logging(app)


def _configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    if app.config.get("LOG_FORMAT") == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    # The app's own logger: replaces Flask's default handler, once per app.
    app.logger.handlers = [handler]
    app.logger.propagate = False
    if not app.debug:
        app.logger.setLevel(logging.INFO)
