"""The rules of the conversation, through the services: who may say what, where; threads;
edits and removals; and comments following their video's visibility."""
from __future__ import annotations

import pytest
from sqlalchemy import event, select

from mastery_share.comments.models import Comment
from mastery_share.comments.services import (
    affirmations_for,
    delete_comment,
    edit_comment,
    list_comments,
    post_comment,
)
from mastery_share.errors import Forbidden, Invalid, NotFound
from mastery_share.extensions import db
from mastery_share.videos.services import update_video
from tests.comments.conftest import WATCHERS


@pytest.mark.parametrize("visibility", sorted(WATCHERS))
def test_exactly_the_members_who_may_watch_a_video_may_comment_and_read(people, share, clips,
                                                                        visibility):
    video = share(people["owner"], clips.short, visibility=visibility)
    commenting, reading = set(), set()
    for name, user in people.items():
        try:
            post_comment(user, video.id, 1.0, "question", f"From {name}")
            commenting.add(name)
        except NotFound:
            pass
        try:
            list_comments(user, video.id)
            reading.add(name)
        except NotFound:
            pass
    assert commenting == reading == WATCHERS[visibility]


@pytest.mark.parametrize(("who", "allowed"), [
    ("same_school", False), ("other_school", False), ("coach", True), ("principal", True),
    ("admin", True)])
def test_only_principals_coaches_and_admins_may_affirm(people, video, who, allowed):
    if allowed:
        comment = post_comment(people[who], video.id, 2.0, "affirmation", "Brave move!")
        assert comment.kind == "affirmation"
    else:
        with pytest.raises(Forbidden):
            post_comment(people[who], video.id, 2.0, "affirmation", "Brave move!")
    for kind in ("question", "note"):
        assert post_comment(people[who], video.id, 1.0, kind, "Hello").kind == kind


def test_nobody_affirms_their_own_video(make_user, share, clips):
    principal = make_user("principal")
    own = share(principal, clips.short)
    with pytest.raises(Forbidden):
        post_comment(principal, own.id, 1.0, "affirmation", "Well done me")


def test_unknown_kinds_missing_moments_and_bad_bodies_are_invalid(people, video):
    teacher = people["same_school"]
    for at_s, kind, body in [(1, "praise", "x"), (None, "note", "x"), (-1, "note", "x"),
                             (float("nan"), "note", "x"), (1, "note", ""), (1, "note", " \n\t "),
                             (1, "note", "x" * 2001), (1, "note", "\x00\x01")]:
        with pytest.raises(Invalid):
            post_comment(teacher, video.id, at_s, kind, body)
    assert db.session.scalar(select(Comment.id)) is None


def test_bodies_are_trimmed_plain_text_and_moments_stay_within_the_video(people, video):
    teacher = people["same_school"]
    comment = post_comment(teacher, video.id, 999.0, "note", "  two\r\nlines\x00 <b>raw</b>  ")
    assert comment.body == "two\nlines <b>raw</b>"
    assert comment.at_s == pytest.approx(video.duration_s)
    assert post_comment(teacher, video.id, 0, "note", "x" * 2000).at_s == 0


def test_comments_wait_until_the_video_is_ready(people, video):
    video.status = "processing"
    db.session.commit()
    with pytest.raises(Invalid):
        post_comment(people["same_school"], video.id, 1.0, "question", "Too early?")


def test_a_reply_joins_its_threads_moment_and_a_reply_to_a_reply_joins_the_thread(people,
                                                                                  video):
    question = post_comment(people["same_school"], video.id, 2.5, "question", "How long?")
    answer = post_comment(people["owner"], video.id, 0.1, "note", "Ten minutes.",
                          parent_id=question.id)
    follow_up = post_comment(people["coach"], video.id, None, "note", "Thanks!",
                             parent_id=answer.id)
    assert (answer.parent_id, answer.at_s) == (question.id, 2.5)
    assert (follow_up.parent_id, follow_up.at_s) == (question.id, 2.5)
    [thread] = list_comments(people["principal"], video.id)
    assert [reply.body for reply in thread.replies] == ["Ten minutes.", "Thanks!"]


def test_a_reply_must_belong_to_the_same_video(people, video, share, clips):
    other_video = share(people["owner"], clips.short)
    elsewhere = post_comment(people["coach"], other_video.id, 1.0, "note", "Elsewhere")
    with pytest.raises(NotFound):
        post_comment(people["coach"], video.id, 1.0, "note", "Reply", parent_id=elsewhere.id)
    with pytest.raises(NotFound):
        post_comment(people["coach"], video.id, 1.0, "note", "Reply", parent_id=2**31 - 1)


