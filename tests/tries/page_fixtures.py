"""Helpers for the try pages: posting a page's form, a quick HTML sanity check (a label for
every field, unique ids, one h1, no skipped heading level), and counting a page's queries."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from sqlalchemy import func, select

from mastery_share.extensions import db
from mastery_share.tries.models import Try
from tests.conftest import csrf_token
from tests.query_count import statements_of_get as count_queries  # noqa: F401  (re-exported)

# A PNG's signature and the start of its header: enough for the type to be recognised.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)


def try_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Try))


def post(client, path: str, data: dict, *, form_page: str | None = None, **kwargs):
    """POST `data` to `path` with the CSRF token of the form on `form_page` (or `path`)."""
    token = csrf_token(client, form_page or path)
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)


class _PageCheck(HTMLParser):
    def __init__(self):
        super().__init__()
        self.label_for: set[str] = set()
        self.fields: list[dict] = []
        self.headings: list[int] = []
        self.ids: list[str] = []
        self._in_label = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id") and attrs.get("type") != "hidden":  # a hidden input is never named
            self.ids.append(attrs["id"])
        if tag == "label":
            self._in_label += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        elif tag in ("input", "select", "textarea"):
            if attrs.get("type") in ("hidden", "submit", "button"):
                return
            self.fields.append({**attrs, "_wrapped": self._in_label > 0})

    def handle_endtag(self, tag):
        if tag == "label":
            self._in_label -= 1


def check_page(html: str) -> None:
    """Every visible field has a label (or an aria-label), no two elements share an id (a
    label would name the first one only), the page has one h1, and no heading skips a level
    going down."""
    page = _PageCheck()
    page.feed(html)
    repeated = sorted({each for each in page.ids if page.ids.count(each) > 1})
    assert not repeated, f"ids used more than once: {repeated}"
    for field in page.fields:
        labelled = (field["_wrapped"] or field.get("aria-label")
                    or field.get("id") in page.label_for)
        assert labelled, f"a field without a label: {field}"
    assert page.headings.count(1) == 1, page.headings
    for before, after in zip(page.headings, page.headings[1:]):
        assert after <= before + 1, f"heading h{before} is followed by h{after}"
