"""Pages: the week calendar, a slot, hosting forms, my visits, approvals, reflections, the
practice page and the calendar feed."""
from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select

from ..accounts.models import GRADE_BANDS, SUBJECTS, Practice, School
from ..db_types import utcnow
from ..errors import DomainError, NotFound
from ..extensions import db
from ..forms_support import show_error_on_form
from ..query_args import query_date, query_int
from ..safe_redirect import safe_next_url
from ..tries.levels import practice_levels
from ..tries.sparks import attended
from ..videos.forms import practice_choices
from ..videos.models import Video, VideoStatus
from ..videos.services import get_video
from . import models  # noqa: F401  (the models are registered with the app's metadata)
from .approvals import (
    approval_queue,
    approve_booking,
    decline_booking,
    managed_school,
    update_visit_rules,
)
from .booking import (
    book_slot,
    can_cancel_booking,
    cancel_booking,
    cancel_closes_at,
    signup_closes_at,
)
from .calendar import (
    SlotFilters,
    my_visits,
    next_open_day,
    upcoming_slots,
    week_of,
    with_seats,
)
from .invites import room_label
from .calendar_feed import (
    calendar_feed_url,
    feed_ics,
    member_for_feed_token,
    reset_calendar_feed,
)
from .forms import (
    ActionForm,
    EditSlotForm,
    ReflectionForm,
    SlotForm,
    VisitRulesForm,
    offer_repeated_time,
)
from .local_time import (
    format_day,
    format_time_range,
    format_when,
    to_local,
    week_start,
    zone_label,
)
from .models import Booking
from .permissions import can_host, can_manage_slot
from .reflections import (
    can_reflect,
    practice_visit_stats,
    reflections_for_slot,
    write_reflection,
)
from .slots import (
    cancel_series_from,
    cancel_slot,
    create_slots,
    get_managed_slot,
    get_slot,
    later_in_series,
    local_fields,
    update_slot,
    visitors_of,
)

bp = Blueprint("visits", __name__)


# ---- template helpers -------------------------------------------------------------------

@bp.app_template_filter("room_label")
def room_label_filter(room: str | None) -> str:
    return room_label(room)


@bp.app_template_filter("visit_when")
def visit_when(slot) -> str:
    """'Tue Nov 24, 9:00–9:45 AM CST' in the slot's school zone."""
    return format_when(slot.starts_at, slot.ends_at, slot.school.time_zone)


@bp.app_template_filter("visit_time")
def visit_time(slot) -> str:
    return format_time_range(slot.starts_at, slot.ends_at, slot.school.time_zone)


@bp.app_template_filter("visit_day")
def visit_day(slot) -> str:
    return format_day(slot.starts_at, slot.school.time_zone)


@bp.app_template_filter("zone_label")
def visit_zone_label(zone_name: str) -> str:
    """'Central Time' for America/Chicago: the IANA name means little to a reader."""
    return zone_label(zone_name)


@bp.app_context_processor
def visit_helpers():
    return {"visit_action_form": ActionForm}


def _safe_next(default: str) -> str:
    return safe_next_url(request.form.get("next") or request.args.get("next"), default)


def _practices() -> list[Practice]:
    return list(db.session.scalars(select(Practice).order_by(Practice.position)))


def _viewer_zone() -> str:
    if current_user.school is not None:
        return current_user.school.time_zone
    school = db.session.scalar(select(School).where(School.district_id == current_user.district_id)
                               .order_by(School.id).limit(1))
    return school.time_zone if school else "UTC"


def _int_arg(name: str) -> int | None:
    return query_int(name)


# ---- the calendar -------------------------------------------------------------------------

