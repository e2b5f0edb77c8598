"""API views for the conversation on a video. Comments follow the video's visibility: a
member who may not watch the video gets 404, as for the video itself."""
from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from ..api.auth import BEARER, token_required
from ..api.docs import error_responses
from .models import Comment
from .schemas import CommentCreateSchema, CommentListSchema, CommentSchema
from .services import delete_comment, flatten_threads, list_comments, post_comment

blp = Blueprint("comments_api", __name__, description="Time-stamped comments on videos")


def comment_to_dict(comment: Comment) -> dict:
    return {"id": comment.id, "video_id": comment.video_id, "at_s": comment.at_s,
            "kind": comment.kind, "body": comment.body, "parent_id": comment.parent_id,
            "author": {"id": comment.author.id, "name": comment.author.name},
            "created_at": comment.created_at, "edited_at": comment.edited_at}


@blp.route("/videos/<id:video_id>/comments", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, CommentListSchema)
@error_responses(blp, 401, 404)
@token_required
def list_all(video_id: int):
    """The video's comments, thread by thread in the order of the video."""
    threads = list_comments(g.api_user, video_id)
    return {"items": [comment_to_dict(each) for each in flatten_threads(threads)]}


@blp.route("/videos/<id:video_id>/comments", methods=["POST"])
@blp.doc(security=BEARER)
@blp.arguments(CommentCreateSchema)
@blp.response(201, CommentSchema)
@error_responses(blp, 400, 401, 403, 404, 422)
@token_required
def create(data, video_id: int):
    """Comment at a moment of a video you may watch, or reply to a thread."""
    comment = post_comment(g.api_user, video_id, data.get("at_s"), data["kind"], data["body"],
                           parent_id=data.get("parent_id"))
    return comment_to_dict(comment)


@blp.route("/comments/<id:comment_id>", methods=["DELETE"])
@blp.doc(security=BEARER)
@blp.response(204)
@error_responses(blp, 401, 403, 404)
@token_required
def remove(comment_id: int):
    """Remove a comment (and its replies): its author, the video's owner or an admin."""
    delete_comment(g.api_user, comment_id)
    return ""
