"""What other domains do when a member's standing changes.

Services call these inside their transaction (videos/events.py's pattern); what they tell
people goes out after the commit.
"""
from __future__ import annotations

from .models import User


def member_deactivated(member: User, actor: User) -> None:
    """A member who leaves hosts and visits no more: their classrooms ahead close and their
    seats go to the waitlist, everyone concerned told."""
    from ..visits.departures import withdraw_from_visits

    withdraw_from_visits(member, actor)
