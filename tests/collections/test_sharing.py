"""Who sees a collection at each visibility, the home page, and saving one for later."""
from __future__ import annotations

import pytest

from mastery_share.accounts.models import District, User
from mastery_share.collections.sharing import (
    get_collection,
    save_collection,
    saved_collections,
    shared_with_me,
    unsave_collection,
)
from mastery_share.errors import NotFound
from mastery_share.extensions import db
from tests.conftest import csrf_token, make_school, sign_in


@pytest.fixture
def people(make_user, other_school, coach):
    far_district = District(name="Far District", slug="far")
    db.session.add(far_district)
    db.session.commit()
    far_school = make_school(far_district, "Far School", "America/Los_Angeles")
    far_teacher = User(email="far@example.org", name="Far Teacher", role="teacher",
                       school=far_school, district=far_district, password_hash="x")
    db.session.add(far_teacher)
    db.session.commit()
    return {"curator": coach, "same_school": make_user("teacher"),
            "other_school": make_user("teacher", school_=other_school),
            "admin": make_user("admin"), "other_district": far_teacher}


EXPECTED = {
    "private": {"curator", "admin"},
    "school": {"curator", "same_school", "admin"},
    "district": {"curator", "same_school", "other_school", "admin"},
    "network": {"curator", "same_school", "other_school", "admin", "other_district"},
}


@pytest.mark.parametrize("visibility", list(EXPECTED))
def test_each_visibility_reaches_exactly_its_audience(people, make_collection, visibility):
    collection = make_collection(people["curator"], visibility=visibility)
    for who, user in people.items():
        allowed = who in EXPECTED[visibility]
        if allowed:
            assert get_collection(user, collection.id).id == collection.id
        else:
            with pytest.raises(NotFound):
                get_collection(user, collection.id)
        listed = collection.id in {c.id for c in shared_with_me(user)}
        # The home page lists what others shared: not one's own, not private ones.
        assert listed == (allowed and who != "curator" and visibility != "private"), who


def test_a_teacher_sees_shared_collections_on_the_home_page(client, coach, teacher,
                                                            make_collection):
    make_collection(coach, title="Goal-setting PLC", visibility="school")
    make_collection(coach, title="Coach's private draft", visibility="private")
    sign_in(client, teacher)
    page = client.get("/").get_data(as_text=True)
    assert "Collections shared with you" in page
    assert "Goal-setting PLC" in page
    assert "private draft" not in page


def test_a_teacher_saves_a_collection_and_finds_it_again(client, coach, teacher,
                                                         make_collection):
    collection = make_collection(coach, title="Center rotations", visibility="district")
    save_collection(teacher, collection.id)
    save_collection(teacher, collection.id)  # twice is harmless
    assert [c.id for c in saved_collections(teacher)] == [collection.id]
    unsave_collection(teacher, collection.id)
    assert saved_collections(teacher) == []

    sign_in(client, teacher)
    path = f"/collections/{collection.id}"
    response = client.post(f"{path}/save", data={"csrf_token": csrf_token(client, path)})
    assert response.status_code == 302
    index = client.get("/collections").get_data(as_text=True)
    saved_section = index[index.index('id="saved-heading"'):]
    assert "Center rotations" in saved_section


def test_saving_a_collection_one_cannot_see_is_not_found(make_user, coach, make_collection):
    collection = make_collection(coach, visibility="private")
    with pytest.raises(NotFound):
        save_collection(make_user("teacher"), collection.id)


def test_a_saved_collection_made_private_drops_off_the_list(coach, teacher, make_collection):
    from mastery_share.collections.curation import update_collection

    collection = make_collection(coach, visibility="school")
    save_collection(teacher, collection.id)
    update_collection(coach, collection.id, {"visibility": "private"})
    assert saved_collections(teacher) == []
