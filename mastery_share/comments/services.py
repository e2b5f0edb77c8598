"""The rules for the conversation on a video: who may say what, where, and who may take it back.

Every function starts from `get_video(actor, ...)`, so a comment is exactly as visible as its
video: a member who cannot watch the video gets NotFound, never a hint that comments exist.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import Role, User
from ..db_types import utcnow
from ..errors import Forbidden, Invalid, NotFound
from ..extensions import db
from ..notifications.services import forget_notifications_linking
from ..transaction import commit
from ..videos.models import Video, VideoStatus
from ..videos.services import get_video
from ..videos.visibility import can_manage, visible_to
from .models import Comment, CommentKind
from .notifications import tell_about_comment

MAX_BODY = 2000
MAX_AT_S = 86400.0  # a day: no classroom video is longer, and it bounds the API's floats
AFFIRMING_ROLES = frozenset({Role.PRINCIPAL.value, Role.COACH.value, Role.ADMIN.value})
# Line breaks and tabs are kept (the body is shown with white-space: pre-line); other control
# characters are dropped: PostgreSQL refuses NUL in text, and the rest only confuse a reader.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def may_affirm(user: User) -> bool:
    """Affirmations are a principal's or coach's (or an admin's) public recognition."""
    return user.role in AFFIRMING_ROLES


def kinds_for(user: User) -> list[CommentKind]:
    """The kinds of comment `user` may leave, in the order a form offers them."""
    kinds = [CommentKind.QUESTION, CommentKind.NOTE]
    return kinds + [CommentKind.AFFIRMATION] if may_affirm(user) else kinds


def clean_body(body: str | None) -> str:
    """Plain text, 1..MAX_BODY characters after trimming; never markup (templates escape it)."""
    text = _CONTROL.sub("", (body or "").replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not text:
        raise Invalid("Write something first.", {"body": "Write your comment."})
    if len(text) > MAX_BODY:
        raise Invalid(f"Keep it under {MAX_BODY} characters.",
                      {"body": f"At most {MAX_BODY} characters ({len(text)} now)."})
    return text


def _moment(video: Video, at_s: float | None) -> float:
    """A moment of the video: not before its start, and clamped to its end when it is known
    (a player can report a fraction past the last frame)."""
    if at_s is None or not isinstance(at_s, (int, float)) or not math.isfinite(at_s):
        raise Invalid("Say when in the video.", {"at_s": "A number of seconds is needed."})
    if at_s < 0 or at_s > MAX_AT_S:
        raise Invalid("That moment is not in the video.", {"at_s": "Out of range."})
    if video.duration_s:
        at_s = min(at_s, video.duration_s)
    return round(float(at_s), 2)


def _kind(author: User, video: Video, kind: str | None) -> str:
    try:
        value = CommentKind(kind or CommentKind.NOTE.value)
    except ValueError:
        raise Invalid("Choose a question, a note or an affirmation.",
                      {"kind": "Unknown kind."}) from None
    if value is CommentKind.AFFIRMATION:
        if not may_affirm(author):
            raise Forbidden("Only principals and coaches can leave affirmations.")
        if video.owner_id == author.id:
            raise Forbidden("Affirmations recognise someone else's work, not your own.")
    return value.value


def _parent(video: Video, parent_id: int) -> Comment:
    parent = db.session.get(Comment, parent_id)
    if parent is None or parent.video_id != video.id:
        raise NotFound("The comment you are replying to is gone.")
    # One level of threading: a reply to a reply joins the top-level thread.
    while parent.parent_id is not None:
        parent = db.session.get(Comment, parent.parent_id)
    return parent


def post_comment(author: User, video_id: int, at_s: float | None, kind: str | None,
                 body: str | None, parent_id: int | None = None) -> Comment:
    """Leave a comment at a moment of a video `author` may watch (a reply joins its parent's
    thread and moment); the owner hears of it in the next digest unless they wrote it."""
    video = get_video(author, video_id)
    if video.status != VideoStatus.READY.value:
        raise Invalid("Comments open once the video is ready to watch.")
    text = clean_body(body)
    parent = _parent(video, parent_id) if parent_id is not None else None
    comment = Comment(
        video_id=video.id, author_id=author.id, body=text, kind=_kind(author, video, kind),
        parent_id=parent.id if parent else None,
        at_s=parent.at_s if parent else _moment(video, at_s),
        created_at=utcnow(),
    )
    if parent is None:
        comment.thread_notified_at = comment.created_at  # no conversation to tell yet
    if video.owner_id == author.id:
        # The owner is never mailed about their own words.
        comment.owner_notified_at = comment.created_at
    db.session.add(comment)
    db.session.flush()  # its id, for the notifications' links
    tell_about_comment(comment, video, author)
    commit()
    return comment


def _visible_comment(actor: User, comment_id: int) -> tuple[Comment, Video]:
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        raise NotFound("No such comment.")
    try:
        video = get_video(actor, comment.video_id)
    except NotFound:
        raise NotFound("No such comment.") from None
    return comment, video


def can_edit(user: User, comment: Comment) -> bool:
    return comment.author_id == user.id


def can_remove(user: User, comment: Comment, video: Video) -> bool:
    """The author, the video's owner, or an admin of the video's district."""
    return comment.author_id == user.id or can_manage(user, video)


def edit_comment(actor: User, comment_id: int, body: str | None) -> Comment:
    """Change the words of your own comment (its moment and kind stay)."""
    comment, _video = _visible_comment(actor, comment_id)
    if not can_edit(actor, comment):
        raise Forbidden("Only the comment's author can edit it.")
    comment.body = clean_body(body)
    comment.edited_at = utcnow()
    commit()
    return comment


def delete_comment(actor: User, comment_id: int) -> int:
    """Remove a comment and its replies; returns the video's id."""
    comment, video = _visible_comment(actor, comment_id)
    if not can_remove(actor, comment, video):
        raise Forbidden("Only the author, the video's owner or an admin can remove a comment.")
    removed = [comment.id, *db.session.scalars(
        select(Comment.id).where(Comment.parent_id == comment.id))]
    forget_notifications_linking(anchors=[f"#comment-{each}" for each in removed])
    db.session.delete(comment)
    commit()
    return video.id


def list_comments(viewer: User, video_id: int) -> list[Comment]:
    """The video's threads in the order of the video (then of writing), replies loaded,
    in a fixed number of queries."""
    video = get_video(viewer, video_id)
    return list(db.session.scalars(
        select(Comment).where(Comment.video_id == video.id, Comment.parent_id.is_(None))
        .options(selectinload(Comment.author),
                 selectinload(Comment.replies).selectinload(Comment.author))
        .order_by(Comment.at_s, Comment.created_at, Comment.id)
    ))


def flatten_threads(threads: list[Comment]) -> list[Comment]:
    """Each top-level comment followed by its replies."""
    return [each for thread in threads for each in (thread, *thread.replies)]


@dataclass(frozen=True)
class Affirmation:
    comment: Comment
    video: Video


def affirmations_for(viewer: User, teacher_id: int, limit: int = 50) -> list[Affirmation]:
    """Affirmations the teacher received, newest first, only on videos `viewer` may watch."""
    rows = db.session.execute(
        select(Comment, Video).join(Video, Video.id == Comment.video_id)
        .where(Video.owner_id == teacher_id, Comment.kind == CommentKind.AFFIRMATION.value,
               visible_to(viewer))
        .options(selectinload(Comment.author))
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(limit)
    ).all()
    return [Affirmation(comment, video) for comment, video in rows]
