"""The "Add a video" picker on the collection page: the ready videos the curator may watch,
found by a few words (title, teacher, practice) and a practice, a page at a time, each marked
when it is already in the collection."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..accounts.models import Practice, User
from ..extensions import db
from ..videos.services import Page, VideoFilters, list_videos
from .models import Collection

PER_PAGE = 10
WORDS_MAX = 200
# Far past any real catalogue; keeps OFFSET within what every database accepts.
PAGE_MAX = 10_000


@dataclass
class Picker:
    words: str
    practice: str | None
    found: Page
    practices: list[Practice]
    positions: dict[int, list[int]]  # video id -> its item numbers in this collection

    @property
    def filtered(self) -> bool:
        return bool(self.words or self.practice)

    def args(self, **changes) -> dict:
        """The picker's query-string arguments (for page links and the add form's action),
        leaving out empty ones and page 1."""
        args = {"q": self.words, "practice": self.practice, "page": self.found.page, **changes}
        return {name: value for name, value in args.items()
                if value and not (name == "page" and value == 1)}


def _positions_of_videos(collection: Collection) -> dict[int, list[int]]:
    positions: dict[int, list[int]] = {}
    for item in collection.items:
        if item.video_id is not None:
            positions.setdefault(item.video_id, []).append(item.position)
    return positions


def find_videos_to_add(curator: User, collection: Collection, words: str = "",
                       practice: str | None = None, page: int = 1) -> Picker:
    """A page of the ready videos `curator` may watch that match every word and the practice,
    newest first. The visibility rule is part of the query (list_videos), so a video the
    curator may not watch is never listed or counted."""
    words = " ".join(words.split())[:WORDS_MAX]
    filters = VideoFilters(practice=practice or None, words=words or None)
    page = min(max(1, page), PAGE_MAX)
    found = list_videos(curator, filters, page=page, per_page=PER_PAGE)
    if not found.items and found.page > found.pages:  # a stale "Next" link: show the last page
        found = list_videos(curator, filters, page=found.pages, per_page=PER_PAGE)
    practices = list(db.session.scalars(select(Practice).order_by(Practice.position)))
    return Picker(words=words, practice=filters.practice, found=found, practices=practices,
                  positions=_positions_of_videos(collection))
