"""Signed-in browsers a member can see and end one by one (the profile's Sessions list).

`start_browser_session` makes the row and puts its key on the user, so Flask-Login's
`login_user` writes "id.nonce.key" into the session (and remember-me) cookie; the loader
(services.load_user_from_session) accepts a cookie only while its row is open and the nonce is
current. Ending every session (a new password, a role change, deactivation, sign-out) rotates
the nonce and closes the rows.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, delete, or_, select, update
from sqlalchemy.orm import joinedload

from ..db_types import utcnow
from ..errors import NotFound
from ..extensions import db
from ..transaction import commit
from .models import User
from .token_models import ApiToken, SignInSession, hash_secret, new_secret

# last_seen_at is written at most this often: a page view must not always write.
SEEN_EVERY = timedelta(minutes=5)


def start_browser_session(user: User, user_agent: str | None) -> None:
    """A row for this browser (committed); its key rides on `user` into login_user."""
    key = new_secret()
    db.session.add(SignInSession(user_id=user.id, key_hash=hash_secret(key),
                                 user_agent=(user_agent or "")[:200]))
    commit()
    user.browser_key = key


# Built once: building this statement cost more than running it, on every page.
_SIGNED_IN = (
    select(User, SignInSession.id, SignInSession.last_seen_at)
    .join(SignInSession, SignInSession.user_id == User.id)
    .options(joinedload(User.school))
    .where(User.id == bindparam("user_id"), User.session_nonce == bindparam("nonce"),
           User.active.is_(True), SignInSession.key_hash == bindparam("key_hash"),
           SignInSession.ended_at.is_(None))
)


def signed_in_user(user_id: int, nonce: str, key: str) -> User | None:
    """The active member behind a cookie's "id.nonce.key", or None when the nonce is stale or
    this browser's row was ended. One query for both (it runs on every page); the row's last
    sight is refreshed now and then. The member's school comes along: most pages read its
    time zone."""
    found = db.session.execute(
        _SIGNED_IN, {"user_id": user_id, "nonce": nonce, "key_hash": hash_secret(key)}).first()
    if found is None:
        return None
    user, session_id, last_seen_at = found
    if utcnow() - last_seen_at > SEEN_EVERY:
        db.session.execute(update(SignInSession).where(SignInSession.id == session_id)
                           .values(last_seen_at=utcnow()))
        commit()
    return user


def close_all_browser_sessions(user: User) -> None:
    """Not committed: part of services.end_all_sessions' transaction."""
    db.session.execute(update(SignInSession)
                       .where(SignInSession.user_id == user.id, SignInSession.ended_at.is_(None))
                       .values(ended_at=utcnow()))


def my_browser_sessions(user: User) -> list[SignInSession]:
    return list(db.session.scalars(
        select(SignInSession).where(SignInSession.user_id == user.id,
                                    SignInSession.ended_at.is_(None))
        .order_by(SignInSession.last_seen_at.desc(), SignInSession.id.desc())))


def current_session_id(user: User) -> int | None:
    key = getattr(user, "browser_key", None)
    if not key:
        return None
    return db.session.scalar(select(SignInSession.id).where(
        SignInSession.key_hash == hash_secret(key)))


def end_browser_session(user: User, session_id: int) -> None:
    """End one of the member's own browsers; NotFound for anyone else's."""
    ended = db.session.execute(
        update(SignInSession).where(SignInSession.id == session_id,
                                    SignInSession.user_id == user.id,
                                    SignInSession.ended_at.is_(None))
        .values(ended_at=utcnow())).rowcount
    commit()
    if ended != 1:
        raise NotFound("No such session of yours.")


def my_api_tokens(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None),
                               ApiToken.expires_at > utcnow())
        .order_by(ApiToken.created_at.desc())))


def revoke_my_api_token(user: User, token_id: int) -> None:
    revoked = db.session.execute(
        update(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id,
                               ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())).rowcount
    commit()
    if revoked != 1:
        raise NotFound("No such token of yours.")


# Ended sessions and spent tokens stay this long (a member may ask "was that me?"), then go.
KEEP_ENDED = timedelta(days=30)


@dataclass(frozen=True)
class Purged:
    sessions: int
    tokens: int


def purge_spent_sign_ins() -> Purged:
    """Delete sign-in rows no cookie or token can use any more: sessions ended more than
    KEEP_ENDED ago, sessions unseen for longer than any cookie lives (abandoned browsers:
    their key hash would otherwise stay forever), and API tokens expired or revoked more than
    KEEP_ENDED ago. Run daily by the worker (accounts/tasks.py)."""
    now = utcnow()
    config = current_app.config
    longest_cookie = max(config["REMEMBER_COOKIE_DURATION"], config["PERMANENT_SESSION_LIFETIME"])
    sessions = db.session.execute(delete(SignInSession).where(or_(
        SignInSession.ended_at < now - KEEP_ENDED,
        SignInSession.last_seen_at < now - longest_cookie - SEEN_EVERY,
    ))).rowcount
    tokens = db.session.execute(delete(ApiToken).where(or_(
        ApiToken.revoked_at < now - KEEP_ENDED,
        ApiToken.expires_at < now - KEEP_ENDED,
    ))).rowcount
    commit()
    return Purged(sessions=sessions or 0, tokens=tokens or 0)
