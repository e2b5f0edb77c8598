"""Curating collections: create one, change its details, delete it.

Only coaches, principals and admins create collections; only the curator (and admins of the
district) change one. Item changes live in items.py.
"""
from __future__ import annotations

from datetime import date

from ..accounts.models import User
from ..errors import Forbidden, Invalid
from ..extensions import db
from ..links import app_path
from ..notifications.services import forget_notifications_linking
from ..text_fields import clean_text
from ..transaction import atomic, commit
from ..videos.models import Visibility
from .announce import announce_if_ready
from .models import Collection
from .paths import apply_start_here, commit_start_here
from .permissions import can_curate
from .sharing import get_editable_collection

TITLE_MAX = 200
PURPOSE_MAX = 5000
VISIBILITIES = tuple(v.value for v in Visibility)
MEETING_YEARS = (2000, 2100)


def _text(raw: dict, name: str, limit: int, *, required: bool = False) -> str | None:
    value = raw.get(name)
    if value is None:
        if required:
            raise Invalid(f"Give the collection a {name}.", {name: "Required."})
        return None
    value = clean_text(value, field=name, limit=limit, multiline=name != "title")
    if required and not value:
        raise Invalid(f"Give the collection a {name}.", {name: "Required."})
    return value


def _meeting_date(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError as error:
            raise Invalid("Give the meeting date as YYYY-MM-DD.",
                          {"meeting_date": "Use YYYY-MM-DD."}) from error
    if not isinstance(value, date) or not MEETING_YEARS[0] <= value.year <= MEETING_YEARS[1]:
        raise Invalid("That meeting date is out of range.", {"meeting_date": "Out of range."})
    return value


def clean_collection_fields(raw: dict, *, partial: bool = False) -> dict:
    """Validated title, purpose, meeting date and visibility (only those given, if partial)."""
    values: dict = {}
    if not partial or "title" in raw:
        values["title"] = _text(raw, "title", TITLE_MAX, required=True)
    if "purpose" in raw or not partial:
        values["purpose"] = _text(raw, "purpose", PURPOSE_MAX) or ""
    if "meeting_date" in raw or not partial:
        values["meeting_date"] = _meeting_date(raw.get("meeting_date"))
    if "visibility" in raw or not partial:
        visibility = raw.get("visibility") or Visibility.SCHOOL.value
        if visibility not in VISIBILITIES:
            raise Invalid("Choose who can see the collection.",
                          {"visibility": f"One of {', '.join(VISIBILITIES)}."})
        values["visibility"] = visibility
    return values


@atomic
def create_collection(curator: User, raw: dict) -> Collection:
    """A new, empty collection curated by a coach, principal or admin (and, when
    raw["start_here_for"] names a practice, that practice's Start-here path: paths.py)."""
    if not can_curate(curator):
        raise Forbidden("Only coaches, principals and admins create collections.")
    collection = Collection(curator_id=curator.id, school_id=curator.school_id,
                            district_id=curator.district_id, **clean_collection_fields(raw))
    db.session.add(collection)
    apply_start_here(curator, collection, raw)
    commit_start_here()
    return collection


@atomic
def update_collection(actor: User, collection_id: int, raw: dict) -> Collection:
    """Change the details (and the Start-here flag) of a collection the actor curates."""
    collection = get_editable_collection(actor, collection_id)
    for name, value in clean_collection_fields(raw, partial=True).items():
        setattr(collection, name, value)
    apply_start_here(actor, collection, raw)
    announce_if_ready(collection)
    commit_start_here()
    return collection


def delete_collection(actor: User, collection_id: int) -> None:
    """Remove a collection with its items; the videos themselves are untouched."""
    collection = get_editable_collection(actor, collection_id)
    forget_notifications_linking(paths=[app_path("collections.show",
                                                 collection_id=collection.id)])
    db.session.delete(collection)
    commit()
