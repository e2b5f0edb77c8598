"""GET /api/v1/videos/<id>/views: who watched, for the video's owner only (403 for anyone
else who may watch it, 404 for who may not)."""
from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from ..api.auth import BEARER, token_required
from ..api.docs import error_responses
from .schemas import VideoViewSchema
from .services import views_of

blp = Blueprint("viewing_api", __name__, description="Who watched a video (its owner only)")


@blp.route("/videos/<id:video_id>/views", methods=["GET"])
@blp.doc(security=BEARER)
@blp.response(200, VideoViewSchema(many=True))
@error_responses(blp, 401, 403, 404)
@token_required
def list_views(video_id: int):
    """Who played your video, when and for how long, newest first. Never for evaluation."""
    return [{"viewer": {"id": view.viewer.id, "name": view.viewer.name},
             "at": view.started_at, "watched_s": round(view.watched_s, 1)}
            for view in views_of(g.api_user, video_id)]
