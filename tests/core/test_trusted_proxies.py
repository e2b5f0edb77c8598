"""MASTERY_TRUSTED_PROXIES: how many reverse proxies' X-Forwarded-* headers to believe.

The rate-limit consequences (real clients limited apart, spoofed headers ignored) are tested
through the sign-in form in tests/accounts/test_rate_limits.py.
"""
from __future__ import annotations

import pytest
from flask import request

from config import Config
from mastery_share import create_app


def _seen_by_the_app(app, **headers) -> tuple[str, str, str]:
    """(client address, scheme, host) as a view sees them."""
    @app.route("/_test/who")
    def who():
        return {"addr": request.remote_addr, "scheme": request.scheme, "host": request.host}

    body = app.test_client().get("/_test/who", headers=headers,
                                 environ_base={"REMOTE_ADDR": "10.1.1.1"}).json
    return body["addr"], body["scheme"], body["host"]


FORWARDED = {"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https",
             "X-Forwarded-Host": "share.district.example"}


def test_the_setting_is_read_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("MASTERY_TRUSTED_PROXIES", "2")
    assert Config(tmp_path).TRUSTED_PROXIES == "2"
    monkeypatch.delenv("MASTERY_TRUSTED_PROXIES")
    assert Config(tmp_path).TRUSTED_PROXIES == "0"


def test_by_default_forwarded_headers_are_ignored(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path)})
    assert _seen_by_the_app(app, **FORWARDED) == ("10.1.1.1", "http", "localhost")


def test_one_trusted_proxy_gives_the_real_client_scheme_and_host(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path), "TRUSTED_PROXIES": "1"})
    assert _seen_by_the_app(app, **FORWARDED) == ("198.51.100.7", "https",
                                                  "share.district.example")


def test_only_the_trusted_hops_are_believed(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path), "TRUSTED_PROXIES": 1})
    # The client forged the first entry; our one proxy appended the address it really saw.
    addr, _, _ = _seen_by_the_app(app, **{"X-Forwarded-For": "1.2.3.4, 198.51.100.7"})
    assert addr == "198.51.100.7"


@pytest.mark.parametrize("value", ["-1", "one", "1.5"])
def test_a_wrong_value_stops_the_app_with_a_clear_message(tmp_path, value):
    with pytest.raises(RuntimeError, match="MASTERY_TRUSTED_PROXIES must be a whole number"):
        create_app({"DATA_DIR": str(tmp_path), "TRUSTED_PROXIES": value})
