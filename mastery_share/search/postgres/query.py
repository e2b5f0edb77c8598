"""Searched words and who may see what, as SQL over search_documents (PostgreSQL backend)."""
from __future__ import annotations

from sqlalchemy import and_, cast, false, func, not_, or_, true
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.sql.elements import ColumnElement

from ..backend import SearchFilters, Viewer
from .models import ENGLISH, SearchDocument
from .parse import ANYWHERE, EVERYTHING, NOTHING, Grade, Words

docs = SearchDocument.__table__.c


def tsquery(text: str) -> ColumnElement:
    return cast(text, TSQUERY)


def _vector(field: str) -> ColumnElement:
    stored = {ANYWHERE: docs.document, "description": docs.description_vector,
              "transcript": docs.transcript_vector}
    if field in stored:
        return stored[field]
    text = {"title": docs.title, "practice": docs.practice_text, "teacher": docs.teacher_name,
            "school": docs.school_name, "subject_text": docs.subject}[field]
    return func.to_tsvector(ENGLISH, text)


def condition(tree) -> ColumnElement[bool]:
    """The normalised tree as a WHERE clause over search_documents."""
    if tree == EVERYTHING:
        return true()
    if tree == NOTHING:
        return false()
    if isinstance(tree, Words):
        return _vector(tree.field).bool_op("@@")(tsquery(tree.operand))
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


def allowed(viewer: Viewer, filters: SearchFilters) -> ColumnElement[bool]:
    """Documents the viewer may see that match the chosen facet values."""
    terms = [visible_to(viewer)]
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
