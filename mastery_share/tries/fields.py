"""Checking what a teacher typed into a try or a check-in, one message per field."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ..accounts.models import Practice
from ..errors import Invalid
from ..extensions import db
from ..text_fields import clean_text
from .models import TryStatus, TryVisibility

MAX_TEXT = 4000
# A plan's date and a check-in's date must be near today: a typo of 2062 for 2026 is caught.
DATE_WINDOW = timedelta(days=2 * 366)


def _text(raw: dict, name: str, errors: dict, *, required: str | None = None) -> str | None:
    try:
        return clean_text(raw.get(name), field=name, limit=MAX_TEXT, multiline=True,
                          required=required)
    except Invalid as problem:
        errors.update(problem.fields or {name: problem.message})
        return None


def parse_date(value, name: str, errors: dict, *, today: date,
               latest: date | None = None) -> date | None:
    """A date within DATE_WINDOW of today (and not after `latest`), or None when blank."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError:
            errors[name] = "Give a date as YYYY-MM-DD."
            return None
    if abs(day - today) > DATE_WINDOW:
        errors[name] = "Choose a date within two years of today."
    elif latest is not None and day > latest:
        errors[name] = "A check-in tells what already happened: choose today or an earlier day."
    return day


def practice_from_slug(slug, errors: dict) -> Practice | None:
    text = str(slug or "").strip()
    practice = db.session.scalar(select(Practice).where(Practice.slug == text)) if text else None
    if practice is None:
        errors["practice"] = ("Choose the practice you will try." if not text
                              else f"There is no practice called {text!r}.")
    return practice


def clean_try_fields(raw: dict, *, today: date, partial: bool = False) -> dict:
    """Validated values for the plan fields present in `raw` (all of them unless partial)."""
    errors: dict[str, str] = {}
    values: dict = {}

    def present(name: str) -> bool:
        return not partial or name in raw

    if present("plan"):
        values["plan"] = _text(raw, "plan", errors,
                               required="Say in a sentence what you will do.")
    for name in ("students", "success_looks_like", "learn_notes", "adjust"):
        if present(name):
            values[name] = _text(raw, name, errors)
    if present("target_date"):
        values["target_date"] = parse_date(raw.get("target_date"), "target_date", errors,
                                           today=today)
    if present("visibility"):
        visibility = str(raw.get("visibility") or TryVisibility.LEADERS.value).strip()
        if visibility not in {v.value for v in TryVisibility}:
            errors["visibility"] = ("Choose who sees it: only_me, leaders, school or "
                                    "district.")
        values["visibility"] = visibility
    if errors:
        raise Invalid("Some parts of the plan need attention.", errors)
    return values


def clean_status(raw: dict, current: str) -> dict:
    """A status change the teacher may make by hand, with the reason a set-aside needs."""
    errors: dict[str, str] = {}
    status = str(raw.get("status") or "").strip()
    values: dict = {}
    if status == TryStatus.SHARED_BACK.value and current != status:
        errors["status"] = "A try is shared back by sharing a video from it, not by hand."
    elif status not in {s.value for s in TryStatus}:
        errors["status"] = "Choose planning, trying or set_aside."
    elif current == TryStatus.SHARED_BACK.value and status != current:
        errors["status"] = "This try is already shared back."
    else:
        values["status"] = status
    if status == TryStatus.SET_ASIDE.value and not errors:
        reason = _text(raw, "set_aside_reason", errors,
                       required="Say why you set it aside: it helps the next teacher too.")
        values["set_aside_reason"] = reason
    elif not errors and status != TryStatus.SET_ASIDE.value:
        values["set_aside_reason"] = ""
    if errors:
        raise Invalid("The try's state could not change.", errors)
    return values


def clean_check_in_fields(raw: dict, *, today: date) -> dict:
    errors: dict[str, str] = {}
    values = {
        "on": parse_date(raw.get("on") or today.isoformat(), "on", errors, today=today,
                         latest=today + timedelta(days=1)),
        "what_happened": _text(raw, "what_happened", errors,
                               required="Say what happened, in a sentence or two."),
        "evidence": _text(raw, "evidence", errors),
        "adjust": _text(raw, "adjust", errors),
    }
    if errors:
        raise Invalid("The check-in needs attention.", errors)
    return values
