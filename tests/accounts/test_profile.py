from tests.conftest import csrf_token, sign_in


def test_member_updates_name_grade_bands_and_subjects(client, teacher):
    sign_in(client, teacher)
    token = csrf_token(client, "/profile")
    response = client.post("/profile", data={"csrf_token": token, "name": "Ms. Rivera",
                                             "grade_bands": ["3-5", "K-2"], "subjects": ["Math"]},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Your profile is saved" in page
    assert 'value="Ms. Rivera"' in page
    assert 'value="K-2" checked' in page or 'checked id="grade_bands-0"' in page or \
        ('value="K-2"' in page and "checked" in page)


def test_empty_name_re_renders_with_the_error_next_to_the_field(client, teacher):
    sign_in(client, teacher)
    token = csrf_token(client, "/profile")
    response = client.post("/profile", data={"csrf_token": token, "name": "  "})
    page = response.get_data(as_text=True)
    assert 'id="name-error"' in page
    assert 'aria-describedby="name-error"' in page


def test_profile_needs_sign_in(client):
    response = client.get("/profile")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
