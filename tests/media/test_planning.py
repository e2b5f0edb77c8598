"""The rendition ladder and ffmpeg arguments, checked as pure functions (ffmpeg never runs)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from mastery_share.media import (
    build_args,
    build_ladder_args,
    build_poster_args,
    plan_renditions,
    poster_time,
)

from .probes import fake_probe


def _sizes(probe):
    return [(plan.label, plan.width, plan.height) for plan in plan_renditions(probe)]


def _option(args: list[str], flag: str) -> str:
    return args[args.index(flag) + 1]


def test_1080p_source_gets_the_whole_ladder():
    assert _sizes(fake_probe(width=1920, height=1080)) == [
        ("360p", 640, 360),
        ("720p", 1280, 720),
        ("1080p", 1920, 1080),
    ]


def test_720p_source_gets_no_1080p():
    assert [label for label, *_ in _sizes(fake_probe())] == ["360p", "720p"]


def test_4k_source_stops_at_1080p():
    assert _sizes(fake_probe(width=3840, height=2160))[-1] == ("1080p", 1920, 1080)


def test_small_source_gets_one_rendition_at_its_own_size_never_upscaled():
    assert _sizes(fake_probe(width=320, height=240)) == [("240p", 320, 240)]


def test_480p_source_keeps_its_own_size_as_well_as_360p():
    assert _sizes(fake_probe(width=854, height=480)) == [("360p", 640, 360), ("480p", 854, 480)]


def test_source_just_above_a_rung_is_not_duplicated():
    assert _sizes(fake_probe(width=720, height=400)) == [("360p", 648, 360)]


def test_portrait_phone_video_stays_portrait():
    rotated = fake_probe(
        width=1920, height=1080, display_width=1080, display_height=1920, rotation=90
    )
    assert _sizes(rotated) == [("360p", 360, 640), ("720p", 720, 1280), ("1080p", 1080, 1920)]
    assert all(plan.mode == "encode" for plan in plan_renditions(rotated))


def test_odd_sizes_become_even():
    for _, width, height in _sizes(fake_probe(width=641, height=361, video_codec="mpeg4")):
        assert width % 2 == 0 and height % 2 == 0


def test_browser_ready_mp4_is_remuxed_at_its_own_size_and_encoded_below():
    plans = plan_renditions(fake_probe())
    assert [(plan.label, plan.mode) for plan in plans] == [("360p", "encode"), ("720p", "remux")]


@pytest.mark.parametrize(
    "change",
    [
        {"video_codec": "hevc"},
        {"pix_fmt": "yuv422p"},
        {"audio_codec": "opus"},
        {"demuxer": "matroska", "format_name": "matroska,webm"},
        {"rotation": 180},
        {"frame_rate": Fraction(60), "r_frame_rate": Fraction(60)},
        {"is_variable_frame_rate": True},
        {"bit_rate": 17_000_000},
        {"sample_aspect_ratio": Fraction(4, 3)},
    ],
)
def test_sources_needing_work_are_encoded_not_remuxed(change):
    assert {plan.mode for plan in plan_renditions(fake_probe(**change))} == {"encode"}


def test_silent_browser_ready_mp4_is_remuxed_without_audio():
    silent = fake_probe(has_audio=False, audio_codec=None, audio_channels=None)
    plan = plan_renditions(silent)[-1]
    args = build_args(silent, plan, "/in/a.mp4", "/out/720p.mp4")
    assert plan.mode == "remux"
    assert _option(args, "-c") == "copy" and "-an" in args
    assert "+faststart" in args


def test_encode_arguments_follow_the_house_profile():
    source = fake_probe(width=1920, height=1080)
    plan = plan_renditions(source)[1]
    args = build_args(source, plan, "/in/a.mp4", "/out/720p.mp4")
    assert _option(args, "-c:v") == "libx264"
    assert _option(args, "-preset") == "veryfast"
    assert _option(args, "-crf") == "23"
    assert _option(args, "-profile:v") == "high"
    assert _option(args, "-pix_fmt") == "yuv420p"
    assert _option(args, "-movflags") == "+faststart"
    assert _option(args, "-c:a") == "aac"
    assert _option(args, "-map_metadata") == "-1"  # no GPS tags from the phone
    assert "scale=1280:720" in _option(args, "-filter_complex")
    assert args[-1] == "file:/out/720p.mp4"


def test_input_is_a_whitelisted_local_file_of_the_probed_format():
    source = fake_probe()
    args = build_args(source, plan_renditions(source)[0], "relative/in.mp4", "/out/360p.mp4")
    before_input = args[: args.index("-i")]
    assert _option(before_input, "-f") == "mov"
    assert _option(before_input, "-format_whitelist") == "mov"
    assert _option(before_input, "-protocol_whitelist") == "file"
    source_url = _option(args, "-i")
    assert source_url.startswith("file:/") and source_url.endswith("/relative/in.mp4")


def test_silent_source_is_encoded_without_an_audio_track():
    silent = fake_probe(has_audio=False, audio_codec=None, video_codec="vp9")
    args = build_args(silent, plan_renditions(silent)[0], "/in/a.mp4", "/out/360p.mp4")
    assert "-an" in args and "-c:a" not in args and "0:a:0" not in args


@pytest.mark.parametrize(
    ("rates", "expected"),
    [
        ({"frame_rate": Fraction(25), "r_frame_rate": Fraction(25)}, "25"),
        (
            {"frame_rate": Fraction(30000, 1001), "r_frame_rate": Fraction(30000, 1001)},
            "30000/1001",
        ),
        ({"frame_rate": Fraction(60), "r_frame_rate": Fraction(60)}, "30"),
        (
            {"frame_rate": Fraction(60000, 1001), "r_frame_rate": Fraction(60000, 1001)},
            "30000/1001",
        ),
        ({"frame_rate": Fraction(120), "r_frame_rate": Fraction(120)}, "30"),
        ({"frame_rate": Fraction(2700, 149), "is_variable_frame_rate": True}, "30"),
    ],
)
def test_output_is_constant_frame_rate_of_at_most_30(rates, expected):
    source = fake_probe(video_codec="hevc", **rates)
    args = build_args(source, plan_renditions(source)[0], "/in/a.mp4", "/out/360p.mp4")
    assert f"fps=fps={expected}" in _option(args, "-filter_complex")
    assert _option(args, "-fps_mode") == "cfr"


def test_several_renditions_share_one_decode():
    source = fake_probe(width=1920, height=1080, video_codec="hevc")
    plans = plan_renditions(source)
    args = build_ladder_args(source, plans, "/in/a.mov", [f"/out/{p.label}.mp4" for p in plans])
    assert args.count("-i") == 1
    assert "split=3" in _option(args, "-filter_complex")
    assert [arg for arg in args if arg.startswith("file:/out/")] == [
        "file:/out/360p.mp4",
        "file:/out/720p.mp4",
        "file:/out/1080p.mp4",
    ]


def test_ladder_refuses_a_remux_plan():
    source = fake_probe()
    with pytest.raises(ValueError):
        build_ladder_args(source, plan_renditions(source), "/in/a.mp4", ["/o/1.mp4", "/o/2.mp4"])


@pytest.mark.parametrize(
    ("duration", "expected"), [(600.0, 60.0), (45.0, 4.5), (4.0, 1.0), (1.0, 0.5), (None, 0.0)]
)
def test_poster_is_taken_ten_percent_in_or_at_one_second(duration, expected):
    assert poster_time(duration) == expected


def test_poster_is_a_jpeg_the_size_of_the_largest_rendition():
    source = fake_probe(width=1920, height=1080, duration_s=120.0)
    args = build_poster_args(source, plan_renditions(source), "/in/a.mp4", "/out/poster.jpg")
    assert _option(args, "-ss") == "12.000"
    assert args.index("-ss") < args.index("-i")  # input seek: no decoding up to the frame
    assert "scale=1920:1080" in _option(args, "-filter_complex")
    assert _option(args, "-c:v") == "mjpeg" and _option(args, "-frames:v") == "1"
