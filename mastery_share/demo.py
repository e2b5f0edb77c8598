"""The demo district `make run` starts with: four schools, their leaders and teachers."""
from __future__ import annotations

from sqlalchemy import select

from .accounts.models import School, User
from .accounts.schools import get_or_create_district
from .accounts.services import hash_password
from .extensions import db
from .transaction import commit

DEMO_PASSWORD = "mastery-demo"
DEMO_DISTRICT = "Riverside Unified School District"
DEMO_DOMAIN = "riverside.example.org"

# (school, time zone, [(role, first, last, grade bands, subjects)])
_SCHOOLS = [
    ("Maple Grove Elementary", "America/Chicago", [
        ("principal", "Grace", "Okafor", [], []),
        ("coach", "Daniel", "Reyes", ["K-2", "3-5"], ["Math"]),
        ("teacher", "Maria", "Lopez", ["3-5"], ["Math", "Science"]),
        ("teacher", "James", "Carter", ["K-2"], ["English language arts"]),
    ]),
    ("Cedar Park Elementary", "America/Chicago", [
        ("principal", "Helen", "Park", [], []),
        ("coach", "Samuel", "Osei", ["K-2", "3-5"], ["English language arts"]),
        ("teacher", "Aisha", "Khan", ["K-2"], ["English language arts", "Math"]),
        ("teacher", "Tom", "Nguyen", ["3-5"], ["Science"]),
    ]),
    ("Lakeview Middle School", "America/Denver", [
        ("principal", "Robert", "Mills", [], []),
        ("coach", "Priya", "Shah", ["6-8"], ["Math", "Science"]),
        ("teacher", "Elena", "Petrova", ["6-8"], ["Math"]),
        ("teacher", "Marcus", "Johnson", ["6-8"], ["Social studies"]),
    ]),
    ("Hillcrest Middle School", "America/Denver", [
        ("principal", "Linda", "Alvarez", [], []),
        ("coach", "Kevin", "Brooks", ["6-8"], ["English language arts"]),
        ("teacher", "Sofia", "Rossi", ["6-8"], ["English language arts"]),
        ("teacher", "David", "Kim", ["6-8"], ["Science", "Technology"]),
    ]),
]
_ADMIN = ("admin", "Dana", "Whitfield")


def _email(first: str, last: str) -> str:
    return f"{first}.{last}@{DEMO_DOMAIN}".lower()


def seed_demo() -> tuple[bool, list[User]]:
    """Create whatever part of the demo district is missing; never changes what exists."""
    created = False
    district = get_or_create_district(DEMO_DISTRICT)
    # One hash for every demo member: argon2 is slow on purpose, sixteen times would be felt.
    password_hash = hash_password(DEMO_PASSWORD)
    users: list[User] = []
    for school_name, time_zone, people in _SCHOOLS:
        school = db.session.scalar(
            select(School).where(School.district_id == district.id, School.name == school_name)
        )
        if school is None:
            school = School(name=school_name, time_zone=time_zone, district=district)
            db.session.add(school)
            created = True
        for role, first, last, bands, subjects in people:
            user, new = _ensure_user(_email(first, last), f"{first} {last}", role, school,
                                     district, password_hash, bands, subjects)
            created |= new
            users.append(user)
    role, first, last = _ADMIN
    admin, new = _ensure_user(_email(first, last), f"{first} {last}", role, None, district,
                              password_hash, [], [])
    created |= new
    users.insert(0, admin)
    commit()
    return created, users


def _ensure_user(email, name, role, school, district, password_hash, bands, subjects):
    user = db.session.scalar(select(User).where(User.email == email))
    if user is not None:
        return user, False
    user = User(email=email, name=name, role=role, school=school, district=district,
                password_hash=password_hash, grade_bands=bands, subjects=subjects)
    db.session.add(user)
    return user, True
