"""Districts and schools."""
from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select

from ..errors import Invalid
from ..extensions import db
from ..text_fields import clean_text
from ..transaction import commit
from .models import District, School


def check_time_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise Invalid("Unknown time zone.", {"time_zone": "Use an IANA name like America/Chicago."}) from error
    return name


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "district"


def default_district() -> District:
    """The district when there is exactly one (the usual single-district install)."""
    districts = db.session.scalars(select(District).limit(2)).all()
    if len(districts) != 1:
        raise Invalid("Name the school (--school): there is not exactly one district.")
    return districts[0]


def get_or_create_district(name: str) -> District:
    slug = slugify(name)
    district = db.session.scalar(select(District).where(District.slug == slug))
    if district is None:
        district = District(name=name, slug=slug)
        db.session.add(district)
        db.session.flush()
    return district


def create_school(*, name: str, time_zone: str, district_name: str | None = None) -> School:
    """A new school with a valid IANA time zone, in the named or the only district."""
    name = clean_text(name, field="name", limit=200, required="Enter the school's name.")
    check_time_zone(time_zone)
    district = get_or_create_district(district_name) if district_name else default_district()
    if db.session.scalar(select(School).where(School.district_id == district.id,
                                              School.name == name)):
        raise Invalid(f"{district.name} already has a school called {name}.")
    school = School(name=name, time_zone=time_zone, district=district)
    db.session.add(school)
    commit()
    return school
