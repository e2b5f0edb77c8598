"""Pages for the conversation on a video: post, reply, edit, remove; the markers' JSON; and
a member's page with the affirmations they received."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_login import current_user, login_required

from ..errors import Invalid
from ..extensions import db
from ..query_args import query_page
from ..videos.services import get_video
from .forms import (
    BADGES,
    KIND_LABELS,
    CommentActionForm,
    EditCommentForm,
    parse_moment,
)
from .models import Comment
from .panel import comment_form
from .people import person_page
from .services import (
    MAX_BODY,
    delete_comment,
    edit_comment,
    list_comments,
    post_comment,
)

bp = Blueprint("comments", __name__)


def _back_to(video_id: int, comment: Comment | None = None, at_s: float | None = None):
    anchor = f"#comment-{comment.id}" if comment else "#comments"
    args = {"t": f"{at_s:g}"} if at_s else {}
    return redirect(url_for("videos.watch", video_id=video_id, **args) + anchor, code=303)


def _keep_draft(video_id: int, form) -> None:
    """A refused comment comes back in the form under the player (panel.py) to be corrected,
    not lost with the redirect (a page without script sends the moment as typed text)."""
    if form.parent_id.data:
        return  # a reply's box is opened per thread: its words are in the flash's page only
    session["comment_draft"] = {"video_id": video_id, "body": (form.body.data or "")[:MAX_BODY],
                                "at": (form.at.data or "")[:20], "kind": form.kind.data}


def _flash_invalid(form, error: Invalid | None = None) -> None:
    messages = [message for name, errors in form.errors.items() if name != "csrf_token"
                for message in errors]
    flash(" ".join(messages) if messages else error.message if error else "Check the comment.",
          "danger")


@bp.route("/videos/<id:video_id>/comments", methods=["POST"])
@login_required
def post(video_id: int):
    form = comment_form(current_user)
    # The kind is checked by the service (a teacher posting an affirmation gets 403), so any
    # known kind passes the form.
    form.kind.choices = list(KIND_LABELS.items())
    if not form.validate_on_submit():
        if form.errors.get("csrf_token"):
            abort(400)
        get_video(current_user, video_id)  # 404 for a video the member cannot watch
        _flash_invalid(form)
        _keep_draft(video_id, form)
        return _back_to(video_id)
    parent_id = int(form.parent_id.data) if (form.parent_id.data or "").isdigit() else None
    try:
        comment = post_comment(current_user, video_id,
                               parse_moment(form.at_s.data, form.at.data), form.kind.data,
                               form.body.data, parent_id=parent_id)
    except Invalid as error:
        flash(error.message, "danger")
        _keep_draft(video_id, form)
        return _back_to(video_id)
    flash("Your reply is posted." if comment.parent_id else "Your comment is posted.", "success")
    return _back_to(video_id, comment, comment.at_s)


def _comment_or_404(comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    return comment


@bp.route("/comments/<id:comment_id>/edit", methods=["POST"])
@login_required
def edit(comment_id: int):
    form = EditCommentForm()
    if not form.validate_on_submit():
        if form.errors.get("csrf_token"):
            abort(400)
        video_id = _comment_or_404(comment_id).video_id
        get_video(current_user, video_id)
        _flash_invalid(form)
        return _back_to(video_id)
    try:
        comment = edit_comment(current_user, comment_id, form.body.data)
    except Invalid as error:
        video_id = _comment_or_404(comment_id).video_id
        flash(error.message, "danger")
        return _back_to(video_id)
    flash("Your comment is updated.", "success")
    return _back_to(comment.video_id, comment)


@bp.route("/comments/<id:comment_id>/delete", methods=["POST"])
@login_required
def delete(comment_id: int):
    if not CommentActionForm().validate_on_submit():
        abort(400)
    video_id = delete_comment(current_user, comment_id)
    flash("The comment is removed.", "success")
    return _back_to(video_id)


def marker_to_dict(comment: Comment) -> dict:
    return {"id": comment.id, "at_s": comment.at_s, "kind": comment.kind,
            "label": BADGES[comment.kind], "author": {"id": comment.author.id,
                                                      "name": comment.author.name},
            "body": comment.body, "replies": len(comment.replies)}


@bp.route("/videos/<id:video_id>/comments.json")
@login_required
def markers(video_id: int):
    """The threads as timeline markers (the video's own visibility applies)."""
    threads = list_comments(current_user, video_id)
    return jsonify(comments=[marker_to_dict(thread) for thread in threads])


@bp.route("/people/<id:user_id>")
@login_required
def person(user_id: int):
    page = person_page(current_user, user_id, page=query_page())
    return render_template("comments/person.html", page=page, badges=BADGES)
