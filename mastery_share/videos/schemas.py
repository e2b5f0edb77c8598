from marshmallow import Schema, fields, validate

from ..accounts.models import GRADE_BANDS, SUBJECTS
from ..api.schemas import RefSchema
from ..query_args import MAX_ID
from ..text_fields import PlainText
from .models import PracticeLevel, Visibility
from .release import RELEASE_TIERS

VISIBILITIES = [v.value for v in Visibility]
LEVELS = [v.value for v in PracticeLevel]
_LEVEL_HELP = {"description": "getting_started (the default), refining or advanced"}
_RELEASE_HELP = {"description": "The widest media release every student shown has: none, "
                                 "school, district or network. The visibility may not reach "
                                 "further (422). Without it, media_release: true attests a "
                                 "release covering the visibility chosen."}
_TRY_ID_HELP = {"description": "One of your tries, not yet shared back: the new video "
                               "becomes its share-back."}


_BLUR_HELP = {"description": "Blur students' faces in every rendition and the poster (the "
                             "district's default when absent on create). A blurred video may "
                             "be shared wider than its release tier. Changing it on an "
                             "existing video processes it again."}


class FaceSchema(Schema):
    id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    first_s = fields.Float(required=True)
    last_s = fields.Float(required=True)
    keep = fields.Boolean(required=True, metadata={"description": "Stays unblurred."})
    thumbnail_url = fields.String(required=True, metadata={
        "description": "The unblurred face; for the owner's signed-in browser only."})


class FacesSchema(Schema):
    status = fields.String(required=True)
    reviewed = fields.Boolean(required=True)
    max_kept = fields.Integer(required=True)
    faces = fields.List(fields.Nested(FaceSchema), required=True)


class FaceReviewSchema(Schema):
    keep = fields.List(fields.Integer(strict=True), load_default=list, metadata={
        "description": "Ids of at most two faces to leave unblurred (the teacher's own, a "
                       "co-teacher's); every other face is blurred."})


class RenditionSchema(Schema):
    label = fields.String(required=True)
    width = fields.Integer(required=True)
    height = fields.Integer(required=True)
    url = fields.String(required=True)
    bytes = fields.Integer(allow_none=True)
    mime = fields.String(required=True)


class VideoSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    practices = fields.List(fields.String(), required=True)
    grade_band = fields.String(required=True)
    subject = fields.String(required=True)
    visibility = fields.String(required=True)
    release_tier = fields.String(required=True, validate=validate.OneOf(RELEASE_TIERS))
    blur_faces = fields.Boolean(required=True)
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    status = fields.String(required=True, metadata={
        "description": "queued, processing, ready, failed, or review_faces (faces were found "
                       "and the owner chooses which stay unblurred before it is published)"})
    progress = fields.Integer(required=True)
    error = fields.String(allow_none=True)
    duration_s = fields.Float(allow_none=True)
    width = fields.Integer(allow_none=True)
    height = fields.Integer(allow_none=True)
    renditions = fields.List(fields.Nested(RenditionSchema), required=True)
    poster_url = fields.String(allow_none=True)
    captions_url = fields.String(allow_none=True)
    captions_source = fields.String(allow_none=True)
    retain_until = fields.DateTime(allow_none=True, metadata={
        "description": "When the video will be deleted (the district's retention rule or the "
                       "owner's earlier end); null: kept until deleted."})
    descriptions_url = fields.String(allow_none=True, metadata={
        "description": "The audio description track (WebVTT, kind descriptions)."})
    text_description = fields.String(required=True, metadata={
        "description": "The owner's extended text description of the video."})
    captions_reviewed = fields.Boolean(required=True, metadata={
        "description": "The owner reviewed the captions (uploaded ones count as reviewed); "
                       "automatic ones are labelled \"not yet reviewed\" until then."})
    captions_language = fields.String(allow_none=True, metadata={
        "description": "The language heard in automatic captions (ISO 639-1); null otherwise."})
    owner = fields.Nested(RefSchema, required=True)
    school = fields.Nested(RefSchema, required=True)
    created_at = fields.DateTime(required=True)


class VideoPageSchema(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    items = fields.List(fields.Nested(VideoSchema), required=True)


class VideoListArgsSchema(Schema):
    practice = fields.String()
    school = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    owner = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    grade_band = fields.String(validate=validate.OneOf(GRADE_BANDS))
    subject = fields.String(validate=validate.OneOf(SUBJECTS))
    level = fields.String(validate=validate.OneOf(LEVELS), metadata=_LEVEL_HELP)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class VideoEditSchema(Schema):
    title = fields.String(validate=[validate.Length(min=1, max=200), PlainText()])
    description = fields.String(validate=[validate.Length(max=5000), PlainText(multiline=True)])
    practices = fields.List(fields.String(), validate=validate.Length(min=1))
    grade_band = fields.String(validate=validate.OneOf(GRADE_BANDS))
    subject = fields.String(validate=validate.OneOf(SUBJECTS))
    visibility = fields.String(validate=validate.OneOf(VISIBILITIES))
    release_tier = fields.String(validate=validate.OneOf(RELEASE_TIERS), metadata=_RELEASE_HELP)
    blur_faces = fields.Boolean(metadata=_BLUR_HELP)
    level = fields.String(validate=validate.OneOf(LEVELS), metadata=_LEVEL_HELP)
    captions_reviewed = fields.Boolean(metadata={
        "description": "The owner says every caption cue was checked (edit only)."})
    retain_until = fields.Date(allow_none=True, metadata={
        "description": "Delete the video on this day (after today, not later than the "
                       "district's retention); null clears the owner's own end."})


class VideoCreateJsonSchema(VideoEditSchema):
    """JSON body: the details plus the id of a finished tus upload."""

    upload_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    try_id = fields.Integer(strict=True, allow_none=True,
                            validate=validate.Range(min=1, max=MAX_ID), metadata=_TRY_ID_HELP)
    title = fields.String(required=True, validate=[validate.Length(min=1, max=200), PlainText()])
    practices = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    grade_band = fields.String(required=True, validate=validate.OneOf(GRADE_BANDS))
    subject = fields.String(required=True, validate=validate.OneOf(SUBJECTS))
    visibility = fields.String(required=True, validate=validate.OneOf(VISIBILITIES))
    media_release = fields.Boolean()


class VideoCreateMultipartSchema(Schema):
    """multipart/form-data: the file itself and the same details as form fields."""

    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})
    captions = fields.Raw(metadata={"type": "string", "format": "binary"})
    title = fields.String(required=True)
    description = fields.String()
    practices = fields.List(fields.String(), required=True)
    grade_band = fields.String(required=True, validate=validate.OneOf(GRADE_BANDS))
    subject = fields.String(required=True, validate=validate.OneOf(SUBJECTS))
    visibility = fields.String(required=True, validate=validate.OneOf(VISIBILITIES))
    media_release = fields.Boolean()
    release_tier = fields.String(validate=validate.OneOf(RELEASE_TIERS), metadata=_RELEASE_HELP)
    blur_faces = fields.Boolean(metadata=_BLUR_HELP)
    level = fields.String(validate=validate.OneOf(LEVELS), metadata=_LEVEL_HELP)
    try_id = fields.Integer(validate=validate.Range(min=1, max=MAX_ID), metadata=_TRY_ID_HELP)


class CaptionsUploadSchema(Schema):
    captions = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})
