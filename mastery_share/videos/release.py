"""Media-release tiers: who may see the students in a video.

On upload the teacher attests the widest release every student shown has: none, school,
district or network. A video is never shared wider than that, nor wider than its district
allows without face blur (District.widest_without_blur), unless its students' faces are
blurred (face_blur.py): then it may go as wide as its owner chooses.
"""
from __future__ import annotations

import enum

from ..errors import Invalid
from .models import Visibility


class ReleaseTier(str, enum.Enum):
    NONE = "none"
    SCHOOL = "school"
    DISTRICT = "district"
    NETWORK = "network"

    @property
    def label(self) -> str:
        return {
            "none": "Not every student has a release: only I (and admins) may watch",
            "school": "Releases cover my school",
            "district": "Releases cover my district",
            "network": "Releases cover everyone on Mastery Share",
        }[self.value]


RELEASE_TIERS = [tier.value for tier in ReleaseTier]
# How far each tier and each visibility reaches, on one scale.
REACH = {"none": 0, "private": 0, "school": 1, "district": 2, "network": 3}
_VISIBILITY_AT = {0: Visibility.PRIVATE, 1: Visibility.SCHOOL, 2: Visibility.DISTRICT,
                  3: Visibility.NETWORK}


def tier_for_visibility(visibility: str) -> str:
    """What an earlier "every student has a media release" checkbox attested: a release
    covering the visibility the teacher chose with it."""
    return ReleaseTier.NONE.value if visibility == Visibility.PRIVATE.value else visibility


def widest_visibility(release_tier: str, district_widest: str) -> Visibility:
    return _VISIBILITY_AT[min(REACH[release_tier], REACH[district_widest])]


def check_release(visibility: str, release_tier: str, district_widest: str,
                  blur_faces: bool = False) -> None:
    """Invalid (422) when `visibility` reaches further than the release or the district allow
    a video whose faces are not blurred."""
    widest = widest_visibility(release_tier, district_widest)
    if blur_faces or REACH[visibility] <= REACH[widest.value]:
        return
    if REACH[release_tier] < REACH[district_widest]:
        reason = (f"The students' media releases cover {_covers(release_tier)}, so the widest "
                  f"sharing is \u201c{widest.label}\u201d.")
    else:
        reason = (f"Your district shares classroom videos at most with \u201c{widest.label}\u201d "
                  "unless students' faces are blurred.")
    raise Invalid(f"{reason} Blur the students' faces to share it wider.",
                  {"visibility": f"{reason} Choose \u201c{widest.label}\u201d or narrower, "
                                 "or blur the students' faces."})


def check_reviewed_captions(visibility: str, captions_ready: bool, required: bool) -> None:
    """The district's rule that a video goes beyond its school only with reviewed captions
    (or with no speech to caption): Invalid (422) otherwise."""
    if not required or captions_ready or REACH[visibility] <= REACH["school"]:
        return
    reason = ("Your district shares a video beyond its school only once its captions are "
              "reviewed.")
    raise Invalid(f"{reason} Share it with your school now, review its captions (or upload "
                  "a captions file), then widen who can watch.",
                  {"visibility": f"{reason} Choose \u201cMy school\u201d or narrower for now."})


def _covers(release_tier: str) -> str:
    return {"none": "no one beyond you", "school": "your school only",
            "district": "your district only", "network": "everyone"}[release_tier]


WIDEST_CHOICES = [Visibility.SCHOOL, Visibility.DISTRICT, Visibility.NETWORK]


def set_widest_without_blur(actor, visibility: str, blur_by_default: bool | None = None,
                            reviewed_captions: bool | None = None) -> None:
    """The district's policy: how far a classroom video may be shared with faces unblurred,
    and whether uploads start with face blur on. It holds for every video shared or widened
    from now on."""
    from ..accounts.models import District
    from ..errors import Forbidden
    from ..extensions import db
    from ..transaction import commit

    if not actor.is_admin:
        raise Forbidden("Only district admins set how far classroom videos may be shared.")
    if visibility not in {choice.value for choice in WIDEST_CHOICES}:
        raise Invalid("Choose school, district or network.")
    district = db.session.get(District, actor.district_id)
    district.widest_without_blur = visibility
    if blur_by_default is not None:
        district.blur_faces_by_default = blur_by_default
    if reviewed_captions is not None:
        district.reviewed_captions_beyond_school = reviewed_captions
    commit()
