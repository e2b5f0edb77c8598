"""A small, real OpenID Connect provider on loopback, for the district sign-in tests.

It speaks the authorization-code flow the way Google and Entra ID do: discovery, an authorize
endpoint that signs the person in at once (there is no login page to drive), a token endpoint
that checks the client's secret and the single-use code, RS256-signed ID tokens (joserfc) and
a JWKS. Knobs make it misbehave as a hostile or broken provider would: another audience, an
expired token, a key the JWKS does not hold, an unverified email.
"""
from __future__ import annotations

import base64
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

from tests.conftest import free_port

CLIENT_ID = "mastery-share-test"
CLIENT_SECRET = "test-client-secret"


@dataclass
class Person:
    sub: str = "district-user-1001"
    email: str = "ana.alvarez@district.example.org"
    email_verified: bool = True
    name: str = "Ana Alvarez"


@dataclass
class Knobs:
    audience: str | None = None  # None: the client's own id
    expired: bool = False
    foreign_key: bool = False  # sign with a key the JWKS does not publish
    wrong_nonce: bool = False  # answer another sign-in's nonce (a token replayed into this one)
    person: Person = field(default_factory=Person)


class OidcProvider:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig",
                                                          "alg": "RS256"})
        self.foreign = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
        self.knobs = Knobs()
        self.codes: dict[str, dict] = {}
        self.token_requests = 0
        self.app = self._build()
        self._server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def settings(self, **extra) -> dict:
        """The app's OIDC_PROVIDERS entry for this provider."""
        return {"issuer": self.url, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                "domains": ["district.example.org"], "label": "District", **extra}

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._thread.join(timeout=10)

    def _id_token(self, grant: dict) -> str:
        now = int(time.time())
        person = self.knobs.person
        claims = {"iss": self.url, "sub": person.sub, "aud": self.knobs.audience or CLIENT_ID,
                  "iat": now - (600 if self.knobs.expired else 0),
                  "exp": now - 300 if self.knobs.expired else now + 300,
                  "nonce": "another-sign-in" if self.knobs.wrong_nonce else grant["nonce"],
                  "email": person.email,
                  "email_verified": person.email_verified, "name": person.name}
        key = self.foreign if self.knobs.foreign_key else self.key
        return jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, key)

    def _build(self) -> Flask:
        app = Flask("test-oidc-provider")

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify({
                "issuer": self.url, "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token", "jwks_uri": f"{self.url}/jwks",
                "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic",
                                                          "client_secret_post"]})

        @app.get("/jwks")
        def jwks():
            return jsonify({"keys": [self.key.as_dict(private=False)]})

        @app.get("/authorize")
        def authorize():
            if request.args.get("client_id") != CLIENT_ID or \
                    request.args.get("response_type") != "code":
                return "unknown client", 400
            code = secrets.token_urlsafe(16)
            self.codes[code] = {"nonce": request.args.get("nonce"),
                                "redirect_uri": request.args["redirect_uri"]}
            query = urlencode({"code": code, "state": request.args.get("state", "")})
            return redirect(f"{request.args['redirect_uri']}?{query}")

        @app.post("/token")
        def token():
            self.token_requests += 1
            client_id, secret = _client_credentials()
            if (client_id, secret) != (CLIENT_ID, CLIENT_SECRET):
                return jsonify({"error": "invalid_client"}), 401
            grant = self.codes.pop(request.form.get("code", ""), None)
            if grant is None or grant["redirect_uri"] != request.form.get("redirect_uri"):
                return jsonify({"error": "invalid_grant"}), 400
            return jsonify({"access_token": secrets.token_urlsafe(16), "token_type": "Bearer",
                            "expires_in": 300, "id_token": self._id_token(grant)})

        return app


def _client_credentials() -> tuple[str | None, str | None]:
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        from urllib.parse import unquote

        return unquote(client_id), unquote(secret)
    return request.form.get("client_id"), request.form.get("client_secret")
