import pytest

from tests.conftest import PASSWORD, FreshContextClient, csrf_token


def _fresh_client(app):
    app.test_client_class = FreshContextClient
    return app.test_client()


@pytest.fixture
def app_overrides():
    return {"SIGN_IN_LIMIT_PER_ACCOUNT": "3 per 15 minutes",
            "SIGN_IN_LIMIT_PER_ADDRESS": "6 per 15 minutes"}


def _attempt(client, email, password, address="10.0.0.1"):
    token = csrf_token(client, "/sign-in")
    return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def test_repeated_wrong_passwords_lock_that_account_with_a_clear_message(client, teacher, make_user):
    for _ in range(3):
        assert _attempt(client, teacher.email, "wrong-password").status_code == 401
    response = _attempt(client, teacher.email, PASSWORD)
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.get_data(as_text=True)
    # Another account from the same address is still fine.
    other = make_user("teacher")
    assert _attempt(client, other.email, PASSWORD).status_code == 302


def test_one_address_guessing_many_accounts_is_limited(client, make_user):
    users = [make_user("teacher") for _ in range(7)]
    statuses = [_attempt(client, user.email, "wrong-password", "10.0.0.9").status_code
                for user in users]
    assert statuses[:6] == [401] * 6
    assert statuses[6] == 429
    # A different address is not affected.
    assert _attempt(client, users[0].email, PASSWORD, "10.0.0.10").status_code == 302


def test_successful_sign_ins_do_not_count_against_the_limit(app, teacher):
    for _ in range(5):
        assert _attempt(_fresh_client(app), teacher.email, PASSWORD).status_code == 302
