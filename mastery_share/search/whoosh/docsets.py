"""Which documents a query matches, as a set of document numbers, without scoring them.

Totals and facet counts need every match but no score, and Whoosh's matchers walk the
postings one document at a time in Python (several microseconds each, and a word is searched
in seven fields). Here a word's postings are read a block at a time and the query tree is
evaluated with set operations, which run in C; a phrase alone is checked by its matcher,
and only on the documents holding all of its words.

The sets may hold deleted documents (their postings stay until a merge): callers intersect
them with the live or allowed documents (generation.py).
"""
from __future__ import annotations

import threading
from array import array
from collections.abc import Iterator, Sequence

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.searching import Searcher

_UNION = (wq.Or, wq.DisjunctionMax)
# Postings kept per commit (8 bytes each): a few hundred common words of a large library.
POSTINGS_KEPT = 2_000_000


def leaf_searchers(searcher: Searcher) -> list[tuple[Searcher, int]]:
    """(searcher of one segment, its first document number) for every segment."""
    return searcher.subsearchers or [(searcher, 0)]


class PostingsCache:
    """The postings of the terms searched on one commit (ids with the segment offsets
    applied, and weights), kept while they fit in POSTINGS_KEPT: a few common words are in
    most searches, and reading their blocks (unpickle, inflate, delta-decode) was a good part
    of a query on a large index."""

    def __init__(self) -> None:
        self._kept: dict[tuple, tuple[array, array]] = {}
        self._size = 0
        self._lock = threading.Lock()

    def get(self, searcher: Searcher, fieldname: str, text) -> tuple[array, array]:
        key = (fieldname, text)
        found = self._kept.get(key)
        if found is None:
            ids, weights = array("i"), array("f")
            for block_ids, block_weights, offset in term_postings(searcher, fieldname, text):
                ids.extend(block_ids if offset == 0 else [d + offset for d in block_ids])
                weights.extend(block_weights)
            found = (ids, weights)
            with self._lock:
                if self._size + len(ids) > POSTINGS_KEPT:
                    self._kept.clear()
                    self._size = 0
                self._kept[key] = found
                self._size += len(ids)
        return found


def term_docs(searcher: Searcher, fieldname: str, text,
              cache: PostingsCache | None = None) -> set[int]:
    """The documents holding the term (deleted ones included)."""
    if cache is not None:
        return set(cache.get(searcher, fieldname, text)[0])
    docs: set[int] = set()
    for ids, _, offset in term_postings(searcher, fieldname, text, weights=False):
        docs.update(ids if offset == 0 else (docnum + offset for docnum in ids))
    return docs


def term_postings(searcher: Searcher, fieldname: str, text, weights: bool = True
                  ) -> Iterator[tuple[Sequence[int], Sequence[float], int]]:
    """(ids, weights or (), first document number of the segment) of the term's postings,
    a block at a time (deleted documents included)."""
    for sub, offset in leaf_searchers(searcher):
        try:
            matcher = sub.reader().postings(fieldname, text)
        except TermNotFound:
            continue
        if isinstance(matcher, FilterMatcher):
            matcher = matcher.child  # deletions: dropped by the caller's live set
        for ids, found in _blocks(matcher, weights):
            yield ids, found, offset


def _blocks(matcher, weights: bool):
    if type(matcher) is W3LeafMatcher:
        # Whole blocks of ids at a time (Whoosh-Reloaded 2.7's own block reader; a test
        # compares this with Whoosh's matcher).
        while matcher.is_active():
            matcher._read_ids()
            if weights:
                matcher._read_weights()
            yield matcher._ids, matcher._weights if weights else ()
            matcher._next_block()
        return
    ids: list[int] = []
    found: list[float] = []
    while matcher.is_active():  # a short list inlined in the term info, or another kind
        ids.append(matcher.id())
        if weights:
            found.append(matcher.weight())
        matcher.next()
    yield ids, found


def matching_docs(searcher: Searcher, q: wq.Query, live: frozenset[int],
                  cache: PostingsCache | None = None) -> set[int]:
    """The documents `q` matches (deleted ones possibly included; `live` is what a
    negation is taken from)."""
    def docs(node: wq.Query) -> set[int]:
        return matching_docs(searcher, node, live, cache)

    if isinstance(q, wq.Term):
        return term_docs(searcher, q.fieldname, q.text, cache)
    if q is wq.NullQuery:
        return set()
    if type(q) is wq.Every and q.fieldname in (None, "", "*"):
        return set(live)
    if isinstance(q, wq.Not):
        return live - docs(q.query)
    if isinstance(q, wq.AndNot):
        return docs(q.a) - docs(q.b)
    if isinstance(q, wq.AndMaybe):
        return docs(q.a)
    if isinstance(q, wq.Require):
        return docs(q.a) & docs(q.b)
    if type(q) in _UNION and not getattr(q, "minmatch", 0):
        return set().union(*(docs(child) for child in q.subqueries))
    if type(q) is wq.And:
        return _intersection([docs(child) for child in q.subqueries])
    if isinstance(q, wq.MultiTerm):  # prefix*, wild?card, fuzzy~: each word it stands for
        words = q.existing_terms(searcher.reader(), expand=True)
        return set().union(*(term_docs(searcher, field, text, cache) for field, text in words))
    if isinstance(q, wq.Phrase):
        return _phrase_docs(searcher, q, cache)
    return set(searcher.docs_for_query(q))


def _intersection(sets: list[set[int]]) -> set[int]:
    if not sets:
        return set()
    sets.sort(key=len)
    return sets[0].intersection(*sets[1:])


def _phrase_docs(searcher: Searcher, q: wq.Phrase, cache: PostingsCache | None) -> set[int]:
    candidates = _intersection([term_docs(searcher, q.fieldname, word, cache)
                                for word in q.words])
    if not candidates:
        return set()
    found: set[int] = set()
    for sub, offset in leaf_searchers(searcher):
        wanted = sorted(docnum - offset for docnum in candidates
                        if offset <= docnum < offset + sub.reader().doc_count_all())
        if wanted:
            found.update(docnum + offset for docnum in _verified(sub, q, wanted))
    return found


def _verified(sub: Searcher, q: wq.Query, wanted: list[int]):
    """Those of `wanted` (ascending, in the segment) that `q` matches: the matcher jumps
    to each one instead of walking every posting."""
    matcher = q.matcher(sub)
    for docnum in wanted:
        if not matcher.is_active():
            return
        if matcher.id() < docnum:
            matcher.skip_to(docnum)
            if not matcher.is_active():
                return
        if matcher.id() == docnum:
            yield docnum
