"""Inviting staff to a school, one by one or from a CSV, and accepting an invitation."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask import current_app, render_template
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..db_types import utcnow
from ..errors import Forbidden, Invalid, NotFound
from ..extensions import db
from ..links import external_url
from ..mail import Mail, queue_mail
from ..transaction import commit, lock_row, rollback
from .models import GRADE_BANDS, District, Role, School, User
from .services import (
    clean_grade_bands,
    clean_person_name,
    clean_role,
    clean_subjects,
    find_user_by_email,
    normalize_email,
    set_password,
)
from .token_models import Invitation, hash_secret, new_secret

MAX_CSV_ROWS = 500
CSV_COLUMNS = ("email", "name", "role", "grade_bands", "subjects")


def invitable_roles(actor: User) -> list[str]:
    """Principals invite teachers, coaches and fellow principals; admins invite any role."""
    if actor.is_admin:
        return [role.value for role in Role]
    if actor.role == Role.PRINCIPAL.value:
        return [Role.TEACHER.value, Role.COACH.value, Role.PRINCIPAL.value]
    return []


def invitable_schools(actor: User) -> list[School]:
    if actor.is_admin:
        return list(db.session.scalars(
            select(School).where(School.district_id == actor.district_id).order_by(School.name)
        ))
    if actor.role == Role.PRINCIPAL.value and actor.school is not None:
        return [actor.school]
    return []


def _authorize_invite(actor: User, school_id: int, role: str) -> School:
    if not actor.can_invite:
        raise Forbidden("Only principals and admins can invite staff.")
    school = db.session.get(School, school_id)
    if school is None or school.district_id != actor.district_id:
        raise Invalid("Choose one of your district's schools.", {"school_id": "Unknown school."})
    if not actor.is_admin and school.id != actor.school_id:
        raise Forbidden("Principals invite staff to their own school only.")
    if role not in invitable_roles(actor):
        raise Forbidden(f"You cannot invite someone as {role}.")
    return school


def _one_inviter_at_a_time(school_id: int) -> None:
    """Serialise invitations per district, so two senders of the same list (or the same
    person) at the same instant cannot both invite someone: "already invited" depends on
    expiry times, so it cannot be a unique constraint."""
    school = db.session.get(School, school_id)
    if school is not None:
        lock_row(District, school.district_id)


def pending_invitation(email: str) -> Invitation | None:
    return db.session.scalar(
        select(Invitation)
        .where(Invitation.email == email, Invitation.accepted_at.is_(None))
        .where(Invitation.expires_at > utcnow())
        .order_by(Invitation.id.desc())
    )


def _may_replace(actor: User, earlier: Invitation, school: School) -> bool:
    """Re-inviting replaces a pending link only for the same school, or for an admin of that
    invitation's district: otherwise a principal could cancel another school's invitation."""
    if earlier.school_id == school.id:
        return True
    return actor.is_admin and earlier.school.district_id == actor.district_id


def _new_invitation(actor, school, *, email, name, role, grade_bands, subjects) -> Invitation:
    secret = new_secret()
    invitation = Invitation(
        email=email,
        name=name,
        role=role,
        school=school,
        grade_bands=grade_bands,
        subjects=subjects,
        token_hash=hash_secret(secret),
        invited_by=actor,
        expires_at=utcnow() + current_app.config["INVITATION_TTL"],
    )
    db.session.add(invitation)
    queue_mail(_invitation_mail(invitation, secret))
    return invitation


def _invitation_mail(invitation: Invitation, secret: str) -> Mail:
    link = external_url("accounts.accept_invitation", token=secret)
    context = dict(invitation=invitation, link=link, inviter=invitation.invited_by)
    return Mail(
        to=invitation.email,
        subject=f"{invitation.invited_by.name} invited you to Mastery Share",
        text=render_template("mail/invitation.txt", **context),
    )


def invite_staff(actor: User, *, email, name, role, school_id, grade_bands=(), subjects=()):
    """Email a single-use, expiring invitation; re-inviting replaces the earlier link."""
    role = clean_role(role)
    school = _authorize_invite(actor, school_id, role)
    _one_inviter_at_a_time(school.id)
    email = normalize_email(email)
    name = clean_person_name(name, required="Enter the person's name.")
    if find_user_by_email(email):
        raise Invalid("This person is already a member.", {"email": "Already a member."})
    earlier = pending_invitation(email)
    if earlier is not None:
        if not _may_replace(actor, earlier, school):
            raise Invalid(
                "This person already has an open invitation to another school. It stays "
                "valid until it is accepted, revoked by that school or expires.",
                {"email": "Already invited to another school."},
            )
        # A fresh link supersedes the old one, so only the newest email works.
        earlier.expires_at = utcnow()
    invitation = _new_invitation(
        actor, school, email=email, name=name[:120], role=role,
        grade_bands=clean_grade_bands(grade_bands), subjects=clean_subjects(subjects),
    )
    commit()
    return invitation


def find_invitation(secret: str) -> Invitation:
    """The invitation behind a link, or a clear reason why the link no longer works."""
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_secret(secret or ""))
    )
    if invitation is None:
        raise NotFound("This invitation link is not valid. Ask your principal for a new one.")
    if invitation.accepted_at is not None:
        raise Invalid("This invitation has already been used. Sign in instead.")
    if invitation.expires_at <= utcnow():
        raise Invalid("This invitation has expired. Ask your principal to send a new one.")
    return invitation


def accept_invitation(secret: str, *, password: str, name: str | None = None) -> User:
    """Create the invited member; the link works exactly once, even if clicked twice at once."""
    invitation = find_invitation(secret)
    if find_user_by_email(invitation.email):
        raise Invalid("This person is already a member. Sign in instead.")
    # Checked before the link is claimed, so a wrong name leaves the link working.
    name = clean_person_name(name or invitation.name)
    claimed = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None))
        .values(accepted_at=utcnow())
    ).rowcount
    if claimed != 1:
        rollback()
        raise Invalid("This invitation has already been used. Sign in instead.")
    user = User(
        email=invitation.email,
        name=name,
        role=invitation.role,
        school_id=invitation.school_id,
        district_id=invitation.school.district_id,
        grade_bands=list(invitation.grade_bands or []),
        subjects=list(invitation.subjects or []),
    )
    try:
        set_password(user, password)
    except Invalid:
        rollback()
        raise
    db.session.add(user)
    try:
        commit()
    except IntegrityError as error:
        raise Invalid("This person is already a member. Sign in instead.") from error
    return user


@dataclass
class CsvRow:
    line: int
    email: str
    name: str
    role: str
    grade_bands: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    status: str = "new"  # new | invalid | member | invited | duplicate
    problem: str = ""

    @property
    def will_invite(self) -> bool:
        return self.status == "new"


def _split_list(value: str | None) -> list[str]:
    parts = (value or "").replace(";", ",").replace("|", ",").split(",")
    return [part.strip() for part in parts if part.strip()]


def _normalise_band(value: str) -> str:
    cleaned = value.upper().replace(" ", "").replace("–", "-")
    return next((band for band in GRADE_BANDS if band.upper() == cleaned), value)


def parse_staff_csv(text: str) -> list[CsvRow]:
    """Rows of email,name,role,grade_bands,subjects; a header row is optional."""
    reader = csv.reader(io.StringIO((text or "").lstrip("\ufeff")))
    rows: list[CsvRow] = []
    for line_number, cells in enumerate(reader, start=1):
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if line_number == 1 and cells[0].lower() == "email":
            continue
        cells += [""] * (len(CSV_COLUMNS) - len(cells))
        rows.append(CsvRow(
            line=line_number, email=cells[0], name=cells[1], role=cells[2] or "teacher",
            grade_bands=[_normalise_band(band) for band in _split_list(cells[3])],
            subjects=_split_list(cells[4]),
        ))
        if len(rows) > MAX_CSV_ROWS:
            raise Invalid(f"A file can invite at most {MAX_CSV_ROWS} people at once.",
                          {"csv": f"More than {MAX_CSV_ROWS} rows."})
    if not rows:
        raise Invalid("The file has no rows to invite.", {"csv": "No rows found."})
    return rows


def preview_staff_csv(actor: User, school_id: int, text: str) -> list[CsvRow]:
    """Classify every row before anything is sent: new, invalid, member, invited or duplicate."""
    if not actor.can_invite:
        raise Forbidden("Only principals and admins can invite staff.")
    _authorize_invite(actor, school_id, Role.TEACHER.value)
    rows = parse_staff_csv(text)
    seen: set[str] = set()
    for row in rows:
        _classify(actor, school_id, row, seen)
    return rows


def _classify(actor: User, school_id: int, row: CsvRow, seen: set[str]) -> None:
    try:
        row.email = normalize_email(row.email)
        row.role = clean_role(row.role)
        _authorize_invite(actor, school_id, row.role)
        row.grade_bands = clean_grade_bands(row.grade_bands)
        row.subjects = clean_subjects(row.subjects)
        row.name = clean_person_name(row.name, required="Name is missing.")
    except (Invalid, Forbidden) as error:
        row.status, row.problem = "invalid", _first_problem(error)
        return
    if row.email in seen:
        row.status, row.problem = "duplicate", "Appears earlier in this file."
    elif find_user_by_email(row.email):
        row.status, row.problem = "member", "Already a member."
    elif pending_invitation(row.email):
        row.status, row.problem = "invited", "Already invited; the invitation is still open."
    seen.add(row.email)


def _first_problem(error: Invalid | Forbidden) -> str:
    fields = getattr(error, "fields", {}) or {}
    return next(iter(fields.values()), error.message)


def invite_staff_csv(actor: User, school_id: int, text: str) -> list[CsvRow]:
    """Invite every new row of the file; rows already invited or members are never re-sent."""
    _one_inviter_at_a_time(school_id)
    rows = preview_staff_csv(actor, school_id, text)
    school = db.session.get(School, school_id)
    for row in rows:
        if row.will_invite:
            _new_invitation(
                actor, school, email=row.email, name=row.name, role=row.role,
                grade_bands=row.grade_bands, subjects=row.subjects,
            )
    commit()
    return rows
