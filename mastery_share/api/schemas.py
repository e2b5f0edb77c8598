from marshmallow import Schema, fields


class ErrorBodySchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    request_id = fields.String(metadata={"description": "The request's id, also in the "
                                         "X-Request-ID header and the server's log lines."})
    fields = fields.Dict(keys=fields.String(), values=fields.String())


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema, required=True)


class RefSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
