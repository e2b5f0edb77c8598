"""A try with a date asks its teacher to check in when the date arrives, and to share back
after the last check-in: on the home page, and once by mail, however many schedulers run."""
from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from mastery_share.accounts.models import District, School, User
from mastery_share.extensions import db
from mastery_share.tries.models import Try
from mastery_share.tries.reminders import (
    send_check_in_reminders,
    send_share_back_reminders,
    send_try_reminders,
)
from mastery_share.tries.services import add_check_in, start_try, today_for, update_try
from tests.conftest import message_text, outbox_messages, sign_in
from tests.notifications.conftest import notifications_of
from tests.postgres import migrated_postgres_app
from tests.waiting import wait_until

CHICAGO = ZoneInfo("America/Chicago")


def at(day: date, hour: int, minute: int = 0, zone: ZoneInfo = CHICAGO) -> datetime:
    """The UTC moment a school's clocks show `hour:minute` on `day`."""
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)


def mail_to(app, user) -> list:
    return [message for message in outbox_messages(app) if message["To"] == user.email]


def dated_try(make_try, teacher, days_ahead: int, **raw) -> Try:
    target = today_for(teacher) + timedelta(days=days_ahead)
    return make_try(teacher, target_date=target.isoformat(), **raw)


def test_check_in_reminder_comes_once_when_the_date_arrives_in_the_schools_zone(
        app, teacher, make_try):
    try_ = dated_try(make_try, teacher, 3)
    target = try_.target_date
    assert send_check_in_reminders(now=at(target - timedelta(days=1), 12)) == 0
    # 11:30 pm the evening before in Chicago is already the date in UTC: not yet.
    assert at(target - timedelta(days=1), 23, 30).date() == target
    assert send_check_in_reminders(now=at(target - timedelta(days=1), 23, 30)) == 0
    assert mail_to(app, teacher) == []
    assert send_check_in_reminders(now=at(target, 0, 30)) == 1
    assert send_check_in_reminders(now=at(target, 9)) == 0
    assert send_check_in_reminders(now=at(target + timedelta(days=1), 9)) == 0
    [message] = mail_to(app, teacher)
    assert message["Subject"] == "Time to check in: Flexible grouping"
    assert f"/tries/{try_.id}" in message_text(message)
    [told] = notifications_of(teacher)  # and once in the app, linking to the try
    assert told.kind == "check_in_due" and told.url == f"/tries/{try_.id}"
    assert told.text == "Time to check in on your try of Flexible grouping: how did it go?"


def test_no_reminder_for_a_try_without_a_date_or_long_past_it(app, teacher, make_try):
    make_try(teacher)
    old = dated_try(make_try, teacher, -40)
    assert send_try_reminders(now=at(today_for(teacher), 9)) == 0
    db.session.refresh(old)
    assert old.check_in_reminded_at is None


def test_set_aside_shared_back_and_deactivated_teachers_get_no_reminders(
        app, teacher, make_user, make_try):
    set_aside = dated_try(make_try, teacher, 1)
    update_try(teacher, set_aside.id, {"status": "set_aside",
                                       "set_aside_reason": "The unit ended early."})
    shared = dated_try(make_try, teacher, 1)
    db.session.execute(update(Try).where(Try.id == shared.id).values(status="shared_back"))
    leaver = make_user("teacher")
    dated_try(make_try, leaver, 1)
    leaver.active = False
    db.session.commit()
    assert send_try_reminders(now=at(today_for(teacher) + timedelta(days=2), 9)) == 0
    assert outbox_messages(app) == []


def test_a_try_set_aside_after_it_was_loaded_is_not_claimed(app, teacher, make_try):
    """The claim re-checks the state: a teacher setting a try aside while the scheduler runs
    gets no reminder about it."""
    try_ = dated_try(make_try, teacher, 0)
    db.session.execute(update(Try).where(Try.id == try_.id)
                       .values(status="set_aside", set_aside_reason="Not this term."))
    from mastery_share.tries import reminders

    assert reminders._claim(try_.id, "check_in_reminded_at", datetime.now(UTC),
                            Try.status.in_(reminders._OPEN)) is False


