"""Pages for signing in and out, invitations, password resets and the profile."""
from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from ..errors import DomainError, Invalid, NotFound
from ..extensions import limiter
from ..forms_support import show_error_on_form
from ..safe_redirect import safe_next_url
from .browser_sessions import start_browser_session
from .forms import (
    AcceptInvitationForm,
    ForgotPasswordForm,
    ProfileForm,
    ResetPasswordForm,
    SignInForm,
)
from .invitations import accept_invitation as accept_invitation_service
from .invitations import find_invitation
from .password_reset import find_reset, request_password_reset
from .password_reset import reset_password as reset_password_service
from .practices import all_practices
from .services import authenticate, update_profile
from .sessions import sign_out_everywhere
from .sign_in_limits import TOO_MANY_SIGN_IN_ATTEMPTS, form_email, sign_in_limited

bp = Blueprint("accounts", __name__)


def _config_limit(name: str):
    return lambda: current_app.config[name]


@bp.errorhandler(429)
def too_many_attempts(error):
    if request.endpoint == "accounts.sign_in":
        form = SignInForm()
        return render_template("accounts/sign_in.html", form=form,
                               limit_message=TOO_MANY_SIGN_IN_ATTEMPTS), 429
    return render_template("errors/error.html", status=429,
                           message=TOO_MANY_SIGN_IN_ATTEMPTS), 429


@bp.route("/sign-in", methods=["GET", "POST"])
@sign_in_limited(form_email)
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data)
        except DomainError as error:
            form.password.errors = [error.message]
            return render_template("accounts/sign_in.html", form=form), 401
        start_browser_session(user, request.user_agent.string)
        login_user(user, remember=form.remember.data)
        flash(f"Welcome back, {user.name}.", "success")
        return redirect(safe_next_url(request.args.get("next"), url_for("main.home")))
    status = 400 if form.is_submitted() else 200
    return render_template("accounts/sign_in.html", form=form), status


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    if current_user.is_authenticated:
        # Clearing this browser's cookies is not enough: a copy of them must die too.
        sign_out_everywhere(current_user)
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("accounts.sign_in"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_config_limit("SIGN_IN_LIMIT_PER_ADDRESS"), methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_password_reset(form.email.data)
        flash("If that email belongs to an account, a reset link is on its way. "
              "It works once, within two hours.", "info")
        return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        find_reset(token)
    except (NotFound, Invalid) as error:
        return render_template("accounts/link_problem.html", message=error.message,
                               retry_url=url_for("accounts.forgot_password"),
                               retry_label="Ask for a new reset link"), error.status
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            reset_password_service(token, form.password.data)
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash("Your password is changed. Sign in with it now.", "success")
            return redirect(url_for("accounts.sign_in"))
    return render_template("accounts/reset_password.html", form=form)


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    try:
        invitation = find_invitation(token)
    except (NotFound, Invalid) as error:
        return render_template("accounts/link_problem.html", message=error.message,
                               retry_url=url_for("accounts.sign_in"),
                               retry_label="Go to sign in"), error.status
    form = AcceptInvitationForm()
    if request.method == "GET":
        form.name.data = invitation.name
    if form.validate_on_submit():
        try:
            user = accept_invitation_service(token, password=form.password.data,
                                             name=form.name.data)
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            start_browser_session(user, request.user_agent.string)
            login_user(user)
            flash(f"Welcome to Mastery Share, {user.name}.", "success")
            return redirect(url_for("main.home"))
    return render_template("accounts/accept_invitation.html", form=form, invitation=invitation)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    form.new_to.choices = [(practice.slug, practice.name) for practice in all_practices()]
    if request.method == "GET":
        form.new_to.data = [practice.slug for practice in current_user.new_to_practices]
    if form.validate_on_submit():
        try:
            update_profile(current_user, name=form.name.data, grade_bands=form.grade_bands.data,
                           subjects=form.subjects.data, new_to_practices=form.new_to.data or [])
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash("Your profile is saved.", "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form)
