"""Bearer-token authentication for API views."""
from __future__ import annotations

import functools

from flask import g, request

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
