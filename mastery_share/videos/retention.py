"""Retention: how long a classroom video, and its unblurred original, are kept.

The district sets both (days after the video was shared; none: until deleted) and a teacher
may choose an earlier end for a video of theirs, never a later one. Fourteen days before the
end the owner is told in the app and by mail (whatever their mail choices: their work is about
to go); at the end a worker job removes every trace of the video: the row and everything that
hangs from it (renditions, captions, faces, comments, plays, notifications), its search
entries, and every stored object under its prefix, S3 included. An original past the
district's original retention is deleted on its own and the video stays playable (it can no
longer be reprocessed). The record of who watched (each play) is forgotten after the
district's days for it, whatever happens to the video.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from flask import render_template
from sqlalchemy import delete, or_, select

from ..accounts.models import District, User
from ..db_types import utcnow
from ..errors import Forbidden, Invalid
from ..extensions import db
from ..transaction import commit
from .models import Video
from .storage_access import media_storage

NOTICE_DAYS = 14
MAX_RETENTION_DAYS = 36500
logger = logging.getLogger(__name__)


def district_end(video: Video, district: District | None) -> datetime | None:
    if district is None or not district.retain_videos_days:
        return None
    return video.created_at + timedelta(days=district.retain_videos_days)


def video_end(video: Video, district: District | None) -> datetime | None:
    """When the video is deleted: the earlier of the district's end and the owner's."""
    ends = [end for end in (district_end(video, district), video.retain_until) if end]
    return min(ends) if ends else None


def end_of_video(video: Video) -> datetime | None:
    return video_end(video, db.session.get(District, video.district_id))


def checked_retain_until(video: Video, chosen: date | None) -> datetime | None:
    """The owner's end as stored (midnight UTC at the start of the day chosen), or Invalid:
    not in the past, not later than the district keeps it."""
    if chosen is None:
        return None
    end = datetime.combine(chosen, time(0), tzinfo=timezone.utc)
    if chosen <= utcnow().date():
        raise Invalid("Choose a date after today: a retention date in the past is refused.",
                      {"retain_until": "Choose a date after today."})
    limit = district_end(video, db.session.get(District, video.district_id))
    if limit is not None and end > limit:
        raise Invalid(f"Your district deletes this video on {limit:%B %-d, %Y}; you may "
                      "choose that date or an earlier one.",
                      {"retain_until": f"{limit:%B %-d, %Y} or earlier."})
    return end


def set_retention_policy(actor: User, videos_days: int | None,
                         originals_days: int | None, views_days: int | None = None) -> None:
    if not actor.is_admin:
        raise Forbidden("Only district admins set how long videos are kept.")
    for name, days in (("retain_videos_days", videos_days),
                       ("retain_originals_days", originals_days),
                       ("retain_views_days", views_days)):
        if days is not None and not 1 <= days <= MAX_RETENTION_DAYS:
            raise Invalid("Give a whole number of days (1 or more), or leave it empty to keep "
                          "them until they are deleted.", {name: "1 or more days, or empty."})
    if videos_days and originals_days and originals_days > videos_days:
        raise Invalid("Originals cannot be kept longer than the videos themselves.",
                      {"retain_originals_days": f"At most {videos_days} days."})
    district = db.session.get(District, actor.district_id)
    district.retain_videos_days, district.retain_originals_days = videos_days, originals_days
    district.retain_views_days = views_days
    commit()


def remove_video(video: Video) -> None:
    """Delete the video and everything of it (not committed: the caller commits; the stored
    objects go after the commit, and the search entry with the outbox in the same commit)."""
    from ..transaction import after_commit
    from .events import video_deleted

    prefix = video.media_prefix
    video_deleted(video.id)
    db.session.delete(video)
    after_commit(media_storage().delete_prefix, prefix)


@dataclass
class RetentionReport:
    told: int = 0
    deleted: int = 0
    originals_deleted: int = 0
    views_forgotten: int = 0


def apply_retention(now: datetime | None = None) -> RetentionReport:
    """The worker's hourly pass: tell owners 14 days ahead, delete what reached its end, and
    originals past the district's rule. Each video is committed on its own."""
    now = now or utcnow()
    report = RetentionReport()
    horizon = now + timedelta(days=NOTICE_DAYS)
    for district in db.session.scalars(select(District)).all():
        ending = [Video.retain_until <= horizon]
        if district.retain_videos_days:
            ending.append(Video.created_at <= horizon - timedelta(days=district.retain_videos_days))
        videos = db.session.scalars(select(Video).where(
            Video.district_id == district.id, or_(*ending))).all()
        for video in videos:
            end = video_end(video, district)
            if end is None:
                continue
            if end <= now:
                logger.info("Retention: video %s reached its end (%s); deleting it",
                            video.id, end.isoformat())
                remove_video(video)
                commit()
                report.deleted += 1
            elif video.retention_notice_at is None:
                _tell_owner(video, end, district)
                video.retention_notice_at = now
                commit()
                report.told += 1
        if district.retain_originals_days:
            report.originals_deleted += _delete_originals(district, now)
        if district.retain_views_days:
            report.views_forgotten += _forget_views(district, now)
    return report


def _forget_views(district: District, now: datetime) -> int:
    """Delete the plays of the district's videos that started before its rule's horizon."""
    from ..viewing.models import VideoView

    forgotten = db.session.execute(delete(VideoView).where(
        VideoView.started_at < now - timedelta(days=district.retain_views_days),
        VideoView.video_id.in_(select(Video.id).where(Video.district_id == district.id)),
    ).execution_options(synchronize_session=False)).rowcount
    commit()
    return forgotten or 0


def _delete_originals(district: District, now: datetime) -> int:
    cutoff = now - timedelta(days=district.retain_originals_days)
    videos = db.session.scalars(select(Video).where(
        Video.district_id == district.id, Video.original_deleted_at.is_(None),
        Video.created_at <= cutoff)).all()
    storage = media_storage()
    for video in videos:
        storage.delete(video.original_key)
        video.original_deleted_at = now
        commit()
    return len(videos)


def _tell_owner(video: Video, end: datetime, district: District) -> None:
    from ..links import app_path, public_base_url
    from ..mail import Mail, queue_mail
    from ..notifications.kinds import MailTopic, NotificationKind
    from ..notifications.member_mail import wanting_it_now
    from ..notifications.services import notify

    whose = ("as you chose" if video.retain_until and video.retain_until <= end
             else f"under {district.name}'s retention rule")
    text = (f"Your video \u201c{video.title}\u201d will be deleted on {end:%B %-d, %Y}, "
            f"{whose}. Keep a copy of anything you need before then.")
    url = app_path("videos.watch", video_id=video.id)
    notify(video.owner, NotificationKind.VIDEO_RETENTION, text, url, video_id=video.id)
    if not wanting_it_now([video.owner], MailTopic.MY_VIDEOS):
        # Mailed even to those who asked for no mail about their videos: it is about to go.
        body = render_template("notifications/mail/notification.txt", name=video.owner.name,
                               text=text, link=public_base_url() + url)
        queue_mail(Mail(to=video.owner.email, subject=text[:120], text=body))
