"""Sign-out, a password reset, deactivation and a role change end every session, remember-me
cookie and API token of that person, even when a captured cookie or token is replayed."""
from __future__ import annotations

import base64

import pytest

from mastery_share.accounts.models import District, School, User
from mastery_share.accounts.password_reset import request_password_reset, reset_password
from mastery_share.accounts.services import hash_password
from mastery_share.accounts.sessions import change_membership
from mastery_share.extensions import db
from tests.conftest import (
    PASSWORD,
    FreshContextClient,
    csrf_token,
    first_link,
    outbox_messages,
)
from tests.postgres import migrated_postgres_app


def _new_client(app):
    app.test_client_class = FreshContextClient
    return app.test_client()


def _sign_in(client, user, *, remember: bool = False):
    data = {"email": user.email, "password": PASSWORD,
            "csrf_token": csrf_token(client, "/sign-in")}
    if remember:
        data["remember"] = "y"
    response = client.post("/sign-in", data=data)
    assert response.status_code == 302


def _sign_out(client):
    response = client.post("/sign-out", data={"csrf_token": csrf_token(client, "/profile")})
    assert response.status_code == 302


def _replay(app, **cookies) -> int:
    """Status of /profile for a brand-new browser that sends only these cookies, raw."""
    header = "; ".join(f"{name}={value}" for name, value in cookies.items())
    app.test_client_class = FreshContextClient
    # Without a cookie jar, so the raw header is sent exactly as given.
    browser = app.test_client(use_cookies=False)
    return browser.get("/profile", headers={"Cookie": header}).status_code


def _api_token(client, user) -> dict:
    raw = base64.b64encode(f"{user.email}:{PASSWORD}".encode()).decode()
    response = client.post("/api/v1/tokens", headers={"Authorization": f"Basic {raw}"})
    assert response.status_code == 201, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


def test_a_session_cookie_captured_before_sign_out_no_longer_works(app, client, teacher):
    _sign_in(client, teacher)
    captured = client.get_cookie("session").value
    assert _replay(app, session=captured) == 200
    _sign_out(client)
    assert _replay(app, session=captured) == 302


def test_a_remember_me_cookie_captured_before_sign_out_no_longer_works(app, client, teacher):
    _sign_in(client, teacher, remember=True)
    remembered = client.get_cookie("remember_token").value
    assert _replay(app, remember_token=remembered) == 200
    _sign_out(client)
    assert _replay(app, remember_token=remembered) == 302


def test_signing_out_ends_the_sessions_and_tokens_on_every_other_device(app, client, teacher):
    phone = _new_client(app)
    _sign_in(phone, teacher)
    token = _api_token(client, teacher)
    _sign_in(client, teacher)
    _sign_out(client)
    assert phone.get("/profile").status_code == 302
    assert client.get("/api/v1/me", headers=token).status_code == 401


def test_a_password_reset_ends_api_tokens_sessions_and_remember_me(app, client, teacher):
    token = _api_token(client, teacher)
    _sign_in(client, teacher, remember=True)
    cookies = {"session": client.get_cookie("session").value,
               "remember_token": client.get_cookie("remember_token").value}
    request_password_reset(teacher.email)
    reset_password(first_link(outbox_messages(app)[-1]).rsplit("/", 1)[1], "brand-new-password")
    response = client.get("/api/v1/me", headers=token)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    assert _replay(app, **cookies) == 302


def test_deactivation_ends_tokens_for_good_even_after_reactivation(app, client, teacher):
    token = _api_token(client, teacher)
    _sign_in(client, teacher, remember=True)
    remembered = client.get_cookie("remember_token").value
    change_membership(teacher, active=False)
    assert client.get("/api/v1/me", headers=token).status_code == 401
    change_membership(teacher, active=True)
    assert client.get("/api/v1/me", headers=token).status_code == 401
    assert client.get("/profile").status_code == 302
    assert _replay(app, remember_token=remembered) == 302
    assert _api_token(_new_client(app), teacher)  # a fresh sign-in works again


@pytest.mark.parametrize("new_role", ["coach", "principal", "admin"])
def test_a_role_change_ends_tokens_and_sessions(app, client, teacher, new_role):
    token = _api_token(client, teacher)
    _sign_in(client, teacher, remember=True)
    remembered = client.get_cookie("remember_token").value
    change_membership(teacher, role=new_role)
    assert client.get("/api/v1/me", headers=token).status_code == 401
    assert client.get("/profile").status_code == 302
    assert _replay(app, remember_token=remembered) == 302
    fresh = _api_token(_new_client(app), teacher)
    assert _new_client(app).get("/api/v1/me", headers=fresh).json["role"] == new_role


def test_an_unchanged_membership_keeps_sessions(app, client, teacher):
    token = _api_token(client, teacher)
    change_membership(teacher, role="teacher", active=True)
    assert client.get("/api/v1/me", headers=token).status_code == 200


def _member_in_fresh_district() -> User:
    district = District(name="Replay District", slug="replay-district")
    school = School(name="East Elementary", time_zone="America/Chicago", district=district)
    user = User(email="replayed@example.org", name="Replayed Teacher", role="teacher",
                district=district, school=school, password_hash=hash_password(PASSWORD))
    db.session.add_all([district, school, user])
    db.session.commit()
    return user


def _every_change_ends_tokens_and_sessions(app) -> None:
    user = _member_in_fresh_district()
    browser = _new_client(app)
    for change in ("role", "deactivation", "sign-out"):
        browser = _new_client(app)
        token = _api_token(_new_client(app), user)
        _sign_in(browser, user, remember=True)
        cookies = {"session": browser.get_cookie("session").value,
                   "remember_token": browser.get_cookie("remember_token").value}
        if change == "role":
            change_membership(user, role="coach")
        elif change == "deactivation":
            change_membership(user, active=False)
            change_membership(user, active=True)
        else:
            _sign_out(browser)
        assert _new_client(app).get("/api/v1/me", headers=token).status_code == 401, change
        assert _replay(app, **cookies) == 302, change


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_role_change_deactivation_and_sign_out_end_everything_on_both_databases(
        request, tmp_path, database):
    if database == "sqlite":
        _every_change_ends_tokens_and_sessions(request.getfixturevalue("app"))
        return
    with migrated_postgres_app(tmp_path / "pg") as app:
        _every_change_ends_tokens_and_sessions(app)
