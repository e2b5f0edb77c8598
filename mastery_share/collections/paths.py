"""A practice's "Start here" path: the ordered collection a coach, principal or admin flags
as the first videos for members new to that practice.

One path per practice and district: flagging a collection takes the flag off the district's
previous path in the same transaction (the unique constraint on district and practice is
the last word). A path must be visible to the whole district (visibility district or
network), or the new teachers it is for could not open it.
"""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..accounts.models import Practice, User
from ..errors import Conflict, Forbidden, Invalid
from ..extensions import db
from ..transaction import commit, lock_row
from ..videos.models import Visibility
from .models import Collection
from .permissions import can_curate, can_view_collection

FIELD = "start_here_for"  # the practice's slug in forms and raw values; "" for none
PATH_VISIBILITIES = frozenset({Visibility.DISTRICT.value, Visibility.NETWORK.value})
NOT_VISIBLE_ENOUGH = ("A Start-here path must be visible to the district (or every member), so "
                      "every new teacher can open it.")


def _practice(slug) -> Practice | None:
    if slug in (None, ""):
        return None
    practice = db.session.scalar(select(Practice).where(Practice.slug == str(slug)))
    if practice is None:
        raise Invalid("Unknown practice.", {FIELD: "Choose a practice from the list."})
    return practice


def apply_start_here(actor: User, collection: Collection, raw: dict) -> None:
    """Flag or unflag the collection as the path of raw["start_here_for"] (when given), and
    check that a flagged collection is visible to its district. Not committed."""
    if FIELD in raw:
        practice = _practice(raw[FIELD])
        if practice is None:
            collection.path_practice_id = None
        elif practice.id != collection.path_practice_id:
            _flag(actor, collection, practice)
    if (collection.path_practice_id is not None
            and collection.visibility not in PATH_VISIBILITIES):
        raise Invalid(NOT_VISIBLE_ENOUGH,
                      {FIELD if FIELD in raw else "visibility": NOT_VISIBLE_ENOUGH})


def _flag(actor: User, collection: Collection, practice: Practice) -> None:
    if not can_curate(actor):
        raise Forbidden("Only coaches, principals and admins choose a Start-here path.")
    # Flaggers of one practice take turns, so the second one clears the first one's flag
    # instead of failing on the unique constraint.
    lock_row(Practice, practice.id)
    db.session.execute(
        update(Collection)
        .where(Collection.district_id == collection.district_id,
               Collection.path_practice_id == practice.id)
        .values(path_practice_id=None)
        .execution_options(synchronize_session="fetch"))
    collection.path_practice_id = practice.id


def commit_start_here() -> None:
    """Commit a change that may have flagged a path; a flag taken at the very same moment by
    another collection is a Conflict to try again, not a server error."""
    try:
        commit()
    except IntegrityError as error:
        raise Conflict("Another collection just became this practice's Start-here path. "
                       "Try again.") from error


def start_here_path(viewer: User, practice_id: int) -> Collection | None:
    """The viewer's district's Start-here path of the practice, when they may open it."""
    path = db.session.scalar(select(Collection).where(
        Collection.district_id == viewer.district_id,
        Collection.path_practice_id == practice_id))
    return path if path is not None and can_view_collection(viewer, path) else None
