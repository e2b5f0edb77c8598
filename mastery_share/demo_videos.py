"""Demo videos for the demo district, so a newcomer's `make run` has something to watch and
search. The pictures come from ffmpeg's built-in test sources; the captions say what a
teacher would say about the practice, so search finds words down to the moment."""
from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import func, select

from .accounts.models import User
from .extensions import db
from .videos.models import Video
from .videos.services import create_video

# (teacher email local part, title, practices, grade band, subject, visibility, lavfi source,
#  caption lines spoken every few seconds)
DEMO_VIDEOS = [
    ("maria.lopez", "Math centers with a must-do / may-do board",
     ["center-time-accountability", "flexible-grouping"], "3-5", "Math", "district",
     "testsrc2=s=640x360:r=30",
     ["Every center has a must-do and a may-do task on the board.",
      "Students move their magnet when they finish, so I can see who needs me.",
      "The accountability sheet asks them to show one problem they solved.",
      "Groups change every week based on the exit tickets."]),
    ("aisha.khan", "Plan-Learn-Check-Adjust goal setting in kindergarten",
     ["goal-setting", "learner-centered-classroom"], "K-2", "English language arts", "network",
     "smptehdbars=s=640x360:r=30",
     ["Each morning my learners pick one reading goal and draw it.",
      "At check time they hold up a green, yellow or red card.",
      "If the card is red, they adjust the plan with a buddy.",
      "Goal setting made them talk about their own learning."]),
    ("elena.petrova", "Flexible grouping from yesterday's exit tickets",
     ["flexible-grouping", "data-driven-instruction", "differentiation"], "6-8", "Math", "district",
     "yuvtestsrc=s=640x360:r=30",
     ["I sort exit tickets into three piles before I leave school.",
      "The next morning the groups are on the screen as students walk in.",
      "Students at or above grade level start on an extension problem.",
      "Nobody stays in the same group for more than two days."]),
    ("tom.nguyen", "Station rotation with a playlist for science labs",
     ["blended-learning", "mastery-tracking"], "3-5", "Science", "school",
     "testsrc=s=640x360:r=30",
     ["Three stations: teacher table, lab bench and the online playlist.",
      "The playlist shows each student which skills they have mastered.",
      "A timer on the board tells everyone when to rotate.",
      "Mastery tracking lets me pull a small group for just one skill."]),
    ("sofia.rossi", "Scaffolded writing conferences",
     ["scaffolding-and-acceleration", "differentiation"], "6-8", "English language arts",
     "district", "rgbtestsrc=s=640x360:r=30",
     ["Each writer gets a scaffold card matched to their draft.",
      "Some cards give sentence starters, others push for evidence.",
      "During conferences I accelerate writers who are ready.",
      "Students reflect on which scaffold they no longer need."]),
]
# How far into its practice each demo video goes (Video.level): a mix, so the level filter
# and "Start here" have something to show.
DEMO_LEVELS = {"maria.lopez": "getting_started", "aisha.khan": "getting_started",
               "elena.petrova": "advanced", "tom.nguyen": "refining", "sofia.rossi": "refining"}
CLIP_SECONDS = 12


def _make_clip(source: str, path: Path) -> None:
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
         source, "-f", "lavfi", "-i",
         f"sine=frequency=220:sample_rate=48000:d={CLIP_SECONDS}", "-filter:a", "volume=0.05",
         "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac",
         "-t", str(CLIP_SECONDS), str(path)],
        check=True, timeout=120)


def demo_captions(lines: list[str] | tuple[str, ...]) -> bytes:
    """WebVTT cues spreading `lines` evenly over a demo clip."""
    step = CLIP_SECONDS / len(lines)
    cues = []
    for index, line in enumerate(lines):
        start, end = index * step, (index + 1) * step - 0.2
        cues.append(f"{_stamp(start)} --> {_stamp(end)}\n{line}\n")
    return ("WEBVTT\n\n" + "\n".join(cues)).encode()


def _stamp(seconds: float) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"00:{int(minutes):02d}:{rest:06.3f}"


def seed_demo_videos(domain: str) -> int:
    """Share the demo videos once (when no demo teacher has a video yet); returns how many."""
    owners = {u.email.split("@")[0]: u for u in db.session.scalars(
        select(User).where(User.email.like(f"%@{domain}")))}
    existing = db.session.scalar(select(func.count(Video.id)).where(
        Video.owner_id.in_([u.id for u in owners.values()])))
    if existing:
        return 0
    made = 0
    with tempfile.TemporaryDirectory(prefix="demo-videos-") as folder:
        for local, title, practices, band, subject, visibility, source, lines in DEMO_VIDEOS:
            owner = owners.get(local)
            if owner is None:
                continue
            clip = Path(folder) / f"{local}.mp4"
            _make_clip(source, clip)
            create_video(owner, {
                "title": title, "description": lines[0] + " " + lines[-1],
                "practices": practices, "grade_band": band, "subject": subject,
                "visibility": visibility, "media_release": True,
                "level": DEMO_LEVELS.get(local, "getting_started"),
            }, source=clip, filename=clip.name, captions=("captions.vtt", demo_captions(lines)))
            made += 1
    return made
