"""The pages: week calendar, booking in one click, hosting forms, my visits, See it live."""
from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from mastery_share.db_types import utcnow
from mastery_share.extensions import db
from mastery_share.videos.models import Video
from mastery_share.visits.booking import book_slot
from mastery_share.visits.models import Booking, VisitSlot
from tests.conftest import csrf_token, sign_in
from tests.visits.conftest import local_start


def _week_of(slot) -> str:
    return slot.starts_at.astimezone(ZoneInfo(slot.school.time_zone)).date().isoformat()


def test_the_week_calendar_shows_slots_across_schools_with_seats_and_zone(client, host,
                                                                          visitor, open_slot):
    slot = open_slot(host, capacity=3)
    book_slot(visitor, slot.id)
    sign_in(client, visitor)
    page = client.get(f"/visits?week={_week_of(slot)}").get_data(as_text=True)
    assert "Maria Lopez" in page and "North Elementary" in page
    assert "2 of 3 seats left" in page
    assert "9:00–9:45 AM C" in page  # CST or CDT: the zone is named
    assert "Confirmed" in page  # the visitor's own booking instead of a Book button
    filtered = client.get(f"/visits?week={_week_of(slot)}&school={visitor.school_id}")
    assert "Maria Lopez" not in filtered.get_data(as_text=True)


def test_a_classroom_past_its_sign_up_cut_off_offers_no_book_button(client, host, visitor,
                                                                    open_slot):
    slot = open_slot(host, days_ahead=1)
    slot.starts_at = utcnow() + timedelta(hours=6)  # inside the 12-hour cut-off
    slot.ends_at = slot.starts_at + timedelta(minutes=45)
    db.session.commit()
    sign_in(client, visitor)
    page = client.get(f"/visits?week={_week_of(slot)}").get_data(as_text=True)
    assert "Maria Lopez" in page and "Sign-up closed" in page
    assert f'action="/visits/{slot.id}/book"' not in page
    assert "Maria Lopez" not in client.get("/").get_data(as_text=True)  # not an open classroom


def test_an_empty_week_shows_the_message_instead_of_seven_empty_days(client, host, visitor,
                                                                      open_slot):
    slot = open_slot(host)
    sign_in(client, visitor)
    busy = client.get(f"/visits?week={_week_of(slot)}").get_data(as_text=True)
    on_weekend = slot.starts_at.astimezone(ZoneInfo(slot.school.time_zone)).weekday() >= 5
    # The school days, and a weekend day only when the visit falls on it.
    assert busy.count('class="week-day') == (6 if on_weekend else 5)
    assert "No open classrooms this week" not in busy
    quiet_week = (slot.starts_at + timedelta(weeks=3)).astimezone(
        ZoneInfo(slot.school.time_zone)).date().isoformat()
    quiet = client.get(f"/visits?week={quiet_week}").get_data(as_text=True)
    assert "No open classrooms this week" in quiet
    assert 'class="week-grid' not in quiet and 'class="week-day' not in quiet


def test_booking_in_one_click_from_the_calendar(client, host, visitor, open_slot):
    slot = open_slot(host)
    sign_in(client, visitor)
    calendar = f"/visits?week={_week_of(slot)}"
    response = client.post(f"/visits/{slot.id}/book",
                           data={"csrf_token": csrf_token(client, calendar), "next": calendar})
    assert response.status_code == 302 and response.headers["Location"].endswith(calendar)
    assert db.session.query(Booking).one().status == "confirmed"
    assert "You have a seat" in client.get(calendar).get_data(as_text=True)


def test_a_refused_booking_shows_the_reason(client, host, open_slot):
    slot = open_slot(host)
    sign_in(client, host)
    token = csrf_token(client, f"/visits/{slot.id}")
    response = client.post(f"/visits/{slot.id}/book", data={"csrf_token": token},
                           follow_redirects=True)
    assert "your own open classroom" in response.get_data(as_text=True)


