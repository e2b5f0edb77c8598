"""Pages where principals and admins find their staff and invite people, one by one or from
a CSV."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ..db_types import utcnow
from ..errors import DomainError
from ..extensions import db
from ..forms_support import show_error_on_form
from ..query_args import query_int, query_page
from ..videos.release import WIDEST_CHOICES
from ..videos.retention import MAX_RETENTION_DAYS
from .forms import InviteForm, StaffActionForm, StaffCsvForm
from .invitations import (
    invitable_roles,
    invitable_schools,
    invite_staff,
    invite_staff_csv,
    preview_staff_csv,
)
from .models import Role
from .sso import district_requires_sso
from .staff import StaffFilters, list_staff
from .token_models import Invitation
from .views import bp

STAFF_PAGE = 50


def _require_inviter():
    if not current_user.can_invite:
        abort(403, description="Only principals and admins can invite staff.")


def _school_choices(form) -> list:
    schools = invitable_schools(current_user)
    form.school_id.choices = [SelectChoice(school.id, school.name) for school in schools]
    if current_user.school_id and not form.school_id.data:
        form.school_id.data = current_user.school_id
    return schools


def _staff_filters() -> StaffFilters:
    active = {"yes": True, "no": False}.get(request.args.get("active", ""))
    role = request.args.get("role") or None
    return StaffFilters(q=request.args.get("q", "")[:120], school_id=query_int("school"),
                        role=role if role in {r.value for r in Role} else None, active=active)


def _staff_overview(schools):
    filters = _staff_filters()
    members, total = list_staff(current_user, filters, query_page(), STAFF_PAGE)
    school_ids = [school.id for school in schools]
    pending = db.session.scalars(
        select(Invitation)
        .where(Invitation.school_id.in_(school_ids), Invitation.accepted_at.is_(None),
               Invitation.expires_at > utcnow())
        .order_by(Invitation.created_at.desc())
    ).all()
    return members, total, filters, pending


@bp.route("/staff", methods=["GET", "POST"])
@login_required
def staff():
    _require_inviter()
    form = InviteForm()
    form.role.choices = [SelectChoice(role, role.capitalize())
                         for role in invitable_roles(current_user)]
    schools = _school_choices(form)
    if form.validate_on_submit():
        try:
            invitation = invite_staff(
                current_user, email=form.email.data, name=form.name.data, role=form.role.data,
                school_id=form.school_id.data, grade_bands=form.grade_bands.data,
                subjects=form.subjects.data,
            )
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash(f"Invitation sent to {invitation.email}.", "success")
            return redirect(url_for("accounts.staff"))
    members, total, filters, pending = _staff_overview(schools)
    status = 422 if form.errors else 200
    return render_template("accounts/staff.html", form=form, members=members, total=total,
                           filters=filters, schools=schools, roles=list(Role),
                           pending=pending, action_form=StaffActionForm(),
                           page=query_page(), per_page=STAFF_PAGE,
                           require_sso=district_requires_sso(current_user),
                           release_widest_choices=WIDEST_CHOICES,
                           max_retention_days=MAX_RETENTION_DAYS,
                           # What the admin typed in the retention form that was refused.
                           retention_typed=session.pop("retention_typed", None)), status


@bp.route("/staff/import", methods=["GET", "POST"])
@login_required
def staff_import():
    _require_inviter()
    form = StaffCsvForm()
    _school_choices(form)
    rows = None
    if form.validate_on_submit():
        text = _csv_text(form)
        sending = request.form.get("action") == "send"
        try:
            if sending:
                rows = invite_staff_csv(current_user, form.school_id.data, text)
            else:
                rows = preview_staff_csv(current_user, form.school_id.data, text)
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            if sending:
                sent = sum(row.will_invite for row in rows)
                flash(f"{sent} invitation{'s' if sent != 1 else ''} sent; "
                      f"{len(rows) - sent} row{'s' if len(rows) - sent != 1 else ''} skipped.",
                      "success")
                return redirect(url_for("accounts.staff"))
            # The preview's send button re-posts the same rows as text.
            form.csv_text.data = text
    return render_template("accounts/staff_import.html", form=form, rows=rows)


def _csv_text(form: StaffCsvForm) -> str:
    upload = form.csv_file.data
    if upload and getattr(upload, "filename", ""):
        raw = upload.read(1_000_000)
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return raw.decode("latin-1")
    return form.csv_text.data or ""
