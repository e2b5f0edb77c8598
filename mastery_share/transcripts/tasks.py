"""The transcripts' background job, the lowest priority: a video becomes watchable, in every
size, before anything is transcribed; it runs in a background slot (job_slots.py)."""
from __future__ import annotations

from ..job_slots import background_slot
from ..jobs import job
from .jobs import TRANSCRIBE, transcribe_video

TRANSCRIPTS = -10


@job(TRANSCRIBE, priority=TRANSCRIPTS)
def transcribe_video_job(video_id: int) -> None:
    with background_slot():
        transcribe_video(video_id)
