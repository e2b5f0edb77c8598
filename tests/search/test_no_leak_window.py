"""From the moment a change is saved, a search shows nothing of a video the viewer may no
longer watch: not in a total, a facet count, a suggestion or a caption hit, even while the
index queue is behind (no worker at all); its owner still finds it while they may watch it.

The index is brought up to date, then the change is saved with the index writer stopped, so
the index still holds the old visibility: only the queue's pending entries (search_queue)
tell the search which videos to leave out."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import event, func, select

from mastery_share.accounts.models import User
from mastery_share.extensions import db
from mastery_share.search import queue
from mastery_share.search import services as search_services
from mastery_share.search.engine import search_backend
from mastery_share.search.indexing import apply_queue
from mastery_share.search.services import CATCHING_UP_NOTICE, search_videos
from mastery_share.transaction import after_commit, commit
from mastery_share.videos.models import SearchQueueEntry
from mastery_share.videos.services import delete_video, update_video
from tests.search.conftest import EXPECTED

# The changes that take a video out of someone's sight, and who may still watch it after.
CHANGES = {
    "made private": ("private", EXPECTED["private"]),
    "moved to school-only": ("school", EXPECTED["school"]),
    "deleted": (None, set()),
}


def stop_index_writer(monkeypatch) -> None:
    """As with no worker running: changes are queued but nobody applies them."""
    monkeypatch.setattr(queue, "_wake_index_writer", lambda: None)


def queue_length() -> int:
    return db.session.scalar(select(func.count()).select_from(SearchQueueEntry))


@pytest.fixture
def quillwork(ready_video, people):
    """A network video (everyone saw it) whose words, practice, grade band, subject, level
    and school appear in no other video, beside one more network video from another school,
    so no search runs on an empty index."""
    ready_video(people["other_district"], title="Number talks", visibility="network",
                practices=["differentiation"], grade_band="3-5", subject="Math")
    video = ready_video(people["owner"], title="Porcupine quillwork",
                        description="Beadwork with a local artist.",
                        practices=["collective-efficacy"], grade_band="9-12", subject="Arts",
                        visibility="network",
                        captions=[(12, "Today we try the embroidery stitch together")])
    update_video(people["owner"], video.id, {"level": "advanced"})
    return video


def what_is_shown(viewer: User, video_id: int) -> dict:
    """Everything a search could tell the viewer about the quillwork video."""
    everything = search_videos(viewer, "")
    by_word = search_videos(viewer, "quillwork")
    by_caption = search_videos(viewer, "embroidery")
    facets = everything.facets
    return {
        "found": [item.video.id for item in by_word.items] == [video_id],
        "total": by_word.total,
        "caption hits": [hit.start_s for item in by_caption.items for hit in item.caption_hits],
        "caption total": by_caption.total,
        "total of all": everything.total - 1,  # less the Number talks video
        "school facet": len(facets["school"]) - 1,
        "practice facet": facets["practice"].get("collective-efficacy", 0),
        "grade band facet": facets["grade_band"].get("9-12", 0),
        "subject facet": facets["subject"].get("Arts", 0),
        "level facet": facets["level"].get("advanced", 0),
        "suggestion": search_videos(viewer, "quilwork").suggestion == "quillwork",
    }


def shown(seen: bool) -> dict:
    count = int(seen)
    return {"found": seen, "total": count, "caption hits": [12.0] if seen else [],
            "caption total": count, "total of all": count, "school facet": count,
            "practice facet": count, "grade band facet": count, "subject facet": count,
            "level facet": count, "suggestion": seen}


def save(change: str, owner: User, video_id: int) -> None:
    visibility, _ = CHANGES[change]
    if visibility is None:
        delete_video(owner, video_id)
    else:
        update_video(owner, video_id, {"visibility": visibility})


def test_the_engine_is_told_to_hide_exactly_the_waiting_videos_the_viewer_may_not_watch(
        ready_video, people, monkeypatch):
    owner = people["owner"]
    private, edited, deleted, _unchanged = (
        ready_video(owner, title=f"Quillwork {number}", visibility="district").id
        for number in range(4))
    stop_index_writer(monkeypatch)
    update_video(owner, private, {"visibility": "private"})
    update_video(owner, edited, {"title": "Quillwork, edited"})
    update_video(owner, edited, {"title": "Quillwork, edited again"})
    delete_video(owner, deleted)
    backend = search_backend()
    asked, statements = [], []
    real_query = backend.query
    monkeypatch.setattr(backend, "query",
                        lambda request: asked.append(request.hidden_ids) or real_query(request))

    def listener(*args):
        statements.append(args[2])

    # A waiting video the viewer could never watch is on the list too: harmless, as the
    # engine leaves it out anyway.
    expected = {"other_school": {private, deleted}, "owner": {deleted}, "admin": {deleted},
                "other_district": {private, edited, deleted}}
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        for name, hidden in expected.items():
            search_videos(people[name], "quillwork")
            assert asked.pop() == frozenset(hidden), name
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    # One small query per search reads the queue, whatever its length.
    assert sum("search_queue" in statement for statement in statements) == len(expected)


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_video_leaves_every_count_the_moment_the_change_is_saved(
        quillwork, people, monkeypatch, change):
    video_id = quillwork.id
    for name, viewer in people.items():
        assert what_is_shown(viewer, video_id) == shown(True), name
    stop_index_writer(monkeypatch)
    save(change, people["owner"], video_id)
    assert queue_length() == 1  # the index still holds the old visibility
    still_watching = CHANGES[change][1]
    for name, viewer in people.items():
        assert what_is_shown(viewer, video_id) == shown(name in still_watching), name
    # Once the writer catches up, the index itself says the same.
    assert apply_queue() == 1
    assert queue_length() == 0
    for name, viewer in people.items():
        assert what_is_shown(viewer, video_id) == shown(name in still_watching), name


def test_a_waiting_change_to_a_video_the_viewer_still_watches_hides_nothing(
        quillwork, people, monkeypatch):
    stop_index_writer(monkeypatch)
    update_video(people["owner"], quillwork.id, {"title": "Porcupine quillwork, part two"})
    for name, viewer in people.items():
        assert what_is_shown(viewer, quillwork.id) == shown(True), name


def test_a_video_that_stopped_being_ready_is_left_out_while_its_change_waits(
        quillwork, people, monkeypatch):
    stop_index_writer(monkeypatch)
    quillwork.status = "failed"
    queue.reindex_video_later(quillwork.id)
    commit()
    for name, viewer in people.items():
        assert what_is_shown(viewer, quillwork.id) == shown(False), name


def test_past_the_cap_a_search_shows_its_checked_hits_and_no_counts(
        ready_video, people, monkeypatch):
    owner, viewer = people["owner"], people["other_school"]
    words = [ready_video(owner, title=f"Quillwork panel {number}", visibility="district",
                         subject="Arts") for number in range(3)]
    stop_index_writer(monkeypatch)
    monkeypatch.setattr(search_services, "MAX_HIDDEN_IDS", 1)
    update_video(owner, words[0].id, {"visibility": "private"})
    found = search_videos(viewer, "quillwork")
    assert (found.total, found.notices) == (2, [])  # one hidden video: within the cap
    update_video(owner, words[1].id, {"visibility": "private"})
    found = search_videos(viewer, "quillwork")
    assert [item.video.id for item in found.items] == [words[2].id]
    assert (found.total, found.pages, found.suggestion) == (1, 1, None)
    assert all(counts == {} for counts in found.facets.values())
    assert found.notices == [CATCHING_UP_NOTICE]
    assert search_videos(viewer, "quilwork").suggestion is None
    apply_queue()
    found = search_videos(viewer, "quillwork")
    assert (found.total, found.notices, found.facets["subject"]) == (1, [], {"Arts": 1})


@pytest.mark.parametrize("writer", ["stopped", "running"])
def test_no_search_started_after_the_commit_counts_the_video(
        app, ready_video, people, monkeypatch, writer):
    """One thread makes videos private one by one while another keeps searching; a search
    that started once a change was committed never counts that video, whether the writer
    is stopped or applying each change while the searches run."""
    owner, viewer = people["owner"], people["other_school"]
    videos = [ready_video(owner, title=f"Quillwork circle {number}", visibility="district",
                          subject="Arts") for number in range(5)]
    ids, owner_id, viewer_id = [video.id for video in videos], owner.id, viewer.id
    if writer == "stopped":
        stop_index_writer(monkeypatch)
    committed: list[int] = []
    seen: list[tuple[int, int, int, int]] = []
    errors: list[Exception] = []
    done = threading.Event()

    def make_private() -> None:
        try:
            with app.app_context():
                for video_id in ids:
                    time.sleep(0.02)
                    # Registered first, so it runs right after the commit, before the writer.
                    after_commit(committed.append, video_id)
                    update_video(db.session.get(User, owner_id), video_id,
                                 {"visibility": "private"})
                db.session.remove()
        except Exception as error:  # noqa: BLE001  (reported below: a thread cannot fail the test)
            errors.append(error)
        finally:
            done.set()

    def keep_searching() -> None:
        with app.app_context():
            while True:
                finished = done.is_set()
                hidden_before = len(committed)
                try:
                    found = search_videos(db.session.get(User, viewer_id), "quillwork")
                except Exception as error:  # noqa: BLE001  (reported below)
                    errors.append(error)
                    return
                seen.append((hidden_before, found.total, sum(found.facets["school"].values()),
                             found.facets["subject"].get("Arts", 0)))
                db.session.rollback()  # the next search is a new request
                if finished:
                    break
            db.session.remove()

    threads = [threading.Thread(target=keep_searching), threading.Thread(target=make_private)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert committed == ids
    assert [entry for entry in seen if max(entry[1:]) > len(ids) - entry[0]] == []
    assert seen[-1] == (len(ids), 0, 0, 0)
    assert len({entry[0] for entry in seen}) > 1  # searches ran between the changes
