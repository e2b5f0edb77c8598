""""Did you mean …?" from the Whoosh index (the word loop is search/suggest.py).

The corrector draws candidate words from the whole index, private videos included, so each
candidate is checked against the documents the viewer may see before it is offered.
"""
from __future__ import annotations

from collections.abc import Set as AbstractSet

from whoosh import query as wq
from whoosh.searching import Searcher

from ..suggest import CANDIDATES_PER_WORD, MAX_DISTANCE, did_you_mean
from .docsets import matching_docs
from .generation import Generation
from .query import parse_user_query, word_query


class _WhooshSpeller:
    def __init__(self, searcher: Searcher, generation: Generation,
                 allowed: AbstractSet[int]) -> None:
        self.searcher = searcher
        self.generation = generation
        self.allowed = allowed
        self.corrector = searcher.reader().corrector("spelling")

    def _finds(self, q: wq.Query) -> bool:
        return not self.allowed.isdisjoint(matching_docs(self.searcher, q, self.generation.live,
                                                         self.generation.postings))

    def word_finds(self, word: str) -> bool | None:
        typed = word_query(word)
        return None if typed is wq.NullQuery else self._finds(typed)

    def candidates(self, word: str) -> list[str]:
        return list(self.corrector.suggest(word, limit=CANDIDATES_PER_WORD,
                                           maxdist=MAX_DISTANCE, prefix=1))

    def text_finds(self, text: str) -> bool:
        return self._finds(parse_user_query(text).query)


def suggest(searcher: Searcher, text: str, generation: Generation,
            allowed: AbstractSet[int]) -> str | None:
    """A corrected version of `text` that finds at least one visible video (`allowed`: the
    numbers of the documents the viewer may see, hidden ones left out), or None."""
    return did_you_mean(text, _WhooshSpeller(searcher, generation, allowed))
