"""Bearer tokens for the API: issued against a password, revocable, expiring."""
from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..db_types import utcnow
from ..extensions import db
from ..transaction import commit
from .models import User
from .token_models import ApiToken, hash_secret, new_secret


def issue_api_token(user: User) -> tuple[str, datetime]:
    """A new secret for `user`; only its hash is stored, so it is shown once."""
    secret = new_secret()
    token = ApiToken(
        user=user,
        token_hash=hash_secret(secret),
        expires_at=utcnow() + current_app.config["API_TOKEN_TTL"],
    )
    db.session.add(token)
    commit()
    return secret, token.expires_at


def user_for_api_token(secret: str) -> User | None:
    """The active member behind a live token, else None."""
    # One query (it runs on every API call), the member's school with it: most answers
    # need its time zone or name.
    return db.session.scalar(
        select(User).join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == hash_secret(secret or ""), ApiToken.revoked_at.is_(None),
               ApiToken.expires_at > utcnow(), User.active.is_(True))
        .options(joinedload(User.school)))


def revoke_api_token(secret: str) -> bool:
    """Revoke the token; True when it was live."""
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_secret(secret or ""))
    )
    if token is None or token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    commit()
    return True
