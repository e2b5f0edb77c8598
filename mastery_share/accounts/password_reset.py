"""Password reset by an emailed, single-use, expiring link."""
from __future__ import annotations

from flask import current_app, render_template
from sqlalchemy import select, update

from ..db_types import utcnow
from ..errors import Invalid, NotFound
from ..extensions import db
from ..links import external_url
from ..mail import Mail, queue_mail
from ..transaction import commit, rollback
from .models import User
from .services import find_user_by_email, set_password
from .token_models import PasswordReset, hash_secret, new_secret


def request_password_reset(email: str) -> None:
    """Email a reset link if the address belongs to an active member; silent otherwise,
    so the form does not reveal who has an account."""
    user = find_user_by_email(email or "")
    if user is None or not user.active:
        return
    secret = new_secret()
    db.session.add(PasswordReset(
        user=user,
        token_hash=hash_secret(secret),
        expires_at=utcnow() + current_app.config["PASSWORD_RESET_TTL"],
    ))
    link = external_url("accounts.reset_password", token=secret)
    queue_mail(Mail(
        to=user.email,
        subject="Reset your Mastery Share password",
        text=render_template("mail/password_reset.txt", user=user, link=link,
                             ttl=current_app.config["PASSWORD_RESET_TTL"]),
    ))
    commit()


def find_reset(secret: str) -> PasswordReset:
    """The reset behind a link, or why the link no longer works."""
    reset = db.session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == hash_secret(secret or ""))
    )
    if reset is None:
        raise NotFound("This reset link is not valid. Ask for a new one.")
    if reset.used_at is not None:
        raise Invalid("This reset link has already been used. Ask for a new one if needed.")
    if reset.expires_at <= utcnow():
        raise Invalid("This reset link has expired. Ask for a new one.")
    return reset


def reset_password(secret: str, new_password: str) -> User:
    """Set the new password once per link; every other session of the member ends."""
    reset = find_reset(secret)
    user = reset.user
    try:
        set_password(user, new_password)
    except Invalid:
        rollback()
        raise
    now = utcnow()
    claimed = db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    if claimed != 1:
        rollback()
        raise Invalid("This reset link has already been used. Ask for a new one if needed.")
    # Any other link mailed earlier stops working too.
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    commit()
    return user
