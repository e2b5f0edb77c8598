"""Who may do what with collections: predicates shared by services and pages."""
from __future__ import annotations

from ..accounts.models import Role, User
from ..videos.models import Visibility
from .models import Collection

CURATOR_ROLES = frozenset({Role.COACH.value, Role.PRINCIPAL.value, Role.ADMIN.value})


def is_member(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def can_curate(user: User | None) -> bool:
    """Coaches, principals and admins build collections; teachers watch them."""
    return is_member(user) and user.role in CURATOR_ROLES


def can_edit_collection(user: User | None, collection: Collection) -> bool:
    """The curator, or an admin of the collection's district."""
    return is_member(user) and (
        collection.curator_id == user.id
        or (user.is_admin and collection.district_id == user.district_id))


def can_view_collection(user: User | None, collection: Collection) -> bool:
    """The same rule as sharing.collections_visible_to, for one loaded collection."""
    if not is_member(user):
        return False
    if collection.visibility == Visibility.NETWORK.value or collection.curator_id == user.id:
        return True
    if user.is_admin:
        return collection.district_id == user.district_id
    if collection.visibility == Visibility.DISTRICT.value:
        return collection.district_id == user.district_id
    if collection.visibility == Visibility.SCHOOL.value:
        return collection.school_id is not None and collection.school_id == user.school_id
    return False
