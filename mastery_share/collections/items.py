"""Items of a collection: add a video with a note, a prompt and a clip range; edit, move,
reorder and remove items. Every change runs under the collection lock (ordering.py), so
positions stay exactly 1..n however many editors work at once."""
from __future__ import annotations

import math

from ..accounts.models import User
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..query_args import MAX_ID
from ..text_fields import clean_text
from ..transaction import atomic, commit
from ..videos.models import Video
from ..videos.visibility import can_view
from .announce import announce_if_ready
from .models import Collection, CollectionItem
from .ordering import clamp_position, lock_collection, locked_items, renumber
from .sharing import get_editable_collection

NOTE_MAX = 2000
PROMPT_MAX = 1000
MAX_ITEMS = 100
MAX_SECONDS = 24 * 3600.0
# The player's last frame can sit a little past the probed duration.
DURATION_SLACK_S = 0.25


def _locked_collection(actor: User, collection_id: int) -> Collection:
    lock_collection(collection_id)
    return get_editable_collection(actor, collection_id)


def _item_of(item_id: int, items: list[CollectionItem]) -> CollectionItem:
    for item in items:
        if item.id == item_id:
            return item
    raise NotFound("No such item in this collection.")


def _video_for(actor: User, video_id) -> Video:
    if isinstance(video_id, bool) or not isinstance(video_id, int) or not 0 < video_id <= MAX_ID:
        raise Invalid("Choose a video.", {"video_id": "Choose a video."})
    video = db.session.get(Video, video_id)
    if video is None or not can_view(actor, video):
        raise Invalid("Choose a video you can watch.",
                      {"video_id": "No such video, or you cannot watch it."})
    return video


def _text(raw: dict, name: str, limit: int) -> str | None:
    if name not in raw:
        return None
    return clean_text(raw.get(name), field=name, limit=limit, multiline=True)


def _seconds(value, name: str) -> float | None:
    if value in (None, ""):
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError) as error:
        raise Invalid("Give clip times in seconds.", {name: "A number of seconds."}) from error
    if not math.isfinite(seconds) or not 0 <= seconds <= MAX_SECONDS:
        raise Invalid("Clip times start at 0 seconds.", {name: "From 0 seconds up."})
    return round(seconds, 2)


def clean_clip(start_s, end_s, duration_s: float | None) -> tuple[float | None, float | None]:
    """0 <= start < end <= the video's duration (when known); either may be left open."""
    start, end = _seconds(start_s, "start_s"), _seconds(end_s, "end_s")
    if end is not None and end <= (start or 0):
        raise Invalid("The clip must end after it starts.", {"end_s": "Must be after the start."})
    if duration_s:
        if start is not None and start >= duration_s:
            raise Invalid("The clip starts after the video ends.",
                          {"start_s": f"Must be under {duration_s:.1f} seconds."})
        if end is not None and end > duration_s + DURATION_SLACK_S:
            raise Invalid("The clip ends after the video does.",
                          {"end_s": f"At most {duration_s:.1f} seconds."})
        if end is not None:
            end = min(end, round(duration_s, 2))
    return start, end


def _apply_details(item: CollectionItem, raw: dict, video: Video | None, *,
                   video_changed: bool = False) -> None:
    for name, limit in (("note", NOTE_MAX), ("prompt", PROMPT_MAX)):
        value = _text(raw, name, limit)
        if value is not None:
            setattr(item, name, value)
    if "start_s" in raw or "end_s" in raw or video_changed:
        start = raw.get("start_s", item.start_s)
        end = raw.get("end_s", item.end_s)
        duration = video.duration_s if video is not None else None
        item.start_s, item.end_s = clean_clip(start, end, duration)


@atomic
def add_item(actor: User, collection_id: int, raw: dict) -> CollectionItem:
    """Append a video (or insert it at `position`) with its note, prompt and clip range."""
    collection = _locked_collection(actor, collection_id)
    video = _video_for(actor, raw.get("video_id"))
    items = locked_items(collection.id)
    if len(items) >= MAX_ITEMS:
        raise Invalid(f"A collection holds at most {MAX_ITEMS} videos.",
                      {"video_id": "This collection is full."})
    item = CollectionItem(collection_id=collection.id, video_id=video.id, note="", prompt="",
                          position=len(items) + 1)
    item.video = video
    _apply_details(item, raw, video)
    db.session.add(item)
    db.session.flush()
    position = clamp_position(raw.get("position"), len(items) + 1)
    if position != item.position:
        renumber(collection, [*items[:position - 1], item, *items[position - 1:]])
    db.session.expire(collection, ["items"])
    announce_if_ready(collection)
    commit()
    return item


@atomic
def update_item(actor: User, collection_id: int, item_id: int, raw: dict) -> CollectionItem:
    """Change an item's note, prompt, clip range, video or position."""
    collection = _locked_collection(actor, collection_id)
    items = locked_items(collection.id)
    item = _item_of(item_id, items)
    video, video_changed = item.video, False
    if raw.get("video_id") is not None and raw["video_id"] != item.video_id:
        video, video_changed = _video_for(actor, raw["video_id"]), True
        item.video = video
    _apply_details(item, raw, video, video_changed=video_changed)
    if raw.get("position") is not None:
        _move(collection, items, item, raw["position"])
    commit()
    return item


def _move(collection: Collection, items: list[CollectionItem], item: CollectionItem,
          new_position: int) -> None:
    others = [each for each in items if each.id != item.id]
    position = clamp_position(new_position, len(items))
    renumber(collection, [*others[:position - 1], item, *others[position - 1:]])


@atomic
def move_item(actor: User, collection_id: int, item_id: int, new_position: int) -> CollectionItem:
    """Put one item at a 1-based position; the others keep their relative order."""
    collection = _locked_collection(actor, collection_id)
    items = locked_items(collection.id)
    item = _item_of(item_id, items)
    _move(collection, items, item, new_position)
    commit()
    return item


@atomic
def step_item(actor: User, collection_id: int, item_id: int, step: int) -> CollectionItem:
    """Move an item `step` places (-1: up, 1: down), counted from where it is now."""
    collection = _locked_collection(actor, collection_id)
    items = locked_items(collection.id)
    item = _item_of(item_id, items)
    _move(collection, items, item, max(1, item.position + step))
    commit()
    return item


@atomic
def reorder_items(actor: User, collection_id: int, ordered_item_ids: list[int]) -> None:
    """Set the whole order at once (drag and drop); it must name every item exactly once."""
    collection = _locked_collection(actor, collection_id)
    items = locked_items(collection.id)
    by_id = {item.id: item for item in items}
    if sorted(ordered_item_ids) != sorted(by_id):
        raise Conflict("The collection changed since this page was loaded. Reload it and "
                       "try again.")
    renumber(collection, [by_id[item_id] for item_id in ordered_item_ids])
    commit()


@atomic
def remove_item(actor: User, collection_id: int, item_id: int) -> None:
    """Take an item out; the ones after it move up, leaving no gap."""
    collection = _locked_collection(actor, collection_id)
    items = locked_items(collection.id)
    item = _item_of(item_id, items)
    db.session.delete(item)
    db.session.flush()
    renumber(collection, [each for each in items if each.id != item.id])
    commit()
