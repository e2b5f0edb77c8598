"""District sign-in end to end against a real OpenID Connect provider on loopback (Authlib on
our side does discovery, state, nonce, the code exchange and the ID token's checks)."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests

from mastery_share.accounts.invitations import invite_staff
from mastery_share.accounts.sso import set_require_sso
from mastery_share.accounts.token_models import SsoIdentity
from mastery_share.errors import Forbidden
from mastery_share.extensions import db
from tests.accounts.oidc_provider import OidcProvider, Person
from tests.conftest import PASSWORD, csrf_token


@pytest.fixture
def provider():
    with OidcProvider() as running:
        yield running


@pytest.fixture
def app_overrides(provider):
    return {"OIDC_PROVIDERS": {"district": provider.settings()}}


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def sso_round_trip(client, *, start="/sign-in/sso/district"):
    """Press the button, let the provider answer, follow it back; the app's last answer and the
    callback path (to replay)."""
    started = client.get(start)
    assert started.status_code == 302, started.get_data(as_text=True)
    at_provider = requests.get(started.headers["Location"], allow_redirects=False, timeout=30)
    assert at_provider.status_code == 302, at_provider.text
    callback = _path(at_provider.headers["Location"])
    return client.get(callback), callback


def _signed_in_as(client) -> str | None:
    page = client.get("/profile")
    if page.status_code != 200:
        return None
    return page.get_data(as_text=True)


def test_an_invited_teacher_signs_in_with_the_district_account_and_is_linked(
        client, principal, provider):
    invite_staff(principal, email="ana.alvarez@district.example.org", name="Ana A.",
                 role="teacher", school_id=principal.school_id)
    answer, _ = sso_round_trip(client)
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    profile = _signed_in_as(client)
    assert profile and "ana.alvarez@district.example.org" in profile
    [identity] = db.session.query(SsoIdentity).all()
    assert (identity.provider, identity.subject) == ("district", "district-user-1001")
    # Next time the link finds her, even after her email changed at the district.
    provider.knobs.person = Person(email="a.alvarez@district.example.org")
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    answer, _ = sso_round_trip(client)
    assert answer.headers["Location"] == "/" and _signed_in_as(client)


def test_an_existing_member_is_linked_by_verified_email(client, make_user, provider):
    member = make_user("teacher", email_="ana.alvarez@district.example.org")
    sso_round_trip(client)
    assert db.session.query(SsoIdentity).one().user_id == member.id


def test_an_uninvited_district_email_is_asked_to_get_an_invitation(client, provider):
    answer, _ = sso_round_trip(client)
    assert answer.status_code == 403
    assert "Ask your principal for an invitation" in answer.get_data(as_text=True)
    assert _signed_in_as(client) is None


@pytest.mark.parametrize("knob, value", [("audience", "someone-else"), ("expired", True),
                                         ("foreign_key", True), ("wrong_nonce", True)])
def test_a_token_for_another_app_an_expired_one_or_a_forged_one_is_refused(
        client, make_user, provider, knob, value):
    make_user("teacher", email_="ana.alvarez@district.example.org")
    setattr(provider.knobs, knob, value)
    answer, _ = sso_round_trip(client)
    assert answer.status_code == 400
    assert "could not be trusted" in answer.get_data(as_text=True)
    assert _signed_in_as(client) is None and db.session.query(SsoIdentity).count() == 0


def test_an_unverified_email_or_another_domain_is_refused(client, make_user, provider):
    make_user("teacher", email_="ana.alvarez@district.example.org")
    provider.knobs.person = Person(email_verified=False)
    answer, _ = sso_round_trip(client)
    assert answer.status_code == 422 and "verified email" in answer.get_data(as_text=True)
    provider.knobs.person = Person(sub="other", email="ana@gmail.example.com")
    answer, _ = sso_round_trip(client)
    assert answer.status_code == 403 and "not a district account" in answer.get_data(as_text=True)
    assert _signed_in_as(client) is None


def test_a_replayed_callback_is_refused(app, client, make_user, provider):
    make_user("teacher", email_="ana.alvarez@district.example.org")
    answer, callback = sso_round_trip(client)
    assert answer.status_code == 302
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    replayed = client.get(callback)  # the same state (and code) a second time
    assert replayed.status_code == 400 and _signed_in_as(client) is None
    stranger = app.test_client()
    assert stranger.get(callback).status_code == 400  # another browser never had that state


def test_a_deactivated_member_cannot_sign_in_through_the_district(client, make_user, provider):
    make_user("teacher", email_="ana.alvarez@district.example.org", active=False)
    answer, _ = sso_round_trip(client)
    assert answer.status_code == 403 and _signed_in_as(client) is None


def test_a_district_can_require_district_sign_in(client, admin, make_user, provider):
    member = make_user("teacher", email_="ana.alvarez@district.example.org")
    with pytest.raises(Forbidden):
        set_require_sso(member, True)
    set_require_sso(admin, True)
    refused = client.post("/sign-in", data={"email": member.email, "password": PASSWORD,
                                            "csrf_token": csrf_token(client, "/sign-in")})
    assert refused.status_code == 401
    assert "district sign-in" in refused.get_data(as_text=True)
    assert requests is not None
    basic = client.post("/api/v1/tokens", auth=(member.email, PASSWORD))
    assert basic.status_code == 401
    answer, _ = sso_round_trip(client)
    assert answer.status_code == 302 and _signed_in_as(client)


def test_the_sign_in_page_offers_the_district_button(client, provider):
    page = client.get("/sign-in").get_data(as_text=True)
    assert 'href="/sign-in/sso/district' in page and "Sign in with District" in page
    assert client.get("/sign-in/sso/nope").status_code == 404


def test_an_admin_requires_district_sign_in_from_the_staff_page(client, admin, provider):
    from tests.conftest import sign_in

    sign_in(client, admin)
    page = client.get("/staff").get_data(as_text=True)
    assert "Require district sign-in" in page
    client.post("/staff/sign-in-rule", data={"csrf_token": csrf_token(client, "/staff"),
                                             "require_sso": "yes"})
    db.session.refresh(admin.district)
    assert admin.district.require_sso is True
    assert "Allow passwords again" in client.get("/staff").get_data(as_text=True)


def test_entra_ids_domain_verified_claim_counts_as_a_verified_email():
    from mastery_share.accounts.sso import _verified_email

    provider = {"domains": ["district.example.org"]}
    assert _verified_email(provider, {"email": "A@District.example.org", "xms_edov": True}) \
        == "a@district.example.org"
    with pytest.raises(Exception, match="verified email"):
        _verified_email(provider, {"email": "a@district.example.org", "xms_edov": False})


def test_where_the_district_allows_it_a_new_district_account_joins_as_a_teacher(
        client, admin, school, provider):
    from mastery_share.accounts.models import User
    from mastery_share.accounts.sso import set_new_members_school

    set_new_members_school(admin, school.id)
    answer, _ = sso_round_trip(client)
    assert answer.status_code == 302
    member = db.session.query(User).filter_by(email="ana.alvarez@district.example.org").one()
    assert (member.role, member.school_id, member.password_hash) == ("teacher", school.id, None)
    set_new_members_school(admin, None)
    provider.knobs.person = Person(sub="someone-new", email="new.person@district.example.org")
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    assert sso_round_trip(client)[0].status_code == 403
