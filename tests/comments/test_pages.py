"""The conversation on the watch page: the form, the threads, edits and removals, the
markers' JSON, plain-text bodies, and a member's page with their affirmations."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select

from mastery_share.comments.models import Comment
from mastery_share.comments.services import post_comment
from mastery_share.extensions import db
from tests.comments.conftest import WATCHERS
from tests.conftest import sign_in

SCRIPT = "<script>alert(1)</script>"


def token_on(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def post_form(client, video, **fields):
    token = token_on(client, f"/videos/{video.id}")
    return client.post(f"/videos/{video.id}/comments", data={"csrf_token": token, **fields})


def test_a_comment_posted_from_the_page_lands_at_the_players_moment(client, people, video):
    sign_in(client, people["same_school"])
    page = client.get(f"/videos/{video.id}").get_data(as_text=True)
    assert 'id="comments"' in page and "Comment at" in page
    assert 'value="affirmation"' not in page  # teachers are not offered affirmations
    response = post_form(client, video, at_s="2.25", at="0:00", kind="question",
                         body="How long is each rotation?")
    comment = db.session.scalar(select(Comment))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/videos/{video.id}?t=2.25#comment-{comment.id}")
    assert (comment.at_s, comment.kind, comment.author_id) == (2.25, "question",
                                                               people["same_school"].id)
    page = client.get(f"/videos/{video.id}").get_data(as_text=True)
    assert "How long is each rotation?" in page and "0:02" in page


def test_without_script_the_typed_moment_is_used(client, people, video):
    sign_in(client, people["coach"])
    post_form(client, video, at_s="", at="0:01", kind="note", body="Typed moment")
    assert db.session.scalar(select(Comment.at_s)) == 1.0
    response = post_form(client, video, at_s="", at="soon", kind="note", body="Bad moment")
    assert response.status_code == 303
    assert db.session.scalar(select(Comment.id).where(Comment.body == "Bad moment")) is None
    # The refused comment is back in the form to be corrected, once.
    page = client.get(f"/videos/{video.id}").get_data(as_text=True)
    assert "Write the moment as m:ss" in page
    assert ">Bad moment</textarea>" in page and 'value="soon"' in page
    assert ">Bad moment</textarea>" not in client.get(f"/videos/{video.id}").get_data(
        as_text=True)


def test_principals_are_offered_affirmations_and_teachers_are_refused_them(client, people,
                                                                          video):
    sign_in(client, people["principal"])
    assert 'value="affirmation"' in client.get(f"/videos/{video.id}").get_data(as_text=True)
    client.post("/sign-out", data={"csrf_token": token_on(client, f"/videos/{video.id}")})
    sign_in(client, people["same_school"])
    response = post_form(client, video, at_s="1", kind="affirmation", body="Sneaky")
    assert response.status_code == 403
    assert db.session.scalar(select(Comment.id)) is None


def test_a_script_in_a_comment_is_shown_never_run(client, people, video):
    post_comment(people["coach"], video.id, 1.0, "note", f"Look: {SCRIPT}")
    sign_in(client, people["same_school"])
    page = client.get(f"/videos/{video.id}").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert SCRIPT not in page
    markers = client.get(f"/videos/{video.id}/comments.json")
    assert markers.mimetype == "application/json"
    assert markers.get_json()["comments"][0]["body"] == f"Look: {SCRIPT}"  # data, as text


def test_replies_are_threaded_under_their_comment(client, people, video):
    question = post_comment(people["coach"], video.id, 1.0, "question", "Which timer?")
    sign_in(client, people["owner"])
    post_form(client, video, parent_id=str(question.id), kind="note", body="A sand timer.")
    reply = db.session.scalar(select(Comment).where(Comment.parent_id == question.id))
    assert reply.body == "A sand timer." and reply.at_s == 1.0
    page = client.get(f"/videos/{video.id}").get_data(as_text=True)
    thread = page[page.index(f'id="comment-{question.id}"'):]
    assert thread.index("Which timer?") < thread.index('class="comment-replies')
    assert thread.index('class="comment-replies') < thread.index("A sand timer.")


def test_authors_edit_and_delete_their_comments_from_the_page(client, people, video):
    comment = post_comment(people["coach"], video.id, 1.0, "note", "Frist")
    comment_id = comment.id
    sign_in(client, people["coach"])
    page = client.get(f"/videos/{video.id}").get_data(as_text=True)
    assert f"/comments/{comment.id}/edit" in page and f"/comments/{comment.id}/delete" in page
    token = token_on(client, f"/videos/{video.id}")
    response = client.post(f"/comments/{comment.id}/edit", data={"csrf_token": token,
                                                                "body": "First"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).body == "First"
    response = client.post(f"/comments/{comment_id}/delete", data={"csrf_token": token})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Comment, comment_id) is None


def test_others_see_no_controls_and_are_refused(client, people, video):
    comment = post_comment(people["coach"], video.id, 1.0, "note", "Mine")
    sign_in(client, people["same_school"])
    page = client.get(f"/videos/{video.id}").get_data(as_text=True)
    assert f"/comments/{comment.id}/edit" not in page
    assert f"/comments/{comment.id}/delete" not in page
    token = token_on(client, f"/videos/{video.id}")
    assert client.post(f"/comments/{comment.id}/edit",
                       data={"csrf_token": token, "body": "x"}).status_code == 403
    assert client.post(f"/comments/{comment.id}/delete",
                       data={"csrf_token": token}).status_code == 403
    assert client.post(f"/comments/{comment.id}/delete", data={}).status_code == 400


def test_the_owner_may_remove_but_not_edit_a_colleagues_comment(client, people, video):
    comment = post_comment(people["coach"], video.id, 1.0, "note", "Hmm")
    sign_in(client, people["owner"])
    page = client.get(f"/videos/{video.id}").get_data(as_text=True)
    assert f"/comments/{comment.id}/delete" in page
    assert f"/comments/{comment.id}/edit" not in page


def test_markers_json_lists_threads_with_their_moments(client, people, video):
    first = post_comment(people["coach"], video.id, 2.0, "question", "Why?")
    post_comment(people["owner"], video.id, None, "note", "Because", parent_id=first.id)
    post_comment(people["principal"], video.id, 0.5, "affirmation", "Bravo")
    sign_in(client, people["other_school"])
    body = client.get(f"/videos/{video.id}/comments.json").get_json()
    assert [(c["at_s"], c["kind"], c["label"], c["author"]["name"], c["replies"])
            for c in body["comments"]] == [(0.5, "affirmation", "Affirmation", "Pat Principal", 0),
                                          (2.0, "question", "Question", "Cora Coach", 1)]


@pytest.mark.parametrize("visibility", ["private", "school"])
def test_pages_and_markers_are_404_for_those_who_cannot_watch(client, people, share, clips,
                                                              visibility):
    video = share(people["owner"], clips.short, visibility=visibility)
    comment = post_comment(people["owner"], video.id, 1.0, "note", "Secret")
    sign_in(client, people["other_school"])
    assert client.get(f"/videos/{video.id}/comments.json").status_code == 404
    token = token_on(client, "/videos")
    assert client.post(f"/videos/{video.id}/comments",
                       data={"csrf_token": token, "at_s": "1", "body": "x"}).status_code == 404
    assert client.post(f"/comments/{comment.id}/delete",
                       data={"csrf_token": token}).status_code == 404
    assert client.post(f"/comments/{comment.id}/edit",
                       data={"csrf_token": token, "body": "x"}).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, video):
    assert client.get(f"/videos/{video.id}/comments.json").status_code == 302
    assert client.get(f"/people/{video.owner_id}").status_code == 302


def test_the_watch_page_runs_a_fixed_number_of_queries_whatever_the_comments(client, people,
                                                                            video):
    sign_in(client, people["coach"])

    def count_queries() -> int:
        statements = []
        listener = lambda *args: statements.append(1)
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/videos/{video.id}").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    first = post_comment(people["principal"], video.id, 1.0, "question", "One")
    post_comment(people["owner"], video.id, None, "note", "Reply", parent_id=first.id)
    few = count_queries()
    for n, name in enumerate(("same_school", "other_school", "admin")):
        thread = post_comment(people[name], video.id, float(n), "note", f"Thread {n}")
        post_comment(people["owner"], video.id, None, "note", "Reply", parent_id=thread.id)
    assert count_queries() == few


def test_the_owners_name_links_to_their_page_with_affirmations_and_videos(client, people,
                                                                         video):
    post_comment(people["principal"], video.id, 2.0, "affirmation", f"Brave! {SCRIPT}")
    post_comment(people["coach"], video.id, 1.0, "note", "Only a note")
    sign_in(client, people["other_school"])
    watch = client.get(f"/videos/{video.id}").get_data(as_text=True)
    assert f'href="/people/{people["owner"].id}"' in watch
    page = client.get(f"/people/{people['owner'].id}").get_data(as_text=True)
    assert "Olivia Owner" in page and "North Elementary" in page
    assert "Brave! &lt;script&gt;" in page and SCRIPT not in page
    assert "Pat Principal" in page and "Only a note" not in page
    assert f"/videos/{video.id}?t=2#comment-" in page
    assert video.title in page


@pytest.mark.parametrize("visibility", sorted(WATCHERS))
def test_a_profile_shows_affirmations_only_on_videos_the_viewer_may_watch(client, people,
                                                                          share, clips,
                                                                          visibility):
    video = share(people["owner"], clips.short, visibility=visibility, title="Risky lesson")
    post_comment(people["admin"], video.id, 1.0, "affirmation", "Courageous rotation")
    for name, viewer in people.items():
        with client.session_transaction() as session:
            session.clear()
        sign_in(client, viewer)
        response = client.get(f"/people/{people['owner'].id}")
        if name == "other_district" and visibility != "network":
            assert response.status_code == 404  # a stranger from afar
            continue
        page = response.get_data(as_text=True)
        assert ("Courageous rotation" in page) == (name in WATCHERS[visibility]), name
        assert ("Risky lesson" in page) == (name in WATCHERS[visibility]), name
