from datetime import timedelta

import pytest

from mastery_share.accounts.password_reset import request_password_reset, reset_password
from mastery_share.accounts.services import authenticate
from mastery_share.accounts.token_models import PasswordReset
from mastery_share.db_types import utcnow
from mastery_share.errors import Invalid, NotFound, Unauthorized
from mastery_share.extensions import db
from tests.conftest import PASSWORD, csrf_token, first_link, outbox_messages, sign_in


def _reset_token(app) -> str:
    return first_link(outbox_messages(app)[-1]).rsplit("/", 1)[1]


def test_reset_link_sets_a_new_password_once(app, teacher):
    request_password_reset(teacher.email.upper())
    token = _reset_token(app)
    reset_password(token, "brand-new-password")
    assert authenticate(teacher.email, "brand-new-password").id == teacher.id
    with pytest.raises(Unauthorized):
        authenticate(teacher.email, PASSWORD)
    with pytest.raises(Invalid, match="already been used"):
        reset_password(token, "another-new-password")


def test_unknown_email_sends_nothing_and_reveals_nothing(app, client, teacher):
    token = csrf_token(client, "/forgot-password")
    response = client.post("/forgot-password", data={"csrf_token": token,
                                                     "email": "nobody@example.org"},
                           follow_redirects=True)
    assert "If that email belongs to an account" in response.get_data(as_text=True)
    assert outbox_messages(app) == []


def test_expired_reset_link_is_refused(app, teacher):
    request_password_reset(teacher.email)
    token = _reset_token(app)
    reset = db.session.query(PasswordReset).one()
    reset.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(Invalid, match="expired"):
        reset_password(token, "brand-new-password")


def test_made_up_reset_link_is_not_found_on_the_page(client):
    response = client.get("/reset-password/not-a-real-token")
    assert response.status_code == 404
    assert "not valid" in response.get_data(as_text=True)


def test_a_reset_signs_out_other_sessions(app, client, teacher):
    sign_in(client, teacher)
    assert client.get("/profile").status_code == 200
    request_password_reset(teacher.email)
    reset_password(_reset_token(app), "brand-new-password")
    assert client.get("/profile").status_code == 302


def test_newest_reset_retires_older_links(app, teacher):
    request_password_reset(teacher.email)
    older = _reset_token(app)
    request_password_reset(teacher.email)
    newer = _reset_token(app)
    reset_password(newer, "brand-new-password")
    with pytest.raises(Invalid):
        reset_password(older, "yet-another-password")


def test_reset_page_flow(app, client, teacher):
    request_password_reset(teacher.email)
    path = "/reset-password/" + _reset_token(app)
    token = csrf_token(client, path)
    response = client.post(path, data={"csrf_token": token, "password": "short", "confirm": "short"})
    assert "at least 10 characters" in response.get_data(as_text=True).lower() or \
        "at least 10" in response.get_data(as_text=True)
    response = client.post(path, data={"csrf_token": token, "password": "brand-new-password",
                                       "confirm": "brand-new-password"}, follow_redirects=True)
    assert "Your password is changed" in response.get_data(as_text=True)
    assert client.get(path).status_code == 422


def test_unknown_reset_token_raises_not_found(app):
    with pytest.raises(NotFound):
        reset_password("nope", "brand-new-password")
