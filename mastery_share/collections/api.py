"""API views for collections: list, create, read, edit and delete them, and curate their
ordered items."""
from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from ..api.auth import BEARER, token_required
from ..api.docs import error_responses
from .curation import create_collection, delete_collection, update_collection
from .items import add_item, remove_item, update_item
from .permissions import can_edit_collection
from .presentation import ItemView, item_views
from .schemas import (
    CollectionCreateSchema,
    CollectionEditSchema,
    CollectionListArgsSchema,
    CollectionListSchema,
    CollectionSchema,
    ItemCreateSchema,
    ItemEditSchema,
    ItemSchema,
)
from .sharing import get_collection, my_collections, saved_collections, shared_with_me

blp = Blueprint("collections_api", __name__,
                description="Collections: ordered video clips with notes and prompts for PLC time")


def item_to_dict(view: ItemView) -> dict:
    """An item as the viewer may see it: an unavailable video is never named."""
    item, video = view.item, view.video
    return {
        "id": item.id, "position": item.position, "available": view.available,
        "video_id": video.id if video is not None else None,
        "video": ({"id": video.id, "title": video.title, "duration_s": video.duration_s,
                   "status": video.status, "owner": {"id": video.owner.id, "name": video.owner.name}}
                  if video is not None else None),
        "note": item.note, "prompt": item.prompt, "start_s": item.start_s, "end_s": item.end_s,
    }


def _details(collection) -> dict:
    return {
        "id": collection.id, "title": collection.title, "purpose": collection.purpose,
        "meeting_date": collection.meeting_date, "visibility": collection.visibility,
        "curator": {"id": collection.curator.id, "name": collection.curator.name},
        "updated_at": collection.updated_at,
    }


def collection_to_dict(viewer, collection) -> dict:
    return {
        **_details(collection),
        "can_edit": can_edit_collection(viewer, collection), "version": collection.version,
        "items": [item_to_dict(view) for view in item_views(viewer, collection)],
        "created_at": collection.created_at,
    }


def collection_summary(collection) -> dict:
    return {**_details(collection), "item_count": collection.item_count}


_LISTS = {"mine": my_collections, "shared": shared_with_me, "saved": saved_collections}


def _item_dict(viewer, collection_id: int, item_id: int) -> dict:
    collection = get_collection(viewer, collection_id)
    view = next(view for view in item_views(viewer, collection) if view.item.id == item_id)
    return item_to_dict(view)


@blp.route("/collections", methods=["GET"])
@blp.doc(security=BEARER)
@blp.arguments(CollectionListArgsSchema, location="query")
@blp.response(200, CollectionListSchema)
@error_responses(blp, 401, 422)
@token_required
def listing(args):
    """Your collections, those shared with you, or those you saved (no items; read one for them)."""
    collections = _LISTS[args["scope"]](g.api_user)
    return {"collections": [collection_summary(collection) for collection in collections]}


@blp.route("/collections", methods=["POST"])
@blp.doc(security=BEARER)
@blp.arguments(CollectionCreateSchema)
@blp.response(201, CollectionSchema)
@error_responses(blp, 400, 401, 403, 422)
@token_required
def create(data):
    """Start a collection for a PLC meeting (coaches, principals and admins)."""
    collection = create_collection(g.api_user, data)
    return collection_to_dict(g.api_user, collection)


@blp.route("/collections/<id:collection_id>", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, CollectionSchema)
@error_responses(blp, 401, 404)
@token_required
def read(collection_id: int):
    """One collection with its items in order; videos you may not watch show as unavailable."""
    return collection_to_dict(g.api_user, get_collection(g.api_user, collection_id))


@blp.route("/collections/<id:collection_id>", methods=["PATCH"])
@blp.doc(security=BEARER)
@blp.arguments(CollectionEditSchema)
@blp.response(200, CollectionSchema)
@error_responses(blp, 400, 401, 403, 404, 422)
@token_required
def edit_collection(data, collection_id: int):
    """Change the title, purpose, meeting date or who can see it (curator only)."""
    collection = update_collection(g.api_user, collection_id, data)
    return collection_to_dict(g.api_user, collection)


@blp.route("/collections/<id:collection_id>", methods=["DELETE"])
@blp.doc(security=BEARER)
@blp.response(204)
@error_responses(blp, 401, 403, 404)
@token_required
def delete(collection_id: int):
    """Delete the collection and its items; the videos themselves stay (curator only)."""
    delete_collection(g.api_user, collection_id)
    return ""


@blp.route("/collections/<id:collection_id>/items", methods=["POST"])
@blp.doc(security=BEARER)
@blp.arguments(ItemCreateSchema)
@blp.response(201, ItemSchema)
@error_responses(blp, 400, 401, 403, 404, 409, 422)
@token_required
def add(data, collection_id: int):
    """Add a video with a note, a discussion prompt and an optional clip range (curator only)."""
    item = add_item(g.api_user, collection_id, data)
    return _item_dict(g.api_user, collection_id, item.id)


@blp.route("/collections/<id:collection_id>/items/<id:item_id>", methods=["PATCH"])
@blp.doc(security=BEARER)
@blp.arguments(ItemEditSchema)
@blp.response(200, ItemSchema)
@error_responses(blp, 400, 401, 403, 404, 409, 422)
@token_required
def edit(data, collection_id: int, item_id: int):
    """Change an item's note, prompt, clip range, video or position (curator only)."""
    update_item(g.api_user, collection_id, item_id, data)
    return _item_dict(g.api_user, collection_id, item_id)


@blp.route("/collections/<id:collection_id>/items/<id:item_id>", methods=["DELETE"])
@blp.doc(security=BEARER)
@blp.response(204)
@error_responses(blp, 401, 403, 404)
@token_required
def remove(collection_id: int, item_id: int):
    """Take an item out of the collection; the items after it move up (curator only)."""
    remove_item(g.api_user, collection_id, item_id)
    return ""
