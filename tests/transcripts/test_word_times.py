"""Automatic transcripts keep each word's time, and search points at the word: speech
assembled so the test knows the second a word begins (silence, the start of a sentence, the
word, the rest of the sentence: one cue that begins seconds before the word)."""
from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import webvtt

from mastery_share.extensions import db
from mastery_share.search.services import search_videos
from mastery_share.transcripts.cues import cues_to_vtt, read_cues, timed_words
from mastery_share.transcripts.services import captions_text
from mastery_share.transcripts.speech import Cue
from mastery_share.videos.models import Video
from tests.transcripts.conftest import _video_with_audio
from tests.videos.conftest import FFMPEG

LEADING_SILENCE_S = 2.0
BEFORE = "Students work in flexible groups and the teacher checks their"
WORD = "notebooks"
AFTER = "every single day."
# Each piece's silence trimmed at both ends, so the voice runs on and the word begins exactly
# where its piece does.
TRIM = ("silenceremove=start_periods=1:start_threshold=-45dB,areverse,"
        "silenceremove=start_periods=1:start_threshold=-45dB,areverse")


def _spoken(text: str, out: Path) -> Path:
    """espeak-ng's speech of `text` as 16 kHz mono, its silences trimmed off, so the voice
    begins at the file's first sample and ends at its last."""
    raw = out.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "120", "-w", str(raw), text],
                   check=True, timeout=60)
    subprocess.run([*FFMPEG, "-i", str(raw), "-af", TRIM, "-ar", "16000", "-ac", "1", str(out)],
                   check=True, timeout=60)
    return out


def _seconds(path: Path) -> float:
    with wave.open(str(path)) as audio:
        return audio.getnframes() / audio.getframerate()


def test_the_vtt_round_trip_keeps_each_word_s_time_and_players_see_plain_words():
    cue = Cue(1.0, 6.0, "hello big & world", (1.0, 4.12, 4.12, 4.5))
    document = cues_to_vtt([cue])
    # Each tag later than the last (WebVTT's rule): "&" shares "big"'s time without one.
    assert "hello <00:00:04.120>big &amp; <00:00:04.500>world" in document
    [caption] = webvtt.from_string(document).captions
    assert timed_words(caption.raw_text, 1.0) == ("hello big & world", cue.word_starts)
    assert read_cues(document)[0]["text"] == "hello big & world"  # what the transcript shows


def test_a_tag_inside_a_word_and_words_without_tags_take_the_last_time_known():
    assert timed_words("don<00:00:04.120>'t <00:00:05.500>go now", 1.0) == (
        "don't go now", (1.0, 5.5, 5.5))
    assert timed_words("<v Ms Lee>plain <i>words</i>", 2.0) == ("plain words", ())


def test_a_word_said_mid_cue_is_found_within_half_a_second_of_when_it_is_said(
        app, teacher, share, whisper_model, tmp_path):
    silence = tmp_path / "silence.wav"
    subprocess.run([*FFMPEG, "-f", "lavfi", "-i",
                    f"anullsrc=r=16000:cl=mono:d={LEADING_SILENCE_S}", str(silence)],
                   check=True, timeout=60)
    before = _spoken(BEFORE, tmp_path / "before.wav")
    word = _spoken(WORD, tmp_path / "word.wav")
    after = _spoken(AFTER, tmp_path / "after.wav")
    said_at = LEADING_SILENCE_S + _seconds(before)
    track = tmp_path / "track.wav"
    subprocess.run([*FFMPEG, "-i", str(silence), "-i", str(before), "-i", str(word),
                    "-i", str(after), "-filter_complex", "[0][1][2][3]concat=n=4:v=0:a=1",
                    str(track)], check=True, timeout=60)
    clip = _video_with_audio(tmp_path / "speech.mp4", ["-i", str(track)],
                             round(_seconds(track) + 1.5, 1))

    video = db.session.get(Video, share(teacher, clip).id)
    db.session.refresh(video)
    assert video.transcript_status == "done", video.transcript_error
    assert "<00:00:" in captions_text(video)  # word times are in the captions file

    found = search_videos(teacher, WORD)
    [result] = found.items
    [hit] = result.caption_hits
    cues = read_cues(captions_text(video))
    cue_start = next((cue["start_s"] for cue in cues if "notebook" in cue["text"].lower()), None)
    assert cue_start is not None, cues
    assert cue_start < said_at - 1.0, "the word must sit inside a cue that began earlier"
    assert abs(hit.start_s - said_at) <= 0.5, (hit.start_s, said_at, hit.text)
