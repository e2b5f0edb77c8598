"""Pages of the try loop: start a try from what sparked it, the Plan-Learn-Check-Adjust page,
check-ins with private evidence, set aside and pick up again, and my tries."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select

from ..accounts.models import Practice
from ..errors import DomainError, Forbidden, Invalid, NotFound
from ..extensions import db
from ..forms_support import show_error_on_form
from ..media.storage import ObjectNotFound
from ..videos.forms import practice_choices
from ..videos.playback import ClosingBody
from ..videos.storage_access import media_storage
from ..videos.visibility import can_view
from .evidence import MAX_EVIDENCE_BYTES, check_in_with_evidence, evidence_for_owner
from .forms import (
    ActionForm,
    AdjustForm,
    CheckInForm,
    EditTryForm,
    NewTryForm,
    SetAsideForm,
)
from .models import TryStatus
from .presentation import (
    SPARK_ARGS,
    can_start_try,
    learn_section,
    preview_sparks,
    spark_specs,
    try_from_booking,
)
from .services import (
    due_check_ins,
    get_own_try,
    get_try,
    my_tries,
    pick_up_try,
    start_try,
    try_from_reflection,
    update_try,
)
from .visibility import can_edit_try

bp = Blueprint("tries", __name__)

_PLAN_FIELDS = ("plan", "students", "target_date", "success_looks_like", "learn_notes",
                "visibility")
SET_ASIDE_NOTE = ("Set-aside tries count: a practice you tried and adapted, or learned was "
                  "not right for your class yet, is a success too.")


def _plan_values(form, names=_PLAN_FIELDS) -> dict:
    return {name: getattr(form, name).data for name in names}


def _status(default: int = 200) -> int:
    return 422 if request.method == "POST" else default


def _checked_action() -> None:
    if not ActionForm().validate_on_submit():
        abort(400)


def _practice_choices(first: list[Practice]) -> list:
    """The spark's practices first, then every other one."""
    rest = db.session.scalars(select(Practice).order_by(Practice.position))
    ordered = first + [practice for practice in rest if practice not in first]
    return [("", "Choose…"), *practice_choices(ordered)]


@bp.route("/tries/mine")
@login_required
def mine():
    due = {try_.id for try_ in due_check_ins(current_user)}
    return render_template("tries/mine.html", tries=my_tries(current_user), due=due,
                           can_start=can_start_try(current_user))


@bp.route("/tries/new", methods=["GET", "POST"])
@login_required
def new():
    if not can_start_try(current_user):
        raise Forbidden("Tries belong to a school's classrooms; district admins have none.")
    form = NewTryForm()
    specs = spark_specs(request.form if request.method == "POST" else request.args)
    sparks, practices = preview_sparks(current_user, specs)
    form.practice.choices = _practice_choices(practices)
    if request.method == "GET":
        for name in SPARK_ARGS:
            getattr(form, name).data = request.args.get(name, "")
        form.practice.data = (request.args.get("practice")
                              or (practices[0].slug if practices else ""))
    if form.validate_on_submit():
        try:
            try_ = start_try(current_user, {**_plan_values(form), "practice": form.practice.data,
                                            "sparks": specs})
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash("Your try is planned. Check in here when you have tried it.", "success")
            return redirect(url_for("tries.show", try_id=try_.id))
    return render_template("tries/new.html", form=form, sparks=sparks), _status()


def _show_page(try_id: int, *, status: int = 200, check_in_form=None, set_aside_form=None,
               adjust_form=None):
    try_ = get_try(current_user, try_id)
    owner = can_edit_try(current_user, try_)
    shared = try_.share_back_video
    context = {"try_": try_, "owner": owner, "learn": learn_section(current_user, try_),
               "share_back_video": shared if shared and can_view(current_user, shared) else None,
               "set_aside_note": SET_ASIDE_NOTE}
    if owner:
        context.update(
            check_in_form=check_in_form or CheckInForm(formdata=None),
            set_aside_form=set_aside_form or SetAsideForm(formdata=None),
            adjust_form=adjust_form or AdjustForm(formdata=None, obj=try_),
            action_form=ActionForm(), max_mb=MAX_EVIDENCE_BYTES // 1024 // 1024,
            due=try_.is_open and try_.id in {t.id for t in due_check_ins(current_user)},
            share_url=url_for("videos.new") + f"?try={try_.id}")
    return render_template("tries/show.html", **context), status


@bp.route("/tries/<id:try_id>")
@login_required
def show(try_id: int):
    return _show_page(try_id)


