"""Telling a video's owner about new comments: one message per burst, not one per comment.

A comment is pending while its `owner_notified_at` is empty. Every minute the scheduler runs
`send_comment_digests`; once an owner's oldest pending comment has waited BATCH_WINDOW, all of
their pending comments go out in one message. Several comments arriving within minutes thus
share a mail, and no comment waits much longer than the window. Each comment is claimed with a
conditional UPDATE before it is listed, so two schedulers running at once never mail it twice.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from flask import render_template
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..db_types import utcnow
from ..extensions import db
from ..links import external_url
from ..links import app_path
from ..mail import Mail
from ..notifications.kinds import MailTopic, NotificationKind
from ..notifications.member_mail import send_member_mail
from ..notifications.services import notify
from ..videos.visibility import can_view
from ..transaction import commit
from ..videos.models import Video
from .models import Comment, CommentKind

BATCH_WINDOW = timedelta(minutes=3)


def _claim(comment_id: int, now: datetime) -> bool:
    claimed = db.session.execute(
        update(Comment).where(Comment.id == comment_id, Comment.owner_notified_at.is_(None))
        .values(owner_notified_at=now).execution_options(synchronize_session=False)).rowcount
    return claimed == 1


def _due_owner_ids(now: datetime) -> list[int]:
    """Owners whose oldest pending comment has waited the whole window."""
    return list(db.session.scalars(
        select(Video.owner_id).join(Comment, Comment.video_id == Video.id)
        .where(Comment.owner_notified_at.is_(None), Comment.created_at <= now - BATCH_WINDOW)
        .distinct()
    ))


def _pending_ids(owner_id: int, now: datetime) -> list[int]:
    return list(db.session.scalars(
        select(Comment.id).join(Video, Video.id == Comment.video_id)
        .where(Video.owner_id == owner_id, Comment.owner_notified_at.is_(None),
               Comment.created_at <= now)
        .order_by(Comment.created_at, Comment.id)
    ))


def send_comment_digests(now: datetime | None = None) -> int:
    """Mail each owner who has waited long enough one message listing all their pending
    comments; returns the number of messages queued."""
    now = now or utcnow()
    sent = 0
    for owner_id in _due_owner_ids(now):
        claimed = [comment_id for comment_id in _pending_ids(owner_id, now)
                   if _claim(comment_id, now)]
        owner = db.session.get(User, owner_id)
        if claimed and owner is not None and owner.active:
            _queue_digest(owner, claimed)
            sent += 1
    commit()
    return sent


def comment_link(comment: Comment) -> str:
    """The watch page, starting at the comment's moment, scrolled to the comment."""
    return (external_url("videos.watch", video_id=comment.video_id, t=f"{comment.at_s:g}")
            + f"#comment-{comment.id}")


def _queue_digest(owner: User, comment_ids: list[int]) -> None:
    comments = list(db.session.scalars(
        select(Comment).where(Comment.id.in_(comment_ids))
        .options(selectinload(Comment.author)).order_by(Comment.created_at, Comment.id)))
    videos = {video.id: video for video in db.session.scalars(
        select(Video).where(Video.id.in_({c.video_id for c in comments})))}
    by_video: dict[int, list[Comment]] = defaultdict(list)
    for comment in comments:
        by_video[comment.video_id].append(comment)
    count = len(comments)
    if count == 1:
        subject = f"{comments[0].author.name} commented on \"{videos[comments[0].video_id].title}\""
    else:
        subject = f"{count} new comments on your videos"
    text = render_template(
        "comments/mail/digest.txt", name=owner.name, count=count,
        threads=[(videos[video_id], items) for video_id, items in by_video.items()],
        link=comment_link)
    send_member_mail(owner, MailTopic.COMMENTS, Mail(to=owner.email, subject=subject, text=text))


def _quote(body: str, limit: int = 90) -> str:
    body = " ".join(body.split())
    return body if len(body) <= limit else body[:limit - 1].rstrip() + "\u2026"


def tell_about_comment(comment: Comment, video: Video, author: User) -> None:
    """In-app notifications of a new comment, in its own transaction (the comment is flushed):
    the video's owner, and for a reply the people earlier in the conversation who may still
    watch the video. Their mail goes out in the digests below."""
    path = (app_path("videos.watch", video_id=video.id, t=f"{comment.at_s:.3f}".rstrip("0").rstrip("."))
            + f"#comment-{comment.id}")
    title = f"\u201c{video.title}\u201d"
    if comment.kind == CommentKind.AFFIRMATION.value:
        owner_kind, owner_text = (NotificationKind.AFFIRMATION,
                                  f"{author.name} affirmed your work in {title}: "
                                  f"\u201c{_quote(comment.body)}\u201d")
    elif comment.parent_id is not None:
        owner_kind, owner_text = (NotificationKind.COMMENT,
                                  f"{author.name} replied on your video {title}: "
                                  f"\u201c{_quote(comment.body)}\u201d")
    else:
        owner_kind, owner_text = (NotificationKind.COMMENT,
                                  f"{author.name} commented on {title}: "
                                  f"\u201c{_quote(comment.body)}\u201d")
    notify(video.owner, owner_kind, owner_text, path, actor=author, video_id=video.id)
    if comment.parent_id is None:
        return
    earlier = set(db.session.scalars(select(Comment.author_id).where(
        (Comment.id == comment.parent_id) | (Comment.parent_id == comment.parent_id))))
    earlier -= {author.id, video.owner_id}
    people = [person for person in db.session.scalars(
        select(User).where(User.id.in_(earlier), User.active.is_(True)).order_by(User.id))
        if can_view(person, video)]
    notify(people, NotificationKind.REPLY,
           f"{author.name} replied in a conversation on {title}: "
           f"\u201c{_quote(comment.body)}\u201d", path, actor=author, video_id=video.id)
