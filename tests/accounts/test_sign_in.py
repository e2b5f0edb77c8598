from tests.conftest import PASSWORD, csrf_token, sign_in


def test_member_signs_in_with_email_in_any_case_and_sees_home(client, teacher):
    token = csrf_token(client, "/sign-in")
    response = client.post("/sign-in", data={"email": teacher.email.upper(), "password": PASSWORD,
                                             "csrf_token": token}, follow_redirects=True)
    assert response.status_code == 200
    assert f"Welcome back, {teacher.name}" in response.get_data(as_text=True)


def test_wrong_password_re_renders_the_form_with_a_clear_message(client, teacher):
    token = csrf_token(client, "/sign-in")
    response = client.post("/sign-in", data={"email": teacher.email, "password": "nope-nope-nope",
                                             "csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "do not match an active account" in page
    assert 'aria-invalid="true"' in page


def test_unknown_email_gets_the_same_message_as_a_wrong_password(client, teacher):
    token = csrf_token(client, "/sign-in")
    response = client.post("/sign-in", data={"email": "nobody@example.org", "password": PASSWORD,
                                             "csrf_token": token})
    assert response.status_code == 401
    assert "do not match an active account" in response.get_data(as_text=True)


def test_form_without_csrf_token_is_refused_with_an_explanation(client, teacher):
    response = client.post("/sign-in", data={"email": teacher.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "reload the page" in response.get_data(as_text=True)


def test_sign_out_needs_a_post_with_csrf_and_ends_the_session(client, teacher):
    sign_in(client, teacher)
    assert client.get("/profile").status_code == 200
    token = csrf_token(client, "/profile")
    response = client.post("/sign-out", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/profile").status_code == 302  # back to sign-in


def test_deactivated_member_cannot_sign_in(client, make_user):
    user = make_user("teacher", active=False)
    token = csrf_token(client, "/sign-in")
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD,
                                             "csrf_token": token})
    assert response.status_code == 401


def test_sign_in_only_redirects_to_local_paths(client, teacher):
    token = csrf_token(client, "/sign-in")
    response = client.post("/sign-in?next=https://evil.example.org/", data={
        "email": teacher.email, "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_session_cookie_is_http_only_and_same_site_lax(client, teacher):
    response = sign_in(client, teacher)
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def _main_nav(page: str) -> str:
    return page.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]


def test_a_visitor_is_offered_only_sign_in_in_the_navigation(client, teacher):
    visitor_nav = _main_nav(client.get("/").get_data(as_text=True))
    assert 'href="/sign-in"' in visitor_nav
    for members_only in ('href="/videos"', 'href="/search"', 'href="/visits"',
                         'href="/collections"'):
        assert members_only not in visitor_nav
    sign_in(client, teacher)
    member_nav = _main_nav(client.get("/").get_data(as_text=True))
    assert 'href="/videos"' in member_nav and 'href="/collections"' in member_nav
    assert 'href="/sign-in"' not in member_nav
