"""API views for accounts: tokens, the signed-in member, practices and schools."""
from __future__ import annotations

from flask import g, request
from flask_smorest import Blueprint
from sqlalchemy import select

from ..api.auth import BEARER, bearer_secret, token_required
from ..api.schemas import ErrorSchema
from ..errors import Unauthorized, json_error
from ..extensions import db
from .api_tokens import issue_api_token, revoke_api_token
from .models import Practice, School
from .schemas import MeSchema, PracticeSchema, SchoolSchema, TokenSchema
from .services import authenticate
from .sign_in_limits import TOO_MANY_SIGN_IN_ATTEMPTS, basic_auth_email, sign_in_limited

blp = Blueprint("accounts_api", __name__, description="Tokens, the signed-in member, taxonomy")


@blp.errorhandler(429)
def too_many_attempts(error):
    """The lockout's own words; the limiter adds Retry-After to this response."""
    return json_error(429, TOO_MANY_SIGN_IN_ATTEMPTS)


def _basic_credentials() -> tuple[str, str]:
    auth = request.authorization
    if auth is None or auth.type != "basic" or not auth.username:
        raise Unauthorized("Send your email and password with HTTP Basic authentication.")
    return auth.username, auth.password or ""


@blp.route("/tokens", methods=["POST"])
@blp.response(201, TokenSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Wrong email or password")
@blp.alt_response(429, schema=ErrorSchema, description="Too many attempts")
@blp.doc(security=[{"basicAuth": []}])
@sign_in_limited(basic_auth_email)
def create_token():
    """Exchange an email and password (HTTP Basic) for a bearer token."""
    email, password = _basic_credentials()
    secret, expires_at = issue_api_token(authenticate(email, password))
    return {"token": secret, "expires_at": expires_at}


@blp.route("/tokens", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(401, schema=ErrorSchema)
@blp.doc(security=BEARER)
@token_required
def delete_token():
    """Revoke the bearer token this request carries."""
    revoke_api_token(bearer_secret())
    return ""


@blp.route("/me")
@blp.response(200, MeSchema)
@blp.alt_response(401, schema=ErrorSchema)
@blp.doc(security=BEARER)
@token_required
def me():
    """The member the token belongs to."""
    return g.api_user


@blp.route("/practices")
@blp.response(200, PracticeSchema(many=True))
@blp.alt_response(401, schema=ErrorSchema)
@blp.doc(security=BEARER)
@token_required
def practices():
    """The practice taxonomy videos and visits are tagged with."""
    return db.session.scalars(select(Practice).order_by(Practice.position, Practice.name))


@blp.route("/schools")
@blp.response(200, SchoolSchema(many=True))
@blp.alt_response(401, schema=ErrorSchema)
@blp.doc(security=BEARER)
@token_required
def schools():
    """The schools of the member's district."""
    return db.session.scalars(
        select(School).where(School.district_id == g.api_user.district_id).order_by(School.name)
    )
