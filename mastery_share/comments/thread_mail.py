"""Telling the people in a comment conversation about its replies, minutes' worth at a time.

A reply is waiting while its `thread_notified_at` is empty. Every minute the scheduler runs
`send_reply_digests`: replies that have waited BATCH_WINDOW are claimed with a conditional
UPDATE (two schedulers never mail one twice), and each person gets one message listing the
replies in their conversations. The people of a conversation are whoever opened it and whoever
replied before, except the reply's own author and the video's owner, whose digest lists every
comment already; nobody is told about a video they may no longer watch.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from flask import render_template
from sqlalchemy import select, update

from ..accounts.models import User
from ..db_types import utcnow
from ..extensions import db
from ..mail import Mail
from ..notifications.kinds import MailTopic
from ..notifications.member_mail import send_member_mail
from ..transaction import commit
from ..videos.models import Video
from ..videos.visibility import can_view
from .models import Comment
from .notifications import BATCH_WINDOW, comment_link


def send_reply_digests(now: datetime | None = None) -> int:
    """Mail everyone with replies waiting in their conversations; returns the messages queued."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Comment.id).where(Comment.thread_notified_at.is_(None),
                                 Comment.created_at <= now - BATCH_WINDOW)
        .order_by(Comment.created_at, Comment.id))
    claimed = [reply_id for reply_id in list(due) if _claim(reply_id, now)]
    waiting: dict[int, list[Comment]] = defaultdict(list)
    for reply_id in claimed:
        reply = db.session.get(Comment, reply_id)
        video = db.session.get(Video, reply.video_id)
        for person in _told_about(reply, video):
            waiting[person.id].append(reply)
    for person_id, replies in waiting.items():
        _queue_digest(db.session.get(User, person_id), replies)
    commit()
    return len(waiting)


def _claim(comment_id: int, now: datetime) -> bool:
    return db.session.execute(
        update(Comment).where(Comment.id == comment_id, Comment.thread_notified_at.is_(None))
        .values(thread_notified_at=now).execution_options(synchronize_session=False)
    ).rowcount == 1


def _told_about(reply: Comment, video: Video | None) -> list[User]:
    opener = db.session.get(Comment, reply.parent_id) if reply.parent_id else None
    if opener is None or video is None:
        return []
    earlier = db.session.scalars(
        select(Comment.author_id).where(Comment.parent_id == opener.id,
                                        Comment.created_at <= reply.created_at,
                                        Comment.id != reply.id))
    people = {opener.author_id, *earlier} - {reply.author_id, video.owner_id}
    return [person for person in (db.session.get(User, person_id) for person_id in sorted(people))
            if person is not None and person.active and can_view(person, video)]


def _queue_digest(person: User, replies: list[Comment]) -> None:
    videos = {reply.video_id: db.session.get(Video, reply.video_id) for reply in replies}
    threads: dict[int, list[tuple[Comment, Comment]]] = defaultdict(list)
    for reply in sorted(replies, key=lambda reply: (reply.created_at, reply.id)):
        threads[reply.video_id].append((db.session.get(Comment, reply.parent_id), reply))
    if len(replies) == 1:
        subject = (f"{replies[0].author.name} replied in a conversation on "
                   f"\"{videos[replies[0].video_id].title}\"")
    else:
        subject = f"{len(replies)} new replies in conversations you joined"
    text = render_template(
        "comments/mail/replies.txt", name=person.name, count=len(replies),
        threads=[(videos[video_id], pairs) for video_id, pairs in threads.items()],
        link=comment_link)
    send_member_mail(person, MailTopic.COMMENTS,
                     Mail(to=person.email, subject=subject, text=text))
