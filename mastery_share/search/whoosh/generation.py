"""What a search needs to know about every document, worked out once per index generation
(a commit) and shared by every query on it: the live documents, who may see them, their
facet values and upload times.

Before, each query built a Python set of every document the viewer may see from a Whoosh
filter query, and scored every match to count facets. Now the visibility rule is a set per
viewer class (an admin of a district, a member of a school), built at most once per commit;
a viewer's own videos are added to it, the videos they may no longer see (hidden_ids)
removed, and totals and facets are set intersections (backend.py).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from whoosh.searching import Searcher

from ..backend import SearchFilters, Viewer
from .docsets import PostingsCache, term_docs

# Facet name -> the index field its values are terms of.
FACET_FIELDS = {"practice": "practices", "school": "school_id", "grade_band": "grade_band",
                "subject": "subject", "level": "level"}
# Generations kept: the live one and the one queries still finish on after a commit.
GENERATIONS_KEPT = 2


@dataclass
class Generation:
    """One commit of the index, as sets and arrays indexed by document number."""

    live: frozenset[int]
    video_ids: list[int]  # document number -> video id (deleted documents too)
    created: list[int]  # document number -> upload time (a sortable integer)
    facet_docs: dict[str, dict[str, frozenset[int]]]  # facet -> value -> documents
    docnum_of: dict[int, int]  # video id -> its live document number
    facet_tables: dict[str, FacetTable]  # facet -> its values by document, for counting
    postings: PostingsCache = field(default_factory=PostingsCache)
    _visible: dict[tuple, frozenset[int]] = field(default_factory=dict)

    def allowed(self, searcher: Searcher, viewer: Viewer,
                hidden_ids: frozenset[int]) -> frozenset[int] | set[int]:
        """The live documents the viewer may see (videos.visibility.visible_to, over index
        fields), less those the index still shows but the viewer may no longer see."""
        allowed: frozenset[int] | set[int] = self._by_class(searcher, viewer)
        own = term_docs(searcher, "owner_id", str(viewer.user_id))
        own.intersection_update(self.live)
        if not own <= allowed:
            allowed = allowed | own
        hidden = {self.docnum_of[video_id] for video_id in hidden_ids
                  if video_id in self.docnum_of}
        return allowed - hidden if hidden & allowed else allowed

    def _by_class(self, searcher: Searcher, viewer: Viewer) -> frozenset[int]:
        key = (viewer.is_admin, viewer.district_id, None if viewer.is_admin else viewer.school_id)
        visible = self._visible.get(key)
        if visible is None:
            visible = self._visible[key] = frozenset(_visible_to(searcher, viewer) & self.live)
        return visible

    def filtered(self, docs: frozenset[int] | set[int],
                 filters: SearchFilters) -> frozenset[int] | set[int]:
        """`docs` with the chosen facet values."""
        chosen = {"practice": filters.practice, "school": filters.school_id,
                  "grade_band": filters.grade_band, "subject": filters.subject,
                  "level": filters.level}
        for facet, value in chosen.items():
            if value:
                docs = docs & self.facet_docs[facet].get(str(value), frozenset())
        return docs

    def facet_counts(self, docs: frozenset[int] | set[int]) -> dict[str, dict[str, int]]:
        """Facet -> value -> how many of `docs` have it, most first."""
        numbers = np.fromiter(docs, dtype=np.intp, count=len(docs))
        counts = {}
        for facet, table in self.facet_tables.items():
            found = zip(table.values, table.count(numbers).tolist())
            counts[facet] = dict(sorted(((value, count) for value, count in found if count),
                                        key=lambda item: (-item[1], item[0])))
        return counts


@dataclass(frozen=True)
class FacetTable:
    """One facet's values by document number, for counting a result's values in one pass of
    numpy (a search matching most of 10,000 videos took 1.5 ms of set intersections, one per
    value; this takes a tenth of that)."""

    values: list[str]
    # A facet with one value per document (school, grade band, subject, level): its column
    # (len(values) where it has none); a document can hold several practices: a yes/no table.
    codes: np.ndarray | None = None
    holds: np.ndarray | None = None

    @classmethod
    def of(cls, holders_by_value: dict[str, frozenset[int]], doc_count: int) -> FacetTable:
        values = list(holders_by_value)
        if sum(map(len, holders_by_value.values())) == len(
                frozenset().union(*holders_by_value.values())):
            codes = np.full(doc_count, len(values), dtype=np.int32)
            for code, holders in enumerate(holders_by_value.values()):
                codes[np.fromiter(holders, dtype=np.intp, count=len(holders))] = code
            return cls(values=values, codes=codes)
        holds = np.zeros((doc_count, len(values)), dtype=bool)
        for code, holders in enumerate(holders_by_value.values()):
            holds[np.fromiter(holders, dtype=np.intp, count=len(holders)), code] = True
        return cls(values=values, holds=holds)

    def count(self, numbers: np.ndarray) -> np.ndarray:
        """How many of the documents `numbers` hold each value, in the order of `values`."""
        if self.codes is not None:
            return np.bincount(self.codes[numbers], minlength=len(self.values) + 1)[:-1]
        return self.holds[numbers].sum(axis=0)


def _visible_to(searcher: Searcher, viewer: Viewer) -> set[int]:
    def docs(fieldname: str, value) -> set[int]:
        return term_docs(searcher, fieldname, str(value))

    visible = docs("visibility", "network")
    if viewer.is_admin:
        return visible | docs("district_id", viewer.district_id)
    visible |= docs("visibility", "district") & docs("district_id", viewer.district_id)
    if viewer.school_id is not None:
        visible |= docs("visibility", "school") & docs("school_id", viewer.school_id)
    return visible


def _key(searcher: Searcher) -> tuple:
    # Segment ids are random per segment, and a segment's deletions only grow: together
    # they name one commit's documents, whichever searcher reads them.
    if searcher.doc_count_all() == 0:
        return ()
    return tuple((reader.segment().segment_id(), reader.segment().deleted_count())
                 for reader, _ in searcher.reader().leaf_readers())


def _build(searcher: Searcher) -> Generation:
    reader = searcher.reader()
    if searcher.doc_count_all() == 0:  # a new install: no segment, no columns
        return Generation(live=frozenset(), video_ids=[], created=[],
                          facet_docs={facet: {} for facet in FACET_FIELDS}, docnum_of={},
                          facet_tables={facet: FacetTable.of({}, 0) for facet in FACET_FIELDS})
    live = frozenset(reader.all_doc_ids())
    # Vocabulary documents have no video id (0 here) nor upload time.
    video_ids = [int(value or 0) for value in _column(reader, "video_id", translate=True)]
    created = list(_column(reader, "created_at", translate=False))
    facet_docs = {}
    for facet, fieldname in FACET_FIELDS.items():
        values = {}
        for text in reader.field_terms(fieldname):
            holders = frozenset(term_docs(searcher, fieldname, text) & live)
            if holders and text:
                values[text] = holders
        facet_docs[facet] = values
    doc_count = searcher.doc_count_all()
    return Generation(live=live, video_ids=video_ids, created=created, facet_docs=facet_docs,
                      docnum_of={video_ids[docnum]: docnum for docnum in live
                                 if video_ids[docnum]},
                      facet_tables={facet: FacetTable.of(values, doc_count)
                                    for facet, values in facet_docs.items()})


def _column(reader, fieldname: str, translate: bool):
    if not reader.has_column(fieldname):  # every document left is a vocabulary document
        return [0] * reader.doc_count_all()
    return reader.column_reader(fieldname, translate=translate)


_generations: OrderedDict[tuple, Generation] = OrderedDict()
_lock = threading.Lock()


def generation_of(searcher: Searcher) -> Generation:
    """The shared view of the commit the searcher reads (built by the first query on it)."""
    key = _key(searcher)
    with _lock:
        found = _generations.get(key)
        if found is None:
            found = _generations[key] = _build(searcher)
            while len(_generations) > GENERATIONS_KEPT:
                _generations.popitem(last=False)
        _generations.move_to_end(key)
        return found

