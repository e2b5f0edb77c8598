"""The staff invitation form shows every field's problem at once, in a summary that links to
each field and beside the fields themselves, and sends nothing."""
from __future__ import annotations

import re

from tests.conftest import csrf_token, outbox_messages, sign_in


def test_every_problem_of_the_invitation_form_shows_at_once(app, client, principal):
    sign_in(client, principal)
    response = client.post("/staff", data={
        "csrf_token": csrf_token(client, "/staff"), "email": "not-an-email", "name": "",
        "role": "teacher", "school_id": str(principal.school_id)})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    summary = page[page.index('id="error-summary"'):]
    summary = summary[:summary.index("</div>")]
    assert re.search(r'href="#email">Email</a>: Enter a valid email', summary)
    assert 'href="#name">Name</a>: Enter their name.' in summary
    assert page.count('class="invalid-feedback') >= 2  # and beside each field
    assert outbox_messages(app) == []
