"""API views for the spread loop: tries, their check-ins, and a video's lineage.

Everything shown by reference (a spark's video or visit, a share-back video) passes the same
visibility rule as a list of videos: what the caller may not see is null or only counted.
"""
from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from ..api.auth import BEARER, token_required
from ..api.docs import error_responses
from ..videos.services import get_video
from ..videos.visibility import can_view
from ..visits.local_time import to_local
from ..visits.permissions import can_see_slot
from .lineage import LineageItem, video_lineage
from .models import CheckIn, SparkKind, Try, TrySpark
from .schemas import (
    CheckInCreateSchema,
    CheckInSchema,
    LineageSchema,
    TryCreateSchema,
    TryEditSchema,
    TryListSchema,
    TrySchema,
)
from .services import add_check_in, get_try, my_tries, start_try, update_try
from .visibility import can_edit_try, can_see_try

blp = Blueprint("tries_api", __name__, description="The spread loop: tries of a practice, "
                "their check-ins, and what sparked a video and what it sparked")

REMOVED_VIDEO = "a video that is no longer shared"
_HIDDEN = {SparkKind.VIDEO.value: "a video you cannot watch",
           SparkKind.COLLECTION_ITEM.value: "a video you cannot watch",
           SparkKind.BOOKING.value: "a classroom visit"}


def _ref(row) -> dict | None:
    return {"id": row.id, "name": row.name} if row is not None else None


def _video_ref(video) -> dict | None:
    return {"id": video.id, "title": video.title} if video is not None else None


def _visit_ref(slot) -> dict | None:
    if slot is None:
        return None
    return {"id": slot.id, "starts_at": to_local(slot.starts_at, slot.school.time_zone)}


def spark_to_dict(viewer, spark: TrySpark) -> dict:
    """A spark as the viewer may see it: a video they may not watch is never named."""
    video = slot = None
    removed = False
    if spark.kind == SparkKind.BOOKING.value:
        removed = spark.booking is None
        if not removed and can_see_slot(viewer, spark.booking.slot):
            slot = spark.booking.slot
    else:
        removed = spark.video is None
        if not removed and can_view(viewer, spark.video):
            video = spark.video
    label = (video.title if video is not None else "a classroom visit" if slot is not None
             else REMOVED_VIDEO if removed and spark.kind != SparkKind.BOOKING.value
             else _HIDDEN[spark.kind])
    return {"kind": spark.kind, "available": video is not None or slot is not None,
            "label": label, "video": _video_ref(video), "visit": _visit_ref(slot),
            "school": _ref(spark.source_school)}


def check_in_to_dict(check_in: CheckIn) -> dict:
    return {"id": check_in.id, "on": check_in.on, "what_happened": check_in.what_happened,
            "evidence": check_in.evidence, "adjust": check_in.adjust,
            "has_media": check_in.media_key is not None, "created_at": check_in.created_at}


def try_to_dict(viewer, try_: Try) -> dict:
    shared = try_.share_back_video
    return {
        "id": try_.id,
        "practice": {"slug": try_.practice.slug, "name": try_.practice.name},
        "owner": _ref(try_.owner), "school": _ref(try_.school),
        "plan": try_.plan, "students": try_.students,
        "success_looks_like": try_.success_looks_like, "target_date": try_.target_date,
        "learn_notes": try_.learn_notes, "adjust": try_.adjust,
        "visibility": try_.visibility, "status": try_.status,
        "set_aside_reason": try_.set_aside_reason,
        "sparks": [spark_to_dict(viewer, spark) for spark in try_.sparks],
        "check_ins": [check_in_to_dict(check_in) for check_in in try_.check_ins],
        "share_back_video": (_video_ref(shared) if shared is not None
                             and can_view(viewer, shared) else None),
        "created_at": try_.created_at, "updated_at": try_.updated_at,
        "can_edit": can_edit_try(viewer, try_),
    }


def lineage_item_to_dict(viewer, item: LineageItem) -> dict:
    """Lineage already left out (and counted) what the viewer may not see."""
    if item.kind == "removed":
        label = REMOVED_VIDEO
    elif item.video is not None:
        label = item.video.title
    elif item.slot is not None:
        label = "a classroom visit"
    else:
        label = "a try sparked by this video"
    try_ = item.try_ if item.try_ is not None and can_see_try(viewer, item.try_) else None
    return {"kind": item.kind, "label": label, "video": _video_ref(item.video),
            "visit": _visit_ref(item.slot), "try": {"id": try_.id} if try_ else None,
            "school": _ref(item.school), "generation": item.generation}


@blp.route("/tries", methods=["POST"])
@blp.doc(security=BEARER)
@blp.arguments(TryCreateSchema)
@blp.response(201, TrySchema)
@error_responses(blp, 400, 401, 403, 422)
@token_required
def create(data):
    """Start a try of one practice, credited to what sparked it (teachers of a school)."""
    try_ = start_try(g.api_user, data)
    return try_to_dict(g.api_user, get_try(g.api_user, try_.id))


@blp.route("/tries/<id:try_id>", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, TrySchema)
@error_responses(blp, 401, 404)
@token_required
def read(try_id: int):
    """One try you may read, with its sparks and check-ins."""
    return try_to_dict(g.api_user, get_try(g.api_user, try_id))


@blp.route("/tries/<id:try_id>", methods=["PATCH"])
@blp.doc(security=BEARER)
@blp.arguments(TryEditSchema)
@blp.response(200, TrySchema)
@error_responses(blp, 400, 401, 403, 404, 422)
@token_required
def edit(data, try_id: int):
    """Change the plan, who sees it or its state, or credit more sparks (its teacher only)."""
    update_try(g.api_user, try_id, data)
    return try_to_dict(g.api_user, get_try(g.api_user, try_id))


@blp.route("/me/tries", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, TryListSchema)
@error_responses(blp, 401)
@token_required
def mine():
    """Your tries, open ones first, newest first within each."""
    return {"items": [try_to_dict(g.api_user, try_) for try_ in my_tries(g.api_user)]}


@blp.route("/tries/<id:try_id>/check-ins", methods=["POST"])
@blp.doc(security=BEARER)
@blp.arguments(CheckInCreateSchema)
@blp.response(201, CheckInSchema)
@error_responses(blp, 400, 401, 403, 404, 422)
@token_required
def check_in(data, try_id: int):
    """A dated note on your try: what happened, the evidence, what you will adjust."""
    return check_in_to_dict(add_check_in(g.api_user, try_id, data))


@blp.route("/videos/<id:video_id>/lineage", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, LineageSchema)
@error_responses(blp, 401, 404)
@token_required
def lineage(video_id: int):
    """What sparked a video you may watch, and what it sparked; hidden items only counted."""
    found = video_lineage(g.api_user, get_video(g.api_user, video_id))
    return {"sparked_by": [lineage_item_to_dict(g.api_user, item) for item in found.sparked_by],
            "sparked": [lineage_item_to_dict(g.api_user, item) for item in found.sparked],
            "hidden_count": found.hidden_count}
