"""The search interface every index backend implements (Whoosh now, PostgreSQL later).

Callers hand over plain values (a VideoDocument to index, a SearchRequest to answer) and get
plain values back (ids, scores, snippets, counts), so a backend can be swapped by
configuration without touching the services, views, tasks or tests that use it.
"""
from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

SORTS = ("relevance", "newest")
FACETS = ("practice", "school", "grade_band", "subject", "level")
# A video's level for its practice (videos.models.PracticeLevel values).
LEVELS = ("getting_started", "refining", "advanced")
MAX_PER_PAGE = 50


class IndexUnavailable(Exception):
    """The index is missing or damaged: answer with a notice and rebuild it."""


class IndexMissing(IndexUnavailable):
    """There is no index yet (a new install, or its directory was removed)."""


@dataclass(frozen=True)
class Cue:
    """One caption cue: the moment (seconds from the start, to the millisecond) and the
    words said; `word_starts`, when the captions carry them (automatic transcripts do), is
    when each word of `text.split()` begins, so a hit can point at the word itself."""

    start_s: float
    text: str
    word_starts: tuple[float, ...] = ()


@dataclass(frozen=True)
class VideoDocument:
    """Everything the index may know about a video: an explicit allowlist of fields.

    Never an email, a private note or a media key: what is indexed can be shown in a
    snippet, so only what a viewer of the video may read belongs here.
    """

    video_id: int
    title: str
    description: str
    practice_slugs: tuple[str, ...]
    practice_names: tuple[str, ...]
    grade_band: str
    subject: str
    school_id: int
    school_name: str
    teacher_name: str
    visibility: str
    owner_id: int
    district_id: int
    created_at: datetime
    cues: tuple[Cue, ...] = ()
    level: str = LEVELS[0]

    @property
    def transcript(self) -> str:
        return " ".join(cue.text for cue in self.cues)


@dataclass(frozen=True)
class Viewer:
    """Who is searching, reduced to what the visibility rule needs."""

    user_id: int
    school_id: int | None
    district_id: int
    is_admin: bool


@dataclass(frozen=True)
class SearchFilters:
    practice: str | None = None
    school_id: int | None = None
    grade_band: str | None = None
    subject: str | None = None
    level: str | None = None

    def active(self) -> bool:
        return self.active_count() > 0

    def active_count(self) -> int:
        return sum(1 for value in (self.practice, self.school_id, self.grade_band, self.subject,
                                   self.level) if value)


@dataclass(frozen=True)
class SearchRequest:
    viewer: Viewer
    text: str = ""
    filters: SearchFilters = field(default_factory=SearchFilters)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    # Videos the index may still show but the viewer may no longer see (a change waiting in
    # the index queue): left out of every total, facet count, hit and suggestion.
    hidden_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class CaptionHit:
    """A moment where searched words are said: the cue's start and its words, as plain text
    and as HTML (the text escaped, the searched words in <mark>, in any of their forms)."""

    start_s: float
    text: str
    html: str


@dataclass
class SearchHit:
    video_id: int
    score: float
    # field name -> HTML snippet: the source text escaped, matches wrapped in <mark>, "…"
    # where it starts or ends inside the text (snippets.py).
    highlights: dict[str, str]
    caption_hits: list[CaptionHit]


@dataclass
class SearchResponse:
    total: int
    page: int
    per_page: int
    hits: list[SearchHit]
    facets: dict[str, dict[str, int]]
    suggestion: str | None = None
    notice: str | None = None


def empty_facets() -> dict[str, dict[str, int]]:
    return {name: {} for name in FACETS}


class SearchBackend(ABC):
    """An index of videos that answers visibility-filtered queries."""

    @abstractmethod
    def index_video(self, document: VideoDocument) -> None:
        """Add the video, or replace what the index held for it."""

    @abstractmethod
    def remove_video(self, video_id: int) -> None:
        """Forget the video (a no-op when it is not indexed)."""

    @abstractmethod
    def query(self, request: SearchRequest) -> SearchResponse:
        """Ranked, paged, faceted results the viewer may see; IndexUnavailable if it cannot."""

    @abstractmethod
    def rebuild(self, documents: Iterable[VideoDocument]) -> int:
        """Replace the whole index with these documents while searches keep working."""

    @abstractmethod
    def is_usable(self) -> bool:
        """True when the index opens and answers; False when it must be rebuilt."""

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """Be the only writer while inside (re-entrant); backends with their own
        transactional writes need nothing here."""
        yield

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Group index_video/remove_video calls into one write where the backend can."""
        yield
