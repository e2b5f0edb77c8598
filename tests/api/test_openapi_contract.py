"""Schemathesis drives every documented operation on the live app as a coach, a teacher, a
principal and a signed-out client: no 5xx, and every response matches the OpenAPI document
the app itself serves. Input that breaks the schema on purpose is refused, never a 5xx, on
SQLite and on PostgreSQL (which refuses NUL in text that SQLite stores).

The operations are walked with schemathesis' Python API inside one test (its pytest plugin
does not work with pytest 9 yet), each with its own Hypothesis run.
"""
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, positive_data_acceptance

from mastery_share.accounts.models import District, School, User
from mastery_share.extensions import db
from tests.conftest import _PASSWORD_HASH, PASSWORD, LiveServer
from tests.postgres import migrated_postgres_app
from tests.topology import SCALE_OUT

# Examples per operation and role: four roles (and the invalid-input runs) over ~40
# operations stay around two minutes on a busy two-core machine, and every operation still
# meets boundaries and odd strings.
EXAMPLES = {"coach": 30, "teacher": 20, "principal": 20, None: 15}
INVALID_EXAMPLES = 15
if SCALE_OUT:
    # The embedded pass walks the contract in full; this pass is here for what PostgreSQL, S3
    # and Redis do differently (NUL in text, lengths, presigned media), which half as many
    # examples per operation still reach.
    EXAMPLES = {role: count // 2 for role, count in EXAMPLES.items()}
    INVALID_EXAMPLES = 8

OPERATIONS = {
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
    "DELETE /api/v1/collections/{collection_id}/items/{item_id}",
    "POST /api/v1/tries", "GET /api/v1/tries/{try_id}", "PATCH /api/v1/tries/{try_id}",
    "GET /api/v1/me/tries", "POST /api/v1/tries/{try_id}/check-ins",
    "GET /api/v1/videos/{video_id}/lineage"}


def _headers(base_url: str, member: User | None) -> dict:
    if member is None:
        return {}
    response = requests.post(f"{base_url}/api/v1/tokens", auth=(member.email, PASSWORD),
                             timeout=10)
    assert response.status_code == 201
    return {"Authorization": f"Bearer {response.json()['token']}"}


def _operations(base_url: str) -> list:
    schema = schemathesis.openapi.from_url(f"{base_url}/api/v1/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {operation.label for operation in operations} >= OPERATIONS
    # Revoking the token would turn every later call into a 401: exercise it last.
    operations.sort(key=lambda operation: (operation.label == "DELETE /api/v1/tokens",
                                           operation.method.upper() == "DELETE", operation.path))
    return operations


@pytest.mark.parametrize("role", ["coach", "teacher", "principal", None],
                         ids=["coach", "teacher", "principal", "signed-out"])
def test_every_operation_conforms_to_the_openapi_document(live_server, make_user, role):
    # A coach may do everything a teacher does, and curate collections too; a principal
    # runs a school; a signed-out client must get 401s, never a server error.
    headers = _headers(live_server.url, make_user(role) if role else None)
    for operation in _operations(live_server.url):
        _exercise(operation, live_server.url, headers, EXAMPLES[role])


def _exercise(operation, base_url: str, headers: dict, examples: int) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        # A schema-valid body can still name a practice that does not exist (422): that is a
        # business rule, not a contract breach, so "positive data accepted" is not checked.
        case.call_and_validate(base_url=base_url, headers=headers,
                               excluded_checks=[positive_data_acceptance])

    run()


def _refuse_invalid_input(base_url: str, headers: dict) -> None:
    """Wrong types, missing fields, out-of-range numbers, odd strings: a 4xx, never a 5xx."""
    for operation in _operations(base_url):
        @given(case=operation.as_strategy(GenerationMode.NEGATIVE))
        @settings(max_examples=INVALID_EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case):
            case.call_and_validate(base_url=base_url, headers=headers,
                                   checks=[not_a_server_error])

        run()


@pytest.mark.parametrize("role", ["coach", None], ids=["coach", "signed-out"])
def test_invalid_input_to_any_operation_is_refused_without_a_server_error(live_server,
                                                                         make_user, role):
    _refuse_invalid_input(live_server.url,
                          _headers(live_server.url, make_user(role) if role else None))


@pytest.mark.skipif(SCALE_OUT, reason="the scale-out pass runs every contract test above on "
                    "PostgreSQL already")
def test_every_operation_answers_a_teacher_without_a_server_error_on_postgresql(tmp_path):
    with migrated_postgres_app(tmp_path / "pg") as app, LiveServer(app) as server:
        district = District(name="Contract District", slug="contract")
        school = School(name="North Elementary", time_zone="America/Chicago",
                        district=district)
        teacher = User(email="teacher@example.org", name="Tia Teacher", role="teacher",
                       school=school, district=district, password_hash=_PASSWORD_HASH)
        db.session.add_all([district, school, teacher])
        db.session.commit()
        headers = _headers(server.url, teacher)
        for operation in _operations(server.url):
            _exercise(operation, server.url, headers, EXAMPLES["teacher"])
        _refuse_invalid_input(server.url, headers)
