from datetime import timedelta

import pytest

from mastery_share.accounts.invitations import accept_invitation, invite_staff
from mastery_share.accounts.models import User
from mastery_share.accounts.services import authenticate
from mastery_share.accounts.token_models import Invitation
from mastery_share.db_types import utcnow
from mastery_share.errors import Forbidden, Invalid, NotFound
from mastery_share.extensions import db
from tests.conftest import csrf_token, first_link, outbox_messages, sign_in


def _token_from(app) -> str:
    return first_link(outbox_messages(app)[-1]).rsplit("/", 1)[1]


def test_principal_invites_a_teacher_who_sets_a_password_and_signs_in(app, principal):
    invite_staff(principal, email="New.Teacher@Example.org", name="New Teacher", role="teacher",
                 school_id=principal.school_id, grade_bands=["3-5"], subjects=["Math"])
    [message] = outbox_messages(app)
    assert message["To"] == "new.teacher@example.org"
    assert principal.name in message["Subject"]

    user = accept_invitation(_token_from(app), password="a-long-password")
    assert (user.role, user.school_id, user.grade_bands) == ("teacher", principal.school_id, ["3-5"])
    assert authenticate("new.teacher@example.org", "a-long-password").id == user.id


def test_invitation_link_works_only_once(app, principal):
    invite_staff(principal, email="once@example.org", name="Once", role="teacher",
                 school_id=principal.school_id)
    token = _token_from(app)
    accept_invitation(token, password="a-long-password")
    with pytest.raises(Invalid, match="already been used"):
        accept_invitation(token, password="another-password")


def test_expired_invitation_is_refused_with_a_clear_reason(app, principal):
    invite_staff(principal, email="late@example.org", name="Late", role="teacher",
                 school_id=principal.school_id)
    token = _token_from(app)
    invitation = db.session.query(Invitation).one()
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(Invalid, match="expired"):
        accept_invitation(token, password="a-long-password")


def test_unknown_invitation_link_is_not_found(app):
    with pytest.raises(NotFound):
        accept_invitation("made-up-token", password="a-long-password")


def test_teacher_cannot_invite(app, teacher):
    with pytest.raises(Forbidden):
        invite_staff(teacher, email="x@example.org", name="X", role="teacher",
                     school_id=teacher.school_id)


def test_principal_invites_only_to_their_own_school(app, principal, other_school):
    with pytest.raises(Forbidden, match="own school"):
        invite_staff(principal, email="x@example.org", name="X", role="teacher",
                     school_id=other_school.id)


def test_principal_cannot_invite_an_admin_but_an_admin_can_invite_anywhere(app, principal, admin,
                                                                           other_school):
    with pytest.raises(Forbidden):
        invite_staff(principal, email="x@example.org", name="X", role="admin",
                     school_id=principal.school_id)
    invitation = invite_staff(admin, email="p@example.org", name="P", role="principal",
                              school_id=other_school.id)
    assert invitation.school_id == other_school.id


def test_inviting_an_existing_member_in_another_case_is_refused(app, principal, teacher):
    with pytest.raises(Invalid, match="already a member"):
        invite_staff(principal, email=teacher.email.upper(), name="Dup", role="teacher",
                     school_id=principal.school_id)


def test_re_inviting_replaces_the_earlier_link(app, principal):
    invite_staff(principal, email="twice@example.org", name="Twice", role="teacher",
                 school_id=principal.school_id)
    first = _token_from(app)
    invite_staff(principal, email="twice@example.org", name="Twice", role="teacher",
                 school_id=principal.school_id)
    second = _token_from(app)
    with pytest.raises(Invalid, match="expired"):
        accept_invitation(first, password="a-long-password")
    assert accept_invitation(second, password="a-long-password").email == "twice@example.org"


def test_short_password_on_acceptance_keeps_the_invitation_usable(app, principal):
    invite_staff(principal, email="short@example.org", name="Short", role="teacher",
                 school_id=principal.school_id)
    token = _token_from(app)
    with pytest.raises(Invalid, match="at least"):
        accept_invitation(token, password="short")
    assert accept_invitation(token, password="long-enough-now").email == "short@example.org"


def test_invitation_page_creates_the_account_and_signs_the_member_in(app, client, principal):
    invite_staff(principal, email="web@example.org", name="Web Person", role="coach",
                 school_id=principal.school_id)
    path = "/invitations/" + _token_from(app)
    token = csrf_token(client, path)
    response = client.post(path, data={"csrf_token": token, "name": "Web Person",
                                       "password": "a-long-password", "confirm": "different-one"})
    assert "do not match" in response.get_data(as_text=True)
    response = client.post(path, data={"csrf_token": token, "name": "Web Person",
                                       "password": "a-long-password",
                                       "confirm": "a-long-password"}, follow_redirects=True)
    assert "Welcome to Mastery Share, Web Person" in response.get_data(as_text=True)
    assert client.get(path).status_code == 422  # used link explains itself


