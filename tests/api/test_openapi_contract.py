"""Schemathesis drives every documented operation on the live app: no 5xx, and every
response matches the OpenAPI document the app itself serves.

The operations are walked with schemathesis' Python API inside one test (its pytest plugin
does not work with pytest 9 yet), each with its own Hypothesis run.
"""
import requests
import schemathesis
from schemathesis.checks import positive_data_acceptance
from hypothesis import HealthCheck, given, settings

from tests.conftest import PASSWORD


def test_every_operation_conforms_to_the_openapi_document(live_server, make_user):
    # A coach may do everything a teacher does, and curate collections too.
    coach = make_user("coach")
    response = requests.post(f"{live_server.url}/api/v1/tokens", auth=(coach.email, PASSWORD),
                             timeout=10)
    assert response.status_code == 201
    token = response.json()["token"]
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json")

    operations = [result.ok() for result in schema.get_all_operations()]
    # Revoking the token would turn every later call into a 401: exercise it last.
    operations.sort(key=lambda operation: (operation.label == "DELETE /api/v1/tokens",
                                           operation.method.upper() == "DELETE", operation.path))
    assert {operation.label for operation in operations} >= {
        "POST /api/v1/tokens", "DELETE /api/v1/tokens", "GET /api/v1/me",
        "GET /api/v1/practices", "GET /api/v1/schools", "POST /api/v1/videos",
        "GET /api/v1/videos", "GET /api/v1/videos/{video_id}", "PATCH /api/v1/videos/{video_id}",
        "DELETE /api/v1/videos/{video_id}", "PUT /api/v1/videos/{video_id}/captions",
        "GET /api/v1/search", "POST /api/v1/visit-slots", "GET /api/v1/visit-slots",
        "POST /api/v1/visit-slots/{slot_id}/bookings", "DELETE /api/v1/bookings/{booking_id}",
        "POST /api/v1/bookings/{booking_id}/reflection", "GET /api/v1/me/calendar-feed",
        "GET /api/v1/videos/{video_id}/comments", "POST /api/v1/videos/{video_id}/comments",
        "DELETE /api/v1/comments/{comment_id}", "POST /api/v1/collections",
        "GET /api/v1/collections/{collection_id}",
        "POST /api/v1/collections/{collection_id}/items",
        "PATCH /api/v1/collections/{collection_id}/items/{item_id}",
        "DELETE /api/v1/collections/{collection_id}/items/{item_id}"}
    for operation in operations:
        _exercise(operation, live_server.url, token)


def _exercise(operation, base_url: str, token: str) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=30, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        # A schema-valid body can still name a practice that does not exist (422): that is a
        # business rule, not a contract breach, so "positive data accepted" is not checked.
        case.call_and_validate(base_url=base_url, headers={"Authorization": f"Bearer {token}"},
                               excluded_checks=[positive_data_acceptance])

    run()
