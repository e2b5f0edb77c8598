"""A member sees where they are signed in and ends any one browser, revokes their API tokens,
and changes their password (proving the current one), which signs out every other browser."""
from __future__ import annotations

import re

from mastery_share.accounts.api_tokens import issue_api_token, user_for_api_token
from mastery_share.extensions import db
from mastery_share.accounts.token_models import SignInSession
from tests.conftest import PASSWORD, FreshContextClient, csrf_token, sign_in

NEW_PASSWORD = "a-brand-new-passphrase"


def _browser(app):
    """Another browser: its own cookies, and its own app context per request."""
    app.test_client_class = FreshContextClient
    return app.test_client()


def _signed_in(client) -> bool:
    return client.get("/profile").status_code == 200


def test_each_browser_is_listed_and_one_can_be_ended_without_the_others(app, teacher):
    laptop, phone = _browser(app), _browser(app)
    sign_in(laptop, teacher)
    sign_in(phone, teacher)
    page = laptop.get("/profile/security").get_data(as_text=True)
    assert "Where you are signed in (2)" in page and page.count("This browser") == 1
    rows = {int(chunk.split('"', 1)[0]): chunk.split("</li>", 1)[0]
            for chunk in page.split('id="session-')[1:]}
    [current] = [session_id for session_id, row in rows.items() if "This browser" in row]
    [other] = [session_id for session_id in rows if session_id != current]
    laptop.post(f"/profile/sessions/{other}/end",
                data={"csrf_token": csrf_token(laptop, "/profile/security")})
    assert _signed_in(laptop) and not _signed_in(phone)


def test_a_copied_cookie_dies_with_its_session(app, teacher):
    browser = _browser(app)
    sign_in(browser, teacher)
    stolen = browser.get_cookie("session").value
    thief = _browser(app)
    thief.set_cookie("session", stolen)
    assert _signed_in(thief)
    row = db.session.query(SignInSession).filter_by(user_id=teacher.id).one()
    browser.post(f"/profile/sessions/{row.id}/end",
                 data={"csrf_token": csrf_token(browser, "/profile/security")})
    assert not _signed_in(thief) and not _signed_in(browser)


def test_nobody_ends_another_members_session(app, teacher, make_user):
    mine = _browser(app)
    sign_in(mine, teacher)
    theirs = _browser(app)
    other = make_user("teacher")
    sign_in(theirs, other)
    row = db.session.query(SignInSession).filter_by(user_id=other.id).one()
    response = mine.post(f"/profile/sessions/{row.id}/end",
                         data={"csrf_token": csrf_token(mine, "/profile/security")})
    assert response.status_code == 404 and _signed_in(theirs)


def test_changing_the_password_needs_the_current_one_and_signs_out_the_rest(app, teacher):
    here, elsewhere = _browser(app), _browser(app)
    sign_in(here, teacher)
    sign_in(elsewhere, teacher)
    secret, _ = issue_api_token(teacher)
    wrong = here.post("/profile/security", data={
        "csrf_token": csrf_token(here, "/profile/security"), "current_password": "guess",
        "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert wrong.status_code == 422
    assert "This is not your current password." in wrong.get_data(as_text=True)
    assert _signed_in(elsewhere) and user_for_api_token(secret) is not None
    done = here.post("/profile/security", data={
        "csrf_token": csrf_token(here, "/profile/security"), "current_password": PASSWORD,
        "password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert _signed_in(here)  # this browser stays signed in
    assert not _signed_in(elsewhere) and user_for_api_token(secret) is None
    sign_in(_browser(app), teacher, password=NEW_PASSWORD)


def test_a_member_revokes_their_own_api_token_only(client, teacher, make_user):
    mine, _ = issue_api_token(teacher)
    theirs, _ = issue_api_token(make_user("teacher"))
    sign_in(client, teacher)
    page = client.get("/profile/security").get_data(as_text=True)
    assert "API tokens (1)" in page
    token_id = int(re.search(r"/profile/tokens/(\d+)/revoke", page).group(1))
    client.post(f"/profile/tokens/{token_id}/revoke",
                data={"csrf_token": csrf_token(client, "/profile/security")})
    assert user_for_api_token(mine) is None and user_for_api_token(theirs) is not None