def test_staff_page_sends_an_invitation_and_lists_it(app, client, principal):
    sign_in(client, principal)
    token = csrf_token(client, "/staff")
    response = client.post("/staff", data={
        "csrf_token": token, "email": "page@example.org", "name": "Page Invitee",
        "role": "teacher", "school_id": principal.school_id, "grade_bands": ["K-2"],
    }, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Invitation sent to page@example.org" in page
    assert "Page Invitee" in page


def test_staff_page_shows_field_errors_and_keeps_what_was_typed(app, client, principal):
    sign_in(client, principal)
    token = csrf_token(client, "/staff")
    response = client.post("/staff", data={
        "csrf_token": token, "email": "not-an-email", "name": "Kept Name",
        "role": "teacher", "school_id": principal.school_id,
    })
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Kept Name" in page
    assert 'id="email-error"' in page


def test_staff_page_is_forbidden_to_teachers(app, client, teacher):
    sign_in(client, teacher)
    assert client.get("/staff").status_code == 403


def test_accepted_member_counts_once_even_if_the_link_is_used_twice_concurrently(app, principal):
    import threading

    invite_staff(principal, email="race@example.org", name="Race", role="teacher",
                 school_id=principal.school_id)
    token = _token_from(app)
    results: list[str] = []

    def accept():
        with app.app_context():
            try:
                accept_invitation(token, password="a-long-password")
                results.append("ok")
            except Invalid:
                results.append("refused")

    threads = [threading.Thread(target=accept) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["ok", "refused", "refused", "refused"]
    assert db.session.query(User).filter_by(email="race@example.org").count() == 1


def _other_principal(make_user, other_school):
    return make_user("principal", school_=other_school)


def test_a_principal_cannot_cancel_another_schools_pending_invitation(app, principal, make_user,
                                                                      other_school):
    invite_staff(principal, email="sought@example.org", name="Sought After", role="teacher",
                 school_id=principal.school_id)
    token = _token_from(app)
    rival = _other_principal(make_user, other_school)
    with pytest.raises(Invalid, match="open invitation to another school") as refused:
        invite_staff(rival, email="Sought@Example.org", name="Sought", role="teacher",
                     school_id=other_school.id)
    assert refused.value.fields["email"] == "Already invited to another school."
    assert len(outbox_messages(app)) == 1
    user = accept_invitation(token, password="a-long-password")
    assert user.school_id == principal.school_id


def test_the_staff_form_explains_why_another_schools_invitee_cannot_be_invited(
        app, client, principal, make_user, other_school):
    invite_staff(principal, email="sought@example.org", name="Sought After", role="teacher",
                 school_id=principal.school_id)
    link = "/invitations/" + _token_from(app)
    rival = _other_principal(make_user, other_school)
    sign_in(client, rival)
    response = client.post("/staff", data={
        "csrf_token": csrf_token(client, "/staff"), "email": "sought@example.org",
        "name": "Sought", "role": "teacher", "school_id": other_school.id})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="email-error"' in page and "Already invited to another school." in page
    assert "Sought" in page  # what was typed is kept
    assert client.get(link).status_code == 200  # the first school's link still works


def test_a_district_admin_may_replace_an_invitation_to_another_school(app, principal, admin,
                                                                      other_school):
    invite_staff(principal, email="moved@example.org", name="Moved", role="teacher",
                 school_id=principal.school_id)
    first = _token_from(app)
    invite_staff(admin, email="moved@example.org", name="Moved", role="teacher",
                 school_id=other_school.id)
    with pytest.raises(Invalid, match="expired"):
        accept_invitation(first, password="a-long-password")
    assert accept_invitation(_token_from(app), password="a-long-password").school_id == (
        other_school.id)


def test_staff_page_shows_every_fields_error_at_once(app, client, principal):
    """A wrong email is named together with the missing name and the wrong role, not after
    they are fixed."""
    sign_in(client, principal)
    token = csrf_token(client, "/staff")
    response = client.post("/staff", data={
        "csrf_token": token, "email": "not-an-email", "name": "", "role": "wizard",
        "school_id": principal.school_id})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for field in ("email", "name", "role"):
        assert f'id="{field}-error"' in page, field
        assert f'href="#{field}"' in page  # listed in the summary at the top as well
