"""The index follows the database: ready videos in, edits and captions applied, deletions
and private videos out of other people's sight, one writer however many finish at once,
an atomic rebuild, and a missing or damaged index rebuilt without an error (on both
backends; the tests that break a Whoosh index directory are Whoosh's alone)."""
from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

from sqlalchemy import delete, func, select

from mastery_share.extensions import db
from mastery_share.search.engine import search_backend
from mastery_share.search.postgres.models import (
    SearchCue,
    SearchDocument,
    SearchIndexState,
    SearchText,
)
from mastery_share.search.queue import reindex_video_later
from mastery_share.search.services import REBUILDING_NOTICE, search_videos
from mastery_share.transaction import commit
from mastery_share.videos.models import SearchQueueEntry, Video, VideoStatus
from mastery_share.videos.services import delete_video, replace_captions, update_video
from tests.search.conftest import postgres_only, vtt, whoosh_only


def titles(found) -> list[str]:
    return [item.video.title for item in found.items]


def index_root(app) -> Path:
    return Path(app.config["DATA_DIR"]) / "search"


def queue_length() -> int:
    return db.session.scalar(select(func.count()).select_from(SearchQueueEntry))


def index_holds(search_kind: str, video_id: int) -> bool:
    """Whether the index keeps anything of the video (its document, texts or cues)."""
    backend = search_backend()
    if search_kind == "whoosh":
        with backend._searcher() as searcher:
            return bool(list(searcher.documents(video_id=str(video_id))))
    with backend.engine.connect() as connection:
        return any(connection.scalar(select(func.count()).select_from(model)
                                     .where(model.video_id == video_id))
                   for model in (SearchDocument, SearchText, SearchCue))


def forget_that_the_postgres_index_was_built() -> None:
    """As on an install that ran on Whoosh until MASTERY_SEARCH=postgres was set."""
    with search_backend().engine.begin() as connection:
        connection.execute(delete(SearchDocument))
        connection.execute(delete(SearchIndexState))


def test_a_shared_video_is_searchable_once_processing_makes_it_ready(app, share, clips, teacher):
    video = share(teacher, clips.short, title="Math centers with a must-do board")
    assert db.session.get(Video, video.id).status == VideoStatus.READY.value
    assert titles(search_videos(teacher, "must-do board")) == ["Math centers with a must-do board"]
    assert queue_length() == 0


