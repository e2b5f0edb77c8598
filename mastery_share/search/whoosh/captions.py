"""The moments of a results page where the searched words are said (caption hits).

Cues are stored with their video, not indexed as documents of their own: only the videos of
the page shown (already visible to the viewer) are looked into, cue by cue in time order,
until each has its CAPTION_HITS_PER_VIDEO moments. A cue is a moment when it holds one of
the words searched for in what is said, or one of the phrases, as the query reads them
(stemmed, stop words left out).
"""
from __future__ import annotations

from whoosh import query as wq
from whoosh.searching import Searcher

from ..backend import CaptionHit
from ..moments import moment_of
from .highlight import marked_whole_text, query_words
from .query import transcript_leaves
from .schema import StoredCue

CAPTION_HITS_PER_VIDEO = 5


class CaptionFinder:
    """The caption hits of one query, for any video of its results page."""

    def __init__(self, searcher: Searcher, user_query: wq.Query) -> None:
        self.searcher = searcher
        self.analyzer = searcher.schema["transcript"].analyzer
        leaves = transcript_leaves(user_query)
        phrases = [leaf for leaf in leaves if isinstance(leaf, wq.Phrase)]
        words = [leaf for leaf in leaves if not isinstance(leaf, wq.Phrase)]
        # Marked: every word of the query about speech, phrase words included.
        self.marked = _transcript_words(searcher, leaves)
        self.words = _transcript_words(searcher, words)
        self.phrases = [(list(phrase.words), max(1, phrase.slop)) for phrase in phrases]

    def hits(self, cues: tuple[StoredCue, ...]) -> list[CaptionHit]:
        found: list[CaptionHit] = []
        if not self.marked:
            return found
        for start_s, text, word_starts in cues:
            if not self._said_in(text):
                continue
            html = marked_whole_text(self.searcher, "transcript", text, self.marked)
            found.append(CaptionHit(start_s=moment_of(start_s, html, tuple(word_starts)),
                                    text=text, html=html))
            if len(found) == CAPTION_HITS_PER_VIDEO:
                break
        return found

    def _said_in(self, text: str) -> bool:
        tokens = self.analyzer.words(text)
        if self.words and not self.words.isdisjoint(tokens):
            return True
        return any(_has_phrase(tokens, words, slop) for words, slop in self.phrases)


def _transcript_words(searcher: Searcher, leaves: list[wq.Query]) -> frozenset[str]:
    if not leaves:
        return frozenset()
    return query_words(searcher, wq.Or(leaves)).get("transcript", frozenset())


def _has_phrase(tokens: list[str], words: list[str], slop: int) -> bool:
    """Whether the words come in this order, each within `slop` positions of the last."""
    if not words:
        return False
    ends = {at for at, token in enumerate(tokens) if token == words[0]}
    for word in words[1:]:
        ends = {at for at, token in enumerate(tokens) if token == word
                and any(0 < at - end <= slop for end in ends)}
        if not ends:
            return False
    return bool(ends)
