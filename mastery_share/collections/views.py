"""Pages: my collections, create and edit one, the collection page, saving, PLC mode and
the printable agenda. Item pages (add, edit, move, remove, reorder) are in item_views.py."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from ..accounts.practices import all_practices
from ..errors import DomainError
from ..forms_support import show_error_on_form
from ..query_args import query_int, query_page
from ..videos.forms import practice_choices
from .agenda_links import clip_link
from .curation import create_collection, delete_collection, update_collection
from .forms import ActionForm, AddItemForm, CollectionForm
from .models import Collection
from .permissions import can_curate, can_edit_collection
from .picker import Picker, find_videos_to_add
from .presentation import clock, item_views, total_clip_seconds
from .sharing import (
    get_collection,
    get_editable_collection,
    is_saved,
    my_collections,
    save_collection,
    saved_collections,
    shared_with_me,
    unsave_collection,
)

bp = Blueprint("collections", __name__)

HOME_LIMIT = 6


@bp.app_template_filter("clip_clock")
def clip_clock(seconds) -> str:
    return clock(seconds)


@bp.app_context_processor
def collection_helpers():
    def collections_for_adding():
        """The signed-in member's collections for "Add to collection" controls, once per
        request; None when they do not curate."""
        if not can_curate(current_user):
            return None
        if "collections_for_adding" not in g:
            g.collections_for_adding = my_collections(current_user)
        return g.collections_for_adding

    def collections_shared_with_you():
        return shared_with_me(current_user, limit=HOME_LIMIT) if current_user.is_authenticated else []

    return {"collections_for_adding": collections_for_adding,
            "collections_shared_with_you": collections_shared_with_you}


def video_picker(collection: Collection) -> Picker:
    """The add form's choice of videos, searched by the page's own GET form
    (?q=words&practice=slug&page=n), so it works without script."""
    return find_videos_to_add(current_user, collection, words=request.args.get("q", ""),
                              practice=request.args.get("practice") or None, page=query_page())


def _details_from(form: CollectionForm) -> dict:
    return {"title": form.title.data, "purpose": form.purpose.data,
            "meeting_date": form.meeting_date.data, "visibility": form.visibility.data,
            "start_here_for": form.start_here_for.data or ""}


def _offer_paths(form: CollectionForm, collection: Collection | None = None) -> None:
    """The practices the collection can be the Start-here path of (its current one chosen)."""
    form.start_here_for.choices = [("", "Not a Start-here path"),
                                   *practice_choices(all_practices())]
    if request.method == "GET" and collection is not None and collection.path_practice:
        form.start_here_for.data = collection.path_practice.slug


@bp.route("/collections")
@login_required
def index():
    return render_template("collections/index.html", can_curate=can_curate(current_user),
                           mine=my_collections(current_user) if can_curate(current_user) else [],
                           shared=shared_with_me(current_user),
                           saved=saved_collections(current_user))


@bp.route("/collections/new", methods=["GET", "POST"])
@login_required
def new():
    if not can_curate(current_user):
        abort(403, description="Only coaches, principals and admins create collections.")
    form = CollectionForm()
    _offer_paths(form)
    if form.validate_on_submit():
        try:
            collection = create_collection(current_user, _details_from(form))
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash("Your collection is ready. Add videos from search, a video's page or here.",
                  "success")
            return redirect(url_for("collections.show", collection_id=collection.id))
    status = 422 if request.method == "POST" else 200
    return render_template("collections/form.html", form=form, collection=None), status


@bp.route("/collections/<id:collection_id>")
@login_required
def show(collection_id: int):
    collection = get_collection(current_user, collection_id)
    can_edit = can_edit_collection(current_user, collection)
    return render_template("collections/show.html", collection=collection, can_edit=can_edit,
                           items=item_views(current_user, collection),
                           add_form=AddItemForm() if can_edit else None,
                           picker=video_picker(collection) if can_edit else None,
                           action_form=ActionForm(),
                           saved=is_saved(current_user, collection.id))


@bp.route("/collections/<id:collection_id>/edit", methods=["GET", "POST"])
@login_required
def edit(collection_id: int):
    collection = get_editable_collection(current_user, collection_id)
    form = CollectionForm(obj=collection)
    _offer_paths(form, collection)
    if form.validate_on_submit():
        try:
            update_collection(current_user, collection.id, _details_from(form))
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            flash("The collection's details are saved.", "success")
            return redirect(url_for("collections.show", collection_id=collection.id))
    status = 422 if request.method == "POST" else 200
    return render_template("collections/form.html", form=form, collection=collection,
                           action_form=ActionForm()), status


def _checked_action() -> None:
    if not ActionForm().validate_on_submit():
        abort(400)


@bp.route("/collections/<id:collection_id>/delete", methods=["POST"])
@login_required
def delete(collection_id: int):
    _checked_action()
    delete_collection(current_user, collection_id)
    flash("The collection is deleted. The videos in it are not affected.", "success")
    return redirect(url_for("collections.index"))


@bp.route("/collections/<id:collection_id>/save", methods=["POST"])
@login_required
def save(collection_id: int):
    _checked_action()
    save_collection(current_user, collection_id)
    flash("Saved: you will find it under Collections.", "success")
    return redirect(url_for("collections.show", collection_id=collection_id))


@bp.route("/collections/<id:collection_id>/unsave", methods=["POST"])
@login_required
def unsave(collection_id: int):
    _checked_action()
    unsave_collection(current_user, collection_id)
    flash("Removed from your saved collections.", "info")
    return redirect(url_for("collections.show", collection_id=collection_id))


def _current_index(count: int) -> int:
    return min(query_int("item", 1), max(1, count)) - 1


@bp.route("/collections/<id:collection_id>/present")
@login_required
def present(collection_id: int):
    """PLC mode: one item at a time, each video limited to its clip."""
    collection = get_collection(current_user, collection_id)
    items = item_views(current_user, collection, with_player=True)
    return render_template("collections/present.html", collection=collection, items=items,
                           current=_current_index(len(items)))


@bp.route("/collections/<id:collection_id>/agenda")
@login_required
def agenda(collection_id: int):
    """The printable agenda: items, clip times and prompts."""
    collection = get_collection(current_user, collection_id)
    items = item_views(current_user, collection)
    return render_template("collections/agenda.html", collection=collection, items=items,
                           watching_s=total_clip_seconds(items),
                           links={view.item.id: clip_link(view) for view in items})


from . import item_views as _item_routes  # noqa: F401  (adds the item routes to bp)
