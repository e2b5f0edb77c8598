"""The PostgreSQL search tables (MASTERY_SEARCH=postgres): what the index knows, in the app's
own database, so every web and worker machine searches the same index.

These tables exist only on PostgreSQL (migration 0006 skips them on SQLite, where Whoosh is
the index), so they are marked POSTGRESQL_ONLY and left out of schema comparisons there.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    literal_column,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from ...db_types import UTCDateTime
from ...extensions import db

POSTGRESQL_ONLY = {"postgresql_only": True}
# The text search configuration every vector and query is made with: English stemming, so
# "grouping" finds "groups".
ENGLISH = literal_column("'english'::regconfig")


class SearchDocument(db.Model):
    """One ready video: the allowlisted fields of its VideoDocument, the columns the
    visibility rule and the facets read, and its words as weighted vectors."""

    __tablename__ = "search_documents"
    __table_args__ = (
        Index("ix_search_documents_document", "document", postgresql_using="gin"),
        {"info": POSTGRESQL_ONLY},
    )

    video_id: Mapped[int] = mapped_column(ForeignKey("videos.id", ondelete="CASCADE"),
                                          primary_key=True, autoincrement=False)
    visibility: Mapped[str] = mapped_column(String(16))
    owner_id: Mapped[int] = mapped_column(Integer)
    district_id: Mapped[int] = mapped_column(Integer)
    school_id: Mapped[int] = mapped_column(Integer)
    grade_band: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(60))
    # Filled from the videos by migration 0010 for rows indexed before levels existed.
    level: Mapped[str] = mapped_column(String(16), server_default="getting_started")
    practice_slugs: Mapped[list[str]] = mapped_column(ARRAY(Text))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    transcript: Mapped[str] = mapped_column(Text)
    practice_text: Mapped[str] = mapped_column(Text)  # slugs and names, for "practice:"
    teacher_name: Mapped[str] = mapped_column(Text)
    school_name: Mapped[str] = mapped_column(Text)
    # Every searchable field: title A, practices B, description C, the rest D.
    document: Mapped[str] = mapped_column(TSVECTOR)
    # The long fields a member may name ("description:", "said:"), kept ready; the short
    # ones are vectorised when a query names them.
    description_vector: Mapped[str] = mapped_column(TSVECTOR)
    transcript_vector: Mapped[str] = mapped_column(TSVECTOR)


class SearchCue(db.Model):
    """One caption cue of an indexed video, so a search can list the moments words are said.
    Cues are only searched for the videos on a results page, found by the primary key."""

    __tablename__ = "search_cues"
    __table_args__ = ({"info": POSTGRESQL_ONLY},)

    video_id: Mapped[int] = mapped_column(
        ForeignKey("search_documents.video_id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    start_s: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)
    words: Mapped[str] = mapped_column(TSVECTOR)


class SearchWord(db.Model):
    """The unstemmed words of an indexed video (how often each occurs), the source of
    "did you mean" through a trigram index; per video, so only words of videos the viewer
    may watch are ever offered."""

    __tablename__ = "search_words"
    __table_args__ = (
        Index("ix_search_words_word_trgm", "word", postgresql_using="gin",
              postgresql_ops={"word": "gin_trgm_ops"}),
        {"info": POSTGRESQL_ONLY},
    )

    video_id: Mapped[int] = mapped_column(
        ForeignKey("search_documents.video_id", ondelete="CASCADE"), primary_key=True)
    word: Mapped[str] = mapped_column(String(40), primary_key=True)
    occurrences: Mapped[int] = mapped_column(Integer)


class SearchIndexState(db.Model):
    """One row once the index has been built from the database; until then (a new install,
    or an existing one switched to MASTERY_SEARCH=postgres) it is rebuilt, as a missing
    Whoosh index is."""

    __tablename__ = "search_index_state"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"), {"info": POSTGRESQL_ONLY})

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime())


def include_in_schema_for(dialect_name: str):
    """An Alembic include_object hook: PostgreSQL-only tables (and their indexes) are
    compared on PostgreSQL and ignored elsewhere."""

    def include_object(obj, name, type_, reflected, compare_to) -> bool:
        table = obj if type_ == "table" else getattr(obj, "table", None)
        if table is not None and table.info.get("postgresql_only"):
            return dialect_name == "postgresql"
        return True

    return include_object
