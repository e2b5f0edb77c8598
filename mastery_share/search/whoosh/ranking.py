"""Relevance scores of matched documents, summed term by term from the postings.

Whoosh's own scoring walks a tree of matchers (each searched word is an OR over seven
fields) a document at a time in Python; at 20,000 videos that took most of a query on
common words. Here each word of the query adds its score to the documents it is in, a
posting block at a time: BM25 as Whoosh scores it (idf, term frequency saturated by K1,
the field's boost), without the field length normalisation (lengths are not in the
postings). A phrase scores as its words, a prefix* or other pattern as a constant (Whoosh's
constant score), a negated word not at all.
"""
from __future__ import annotations

import heapq
from collections.abc import Iterator
from collections.abc import Set as AbstractSet

from whoosh import query as wq
from whoosh.searching import Searcher

from .docsets import PostingsCache, term_docs

K1 = 1.2  # Whoosh's BM25F default


def ranked(searcher: Searcher, q: wq.Query, matched: AbstractSet[int], count: int,
           cache: PostingsCache) -> list[tuple[int, float]]:
    """The `count` best of `matched` as (document number, score), best first; equal
    scores in index order."""
    scores = score_docs(searcher, q, matched, cache)
    return heapq.nlargest(count, scores.items(), key=lambda item: (item[1], -item[0]))


def score_docs(searcher: Searcher, q: wq.Query, docs: AbstractSet[int],
               cache: PostingsCache) -> dict[int, float]:
    """Document number -> score, for each of `docs`."""
    scores = dict.fromkeys(docs, 0.0)
    get = scores.get
    for leaf in _scored_leaves(q):
        boost = float(leaf.boost)
        if isinstance(leaf, wq.Term):
            idf = searcher.idf(leaf.fieldname, leaf.text)
            ids, weights = cache.get(searcher, leaf.fieldname, leaf.text)
            for docnum, tf in zip(ids, weights):
                score = get(docnum)
                if score is not None:
                    scores[docnum] = score + boost * idf * tf * (K1 + 1) / (tf + K1)
        else:
            words = leaf.existing_terms(searcher.reader(), expand=True)
            for docnum in set().union(*(term_docs(searcher, f, t, cache) for f, t in words)):
                score = get(docnum)
                if score is not None:
                    scores[docnum] = score + boost
    return scores


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
