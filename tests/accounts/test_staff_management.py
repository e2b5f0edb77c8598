"""Staff who come and go: admins manage the district and principals their school's teachers
and coaches; a change of role, school or access ends every session and token; nobody changes
themselves; invitations are resent or revoked; a departed member's videos are handed on."""
from __future__ import annotations

import pytest

from mastery_share.accounts.api_tokens import issue_api_token, user_for_api_token
from mastery_share.accounts.staff import (
    StaffFilters,
    hand_videos,
    list_staff,
    revoke_invitation,
    update_staff,
)
from mastery_share.accounts.invitations import invite_staff
from mastery_share.errors import Forbidden, Invalid, NotFound
from mastery_share.extensions import db
from mastery_share.videos.models import Video
from tests.collections.conftest import video_row
from tests.conftest import PASSWORD, csrf_token, first_link, outbox_messages, sign_in
from tests.tries.api_fixtures import bearer, error_of


@pytest.fixture
def staff(make_user, other_school):
    return {
        "ana": make_user("teacher", name="Ana Alvarez"),
        "ben": make_user("coach", name="Ben Brooks"),
        "cy": make_user("teacher", name="Cy Chen", active=False),
        "far": make_user("teacher", school_=other_school, name="Far Away"),
    }


def test_a_principal_finds_only_their_school_and_an_admin_the_district(principal, admin,
                                                                       staff):
    mine, total = list_staff(principal, StaffFilters())
    assert {member.name for member in mine} >= {"Ana Alvarez", "Ben Brooks", "Cy Chen"}
    assert "Far Away" not in {member.name for member in mine} and total == len(mine)
    everyone, _ = list_staff(admin, StaffFilters())
    assert "Far Away" in {member.name for member in everyone}
    found, _ = list_staff(admin, StaffFilters(q="  brooks "))
    assert [member.name for member in found] == ["Ben Brooks"]
    gone, _ = list_staff(admin, StaffFilters(active=False))
    assert [member.name for member in gone] == ["Cy Chen"]
    coaches, _ = list_staff(admin, StaffFilters(role="coach"))
    assert [member.name for member in coaches] == ["Ben Brooks"]
    assert list_staff(admin, StaffFilters(q="%"))[1] == len(everyone)  # a wildcard is not one
    with pytest.raises(Forbidden):
        list_staff(staff["ana"], StaffFilters())


def test_deactivating_ends_every_session_and_token_and_reactivating_lets_them_back(
        client, principal, staff):
    ana = staff["ana"]
    secret, _ = issue_api_token(ana)
    sign_in(client, ana)
    assert client.get("/notifications").status_code == 200
    update_staff(principal, ana.id, {"active": False})
    assert user_for_api_token(secret) is None
    assert client.get("/notifications").status_code == 302  # signed out
    response = client.post("/sign-in", data={"email": ana.email, "password": PASSWORD,
                                             "csrf_token": csrf_token(client, "/sign-in")})
    assert response.status_code != 302
    update_staff(principal, ana.id, {"active": True})
    sign_in(client, ana)


def test_the_rules_of_who_changes_whom(principal, admin, make_user, other_school, staff):
    with pytest.raises(Forbidden):
        update_staff(principal, principal.id, {"role": "teacher"})  # not themselves
    with pytest.raises(Forbidden):
        update_staff(admin, admin.id, {"active": False})
    with pytest.raises(NotFound):
        update_staff(principal, staff["far"].id, {"active": False})  # another school
    with pytest.raises(Forbidden):
        update_staff(principal, staff["ana"].id, {"role": "principal"})
    with pytest.raises(Forbidden):
        update_staff(principal, staff["ana"].id, {"school_id": other_school.id})
    fellow = make_user("principal")
    with pytest.raises(Forbidden):
        update_staff(principal, fellow.id, {"active": False})
    with pytest.raises(Forbidden):
        update_staff(staff["ben"], staff["ana"].id, {"active": False})  # coaches do not
    moved = update_staff(admin, staff["ana"].id, {"role": "coach", "school_id": other_school.id})
    assert (moved.role, moved.school_id) == ("coach", other_school.id)
    promoted = update_staff(admin, staff["ben"].id, {"role": "admin"})
    assert promoted.role == "admin" and promoted.school_id is None
    with pytest.raises(Invalid):
        update_staff(admin, staff["ben"].id, {"role": "teacher"})  # needs a school again
    db.session.rollback()
    assert db.session.get(type(promoted), promoted.id).role == "admin"


