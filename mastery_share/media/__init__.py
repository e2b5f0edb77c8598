"""Media layer: probe, validate, plan and run ffmpeg, and store the results. No Flask here.

The video processing job calls, in order: ``probe`` -> ``validate`` -> ``plan_renditions``
-> ``build_args`` / ``build_ladder_args`` / ``build_poster_args`` -> ``run_ffmpeg`` ->
``Storage.save``. Each step raises ``MediaError`` with a reason fit to show a teacher.
"""

from .build_args import (
    build_args,
    build_ladder_args,
    build_poster_args,
    build_remux_args,
    poster_time,
)
from .errors import MediaError
from .probe import ProbeResult, probe
from .profiles import RenditionPlan, can_remux, plan_renditions
from .runner import run_ffmpeg
from .validate import DEFAULT_LIMITS, Limits, validate

__all__ = [
    "DEFAULT_LIMITS",
    "Limits",
    "MediaError",
    "ProbeResult",
    "RenditionPlan",
    "build_args",
    "build_ladder_args",
    "build_poster_args",
    "build_remux_args",
    "can_remux",
    "plan_renditions",
    "poster_time",
    "probe",
    "run_ffmpeg",
    "validate",
]