@bp.route("/tries/<id:try_id>/edit", methods=["GET", "POST"])
@login_required
def edit(try_id: int):
    try_ = get_own_try(current_user, try_id)
    form = EditTryForm(obj=try_ if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            update_try(current_user, try_.id, _plan_values(form, (*_PLAN_FIELDS, "adjust")))
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash("Your plan is saved.", "success")
            return redirect(url_for("tries.show", try_id=try_.id))
    return render_template("tries/edit.html", form=form, try_=try_), _status()


@bp.route("/tries/<id:try_id>/check-ins", methods=["POST"])
@login_required
def check_in(try_id: int):
    if (request.content_length or 0) > MAX_EVIDENCE_BYTES + 1024**2:
        abort(413, description=f"A photo or clip may be at most "
                               f"{MAX_EVIDENCE_BYTES // 1024 // 1024} MB.")
    get_own_try(current_user, try_id)  # a reader's post is refused before the form is read
    form = CheckInForm()
    if form.validate_on_submit():
        posted = form.media.data
        media = posted.stream if posted and getattr(posted, "filename", "") else None
        try:
            check_in_with_evidence(current_user, try_id, {
                "on": form.on.data, "what_happened": form.what_happened.data,
                "evidence": form.evidence.data, "adjust": form.adjust.data}, media)
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash("Checked in. Keep going, adjust, or share what you learned.", "success")
            return redirect(url_for("tries.show", try_id=try_id, _anchor="check"))
    return _show_page(try_id, status=422, check_in_form=form)


@bp.route("/tries/<id:try_id>/adjust", methods=["POST"])
@login_required
def adjust(try_id: int):
    get_own_try(current_user, try_id)
    form = AdjustForm()
    if form.validate_on_submit():
        try:
            update_try(current_user, try_id, {"adjust": form.adjust.data})
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash("What you will change next is saved.", "success")
            return redirect(url_for("tries.show", try_id=try_id, _anchor="adjust-step"))
    return _show_page(try_id, status=422, adjust_form=form)


@bp.route("/tries/<id:try_id>/set-aside", methods=["POST"])
@login_required
def set_aside(try_id: int):
    get_own_try(current_user, try_id)
    form = SetAsideForm()
    if form.validate_on_submit():
        try:
            update_try(current_user, try_id, {"status": TryStatus.SET_ASIDE.value,
                                              "set_aside_reason": form.set_aside_reason.data})
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash(f"Set aside. {SET_ASIDE_NOTE}", "success")
            return redirect(url_for("tries.show", try_id=try_id))
    return _show_page(try_id, status=422, set_aside_form=form)


@bp.route("/tries/<id:try_id>/pick-up", methods=["POST"])
@login_required
def pick_up(try_id: int):
    _checked_action()
    try:
        pick_up_try(current_user, try_id)
    except Invalid as error:
        flash(error.fields.get("status", error.message), "danger")
    else:
        flash("Picked up again. Welcome back to it.", "success")
    return redirect(url_for("tries.show", try_id=try_id))


@bp.route("/tries/from-visit/<id:booking_id>", methods=["POST"])
@login_required
def from_reflection(booking_id: int):
    """One step from a visit reflection's "what I will try" to a try credited to the visit."""
    _checked_action()
    existing = try_from_booking(current_user, booking_id)
    if existing is not None:
        flash("You already have a try from this visit: here it is.", "info")
        return redirect(url_for("tries.show", try_id=existing.id))
    try:
        try_ = try_from_reflection(current_user, booking_id)
    except Invalid as error:
        if error.fields.get("practice"):  # the visit named no practice: the form asks
            flash("Choose the practice you will try.", "info")
            return redirect(url_for("tries.new", booking=booking_id))
        flash(error.message, "danger")
        return redirect(url_for("visits.mine"))
    flash("Your try is planned from your reflection. Add a date and what success will look "
          "like.", "success")
    return redirect(url_for("tries.show", try_id=try_.id))


@bp.route("/tries/check-ins/<id:check_in_id>/evidence")
@login_required
def evidence(check_in_id: int):
    """The check-in's photo or clip, to the try's owner only, never cached."""
    found = evidence_for_owner(current_user, check_in_id)
    storage = media_storage()
    try:
        local = storage.local_path(found.key)
        source = local if local is not None else storage.open(found.key)
    except ObjectNotFound:
        raise NotFound("The photo or clip is missing from storage.") from None
    response = send_file(source, mimetype=found.media_type, conditional=local is not None,
                         max_age=0)
    response.response = ClosingBody(response.response)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Disposition"] = "inline"
    return response
