"""The watch page's "Who watched" part: the owner's list, a leader's counts, nothing for
anyone else."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..accounts.models import User
from ..videos.models import Video
from .services import ViewCounts, can_see_counts, view_counts, views_of, watched_label


@dataclass(frozen=True)
class WatchedRow:
    name: str
    started_at: datetime
    watched: str  # "2:05 watched"


@dataclass(frozen=True)
class ViewingPanel:
    counts: ViewCounts
    rows: list[WatchedRow] | None  # None: a leader, who sees counts only


def viewing_panel(viewer: User, video: Video) -> ViewingPanel | None:
    if not can_see_counts(viewer, video):
        return None
    rows = None
    if video.owner_id == viewer.id:
        rows = [WatchedRow(view.viewer.name, view.started_at, watched_label(view.watched_s))
                for view in views_of(viewer, video.id)]
    return ViewingPanel(view_counts(viewer, video), rows)