def test_an_admin_hands_a_departed_members_videos_to_a_colleague(admin, principal, staff):
    ana, ben = staff["ana"], staff["ben"]
    videos = [video_row(ana, title=f"Lesson {number}").id for number in range(3)]
    with pytest.raises(Forbidden):
        hand_videos(principal, ana.id, ben.id)
    with pytest.raises(Invalid):
        hand_videos(admin, ana.id, staff["far"].id)  # another school
    with pytest.raises(Invalid):
        hand_videos(admin, ana.id, staff["cy"].id)  # deactivated
    assert hand_videos(admin, ana.id, ben.id) == 3
    db.session.expire_all()
    assert {db.session.get(Video, video_id).owner_id for video_id in videos} == {ben.id}


def test_resending_sends_a_new_link_and_the_old_one_stops_working(app, client, principal):
    invite_staff(principal, email="new.teacher@example.org", name="New Teacher",
                 role="teacher", school_id=principal.school_id)
    first = first_link(outbox_messages(app)[-1])
    sign_in(client, principal)
    page = client.get("/staff").get_data(as_text=True)
    assert "New Teacher" in page and "Resend" in page
    invitation_id = int(page.split("/staff/invitations/")[1].split("/")[0])
    client.post(f"/staff/invitations/{invitation_id}/resend",
                data={"csrf_token": csrf_token(client, "/staff")})
    second = first_link(outbox_messages(app)[-1])
    assert second != first
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/")})
    assert "no longer works" in client.get(first.split("5000", 1)[1]).get_data(as_text=True) \
        or client.get(first.split("5000", 1)[1]).status_code in (404, 410)
    assert client.get(second.split("5000", 1)[1]).status_code == 200


def test_revoking_stops_the_link_and_another_school_cannot_touch_it(app, client, principal,
                                                                    make_user, other_school):
    invitation = invite_staff(principal, email="x@example.org", name="X Person", role="coach",
                              school_id=principal.school_id)
    link = first_link(outbox_messages(app)[-1]).split("5000", 1)[1]
    with pytest.raises(NotFound):
        revoke_invitation(make_user("principal", school_=other_school), invitation.id)
    revoke_invitation(principal, invitation.id)
    assert client.get(link).status_code != 200


def test_the_staff_api_lists_changes_resends_and_revokes(app, client, admin, principal, staff,
                                                         other_school):
    headers = bearer(admin)
    body = client.get("/api/v1/staff?q=ana", headers=headers).json
    assert body["total"] == 1 and body["items"][0]["name"] == "Ana Alvarez"
    assert set(body["items"][0]) == {"id", "name", "email", "role", "active", "school"}
    ana_id = body["items"][0]["id"]
    changed = client.patch(f"/api/v1/staff/{ana_id}", headers=headers,
                           json={"active": False}).json
    assert changed["active"] is False
    principal_headers = bearer(principal)
    assert [m["name"] for m in client.get("/api/v1/staff?active=false",
                                          headers=principal_headers).json["items"]] == [
        "Ana Alvarez", "Cy Chen"]
    error_of(client.patch(f"/api/v1/staff/{staff['far'].id}", headers=principal_headers,
                          json={"active": False}), 404)
    error_of(client.patch(f"/api/v1/staff/{ana_id}", headers=principal_headers,
                          json={"role": "admin"}), 403)
    error_of(client.patch(f"/api/v1/staff/{ana_id}", headers=headers,
                          json={"role": "wizard"}), 422)
    error_of(client.get("/api/v1/staff", headers=bearer(staff["ben"])), 403)
    invitation = invite_staff(admin, email="y@example.org", name="Y", role="teacher",
                              school_id=other_school.id)
    resent = client.post(f"/api/v1/invitations/{invitation.id}/resend", headers=headers)
    assert resent.status_code == 200 and resent.json["email"] == "y@example.org"
    error_of(client.delete(f"/api/v1/invitations/{invitation.id}", headers=principal_headers),
             404)
    assert client.delete(f"/api/v1/invitations/{invitation.id}", headers=headers).status_code == 204


def test_the_staff_member_page_changes_a_role_and_refuses_a_principal_more(client, principal,
                                                                           staff):
    sign_in(client, principal)
    ana = staff["ana"]
    page = client.get(f"/staff/{ana.id}")
    assert page.status_code == 200 and "Role, school and access" in page.get_data(as_text=True)
    response = client.post(f"/staff/{ana.id}", data={
        "csrf_token": csrf_token(client, f"/staff/{ana.id}"), "role": "coach",
        "school_id": principal.school_id, "active": "yes"})
    assert response.status_code == 302
    db.session.refresh(ana)
    assert ana.role == "coach"
    refused = client.post(f"/staff/{ana.id}", data={
        "csrf_token": csrf_token(client, f"/staff/{ana.id}"), "role": "principal",
        "school_id": principal.school_id, "active": "yes"})
    assert refused.status_code == 422
    db.session.refresh(ana)
    assert ana.role == "coach"
    assert client.get(f"/staff/{staff['far'].id}").status_code == 404
