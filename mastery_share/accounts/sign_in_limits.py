"""One limit on password guessing, whichever door is used: the sign-in form or
POST /api/v1/tokens.

Both doors count against the same two buckets (shared scopes): one per account, so a
locked account cannot be unlocked by switching to the API, and one per client address, so
one client cannot guess across many accounts. Only failed attempts (401) count, so members who
sign in often are never locked out. The address is the real client's once
MASTERY_TRUSTED_PROXIES says how many reverse proxies to believe (see create_app).
"""
from __future__ import annotations

from collections.abc import Callable

from flask import current_app, request

from ..extensions import limiter

TOO_MANY_SIGN_IN_ATTEMPTS = ("Too many sign-in attempts. Please wait 15 minutes, "
                             "or reset your password.")


def form_email() -> str:
    """The email typed into the sign-in form."""
    return request.form.get("email") or ""


def basic_auth_email() -> str:
    """The email sent with HTTP Basic authentication."""
    auth = request.authorization
    return (auth.username or "") if auth is not None and auth.type == "basic" else ""


def _failed(response) -> bool:
    return response.status_code == 401


def _setting(name: str):
    return lambda: current_app.config[name]


_per_address = limiter.shared_limit(
    _setting("SIGN_IN_LIMIT_PER_ADDRESS"), scope="sign-in-address", methods=["POST"],
    deduct_when=_failed, error_message=TOO_MANY_SIGN_IN_ATTEMPTS)


def sign_in_limited(email_of: Callable[[], str]):
    """Decorate a view that checks the password of the account `email_of()` names: it shares
    the per-account and per-address buckets with every other such view; over either, the
    answer is 429 with Retry-After.

    The account key comes from the credential the view itself checks, so a request cannot
    name one account in a header and guess at another in the form.
    """
    def account_key() -> str:
        # Folded as find_user_by_email folds it: case or spaces make no new bucket.
        return "sign-in:" + email_of().strip().lower()

    per_account = limiter.shared_limit(
        _setting("SIGN_IN_LIMIT_PER_ACCOUNT"), scope="sign-in-account", key_func=account_key,
        methods=["POST"], deduct_when=_failed, error_message=TOO_MANY_SIGN_IN_ATTEMPTS)

    def decorate(view):
        return _per_address(per_account(view))

    return decorate
