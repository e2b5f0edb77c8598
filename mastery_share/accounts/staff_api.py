"""API views for staff who come and go (admins: the district; principals: their school)."""
from __future__ import annotations

from flask import g
from flask_smorest import Blueprint

from ..api.auth import BEARER, token_required
from ..api.docs import error_responses
from .staff import (
    StaffFilters,
    list_staff,
    resend_invitation,
    revoke_invitation,
    update_staff,
)
from .staff_schemas import (
    InvitationSchema,
    StaffChangeSchema,
    StaffListSchema,
    StaffMemberSchema,
    StaffQuerySchema,
)

blp = Blueprint("staff_api", __name__, description="Staff: find, change, deactivate; "
                "invitations: resend, revoke")


def member_to_dict(member) -> dict:
    return {"id": member.id, "name": member.name, "email": member.email, "role": member.role,
            "active": member.active,
            "school": {"id": member.school.id, "name": member.school.name}
            if member.school else None}


@blp.route("/staff", methods=["GET"])
@blp.doc(security=BEARER)
@blp.arguments(StaffQuerySchema, location="query")
@blp.response(200, StaffListSchema)
@error_responses(blp, 401, 403, 422)
@token_required
def staff(args):
    """Members you manage, by name: admins see the district, principals their school."""
    filters = StaffFilters(q=args["q"], school_id=args.get("school"), role=args.get("role"),
                           active=args.get("active"))
    members, total = list_staff(g.api_user, filters, args["page"], args["per_page"])
    return {"items": [member_to_dict(member) for member in members], "total": total,
            "page": args["page"]}


@blp.route("/staff/<id:user_id>", methods=["PATCH"])
@blp.doc(security=BEARER)
@blp.arguments(StaffChangeSchema)
@blp.response(200, StaffMemberSchema)
@error_responses(blp, 400, 401, 403, 404, 422)
@token_required
def change(data, user_id: int):
    """Change a member's role, school or access; every change ends their sessions and tokens."""
    return member_to_dict(update_staff(g.api_user, user_id, data))


@blp.route("/invitations/<id:invitation_id>/resend", methods=["POST"])
@blp.doc(security=BEARER)
@blp.response(200, InvitationSchema)
@error_responses(blp, 401, 403, 404, 422)
@token_required
def resend(invitation_id: int):
    """Mail a fresh link, valid for the full time again; the earlier link stops working."""
    return resend_invitation(g.api_user, invitation_id)


@blp.route("/invitations/<id:invitation_id>", methods=["DELETE"])
@blp.doc(security=BEARER)
@blp.response(204)
@error_responses(blp, 401, 403, 404, 422)
@token_required
def revoke(invitation_id: int):
    """Revoke an invitation: its link stops working at once."""
    revoke_invitation(g.api_user, invitation_id)
    return ""
