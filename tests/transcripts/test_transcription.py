"""A playable video's speech becomes auto-generated captions; silence, a missing model or a
failure never fail the video, and the owner's own captions always win."""
from __future__ import annotations

import pytest
from flask import current_app

from mastery_share.errors import Conflict
from mastery_share.extensions import db
from mastery_share.transcripts import jobs
from mastery_share.transcripts.services import (
    captions_text,
    read_cues,
    retranscribe,
    set_auto_transcripts,
)
from mastery_share.transcripts.speech import Cue, Transcript
from mastery_share.videos.models import Video
from mastery_share.videos.services import create_video, replace_captions
from mastery_share.videos.storage_access import media_storage
from tests.notifications.conftest import notifications_of
from tests.videos.conftest import DETAILS

UPLOADED_VTT = b"WEBVTT\n\n00:00:00.500 --> 00:00:02.000\nMy own words.\n"


def _fresh(video: Video) -> Video:
    db.session.expire_all()
    return db.session.get(Video, video.id)


@pytest.fixture
def reindexed(monkeypatch) -> list[int]:
    """Ids of videos whose search entry was queued for an update (the index itself is
    updated at once in tests, so its queue is empty again afterwards)."""
    from mastery_share.search import queue

    seen: list[int] = []
    original = queue.reindex_video_later

    def spy(video_id: int) -> None:
        seen.append(video_id)
        original(video_id)

    monkeypatch.setattr(queue, "reindex_video_later", spy)
    return seen


def _recognise_as(monkeypatch, *cues: Cue, before=None, language: str = "en"):
    """Replace Whisper with a recogniser that 'hears' `cues` in `language` (after running
    `before`)."""

    app = current_app._get_current_object()

    def fake(model_dir, audio, on_progress=None, **options):
        if before is not None:
            # What another request does meanwhile: its own app context and session (the
            # real recogniser runs in a process of its own).
            with app.app_context():
                before()
        if on_progress is not None:
            on_progress(1.0)
        return Transcript(cues=list(cues), language=language if cues else None)

    monkeypatch.setattr(jobs, "transcribe_file", fake)


def test_speech_becomes_auto_generated_captions_with_sane_times(
        app, teacher, share, speech_clips, whisper_model, reindexed):
    video = _fresh(share(teacher, speech_clips.speech))
    assert video.status == "ready", video.error
    assert video.transcript_status == "done", video.transcript_error
    assert video.captions_source == "auto" and video.transcript_progress == 100
    assert video.captions_language == "en"  # what Whisper heard, for the player's track
    cues = read_cues(teacher, video.id)
    words = " ".join(cue["text"] for cue in cues).lower()
    assert "groups" in words and "goals" in words, words
    assert cues[0]["start_s"] < 1.5
    for cue in cues:
        assert 0 <= cue["start_s"] < cue["end_s"] <= video.duration_s + 0.5
    assert [cue["start_s"] for cue in cues] == sorted(cue["start_s"] for cue in cues)
    assert "Auto-generated" in captions_text(video)
    # Search indexes the video when it is ready, and again with its captions.
    assert reindexed.count(video.id) >= 2
    # Its owner is told twice: playable, then searchable by its words.
    told = [item.kind for item in notifications_of(teacher)]
    assert told == ["transcript_ready", "video_ready"]


def test_a_silent_video_gets_no_transcript_and_no_error(
        app, teacher, share, speech_clips, whisper_model):
    for clip in (speech_clips.quiet, speech_clips.mute):
        video = _fresh(share(teacher, clip))
        assert video.status == "ready", video.error
        assert (video.transcript_status, video.transcript_error) == ("silent", None)
        assert video.captions_key is None and read_cues(teacher, video.id) == []


def test_without_a_model_transcripts_are_unavailable_and_the_video_is_ready(
        app, teacher, share, speech_clips):
    video = _fresh(share(teacher, speech_clips.speech))
    assert video.status == "ready"
    assert video.transcript_status == "unavailable" and video.captions_key is None
    with pytest.raises(Conflict):
        retranscribe(teacher, video.id)


