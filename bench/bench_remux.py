"""The remux fast path: a browser-ready 720p H.264/AAC MP4 gets its 720p rendition by stream
copy; against re-encoding that same rendition from the same file in the same run. The whole
job for that source is timed too, for information."""
from __future__ import annotations

import dataclasses
import statistics
import time
from unittest import mock

from .harness import (
    Result,
    generate_source,
    note,
    queued_video,
    run_ffmpeg_bare,
    scratch_dir,
    temporary_app,
)

SECONDS = 60
WIDTH, HEIGHT = 1280, 720
REMUX_REPEAT = 3
NAME = "remux"


def run() -> list[Result]:
    from mastery_share.extensions import db
    from mastery_share.media.build_args import build_args, build_ladder_args
    from mastery_share.media.probe import probe
    from mastery_share.media.profiles import plan_renditions, target_frame_rate
    from mastery_share.jobs import huey
    from mastery_share.videos.higher_renditions import encode_higher_renditions
    from mastery_share.videos.models import Video
    from mastery_share.videos.processing import process_video

    with scratch_dir() as scratch:
        source = generate_source(scratch / "source-720p.mp4", WIDTH, HEIGHT, SECONDS)
        info = probe(source)
        plans = plan_renditions(info)
        remux = next((plan for plan in plans if plan.mode == "remux"), None)
        if remux is None:
            raise RuntimeError(f"the generated 720p source was not planned for remux "
                               f"(bit rate {info.bit_rate}); plans: {plans}")
        encode = dataclasses.replace(remux, mode="encode", frame_rate=target_frame_rate(info))

        remux_out = scratch / "remux.mp4"
        remux_times = [run_ffmpeg_bare(build_args(info, remux, source, remux_out), "remux")
                       for _ in range(REMUX_REPEAT)]
        remuxed = statistics.median(remux_times)
        encoded = run_ffmpeg_bare(
            build_ladder_args(info, [encode], source, [scratch / "encode.mp4"]), "re-encode")
        if probe(remux_out).video_codec != "h264":
            raise RuntimeError("the remuxed file is not H.264")

        with temporary_app() as app:  # noqa: F841
            video_id = queued_video(source)
            held: list[str] = []
            # Follow-up jobs (search, transcripts) belong to other worker threads; see
            # bench_pipeline.
            with mock.patch.object(huey, "enqueue", lambda task: held.append(task.name)):
                started = time.perf_counter()
                process_video(video_id)
                encode_higher_renditions(video_id)  # the job it queues, at once
                job = time.perf_counter() - started
            db.session.expire_all()
            video = db.session.get(Video, video_id)
            if video.status != "ready":
                raise RuntimeError(f"the job for the 720p source ended {video.status!r}: "
                                   f"{video.error!r}")
            methods = ", ".join(f"{r.label} {r.method}" for r in video.renditions)

    note(NAME, f"remux runs {', '.join(f'{t:.3f}' for t in remux_times)} s (median taken); "
               f"process_video and the higher renditions job for the {SECONDS} s 720p source: {job:.2f} s ({methods})")
    return [Result(
        benchmark=NAME,
        figure=f"{HEIGHT}p rendition by stream copy vs re-encoding it, {SECONDS} s source",
        measured=remuxed, reference=encoded, unit="s",
        bar="at most 0.02x (50x faster)", passed=remuxed * 50 <= encoded,
    )]
