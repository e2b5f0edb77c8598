"""The watch page's panels, composed here from each domain's services so the page's
parts are visible from its view (they were app-wide template helpers of four views modules):
the transcript beside the player, "See it live" (the teacher's next open classrooms), "Add to
collection" for curators, the conversation, and "Who watched" (the owner; counts for leaders)."""
from __future__ import annotations

from dataclasses import dataclass

from ..accounts.models import User
from ..collections.permissions import can_curate
from ..collections.sharing import my_collections
from ..comments.panel import comments_panel
from ..transcripts.panel import transcript_panel
from ..viewing.panel import ViewingPanel, viewing_panel
from ..visits.calendar import SlotFilters, upcoming_slots
from ..visits.forms import ActionForm
from .models import Video

LIVE_SLOTS = 3


@dataclass
class WatchPanels:
    transcript: dict
    live_slots: list
    live_action_form: ActionForm
    collections: list | None  # the viewer's collections to add to; None: not a curator
    comments: dict
    viewing: ViewingPanel | None  # who watched (the owner), how often (leaders); None: neither


def watch_panels(viewer: User, video: Video, manage: bool) -> WatchPanels:
    return WatchPanels(
        transcript=transcript_panel(video, manage),
        live_slots=upcoming_slots(viewer, SlotFilters(host_id=video.owner_id), limit=LIVE_SLOTS),
        live_action_form=ActionForm(),
        collections=my_collections(viewer) if can_curate(viewer) else None,
        comments=comments_panel(viewer, video),
        viewing=viewing_panel(viewer, video))
