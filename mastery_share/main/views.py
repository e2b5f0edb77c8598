"""The home page and the health check."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from ..accounts.models import Practice
from ..extensions import db
from ..tries.reminders import reminders_for

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    practices = db.session.scalars(select(Practice).order_by(Practice.position)).all()
    return render_template("main/home.html", practices=practices, user=current_user,
                           check_ins_due=reminders_for(current_user))


@bp.route("/healthz")
def health():
    db.session.execute(select(1))
    return {"status": "ok"}

