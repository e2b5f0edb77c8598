"""The home page and the top-level sections of the navigation."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from ..accounts.models import Practice
from ..extensions import db

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    practices = db.session.scalars(select(Practice).order_by(Practice.position)).all()
    return render_template("main/home.html", practices=practices, user=current_user)


@bp.route("/healthz")
def health():
    db.session.execute(select(1))
    return {"status": "ok"}


# The sections below grow into their own domains (visits, collections);
# until then each page says plainly what it will hold.
_SECTIONS = {
    "collections": ("Collections", "Coaches bundle the best videos, with notes and discussion "
                    "prompts, for PLC meetings."),
}


def _section(key: str):
    title, summary = _SECTIONS[key]
    return render_template("main/section.html", title=title, summary=summary)


@bp.route("/collections")
@login_required
def collections():
    return _section("collections")
