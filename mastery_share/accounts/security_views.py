"""The member's own security page: change the password, see and end signed-in browsers and
API tokens."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user

from ..errors import DomainError
from ..forms_support import show_error_on_form
from .browser_sessions import (
    current_session_id,
    end_browser_session,
    my_api_tokens,
    my_browser_sessions,
    revoke_my_api_token,
    start_browser_session,
)
from .forms import ChangePasswordForm, StaffActionForm
from .services import change_password
from .views import bp


def _page(form: ChangePasswordForm, status: int = 200):
    return render_template("accounts/security.html", form=form,
                           sessions=my_browser_sessions(current_user),
                           current_id=current_session_id(current_user),
                           tokens=my_api_tokens(current_user),
                           action_form=StaffActionForm()), status


@bp.route("/profile/security", methods=["GET", "POST"])
@login_required
def security():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current_password.data, form.password.data)
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            # Every browser (this one too) was signed out: this one signs in again at once.
            member = current_user._get_current_object()
            start_browser_session(member, request.user_agent.string)
            login_user(member)
            flash("Your password is changed. Every other browser and API token is signed "
                  "out.", "success")
            return redirect(url_for("accounts.security"))
    return _page(form, 422 if form.errors else 200)


@bp.route("/profile/sessions/<id:session_id>/end", methods=["POST"])
@login_required
def end_session(session_id: int):
    if StaffActionForm().validate_on_submit():
        ending_this_one = session_id == current_session_id(current_user)
        end_browser_session(current_user, session_id)
        if ending_this_one:
            return redirect(url_for("accounts.sign_in"))
        flash("That browser is signed out.", "success")
    return redirect(url_for("accounts.security"))


@bp.route("/profile/tokens/<id:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    if StaffActionForm().validate_on_submit():
        revoke_my_api_token(current_user, token_id)
        flash("The API token is revoked.", "success")
    return redirect(url_for("accounts.security"))
