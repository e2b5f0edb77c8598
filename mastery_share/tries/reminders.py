"""Reminders on tries: check in when the date arrives, share back after the last check-in.

Both are asked on the teacher's home page (`reminders_for`) and once by mail, from the
scheduler (`send_try_reminders`). Each mail is claimed with a conditional UPDATE on
`check_in_reminded_at` / `reflect_reminded_at` before it is queued, so two schedulers running
at once never send it twice; the mail itself goes out only after the claim commits. Moving a
try's date later re-arms its reminders (services.update_try).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import render_template, url_for
from sqlalchemy import exists, select, update
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..db_types import utcnow
from ..extensions import db
from ..links import app_path, external_url
from ..mail import Mail
from ..notifications.kinds import MailTopic, NotificationKind
from ..notifications.member_mail import send_member_mail
from ..notifications.services import notify
from ..transaction import commit
from .models import CheckIn, Try, TryStatus
from .services import today_for

# The share-back invitation waits this long after the last check-in: a teacher still trying
# checks in again within days, and each new check-in starts the wait again.
REFLECT_AFTER = timedelta(days=2)
# Nothing is mailed about a date (or check-in) older than this: a worker that was down for a
# while, or a try planned with a long-past date, does not bring a flood of stale mail. The
# home page still asks.
MAIL_WINDOW = timedelta(days=14)
# Local dates run from UTC-12 to UTC+14: the widest bounds any school's "today" can have.
_AHEAD, _BEHIND = timedelta(hours=14), timedelta(hours=12)
_OPEN = (TryStatus.PLANNING.value, TryStatus.TRYING.value)

CHECK_IN = "try_check_in"
SHARE_BACK = "try_share_back"


def _last_check_in(try_: Try) -> date | None:
    return max((check_in.on for check_in in try_.check_ins), default=None)


def check_in_due(try_: Try, today: date) -> bool:
    """An open try whose date has come, with no check-in from that day on yet."""
    last = _last_check_in(try_)
    return (try_.is_open and try_.target_date is not None and try_.target_date <= today
            and (last is None or last < try_.target_date))


def share_back_due(try_: Try, today: date) -> bool:
    """A try being tried, checked in on (or after) its date, quiet for REFLECT_AFTER since."""
    last = _last_check_in(try_)
    return (try_.status == TryStatus.TRYING.value and try_.share_back_video_id is None
            and try_.target_date is not None and last is not None
            and last >= try_.target_date and last + REFLECT_AFTER <= today)


@dataclass(frozen=True)
class Reminder:
    try_: Try
    kind: str  # CHECK_IN or SHARE_BACK

    @property
    def asks_check_in(self) -> bool:
        return self.kind == CHECK_IN

    @property
    def path(self) -> str:
        return try_path(self.try_.id)


def try_path(try_id: int) -> str:
    """The try's page (in a request), where the teacher checks in, shares back or sets it
    aside."""
    return url_for("tries.show", try_id=try_id)


def try_link(try_id: int) -> str:
    """The try's page as an absolute link, for mail."""
    return external_url("tries.show", try_id=try_id)


def reminders_for(user: User, today: date | None = None) -> list[Reminder]:
    """The teacher's open tries that ask for a check-in or a share-back today, by date."""
    if not getattr(user, "is_authenticated", False) or user.school_id is None:
        return []
    today = today or today_for(user)
    tries = db.session.scalars(
        select(Try).where(Try.owner_id == user.id, Try.status.in_(_OPEN),
                          Try.target_date <= today)
        .options(selectinload(Try.practice), selectinload(Try.check_ins))
        .order_by(Try.target_date, Try.id))
    reminders = []
    for try_ in tries:
        if check_in_due(try_, today):
            reminders.append(Reminder(try_, CHECK_IN))
        elif share_back_due(try_, today):
            reminders.append(Reminder(try_, SHARE_BACK))
    return reminders


