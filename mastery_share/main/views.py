"""The home page (what each role sees: home/services.py) and the health check."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from ..accounts.models import Practice
from ..extensions import db
from ..home.services import home_for

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        practices = db.session.scalars(select(Practice).order_by(Practice.position)).all()
        return render_template("main/home.html", practices=practices, user=current_user)
    return render_template("main/home.html", user=current_user, home=home_for(current_user))


@bp.route("/healthz")
def health():
    db.session.execute(select(1))
    return {"status": "ok"}

