"""The home page a member sees, by role: a teacher's blocks for everyone; a coach's add PLC
meetings and teachers to support; a principal's add approvals and the school's term in
numbers; an admin's the district in numbers, invitations and failed videos."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..accounts.models import Practice, Role, User
from ..tries.reminders import Reminder, reminders_for
from ..tries.services import today_for
from ..videos.models import Video
from ..visits.approvals import approval_queue
from ..visits.calendar import SlotView
from ..visits.models import Booking
from . import blocks


@dataclass
class HomePage:
    role: str
    practices: list[Practice] = field(default_factory=list)
    new_videos: list[Video] = field(default_factory=list)
    open_classrooms: list[SlotView] = field(default_factory=list)
    my_visits: list[Booking] = field(default_factory=list)
    hosting: list[blocks.HostedVisit] = field(default_factory=list)
    feedback: list = field(default_factory=list)
    check_ins_due: list[Reminder] = field(default_factory=list)
    unfinished_videos: list[Video] = field(default_factory=list)
    meetings: list = field(default_factory=list)
    to_support: list[blocks.SupportRow] = field(default_factory=list)
    approvals: list[Booking] = field(default_factory=list)
    school_numbers: blocks.SchoolNumbers | None = None
    unaffirmed: list[User] = field(default_factory=list)
    district_numbers: blocks.DistrictNumbers | None = None
    invitations: list = field(default_factory=list)
    failed_videos: list[Video] = field(default_factory=list)

    @property
    def is_leader(self) -> bool:
        return self.role in (Role.COACH.value, Role.PRINCIPAL.value)


def home_for(user: User) -> HomePage:
    today = today_for(user)
    practice_ids = blocks.my_practice_ids(user)
    page = HomePage(
        role=user.role,
        practices=blocks.practices_by_id(practice_ids),
        new_videos=blocks.new_videos_for(user, practice_ids),
        open_classrooms=blocks.open_classrooms_for(user),
        my_visits=blocks.my_upcoming_visits(user),
        hosting=blocks.visits_i_host(user),
        feedback=blocks.feedback_on_my_videos(user),
        check_ins_due=reminders_for(user, today),
        unfinished_videos=blocks.my_unfinished_videos(user),
    )
    if user.role in (Role.COACH.value, Role.PRINCIPAL.value):
        page.meetings = blocks.upcoming_meetings(user, today)
        page.to_support = blocks.teachers_to_support(user)
    if user.role == Role.PRINCIPAL.value and user.school_id is not None:
        page.approvals = approval_queue(user)[:blocks.LISTED]
        page.school_numbers = blocks.school_numbers(user.school_id, blocks.term_start(today),
                                                    user.school.time_zone)
        page.unaffirmed = blocks.unaffirmed_risk_takers(user, today)
    if user.role == Role.ADMIN.value:
        page.district_numbers = blocks.district_numbers(
            user.district_id, blocks.term_start(today),
            user.school.time_zone if user.school else "UTC")
        page.invitations = blocks.pending_invitations(user.district_id)
        page.failed_videos = blocks.failed_videos(user.district_id)
    return page
