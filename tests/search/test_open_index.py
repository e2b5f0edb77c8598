"""Searches read an index kept open between queries (Whoosh: one per process, its searchers
pooled; PostgreSQL: pooled connections) and must still see every change at once: edits,
deletions, a reindex swapped in, from many threads at a time. A Whoosh index removed or
damaged while open gives a notice, never an error, and is rebuilt."""
from __future__ import annotations

import gc
import os
import shutil
import threading
from pathlib import Path

from sqlalchemy import update

from mastery_share.accounts.models import User
from mastery_share.extensions import db
from mastery_share.search.engine import search_backend
from mastery_share.search.services import REBUILDING_NOTICE, search_videos
from mastery_share.videos.models import Video
from mastery_share.videos.services import delete_video, update_video
from tests.search.conftest import whoosh_only


def titles(found) -> list[str]:
    return sorted(item.video.title for item in found.items)


def index_root(app) -> Path:
    return Path(app.config["DATA_DIR"]) / "search"


def reindex(app) -> None:
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output


def test_each_search_after_an_edit_sees_it_and_every_video_once(ready_video, teacher):
    video = ready_video(teacher, title="Morning circle")
    for number in range(3):
        ready_video(teacher, title=f"Circle time {number}")
    assert search_videos(teacher, "circle").total == 4
    # Enough commits for the index to merge its segments on the way.
    for number in range(12):
        update_video(teacher, video.id, {"title": f"Restorative circle {number}"})
        found = search_videos(teacher, "circle", per_page=50)
        assert titles(found) == ["Circle time 0", "Circle time 1", "Circle time 2",
                                 f"Restorative circle {number}"]
        assert found.total == 4
        assert search_videos(teacher, "morning").total == 0
    delete_video(teacher, video.id)
    assert search_videos(teacher, "restorative").total == 0
    assert search_videos(teacher, "circle").total == 3


def test_the_search_after_a_reindex_reads_the_rebuilt_index(app, ready_video, teacher):
    video = ready_video(teacher, title="Gallery walk")
    assert titles(search_videos(teacher, "gallery")) == ["Gallery walk"]
    # Changed behind the index's back (no queue entry): only a rebuild can know.
    db.session.execute(update(Video).where(Video.id == video.id)
                       .values(title="Carousel brainstorm"))
    db.session.commit()
    assert search_videos(teacher, "carousel").total == 0
    reindex(app)
    assert titles(search_videos(teacher, "carousel")) == ["Carousel brainstorm"]
    assert search_videos(teacher, "gallery").total == 0


def test_many_threads_searching_while_the_index_changes_all_get_right_answers(
        app, ready_video, teacher):
    videos = [ready_video(teacher, title=f"Station rotation {number}",
                          captions=[(number, f"rotate to station {number}")])
              for number in range(5)]
    teacher_id = teacher.id
    start = threading.Barrier(9)
    stop = threading.Event()
    answers: list[tuple[int, int]] = []
    errors: list[BaseException] = []

    def keep_searching() -> None:
        with app.app_context():
            viewer = db.session.get(User, teacher_id)
            start.wait(timeout=30)
            try:
                while not stop.is_set() or len(answers) < 200:
                    found = search_videos(viewer, "station")
                    answers.append((found.total, sum(len(item.caption_hits)
                                                     for item in found.items)))
            except BaseException as error:  # noqa: BLE001  (reported below)
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=keep_searching) for _ in range(8)]
    for thread in threads:
        thread.start()
    start.wait(timeout=30)
    try:
        for number, video in enumerate(videos):
            update_video(teacher, video.id, {"description": f"Edited {number}"})
        reindex(app)
        update_video(teacher, videos[0].id, {"description": "Edited after the reindex"})
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
    assert errors == []
    assert len(answers) >= 200
    assert set(answers) == {(5, 5)}


def open_files() -> list[str]:
    """Where this process's open file descriptors point."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            found.append(os.readlink(f"/proc/self/fd/{fd}"))
        except OSError:  # the listing's own descriptor, closed by now
            continue
    return found


@whoosh_only
def test_searches_reuse_one_open_index_until_it_changes(app, ready_video, teacher):
    video = ready_video(teacher, title="Number talks")
    backend = search_backend()
    with backend._searcher() as first:
        pass
    with backend._searcher() as again:
        assert again is first
        with backend._searcher() as meanwhile:  # another query at the same time
            assert meanwhile is not first
    update_video(teacher, video.id, {"title": "Number strings"})
    with backend._searcher() as after_the_change:
        assert after_the_change is not first
    assert titles(search_videos(teacher, "strings")) == ["Number strings"]


@whoosh_only
def test_searching_keeps_a_fixed_number_of_files_open(app, ready_video, teacher):
    video = ready_video(teacher, title="Turn and talk")
    root = str(index_root(app).resolve())
    search_videos(teacher, "talk")
    held = [path for path in open_files() if path.startswith(root)]
    assert held  # the open index
    for _ in range(100):
        assert search_videos(teacher, "talk").total == 1
    assert [path for path in open_files() if path.startswith(root)] == held
    update_video(teacher, video.id, {"title": "Turn and talk again"})
    for _ in range(20):
        assert search_videos(teacher, "talk").total == 1
    before_reindex = (index_root(app) / "CURRENT").read_text()
    reindex(app)
    assert search_videos(teacher, "talk").total == 1
    # Whoosh's writers leave their memory maps to the garbage collector.
    gc.collect()
    # The replaced directory is closed, not kept open after its files were removed.
    assert not [path for path in open_files() if before_reindex in path]
    search_backend().dispose()
    assert not [path for path in open_files() if path.startswith(root)]


@whoosh_only
def test_an_index_removed_while_open_gives_a_notice_and_is_rebuilt(app, ready_video, teacher):
    ready_video(teacher, title="Think pair share")
    assert search_videos(teacher, "think").total == 1
    shutil.rmtree(index_root(app))
    first = search_videos(teacher, "think")
    assert first.notices == [REBUILDING_NOTICE] and first.total == 0
    assert titles(search_videos(teacher, "think")) == ["Think pair share"]


@whoosh_only
def test_an_index_damaged_while_open_gives_a_notice_and_is_rebuilt(app, ready_video, teacher):
    ready_video(teacher, title="Jigsaw reading", captions=[(4, "find your expert group")])
    assert search_videos(teacher, "jigsaw").total == 1
    live = index_root(app) / (index_root(app) / "CURRENT").read_text()
    # Rewritten in place, shorter: reading them through a memory map kept from before
    # would kill the process (SIGBUS) instead of raising an error.
    for path in live.iterdir():
        path.write_bytes(b"not an index " * 5)
    first = search_videos(teacher, "jigsaw")
    assert first.notices == [REBUILDING_NOTICE]
    found = search_videos(teacher, "jigsaw")
    assert titles(found) == ["Jigsaw reading"]
    assert [hit.start_s for hit in found.items[0].caption_hits] == []
    assert [hit.start_s for hit in search_videos(teacher, "expert").items[0].caption_hits] == [
        4.0]
