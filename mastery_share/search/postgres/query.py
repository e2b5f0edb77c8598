"""Searched words and who may see what, as SQL over search_documents (PostgreSQL backend)."""
from __future__ import annotations

import re

from sqlalchemy import (
    Integer,
    all_,
    and_,
    bindparam,
    cast,
    false,
    func,
    not_,
    or_,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSQUERY
from sqlalchemy.sql.elements import ColumnElement

from ..backend import SearchFilters, Viewer
from .models import FIELD_WEIGHTS, SearchDocument, subject_vector
from .parse import EVERYTHING, NOTHING, Grade, Words

docs = SearchDocument.__table__.c


def tsquery(text: str) -> ColumnElement:
    return cast(text, TSQUERY)


_LONG_FIELDS = {"description": docs.description_vector, "transcript": docs.transcript_vector}
# A lexeme of a normalised tsquery ('it''s'), and its prefix mark.
_LEXEME = re.compile(r"'(?:[^']|'')*'(:\*)?")


def weighted(operand: str, weight: str) -> str:
    """The normalised tsquery `operand` with every lexeme restricted to one weight."""
    return _LEXEME.sub(lambda found: found.group(0) + ("" if found.group(1) else ":") + weight,
                       operand)


def _matches(field: str, operand: str) -> ColumnElement[bool]:
    """Documents whose `field` holds the words, each through an index: `document` for any
    field, `fields` (under the field's weight) for a short one, its own vector for a long one,
    and its expression index for the subject."""
    if field in FIELD_WEIGHTS:
        return docs.fields.bool_op("@@")(tsquery(weighted(operand, FIELD_WEIGHTS[field])))
    if field in _LONG_FIELDS:
        return _LONG_FIELDS[field].bool_op("@@")(tsquery(operand))
    if field == "subject_text":
        return subject_vector(docs.subject).bool_op("@@")(tsquery(operand))
    return docs.document.bool_op("@@")(tsquery(operand))


def condition(tree) -> ColumnElement[bool]:
    """The normalised tree as a WHERE clause over search_documents."""
    if tree == EVERYTHING:
        return true()
    if tree == NOTHING:
        return false()
    if isinstance(tree, Words):
        return _matches(tree.field, tree.operand)
    if isinstance(tree, Grade):
        grade = func.lower(docs.grade_band)
        return grade.startswith(tree.value, autoescape=True) if tree.prefix else grade == tree.value
    conditions = [condition(child) for child in tree.children]
    if tree.kind == "and":
        return and_(*conditions)
    if tree.kind == "or":
        return or_(*conditions)
    if tree.kind == "not":
        return not_(conditions[0])
    if tree.kind == "andnot":
        return and_(conditions[0], not_(conditions[1]))
    return conditions[0]  # andmaybe: the second part only adds to the rank


def visible_to(viewer: Viewer) -> ColumnElement[bool]:
    """The same rule as videos.visibility.visible_to (and the Whoosh filter), over the
    index's columns."""
    network = docs.visibility == "network"
    if viewer.is_admin:
        return or_(network, docs.district_id == viewer.district_id)
    allowed = [
        network,
        docs.owner_id == viewer.user_id,
        and_(docs.visibility == "district", docs.district_id == viewer.district_id),
    ]
    if viewer.school_id is not None:
        allowed.append(and_(docs.visibility == "school", docs.school_id == viewer.school_id))
    return or_(*allowed)


def allowed(viewer: Viewer, filters: SearchFilters,
            hidden_ids: frozenset[int] = frozenset()) -> ColumnElement[bool]:
    """Documents the viewer may see that match the chosen facet values, less `hidden_ids`
    (videos the index still shows but the viewer may no longer see)."""
    terms = [visible_to(viewer)]
    if hidden_ids:
        terms.append(docs.video_id != all_(
            bindparam("hidden_ids", sorted(hidden_ids), type_=ARRAY(Integer()))))
    if filters.practice:
        terms.append(docs.practice_slugs.contains([filters.practice]))
    if filters.school_id:
        terms.append(docs.school_id == filters.school_id)
    if filters.grade_band:
        terms.append(docs.grade_band == filters.grade_band)
    if filters.subject:
        terms.append(docs.subject == filters.subject)
    if filters.level:
        terms.append(docs.level == filters.level)
    return and_(*terms)
