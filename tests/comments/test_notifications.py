"""The owner hears of new comments by mail: one message per burst, never about their own."""
from __future__ import annotations

from datetime import timedelta

from mastery_share.comments.notifications import BATCH_WINDOW, send_comment_digests
from mastery_share.comments.services import post_comment
from mastery_share.db_types import utcnow
from tests.conftest import message_text, outbox_messages


def mail_to(app, user):
    return [m for m in outbox_messages(app) if m["To"] == user.email]


def test_several_comments_within_minutes_make_one_mail_listing_them_all(app, people, video):
    question = post_comment(people["coach"], video.id, 2.0, "question", "How do groups rotate?")
    post_comment(people["principal"], video.id, 1.0, "affirmation", "A bold change!")
    post_comment(people["same_school"], video.id, None, "note", "Same question",
                 parent_id=question.id)
    now = utcnow()
    assert send_comment_digests(now) == 0  # the window is still open
    assert mail_to(app, people["owner"]) == []

    assert send_comment_digests(now + BATCH_WINDOW + timedelta(seconds=1)) == 1
    [mail] = mail_to(app, people["owner"])
    text = message_text(mail)
    assert mail["Subject"] == "3 new comments on your videos"
    for expected in ("How do groups rotate?", "A bold change!", "Same question",
                     "Cora Coach", "Pat Principal", video.title, "at 0:02", "at 0:01"):
        assert expected in text
    assert f"/videos/{video.id}?t=2#comment-{question.id}" in text
    assert len(outbox_messages(app)) == 1  # nobody else was mailed

    assert send_comment_digests(now + 2 * BATCH_WINDOW) == 0  # each comment is told once


def test_a_later_burst_makes_a_second_mail(app, people, video):
    post_comment(people["coach"], video.id, 2.0, "note", "First")
    send_comment_digests(utcnow() + BATCH_WINDOW + timedelta(seconds=1))
    post_comment(people["principal"], video.id, 1.0, "note", "Second")
    send_comment_digests(utcnow() + BATCH_WINDOW + timedelta(seconds=1))
    first, second = mail_to(app, people["owner"])
    assert "First" in message_text(first) and "Second" not in message_text(first)
    assert "Second" in message_text(second) and "First" not in message_text(second)
    assert second["Subject"] == f"Pat Principal commented on \"{video.title}\""


def test_the_owners_own_comments_and_replies_send_no_mail(app, people, video):
    question = post_comment(people["owner"], video.id, 1.0, "note", "Watch the timer here")
    post_comment(people["owner"], video.id, None, "note", "And here", parent_id=question.id)
    assert send_comment_digests(utcnow() + BATCH_WINDOW * 2) == 0
    assert outbox_messages(app) == []


def test_the_scheduled_task_sends_the_digests(app, people, video):
    from mastery_share.comments.tasks import send_comment_digests_task

    post_comment(people["coach"], video.id, 2.0, "note", "Just now")
    send_comment_digests_task.call_local()
    assert outbox_messages(app) == []  # still inside the window
