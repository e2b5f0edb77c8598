"""Sign-ins nobody can use any more are forgotten by the worker's daily pass: sessions ended a
month ago, browsers unseen for longer than any cookie lives, API tokens expired or revoked a
month ago. Everything still usable stays, and a signed-in browser goes on working."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from mastery_share.accounts.api_tokens import issue_api_token, user_for_api_token
from mastery_share.accounts.browser_sessions import purge_spent_sign_ins
from mastery_share.accounts.token_models import ApiToken, SignInSession, hash_secret
from mastery_share.db_types import utcnow
from mastery_share.extensions import db
from tests.conftest import sign_in


def _session(user, *, seen_days_ago: float, ended_days_ago: float | None = None) -> int:
    now = utcnow()
    row = SignInSession(user_id=user.id, key_hash=hash_secret(f"k{seen_days_ago}{ended_days_ago}"),
                        user_agent="test", created_at=now - timedelta(days=seen_days_ago + 1),
                        last_seen_at=now - timedelta(days=seen_days_ago),
                        ended_at=(now - timedelta(days=ended_days_ago)
                                  if ended_days_ago is not None else None))
    db.session.add(row)
    db.session.commit()
    return row.id


def _token(user, *, expired_days_ago: float | None = None,
           revoked_days_ago: float | None = None) -> str:
    secret, _ = issue_api_token(user)
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret)))
    if expired_days_ago is not None:
        row.expires_at = utcnow() - timedelta(days=expired_days_ago)
    if revoked_days_ago is not None:
        row.revoked_at = utcnow() - timedelta(days=revoked_days_ago)
    db.session.commit()
    return secret


def test_only_spent_sign_ins_are_forgotten(app, client, teacher):
    sign_in(client, teacher)  # this browser's own row, seen just now
    kept = {_session(teacher, seen_days_ago=1),
            _session(teacher, seen_days_ago=6, ended_days_ago=5)}
    purged = {_session(teacher, seen_days_ago=32, ended_days_ago=31),
              _session(teacher, seen_days_ago=20)}  # abandoned: no cookie lives 20 days
    live_token = _token(teacher)
    recently_revoked = _token(teacher, revoked_days_ago=1)
    _token(teacher, revoked_days_ago=40)
    _token(teacher, expired_days_ago=40)

    purged_now = purge_spent_sign_ins()
    assert (purged_now.sessions, purged_now.tokens) == (2, 2)
    left = set(db.session.scalars(select(SignInSession.id)))
    assert kept <= left and not purged & left
    assert len(left) == len(kept) + 1  # and the browser signed in above
    assert client.get("/").status_code == 200 and "Welcome" in client.get("/").get_data(
        as_text=True)
    assert user_for_api_token(live_token) is not None
    assert db.session.scalar(select(ApiToken.id).where(
        ApiToken.token_hash == hash_secret(recently_revoked))) is not None
    assert db.session.scalar(select(ApiToken.id).where(ApiToken.revoked_at.is_(None),
                                                       ApiToken.expires_at < utcnow())) is None
    assert len(db.session.scalars(select(ApiToken.id)).all()) == 2
