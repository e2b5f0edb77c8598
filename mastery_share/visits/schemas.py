"""Request and response schemas of the visits API (the OpenAPI document is built from them)."""
from datetime import UTC

from marshmallow import Schema, fields, validate

from ..accounts.models import GRADE_BANDS, SUBJECTS
from ..api.schemas import RefSchema
from ..query_args import MAX_ID
from ..text_fields import PlainText
from .models import BookingStatus, SlotStatus
from .slots import DURATION_RANGE, LEVELS, MAX_CAPACITY, MAX_REPEAT_WEEKS



def _ids():
    return fields.List(fields.Integer(validate=validate.Range(min=1, max=MAX_ID)),
                       validate=validate.Length(max=20))


def _slugs():
    return fields.List(fields.String(validate=validate.Length(min=1, max=80)),
                       validate=validate.Length(max=20))


class VisitSlotEditSchema(Schema):
    starts_at = fields.AwareDateTime(metadata={
        "description": "ISO 8601 with a UTC offset; shown in the school's time zone."})
    # strict: 45.5 minutes is refused, not cut to 45 without a word.
    duration_min = fields.Integer(strict=True, validate=validate.Range(*DURATION_RANGE))
    capacity = fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_CAPACITY))
    room = fields.String(validate=[validate.Length(max=80), PlainText()])
    focus = fields.String(validate=[validate.Length(min=1, max=2000), PlainText()],
                          metadata={"description": "What visitors will see."})
    practices = _slugs()
    video_ids = _ids()
    grade_band = fields.String(allow_none=True, validate=validate.OneOf(GRADE_BANDS))
    subject = fields.String(allow_none=True, validate=validate.OneOf(SUBJECTS))
    level = fields.String(allow_none=True, validate=validate.OneOf(LEVELS), metadata={
        "description": "getting_started, refining or advanced; null: any level."})


class VisitSlotCreateSchema(VisitSlotEditSchema):
    starts_at = fields.AwareDateTime(required=True, metadata={
        "description": "ISO 8601 with a UTC offset, kept as the exact instant given (on the "
                       "fall-back night the offset says which 1:30 AM is meant); weekly "
                       "repeats keep the local wall-clock time in the school's zone: a time "
                       "skipped by spring-forward moves an hour later that week, a time shown "
                       "twice on the fall-back night is the first."})
    duration_min = fields.Integer(required=True, strict=True,
                                  validate=validate.Range(*DURATION_RANGE))
    capacity = fields.Integer(required=True, strict=True,
                              validate=validate.Range(min=1, max=MAX_CAPACITY))
    focus = fields.String(required=True, validate=[validate.Length(min=1, max=2000), PlainText()])
    repeat_weekly = fields.Integer(load_default=0, strict=True,
                                   validate=validate.Range(min=0, max=MAX_REPEAT_WEEKS),
                                   metadata={"description": "Extra weekly occurrences, 0-12."})


class VisitSlotListArgsSchema(Schema):
    # `from` is a Python keyword: the field is from_, read from the "from" parameter.
    from_ = fields.AwareDateTime(data_key="from", default_timezone=UTC)
    to = fields.AwareDateTime(default_timezone=UTC)
    school = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    host = fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    practice = fields.String(validate=validate.Length(max=80))
    grade_band = fields.String(validate=validate.OneOf(GRADE_BANDS))
    subject = fields.String(validate=validate.OneOf(SUBJECTS))
    level = fields.String(validate=validate.OneOf(LEVELS), metadata={
        "description": "Slots at this level, and those open to any level."})
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=500))


class VisitSlotCancelArgsSchema(Schema):
    series = fields.String(load_default="this", validate=validate.OneOf(("this", "following")),
                           metadata={"description": "this: only this date; following: this "
                                                    "and every later date of its weekly series"})


class SchoolRefSchema(RefSchema):
    time_zone = fields.String(required=True)


class BookingRefSchema(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in BookingStatus]))


class VisitSlotSchema(Schema):
    id = fields.Integer(required=True)
    host = fields.Nested(RefSchema, required=True)
    school = fields.Nested(SchoolRefSchema, required=True)
    starts_at = fields.DateTime(required=True, metadata={"description": "In the school's zone."})
    ends_at = fields.DateTime(required=True)
    time_zone = fields.String(required=True)
    duration_min = fields.Integer(required=True)
    capacity = fields.Integer(required=True)
    room = fields.String(required=True)
    focus = fields.String(required=True)
    practices = fields.List(fields.String(), required=True)
    video_ids = fields.List(fields.Integer(), required=True)
    grade_band = fields.String(allow_none=True, required=True)
    subject = fields.String(allow_none=True, required=True)
    level = fields.String(allow_none=True, required=True,
                          metadata={"description": "null: any level."})
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in SlotStatus]))
    series_id = fields.String(allow_none=True, required=True)
    confirmed_count = fields.Integer(required=True)
    waitlist_count = fields.Integer(required=True)
    pending_count = fields.Integer(required=True)
    seats_left = fields.Integer(required=True)
    my_booking = fields.Nested(BookingRefSchema, allow_none=True, required=True)
    url = fields.String(required=True)


class VisitSlotListSchema(Schema):
    items = fields.List(fields.Nested(VisitSlotSchema), required=True)


class VisitSlotCreatedSchema(Schema):
    items = fields.List(fields.Nested(VisitSlotSchema), required=True,
                        metadata={"description": "The slot, then its weekly repeats."})


class BookingSchema(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in BookingStatus]))
    slot_id = fields.Integer(required=True)
    visitor = fields.Nested(RefSchema, required=True)
    created_at = fields.DateTime(required=True)


class ReflectionCreateSchema(Schema):
    saw = fields.String(required=True, validate=[validate.Length(min=1, max=2000),
                                                 PlainText(multiline=True)],
                        metadata={"description": "What I saw."})
    will_try = fields.String(required=True, validate=[validate.Length(min=1, max=2000),
                                                      PlainText(multiline=True)],
                             metadata={"description": "What I will try."})
    practices = _slugs()


class ReflectionSchema(Schema):
    id = fields.Integer(required=True)
    booking_id = fields.Integer(required=True)
    saw = fields.String(required=True)
    will_try = fields.String(required=True)
    practices = fields.List(fields.String(), required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)


class CalendarFeedSchema(Schema):
    url = fields.String(required=True, metadata={
        "description": "Secret iCalendar subscription URL; POST issues a new one and "
                       "revokes the old."})