def test_moving_the_date_later_asks_again_and_moving_it_earlier_does_not(
        app, teacher, make_try):
    try_ = dated_try(make_try, teacher, 1)
    first = try_.target_date
    assert send_check_in_reminders(now=at(first, 9)) == 1
    update_try(teacher, try_.id, {"target_date": (first - timedelta(days=1)).isoformat()})
    assert send_check_in_reminders(now=at(first, 10)) == 0
    later = first + timedelta(days=7)
    update_try(teacher, try_.id, {"target_date": later.isoformat()})
    assert send_check_in_reminders(now=at(first, 11)) == 0
    assert send_check_in_reminders(now=at(later, 7)) == 1
    assert len(mail_to(app, teacher)) == 2


def test_a_check_in_on_the_date_replaces_the_check_in_reminder(app, teacher, make_try):
    try_ = dated_try(make_try, teacher, 0)
    add_check_in(teacher, try_.id, {"on": try_.target_date.isoformat(),
                                    "what_happened": "Groups from the exit tickets."})
    assert send_check_in_reminders(now=at(try_.target_date, 18)) == 0


def test_share_back_invitation_comes_two_days_after_the_last_check_in_once(
        app, teacher, make_try):
    try_ = dated_try(make_try, teacher, -9)
    target = try_.target_date
    add_check_in(teacher, try_.id, {"on": (target - timedelta(days=2)).isoformat(),
                                    "what_happened": "Started with two groups."})
    # A check-in before the date is not the last one: nothing to share back yet.
    assert send_share_back_reminders(now=at(target + timedelta(days=1), 9)) == 0
    add_check_in(teacher, try_.id, {"on": target.isoformat(),
                                    "what_happened": "Three groups, rotating every 15 min."})
    assert send_share_back_reminders(now=at(target + timedelta(days=1), 9)) == 0
    add_check_in(teacher, try_.id, {"on": (target + timedelta(days=3)).isoformat(),
                                    "what_happened": "Exit tickets up from 12 to 19."})
    # Each check-in starts the wait again.
    assert send_share_back_reminders(now=at(target + timedelta(days=4), 9)) == 0
    assert send_share_back_reminders(now=at(target + timedelta(days=5), 9)) == 1
    assert send_share_back_reminders(now=at(target + timedelta(days=6), 9)) == 0
    [message] = mail_to(app, teacher)
    assert message["Subject"] == "Share back what you tried: Flexible grouping"
    text = message_text(message)
    assert f"/tries/{try_.id}" in text and "set it aside" in text


def test_the_mail_links_to_the_try_and_tells_nothing_of_anyone_else(
        app, teacher, far_teacher, make_try):
    mine = dated_try(make_try, teacher, 1, plan="Rotate three groups by exit ticket")
    theirs = dated_try(make_try, far_teacher, 1, plan="Farah's secret seating plan",
                       practice="goal-setting", visibility="only_me")
    send_check_in_reminders(now=at(mine.target_date + timedelta(days=1), 12))
    [to_me] = mail_to(app, teacher)
    [to_them] = mail_to(app, far_teacher)
    text = message_text(to_me)
    assert f"/tries/{mine.id}" in text and f"/tries/{theirs.id}" not in text
    assert text.startswith(f"Hello {teacher.name},")
    assert "Rotate three groups" in text
    for stranger in ("Farah", far_teacher.email, "secret seating", "Goal-setting"):
        assert stranger not in text and stranger not in to_me["Subject"]
    assert "Rotate three groups" not in message_text(to_them)
    assert to_me["To"] == teacher.email


def test_reminders_are_delivered_over_smtp(app, smtp_server, teacher, make_try):
    _, inbox = smtp_server
    try_ = dated_try(make_try, teacher, 0)
    assert send_check_in_reminders(now=at(try_.target_date, 9)) == 1
    wait_until(lambda: inbox.messages)
    [message] = inbox.messages
    assert message["To"] == teacher.email and message["Subject"].startswith("Time to check in")
    assert outbox_messages(app) == []


