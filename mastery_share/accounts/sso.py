"""District sign-in through OpenID Connect (Google Workspace, Microsoft Entra ID or any
provider), with Authlib's Flask client.

Authlib does the protocol: discovery, state and nonce kept in the session, the code exchange,
and the ID token's signature (from the provider's JWKS), issuer, audience, expiry and nonce.
`sign_in_with` holds our rules on the claims it hands back: the email must be verified and of
an allowed domain; the account is found by its (provider, subject) link, else linked to the
member or the pending invitation with that email; anyone else is asked to get an invitation.
"""
from __future__ import annotations

from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..db_types import utcnow
from ..errors import Forbidden, Invalid, NotFound
from ..extensions import db
from ..transaction import commit, rollback
from .invitations import pending_invitation
from .models import District, School, User
from .services import clean_person_name, find_user_by_email, normalize_email
from .token_models import Invitation, SsoIdentity

_EXTENSION = "mastery_oidc"


class NotInvited(NotFound):
    """A verified district email with no account and no invitation."""


def init_sso(app: Flask) -> None:
    """One Authlib registry per app (tests build many apps, each with its own provider)."""
    oauth = OAuth(app)
    for name, provider in app.config.get("OIDC_PROVIDERS", {}).items():
        oauth.register(
            name=name, client_id=provider["client_id"], client_secret=provider["client_secret"],
            server_metadata_url=f"{provider['issuer']}/.well-known/openid-configuration",
            client_kwargs={"scope": "openid email profile", "timeout": 15})
    app.extensions[_EXTENSION] = oauth


def providers() -> dict[str, dict]:
    return current_app.config.get("OIDC_PROVIDERS", {})


def client_for(name: str):
    if name not in providers():
        raise NotFound("No such sign-in provider.")
    return current_app.extensions[_EXTENSION].create_client(name)


def _verified_email(provider: dict, claims: dict) -> str:
    email = claims.get("email")
    # Google and most providers say `email_verified`; Entra ID says `xms_edov` (the email's
    # domain is verified for the tenant) when that optional claim is configured.
    verified = (claims.get("email_verified") in (True, "true")
                or claims.get("xms_edov") in (True, "true", 1, "1"))
    if not email or not verified:
        raise Invalid("Your district account did not confirm a verified email address, so it "
                      "cannot sign you in here. Ask your district's IT team.")
    email = normalize_email(email)
    domain = email.rsplit("@", 1)[1]
    if provider["domains"] and domain not in provider["domains"]:
        raise Forbidden(f"{email} is not a district account that may sign in here. Use your "
                        "school email.")
    return email


def _link(user: User, provider_name: str, subject: str) -> None:
    db.session.add(SsoIdentity(user_id=user.id, provider=provider_name, subject=subject))


def _from_invitation(invitation: Invitation, claims: dict) -> User:
    """Accept a pending invitation without a password: the district vouched for the email."""
    claimed = db.session.execute(
        update(Invitation).where(Invitation.id == invitation.id,
                                 Invitation.accepted_at.is_(None))
        .values(accepted_at=utcnow())).rowcount
    if claimed != 1:
        raise Invalid("This invitation was just used. Sign in again.")
    try:
        name = clean_person_name(claims.get("name") or invitation.name)
    except Invalid:
        name = invitation.name
    user = User(email=invitation.email, name=name, role=invitation.role,
                school_id=invitation.school_id, district_id=invitation.school.district_id,
                grade_bands=list(invitation.grade_bands or []),
                subjects=list(invitation.subjects or []), password_hash=None)
    db.session.add(user)
    db.session.flush()
    return user


def district_of(provider: dict) -> District | None:
    """The district a provider serves: its configured slug, or the only district there is."""
    if provider.get("district"):
        return db.session.scalar(select(District).where(District.slug == provider["district"]))
    districts = list(db.session.scalars(select(District).limit(2)))
    return districts[0] if len(districts) == 1 else None


def _new_teacher(provider: dict, email: str, claims: dict) -> User:
    """A verified district account with no invitation: a teacher of the school the district
    chose for them, or asked to get an invitation when it chose none."""
    district = district_of(provider)
    school_id = db.session.scalar(
        select(School.id).where(School.district_id == district.id,
                                School.takes_new_sso_members.is_(True)).limit(1)
    ) if district is not None else None
    if school_id is None:
        raise NotInvited(f"There is no Mastery Share account for {email} yet. Ask your "
                         "principal for an invitation, then sign in here again.")
    try:
        name = clean_person_name(claims.get("name") or email.split("@")[0])
    except Invalid:
        name = email.split("@")[0]
    user = User(email=email, name=name, role="teacher", school_id=school_id,
                district_id=district.id, password_hash=None)
    db.session.add(user)
    db.session.flush()
    return user


def sign_in_with(provider_name: str, claims: dict) -> User:
    """The active member these verified ID-token claims belong to (committed link)."""
    provider = providers()[provider_name]
    subject = str(claims.get("sub") or "")
    if not subject:
        raise Invalid("The district sign-in sent no account id.")
    linked = db.session.scalar(select(User).join(SsoIdentity, SsoIdentity.user_id == User.id)
                               .where(SsoIdentity.provider == provider_name,
                                      SsoIdentity.subject == subject))
    user = linked
    if user is None:
        email = _verified_email(provider, claims)
        user = find_user_by_email(email)
        if user is None:
            invitation = pending_invitation(email)
            if invitation is not None:
                user = _from_invitation(invitation, claims)
            else:
                user = _new_teacher(provider, email, claims)
        _link(user, provider_name, subject)
    if not user.active:
        rollback()
        raise Forbidden("This account is deactivated. Ask your principal or district admin.")
    try:
        commit()
    except IntegrityError as error:  # the same account linked at the same instant
        raise Invalid("Signing in at the same moment twice: try once more.") from error
    return user


def district_requires_sso(user: User | None) -> bool:
    if user is None:
        return False
    return bool(db.session.scalar(select(District.require_sso)
                                  .where(District.id == user.district_id)))


def set_new_members_school(actor: User, school_id: int | None) -> None:
    """Where verified district accounts without an invitation land (None: nowhere)."""
    if not actor.is_admin:
        raise Forbidden("Only district admins decide who may join.")
    if school_id is not None:
        school = db.session.get(School, school_id)
        if school is None or school.district_id != actor.district_id:
            raise Invalid("Choose one of your district's schools.")
    db.session.execute(update(School).where(School.district_id == actor.district_id)
                       .values(takes_new_sso_members=School.id == school_id
                               if school_id is not None else False))
    commit()


def set_require_sso(actor: User, required: bool) -> None:
    if not actor.is_admin:
        raise Forbidden("Only district admins decide how members sign in.")
    if required and not providers():
        raise Invalid("Set up a district sign-in provider first (MASTERY_OIDC_… settings).")
    district = db.session.get(District, actor.district_id)
    district.require_sso = required
    commit()
