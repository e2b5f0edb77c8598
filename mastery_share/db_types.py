"""Column types shared by every domain's models."""
from __future__ import annotations

from datetime import datetime, timezone
from enum import Enum

from sqlalchemy import CheckConstraint, DateTime
from sqlalchemy.types import TypeDecorator


def one_of(column: str, enum_class: type[Enum], name: str) -> CheckConstraint:
    """CHECK that `column` holds one of the enum's values, as the migrations also declare."""
    values = ", ".join(f"'{member.value}'" for member in enum_class)
    return CheckConstraint(f"{column} IN ({values})", name=name)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Always hands back timezone-aware UTC datetimes.

    SQLite keeps no offset, so values are normalised to UTC on the way in and marked UTC on
    the way out; PostgreSQL stores `timestamp with time zone` natively.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware datetime")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
