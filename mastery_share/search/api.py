"""GET /api/v1/search: the same search as the page, as JSON."""
from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from ..api.auth import BEARER, token_required
from ..api.schemas import ErrorSchema
from ..videos.api import video_to_dict
from .backend import SearchFilters
from .schemas import SearchArgsSchema, SearchPageSchema
from .services import search_videos

blp = Blueprint("search_api", __name__, description="Search videos by what they show and say")


@blp.route("/search", methods=["GET"])
@blp.doc(security=BEARER)
@blp.arguments(SearchArgsSchema, location="query")
@blp.response(200, SearchPageSchema)
@blp.alt_response(401, schema=ErrorSchema)
@blp.alt_response(422, schema=ErrorSchema)
@token_required
def search(args):
    """Ranked videos the member may watch, with snippets, caption moments and facets."""
    filters = SearchFilters(practice=args.get("practice"), school_id=args.get("school"),
                            grade_band=args.get("grade_band"), subject=args.get("subject"),
                            level=args.get("level"))
    found = search_videos(g.api_user, args["q"], filters, sort=args["sort"], page=args["page"],
                          per_page=args["per_page"], with_renditions=True)
    return {
        "total": found.total, "page": found.page, "per_page": found.per_page,
        "results": [{"video": video_to_dict(g.api_user, item.video), "score": item.score,
                     "highlights": item.highlights,
                     "caption_hits": [{"start_s": hit.start_s, "text": hit.text,
                                       "html": hit.html} for hit in item.caption_hits]}
                    for item in found.items],
        "facets": found.facets,
        "suggestion": found.suggestion,
        "notices": found.notices,
    }