def test_caption_cues_become_moments_with_their_start_times(share, clips, teacher):
    video = share(teacher, clips.short, title="Closing routine")
    replace_captions(teacher, video.id, "c.vtt",
                     b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nWe use exit tickets every day\n")
    found = search_videos(teacher, "tickets")
    assert [(hit.start_s, hit.text) for hit in found.items[0].caption_hits] == [
        (1.0, "We use exit tickets every day")]
    assert "<mark" in found.items[0].highlights["transcript"]


def test_caption_hits_are_the_first_five_moments_in_time_order(ready_video, teacher):
    cues = [(start, f"Exit ticket number {start}") for start in (90, 5, 42, 61, 300, 12, 75)]
    ready_video(teacher, title="Checks for understanding", captions=[*cues, (50, "unrelated")])
    found = search_videos(teacher, '"exit ticket"')
    assert [hit.start_s for hit in found.items[0].caption_hits] == [5.0, 12.0, 42.0, 61.0, 75.0]


def test_editing_the_details_updates_the_index(ready_video, teacher):
    video = ready_video(teacher, title="Morning circle")
    update_video(teacher, video.id, {"title": "Restorative circle",
                                     "practices": ["behavior-supports"]})
    assert titles(search_videos(teacher, "morning")) == []
    assert titles(search_videos(teacher, "restorative")) == ["Restorative circle"]
    assert titles(search_videos(teacher, "practice:behavior")) == ["Restorative circle"]


def test_replacing_captions_replaces_the_words_found(ready_video, teacher):
    video = ready_video(teacher, title="Lab day", captions=[(3, "Goggles on please")])
    replace_captions(teacher, video.id, "new.vtt", vtt((8, "Record your hypothesis first")))
    assert search_videos(teacher, "goggles").total == 0
    found = search_videos(teacher, "hypothesis")
    assert [hit.start_s for hit in found.items[0].caption_hits] == [8.0]


def test_a_deleted_video_leaves_the_index(app, ready_video, teacher, search_kind):
    video = ready_video(teacher, title="Gallery walk", captions=[(1, "gallery walk time")])
    assert index_holds(search_kind, video.id)
    delete_video(teacher, video.id)
    assert search_videos(teacher, "gallery").total == 0
    assert not index_holds(search_kind, video.id)


def test_a_video_made_private_disappears_for_others_but_not_its_owner(
        ready_video, teacher, make_user):
    colleague = make_user("teacher")
    video = ready_video(teacher, title="Writing conferences", visibility="school")
    assert search_videos(colleague, "conferences").total == 1
    update_video(teacher, video.id, {"visibility": "private"})
    found = search_videos(colleague, "conferences")
    assert (found.total, found.items, found.facets["practice"]) == (0, [], {})
    assert titles(search_videos(teacher, "conferences")) == ["Writing conferences"]


def test_a_video_that_is_no_longer_ready_leaves_the_index(ready_video, teacher):
    video = ready_video(teacher, title="Reader's theater")
    video.status = VideoStatus.FAILED.value
    reindex_video_later(video.id)
    commit()
    assert search_videos(teacher, "theater").total == 0


def test_twenty_videos_finishing_at_once_are_all_indexed_by_one_writer(app, teacher):
    ids = []
    for number in range(20):
        video = Video(owner_id=teacher.id, school_id=teacher.school_id,
                      district_id=teacher.district_id, title=f"Concurrent stations {number}",
                      description="", grade_band="3-5", subject="Math", visibility="school",
                      media_release=True, status=VideoStatus.READY.value,
                      media_prefix=f"videos/concurrent-{number}/",
                      original_key=f"videos/concurrent-{number}/original.mp4",
                      original_filename="a.mp4", original_bytes=1)
        db.session.add(video)
        db.session.commit()
        ids.append(video.id)
    start = threading.Barrier(len(ids))
    errors = []

    def finish(video_id: int) -> None:
        try:
            with app.app_context():
                start.wait(timeout=30)
                reindex_video_later(video_id)
                commit()
                db.session.remove()
        except Exception as error:  # noqa: BLE001  (reported below: a thread cannot fail the test)
            errors.append(error)

    threads = [threading.Thread(target=finish, args=(video_id,)) for video_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert queue_length() == 0
    found = search_videos(teacher, "concurrent stations", per_page=50)
    assert found.total == 20
    assert {item.video.id for item in found.items} == set(ids)


def test_reindex_command_swaps_the_index_atomically_while_searches_continue(
        app, ready_video, teacher, search_kind):
    for number in range(5):
        ready_video(teacher, title=f"Station rotation {number}",
                    captions=[(number, f"rotate to station {number}")])
    teacher_id = teacher.id
    whoosh = search_kind == "whoosh"
    before = (index_root(app) / "CURRENT").read_text() if whoosh else None
    stop = threading.Event()
    seen: list[tuple[int, list[str]]] = []
    errors: list[Exception] = []

    def keep_searching() -> None:
        with app.app_context():
            from mastery_share.accounts.models import User

            viewer = db.session.get(User, teacher_id)
            while not stop.is_set():
                try:
                    found = search_videos(viewer, "rotation station")
                    seen.append((found.total, found.notices))
                except Exception as error:  # noqa: BLE001  (reported below)
                    errors.append(error)
                    return
                time.sleep(0.005)
            db.session.remove()

    searcher = threading.Thread(target=keep_searching)
    searcher.start()
    try:
        runner = app.test_cli_runner()
        for _ in range(3):
            result = runner.invoke(args=["search", "reindex"])
            assert result.exit_code == 0, result.output
            assert "5 videos" in result.output
    finally:
        stop.set()
        searcher.join(timeout=30)
    assert errors == []
    assert seen and all(entry == (5, []) for entry in seen)
    if whoosh:  # a fresh directory each time, the old ones removed
        after = (index_root(app) / "CURRENT").read_text()
        assert after != before
        assert [path.name for path in index_root(app).glob("index-*")] == [after]
    assert search_videos(teacher, "rotation").total == 5


@whoosh_only
def test_a_missing_index_gives_a_notice_and_is_rebuilt(app, ready_video, teacher):
    ready_video(teacher, title="Think pair share")
    shutil.rmtree(index_root(app))
    first = search_videos(teacher, "think")
    assert first.notices == [REBUILDING_NOTICE] and first.total == 0
    assert titles(search_videos(teacher, "think")) == ["Think pair share"]


@whoosh_only
def test_a_corrupt_index_gives_a_notice_and_is_rebuilt(app, ready_video, teacher):
    ready_video(teacher, title="Jigsaw reading")
    live = index_root(app) / (index_root(app) / "CURRENT").read_text()
    for path in live.iterdir():
        path.write_bytes(b"not an index " * 50)
    first = search_videos(teacher, "jigsaw")
    assert first.notices == [REBUILDING_NOTICE]
    assert titles(search_videos(teacher, "jigsaw")) == ["Jigsaw reading"]


@whoosh_only
def test_a_change_arriving_while_the_index_is_damaged_rebuilds_it(app, ready_video, teacher):
    ready_video(teacher, title="Socratic seminar")
    live = index_root(app) / (index_root(app) / "CURRENT").read_text()
    for path in live.glob("*.seg"):
        path.write_bytes(b"\x00" * 64)
    ready_video(teacher, title="Socratic questioning")
    assert set(titles(search_videos(teacher, "socratic"))) == {"Socratic seminar",
                                                               "Socratic questioning"}
    assert queue_length() == 0


@postgres_only
def test_a_postgres_index_never_built_gives_a_notice_and_is_built(app, ready_video, teacher):
    ready_video(teacher, title="Think pair share", captions=[(4, "think on your own first")])
    forget_that_the_postgres_index_was_built()
    first = search_videos(teacher, "think")
    assert first.notices == [REBUILDING_NOTICE] and first.total == 0
    found = search_videos(teacher, "think")
    assert titles(found) == ["Think pair share"]
    assert [hit.start_s for hit in found.items[0].caption_hits] == [4.0]


@postgres_only
def test_a_change_arriving_before_the_postgres_index_was_built_builds_it(
        app, ready_video, teacher):
    ready_video(teacher, title="Socratic seminar")
    forget_that_the_postgres_index_was_built()
    ready_video(teacher, title="Socratic questioning")
    assert set(titles(search_videos(teacher, "socratic"))) == {"Socratic seminar",
                                                               "Socratic questioning"}
    assert queue_length() == 0
