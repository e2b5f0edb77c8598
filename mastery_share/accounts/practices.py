"""The practice taxonomy as members meet it: the list in its curated order, and the practices
a member marked themselves new to (their practice pages show "Start here" first)."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from ..errors import Invalid
from ..extensions import db
from .models import Practice, User, user_new_practices


def all_practices() -> list[Practice]:
    """Every practice, in the order the district curated."""
    return list(db.session.scalars(select(Practice).order_by(Practice.position)))


def set_new_to_practices(user: User, slugs: Iterable[str] | None) -> None:
    """Replace the practices `user` is new to with these (not committed); an unknown slug is
    Invalid, so a typo never silently drops a practice."""
    wanted = list(dict.fromkeys(slug.strip() for slug in slugs or () if slug and slug.strip()))
    practices = list(db.session.scalars(select(Practice).where(Practice.slug.in_(wanted))))
    unknown = set(wanted) - {practice.slug for practice in practices}
    if unknown:
        raise Invalid("Unknown practice.",
                      {"new_to": f"Unknown practice: {', '.join(sorted(unknown))}."})
    user.new_to_practices = sorted(practices, key=lambda practice: practice.position)


def is_new_to_practice(user: User, practice_id: int) -> bool:
    """Whether `user` marked themselves new to the practice."""
    return db.session.scalar(
        select(user_new_practices.c.user_id).where(
            user_new_practices.c.user_id == user.id,
            user_new_practices.c.practice_id == practice_id).limit(1)) is not None
