"""Every link in mail starts with the one public base URL, whoever builds the mail (a request
or the worker) and whatever Host header the request came with."""
from __future__ import annotations

import re

from mastery_share.links import DEFAULT_PUBLIC_URL, external_url, served_url
from tests.conftest import first_link, outbox_messages


def test_links_use_the_public_url_inside_and_outside_a_request(app):
    app.config["PUBLIC_URL"] = "https://share.district.example.org/mastery/"
    assert external_url("videos.watch", video_id=7, t="3.5") == \
        "https://share.district.example.org/mastery/videos/7?t=3.5"
    with app.test_request_context("/", base_url="http://evil.example.com"):
        assert external_url("videos.watch", video_id=7).startswith(
            "https://share.district.example.org/mastery/videos/7")


def test_without_a_setting_links_point_at_the_default_address(app):
    app.config["PUBLIC_URL"] = None
    assert external_url("visits.approvals") == f"{DEFAULT_PUBLIC_URL}/visits/approvals"


def test_a_password_reset_asked_with_a_forged_host_links_to_the_real_site(
        app, client, teacher):
    app.config["PUBLIC_URL"] = "https://share.district.example.org"
    # The attacker's own session, on the forged host, as a script would send it.
    page = client.get("/forgot-password", base_url="http://evil.example.com").get_data(True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/forgot-password", base_url="http://evil.example.com",
                           data={"email": teacher.email, "csrf_token": token},
                           follow_redirects=True)
    assert response.status_code == 200
    [message] = outbox_messages(app)
    assert first_link(message).startswith("https://share.district.example.org/reset-password/")
    assert "evil.example.com" not in message.as_string()


def test_serve_names_the_address_it_listens_on():
    assert served_url("127.0.0.1", 5077) == "http://127.0.0.1:5077"
    assert served_url("0.0.0.0", 8000) == "http://127.0.0.1:8000"
    assert served_url("::1", 8000) == "http://[::1]:8000"