@bp.route("/visits")
@login_required
def calendar():
    zone_name = _viewer_zone()
    now = utcnow()
    today = to_local(now, zone_name).date()
    asked = query_date("week")
    filters = SlotFilters(school_id=_int_arg("school"),
                          practice=request.args.get("practice") or None,
                          grade_band=request.args.get("grade_band") or None,
                          subject=request.args.get("subject") or None)
    # Without a chosen week, open on the first week that has a classroom still to visit:
    # an empty week is a dead end, especially on a phone.
    moved_from = None
    day = asked or today
    if asked is None:
        first = next_open_day(current_user, now, zone_name, filters)
        if first is not None and week_start(first) > week_start(today):
            moved_from, day = week_start(today), first
    week = week_of(current_user, week_start(day), zone_name, filters)
    schools = db.session.scalars(select(School).where(
        School.district_id == current_user.district_id).order_by(School.name)).all()
    return render_template("visits/calendar.html", week=week, filters=filters,
                           practices=_practices(), schools=schools, grade_bands=GRADE_BANDS,
                           subjects=SUBJECTS, action_form=ActionForm(), today=today,
                           can_host=can_host(current_user), moved_from=moved_from)


@bp.route("/visits/<id:slot_id>")
@login_required
def slot_detail(slot_id: int):
    slot = get_slot(current_user, slot_id)
    view = with_seats(current_user, [slot])[0]
    manager = can_manage_slot(current_user, slot)
    bookings = reflections = []
    if manager:
        bookings = visitors_of(current_user, slot)
        reflections = reflections_for_slot(current_user, slot.id)
    series_left = len(later_in_series(slot)) if manager and slot.series_id else 0
    return render_template("visits/slot.html", view=view, slot=slot, manager=manager,
                           series_left=series_left,
                           bookings=bookings, reflections=reflections,
                           action_form=ActionForm(), signup_closes_at=signup_closes_at(slot),
                           cancel_closes_at=cancel_closes_at(slot), now=utcnow(),
                           can_cancel_booking=can_cancel_booking, attended=attended)


# ---- hosting --------------------------------------------------------------------------------

def _slot_values(form) -> dict:
    values = {"date": form.date.data, "start_time": form.start_time.data,
              "duration_min": form.duration_min.data, "capacity": form.capacity.data,
              "room": form.room.data or "", "focus": form.focus.data or "",
              "practices": form.practices.data or [], "video_ids": form.video_ids.data or [],
              "grade_band": form.grade_band.data or None, "subject": form.subject.data or None,
              "level": form.level.data or None, "occurrence": form.occurrence.data}
    if getattr(form, "repeat_weekly", None) is not None:
        values["repeat_weekly"] = form.repeat_weekly.data
    return values


def _prepare_slot_form(form, host, zone_name: str) -> None:
    offer_repeated_time(form, zone_name)
    form.practices.choices = practice_choices(_practices())
    videos = db.session.scalars(select(Video).where(
        Video.owner_id == host.id, Video.status == VideoStatus.READY.value)
        .order_by(Video.created_at.desc())).all()
    form.video_ids.choices = [(video.id, video.title) for video in videos]


def _prefill_from_video(form) -> Video | None:
    video_id = _int_arg("video")
    if not video_id:
        return None
    try:
        video = get_video(current_user, video_id)
    except NotFound:
        return None
    if video.owner_id == current_user.id:
        form.video_ids.data = [video.id]
    form.practices.data = [practice.slug for practice in video.practices]
    form.grade_band.data, form.subject.data = video.grade_band, video.subject
    form.level.data = video.level
    return video


@bp.route("/visits/new", methods=["GET", "POST"])
@login_required
def new_slot():
    if not can_host(current_user):
        abort(403, description="Only members of a school can open a classroom.")
    form = SlotForm()
    _prepare_slot_form(form, current_user, current_user.school.time_zone)
    video = None
    if request.method == "GET":
        video = _prefill_from_video(form)
        form.date.data = query_date("date") or form.date.data
    if form.validate_on_submit():
        try:
            slots = create_slots(current_user, _slot_values(form))
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash(f"Your classroom is open for visits{f' ({len(slots)} weeks)' if len(slots) > 1 else ''}.",
                  "success")
            return redirect(url_for("visits.slot_detail", slot_id=slots[0].id))
    status = 422 if request.method == "POST" else 200
    return render_template("visits/slot_form.html", form=form, video=video, slot=None,
                           zone_name=current_user.school.time_zone), status


