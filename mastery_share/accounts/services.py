"""Members: sign-in, creating accounts, profiles and password hashing."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..db_types import utcnow
from ..errors import Invalid, NotFound, Unauthorized
from ..extensions import db
from ..text_fields import clean_text
from ..transaction import commit
from .models import (
    GRADE_BANDS,
    SUBJECTS,
    District,
    Role,
    School,
    User,
    new_session_nonce,
)
from .practices import set_new_to_practices
from .token_models import ApiToken

MIN_PASSWORD_LENGTH = 10
MAX_NAME = 120
_hasher = PasswordHasher()
# Verified against when the email is unknown, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def normalize_email(raw: str | None) -> str:
    """A syntactically valid address, lower-cased (emails are unique case-insensitively)."""
    try:
        result = validate_email((raw or "").strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise Invalid("Enter a valid email address.", {"email": str(error)}) from error
    return result.normalized.lower()


def clean_person_name(name: str | None, *, required: str = "Enter a name.") -> str:
    """A person's name: one line of text (it goes into mail subjects), 1..MAX_NAME characters."""
    return clean_text(name, field="name", limit=MAX_NAME, required=required)


def check_password_strength(password: str | None) -> str:
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            f"Use at least {MIN_PASSWORD_LENGTH} characters for your password.",
            {"password": f"Use at least {MIN_PASSWORD_LENGTH} characters."},
        )
    return password


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def clean_grade_bands(values) -> list[str]:
    unknown = [value for value in values or [] if value not in GRADE_BANDS]
    if unknown:
        raise Invalid("Unknown grade band.", {"grade_bands": f"Unknown: {', '.join(unknown)}"})
    return [band for band in GRADE_BANDS if band in (values or [])]


def clean_subjects(values) -> list[str]:
    unknown = [value for value in values or [] if value not in SUBJECTS]
    if unknown:
        raise Invalid("Unknown subject.", {"subjects": f"Unknown: {', '.join(unknown)}"})
    return [subject for subject in SUBJECTS if subject in (values or [])]


def clean_role(value: str | None) -> str:
    try:
        return Role((value or "").strip().lower()).value
    except ValueError as error:
        allowed = ", ".join(role.value for role in Role)
        raise Invalid("Unknown role.", {"role": f"Choose one of: {allowed}."}) from error


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def authenticate(email: str, password: str) -> User:
    """The active member with this email and password, or Unauthorized with one clear message."""
    user = find_user_by_email(email or "")
    stored_hash = user.password_hash if user and user.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored_hash, password or "")
    except (VerificationError, InvalidHashError):
        user = None
    if user is None or not user.password_hash or not user.active:
        raise Unauthorized(
            "That email and password do not match an active account. "
            "Check both, or reset your password."
        )
    from .sso import district_requires_sso

    if district_requires_sso(user):
        raise Unauthorized("Your district signs you in with its own accounts: use the "
                           "district sign-in button.")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        commit()
    return user


def load_user_from_session(session_id: str) -> User | None:
    """Flask-Login's loader: the id carries a nonce, so a password reset ends old sessions."""
    from .browser_sessions import signed_in_user

    user_id, _, rest = (session_id or "").partition(".")
    nonce, _, key = rest.partition(".")
    if not user_id.isdigit() or not key:
        return None  # a cookie from before browser sessions: sign in again
    # None too when this browser was signed out from the profile (its row ended).
    user = signed_in_user(int(user_id), nonce, key)
    if user is not None:
        user.browser_key = key
    return user


def create_user(
    *,
    email: str,
    name: str,
    role: str,
    password: str | None,
    school: School | None = None,
    district: District | None = None,
    grade_bands=(),
    subjects=(),
) -> User:
    """A new member; Invalid when the email is taken (in any case) or a field is wrong."""
    email = normalize_email(email)
    role = clean_role(role)
    name = clean_person_name(name, required="Enter a name.")
    if role != Role.ADMIN.value and school is None:
        raise Invalid("Staff belong to a school.", {"school": "Choose a school."})
    if find_user_by_email(email):
        raise Invalid(
            "An account with this email already exists.", {"email": "Already a member."}
        )
    district = district or school.district
    user = User(
        email=email,
        name=name,
        role=role,
        school=school,
        district=district,
        grade_bands=clean_grade_bands(grade_bands),
        subjects=clean_subjects(subjects),
        password_hash=hash_password(check_password_strength(password)) if password else None,
    )
    db.session.add(user)
    try:
        commit()
    except IntegrityError as error:  # the same email created at the same moment elsewhere
        raise Invalid("An account with this email already exists.",
                      {"email": "Already a member."}) from error
    return user


def update_profile(user: User, *, name: str, grade_bands, subjects,
                   new_to_practices=None) -> User:
    """Change a member's own name, grade bands and subjects (and, when given as slugs, the
    practices they are new to), in one transaction."""
    if new_to_practices is not None:
        set_new_to_practices(user, new_to_practices)
    user.name = clean_person_name(name, required="Enter your name.")
    user.grade_bands = clean_grade_bands(grade_bands)
    user.subjects = clean_subjects(subjects)
    commit()
    return user


def set_password(user: User, password: str) -> None:
    """Store a new password and end every session and API token of this member (not
    committed)."""
    user.password_hash = hash_password(check_password_strength(password))
    end_all_sessions(user)


def change_password(user: User, current: str, new: str) -> None:
    """A member's own new password, once they prove the current one (committed); every other
    browser and API token stops working, and the caller signs this browser in afresh."""
    if not user.password_hash:
        raise Invalid("Your account has no password here yet: use “Forgot your password?”.")
    try:
        _hasher.verify(user.password_hash, current or "")
    except (VerificationError, InvalidHashError):
        raise Invalid("Your current password is not right.",
                      {"current_password": "This is not your current password."}) from None
    set_password(user, new)
    commit()


def end_all_sessions(user: User) -> None:
    """Every session, remember-me cookie and API token of `user` stops working (not committed,
    so it lands in the same transaction as the change that calls for it).

    Sessions and remember-me cookies carry `session_nonce` in their id (User.get_id) and
    load_user_from_session refuses an old one, so a new nonce ends them all, even a cookie
    captured earlier and replayed. Tokens are rows, revoked here in the same transaction.
    """
    from .browser_sessions import close_all_browser_sessions

    user.session_nonce = new_session_nonce()
    if user.id is None:  # a member being created has nothing to end yet
        return
    close_all_browser_sessions(user)
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def find_school(school_ref: str | int) -> School:
    """A school by id or by exact name (for the command line)."""
    ref = str(school_ref).strip()
    query = select(School).where(School.id == int(ref)) if ref.isdigit() else (
        select(School).where(School.name == ref)
    )
    school = db.session.scalar(query)
    if school is None:
        raise NotFound(f"No school called {ref!r}.")
    return school
