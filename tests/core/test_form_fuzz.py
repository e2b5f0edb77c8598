"""Every form of the site, posted with a valid CSRF token and hostile text in each field in
turn (control characters, line breaks, NUL, broken Unicode, huge and non-finite numbers):
no answer is a 5xx, and nothing with a control character reaches the database."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import quote

from sqlalchemy import String, Text, inspect, select

from mastery_share.collections.curation import create_collection
from mastery_share.collections.items import add_item
from mastery_share.extensions import db
from mastery_share.text_fields import has_control_characters
from mastery_share.visits.slots import create_slots
from tests.collections.conftest import video_row
from tests.conftest import sign_in
from tests.visits.conftest import local_start

# Raw urlencoded values: "%ED%A0%80" is a lone surrogate half as a browser would send bytes.
HOSTILE = [quote("\x01\x07\x1b"), quote("two\nlines"), quote("tab\there"), "%00",
           "%ED%A0%80", "9" * 30, "1e309", "-1", quote("nan")]
# Forms that end or undo something are not fuzzed: they take no text, and they would end
# the session or remove what the other forms edit.
_SKIP_ACTIONS = re.compile(r"/(delete|remove|cancel|cancel-series|sign-out|reset)$")
_NOT_FUZZED = {"csrf_token", "upload_id"}
# Columns shown on one line (names, titles, room, focus): not even a line break is stored.
ONE_LINE_COLUMNS = {("users", "name"), ("schools", "name"), ("videos", "title"),
                    ("collections", "title"), ("visit_slots", "room"),
                    ("visit_slots", "focus")}


class _Forms(HTMLParser):
    """The POST forms of a page: action and each field's name and default value."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action") or "",
                               "method": (attrs.get("method") or "get").lower(), "fields": {}})
            return
        if not self.forms or not attrs.get("name"):
            if tag == "option" and self._select and "selected" in attrs:
                self.forms[-1]["fields"][self._select] = attrs.get("value", "")
            return
        fields, name = self.forms[-1]["fields"], attrs["name"]
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    fields[name] = attrs.get("value", "y")
                else:
                    fields.setdefault(name, None)
            elif kind not in ("submit", "button", "file"):
                fields[name] = attrs.get("value", "")
        elif tag == "select":
            self._select = name
            fields.setdefault(name, "")
        elif tag == "textarea":
            self._textarea = name
            fields[name] = ""

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _forms_on(client, page: str) -> list[dict]:
    response = client.get(page)
    assert response.status_code == 200, page
    parser = _Forms()
    parser.feed(response.get_data(as_text=True))
    return [form for form in parser.forms if form["method"] == "post"
            and not _SKIP_ACTIONS.search(form["action"].split("?")[0])]


def _body(fields: dict, hostile_field: str, hostile: str) -> str:
    pairs = [f"{quote(name)}={hostile}" if name == hostile_field else
             f"{quote(name)}={quote(str(value))}"
             for name, value in fields.items() if value is not None or name == hostile_field]
    return "&".join(pairs)


def _fuzz_page(client, page: str, baseline: dict) -> int:
    posted = 0
    for form in _forms_on(client, page):
        target = form["action"] or page
        fields = {**form["fields"], **baseline.get(target.split("?")[0], {})}
        for name in [name for name in fields if name not in _NOT_FUZZED]:
            for hostile in HOSTILE:
                response = client.post(target, data=_body(fields, name, hostile),
                                       content_type="application/x-www-form-urlencoded")
                assert response.status_code < 500, (target, name, hostile)
                posted += 1
    return posted


def _stored_text_with_control_characters() -> list[tuple[str, str, str]]:
    found = []
    present = set(inspect(db.engine).get_table_names())  # search_* live on PostgreSQL only
    for table in [table for table in db.metadata.sorted_tables if table.name in present]:
        for column in table.columns:
            if not isinstance(column.type, (String, Text)):
                continue
            for value in db.session.scalars(select(column).where(column.is_not(None))):
                one_line = (table.name, column.name) in ONE_LINE_COLUMNS
                if has_control_characters(value) or (one_line and re.search(r"[\r\n\t]",
                                                                           value)):
                    found.append((table.name, column.name, value))
    return found


def test_no_form_answers_5xx_or_stores_control_characters(client, make_user, other_school):
    principal = make_user("principal", name="Pat Principal")
    video = video_row(principal, title="Centers rotation")
    collection = create_collection(principal, {"title": "PLC week 3", "visibility": "school"})
    item = add_item(principal, collection.id, {"video_id": video.id})
    [slot] = create_slots(principal, {"starts_at": local_start(principal.school, 5),
                                      "duration_min": 45, "capacity": 3, "room": "12",
                                      "focus": "Station rotation", "repeat_weekly": 0})
    baseline = {  # what a member fills in on the empty create forms
        "/collections/new": {"title": "Grouping PLC", "visibility": "school"},
        "/visits/new": {"date": local_start(principal.school, 9).date().isoformat(),
                        "start_time": "09:00", "focus": "Math centers", "room": "14"},
        "/staff": {"email": "new.person@example.org", "name": "New Person", "role": "teacher"},
        f"/videos/{video.id}/comments": {"body": "Nice", "at": "0:05"},
    }
    sign_in(client, principal)
    pages = ["/profile", "/staff", "/staff/import", "/videos/new", f"/videos/{video.id}",
             f"/videos/{video.id}/edit", "/collections/new", f"/collections/{collection.id}",
             f"/collections/{collection.id}/edit",
             f"/collections/{collection.id}/items/{item.id}/edit", "/visits/new",
             f"/visits/{slot.id}/edit", "/visits/rules"]
    posted = sum(_fuzz_page(client, page, baseline) for page in pages)
    assert posted > 500  # every form, every field, every value
    db.session.expire_all()
    assert _stored_text_with_control_characters() == []


def test_signed_out_forms_answer_no_5xx(client):
    posted = sum(_fuzz_page(client, page, {}) for page in ("/sign-in", "/forgot-password"))
    assert posted > 0
