"""Ending a member's sessions: sign-out, and the role and active changes that must end them.

The rule itself (a new session nonce, API tokens revoked) is services.end_all_sessions, which
a new password also goes through; every change of password, role or active calls it.
"""
from __future__ import annotations

from ..transaction import commit
from .models import User
from .services import clean_role, end_all_sessions


def sign_out_everywhere(user: User) -> None:
    """Sign `user` out of every browser and revoke their API tokens (committed): a session
    or remember-me cookie captured before sign-out is worthless when replayed."""
    end_all_sessions(user)
    commit()


def change_membership(user: User, *, role: str | None = None,
                      active: bool | None = None) -> User:
    """Set a member's role and/or active flag (committed); any real change ends all their
    sessions and tokens, so nobody keeps rights they no longer have.

    The staff service calls this after checking that the actor may make the change.
    """
    new_role = clean_role(role) if role is not None else user.role
    new_active = user.active if active is None else bool(active)
    if (new_role, new_active) != (user.role, user.active):
        user.role, user.active = new_role, new_active
        end_all_sessions(user)
    commit()
    return user
