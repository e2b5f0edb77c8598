"""A practice's "Start here" path: who may flag a collection, which collections may be one,
and one path per practice and district."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from mastery_share.accounts.models import District, School, User
from mastery_share.collections.curation import create_collection, update_collection
from mastery_share.collections.models import Collection
from mastery_share.errors import Forbidden, Invalid
from mastery_share.extensions import db
from tests.conftest import csrf_token, make_school, sign_in
from tests.postgres import migrated_postgres_app

PRACTICE = "flexible-grouping"
ROUNDS = 20


def path_of(collection: Collection) -> str | None:
    db.session.refresh(collection)
    return collection.path_practice.slug if collection.path_practice else None


@pytest.fixture
def district_collection(coach):
    """district_collection(curator=coach, **details) -> a collection the district can open."""

    def factory(curator=None, **details):
        return create_collection(curator or coach, {"title": "Grouping, step by step",
                                                    "visibility": "district", **details})

    return factory


def test_a_coach_flags_a_district_collection_as_a_practices_path(coach, district_collection):
    collection = district_collection(start_here_for=PRACTICE)
    assert path_of(collection) == PRACTICE


def test_flagging_a_second_collection_takes_the_flag_from_the_first(
        coach, principal, district_collection):
    first = district_collection(start_here_for=PRACTICE)
    second = district_collection(principal, title="Grouping for beginners")
    update_collection(principal, second.id, {"start_here_for": PRACTICE})
    assert path_of(first) is None and path_of(second) == PRACTICE
    # A path for another practice is a different flag, and stays.
    update_collection(coach, first.id, {"start_here_for": "goal-setting"})
    assert path_of(first) == "goal-setting" and path_of(second) == PRACTICE


def test_each_district_has_its_own_path(coach, district_collection, make_user):
    far = District(name="Far District", slug="far")
    db.session.add(far)
    db.session.commit()
    far_coach = User(email="far-coach@example.org", name="Far Coach", role="coach",
                     school=make_school(far, "Far School", "America/Denver"), district=far,
                     password_hash=coach.password_hash)
    db.session.add(far_coach)
    db.session.commit()
    ours = district_collection(start_here_for=PRACTICE)
    theirs = district_collection(far_coach, start_here_for=PRACTICE)
    assert path_of(ours) == PRACTICE and path_of(theirs) == PRACTICE


def test_a_teacher_cannot_flag_a_path(coach, teacher, district_collection):
    collection = district_collection()
    with pytest.raises(Forbidden):
        update_collection(teacher, collection.id, {"start_here_for": PRACTICE})
    # A curator who is a teacher now may still edit their collection, but not flag it.
    coach.role = "teacher"
    db.session.commit()
    with pytest.raises(Forbidden):
        update_collection(coach, collection.id, {"start_here_for": PRACTICE})
    assert path_of(collection) is None


def test_a_private_or_school_collection_cannot_be_a_path(coach, district_collection):
    for visibility in ("private", "school"):
        with pytest.raises(Invalid) as refused:
            create_collection(coach, {"title": "Mine", "visibility": visibility,
                                      "start_here_for": PRACTICE})
        assert "start_here_for" in refused.value.fields
    assert db.session.query(Collection).count() == 0
    flagged = district_collection(start_here_for=PRACTICE)
    with pytest.raises(Invalid) as refused:
        update_collection(coach, flagged.id, {"visibility": "school"})
    assert "visibility" in refused.value.fields
    assert flagged.visibility == "district" and path_of(flagged) == PRACTICE


def test_unflagging_and_unknown_practices(coach, district_collection):
    collection = district_collection(start_here_for=PRACTICE)
    with pytest.raises(Invalid):
        update_collection(coach, collection.id, {"start_here_for": "not-a-practice"})
    update_collection(coach, collection.id, {"start_here_for": ""})
    assert path_of(collection) is None


def test_the_form_flags_a_path_and_the_collection_page_says_so(client, coach,
                                                               district_collection):
    collection = district_collection()
    sign_in(client, coach)
    edit_page = f"/collections/{collection.id}/edit"
    assert 'name="start_here_for"' in client.get(edit_page).get_data(as_text=True)
    form = {"csrf_token": csrf_token(client, edit_page), "title": collection.title,
            "visibility": "district", "start_here_for": PRACTICE}
    response = client.post(edit_page, data=form, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Start here" in page and "The path for teachers new to" in page
    assert f'href="/practices/{PRACTICE}"' in page
    assert f'<option selected value="{PRACTICE}">' in client.get(edit_page).get_data(as_text=True)


def test_the_form_explains_why_a_school_collection_cannot_be_a_path(client, coach):
    sign_in(client, coach)
    response = client.post("/collections/new", data={
        "csrf_token": csrf_token(client, "/collections/new"), "title": "Ours",
        "visibility": "school", "start_here_for": PRACTICE})
    assert response.status_code == 422
    assert 'id="start_here_for-error"' in response.get_data(as_text=True)
    assert db.session.query(Collection).count() == 0


def _flag_from_two_threads(app, coach_ids: list[int], collection_ids: list[int]) -> list:
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(worker: int) -> None:
        with app.app_context():
            try:
                coach = db.session.get(User, coach_ids[worker])
                db.session.rollback()
                barrier.wait(timeout=30)
                for round_ in range(ROUNDS):
                    # Alternate, so each round really moves the flag between the two.
                    choice = PRACTICE if round_ % 2 == worker else ""
                    update_collection(coach, collection_ids[worker], {"start_here_for": choice})
                update_collection(coach, collection_ids[worker], {"start_here_for": PRACTICE})
            except BaseException as error:  # noqa: BLE001 - reported by the test
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(worker,)) for worker in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    return errors


def _race(app) -> None:
    district = District(name="Race District", slug="race-district")
    school = School(name="North Elementary", time_zone="America/Chicago", district=district)
    coaches = [User(email=f"coach{n}@example.org", name=f"Coach {n}", role="coach",
                    district=district, school=school, password_hash="x") for n in (0, 1)]
    db.session.add_all([district, school, *coaches])
    db.session.commit()
    collection_ids = [create_collection(coach, {"title": "Path", "visibility": "district"}).id
                      for coach in coaches]
    coach_ids = [coach.id for coach in coaches]
    db.session.remove()
    errors = _flag_from_two_threads(app, coach_ids, collection_ids)
    assert not errors, errors
    flagged = db.session.scalars(select(Collection.id).where(
        Collection.path_practice_id.is_not(None))).all()
    assert len(flagged) == 1 and flagged[0] in collection_ids


@pytest.fixture
def app_overrides() -> dict:
    return {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 5, "max_overflow": 5}}


def test_two_coaches_flagging_at_once_leave_exactly_one_path_on_sqlite(app):
    _race(app)


@pytest.mark.postgres
def test_two_coaches_flagging_at_once_leave_exactly_one_path_on_postgresql(tmp_path: Path):
    with migrated_postgres_app(tmp_path) as app:
        _race(app)
