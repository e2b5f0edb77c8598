import base64

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


def _basic(email: str, password: str) -> dict:
    raw = base64.b64encode(f"{email}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def _token_attempt(client, email, password, address="10.0.0.1"):
    return client.post("/api/v1/tokens", headers=_basic(email, password),
                       environ_base={"REMOTE_ADDR": address})


def _assert_locked_json(response):
    assert response.status_code == 429
    assert response.json["error"]["code"] == "too_many_requests"
    assert "Too many sign-in attempts" in response.json["error"]["message"]
    assert "token" not in response.json
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60


def test_an_account_locked_on_the_form_gets_no_api_token_even_with_the_right_password(
        client, teacher):
    for _ in range(3):
        assert _attempt(client, teacher.email, "wrong-password").status_code == 401
    _assert_locked_json(_token_attempt(client, teacher.email, PASSWORD, "10.0.0.2"))


def test_api_guesses_lock_the_account_on_the_api_and_on_the_form(client, teacher):
    for address in ("10.0.0.3", "10.0.0.4", "10.0.0.5"):
        assert _token_attempt(client, teacher.email.upper(), "wrong", address).status_code == 401
    _assert_locked_json(_token_attempt(client, teacher.email, PASSWORD, "10.0.0.6"))
    response = _attempt(client, teacher.email, PASSWORD, "10.0.0.7")
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.get_data(as_text=True)


def test_one_address_guessing_through_form_and_api_shares_one_limit(client, make_user):
    users = [make_user("teacher") for _ in range(7)]
    for index, user in enumerate(users[:6]):
        attempt = _attempt if index % 2 else _token_attempt
        assert attempt(client, user.email, "wrong-password", "10.0.0.9").status_code == 401
    _assert_locked_json(_token_attempt(client, users[6].email, PASSWORD, "10.0.0.9"))


_LIMITS = {"SIGN_IN_LIMIT_PER_ACCOUNT": "3 per 15 minutes",
           "SIGN_IN_LIMIT_PER_ADDRESS": "6 per 15 minutes"}


def _via_proxy(client, email, password, forwarded_for):
    token = csrf_token(client, "/sign-in")
    return client.post("/sign-in", data={"email": email, "password": password,
                                         "csrf_token": token},
                       headers={"X-Forwarded-For": forwarded_for},
                       environ_base={"REMOTE_ADDR": "10.1.1.1"})


@pytest.mark.parametrize("app_overrides", [{**_LIMITS, "TRUSTED_PROXIES": 1}])
def test_behind_a_trusted_proxy_each_real_client_has_its_own_address_limit(client, make_user):
    users = [make_user("teacher") for _ in range(7)]
    statuses = [_via_proxy(client, user.email, "wrong-password", "198.51.100.7").status_code
                for user in users]
    assert statuses == [401] * 6 + [429]
    # Another client behind the same proxy is not punished for the first one's guesses.
    assert _via_proxy(client, users[0].email, PASSWORD, "198.51.100.8").status_code == 302


@pytest.mark.parametrize("app_overrides", [{**_LIMITS, "TRUSTED_PROXIES": 0}])
def test_without_trusted_proxies_a_spoofed_forwarded_for_cannot_dodge_the_limit(client,
                                                                                  make_user):
    users = [make_user("teacher") for _ in range(7)]
    statuses = [_via_proxy(client, user.email, "wrong-password", f"203.0.113.{n}").status_code
                for n, user in enumerate(users)]
    assert statuses == [401] * 6 + [429]


def test_a_basic_auth_header_on_the_form_cannot_move_guesses_to_another_account(client,
                                                                                teacher):
    for n in range(3):
        token = csrf_token(client, "/sign-in")
        response = client.post("/sign-in", headers=_basic(f"decoy{n}@example.org", "x"),
                               data={"email": teacher.email, "password": "wrong-password",
                                     "csrf_token": token})
        assert response.status_code == 401
    assert _attempt(client, teacher.email, PASSWORD, "10.0.0.8").status_code == 429
