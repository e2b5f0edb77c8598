"""The home page of each role shows what is new for the member and what needs them, each
block with an empty state, never a video or try the member may not see, and costs the same
number of queries whatever the amount of data."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from mastery_share.accounts.models import Practice
from mastery_share.comments.models import Comment
from mastery_share.db_types import utcnow
from mastery_share.extensions import db
from mastery_share.videos.fields import practices_by_slug
from mastery_share.visits.booking import book_slot
from mastery_share.visits.models import Booking
from tests.collections.conftest import video_row
from tests.conftest import sign_in
from tests.tries.spread_fixtures import add_try
from tests.visits.conftest import open_slot  # noqa: F401  (fixture)


def _learning(user, slug="flexible-grouping"):
    user.new_to_practices = list(practices_by_slug([slug]))
    user.grade_bands = ["3-5"]
    db.session.commit()


def _home(client, user) -> str:
    sign_in(client, user)
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _block(page: str, heading_id: str) -> str:
    """The text of one home block, from its heading to the end of its section."""
    start = page.index(f'id="{heading_id}"')
    return page[start:page.index("</section>", start)]


@pytest.fixture
def colleague(make_user, other_school):
    return make_user("teacher", school_=other_school, name="Dana Colleague")


def test_a_teacher_sees_new_videos_open_classrooms_visits_and_feedback(
        client, teacher, colleague, make_user, open_slot):  # noqa: F811
    _learning(teacher)
    shown = video_row(colleague, title="Flexible groups in week one", duration_s=95)
    shown.poster_key = f"{shown.media_prefix}poster.jpg"
    video_row(colleague, title="Private rehearsal", visibility="private")
    other = video_row(colleague, title="Kindergarten centers")
    other.grade_band = "K-2"
    mine = video_row(teacher, title="My exit tickets")
    db.session.add(Comment(video_id=mine.id, author_id=colleague.id, kind="question",
                           body="How do you sort the tickets?"))
    failed = video_row(teacher, title="Shaky phone clip")
    failed.status, failed.error = "failed", "The file has no video stream."
    slot = open_slot(colleague, days_ahead=4, focus="Rotations")
    hosted = open_slot(teacher, days_ahead=5)
    db.session.commit()
    book_slot(colleague, hosted.id)
    page = _home(client, teacher)

    new = _block(page, "new-videos-heading")
    assert "Flexible groups in week one" in new
    # A card: poster (a signed media URL), duration, school and practice.
    assert f"/media/{shown.media_prefix}poster.jpg" in new or "poster.jpg" in new
    assert "1:35" in new and "South Middle School" in new and "Flexible grouping" in new
    assert "Private rehearsal" not in page  # never a video the teacher may not watch
    assert "Kindergarten centers" not in new  # another grade band
    assert "My exit tickets" not in new  # not my own
    open_ = _block(page, "open-heading")
    assert f"/visits/{slot.id}\"" in open_ and "3 seats left" in open_
    visits = _block(page, "my-visits-heading")
    assert "Hosting" in visits and "Coming: Dana Colleague" in visits
    feedback = _block(page, "feedback-heading")
    assert "How do you sort the tickets?" in feedback and "My exit tickets" in feedback
    unfinished = _block(page, "unfinished-heading")
    assert "Shaky phone clip" in unfinished and "no video stream" in unfinished
    assert "approvals-heading" not in page and "district-heading" not in page


def test_every_block_has_a_helpful_empty_state(client, teacher):
    page = _home(client, teacher)
    assert "No new videos in your practices" in page and "your profile" in page
    assert "No classroom has a seat free in the next two weeks" in page
    assert "No visits ahead" in page
    assert "No comments or affirmations on your videos" in page
    for link in ("/videos", "/visits", "/visits/mine", "/collections"):
        assert f'href="{link}"' in page


def test_a_principal_approves_right_from_home_and_sees_the_term(
        client, principal, teacher, colleague, open_slot):  # noqa: F811
    principal.school.requires_visit_approval = True
    slot = open_slot(colleague, days_ahead=6)
    db.session.commit()
    booking = book_slot(teacher, slot.id)
    assert booking.status == "pending_approval"
    video_row(teacher, title="Risky first try")
    page = _home(client, principal)
    approvals = _block(page, "approvals-heading")
    assert teacher.name in approvals
    assert f'action="/visits/approvals/{booking.id}/approve"' in approvals
    assert 'name="csrf_token"' in approvals
    numbers = _block(page, "school-heading")
    assert re.search(r"<dt>Videos shared</dt><dd>1</dd>", numbers)
    assert teacher.name in numbers  # took a risk this month, not affirmed yet

    response = client.post(f"/visits/approvals/{booking.id}/approve", data={
        "csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                                approvals).group(1)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == "confirmed"
    assert "No visit requests are waiting" in _block(client.get("/").get_data(True),
                                                      "approvals-heading")


def test_a_coach_sees_meetings_and_teachers_to_support(client, make_user, teacher):
    coach = make_user("coach", name="Casey Coach")
    add_try(teacher, (utcnow() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            visibility="school")
    page = _home(client, coach)
    assert "No PLC meeting is planned" in _block(page, "meetings-heading")
    support = _block(page, "support-heading")
    assert teacher.name in support and "1 new try" in support


def test_an_admin_sees_the_district_invitations_and_failed_videos(client, admin, teacher):
    failed = video_row(teacher, title="Broken upload")
    failed.status, failed.error = "failed", "Unsupported codec."
    db.session.commit()
    page = _home(client, admin)
    district = _block(page, "district-heading")
    assert re.search(r"<dt>Failed videos</dt><dd>1</dd>", district)
    assert "Broken upload" in _block(page, "failed-heading")
    assert "Every invitation has been accepted" in _block(page, "invitations-heading")


def test_signed_out_the_home_says_what_it_is_for_and_how_to_sign_in(client):
    page = client.get("/").get_data(as_text=True)
    assert "If they can do it, we can do it." in page and 'href="/sign-in"' in page


def _queries(client, path="/") -> int:
    statements = []

    def listener(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(statements)


@pytest.mark.parametrize("role", ["teacher", "principal", "admin", "coach"])
def test_the_query_count_of_a_home_does_not_grow_with_the_data(
        client, make_user, colleague, open_slot, role):  # noqa: F811
    member = make_user(role, name=f"The {role}")
    if member.school_id:
        _learning(member)
    sign_in(client, member)

    made = []

    def add_data(count):
        for _ in range(count):
            number = len(made)
            made.append(number)
            video = video_row(colleague, title=f"Lesson {number}")
            db.session.add(Comment(video_id=video.id, author_id=colleague.id, body="Nice"))
            if member.school_id:
                mine = video_row(member, title=f"Mine {number}")
                db.session.add(Comment(video_id=mine.id, author_id=colleague.id, body="Wow"))
            slot = open_slot(colleague, days_ahead=2 + number % 10, hour=8 + number // 10)
            db.session.commit()
            if member.school_id and role != "admin":
                book_slot(member, slot.id)

    add_data(2)
    _queries(client)  # warm: first-request lookups
    few = _queries(client)
    add_data(8)
    assert _queries(client) == few
    assert db.session.query(Practice).count() > 0