def test_the_scheduled_task_sends_what_is_due_now(app, teacher, make_try):
    from mastery_share.tries.tasks import send_try_reminders_task

    dated_try(make_try, teacher, -1)
    send_try_reminders_task()
    assert len(mail_to(app, teacher)) == 1


def test_the_home_page_lists_the_teachers_due_check_ins_only(
        app, client, teacher, far_teacher, make_try):
    due = dated_try(make_try, teacher, -1)
    later = dated_try(make_try, teacher, 5, practice="goal-setting")
    dated_try(make_try, far_teacher, -1, practice="differentiation")
    sign_in(client, teacher)
    page = client.get("/").get_data(as_text=True)
    assert "Check-ins due" in page
    assert f'href="/tries/{due.id}"' in page and f"/tries/{later.id}\"" not in page
    assert "Goal-setting" not in page.split("Check-ins due")[1].split("</section>")[0]
    assert "Differentiation" not in page.split("Check-ins due")[1].split("</section>")[0]
    other = app.test_client()
    sign_in(other, far_teacher)
    assert f"/tries/{due.id}" not in other.get("/").get_data(as_text=True)


def test_the_home_page_asks_to_share_back_after_the_last_check_in(
        app, client, teacher, make_try):
    try_ = dated_try(make_try, teacher, -5)
    add_check_in(teacher, try_.id, {"on": try_.target_date.isoformat(),
                                    "what_happened": "It worked."})
    sign_in(client, teacher)
    page = client.get("/").get_data(as_text=True)
    assert "Share back or set aside" in page and f'href="/tries/{try_.id}"' in page


# --- two schedulers at once, on SQLite and on PostgreSQL -------------------------------------

SCHEDULERS = 6
TRIES = 4


def _teacher_with_dated_tries(district_name: str) -> tuple[User, date]:
    from mastery_share.accounts.services import hash_password

    district = District(name=district_name, slug=district_name.lower().replace(" ", "-"))
    school = School(name="North Elementary", time_zone="America/Chicago", district=district)
    teacher = User(email="maria@example.org", name="Maria Lopez", role="teacher",
                   district=district, school=school, password_hash=hash_password("x" * 12))
    db.session.add_all([district, school, teacher])
    db.session.commit()
    target = today_for(teacher) + timedelta(days=1)
    for number in range(TRIES):
        start_try(teacher, {"practice": "flexible-grouping", "plan": f"Plan {number}",
                            "target_date": target.isoformat()})
    return teacher, target


def _run_schedulers_at_once(app, now: datetime) -> list:
    results: list = [None] * SCHEDULERS
    barrier = threading.Barrier(SCHEDULERS)

    def run(index: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results[index] = send_try_reminders(now=now)
            except Exception as error:  # noqa: BLE001 - the test reports what each got
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(SCHEDULERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _check_each_try_reminded_once(app, teacher: User, results: list) -> None:
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sum(results) == TRIES
    assert len(mail_to(app, teacher)) == TRIES
    db.session.expire_all()
    assert all(t.check_in_reminded_at is not None for t in db.session.scalars(select(Try)))


def test_concurrent_schedulers_send_each_reminder_once_on_sqlite(app):
    teacher, target = _teacher_with_dated_tries("Race District")
    results = _run_schedulers_at_once(app, at(target, 8))
    _check_each_try_reminded_once(app, teacher, results)


@pytest.mark.postgres
def test_concurrent_schedulers_send_each_reminder_once_on_postgresql(tmp_path: Path):
    with migrated_postgres_app(tmp_path, pool_size=SCHEDULERS + 2) as app:
        teacher, target = _teacher_with_dated_tries("Race District")
        results = _run_schedulers_at_once(app, at(target, 8))
        _check_each_try_reminded_once(app, teacher, results)