def test_a_model_directory_that_does_not_exist_counts_as_missing(
        app, teacher, share, speech_clips, tmp_path):
    app.config["WHISPER_MODEL"] = str(tmp_path / "nowhere")
    video = _fresh(share(teacher, speech_clips.mute))
    assert (video.status, video.transcript_status) == ("ready", "unavailable")


def test_switching_auto_transcripts_off_removes_them_and_on_brings_them_back(
        app, teacher, share, speech_clips, fake_model, monkeypatch, reindexed):
    _recognise_as(monkeypatch, Cue(0.5, 2.0, "Students work in groups."))
    video = _fresh(share(teacher, speech_clips.speech))
    key = video.captions_key
    assert video.captions_source == "auto" and media_storage().exists(key)
    reindexed.clear()

    set_auto_transcripts(teacher, video.id, False)
    video = _fresh(video)
    assert (video.transcript_status, video.auto_transcripts) == ("off", False)
    assert video.captions_key is None and video.captions_source is None
    assert not media_storage().exists(key)
    assert read_cues(teacher, video.id) == []
    assert reindexed == [video.id]  # and from the search index

    set_auto_transcripts(teacher, video.id, True)
    video = _fresh(video)
    assert (video.transcript_status, video.captions_source) == ("done", "auto")


def test_a_video_with_transcripts_off_is_never_transcribed(
        app, teacher, share, speech_clips, fake_model, monkeypatch):
    _recognise_as(monkeypatch, Cue(0.5, 2.0, "Hello."))
    video = _fresh(share(teacher, speech_clips.speech))
    set_auto_transcripts(teacher, video.id, False)
    with pytest.raises(Conflict):
        retranscribe(teacher, video.id)
    jobs.transcribe_video(video.id)  # a stale job for it does nothing
    assert _fresh(video).captions_key is None


def test_switching_off_while_the_job_runs_discards_its_result(
        app, teacher, share, speech_clips, fake_model, monkeypatch):
    owner_id, state = teacher.id, {}

    def switch_off():
        from mastery_share.accounts.models import User
        set_auto_transcripts(db.session.get(User, owner_id), state["id"], False)

    _recognise_as(monkeypatch, Cue(0.5, 2.0, "First."))
    video = _fresh(share(teacher, speech_clips.speech))
    state["id"] = video.id
    _recognise_as(monkeypatch, Cue(0.5, 2.0, "Second."), before=switch_off)
    retranscribe(teacher, video.id)  # runs at once in tests; switched off midway
    video = _fresh(video)
    assert (video.transcript_status, video.captions_key) == ("off", None)
    assert not media_storage().exists(jobs.auto_captions_key(video))


def test_uploaded_captions_are_never_replaced_by_automatic_ones(
        app, teacher, share, speech_clips, fake_model, monkeypatch, tmp_path):
    _recognise_as(monkeypatch, Cue(0.5, 2.0, "Machine words."))
    source = tmp_path / "upload.mp4"
    source.write_bytes(speech_clips.speech.read_bytes())
    video = create_video(teacher, DETAILS, source=source, filename="class.mp4",
                         captions=("mine.vtt", UPLOADED_VTT))
    video = _fresh(video)
    assert video.status == "ready" and video.captions_source == "uploaded"
    assert video.transcript_status == "none"
    assert [cue["text"] for cue in read_cues(teacher, video.id)] == ["My own words."]
    with pytest.raises(Conflict):
        retranscribe(teacher, video.id)


def test_captions_uploaded_while_the_job_runs_win(
        app, teacher, share, speech_clips, fake_model, monkeypatch):
    owner_id = teacher.id
    state = {}

    def upload_meanwhile():
        from mastery_share.accounts.models import User
        replace_captions(db.session.get(User, owner_id), state["id"], "mine.vtt", UPLOADED_VTT)

    _recognise_as(monkeypatch, Cue(0.5, 2.0, "Machine words."))
    video = _fresh(share(teacher, speech_clips.speech))
    assert video.captions_source == "auto"
    state["id"] = video.id
    _recognise_as(monkeypatch, Cue(0.5, 2.0, "Newer machine words."), before=upload_meanwhile)
    video.transcript_status = "queued"  # as retranscribe would, racing the upload
    db.session.commit()
    jobs.transcribe_video(video.id)
    video = _fresh(video)
    assert video.captions_source == "uploaded"
    assert [cue["text"] for cue in read_cues(teacher, video.id)] == ["My own words."]


