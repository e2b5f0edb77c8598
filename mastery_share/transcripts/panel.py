"""The transcript panel of the watch page (templates/transcripts/_panel.html)."""
from __future__ import annotations

from ..videos.models import Video
from .cues import read_cues as parse_cues
from .forms import AutoTranscriptsForm, CaptionsUploadForm, TranscriptActionForm
from .services import captions_text, transcripts_available


def transcript_panel(video: Video, manage: bool) -> dict:
    """The cues beside the player, and the owner's switches."""
    text = captions_text(video) if video.captions_key else None
    panel = {"cues": parse_cues(text) if text else [], "available": transcripts_available(),
             "auto": video.captions_source == "auto"}
    if manage:
        panel.update(auto_form=AutoTranscriptsForm(), action_form=TranscriptActionForm(),
                     upload_form=CaptionsUploadForm())
    return panel
