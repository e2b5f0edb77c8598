"""Staff who come and go: finding members, changing a role or school, deactivating and
reactivating, handing a member's videos on, and resending or revoking invitations.

Admins manage their whole district; principals manage their own school's teachers and
coaches (and fellow principals' invitations, which they may send). Nobody changes their own
role, school or active flag: a district always keeps someone who can undo a mistake. Every
change of role, school or active flag ends the member's sessions and API tokens in the same
transaction (sessions.change_membership's rule), so nobody keeps rights they no longer have;
deactivating also closes the classrooms they opened and gives up their visits (events.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, or_, select, update

from ..db_types import utcnow
from ..errors import Forbidden, Invalid, NotFound
from ..extensions import db
from ..mail import queue_mail
from ..transaction import atomic, commit, lock_row
from .events import member_deactivated
from .invitations import _invitation_mail, invitable_roles
from .models import Role, School, User
from .services import clean_role, end_all_sessions
from .token_models import Invitation, hash_secret, new_secret

PAGE_SIZE = 50


@dataclass(frozen=True)
class StaffFilters:
    q: str = ""
    school_id: int | None = None
    role: str | None = None
    active: bool | None = None  # None: both


def _require_manager(actor: User) -> None:
    if not actor.can_invite:
        raise Forbidden("Only principals and admins manage staff.")


def _in_scope(actor: User):
    """The members `actor` may see on the staff page and API."""
    if actor.is_admin:
        return User.district_id == actor.district_id
    return User.school_id == actor.school_id


def list_staff(actor: User, filters: StaffFilters, page: int = 1,
               per_page: int = PAGE_SIZE) -> tuple[list[User], int]:
    """Members in the actor's scope matching the filters, by name; and how many match."""
    _require_manager(actor)
    query = select(User).where(_in_scope(actor))
    # LIKE's own wildcards are dropped from what was typed: they would match anything.
    words = "".join(char for char in " ".join(filters.q.split()).lower() if char not in "%_\\")
    if words:
        pattern = f"%{words}%"
        query = query.where(or_(func.lower(User.name).like(pattern), User.email.like(pattern)))
    if filters.school_id:
        query = query.where(User.school_id == filters.school_id)
    if filters.role:
        query = query.where(User.role == filters.role)
    if filters.active is not None:
        query = query.where(User.active.is_(filters.active))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    members = list(db.session.scalars(query.order_by(User.name, User.id)
                                      .offset((page - 1) * per_page).limit(per_page)))
    return members, total


def get_staff_member(actor: User, user_id: int) -> User:
    _require_manager(actor)
    member = db.session.get(User, user_id)
    if member is None or not db.session.scalar(select(User.id).where(User.id == user_id,
                                                                     _in_scope(actor))):
        raise NotFound("No such member on your staff.")
    return member


def _check_may_change(actor: User, member: User) -> None:
    if member.id == actor.id:
        raise Forbidden("You cannot change your own role, school or access; ask another "
                        "admin.")
    if not actor.is_admin and member.role not in (Role.TEACHER.value, Role.COACH.value):
        raise Forbidden("Principals change their teachers and coaches; ask an admin about "
                        "principals and admins.")


def _new_school(actor: User, school_id, role: str) -> int | None:
    if role == Role.ADMIN.value:
        return None  # admins belong to the district, not a school
    school = db.session.get(School, school_id) if school_id else None
    if school is None or school.district_id != actor.district_id:
        raise Invalid("Choose one of your district's schools.", {"school_id": "Unknown school."})
    if not actor.is_admin and school.id != actor.school_id:
        raise Forbidden("Principals keep staff in their own school; ask an admin to move "
                        "someone.")
    return school.id


@atomic
def update_staff(actor: User, user_id: int, raw: dict) -> User:
    """Change a member's `role`, `school_id` and/or `active` (only those given)."""
    member = get_staff_member(actor, user_id)
    _check_may_change(actor, member)
    lock_row(User, member.id)
    db.session.refresh(member)
    role = clean_role(raw["role"]) if raw.get("role") is not None else member.role
    if role != member.role and role not in invitable_roles(actor):
        raise Forbidden(f"You cannot make someone {role}.")
    if not actor.is_admin and role not in (Role.TEACHER.value, Role.COACH.value):
        raise Forbidden(f"You cannot make someone {role}.")
    school_id = member.school_id
    if "school_id" in raw or role != member.role:
        school_id = _new_school(actor, raw.get("school_id", member.school_id), role)
    active = member.active if raw.get("active") is None else bool(raw["active"])
    if (role, school_id, active) != (member.role, member.school_id, member.active):
        leaving = member.active and not active
        member.role, member.school_id, member.active = role, school_id, active
        end_all_sessions(member)
        if leaving:
            member_deactivated(member, actor)
    commit()
    return member


@atomic
def hand_videos(actor: User, from_user_id: int, to_user_id: int) -> int:
    """Give every video of a member (usually one who left) to another active member of the
    same school; admins only. Returns how many moved."""
    from ..search.queue import reindex_video_later
    from ..videos.models import Video

    if not actor.is_admin:
        raise Forbidden("Only admins hand videos to another member.")
    giver = get_staff_member(actor, from_user_id)
    taker = get_staff_member(actor, to_user_id)
    if taker.id == giver.id or not taker.active or taker.school_id is None \
            or taker.school_id != giver.school_id:
        raise Invalid("Choose an active member of the same school.",
                      {"to_user_id": "An active member of the same school."})
    ids = list(db.session.scalars(select(Video.id).where(Video.owner_id == giver.id)))
    db.session.execute(update(Video).where(Video.id.in_(ids)).values(owner_id=taker.id)
                       .execution_options(synchronize_session=False))
    for video_id in ids:  # the teacher's name is searchable
        reindex_video_later(video_id)
    commit()
    return len(ids)


def _managed_invitation(actor: User, invitation_id: int) -> Invitation:
    _require_manager(actor)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.school.district_id != actor.district_id or (
            not actor.is_admin and invitation.school_id != actor.school_id):
        raise NotFound("No such invitation.")
    if invitation.accepted_at is not None:
        raise Invalid("This invitation was accepted: the person is a member now.")
    return invitation


@atomic
def resend_invitation(actor: User, invitation_id: int) -> Invitation:
    """A fresh link, valid for the full time again; the earlier link stops working."""
    invitation = _managed_invitation(actor, invitation_id)
    secret = new_secret()
    invitation.token_hash = hash_secret(secret)
    invitation.expires_at = utcnow() + current_app.config["INVITATION_TTL"]
    queue_mail(_invitation_mail(invitation, secret))
    commit()
    return invitation


@atomic
def revoke_invitation(actor: User, invitation_id: int) -> None:
    """The link stops working at once (the row stays, as a record)."""
    invitation = _managed_invitation(actor, invitation_id)
    invitation.expires_at = min(invitation.expires_at, utcnow())
    commit()
