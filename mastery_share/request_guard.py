"""One check, before any view, of what no view can store or parse: a clear 400 instead of a 500.

- JSON nested deeper than any request of ours (Python's parser recurses: ~5,000 `[` crash it),
- a lone surrogate half (`"\\ud800"` in JSON, `%ED%A0%80` in a form or query string: not text,
  and neither SQLite nor PostgreSQL stores it), and bytes that are not UTF-8 at all,
- NUL, which PostgreSQL refuses in every text column and every query parameter,

in JSON bodies, form fields and file names, query strings, the path and credentials. Which
other control characters a field may hold is the field's rule (text_fields.py), checked with
a message on the form or in the API's `fields`.
"""
from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from flask import Flask, abort, current_app, request

MAX_JSON_DEPTH = 32  # our deepest body (a slot with a list of ids) is 2 levels
_NOT_STORABLE = re.compile(r"[\x00\ud800-\udfff]")

NOT_TEXT = ("The request contains characters that are not valid text (a NUL character or "
            "broken Unicode). Remove them and try again.")
TOO_DEEP = f"The JSON body is nested too deeply (at most {MAX_JSON_DEPTH} levels)."


def register_request_guard(app: Flask) -> None:
    # First of all before_request functions: the raw form body can be read only before the
    # CSRF check parses it (werkzeug keeps no copy of a body it parsed).
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_unstorable_input)


def refuse_unstorable_input() -> None:
    """400 for a request whose text no view could store; nothing else is judged here."""
    if "\x00" in request.path or not _is_text(request.query_string) or _bad_credentials():
        abort(400, description=NOT_TEXT)
    if request.is_json:
        _check_json()
    elif request.mimetype == "application/x-www-form-urlencoded":
        # A body past the form size limit is refused (413) when the form is parsed: only a
        # body within it is read whole here.
        limit = request.max_form_memory_size
        if (limit is None or (request.content_length or 0) <= limit) and not _is_text(
                request.get_data(cache=True)):
            abort(400, description=NOT_TEXT)
        _check_strings(request.form.items(multi=True))
    elif request.mimetype == "multipart/form-data" and not _is_upload_too_large():
        _check_strings(request.form.items(multi=True))
        _check_strings((name, file.filename or "")
                       for name, file in request.files.items(multi=True))


def _is_text(encoded: bytes) -> bool:
    """Whether a query string or urlencoded body decodes to UTF-8 without NUL.

    Werkzeug keeps undecodable escapes as literal "%ED%A0%80" text, so the raw bytes are
    what tells a broken character from a member who typed a percent sign.
    """
    try:
        decoded = unquote_to_bytes(encoded.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return "\x00" not in decoded


def _bad_credentials() -> bool:
    """A Basic email or password (looked up, then hashed) or a bearer token with NUL."""
    auth = request.authorization
    if auth is None:
        return False
    values = [auth.token, *auth.parameters.values()]
    return any(_NOT_STORABLE.search(value) for value in values if isinstance(value, str))


def _check_json() -> None:
    try:
        # Python's parser recurses once per level: a deep body exhausts the stack first.
        body = request.get_json(silent=True)
    except RecursionError:
        abort(400, description=TOO_DEEP)
    if body is not None:
        _walk(body, 0)


def _walk(value, depth: int) -> None:
    if depth > MAX_JSON_DEPTH:
        abort(400, description=TOO_DEEP)
    if isinstance(value, str):
        if _NOT_STORABLE.search(value):
            abort(400, description=NOT_TEXT)
    elif isinstance(value, dict):
        for key, item in value.items():
            _walk(key, depth + 1)
            _walk(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _walk(item, depth + 1)


def _check_strings(pairs) -> None:
    for name, value in pairs:
        if _NOT_STORABLE.search(name) or _NOT_STORABLE.search(value):
            abort(400, description=NOT_TEXT)


def _is_upload_too_large() -> bool:
    """A body over the upload limit is refused by its view with 413 before it is read; the
    guard must not read it first."""
    limit = (current_app.config["MAX_UPLOAD_MB"] + 1) * 1024 * 1024
    return (request.content_length or 0) > limit
