"""Pages where principals and admins change a member (role, school, access), hand a departed
member's videos on, and resend or revoke invitations. The rules live in staff.py."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from ..errors import DomainError, Forbidden
from ..extensions import db
from ..forms_support import show_error_on_form
from ..query_args import form_id
from ..videos.models import Video
from .forms import HandVideosForm, StaffActionForm, StaffChangeForm
from .invitations import invitable_roles, invitable_schools
from .models import Role, User
from .sso import set_new_members_school, set_require_sso
from .staff import (
    get_staff_member,
    hand_videos,
    resend_invitation,
    revoke_invitation,
    update_staff,
)
from .views import bp


def _change_form(member: User) -> StaffChangeForm:
    form = StaffChangeForm(formdata=request.form if request.method == "POST" else None,
                           data={"role": member.role, "school_id": member.school_id or 0,
                                 "active": "yes" if member.active else "no"})
    roles = (invitable_roles(current_user) if current_user.is_admin
             else [Role.TEACHER.value, Role.COACH.value])
    form.role.choices = [SelectChoice(role, role.capitalize()) for role in roles]
    schools = [SelectChoice(school.id, school.name) for school in invitable_schools(current_user)]
    if current_user.is_admin:
        schools.insert(0, SelectChoice(0, "No school (district admins)"))
    form.school_id.choices = schools
    return form


def _hand_form(member: User) -> HandVideosForm | None:
    if not current_user.is_admin or member.school_id is None:
        return None
    form = HandVideosForm(formdata=request.form if request.method == "POST" else None)
    colleagues = db.session.scalars(select(User).where(
        User.school_id == member.school_id, User.active.is_(True), User.id != member.id)
        .order_by(User.name))
    form.to_user_id.choices = [SelectChoice(user.id, user.name) for user in colleagues]
    return form


def _page(member: User, form: StaffChangeForm, hand_form, status: int = 200):
    videos = db.session.scalar(select(func.count()).select_from(Video)
                               .where(Video.owner_id == member.id)) or 0
    return render_template("accounts/staff_member.html", member=member, form=form,
                           hand_form=hand_form, videos=videos,
                           is_self=member.id == current_user.id), status


@bp.route("/staff/<id:user_id>", methods=["GET", "POST"])
@login_required
def staff_member(user_id: int):
    member = get_staff_member(current_user, user_id)
    form = _change_form(member)
    if request.method == "POST" and form.validate_on_submit():
        try:
            update_staff(current_user, member.id, {
                "role": form.role.data, "school_id": form.school_id.data or None,
                "active": form.active.data == "yes"})
        except DomainError as error:
            if error.status in (403, 404) and not error.fields:
                flash(error.message, "danger")
                return _page(member, form, _hand_form(member), 403)
            show_error_on_form(form, error)
            return _page(member, form, _hand_form(member), 422)
        flash(f"{member.name}'s role, school and access are saved. Any change signed them out "
              "everywhere.", "success")
        return redirect(url_for("accounts.staff_member", user_id=member.id))
    return _page(member, form, _hand_form(member), 422 if form.errors else 200)


@bp.route("/staff/<id:user_id>/hand-videos", methods=["POST"])
@login_required
def staff_hand_videos(user_id: int):
    member = get_staff_member(current_user, user_id)
    form = _hand_form(member)
    if form is None:
        raise Forbidden("Only admins hand videos to another member.")
    if form.validate_on_submit():
        try:
            moved = hand_videos(current_user, member.id, form.to_user_id.data)
        except DomainError as error:
            if error.status != 422:
                raise
            flash(error.message, "danger")
        else:
            flash(f"{moved} video{'s' if moved != 1 else ''} handed on.", "success")
    else:
        flash("Choose a member of the school from the list to hand the videos to.", "danger")
    return redirect(url_for("accounts.staff_member", user_id=member.id))


def _staff_action(action, success) -> object:
    """Run one staff-page button's service (CSRF checked): its 422 is flashed on the staff
    page, a 403 or 404 is the error page; `success(result)` words the flash."""
    if StaffActionForm().validate_on_submit():
        try:
            result = action()
        except DomainError as error:
            if error.status != 422:
                raise
            flash(error.message, "danger")
        else:
            flash(success(result), "success")
    return redirect(url_for("accounts.staff"))


@bp.route("/staff/invitations/<id:invitation_id>/resend", methods=["POST"])
@login_required
def staff_resend_invitation(invitation_id: int):
    return _staff_action(lambda: resend_invitation(current_user, invitation_id),
                         lambda sent: f"A fresh invitation is on its way to {sent.email}.")


@bp.route("/staff/invitations/<id:invitation_id>/revoke", methods=["POST"])
@login_required
def staff_revoke_invitation(invitation_id: int):
    return _staff_action(lambda: revoke_invitation(current_user, invitation_id),
                         lambda _: "The invitation is revoked: its link no longer works.")


@bp.route("/staff/sign-in-rule", methods=["POST"])
@login_required
def staff_sign_in_rule():
    """An admin requires (or stops requiring) the district's own sign-in for every member."""
    required = request.form.get("require_sso") == "yes"
    return _staff_action(
        lambda: set_require_sso(current_user, required),
        lambda _: ("Members now sign in only through the district." if required else
                   "Members may sign in with a password again."))


@bp.route("/staff/new-members", methods=["POST"])
@login_required
def staff_new_members_school():
    """An admin lets verified district accounts without an invitation join one school as
    teachers, or (no school) asks them to get an invitation."""
    return _staff_action(lambda: set_new_members_school(current_user, form_id("school_id")),
                         lambda _: "Saved: who may join through the district's sign-in.")
