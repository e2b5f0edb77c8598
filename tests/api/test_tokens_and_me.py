import base64

from mastery_share.accounts.models import Practice
from mastery_share.extensions import db
from tests.conftest import PASSWORD


def _basic(email: str, password: str) -> dict:
    raw = base64.b64encode(f"{email}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def _token(client, user) -> str:
    response = client.post("/api/v1/tokens", headers=_basic(user.email, PASSWORD))
    assert response.status_code == 201, response.json
    return response.json["token"]


def test_token_from_basic_auth_opens_me(client, teacher, school):
    token = _token(client, teacher)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json["email"] == teacher.email
    assert response.json["school"] == {"id": school.id, "name": school.name}
    assert response.json["role"] == "teacher"


def test_wrong_password_is_401_in_the_error_shape(client, teacher):
    response = client.post("/api/v1/tokens", headers=_basic(teacher.email, "wrong-password"))
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    assert "do not match" in response.json["error"]["message"]


def test_missing_credentials_and_missing_token_are_401(client):
    assert client.post("/api/v1/tokens").status_code == 401
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoked_token_no_longer_works(client, teacher):
    token = _token(client, teacher)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.delete("/api/v1/tokens", headers=headers).status_code == 204
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert "revoked" in response.json["error"]["message"]


def test_practices_list_the_seeded_taxonomy(client, teacher):
    token = _token(client, teacher)
    response = client.get("/api/v1/practices", headers={"Authorization": f"Bearer {token}"})
    slugs = [practice["slug"] for practice in response.json]
    assert "goal-setting" in slugs and "flexible-grouping" in slugs
    assert len(slugs) == db.session.query(Practice).count() >= 12


def test_schools_are_those_of_my_district(client, teacher, school, other_school):
    token = _token(client, teacher)
    response = client.get("/api/v1/schools", headers={"Authorization": f"Bearer {token}"})
    assert {s["name"] for s in response.json} == {school.name, other_school.name}
    assert all(s["time_zone"] for s in response.json)


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_openapi_document_describes_the_endpoints_and_error_shape(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/tokens", "/api/v1/me", "/api/v1/practices", "/api/v1/schools"):
        assert path in spec["paths"]
    assert "error" in spec["components"]["schemas"]["Error"]["properties"]
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_every_api_route_is_in_the_document_even_when_first_read_by_many_at_once(app):
    # The document is completed on its first read (building it made every app slow to start):
    # eight requests racing for that first read all get the whole of it, and no operation
    # is documented twice.
    import threading
    from collections import Counter

    api_blueprints = app.extensions["flask-smorest"]["blp_name_to_api"]
    routes = {
        (rule.rule.replace("<id:", "{").replace("<", "{").replace(">", "}"), method)
        for rule in app.url_map.iter_rules() if rule.endpoint.split(".")[0] in api_blueprints
        for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert len(routes) > 30
    documents = []

    def read():
        with app.test_client() as client:
            documents.append(client.get("/api/v1/openapi.json").json)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(documents) == 8
    for document in documents:
        documented = {(path, method.upper()) for path, operations in document["paths"].items()
                      for method in operations if method != "parameters"}
        assert documented == routes
        assert Counter(tag["name"] for tag in document["tags"]).most_common(1)[0][1] == 1
