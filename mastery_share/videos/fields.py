"""Checking what a teacher typed about a video, with one message per field."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..accounts.models import GRADE_BANDS, SUBJECTS, Practice
from ..errors import Invalid
from ..extensions import db
from ..text_fields import text_problem
from .models import PracticeLevel, Visibility
from .release import RELEASE_TIERS, tier_for_visibility

MAX_TITLE = 200
MAX_DESCRIPTION = 5000


@dataclass
class VideoFields:
    title: str
    description: str
    practices: list[Practice]
    grade_band: str
    subject: str
    visibility: str
    level: str = PracticeLevel.GETTING_STARTED.value


def _truthy(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on", "y")
    return bool(value)


def practices_by_slug(slugs: Iterable[str]) -> list[Practice]:
    wanted = [slug.strip() for slug in slugs if slug and slug.strip()]
    found = list(db.session.scalars(select(Practice).where(Practice.slug.in_(wanted))))
    return sorted(found, key=lambda practice: practice.position)


def clean_video_fields(raw: dict, *, partial: bool = False, require_release: bool = True,
                       current: VideoFields | None = None) -> dict:
    """Validated values for the fields present in `raw` (all of them unless `partial`)."""
    errors: dict[str, str] = {}
    values: dict = {}

    def present(name: str) -> bool:
        return not partial or name in raw

    if present("title"):
        title = (raw.get("title") or "").strip()
        if not title:
            errors["title"] = "Give the video a title."
        elif len(title) > MAX_TITLE:
            errors["title"] = f"Keep the title under {MAX_TITLE} characters."
        elif problem := text_problem(title):
            errors["title"] = problem
        values["title"] = title
    if present("description"):
        description = (raw.get("description") or "").strip()
        if len(description) > MAX_DESCRIPTION:
            errors["description"] = f"Keep the description under {MAX_DESCRIPTION} characters."
        elif problem := text_problem(description, multiline=True):
            errors["description"] = problem
        values["description"] = description
    if present("practices"):
        slugs = raw.get("practices") or []
        if isinstance(slugs, str):
            slugs = [part for part in slugs.split(",")]
        practices = practices_by_slug(slugs)
        unknown = sorted(set(s.strip() for s in slugs if s.strip()) - {p.slug for p in practices})
        if unknown:
            errors["practices"] = f"Unknown practice: {', '.join(unknown)}."
        elif not practices:
            errors["practices"] = "Choose at least one practice the video shows."
        values["practices"] = practices
    if present("grade_band"):
        band = (raw.get("grade_band") or "").strip()
        if band not in GRADE_BANDS:
            errors["grade_band"] = f"Choose a grade band: {', '.join(GRADE_BANDS)}."
        values["grade_band"] = band
    if present("subject"):
        subject = (raw.get("subject") or "").strip()
        if subject not in SUBJECTS:
            errors["subject"] = "Choose a subject from the list."
        values["subject"] = subject
    if present("visibility"):
        visibility = (raw.get("visibility") or "").strip()
        if visibility not in {v.value for v in Visibility}:
            errors["visibility"] = "Choose who may watch: private, school, district or network."
        values["visibility"] = visibility
    if present("level") and (raw.get("level") or not partial):
        level = (raw.get("level") or PracticeLevel.GETTING_STARTED.value).strip()
        if level not in {v.value for v in PracticeLevel}:
            errors["level"] = "Choose a level: getting_started, refining or advanced."
        values["level"] = level
    tier = (raw.get("release_tier") or "").strip() if isinstance(
        raw.get("release_tier") or "", str) else None
    if tier:
        if tier not in RELEASE_TIERS:
            errors["release_tier"] = ("Say which media release every student shown has: none, "
                                      "school, district or network.")
        values["release_tier"] = tier
    elif tier is None:
        errors["release_tier"] = "Choose the media release every student shown has."
    elif require_release and _truthy(raw.get("media_release")) and "visibility" in values:
        # An earlier client's checkbox: the releases cover the visibility chosen with it.
        values["release_tier"] = tier_for_visibility(values["visibility"])
    elif require_release:
        errors["release_tier"] = ("Choose the media release every student shown has (and "
                                  "that nobody else is identifiable).")
    if raw.get("blur_faces") is not None:
        values["blur_faces"] = _truthy(raw["blur_faces"])
    if "retain_until" in raw:
        chosen = raw.get("retain_until")
        if isinstance(chosen, str):
            try:
                chosen = date.fromisoformat(chosen.strip()) if chosen.strip() else None
            except ValueError:
                errors["retain_until"] = "Give the date as YYYY-MM-DD, or leave it empty."
                chosen = None
        values["retain_until"] = chosen
    if raw.get("captions_reviewed") is not None:
        values["captions_reviewed"] = _truthy(raw["captions_reviewed"])
    if errors:
        raise Invalid("Some details of the video need attention.", errors)
    return values
