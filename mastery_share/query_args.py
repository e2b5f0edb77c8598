"""Numbers and dates read from a query string (or a form's ids), bounded before they reach
a query.

A URL is typed, pasted and fuzzed: `?page=99999999999999999999` overflows a database
integer, `?t=inf` is not a moment, `?week=9999-12-31` has no following week, and `int()`
refuses 5,000 digits or a "²". Every page view and signed media link reads such values
here, so one set of bounds holds everywhere (the API's schemas bound theirs with MAX_ID).
"""
from __future__ import annotations

import math
from datetime import date

from flask import abort, request

MAX_ID = 2**31 - 1  # database ids are 32-bit: a larger number cannot name anything
MAX_PAGE = 10_000
MAX_SECONDS = 24 * 3600.0  # no classroom video is longer than a day
YEARS = (2000, 2100)


def whole_number(value: str | None, *, maximum: int = MAX_ID) -> int | None:
    """The positive whole number written in `value` (ASCII digits only), or None when it is
    not one or is past `maximum`."""
    digits = (value or "").strip()
    if not (digits.isascii() and digits.isdigit()):
        return None
    digits = digits.lstrip("0")
    # Compared as text first: int() refuses strings of thousands of digits.
    if not digits or len(digits) > len(str(maximum)) or int(digits) > maximum:
        return None
    return int(digits)


def query_int(name: str, default: int | None = None, *, maximum: int = MAX_ID) -> int | None:
    """A positive whole number from ?name=; `default` when absent, empty, zero or not a
    number (as before); a number past `maximum` names nothing, so 404 like an id in a path."""
    value = request.args.get(name, "").strip()
    number = whole_number(value, maximum=maximum)
    if number is None and value.isascii() and value.isdigit() and value.strip("0"):
        abort(404)
    return default if number is None else number


def row_id(value) -> int:
    """`coerce=` for a form field naming a row (a school, a member, a video): the id, 0 for a
    select's "none"; ValueError (the field's own error) past MAX_ID, which would overflow the
    database's integer before any rule could answer."""
    text = "" if value is None else str(value).strip()
    if not text.strip("0"):  # "", "0"
        return 0
    number = whole_number(text)
    if number is None:
        raise ValueError("Not a valid choice.")
    return number


def form_id(name: str) -> int | None:
    """An id posted in a form field, or None when it is not one that can exist."""
    return whole_number(request.form.get(name))


def query_page(name: str = "page") -> int:
    """A page number, 1 when absent; past MAX_PAGE is a page that cannot exist (404)."""
    return query_int(name, 1, maximum=MAX_PAGE)


def query_seconds(name: str) -> float | None:
    """A moment in a video from ?name=SECONDS, or None (start at the beginning) when it is
    absent, not a finite number, negative or longer than a day."""
    try:
        seconds = float(request.args.get(name, ""))
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and 0 <= seconds <= MAX_SECONDS else None


def query_date(name: str) -> date | None:
    """A YYYY-MM-DD date within YEARS, or None (the caller's today) when absent or out of range."""
    try:
        day = date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None
    return day if YEARS[0] <= day.year <= YEARS[1] else None
