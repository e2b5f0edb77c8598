"""Bearer-token authentication for API views."""
from __future__ import annotations

import functools

from flask import g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from ..accounts.api_tokens import user_for_api_token
from ..errors import Unauthorized


def bearer_secret() -> str | None:
    scheme, _, secret = (request.headers.get("Authorization") or "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def token_required(view):
    """Reject the request with 401 unless it carries a live bearer token; sets g.api_user."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        secret = bearer_secret()
        if secret is None:
            raise Unauthorized("Send 'Authorization: Bearer <token>' (POST /api/v1/tokens).")
        user = user_for_api_token(secret)
        if user is None:
            raise Unauthorized("This token is not valid: it expired or was revoked.")
        g.api_user = user
        return view(*args, **kwargs)

    return wrapper


BEARER = [{"bearerAuth": []}]


def member_required(view):
    """A bearer token, or the browser's session plus an X-CSRFToken header on writes.

    The upload page's own JavaScript uses the session; other clients use tokens. A session
    alone is never enough for a write: another site could make the browser send it.
    """

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        secret = bearer_secret()
        if secret is not None:
            return token_required(view)(*args, **kwargs)
        if not current_user.is_authenticated:
            raise Unauthorized("Sign in, or send 'Authorization: Bearer <token>'.")
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            try:
                validate_csrf(request.headers.get("X-CSRFToken"))
            except (ValidationError, CSRFError) as error:
                raise CSRFError("Reload the page and try again (missing or expired CSRF token).") from error
        g.api_user = current_user._get_current_object()
        return view(*args, **kwargs)

    return wrapper
