"""The people in a conversation hear of its replies by mail: whoever opened it and whoever
replied before, one message per burst, never about their own words, never the owner twice,
and never about a video they may no longer watch."""
from __future__ import annotations

from datetime import timedelta

from mastery_share.comments.notifications import BATCH_WINDOW
from mastery_share.comments.services import post_comment
from mastery_share.comments.thread_mail import send_reply_digests
from mastery_share.db_types import utcnow
from mastery_share.videos.services import update_video
from tests.conftest import message_text, outbox_messages


def mail_to(app, user):
    return [m for m in outbox_messages(app) if m["To"] == user.email]


def subject(mail) -> str:
    return " ".join(mail["Subject"].split())  # a long subject arrives folded


def later():
    return utcnow() + BATCH_WINDOW + timedelta(seconds=1)


def test_the_owners_answer_reaches_whoever_asked(app, people, video):
    question = post_comment(people["coach"], video.id, 2.0, "question", "How long is a rotation?")
    answer = post_comment(people["owner"], video.id, None, "note", "Twelve minutes, on a timer.",
                          parent_id=question.id)
    assert send_reply_digests(utcnow()) == 0  # the window is still open

    assert send_reply_digests(later()) == 1
    [mail] = mail_to(app, people["coach"])
    assert subject(mail) == f"Olivia Owner replied in a conversation on \"{video.title}\""
    text = message_text(mail)
    for expected in ("Hello Cora Coach", "How long is a rotation?", "at 0:02",
                     "Twelve minutes, on a timer.", f"#comment-{answer.id}"):
        assert expected in text
    assert mail_to(app, people["owner"]) == []  # their own reply
    assert send_reply_digests(later() + BATCH_WINDOW) == 0  # each reply is told once


def test_everyone_earlier_in_the_conversation_hears_of_a_reply_but_not_its_author(
        app, people, video):
    question = post_comment(people["coach"], video.id, 1.0, "question", "Who picks the groups?")
    post_comment(people["principal"], video.id, None, "note", "Curious too", parent_id=question.id)
    post_comment(people["same_school"], video.id, None, "note", "The exit ticket does",
                 parent_id=question.id)

    assert send_reply_digests(later()) == 2
    [to_coach] = mail_to(app, people["coach"])
    assert subject(to_coach) == "2 new replies in conversations you joined"
    assert "Curious too" in message_text(to_coach)
    assert "The exit ticket does" in message_text(to_coach)
    [to_principal] = mail_to(app, people["principal"])
    assert "The exit ticket does" in message_text(to_principal)
    assert "Curious too" not in message_text(to_principal)  # their own words
    assert mail_to(app, people["same_school"]) == []  # nobody replied after them


def test_nobody_hears_of_a_video_they_may_no_longer_watch(app, people, video):
    question = post_comment(people["other_school"], video.id, 2.0, "question", "Which app?")
    post_comment(people["owner"], video.id, None, "note", "A shared doc", parent_id=question.id)
    update_video(people["owner"], video.id, {"visibility": "school"})  # Otto's school is another

    assert send_reply_digests(later()) == 0
    assert mail_to(app, people["other_school"]) == []


def test_the_scheduled_digest_task_sends_reply_mail_too(app, people, video):
    from mastery_share.comments.tasks import send_comment_digests_task

    question = post_comment(people["coach"], video.id, 2.0, "question", "And then?")
    post_comment(people["owner"], video.id, None, "note", "Then they swap", parent_id=question.id)
    send_comment_digests_task.call_local()
    assert mail_to(app, people["coach"]) == []  # too soon: replies wait for the window
