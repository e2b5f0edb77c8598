"""The weekly digest: one mail on Monday morning in each member's school time zone.

It lists new videos in the member's practices and grade band from the past week, classrooms
open to visit in the next two weeks, and the past week's notifications of the topics the
member chose to read weekly. The scheduler runs `send_weekly_digests` every hour; a member's
digest is claimed by inserting (member, local Monday) into weekly_digests before its mail is
queued, so two schedulers, or one restarted, never send the same week twice. An empty digest is
not sent. HTML with a plain-text part.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import render_template
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..db_types import utcnow
from ..extensions import db
from ..links import app_path, public_base_url
from ..mail import Mail, queue_mail
from ..transaction import commit
from ..videos.models import Video
from ..visits.calendar import SlotView
from .kinds import MailChoice, MailTopic
from .member_mail import choices_for, with_unsubscribe
from .models import Notification, WeeklyDigest
from .services import readable

SEND_FROM_HOUR = 7  # local time, on Monday
LISTED = 6


@dataclass
class Digest:
    new_videos: list[Video] = field(default_factory=list)
    open_classrooms: list[SlotView] = field(default_factory=list)
    activity: list[Notification] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.new_videos or self.open_classrooms or self.activity)


def _zone(user: User) -> ZoneInfo:
    return ZoneInfo(user.school.time_zone if user.school is not None else "UTC")


def digest_for(user: User, now: datetime) -> Digest:
    from ..home.blocks import my_practice_ids, new_videos_for, open_classrooms_for

    choices = choices_for(user)
    weekly = [topic for topic, choice in choices.items()
              if choice is MailChoice.WEEKLY_DIGEST and topic is not MailTopic.NEWS]
    week_ago = now - timedelta(days=7)
    videos = [video for video in new_videos_for(user, my_practice_ids(user), limit=LISTED * 2)
              if video.created_at >= week_ago][:LISTED]
    kinds = [kind.value for kind in _kinds_of(weekly)]
    activity = readable(user, list(db.session.scalars(
        select(Notification).where(Notification.user_id == user.id,
                                   Notification.created_at >= week_ago,
                                   Notification.kind.in_(kinds))
        .order_by(Notification.created_at.desc()).limit(30)))) if kinds else []
    return Digest(videos, open_classrooms_for(user, limit=LISTED), activity)


def _kinds_of(topics):
    from .kinds import NotificationKind

    return [kind for kind in NotificationKind if kind.topic in topics]


def _claim(user_id: int, week_of: date) -> bool:
    table = WeeklyDigest.__table__
    values = {"user_id": user_id, "week_of": week_of, "sent_at": utcnow()}
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    # RETURNING, not rowcount: psycopg reports -1 for an INSERT ... ON CONFLICT through the
    # session, and no digest went out on PostgreSQL.
    return db.session.execute(insert(table).values(**values).on_conflict_do_nothing()
                              .returning(table.c.user_id)).first() is not None


def digest_mail(user: User, digest: Digest, now: datetime) -> Mail:
    zone = _zone(user)
    local_now = now.astimezone(zone)
    context = {"name": user.name, "digest": digest, "zone": zone, "base": public_base_url(), "path": app_path,
               "week_of": local_now.date()}
    count = len(digest.new_videos)
    subject = (f"This week on Mastery Share: {count} new video{'s' if count != 1 else ''}, "
               f"{len(digest.open_classrooms)} open classroom"
               f"{'s' if len(digest.open_classrooms) != 1 else ''}")
    return with_unsubscribe(user, MailTopic.NEWS, Mail(
        to=user.email, subject=subject,
        text=render_template("notifications/mail/digest.txt", **context),
        html=render_template("notifications/mail/digest.html", **context)))


def send_weekly_digests(now: datetime | None = None) -> int:
    """Queue this week's digest for every active member whose Monday morning has come and
    who wants it; returns how many were queued."""
    now = now or utcnow()
    sent = 0
    members = db.session.scalars(
        select(User).where(User.active.is_(True)).options(
            selectinload(User.school), selectinload(User.new_to_practices)).order_by(User.id))
    for user in list(members):
        local = now.astimezone(_zone(user))
        if local.weekday() != 0 or local.hour < SEND_FROM_HOUR:
            continue
        if db.session.get(WeeklyDigest, (user.id, local.date())) is not None:
            continue
        if choices_for(user)[MailTopic.NEWS] is not MailChoice.WEEKLY_DIGEST:
            continue
        digest = digest_for(user, now)
        if digest.is_empty or not _claim(user.id, local.date()):
            continue
        queue_mail(digest_mail(user, digest, now))
        commit()  # each member's claim with its mail: a crash halfway loses no one's week
        sent += 1
    commit()
    return sent
