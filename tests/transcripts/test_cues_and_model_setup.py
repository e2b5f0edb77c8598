"""WebVTT made from recognised speech, cue edits, and the verified model directory."""
from __future__ import annotations

import pytest

from mastery_share.errors import Invalid
from mastery_share.transcripts import model_setup
from mastery_share.transcripts.cues import cues_to_vtt, read_cues, replace_cue_texts
from mastery_share.transcripts.speech import Cue


def test_recognised_text_cannot_break_the_webvtt():
    vtt = cues_to_vtt([Cue(0, 1.5, "a --> b <i>x</i> & y"), Cue(61.25, 3725.5, "Later.")])
    assert vtt.startswith("WEBVTT\n\nNOTE Auto-generated")
    assert "00:01:01.250 --> 01:02:05.500" in vtt
    assert [cue["text"] for cue in read_cues(vtt)] == ["a --> b x & y", "Later."]


def test_replacing_a_cue_keeps_identifiers_settings_and_notes():
    original = ("WEBVTT\n\nNOTE made by hand\n\nintro\n00:00:01.000 --> 00:00:02.000 line:0\n"
                "Helo\n\n00:00:03.000 --> 00:00:04.000\nWorld\n")
    updated = replace_cue_texts(original, {0: "Hello\n\n  there  "})
    assert "NOTE made by hand" in updated and "intro\n00:00:01.000 --> 00:00:02.000 line:0" in updated
    assert [cue["text"] for cue in read_cues(updated)] == ["Hello\nthere", "World"]


@pytest.mark.parametrize("texts", [{5: "no such cue"}, {0: "  \n \t "}, {0: "x" * 501}])
def test_bad_cue_edits_are_refused(texts):
    with pytest.raises(Invalid):
        replace_cue_texts("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi\n", texts)


def test_model_setup_refuses_a_model_that_does_not_match_its_digest(
        tmp_path, monkeypatch, whisper_model):
    monkeypatch.setattr(model_setup, "MODEL_SHA256", "0" * 64)
    target = tmp_path / "whisper-base"
    with pytest.raises(model_setup.ModelSetupError, match="expected 0000"):
        model_setup.build_model_dir(target)
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_model_setup_builds_once_and_then_leaves_the_directory_alone(tmp_path, whisper_model, capsys):
    target = tmp_path / "whisper-base"
    assert model_setup.main(["--target", str(target)]) == 0
    assert model_setup.model_is_ready(target)
    assert (target / "model.bin").stat().st_size == (whisper_model / "model.bin").stat().st_size
    mtime = (target / "model.bin").stat().st_mtime_ns
    assert model_setup.main(["--target", str(target)]) == 0
    assert "already in place" in capsys.readouterr().out
    assert (target / "model.bin").stat().st_mtime_ns == mtime
    assert sorted(path.name for path in tmp_path.iterdir()) == ["whisper-base"]  # no leftovers
