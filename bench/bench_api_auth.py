"""Cost of bearer-token authentication: GET /api/v1/me against the unauthenticated /healthz,
both through the full app (routing, session, error handling, headers) in the same run."""
from __future__ import annotations

import base64

from .harness import Result, median_ms, temporary_app, time_calls

REQUESTS = 400


def run() -> list[Result]:
    from mastery_share.demo import DEMO_PASSWORD, seed_demo

    with temporary_app() as app:
        seed_demo()
        client = app.test_client()
        basic = base64.b64encode(f"maria.lopez@riverside.example.org:{DEMO_PASSWORD}".encode())
        token = client.post("/api/v1/tokens",
                            headers={"Authorization": f"Basic {basic.decode()}"}).json["token"]
        bearer = {"Authorization": f"Bearer {token}"}
        client.get("/api/v1/me", headers=bearer)  # warm up
        me = time_calls(lambda: client.get("/api/v1/me", headers=bearer), REQUESTS)
        health = time_calls(lambda: client.get("/healthz"), REQUESTS)
    measured, reference = median_ms(me), median_ms(health)
    return [Result(
        benchmark="api_auth",
        figure="GET /api/v1/me (token lookup + user) vs GET /healthz, median",
        measured=measured, reference=reference, unit="ms",
        bar="at most 3x the bare request", passed=measured <= 3 * reference,
    )]
