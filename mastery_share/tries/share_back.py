"""Sharing back: the video a teacher shares from a try becomes that try's share-back, once."""
from __future__ import annotations

from sqlalchemy import update

from ..accounts.models import User
from ..db_types import utcnow
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..query_args import MAX_ID
from .models import Try, TryStatus


def share_back_try_id(raw: dict) -> int | None:
    """The try a new video shares back, from a form or API body; None when not given."""
    value = raw.get("try_id")
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not str(value).strip().isdigit() \
            or not 1 <= int(str(value).strip()) <= MAX_ID:
        raise Invalid("try_id must be the id of one of your tries.",
                      {"try_id": "Choose one of your tries."})
    return int(str(value).strip())


def check_share_back(owner: User, try_id: int) -> Try:
    """The owner's own try, not yet shared back: checked before any upload is stored."""
    try_ = db.session.get(Try, try_id)
    if try_ is None or try_.owner_id != owner.id:
        raise NotFound("No such try of yours.")
    if try_.share_back_video_id is not None:
        raise Conflict("This try is already shared back as a video.")
    return try_


def claim_share_back(owner: User, try_id: int, video_id: int) -> None:
    """Link the video to the try inside the video's transaction.

    The UPDATE only matches a try with no share-back yet, so of two tabs sharing back the
    same try at once exactly one links its video; the other's transaction rolls back with
    a Conflict and stores nothing.
    """
    claimed = db.session.execute(
        update(Try).where(Try.id == try_id, Try.owner_id == owner.id,
                          Try.share_back_video_id.is_(None))
        .values(share_back_video_id=video_id, status=TryStatus.SHARED_BACK.value,
                shared_back_at=utcnow(), set_aside_reason="", updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise Conflict("This try is already shared back as a video.")
