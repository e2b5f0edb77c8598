"""District sign-in pages: the button's redirect to the provider and its callback."""
from __future__ import annotations

from authlib.common.errors import AuthlibBaseError
from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user
from joserfc.errors import JoseError
from requests import RequestException

from ..errors import DomainError
from ..links import external_url
from ..safe_redirect import safe_next_url
from .browser_sessions import start_browser_session
from .sso import NotInvited, client_for, providers, sign_in_with
from .views import bp

_NEXT = "sso_next"


def _problem(message: str, status: int):
    return render_template("accounts/sso_problem.html", message=message), status


@bp.get("/sign-in/sso/<name>")
def sso_start(name: str):
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    client = client_for(name)
    session[_NEXT] = safe_next_url(request.args.get("next"), url_for("main.home"))
    try:
        return client.authorize_redirect(external_url("accounts.sso_callback", name=name))
    except (AuthlibBaseError, RequestException):
        return _problem(f"{providers()[name]['label']} sign-in cannot be reached right now. "
                        "Try again in a minute.", 502)


@bp.get("/sign-in/sso/<name>/callback")
def sso_callback(name: str):
    client = client_for(name)
    label = providers()[name]["label"]
    if request.args.get("error"):
        return _problem(f"{label} did not sign you in ({request.args['error'][:80]}).", 400)
    try:
        token = client.authorize_access_token()
        claims = token.get("userinfo")
    except (AuthlibBaseError, JoseError, RequestException, ValueError):
        # A wrong audience, an expired token, a bad signature, a state this browser never
        # had (or used up): Authlib and joserfc check them all; none signs anyone in.
        return _problem(f"Signing in with {label} did not work: the answer could not be "
                        "trusted or has expired. Start again from the sign-in page.", 400)
    if not claims:
        return _problem(f"{label} sent no ID token. Ask your district's IT team.", 400)
    try:
        user = sign_in_with(name, dict(claims))
    except NotInvited as error:
        return render_template("accounts/sso_not_invited.html", message=error.message), 403
    except DomainError as error:
        return _problem(error.message, error.status)
    start_browser_session(user, request.user_agent.string)
    login_user(user)
    flash(f"Welcome back, {user.name}.", "success")
    return redirect(session.pop(_NEXT, None) or url_for("main.home"))
