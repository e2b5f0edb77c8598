"""Mail goes to the outbox by default and through a real SMTP server when configured."""
import pytest

from mastery_share.accounts.invitations import invite_staff
from mastery_share.extensions import db
from mastery_share.mail import header_value
from tests.conftest import outbox_messages
from tests.waiting import wait_until


def _wait_for_mail(inbox, count: int = 1) -> list:
    """What the SMTP server received, once `count` messages arrived."""
    wait_until(lambda: len(inbox.messages) >= count)
    return inbox.messages


def test_a_line_break_in_a_stored_name_never_stops_mail_about_that_person(app, smtp_server,
                                                                          principal):
    # Legacy data: the name was stored before names were checked at input.
    principal.name = "Pat\nPrincipal\r\x07"
    db.session.commit()
    _, inbox = smtp_server
    invite_staff(principal, email="new.teacher@example.org", name="New Teacher",
                 role="teacher", school_id=principal.school_id)
    [message] = _wait_for_mail(inbox)
    assert message["To"] == "new.teacher@example.org"
    assert message["Subject"] == "Pat Principal invited you to Mastery Share"


def test_a_header_value_is_folded_onto_one_line():
    assert header_value("Ana\r\n Bcc: x@evil.example\u2028\x00 Diaz") == (
        "Ana Bcc: x@evil.example Diaz")


def test_invitation_is_delivered_over_smtp_when_configured(app, smtp_server, principal):
    _, inbox = smtp_server
    invite_staff(principal, email="smtp.person@example.org", name="Smtp Person", role="teacher",
                 school_id=principal.school_id)
    [message] = _wait_for_mail(inbox)
    assert message["To"] == "smtp.person@example.org"
    assert "/invitations/" in message.get_payload()
    assert outbox_messages(app) == []


def test_without_smtp_mail_lands_in_the_outbox_as_eml(app, principal):
    invite_staff(principal, email="outbox@example.org", name="Outbox", role="teacher",
                 school_id=principal.school_id)
    [message] = outbox_messages(app)
    assert message["To"] == "outbox@example.org"
    assert message["From"].endswith("no-reply@mastery-share.local>")


def test_mail_is_not_sent_when_the_transaction_fails(app, principal, teacher):
    with pytest.raises(Exception):
        invite_staff(principal, email=teacher.email, name="Dup", role="teacher",
                     school_id=principal.school_id)
    assert outbox_messages(app) == []
