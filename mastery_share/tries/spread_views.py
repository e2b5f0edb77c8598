"""Pages: a practice's spread map, every practice's spread as small multiples, and the link
on the practice page."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from .spread import district_spread, practice_by_slug, practice_spread, spread_summary
from .spread_drawing import FULL, SMALL, TERM_STYLES, describe, draw_spread, numbering
from .spread_markup import arrow_paths, table_rows

bp = Blueprint("spread", __name__)


@bp.app_template_global("practice_spread_summary")
def practice_spread_summary(practice):
    """This year's spread of a practice, for the practice page's "See how it spread" link."""
    if not current_user.is_authenticated:
        return None
    return spread_summary(current_user, practice)


@bp.route("/practices/<slug>/spread")
@login_required
def practice_map(slug: str):
    spread = practice_spread(current_user, practice_by_slug(slug), request.args.get("year"))
    return render_template("tries/spread.html", spread=spread,
                           drawing=draw_spread(spread, FULL, "spread-map"),
                           description=describe(spread), term_styles=TERM_STYLES,
                           arrow_paths=arrow_paths, table_rows=table_rows)


@bp.route("/spread")
@login_required
def district():
    year, years, spreads = district_spread(current_user, request.args.get("year"))
    layout: dict[int, str] = {}
    for spread in spreads:
        layout.update(spread.schools)
    drawings = [(spread, draw_spread(spread, SMALL, f"spread-{spread.practice.slug}", layout),
                 describe(spread)) for spread in spreads]
    key = [(number, layout[school_id])
           for number, school_id in enumerate(numbering(layout), start=1)]
    return render_template("tries/district_spread.html", year=year, years=years,
                           drawings=drawings, key=key, term_styles=TERM_STYLES,
                           arrow_paths=arrow_paths)
