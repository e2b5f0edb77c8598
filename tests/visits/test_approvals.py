"""Principal approval of visits elsewhere: pending bookings hold no seat until approved."""
from __future__ import annotations

import pytest

from mastery_share.errors import Forbidden, Invalid
from mastery_share.extensions import db
from mastery_share.visits.approvals import (
    approval_queue,
    approve_booking,
    decline_booking,
)
from mastery_share.visits.booking import book_slot
from tests.conftest import csrf_token, message_text, outbox_messages, sign_in
from tests.visits.conftest import set_school


def test_a_booking_waits_for_approval_when_the_visitors_school_requires_it(
        host, visitor, approving_school, visitors_principal, open_slot, app):
    booking = book_slot(visitor, open_slot(host).id)
    assert booking.status == "pending_approval"
    assert [b.id for b in approval_queue(visitors_principal)] == [booking.id]
    assert any(m["To"] == visitors_principal.email and "Approve a visit" in m["Subject"]
               for m in outbox_messages(app))


def test_a_pending_booking_holds_no_seat(host, visitor, make_user, school, approving_school,
                                         open_slot):
    slot = open_slot(host, capacity=1)
    assert book_slot(visitor, slot.id).status == "pending_approval"
    colleague_of_host = make_user("teacher", school_=school)
    assert book_slot(colleague_of_host, slot.id).status == "confirmed"


def test_approval_confirms_when_a_seat_is_free(host, visitor, approving_school,
                                               visitors_principal, open_slot):
    booking = book_slot(visitor, open_slot(host).id)
    assert approve_booking(visitors_principal, booking.id).status == "confirmed"


def test_approval_waitlists_when_the_slot_filled_meanwhile(host, visitor, make_user, school,
                                                          approving_school, visitors_principal,
                                                          open_slot):
    slot = open_slot(host, capacity=1)
    booking = book_slot(visitor, slot.id)
    book_slot(make_user("teacher", school_=school), slot.id)
    assert approve_booking(visitors_principal, booking.id).status == "waitlisted"


def test_decline_cancels_the_request_and_tells_the_visitor(host, visitor, approving_school,
                                                           visitors_principal, open_slot, app):
    booking = book_slot(visitor, open_slot(host).id)
    with pytest.raises(Invalid, match="Say why"):
        decline_booking(visitors_principal, booking.id, "  ")
    assert decline_booking(visitors_principal, booking.id,
                           "We have a testing day; try the week after.").status == "cancelled"
    last_to_visitor = [m for m in outbox_messages(app) if m["To"] == visitor.email][-1]
    assert "not approved" in last_to_visitor["Subject"]
    assert "We have a testing day" in message_text(last_to_visitor)
    with pytest.raises(Invalid):
        approve_booking(visitors_principal, booking.id)


def test_a_principal_decides_only_for_their_own_school(host, visitor, make_user, school,
                                                       approving_school, open_slot):
    booking = book_slot(visitor, open_slot(host).id)
    hosts_principal = make_user("principal", school_=school)
    with pytest.raises(Forbidden):
        approve_booking(hosts_principal, booking.id)
    with pytest.raises(Forbidden):
        approve_booking(make_user("teacher", school_=approving_school), booking.id)
    assert approval_queue(hosts_principal) == []


def test_visits_within_the_own_school_need_no_approval(host, make_user, school, open_slot):
    set_school(school, requires_visit_approval=True)
    colleague = make_user("teacher", school_=school)
    assert book_slot(colleague, open_slot(host).id).status == "confirmed"


def test_the_principal_approves_from_the_queue_page(client, host, visitor, approving_school,
                                                    visitors_principal, open_slot):
    booking = book_slot(visitor, open_slot(host).id)
    sign_in(client, visitors_principal)
    page = client.get("/visits/approvals").get_data(as_text=True)
    assert "Visiting Teacher" in page and "Maria Lopez" in page
    response = client.post(f"/visits/approvals/{booking.id}/approve",
                           data={"csrf_token": csrf_token(client, "/visits/approvals")})
    assert response.status_code == 302
    db.session.expire_all()
    assert booking.status == "confirmed"
    assert "Nothing is waiting" in client.get("/visits/approvals").get_data(as_text=True)


def test_teachers_cannot_open_the_approval_queue(client, teacher):
    sign_in(client, teacher)
    assert client.get("/visits/approvals").status_code == 403
