"""API view for a practice's spread: schools, sparks and where it came back, as numbers."""
from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from ..api.auth import BEARER, token_required
from ..api.docs import error_responses
from .spread import PracticeSpread, practice_by_slug, practice_spread
from .spread_schemas import SpreadArgsSchema, SpreadSchema

blp = Blueprint("spread_api", __name__,
                description="The spread loop: how a practice travelled between schools")


def spread_to_dict(spread: PracticeSpread) -> dict:
    """Schools, one entry per spark and the schools it came back to: no title, no text."""
    return {
        "year": spread.year.label,
        "schools": [{"id": school_id, "name": name}
                    for school_id, name in sorted(spread.schools.items())],
        "sparks": [{"from_school_id": fact.from_school_id, "to_school_id": fact.to_school_id,
                    "kind": fact.kind, "on": fact.on, "term": fact.term}
                   for fact in spread.facts for _ in range(fact.count)],
        "came_back": spread.came_back,
    }


@blp.route("/practices/<slug>/spread", methods=["GET"])
@blp.doc(security=BEARER)
@blp.arguments(SpreadArgsSchema, location="query")
@blp.response(200, SpreadSchema)
@error_responses(blp, 401, 404, 422)
@token_required
def spread(args, slug: str):
    """How a practice spread across your district in a school year: an arrow per spark from
    the sparking school to the trying school."""
    practice = practice_by_slug(slug)
    return spread_to_dict(practice_spread(g.api_user, practice, args.get("year")))
