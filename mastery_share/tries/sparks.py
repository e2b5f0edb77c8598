"""Turning "what sparked this" into TrySpark rows, each checked against what the teacher may
see: a spark is only ever something the teacher watched, attended or was shown."""
from __future__ import annotations

from ..accounts.models import User
from ..collections.models import CollectionItem
from ..collections.permissions import can_view_collection
from ..errors import Invalid
from ..extensions import db
from ..query_args import MAX_ID
from ..videos.models import Video
from ..videos.visibility import can_view
from ..visits.models import Booking, BookingStatus
from .models import SparkKind, TrySpark

MAX_SPARKS = 10
_KEYS = {"video_id": SparkKind.VIDEO, "booking_id": SparkKind.BOOKING,
         "collection_item_id": SparkKind.COLLECTION_ITEM}


def _id_of(spec: dict) -> tuple[SparkKind, int]:
    named = [key for key in _KEYS if spec.get(key) not in (None, "")]
    if len(named) != 1:
        raise ValueError("Name exactly one of video_id, booking_id or collection_item_id.")
    raw = spec[named[0]]
    if isinstance(raw, bool) or not str(raw).isdigit() or not 1 <= int(raw) <= MAX_ID:
        raise ValueError(f"{named[0]} must be a positive whole number.")
    return _KEYS[named[0]], int(raw)


def attended(teacher: User, booking: Booking) -> bool:
    """A visit the teacher had a seat for and that has begun."""
    return (booking.visitor_id == teacher.id and booking.status == BookingStatus.CONFIRMED.value
            and booking.slot.is_open and booking.slot.has_started)


def _video_spark(teacher: User, video_id: int) -> TrySpark | None:
    video = db.session.get(Video, video_id)
    if video is None or not can_view(teacher, video):
        return None
    return TrySpark(kind=SparkKind.VIDEO.value, video_id=video.id,
                    source_school_id=video.school_id)


def _booking_spark(teacher: User, booking_id: int) -> TrySpark | None:
    booking = db.session.get(Booking, booking_id)
    if booking is None or not attended(teacher, booking):
        return None
    return TrySpark(kind=SparkKind.BOOKING.value, booking_id=booking.id,
                    source_school_id=booking.slot.school_id)


def _item_spark(teacher: User, item_id: int) -> TrySpark | None:
    item = db.session.get(CollectionItem, item_id)
    if (item is None or not can_view_collection(teacher, item.collection)
            or item.video is None or not can_view(teacher, item.video)):
        return None
    return TrySpark(kind=SparkKind.COLLECTION_ITEM.value, collection_item_id=item.id,
                    video_id=item.video_id, source_school_id=item.video.school_id)


_BUILDERS = {SparkKind.VIDEO: _video_spark, SparkKind.BOOKING: _booking_spark,
             SparkKind.COLLECTION_ITEM: _item_spark}
_NOUNS = {SparkKind.VIDEO: "video you can watch", SparkKind.BOOKING: "visit you attended",
          SparkKind.COLLECTION_ITEM: "collection item you can see"}


def build_sparks(teacher: User, specs) -> list[TrySpark]:
    """One TrySpark per spec, each one the teacher may see; Invalid (naming none of the
    hidden things) otherwise. The same spark named twice counts once."""
    if specs in (None, ""):
        specs = []
    if not isinstance(specs, list) or len(specs) > MAX_SPARKS:
        raise Invalid("Sparks must be a list of up to 10 videos, visits or collection items.",
                      {"sparks": f"Name up to {MAX_SPARKS} sparks."})
    sparks: list[TrySpark] = []
    seen: set[tuple[SparkKind, int]] = set()
    for spec in specs:
        try:
            if not isinstance(spec, dict):
                raise ValueError("Each spark is an object such as {\"video_id\": 12}.")
            kind, spark_id = _id_of(spec)
        except ValueError as problem:
            raise Invalid("A spark is not understood.", {"sparks": str(problem)}) from None
        if (kind, spark_id) in seen:
            continue
        seen.add((kind, spark_id))
        spark = _BUILDERS[kind](teacher, spark_id)
        if spark is None:
            raise Invalid("A spark is not one you can credit.",
                          {"sparks": f"There is no {_NOUNS[kind]} with id {spark_id}."})
        sparks.append(spark)
    return sparks
