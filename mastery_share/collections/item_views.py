"""Item pages: add a video (on the collection page, or from a video page or search result),
edit its note, prompt and clip range, move it up or down, remove it, and the JSON endpoint
drag and drop posts the new order to."""
from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import DomainError, Invalid, NotFound
from ..forms_support import show_error_on_form
from ..query_args import form_id
from ..safe_redirect import safe_next_url
from ..videos.playback import player_context
from ..videos.services import get_video
from ..videos.visibility import can_view
from . import presentation
from .curation import create_collection
from .forms import ActionForm, AddItemForm, ItemForm
from .items import add_item, remove_item, reorder_items, step_item, update_item
from .permissions import can_curate
from .sharing import get_editable_collection
from .views import bp, video_picker

NEW_COLLECTION = "new"


def _item_details(form: ItemForm) -> dict:
    return {"note": form.note.data or "", "prompt": form.prompt.data or "",
            "start_s": form.start_s.data, "end_s": form.end_s.data}


def _back_to(collection_id: int, anchor: str | None = None):
    return redirect(url_for("collections.show", collection_id=collection_id,
                            _anchor=anchor))


@bp.route("/collections/<id:collection_id>/items", methods=["POST"])
@login_required
def add(collection_id: int):
    collection = get_editable_collection(current_user, collection_id)
    form = AddItemForm()
    if form.validate_on_submit():
        try:
            item = add_item(current_user, collection.id,
                            {"video_id": form.video_id.data, **_item_details(form)})
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash("The video is added to the collection.", "success")
            return _back_to(collection.id, f"item-{item.id}")
    # The form posts to a URL carrying the picker's search, so the same results come back.
    return render_template("collections/show.html", collection=collection, can_edit=True,
                           items=presentation.item_views(current_user, collection), add_form=form,
                           picker=video_picker(collection), action_form=ActionForm(),
                           saved=False), 422


@bp.route("/collections/add-video", methods=["POST"])
@login_required
def add_video():
    """"Add to collection" on a video page or a search result: an existing collection of
    the curator's, or a new one."""
    if not can_curate(current_user):
        abort(403, description="Only coaches, principals and admins curate collections.")
    video_id = form_id("video_id")
    target = request.form.get("collection_id", "")
    back = safe_next_url(request.form.get("next"), url_for("collections.index"))
    try:
        if video_id is None:
            raise Invalid("Choose a video.")
        get_video(current_user, video_id)  # before a new collection is made for it
        if target == NEW_COLLECTION:
            title = (request.form.get("new_title") or "").strip() or "New PLC collection"
            collection_id = create_collection(current_user, {"title": title}).id
        elif (collection_id := form_id("collection_id")) is None:
            raise Invalid("Choose a collection.")
        add_item(current_user, collection_id, {"video_id": video_id})
    except (Invalid, NotFound) as error:
        flash(error.message, "danger")
        return redirect(back)
    collection = get_editable_collection(current_user, collection_id)
    flash(f"Added to “{collection.title}” ({len(collection.items)} "
          f"video{'s' if len(collection.items) != 1 else ''}).", "success")
    return redirect(back)


@bp.route("/collections/<id:collection_id>/items/<id:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit_item(collection_id: int, item_id: int):
    collection = get_editable_collection(current_user, collection_id)
    item = next((each for each in collection.items if each.id == item_id), None)
    if item is None:
        raise NotFound("No such item in this collection.")
    form = ItemForm(obj=item)
    if form.validate_on_submit():
        try:
            update_item(current_user, collection.id, item.id, _item_details(form))
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash("The item is saved.", "success")
            return _back_to(collection.id, f"item-{item.id}")
    video = item.video if item.video is not None and can_view(current_user, item.video) else None
    player = player_context(current_user, video) if video is not None and video.is_ready else {}
    status = 422 if request.method == "POST" else 200
    return render_template("collections/item_form.html", collection=collection, item=item,
                           video=video, form=form, **player), status


@bp.route("/collections/<id:collection_id>/items/<id:item_id>/move", methods=["POST"])
@login_required
def move(collection_id: int, item_id: int):
    """The keyboard and no-script fallback of drag and drop: one step up or down."""
    if not ActionForm().validate_on_submit():
        abort(400)
    step = -1 if request.form.get("direction") == "up" else 1
    step_item(current_user, collection_id, item_id, step)
    return _back_to(collection_id, f"item-{item_id}")


@bp.route("/collections/<id:collection_id>/items/<id:item_id>/remove", methods=["POST"])
@login_required
def remove(collection_id: int, item_id: int):
    if not ActionForm().validate_on_submit():
        abort(400)
    remove_item(current_user, collection_id, item_id)
    flash("The item is removed from the collection.", "info")
    return _back_to(collection_id)


@bp.route("/collections/<id:collection_id>/order", methods=["POST"])
@login_required
def reorder(collection_id: int):
    """Drag and drop: the page's script posts the whole order as JSON, with the CSRF token
    in the X-CSRFToken header (checked by CSRFProtect like any form)."""
    body = request.get_json(silent=True)
    item_ids = body.get("item_ids") if isinstance(body, dict) else None
    if not isinstance(item_ids, list) or not all(
            isinstance(each, int) and not isinstance(each, bool) for each in item_ids):
        return jsonify(error={"code": "invalid", "message": "Send {\"item_ids\": [...]}."}), 422
    try:
        reorder_items(current_user, collection_id, item_ids)
    except DomainError as error:
        return jsonify(error={"code": error.code, "message": error.message}), error.status
    return jsonify(item_ids=item_ids)
