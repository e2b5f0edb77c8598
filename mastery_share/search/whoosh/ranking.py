"""Relevance scores of matched documents, summed term by term from the postings.

Whoosh's own scoring walks a tree of matchers (each searched word is an OR over seven
fields) a document at a time in Python; at 20,000 videos that took most of a query on
common words. Here each word of the query adds its score to the documents it is in, a
whole posting list at a time in numpy: BM25 as Whoosh scores it (idf, term frequency
saturated by K1, the field's boost), without the field length normalisation (lengths are not
in the postings). A phrase scores as its words, a prefix* or other pattern as a constant
(Whoosh's constant score), a negated word not at all. Each score is the same sum of the
same double-precision terms, in the same order, as adding them one document at a time.
"""
from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Set as AbstractSet

import numpy as np
from whoosh import query as wq
from whoosh.searching import Searcher

from .docsets import PostingsCache, term_docs

K1 = 1.2  # Whoosh's BM25F default


def ranked(searcher: Searcher, q: wq.Query, matched: AbstractSet[int], count: int,
           cache: PostingsCache) -> list[tuple[int, float]]:
    """The `count` best of `matched` as (document number, score), best first; equal
    scores in index order."""
    docs = _sorted_docs(matched)
    scores = _scores(searcher, q, docs, cache)
    if count < len(docs):
        # Only the documents scoring at least the `count`-th best are ordered, not all of a
        # common word's thousands of matches.
        threshold = np.partition(scores, len(docs) - count)[len(docs) - count]
        candidates = np.flatnonzero(scores >= threshold)
    else:
        candidates = np.arange(len(docs))
    # A stable sort keeps equal scores in index order (`docs` is sorted).
    order = candidates[np.argsort(-scores[candidates], kind="stable")][:count]
    return list(zip(docs[order].tolist(), scores[order].tolist()))


def score_docs(searcher: Searcher, q: wq.Query, docs: AbstractSet[int],
               cache: PostingsCache) -> dict[int, float]:
    """Document number -> score, for each of `docs`."""
    ordered = _sorted_docs(docs)
    return dict(zip(ordered.tolist(), _scores(searcher, q, ordered, cache).tolist()))


def _sorted_docs(docs: AbstractSet[int]) -> np.ndarray:
    """`docs` in index order (marked in a mask and read back: linear, where a sort is not)."""
    found = np.fromiter(docs, dtype=np.int64, count=len(docs))
    if not len(found):
        return found
    mask = np.zeros(int(found.max()) + 1, dtype=bool)
    mask[found] = True
    return np.flatnonzero(mask)


def _scores(searcher: Searcher, q: wq.Query, docs: np.ndarray,
            cache: PostingsCache) -> np.ndarray:
    """The score of each of `docs` (sorted document numbers), in their order."""
    scores = np.zeros(len(docs))
    if not len(docs):
        return scores
    for leaf in _scored_leaves(q):
        boost = float(leaf.boost)
        if isinstance(leaf, wq.Term):
            idf = searcher.idf(leaf.fieldname, leaf.text)
            ids, weights = cache.get(searcher, leaf.fieldname, leaf.text)
            if not len(ids):
                continue
            where, held = _positions(docs, np.frombuffer(ids, dtype=np.int32))
            tf = np.frombuffer(weights, dtype=np.float32)[held].astype(np.float64)
            # One document appears once in a term's postings: no position repeats here.
            scores[where] += boost * idf * tf * (K1 + 1) / (tf + K1)
        else:
            words = leaf.existing_terms(searcher.reader(), expand=True)
            union = set().union(*(term_docs(searcher, f, t, cache) for f, t in words))
            if union:
                where, _ = _positions(docs, _sorted_docs(union))
                scores[where] += boost
    return scores


def _positions(docs: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(positions in `docs` of the `ids` it holds, which of `ids` those are)."""
    where = np.searchsorted(docs, ids)
    inside = where < len(docs)
    held = np.zeros(len(ids), dtype=bool)
    held[inside] = docs[where[inside]] == ids[inside]
    return where[held], held


def _scored_leaves(node: wq.Query) -> Iterator[wq.Query]:
    if isinstance(node, wq.Not):
        return
    if isinstance(node, wq.AndNot):
        yield from _scored_leaves(node.a)
        return
    if isinstance(node, wq.Phrase):
        for word in node.words:
            yield wq.Term(node.fieldname, word, boost=node.boost)
        return
    if isinstance(node, (wq.Term, wq.MultiTerm)):
        yield node
        return
    for child in node.children():
        yield from _scored_leaves(child)
