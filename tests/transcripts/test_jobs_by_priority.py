"""Jobs by priority, in a real worker of two threads: a new upload becomes playable while a
long transcription runs and another video's higher renditions wait, because background work
(higher renditions, transcriptions) never takes the last thread and the queue serves what a
teacher waits for first. Real processes, real ffmpeg, the real Whisper model."""
from __future__ import annotations

import signal
import subprocess
import threading

from mastery_share.extensions import db
from mastery_share.videos.models import Video
from tests.real_worker import start_worker
from tests.transcripts.conftest import SENTENCE, _video_with_audio
from tests.videos.conftest import make_clip
from tests.waiting import wait_until

LONG_SPEECH_S = 90


def _video(video_id: int) -> Video:
    db.session.expire_all()
    return db.session.get(Video, video_id)


def _renditions(video_id: int) -> dict[str, str]:
    return {rendition.label: rendition.status for rendition in _video(video_id).renditions}


def _long_speech(tmp_path):
    wav = tmp_path / "long.wav"
    text = " ".join([SENTENCE] * 30)  # about 90 s at espeak's pace below
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "120", "-w", str(wav), text],
                   check=True, timeout=120)
    return _video_with_audio(tmp_path / "long-talk.mp4", ["-i", str(wav)], LONG_SPEECH_S)


def test_a_new_upload_is_playable_while_a_transcription_and_larger_sizes_wait(
        app, teacher, share, tmp_path, whisper_model, speech_clips, queued_for_real_worker):
    talk = _long_speech(tmp_path)
    hd = make_clip(tmp_path / "hd.mp4", size="1280x720", seconds=20,
                   codec=["-c:v", "mpeg4", "-q:v", "5"])  # 360p first, then 720p encoded
    small = make_clip(tmp_path / "small.mp4", size="640x360", seconds=3)

    lines: list[str] = []
    worker = start_worker(app, queued_for_real_worker, workers=2,
                          MASTERY_WHISPER_MODEL=str(whisper_model))
    collector = threading.Thread(target=lambda: lines.extend(worker.stdout), daemon=True)
    collector.start()
    try:
        talking = share(teacher, talk, title="A long talk").id
        assert wait_until(lambda: _video(talking).transcript_status == "processing",
                          timeout=300), f"never transcribed: {_video(talking).transcript_status}"

        larger = share(teacher, hd, title="Larger sizes wait").id
        assert wait_until(lambda: _video(larger).status == "ready", timeout=300), \
            f"the HD video never became playable: {_video(larger).status} {''.join(lines)}"
        newest = share(teacher, small, title="Just uploaded").id
        assert wait_until(lambda: _video(newest).status == "ready", timeout=300), \
            f"the new upload never became playable: {_video(newest).status}"

        # The moment the new upload is playable: the transcription is still running and the
        # HD video's 720p has not started, both waiting for the one background thread.
        assert _video(talking).transcript_status == "processing"
        assert _renditions(larger) == {"360p": "ready", "720p": "queued"}
        assert _video(larger).progress < 100

        # And nothing waits forever: the transcript is made, then the larger size.
        assert wait_until(lambda: _video(talking).transcript_status == "done", timeout=600), \
            f"transcript: {_video(talking).transcript_status} {_video(talking).transcript_error}"
        assert wait_until(lambda: _renditions(larger)["720p"] == "ready", timeout=600), \
            f"the 720p: {_renditions(larger)}"
        # The job commits the rendition, then its own end: wait for that end, not a moment.
        assert wait_until(lambda: _video(larger).progress == 100
                          and _video(larger).worker is None, timeout=120), \
            f"the job's end: {_video(larger).progress}% by {_video(larger).worker}"
    finally:
        worker.send_signal(signal.SIGINT)
        worker.wait(timeout=60)
        collector.join(timeout=30)
        worker.stdout.close()
    assert "Traceback" not in "".join(lines), "".join(lines)