def test_opening_a_classroom_from_the_form_in_local_time(client, host):
    sign_in(client, host)
    token = csrf_token(client, "/visits/new")
    day = (utcnow() + timedelta(days=6)).astimezone(ZoneInfo("America/Chicago")).date()
    response = client.post("/visits/new", data={
        "csrf_token": token, "date": day.isoformat(), "start_time": "10:30",
        "duration_min": "40", "capacity": "4", "room": "7", "focus": "Goal setting conferences",
        "practices": ["goal-setting"], "repeat_weekly": "2", "grade_band": "3-5",
        "subject": "Math"})
    assert response.status_code == 302
    slots = db.session.query(VisitSlot).order_by(VisitSlot.starts_at).all()
    assert len(slots) == 3
    local = slots[0].starts_at.astimezone(ZoneInfo("America/Chicago"))
    assert (local.date(), local.hour, local.minute) == (day, 10, 30)
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "10:30–11:10 AM C" in detail and "(Central Time)" in detail and "America/Chicago" not in detail


def test_a_wrong_field_rerenders_the_form_with_the_message(client, host):
    sign_in(client, host)
    token = csrf_token(client, "/visits/new")
    past = (utcnow() - timedelta(days=2)).date().isoformat()
    response = client.post("/visits/new", data={
        "csrf_token": token, "date": past, "start_time": "09:00", "duration_min": "45",
        "capacity": "3", "focus": "Centers", "repeat_weekly": "0"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose a time in the future." in page
    response = client.post("/visits/new", data={"csrf_token": token, "capacity": "0",
                                                 "repeat_weekly": "0"})
    assert response.status_code == 422
    assert "Choose the day." in response.get_data(as_text=True)


def _ready_video(owner) -> Video:
    video = Video(owner_id=owner.id, school_id=owner.school_id, district_id=owner.district_id,
                  title="Math centers", description="", grade_band="3-5", subject="Math",
                  visibility="district", media_release=True, status="ready",
                  media_prefix=f"videos/test{owner.id}/", original_key="k",
                  original_filename="a.mp4", original_bytes=1)
    db.session.add(video)
    db.session.commit()
    return video


def test_opening_from_a_video_prefills_it(client, host):
    video = _ready_video(host)
    sign_in(client, host)
    page = client.get(f"/visits/new?video={video.id}").get_data(as_text=True)
    assert re.search(rf'<input checked[^>]*name="video_ids" type="checkbox" value="{video.id}"', page)
    assert '<option selected value="3-5">' in page


def test_the_video_page_offers_the_teachers_open_slots(client, host, visitor, open_slot):
    video = _ready_video(host)
    slot = open_slot(host, capacity=2)
    sign_in(client, visitor)
    page = client.get(f"/videos/{video.id}").get_data(as_text=True)
    assert "See it live" in page
    assert f"/visits/{slot.id}/book" in page and "2 of 2 seats left" in page


def test_my_visits_lists_hosting_and_visiting_with_the_feed(client, host, visitor, open_slot):
    slot = open_slot(host)
    booking = book_slot(visitor, slot.id)
    sign_in(client, visitor)
    page = client.get("/visits/mine").get_data(as_text=True)
    assert "Maria Lopez · North Elementary" in page
    assert f"/visits/bookings/{booking.id}/cancel" in page
    assert "/calendar/" in page and ".ics" in page
    token = csrf_token(client, "/visits/mine")
    client.post(f"/visits/bookings/{booking.id}/cancel", data={"csrf_token": token})
    db.session.expire_all()
    assert booking.status == "cancelled"


def test_the_host_sees_visitors_and_cancels_the_slot(client, host, visitor, open_slot):
    slot = open_slot(host)
    book_slot(visitor, slot.id)
    sign_in(client, host)
    page = client.get(f"/visits/{slot.id}").get_data(as_text=True)
    assert "Visiting Teacher" in page
    token = csrf_token(client, f"/visits/{slot.id}")
    assert client.post(f"/visits/{slot.id}/cancel", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert slot.status == "cancelled"


def test_a_visitor_cannot_edit_someone_elses_slot(client, host, visitor, open_slot):
    slot = open_slot(host)
    sign_in(client, visitor)
    assert client.get(f"/visits/{slot.id}/edit").status_code == 403


def test_a_principal_sets_the_schools_visit_rules(client, make_user, school):
    principal = make_user("principal")
    sign_in(client, principal)
    token = csrf_token(client, "/visits/rules")
    response = client.post("/visits/rules", data={
        "csrf_token": token, "requires_visit_approval": "y", "visit_signup_cutoff_hours": "24",
        "visit_cancel_cutoff_hours": "48", "monthly_visit_limit": "2"})
    assert response.status_code == 302
    db.session.refresh(school)
    assert (school.requires_visit_approval, school.visit_signup_cutoff_hours,
            school.visit_cancel_cutoff_hours, school.monthly_visit_limit) == (True, 24, 48, 2)


def test_the_calendar_page_runs_a_fixed_number_of_queries(client, host, make_user, school,
                                                          open_slot, app):
    from sqlalchemy import event

    first = open_slot(host)
    sign_in(client, make_user("teacher"))
    week = f"/visits?week={_week_of(first)}"

    def count_queries() -> int:
        statements = []
        listener = lambda *args: statements.append(1)
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(week).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    few = count_queries()
    for n in range(4):
        open_slot(make_user("teacher", school_=school), hour=10 + n,
                  practices=["blended-learning"])
    assert count_queries() == few


def _local_day(slot):
    return slot.starts_at.astimezone(ZoneInfo(slot.school.time_zone)).date()


def test_a_weekend_column_shows_only_when_a_visit_falls_on_it(client, host, visitor, open_slot):
    today = local_start(host.school, 0).date()
    saturday_ahead = (5 - today.weekday()) % 7 + 7  # a Saturday at least a week away
    saturday = open_slot(host, days_ahead=saturday_ahead)
    sign_in(client, visitor)
    page = client.get(f"/visits?week={_week_of(saturday)}").get_data(as_text=True)
    assert 'id="day-' + _local_day(saturday).isoformat() + '"' in page
    assert 'id="day-' + (_local_day(saturday) + timedelta(days=1)).isoformat() + '"' not in page
    assert 'class="week-grid days-6"' in page


def test_without_a_chosen_week_the_calendar_opens_on_the_next_week_with_classrooms(
        client, host, visitor, open_slot):
    later = open_slot(host, days_ahead=22)
    sign_in(client, visitor)
    page = client.get("/visits").get_data(as_text=True)
    assert "this is the next week with open classrooms" in page
    assert f"/visits/{later.id}" in page
    chosen = client.get(f"/visits?week={_local_day(later) - timedelta(days=21)}")
    assert "next week with open classrooms" not in chosen.get_data(as_text=True)


def test_the_filters_fold_behind_a_button_that_counts_them(client, host, visitor, open_slot):
    open_slot(host)
    sign_in(client, visitor)
    page = client.get(f"/visits?school={host.school_id}&grade_band=3-5").get_data(as_text=True)
    assert 'aria-controls="calendar-filters">Filters (2 active)</button>' in page
    assert "Filters (" not in client.get("/visits").get_data(as_text=True)


def test_booking_says_which_visit_was_booked(client, host, visitor, open_slot):
    slot = open_slot(host)
    sign_in(client, visitor)
    token = csrf_token(client, f"/visits/{slot.id}")
    page = client.post(f"/visits/{slot.id}/book", data={"csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)
    assert "Maria Lopez&#39;s classroom, " in page
    assert "9:00\u20139:45 AM" in page and "You have a seat." in page