@bp.route("/visits/<id:slot_id>/edit", methods=["GET", "POST"])
@login_required
def edit_slot(slot_id: int):
    slot = get_managed_slot(current_user, slot_id)
    form = EditSlotForm(data=None if request.method == "POST" else {
        **local_fields(slot), "capacity": slot.capacity, "room": slot.room, "focus": slot.focus,
        "grade_band": slot.grade_band or "", "subject": slot.subject or "",
        "level": slot.level or "",
        "practices": [p.slug for p in slot.practices], "video_ids": [v.id for v in slot.videos]})
    _prepare_slot_form(form, slot.host, slot.school.time_zone)
    if form.validate_on_submit():
        try:
            update_slot(current_user, slot.id, _slot_values(form))
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash("Saved. Visitors were sent the new details if the time or room changed.",
                  "success")
            return redirect(url_for("visits.slot_detail", slot_id=slot.id))
    status = 422 if request.method == "POST" else 200
    return render_template("visits/slot_form.html", form=form, slot=slot, video=None,
                           zone_name=slot.school.time_zone), status


@bp.route("/visits/<id:slot_id>/cancel", methods=["POST"])
@login_required
def cancel_slot_view(slot_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    bookings = cancel_slot(current_user, slot_id)
    flash(f"The open classroom is cancelled; {len(bookings)} visitor"
          f"{'s were' if len(bookings) != 1 else ' was'} told.", "success")
    return redirect(url_for("visits.mine"))


@bp.route("/visits/<id:slot_id>/cancel-series", methods=["POST"])
@login_required
def cancel_series_view(slot_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    occurrences, bookings = cancel_series_from(current_user, slot_id)
    flash(f"{occurrences} date{'s are' if occurrences != 1 else ' is'} cancelled; {bookings} "
          f"booking{'s were' if bookings != 1 else ' was'} cancelled and the visitors told.",
          "success")
    return redirect(url_for("visits.mine"))


# ---- visiting -------------------------------------------------------------------------------

_WAITLISTED = "The visit is full: you are on the waitlist and will be told if a seat opens."
_PENDING = ("Your principal approves visits to other schools: your request is waiting for "
            "approval.")
_BOOKED = {"confirmed": ("You have a seat. The invitation is in your email.", "success"),
           "waitlisted": (_WAITLISTED, "info"), "pending_approval": (_PENDING, "info")}


def _booked_message(booking) -> tuple[str, str]:
    """The confirmation names the visit, so nobody has to look up what they just booked."""
    message, category = _BOOKED[booking.status]
    slot = booking.slot
    return f"{slot.host.name}'s classroom, {visit_when(slot)}. {message}", category


@bp.route("/visits/<id:slot_id>/book", methods=["POST"])
@login_required
def book(slot_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    back = _safe_next(url_for("visits.slot_detail", slot_id=slot_id))
    try:
        booking = book_slot(current_user, slot_id)
    except DomainError as error:
        if error.status == 404:
            raise
        flash(error.message, "danger")
        return redirect(back)
    flash(*_booked_message(booking))
    return redirect(back)


@bp.route("/visits/bookings/<id:booking_id>/cancel", methods=["POST"])
@login_required
def cancel_booking_view(booking_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    back = _safe_next(url_for("visits.mine"))
    try:
        cancel_booking(current_user, booking_id)
    except DomainError as error:
        if error.status == 404:
            raise
        flash(error.message, "danger")
        return redirect(back)
    flash("The booking is cancelled and the calendar cancellation is in the mail.", "success")
    return redirect(back)


@bp.route("/visits/mine")
@login_required
def mine():
    return render_template("visits/mine.html", visits=my_visits(current_user),
                           action_form=ActionForm(), now=utcnow(),
                           can_cancel_booking=can_cancel_booking, can_reflect=can_reflect,
                           attended=attended, feed_url=calendar_feed_url(current_user),
                           can_host=can_host(current_user))


@bp.route("/visits/bookings/<id:booking_id>/reflection", methods=["GET", "POST"])
@login_required
def reflect(booking_id: int):
    booking = db.session.get(Booking, booking_id)
    if booking is None or booking.visitor_id != current_user.id:
        raise NotFound("No such visit of yours.")
    existing = booking.reflection
    if existing is None and not can_reflect(current_user, booking):
        # Said before anything is typed: the form would only refuse it on saving.
        flash(f"You can reflect on this visit once it has begun "
              f"({visit_when(booking.slot)}), if you have a seat.", "info")
        return redirect(url_for("visits.mine", _anchor=f"booking-{booking.id}"))
    form = ReflectionForm(obj=existing if request.method == "GET" else None)
    form.practices.choices = practice_choices(_practices())
    if request.method == "GET":
        form.practices.data = ([p.slug for p in existing.practices] if existing
                               else [p.slug for p in booking.slot.practices])
    if form.validate_on_submit():
        try:
            write_reflection(current_user, booking.id, {
                "saw": form.saw.data, "will_try": form.will_try.data,
                "practices": form.practices.data or []})
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash("Thank you: your reflection is saved, and your host can read it.", "success")
            return redirect(url_for("visits.mine", _anchor=f"booking-{booking.id}"))
    status = 422 if request.method == "POST" else 200
    return render_template("visits/reflection.html", form=form, booking=booking,
                           slot=booking.slot), status


# ---- principals -----------------------------------------------------------------------------

@bp.route("/visits/approvals")
@login_required
def approvals():
    return render_template("visits/approvals.html", bookings=approval_queue(current_user),
                           action_form=ActionForm())


def _decide(decide, booking_id: int, message: str, *args):
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        booking = decide(current_user, booking_id, *args)
    except DomainError as error:
        if error.status in (403, 404):
            raise
        flash(error.message, "danger")
    else:
        flash(message.format(name=booking.visitor.name, status=booking.status_enum.label.lower()),
              "success")
    return redirect(safe_next_url(request.form.get("next"), url_for("visits.approvals")))


@bp.route("/visits/approvals/<id:booking_id>/approve", methods=["POST"])
@login_required
def approve(booking_id: int):
    return _decide(approve_booking, booking_id, "{name}'s visit is approved ({status}).")


@bp.route("/visits/approvals/<id:booking_id>/decline", methods=["POST"])
@login_required
def decline(booking_id: int):
    return _decide(decline_booking, booking_id, "{name}'s visit is declined; they were told why.",
                   request.form.get("reason"))


@bp.route("/visits/rules", methods=["GET", "POST"])
@login_required
def visit_rules():
    school = managed_school(current_user, _int_arg("school") or current_user.school_id)
    form = VisitRulesForm(obj=school if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            update_visit_rules(current_user, school.id,
                               requires_approval=form.requires_visit_approval.data,
                               signup_cutoff_hours=form.visit_signup_cutoff_hours.data,
                               cancel_cutoff_hours=form.visit_cancel_cutoff_hours.data,
                               monthly_limit=form.monthly_visit_limit.data)
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash(f"{school.name}'s visit rules are saved.", "success")
            return redirect(url_for("visits.visit_rules", school=school.id))
    status = 422 if request.method == "POST" else 200
    return render_template("visits/rules.html", form=form, school=school), status


# ---- practice page and calendar feed -------------------------------------------------------

@bp.route("/practices/<slug>")
@login_required
def practice(slug: str):
    found = db.session.scalar(select(Practice).where(Practice.slug == slug))
    if found is None:
        raise NotFound("No such practice.")
    return render_template("visits/practice.html", practice=found,
                           slots=upcoming_slots(current_user, SlotFilters(practice=slug),
                                                limit=30),
                           stats=practice_visit_stats(found, current_user.district_id),
                           levels=practice_levels(current_user, found),
                           action_form=ActionForm())


@bp.route("/visits/calendar-feed/reset", methods=["POST"])
@login_required
def reset_feed():
    if not ActionForm().validate_on_submit():
        abort(400)
    reset_calendar_feed(current_user)
    flash("Your old calendar link no longer works. Subscribe again with the new one.", "success")
    return redirect(url_for("visits.mine") + "#calendar-feed")


@bp.route("/calendar/<token>.ics")
def calendar_feed(token: str):
    """The secret subscription itself: no session (calendar apps fetch it), the token is the key."""
    member = member_for_feed_token(token)
    response = Response(feed_ics(member), mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="mastery-share-visits.ics"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response
