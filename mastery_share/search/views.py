"""The search page: a box, facets to narrow down, ranked cards with the moments words are said."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import String, cast, literal, select, union_all

from ..accounts.models import GRADE_BANDS, SUBJECTS, Practice, School
from ..extensions import db
from ..query_args import query_int, query_page
from ..videos.models import PracticeLevel
from .backend import LEVELS, SearchFilters
from .facet_links import facet_groups
from .services import search_videos

bp = Blueprint("search", __name__)
PER_PAGE = 12
_FILTER_ARGS = ("practice", "school", "grade_band", "subject", "level")


def _filters() -> SearchFilters:
    grade_band = request.args.get("grade_band")
    subject = request.args.get("subject")
    level = request.args.get("level")
    return SearchFilters(practice=(request.args.get("practice") or "")[:80] or None,
                         school_id=query_int("school"),
                         grade_band=grade_band if grade_band in GRADE_BANDS else None,
                         subject=subject if subject in SUBJECTS else None,
                         level=level if level in LEVELS else None)


# How werkzeug encodes a built URL's query string, so these links read as url_for makes them.
_QUERY_SAFE = "!$'()*,/:;?@"


def search_links():
    """search_url(**changes): this search with some arguments changed (None removes one),
    back to page 1 unless the page is what changes. The page calls it for every facet value
    (about 60 links), so the path and this search's arguments are read once, not per link."""
    path = url_for("search.index")
    current = {key: value for key, value in request.args.items() if value and key != "page"}

    def search_url(**changes) -> str:
        args = dict(current)
        for key, value in changes.items():
            if value is None:
                args.pop(key, None)
            else:
                args[key] = value
        return f"{path}?{urlencode(args, safe=_QUERY_SAFE)}" if args else path

    return search_url


def _facet_labels(facets: dict[str, dict[str, int]]) -> dict[str, dict[str, str]]:
    """Readable names for the facet values (practice names, school names), in one query."""
    practice_slugs = list(facets.get("practice", {}))
    school_ids = [int(key) for key in facets.get("school", {}) if key.isdigit()]
    names: dict[str, dict[str, str]] = {"practice": {}, "school": {}}
    if practice_slugs or school_ids:
        for facet, value, name in db.session.execute(union_all(
                select(literal("practice"), Practice.slug, Practice.name)
                .where(Practice.slug.in_(practice_slugs)),
                select(literal("school"), cast(School.id, String), School.name)
                .where(School.id.in_(school_ids)))):
            names[facet][value] = name
    return {**names,
            "grade_band": {band: band for band in facets.get("grade_band", {})},
            "subject": {subject: subject for subject in facets.get("subject", {})},
            "level": {level.value: level.label for level in PracticeLevel}}


@bp.route("/search")
@login_required
def index():
    q = request.args.get("q", "")
    sort = request.args.get("sort", "relevance")
    filters = _filters()
    found = search_videos(current_user, q, filters, sort=sort,
                          page=query_page(), per_page=PER_PAGE)
    search_url = search_links()
    return render_template("search/index.html", q=q, sort=sort, filters=filters, found=found,
                           filter_args=_FILTER_ARGS, search_url=search_url,
                           facet_groups=facet_groups(found.facets, filters,
                                                     _facet_labels(found.facets), search_url),
                           searched=bool(q.strip()) or filters.active())
