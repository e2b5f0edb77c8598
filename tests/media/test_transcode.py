"""Real ffmpeg runs on the session samples: the outputs are what a browser needs to play."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from mastery_share.media import (
    build_args,
    build_ladder_args,
    build_poster_args,
    plan_renditions,
    probe,
    run_ffmpeg,
)

TIMEOUT_S = 60


def top_level_atoms(path: Path) -> list[str]:
    """The MP4 box types in file order; "moov" before "mdat" means playback starts at once."""
    names = []
    with open(path, "rb") as file:
        while header := file.read(8):
            size, name = int.from_bytes(header[:4], "big"), header[4:8].decode("latin-1")
            names.append(name)
            if size == 1:
                size = int.from_bytes(file.read(8), "big") - 8
            if size == 0:
                break
            file.seek(size - 8, 1)
    return names


def assert_plays_in_a_browser(path: Path, width: int, height: int, audio: bool) -> None:
    result = probe(path)
    assert result.video_codec == "h264" and result.pix_fmt == "yuv420p"
    assert (result.display_width, result.display_height) == (width, height)
    assert result.width % 2 == 0 and result.height % 2 == 0
    assert result.has_audio is audio
    if audio:
        assert result.audio_codec == "aac"
    atoms = top_level_atoms(path)
    assert atoms.index("moov") < atoms.index("mdat"), atoms


def make_renditions(source_path: Path, out_dir: Path) -> dict[str, Path]:
    """What the processing job will do: remux where possible, the rest in one ffmpeg run."""
    source = probe(source_path)
    plans = plan_renditions(source)
    outputs = {plan.label: out_dir / f"{plan.label}.mp4" for plan in plans}
    encodes = [plan for plan in plans if plan.mode == "encode"]
    for plan in plans:
        if plan.mode == "remux":
            run_ffmpeg(build_args(source, plan, source_path, outputs[plan.label]), TIMEOUT_S)
    if encodes:
        args = build_ladder_args(source, encodes, source_path, [outputs[p.label] for p in encodes])
        run_ffmpeg(args, TIMEOUT_S, duration_s=source.duration_s)
    return outputs


def test_720p_mp4_is_remuxed_and_gets_360p_but_no_1080p(samples, tmp_path):
    outputs = make_renditions(samples.landscape_720, tmp_path)
    assert sorted(outputs) == ["360p", "720p"]
    assert_plays_in_a_browser(outputs["720p"], 1280, 720, audio=True)
    assert_plays_in_a_browser(outputs["360p"], 640, 360, audio=True)


def test_1080p_source_gets_three_renditions_two_from_one_ffmpeg_run(samples, tmp_path):
    outputs = make_renditions(samples.full_hd, tmp_path)
    assert sorted(outputs) == ["1080p", "360p", "720p"]
    assert_plays_in_a_browser(outputs["1080p"], 1920, 1080, audio=True)
    assert_plays_in_a_browser(outputs["720p"], 1280, 720, audio=True)
    assert_plays_in_a_browser(outputs["360p"], 640, 360, audio=True)


def test_portrait_phone_video_stays_portrait(samples, tmp_path):
    outputs = make_renditions(samples.portrait, tmp_path)
    assert list(outputs) == ["360p"]
    assert_plays_in_a_browser(outputs["360p"], 360, 640, audio=True)
    # The turn is baked into the pixels; no rotation flag is left for players to misread.
    assert probe(outputs["360p"]).rotation == 0


def test_odd_sized_matroska_becomes_even_h264(samples, tmp_path):
    outputs = make_renditions(samples.odd_size, tmp_path)
    assert_plays_in_a_browser(outputs["360p"], 640, 360, audio=True)


def test_silent_source_gets_no_audio_track(samples, tmp_path):
    outputs = make_renditions(samples.silent, tmp_path)
    assert_plays_in_a_browser(outputs["360p"], 640, 360, audio=False)


def test_variable_frame_rate_becomes_constant(samples, tmp_path):
    source = probe(samples.vfr)
    outputs = make_renditions(samples.vfr, tmp_path)
    result = probe(outputs["240p"])
    assert not result.is_variable_frame_rate and result.frame_rate == 30
    assert result.duration_s == pytest.approx(source.duration_s, abs=0.2)


def test_progress_runs_to_100(samples, tmp_path):
    source = probe(samples.odd_size)
    plan = plan_renditions(source)[0]
    seen: list[int] = []
    run_ffmpeg(
        build_args(source, plan, samples.odd_size, tmp_path / "out.mp4"),
        TIMEOUT_S,
        on_progress=seen.append,
        duration_s=source.duration_s,
    )
    assert seen == sorted(seen) and len(set(seen)) == len(seen)
    assert seen[-1] == 100


@pytest.mark.parametrize("name", ["landscape_720", "portrait"])
def test_poster_is_a_jpeg_of_the_largest_rendition(samples, tmp_path, name):
    source_path = getattr(samples, name)
    source = probe(source_path)
    plans = plan_renditions(source)
    poster = tmp_path / "poster.jpg"
    run_ffmpeg(build_poster_args(source, plans, source_path, poster), TIMEOUT_S)
    assert poster.read_bytes()[:3] == b"\xff\xd8\xff"
    largest = plans[-1]
    # Our probe() refuses images by design, so ask ffprobe directly for the JPEG's size.
    size = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "stream=width,height",
            "-of",
            "csv=p=0",
            str(poster),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=10,
    ).stdout.strip()
    assert size == f"{largest.width},{largest.height}"