def test_threads_are_in_the_order_of_the_video_then_of_writing(people, video):
    post_comment(people["coach"], video.id, 2.0, "note", "late")
    post_comment(people["coach"], video.id, 0.5, "note", "early, first")
    post_comment(people["principal"], video.id, 0.5, "note", "early, second")
    assert [c.body for c in list_comments(people["owner"], video.id)] == [
        "early, first", "early, second", "late"]


def test_listing_threads_runs_a_fixed_number_of_queries(people, video):
    def queries_for_listing() -> int:
        db.session.expire_all()
        statements = []
        listener = lambda *args: statements.append(1)
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            threads = list_comments(people["coach"], video.id)
            _ = [(t.author.name, [(r.author.name, r.body) for r in t.replies]) for t in threads]
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(statements)

    first = post_comment(people["coach"], video.id, 1.0, "question", "One")
    post_comment(people["owner"], video.id, None, "note", "Reply", parent_id=first.id)
    few = queries_for_listing()
    for n, name in enumerate(("same_school", "principal", "other_school")):
        thread = post_comment(people[name], video.id, float(n), "note", f"Thread {n}")
        post_comment(people["owner"], video.id, None, "note", "Reply", parent_id=thread.id)
    assert queries_for_listing() == few


def test_only_the_author_edits_a_comment(people, video):
    comment = post_comment(people["coach"], video.id, 1.0, "note", "First words")
    for name in ("owner", "admin", "principal"):
        with pytest.raises(Forbidden):
            edit_comment(people[name], comment.id, "Hijacked")
    with pytest.raises(NotFound):
        edit_comment(people["other_district"], comment.id, "Hijacked")
    edited = edit_comment(people["coach"], comment.id, "  Better words ")
    assert edited.body == "Better words" and edited.edited_at is not None
    with pytest.raises(Invalid):
        edit_comment(people["coach"], comment.id, "   ")


@pytest.mark.parametrize(("who", "allowed"), [
    ("author", True), ("owner", True), ("admin", True), ("principal", False),
    ("same_school", False), ("other_district", False)])
def test_the_author_the_owner_or_an_admin_removes_a_comment(people, video, who, allowed):
    people["author"] = people["coach"]
    comment = post_comment(people["coach"], video.id, 1.0, "note", "Remove me?")
    comment_id = comment.id
    if allowed:
        assert delete_comment(people[who], comment_id) == video.id
        assert db.session.get(Comment, comment_id) is None
    else:
        with pytest.raises(NotFound if who == "other_district" else Forbidden):
            delete_comment(people[who], comment_id)
        assert db.session.get(Comment, comment_id) is not None


def test_removing_a_thread_removes_its_replies(people, video):
    question = post_comment(people["coach"], video.id, 1.0, "question", "Why?")
    post_comment(people["owner"], video.id, None, "note", "Because.", parent_id=question.id)
    delete_comment(people["owner"], question.id)
    db.session.expire_all()
    assert db.session.scalars(select(Comment)).all() == []


def test_comments_vanish_with_the_video_and_hide_when_it_turns_private(people, video):
    comment = post_comment(people["coach"], video.id, 1.0, "note", "Nice pacing")
    update_video(people["owner"], video.id, {"visibility": "private"})
    for name in ("coach", "same_school", "principal"):
        with pytest.raises(NotFound):
            list_comments(people[name], video.id)
        with pytest.raises(NotFound):
            delete_comment(people[name], comment.id)
    assert [c.id for c in list_comments(people["admin"], video.id)] == [comment.id]


@pytest.mark.parametrize("visibility", sorted(WATCHERS))
def test_affirmations_on_a_profile_follow_the_videos_visibility(people, share, clips,
                                                                visibility):
    video = share(people["owner"], clips.short, visibility=visibility)
    post_comment(people["admin"], video.id, 1.0, "affirmation", "You took a risk!")
    post_comment(people["admin"], video.id, 1.0, "note", "Not an affirmation")
    seeing = {name for name, user in people.items()
              if affirmations_for(user, people["owner"].id)}
    assert seeing == WATCHERS[visibility]
    [affirmation] = affirmations_for(people["owner"], people["owner"].id)
    assert (affirmation.comment.body, affirmation.video.id) == ("You took a risk!", video.id)
