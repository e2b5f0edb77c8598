"""The watch page composes its four panels in its view (transcript, "See it live", "Add to
collection", the conversation) and costs a fixed number of SQL statements whatever is in
them: twelve comments by twelve people and three open classrooms cost what one of each does."""
from __future__ import annotations

from mastery_share.comments.services import post_comment
from tests.collections.conftest import video_row
from tests.conftest import make_school, sign_in
from tests.query_count import statement_texts_of_get, statements_of_get
from tests.visits.conftest import local_start


def _open(host, days_ahead: int):
    from mastery_share.visits.slots import create_slots

    return create_slots(host, {"starts_at": local_start(host.school, days_ahead, 9),
                               "duration_min": 45, "capacity": 3, "room": "12",
                               "focus": "Stations", "repeat_weekly": 0})[0]


def test_the_watch_page_costs_the_same_however_full_its_panels_are(
        client, district, make_user):
    coach = make_user("coach", name="Casey Coach")
    owner = make_user("teacher", name="Olive Owner")
    quiet, busy = video_row(owner, title="Quiet"), video_row(owner, title="Busy")
    post_comment(make_user("teacher", name="First Voice"), quiet.id, 1.0, "question", "How?")
    for number in range(12):
        school = make_school(district, f"Commenting School {number}", "America/Chicago")
        voice = make_user("teacher", school_=school, name=f"Voice {number}")
        post_comment(voice, busy.id, float(number), "note", f"Note {number}")
    _open(owner, 3)
    sign_in(client, coach)
    client.get(f"/videos/{quiet.id}")  # caches warmed
    one = statements_of_get(client, f"/videos/{quiet.id}")
    _open(owner, 4), _open(owner, 5)
    many = statements_of_get(client, f"/videos/{busy.id}")
    assert many == one, f"{one} statements with one comment and classroom, {many} with more"
    page = client.get(f"/videos/{busy.id}").get_data(as_text=True)
    assert "Voice 0" in page and "Voice 11" in page and "Note 11" in page
    assert 'id="live-heading"' in page and "Add to collection" in page


def test_the_video_comes_with_its_teacher_and_school_in_one_statement(client, district,
                                                                     make_user):
    owner = make_user("teacher", name="Olive Owner")
    video = video_row(owner, title="Stations")
    sign_in(client, make_user("teacher", name="Vera Viewer"))
    client.get(f"/videos/{video.id}")
    statements = statement_texts_of_get(client, f"/videos/{video.id}")
    loading_video = [sql for sql in statements if sql.startswith("SELECT videos.id")]
    assert loading_video and "JOIN users" in loading_video[0] and "JOIN schools" in loading_video[0]
    alone = [sql for sql in statements if " FROM schools WHERE schools.id = " in sql]
    assert not alone, alone
    page = client.get(f"/videos/{video.id}").get_data(as_text=True)
    assert "Olive Owner" in page and owner.school.name in page


def test_the_status_poll_and_a_media_request_load_the_video_without_its_teacher(
        app, client, district, make_user):
    """The requests a playing video repeats (each range request, the status poll) name
    nobody, so they load the video's row alone, still through the visibility rule."""
    from mastery_share.videos.media_urls import media_url

    owner = make_user("teacher", name="Olive Owner")
    video = video_row(owner, title="Stations")
    viewer = make_user("teacher", name="Vera Viewer")
    sign_in(client, viewer)
    with app.test_request_context():
        poster = media_url(viewer, video, "poster.jpg")
    # This row has no media files: the request answers 404 after the video is loaded.
    for path, status in ((f"/videos/{video.id}/status.json", 200), (poster, 404)):
        statements = statement_texts_of_get(client, path, status)
        loading_video = [sql for sql in statements if sql.startswith("SELECT videos.id")]
        assert loading_video and "JOIN" not in loading_video[0], (path, loading_video)
        people = [sql for sql in statements
                  if " FROM schools " in sql or " FROM users WHERE users.id = ?" in sql]
        assert not people, (path, people)
    private = video_row(owner, title="Mine alone", visibility="private")
    assert client.get(f"/videos/{private.id}/status.json").status_code == 404
