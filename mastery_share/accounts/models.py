"""People and places: districts, schools, members and the practice taxonomy."""
from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db_types import UTCDateTime, one_of, utcnow
from ..extensions import db


class Role(str, enum.Enum):
    TEACHER = "teacher"
    COACH = "coach"
    PRINCIPAL = "principal"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return self.value.capitalize()


GRADE_BANDS = ("K-2", "3-5", "6-8", "9-12")
SUBJECTS = (
    "English language arts",
    "Math",
    "Science",
    "Social studies",
    "Special education",
    "English learners",
    "Arts",
    "Physical education",
    "World languages",
    "Technology",
    "Other",
)


def new_session_nonce() -> str:
    return secrets.token_urlsafe(12)


class District(db.Model):
    __tablename__ = "districts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    # Members sign in only through the district's identity provider (OpenID Connect): the
    # password form and HTTP Basic for API tokens refuse them.
    require_sso: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # The widest visibility of a classroom video whose faces are not blurred (school,
    # district or network), whatever the students' releases allow (videos/release.py).
    widest_without_blur: Mapped[str] = mapped_column(String(16), default="network",
                                                     server_default="network")
    # Whether the upload form starts with "Blur students' faces" ticked.
    blur_faces_by_default: Mapped[bool] = mapped_column(Boolean, default=False,
                                                        server_default="0")
    # Videos go beyond their school only once their captions are reviewed (WCAG 2.1 AA asks
    # for accurate captions; speech recognition alone is not).
    reviewed_captions_beyond_school: Mapped[bool] = mapped_column(Boolean, default=False,
                                                                  server_default="0")
    # Retention (videos/retention.py): videos are deleted this many days after they were
    # shared, originals (the unblurred file) this many; None keeps them until deleted.
    retain_videos_days: Mapped[int | None] = mapped_column(Integer)
    retain_originals_days: Mapped[int | None] = mapped_column(Integer)
    # Plays (who watched, when) are forgotten this many days after they started; None keeps
    # them as long as the video.
    retain_views_days: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    schools: Mapped[list["School"]] = relationship(
        back_populates="district", order_by="School.name"
    )


class School(db.Model):
    __tablename__ = "schools"
    __table_args__ = (db.UniqueConstraint("district_id", "name", name="uq_schools_district_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # IANA name, e.g. America/Chicago: visit times are shown in the school's own zone.
    time_zone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Visit rules (see visits/booking.py): this school's teachers need their principal's
    # approval (release time, coverage) to visit classrooms elsewhere.
    requires_visit_approval: Mapped[bool] = mapped_column(Boolean, default=False,
                                                          server_default="0")
    # Visitors cannot sign up for this school's open classrooms later than this before the start.
    visit_signup_cutoff_hours: Mapped[int] = mapped_column(Integer, default=12,
                                                           server_default="12")
    # Inside this many hours before the start only the host can cancel a booking.
    visit_cancel_cutoff_hours: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Visits per teacher per calendar month (None: no limit).
    monthly_visit_limit: Mapped[int | None] = mapped_column(Integer)
    # A verified district account with no invitation joins this school as a teacher (at most
    # one school of a district; none: such people are asked to get an invitation).
    takes_new_sso_members: Mapped[bool] = mapped_column(Boolean, default=False,
                                                        server_default="0")

    district: Mapped[District] = relationship(back_populates="schools")


# The practices a member marked themselves new to: their practice pages show "Start here" first.
user_new_practices = Table(
    "user_new_practices",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("practice_id", ForeignKey("practices.id", ondelete="CASCADE"), primary_key=True),
)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        # Emails are stored lower-cased so the unique constraint is case-insensitive.
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        one_of("role", Role, "role_known"),
        CheckConstraint("role = 'admin' OR school_id IS NOT NULL", name="staff_have_school"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=Role.TEACHER.value)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    grade_bands: Mapped[list[str]] = mapped_column(JSON, default=list)
    subjects: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    # Part of the session and remember-me id: services.end_all_sessions changes it (sign-out,
    # new password, role change, deactivation) to end every session at once.
    session_nonce: Mapped[str] = mapped_column(String(32), default=new_session_nonce)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    district: Mapped[District] = relationship()
    school: Mapped[School | None] = relationship()
    new_to_practices: Mapped[list["Practice"]] = relationship(secondary=user_new_practices)

    # The key of the browser session this object was loaded or signed in for (not a column):
    # it goes into the cookie, so each browser can be ended on its own.
    browser_key = None

    def get_id(self) -> str:
        return f"{self.id}.{self.session_nonce}.{self.browser_key or ''}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def can_invite(self) -> bool:
        return self.role in (Role.PRINCIPAL.value, Role.ADMIN.value)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN.value

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class Practice(db.Model):
    __tablename__ = "practices"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
