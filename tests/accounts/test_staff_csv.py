import io

import pytest

from mastery_share.accounts.invitations import invite_staff_csv, preview_staff_csv
from mastery_share.errors import Forbidden, Invalid
from tests.conftest import csrf_token, outbox_messages, sign_in

CSV = """email,name,role,grade_bands,subjects
ana@example.org,Ana Diaz,teacher,K-2;3-5,Math
ben@example.org,Ben Ode,coach,6-8,Science
not-an-email,Broken Row,teacher,,
ANA@example.org,Ana Again,teacher,,
cy@example.org,Cy Lee,wizard,,
"""


def test_preview_classifies_rows_before_anything_is_sent(app, principal, teacher):
    rows = preview_staff_csv(principal, principal.school_id, CSV + f"{teacher.email},T,teacher,,\n")
    assert [row.status for row in rows] == ["new", "new", "invalid", "duplicate", "invalid", "member"]
    assert "valid email" in rows[2].problem.lower() or "@" in rows[2].problem
    assert rows[0].grade_bands == ["K-2", "3-5"]
    assert outbox_messages(app) == []


def test_sending_invites_new_rows_and_a_re_upload_sends_nothing_twice(app, principal):
    rows = invite_staff_csv(principal, principal.school_id, CSV)
    assert sum(row.will_invite for row in rows) == 2
    assert sorted(m["To"] for m in outbox_messages(app)) == ["ana@example.org", "ben@example.org"]

    again = invite_staff_csv(principal, principal.school_id, CSV)
    assert [row.status for row in again][:2] == ["invited", "invited"]
    assert len(outbox_messages(app)) == 2


def test_teacher_cannot_preview_or_send(app, teacher):
    with pytest.raises(Forbidden):
        preview_staff_csv(teacher, teacher.school_id, CSV)


def test_empty_file_gets_a_clear_message(app, principal):
    with pytest.raises(Invalid, match="no rows"):
        preview_staff_csv(principal, principal.school_id, "email,name,role\n\n")


def test_csv_upload_page_previews_then_sends(app, client, principal):
    sign_in(client, principal)
    token = csrf_token(client, "/staff/import")
    response = client.post("/staff/import", data={
        "csrf_token": token, "school_id": principal.school_id, "action": "preview",
        "csv_file": (io.BytesIO(CSV.encode()), "staff.csv"),
    }, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert "2 of 5 rows will be invited" in page
    assert "Appears earlier in this file" in page
    assert outbox_messages(app) == []

    response = client.post("/staff/import", data={
        "csrf_token": token, "school_id": principal.school_id, "action": "send", "csv_text": CSV,
    }, follow_redirects=True)
    assert "2 invitations sent; 3 rows skipped" in response.get_data(as_text=True)
    assert len(outbox_messages(app)) == 2
