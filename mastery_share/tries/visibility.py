"""Who may read a try: one rule for pages, the API, lineage, counts and the spread map."""
from __future__ import annotations

from sqlalchemy import and_, false, or_
from sqlalchemy.sql.elements import ColumnElement

from ..accounts.models import Role, User
from .models import Try, TryVisibility

LEADER_ROLES = frozenset({Role.COACH.value, Role.PRINCIPAL.value})
# The visibilities a school's coach and principal (and district admins) read.
_SHARED_WITH_LEADERS = (TryVisibility.LEADERS.value, TryVisibility.SCHOOL.value,
                        TryVisibility.DISTRICT.value)
_SHARED_WITH_SCHOOL = (TryVisibility.SCHOOL.value, TryVisibility.DISTRICT.value)


def _is_member(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def tries_visible_to(user: User | None) -> ColumnElement[bool]:
    """A WHERE clause selecting the tries whose text `user` may read.

    "Only me" is the teacher alone, not even an admin: a plan is a personal thing until its
    teacher shares it.
    """
    if not _is_member(user):
        return false()
    clauses = [Try.owner_id == user.id,
               and_(Try.visibility == TryVisibility.DISTRICT.value,
                    Try.district_id == user.district_id)]
    if user.school_id is not None:
        clauses.append(and_(Try.visibility.in_(_SHARED_WITH_SCHOOL),
                            Try.school_id == user.school_id))
    if user.role in LEADER_ROLES and user.school_id is not None:
        clauses.append(and_(Try.visibility.in_(_SHARED_WITH_LEADERS),
                            Try.school_id == user.school_id))
    if user.is_admin:
        clauses.append(and_(Try.visibility.in_(_SHARED_WITH_LEADERS),
                            Try.district_id == user.district_id))
    return or_(*clauses)


def can_see_try(user: User | None, try_: Try) -> bool:
    """The same rule as tries_visible_to, for one loaded try."""
    if not _is_member(user):
        return False
    if try_.owner_id == user.id:
        return True
    visibility = try_.visibility
    if visibility == TryVisibility.ONLY_ME.value:
        return False
    if visibility == TryVisibility.DISTRICT.value and try_.district_id == user.district_id:
        return True
    same_school = user.school_id is not None and try_.school_id == user.school_id
    if visibility in _SHARED_WITH_SCHOOL and same_school:
        return True
    if user.role in LEADER_ROLES and same_school:
        return True
    return bool(user.is_admin and try_.district_id == user.district_id)


def can_edit_try(user: User | None, try_: Try) -> bool:
    """Only its teacher plans, checks in on and shares back a try."""
    return _is_member(user) and try_.owner_id == user.id
