"""The PostgreSQL search tables (MASTERY_SEARCH=postgres): what the index knows, in the app's
own database, so every web and worker machine searches the same index.

These tables exist only on PostgreSQL (migration 0006 skips them on SQLite, where Whoosh is
the index), so they are marked POSTGRESQL_ONLY and left out of schema comparisons there.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    literal_column,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from ...db_types import UTCDateTime
from ...extensions import db

POSTGRESQL_ONLY = {"postgresql_only": True}
# The text search configuration every vector and query is made with: English stemming, so
# "grouping" finds "groups".
ENGLISH = literal_column("'english'::regconfig")


class SearchDocument(db.Model):
    """One ready video, narrow: what matching, the visibility rule, the facets and ranking
    read for every matching video. Counting the ~40,000 matches of a common word at 100,000
    videos reads these rows, so every text lives in search_texts and the long vectors
    (`document`, description, transcript) are kept out of line (toast_tuple_target): a row is
    its ids, facets, date and the small `fields` vector, kept in line (STORAGE MAIN, migration
    0014) because weighted matches ("practice:") recheck it in every candidate row."""

    __tablename__ = "search_documents"
    __table_args__ = (
        Index("ix_search_documents_document", "document", postgresql_using="gin"),
        Index("ix_search_documents_fields", "fields", postgresql_using="gin"),
        Index("ix_search_documents_description_vector", "description_vector",
              postgresql_using="gin"),
        Index("ix_search_documents_transcript_vector", "transcript_vector",
              postgresql_using="gin"),
        # The newest matches of a common word (the ranking pool, "newest first") are found by
        # walking this backwards, not by sorting every match.
        Index("ix_search_documents_created_at", text("created_at DESC"), text("video_id DESC")),
        {"info": POSTGRESQL_ONLY, "postgresql_with": {"toast_tuple_target": "256"}},
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
    # Every searchable field: title A, practices B, description C, the rest D.
    document: Mapped[str] = mapped_column(TSVECTOR)
    # The short fields a member may name ("title:", "teacher:" ...), each under its own weight
    # (FIELD_WEIGHTS): "practice:blended-learning" checks its phrase in this small vector,
    # never in `document`.
    fields: Mapped[str] = mapped_column(TSVECTOR, server_default="")
    # The long texts' own words, for "said:" and "description:" (out of line like `document`,
    # but here, so their matches are counted from this row and not joined from search_texts).
    description_vector: Mapped[str] = mapped_column(TSVECTOR, server_default="")
    transcript_vector: Mapped[str] = mapped_column(TSVECTOR, server_default="")


# The weight each short field has in SearchDocument.fields.
FIELD_WEIGHTS = {"title": "A", "practice": "B", "teacher": "C", "school": "D"}


def subject_vector(column) -> ColumnElement:
    """The subject's words, as its expression index holds them ("subject:" is rare and its
    ten or so values are short, so no stored vector)."""
    # Written as text, not ENGLISH: a column-like literal would keep the index unattached.
    return func.to_tsvector(text("'english'::regconfig"), column)


Index("ix_search_documents_subject_words", subject_vector(SearchDocument.__table__.c.subject),
      postgresql_using="gin")


class SearchText(db.Model):
    """The texts of an indexed video, read only for the snippets of a results page."""

    __tablename__ = "search_texts"
    __table_args__ = ({"info": POSTGRESQL_ONLY, "postgresql_with": {"toast_tuple_target": "128"}},)

    video_id: Mapped[int] = mapped_column(
        ForeignKey("search_documents.video_id", ondelete="CASCADE"), primary_key=True,
        autoincrement=False)
    title: Mapped[str] = mapped_column(Text, server_default="")
    description: Mapped[str] = mapped_column(Text)
    transcript: Mapped[str] = mapped_column(Text)


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
    # When each word of text.split() is said (empty when the captions do not say).
    word_starts: Mapped[list[float]] = mapped_column(ARRAY(Float), server_default="{}")


class SearchWord(db.Model):
    """The lexicon "did you mean" draws candidates from (through a trigram index): every
    unstemmed word indexed since the last rebuild, with how often it was indexed. As Whoosh's
    corrector, it holds words of every video, so a candidate is only offered after it is
    found in a video the viewer may see (suggest.py); its counts only order candidates, and
    a word of a removed video is simply never found again."""

    __tablename__ = "search_words"
    __table_args__ = (
        Index("ix_search_words_word_trgm", "word", postgresql_using="gin",
              postgresql_ops={"word": "gin_trgm_ops"}),
        {"info": POSTGRESQL_ONLY},
    )

    word: Mapped[str] = mapped_column(String(40), primary_key=True)
    occurrences: Mapped[int] = mapped_column(BigInteger)


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