def _candidates(*where) -> list[Try]:
    return list(db.session.scalars(
        select(Try).join(User, User.id == Try.owner_id)
        .where(User.active.is_(True), Try.target_date.is_not(None), *where)
        .options(selectinload(Try.check_ins), selectinload(Try.practice),
                 selectinload(Try.owner).selectinload(User.school))
        .order_by(Try.id)))


def _claim(try_id: int, column: str, now: datetime, *still) -> bool:
    """Mark the reminder sent, if no one else has and the try still asks for it."""
    claimed = db.session.execute(
        update(Try).where(Try.id == try_id, getattr(Try, column).is_(None), *still)
        .values({column: now}).execution_options(synchronize_session=False)).rowcount
    return claimed == 1


def _tell(try_: Try, kind: str) -> None:
    """The reminder in the app (with the claim, in one transaction) and, as the teacher
    chose for "My tries", by mail after the commit."""
    practice = try_.practice.name
    text = {
        CHECK_IN: f"Time to check in on your try of {practice}: how did it go?",
        SHARE_BACK: f"Share back what you learned trying {practice}, or set it aside.",
    }[kind]
    notify(try_.owner, NotificationKind.CHECK_IN_DUE, text, app_path("tries.show", try_id=try_.id))
    subject, template = {
        CHECK_IN: (f"Time to check in: {practice}", "tries/mail/check_in.txt"),
        SHARE_BACK: (f"Share back what you tried: {practice}", "tries/mail/share_back.txt"),
    }[kind]
    body = render_template(template, name=try_.owner.name, practice=practice,
                           plan=try_.plan, target_date=_day(try_.target_date),
                           last_check_in=_day(_last_check_in(try_)), link=try_link(try_.id))
    send_member_mail(try_.owner, MailTopic.TRIES,
                     Mail(to=try_.owner.email, subject=subject, text=body))


def _day(day: date | None) -> str:
    return f"{day:%A, %B} {day.day}" if day is not None else ""


def send_check_in_reminders(now: datetime | None = None) -> int:
    """Ask each active teacher, once per try and date, to check in when its date arrives."""
    now = now or utcnow()
    sent = 0
    for try_ in _candidates(
            Try.status.in_(_OPEN), Try.check_in_reminded_at.is_(None),
            Try.target_date <= (now + _AHEAD).date(),
            Try.target_date >= (now - _BEHIND).date() - MAIL_WINDOW):
        today = today_for(try_.owner, now)
        if (check_in_due(try_, today) and try_.target_date >= today - MAIL_WINDOW
                and _claim(try_.id, "check_in_reminded_at", now, Try.status.in_(_OPEN))):
            _tell(try_, CHECK_IN)
            sent += 1
    commit()
    return sent


def send_share_back_reminders(now: datetime | None = None) -> int:
    """Invite each active teacher, once per try, to share back (or set aside) a try whose
    last check-in on or after its date was REFLECT_AFTER ago."""
    now = now or utcnow()
    oldest = (now - _BEHIND).date() - MAIL_WINDOW - REFLECT_AFTER
    checked_in_since_date = exists().where(CheckIn.try_id == Try.id, CheckIn.on >= oldest,
                                           CheckIn.on >= Try.target_date)
    sent = 0
    for try_ in _candidates(
            Try.status == TryStatus.TRYING.value, Try.share_back_video_id.is_(None),
            Try.reflect_reminded_at.is_(None), checked_in_since_date):
        today = today_for(try_.owner, now)
        if (share_back_due(try_, today)
                and _last_check_in(try_) + REFLECT_AFTER >= today - MAIL_WINDOW
                and _claim(try_.id, "reflect_reminded_at", now,
                           Try.status == TryStatus.TRYING.value)):
            _tell(try_, SHARE_BACK)
            sent += 1
    commit()
    return sent


def send_try_reminders(now: datetime | None = None) -> int:
    """Both kinds, as the scheduler runs them; returns how many were sent."""
    return send_check_in_reminders(now) + send_share_back_reminders(now)