def test_a_failing_transcript_is_reported_and_never_fails_the_video(
        app, teacher, share, speech_clips, fake_model, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("CTranslate2 exploded")

    monkeypatch.setattr(jobs, "transcribe_file", broken)
    video = _fresh(share(teacher, speech_clips.speech))
    assert video.status == "ready" and video.error is None
    assert video.transcript_status == "failed"
    assert "error on our side" in video.transcript_error
    assert "CTranslate2" not in video.transcript_error

    _recognise_as(monkeypatch, Cue(0.5, 2.0, "Second time lucky."))
    retranscribe(teacher, video.id)
    video = _fresh(video)
    assert (video.transcript_status, video.transcript_error) == ("done", None)


def test_reprocessing_keeps_a_corrected_transcript(
        app, teacher, share, speech_clips, fake_model, monkeypatch):
    from mastery_share.transcripts.services import update_cue_text
    from mastery_share.videos.services import reprocess_video

    _recognise_as(monkeypatch, Cue(0.5, 2.0, "Studens work."))
    video = _fresh(share(teacher, speech_clips.speech))
    update_cue_text(teacher, video.id, 0, "Students work.")
    reprocess_video(teacher, video.id)
    video = _fresh(video)
    assert video.status == "ready"
    assert [cue["text"] for cue in read_cues(teacher, video.id)] == ["Students work."]


def test_a_transcript_left_processing_by_a_dead_worker_is_queued_again(app, teacher, share,
                                                                      speech_clips):
    from datetime import timedelta

    from sqlalchemy import update as sql_update

    from mastery_share.db_types import utcnow
    from mastery_share.jobs import huey
    from mastery_share.transcripts.jobs import requeue_stalled_transcripts

    video = share(teacher, speech_clips.quiet)
    huey.immediate = False
    try:
        huey.flush()
        db.session.execute(sql_update(Video).where(Video.id == video.id).values(
            transcript_status="processing", updated_at=utcnow() - timedelta(minutes=10)))
        db.session.commit()
        assert requeue_stalled_transcripts(timedelta(minutes=5)) == 1
        assert huey.pending_count() == 1
        db.session.expire_all()
        assert db.session.get(Video, video.id).transcript_status == "queued"
        # A job that is still making progress is left alone.
        db.session.execute(sql_update(Video).where(Video.id == video.id).values(
            transcript_status="processing", updated_at=utcnow()))
        db.session.commit()
        assert requeue_stalled_transcripts(timedelta(minutes=5)) == 0
    finally:
        huey.flush()
        huey.immediate = True


def test_the_player_names_the_language_whisper_heard(
        app, client, teacher, share, speech_clips, fake_model, monkeypatch):
    from tests.conftest import PASSWORD, sign_in

    _recognise_as(monkeypatch, Cue(0.5, 2.0, "Formen grupos de cuatro."), language="es")
    video = _fresh(share(teacher, speech_clips.speech))
    assert (video.captions_source, video.captions_language) == ("auto", "es")
    sign_in(client, teacher)
    page = client.get(f"/videos/{video.id}").get_data(as_text=True)
    assert 'srclang="es" label="Spanish (auto-generated, not yet reviewed)"' in page
    token = client.post("/api/v1/tokens", auth=(teacher.email, PASSWORD)).json["token"]
    read = client.get(f"/api/v1/videos/{video.id}", headers={"Authorization": f"Bearer {token}"})
    assert read.json["captions_language"] == "es"

    replace_captions(teacher, video.id, "mine.vtt", UPLOADED_VTT)
    assert _fresh(video).captions_language is None  # the file's language is not known
    page = client.get(f"/videos/{video.id}").get_data(as_text=True)
    assert 'srclang="en" label="English"' in page
