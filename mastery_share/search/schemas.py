"""Request and response schemas of GET /api/v1/search (they validate and document it)."""
from marshmallow import Schema, fields, validate

from ..accounts.models import GRADE_BANDS, SUBJECTS
from ..videos.schemas import MAX_ID, VideoSchema
from .backend import LEVELS, MAX_PER_PAGE, SORTS
from .services import MAX_QUERY_CHARS


class SearchArgsSchema(Schema):
    q = fields.String(load_default="", validate=validate.Length(max=MAX_QUERY_CHARS),
                      metadata={"description": "Words, \"phrases\", prefix*, and fields such "
                                "as practice:differentiation, school:north, teacher:, "
                                "grade:3-5, subject:math, said: (captions)."})
    practice = fields.String(validate=validate.Length(min=1, max=80),
                             metadata={"description": "Practice slug."})
    school = fields.Integer(validate=validate.Range(min=1, max=MAX_ID),
                            metadata={"description": "School id."})
    grade_band = fields.String(validate=validate.OneOf(GRADE_BANDS))
    subject = fields.String(validate=validate.OneOf(SUBJECTS))
    level = fields.String(validate=validate.OneOf(LEVELS), metadata={
        "description": "How far into the practice: getting_started, refining or advanced."})
    sort = fields.String(load_default="relevance", validate=validate.OneOf(SORTS))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_ID))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class CaptionHitSchema(Schema):
    start_s = fields.Float(required=True, metadata={
        "description": "Seconds from the start; open /videos/<id>?t=<seconds> to play there."})
    text = fields.String(required=True, metadata={"description": "The words said, as plain text."})
    html = fields.String(required=True, metadata={
        "description": "The same words as HTML: the text escaped, the searched words (in any "
                       "of their forms, e.g. \"groups\" for grouping) in <mark>."})


class SearchResultSchema(Schema):
    video = fields.Nested(VideoSchema, required=True)
    score = fields.Float(required=True)
    highlights = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                             metadata={"description": "Field name -> HTML snippet: the text "
                                       "escaped, matched words in <mark>, and \"…\" where "
                                       "the snippet starts or ends inside the text."})
    caption_hits = fields.List(fields.Nested(CaptionHitSchema), required=True)


def _counts(description: str):
    return fields.Dict(keys=fields.String(), values=fields.Integer(), required=True,
                       metadata={"description": description})


class FacetsSchema(Schema):
    practice = _counts("Practice slug -> number of matching videos.")
    school = _counts("School id -> number of matching videos.")
    grade_band = _counts("Grade band -> number of matching videos.")
    subject = _counts("Subject -> number of matching videos.")
    level = _counts("Level (getting_started, refining, advanced) -> number of matching videos.")


class SearchPageSchema(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    results = fields.List(fields.Nested(SearchResultSchema), required=True)
    facets = fields.Nested(FacetsSchema, required=True)
    suggestion = fields.String(allow_none=True, required=True,
                               metadata={"description": "A corrected query, or null."})
    notices = fields.List(fields.String(), required=True, metadata={
        "description": "Things to tell the member, e.g. that the index is being rebuilt."})
