"""The bell, the list grouped by day, marking read, following a notification, and the API:
each member sees and changes only their own notifications; the bell costs one query."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import event

from mastery_share.db_types import utcnow
from mastery_share.extensions import db
from mastery_share.notifications.kinds import NotificationKind
from mastery_share.notifications.models import Notification
from mastery_share.notifications.services import notify
from mastery_share.visits.booking import book_slot
from tests.conftest import csrf_token, sign_in
from tests.notifications.conftest import notifications_of
from tests.tries.api_fixtures import bearer, error_of


def _bell(page: str) -> str:
    return re.search(r'<a id="notification-bell"[^>]*aria-label="([^"]+)"', page).group(1)


def _tell(user, text, *, hours_ago=0, url="/videos"):
    [made] = notify(user, NotificationKind.VIDEO_READY, text, url)
    made.created_at = utcnow() - timedelta(hours=hours_ago)
    db.session.commit()
    return made


def test_the_bell_counts_what_a_colleague_did_and_reading_it_clears_it(
        client, host, visitor, open_slot):
    slot = open_slot(host)
    sign_in(client, host)
    assert _bell(client.get("/").get_data(as_text=True)) == "Notifications, none unread"
    book_slot(visitor, slot.id)
    page = client.get("/videos").get_data(as_text=True)  # on every page, not only home
    assert _bell(page) == "Notifications, 1 unread"
    assert '<span class="bell-count" aria-hidden="true">1</span>' in page
    [told] = notifications_of(host)
    response = client.get(f"/notifications/{told.id}")
    assert response.status_code == 302 and response.headers["Location"] == f"/visits/{slot.id}"
    assert _bell(client.get("/").get_data(as_text=True)) == "Notifications, none unread"


def test_the_list_is_newest_first_grouped_by_day_with_mark_one_and_mark_all(client, teacher):
    old = _tell(teacher, "Your video \u201cMonday\u201d is ready to watch.", hours_ago=50)
    new = _tell(teacher, "Your video \u201cToday\u201d is ready to watch.")
    sign_in(client, teacher)
    page = client.get("/notifications").get_data(as_text=True)
    assert page.index("\u201cToday\u201d") < page.index("\u201cMonday\u201d")
    assert ">Today</h2>" in page and page.count('<h2 class="h5 mt-3"') == 2
    assert "2 unread." in page
    token = csrf_token(client, "/notifications")
    marked = client.post("/notifications/read",
                         data={"csrf_token": token, "notification_id": new.id})
    assert [item.read_at is not None for item in notifications_of(teacher)] == [True, False]
    # Back to the item just marked, which can take the keyboard's focus.
    assert marked.headers["Location"].endswith(f"/notifications#notification-{new.id}")
    assert f'id="notification-{new.id}" tabindex="-1"' in client.get(
        "/notifications").get_data(as_text=True)
    client.post("/notifications/read", data={"csrf_token": token})
    assert all(item.read_at is not None for item in notifications_of(teacher))
    assert "You are all caught up." in client.get("/notifications").get_data(as_text=True)
    assert old.id  # both stay listed, read
    assert "\u201cMonday\u201d" in client.get("/notifications").get_data(as_text=True)


def test_nobody_reads_or_marks_another_members_notifications(client, teacher, make_user):
    theirs = _tell(teacher, "Your video \u201cMine\u201d is ready to watch.")
    other = make_user("teacher")
    sign_in(client, other)
    assert "\u201cMine\u201d" not in client.get("/notifications").get_data(as_text=True)
    response = client.get(f"/notifications/{theirs.id}")
    assert response.status_code == 302 and response.headers["Location"] == "/notifications"
    client.post("/notifications/read", data={"csrf_token": csrf_token(client, "/notifications"),
                                             "notification_id": theirs.id})
    assert client.post("/notifications/read", data={}).status_code == 400  # no CSRF token
    assert notifications_of(teacher)[0].read_at is None


def test_a_stored_link_off_the_site_is_never_followed(client, teacher):
    hostile = _tell(teacher, "Odd", url="//evil.example/x")
    sign_in(client, teacher)
    assert client.get(f"/notifications/{hostile.id}").headers["Location"] == "/"


def test_the_bell_costs_one_query_however_many_notifications(client, teacher):
    sign_in(client, teacher)
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    def bell_queries() -> int:
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            client.get("/videos")
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return sum("FROM notifications" in statement for statement in statements)

    assert bell_queries() == 1
    for number in range(30):
        _tell(teacher, f"Ready {number}")
    assert bell_queries() == 1


def test_the_api_lists_newest_first_with_the_unread_count_and_marks_read(client, teacher,
                                                                         make_user):
    first = _tell(teacher, "First", hours_ago=2)
    second = _tell(teacher, "Second")
    foreign = _tell(make_user("teacher"), "Not yours")
    headers = bearer(teacher)
    body = client.get("/api/v1/me/notifications", headers=headers).json
    assert [item["text"] for item in body["items"]] == ["Second", "First"]
    assert body["unread"] == 2
    assert set(body["items"][0]) == {"id", "kind", "text", "url", "created_at", "read_at"}
    marked = client.post("/api/v1/me/notifications/read", headers=headers,
                         json={"ids": [first.id, foreign.id]}).json
    assert marked == {"marked": 1, "unread": 1}
    assert notifications_of(make_user("teacher")) == []
    assert db.session.get(Notification, foreign.id).read_at is None
    unread = client.get("/api/v1/me/notifications?unread=true", headers=headers).json
    assert [item["id"] for item in unread["items"]] == [second.id]
    assert client.post("/api/v1/me/notifications/read", headers=headers, json={}).json == {
        "marked": 1, "unread": 0}


def test_the_api_refuses_bad_input_with_json_errors(client, teacher):
    headers = bearer(teacher)
    error_of(client.get("/api/v1/me/notifications"), 401)
    error_of(client.post("/api/v1/me/notifications/read", headers=headers,
                         json={"ids": ["x"]}), 422)
    error_of(client.get("/api/v1/me/notifications?limit=0", headers=headers), 422)
