"""Pages for a school's leaders: the counts per term, their CSV, and the tries behind them."""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request, url_for
from flask_login import current_user, login_required

from ..csv_export import csv_text
from ..query_args import query_int
from ..visits.local_time import to_local
from .leader_counts import (
    TRY_LISTS,
    YEAR,
    SchoolCounts,
    school_counts,
    school_for_counts,
    school_tries,
)
from .school_year import TERM_KEYS, parse_year, recent_years

bp = Blueprint("leader_counts", __name__)
LIST_TITLES = {"tries_started": "Tries started", "tries_checked_in": "Tries checked in on",
               "tries_shared_back": "Tries shared back"}


def _links(counts: SchoolCounts) -> dict[str, dict[str, str]]:
    """Where each number's list is: measure -> term (or "year") -> URL; none for a measure
    without a list (visits made, affirmations)."""
    school, year = counts.school, counts.year
    links: dict[str, dict[str, str]] = {}
    for key in TRY_LISTS:
        links[key] = {term: url_for("leader_counts.school_tries_list", school_id=school.id,
                                    year=year.label, show=key,
                                    term=None if term == YEAR else term)
                      for term in (*TERM_KEYS, YEAR)}
    links["videos"] = {term: url_for("videos.index", school=school.id)
                       for term in (*TERM_KEYS, YEAR)}
    links["visits_hosted"] = {term.key: url_for("visits.calendar", school=school.id,
                                                week=term.start.isoformat())
                              for term in year.terms}
    links["visits_hosted"][YEAR] = url_for("visits.calendar", school=school.id)
    return links


@bp.route("/schools/counts")
@login_required
def counts():
    result = school_counts(current_user, query_int("school"), request.args.get("year"))
    _, schools = school_for_counts(current_user, result.school.id)
    years = recent_years(result.school.time_zone, result.year)
    return render_template("tries/leader_counts.html", counts=result, schools=schools,
                           years=years, links=_links(result), terms=result.year.terms)


@bp.route("/schools/counts.csv")
@login_required
def counts_csv():
    result = school_counts(current_user, query_int("school"), request.args.get("year"))
    header = ["school", "school_year", "measure", *TERM_KEYS, "whole_year"]
    rows = [[result.school.name, result.year.label, label,
             *(by_term[term] for term in (*TERM_KEYS, YEAR))]
            for _, label, _, by_term in result.rows()]
    response = Response(csv_text(header, rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="counts-school-{result.school.id}-{result.year.label}.csv"')
    return response


@bp.route("/tries/school/<id:school_id>")
@login_required
def school_tries_list(school_id: int):
    school, _ = school_for_counts(current_user, school_id)
    year = parse_year(request.args.get("year"), school.time_zone)
    term = request.args.get("term") or None
    show = request.args.get("show") or "tries_started"
    tries, hidden = school_tries(current_user, school_id, year, term, show)
    term_name = next((each.name for each in year.terms if each.key == term), None)
    return render_template("tries/school_tries.html", school=school, year=year,
                           term_name=term_name, title=LIST_TITLES[show], tries=tries,
                           hidden=hidden, started=lambda try_: _day(try_, school.time_zone))


def _day(try_, zone_name: str) -> str:
    day = to_local(try_.created_at, zone_name).date()
    return f"{day:%b} {day.day}, {day.year}"
