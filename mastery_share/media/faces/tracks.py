"""Face tracks: detections on sampled frames joined into one track per face, and the box to
blur at any moment of the video. Pure functions, so every rule is unit-tested without video.

The detector runs on a few frames a second (detection.py); between two samples a face is
where the straight line between its two boxes puts it, and a face missed on a sample or two
(turned away, blurred by motion) is bridged while its track lasts. A box is padded on every
side: the detector boxes the face from brows to chin, and hair and ears identify a child too.
"""
from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in the video's display pixels

# A face not seen for this long has left: a later face there is another track.
MAX_GAP_S = 1.0
# Blur starts this long before a face's first sighting and lasts this long after its last:
# it entered (or left) the frame between two samples.
LEAD_S = 0.25
PAD = 0.3  # of the box's width and height, on each side


@dataclass(frozen=True)
class Detection:
    t: float
    box: Box
    score: float


@dataclass
class Track:
    detections: list[Detection] = field(default_factory=list)

    @property
    def first_s(self) -> float:
        return self.detections[0].t

    @property
    def last_s(self) -> float:
        return self.detections[-1].t

    @property
    def best(self) -> Detection:
        """The sighting to show the teacher: the surest, then the largest."""
        return max(self.detections, key=lambda d: (round(d.score, 2), _area(d.box)))


def _area(box: Box) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def _centre(box: Box) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def _distance(a: Box, b: Box) -> float:
    (ax, ay), (bx, by) = _centre(a), _centre(b)
    return math.hypot(ax - bx, ay - by)


def link(samples: list[tuple[float, list[tuple[Box, float]]]],
         max_gap_s: float = MAX_GAP_S) -> list[Track]:
    """Join each sample's detections (time, [(box, score)]) to the nearest open track whose
    last box is within one face size (allowing for its movement over the gap), else start a
    track. Greedy nearest-first matching: faces in a classroom rarely cross."""
    tracks: list[Track] = []
    for t, found in samples:
        open_tracks = [track for track in tracks if t - track.last_s <= max_gap_s]
        pairs = []
        for d_index, (box, _score) in enumerate(found):
            for t_index, track in enumerate(open_tracks):
                last = track.detections[-1].box
                size = max(last[2] - last[0], last[3] - last[1], box[2] - box[0])
                reach = size * (1.0 + 2.0 * (t - track.last_s))
                distance = _distance(last, box)
                if distance <= reach:
                    pairs.append((distance, d_index, t_index))
        used_d: set[int] = set()
        used_t: set[int] = set()
        for _distance_, d_index, t_index in sorted(pairs):
            if d_index in used_d or t_index in used_t:
                continue
            used_d.add(d_index)
            used_t.add(t_index)
            box, score = found[d_index]
            open_tracks[t_index].detections.append(Detection(t, box, score))
        for d_index, (box, score) in enumerate(found):
            if d_index not in used_d:
                tracks.append(Track([Detection(t, box, score)]))
    tracks.sort(key=lambda track: (track.first_s, _centre(track.detections[0].box)[0]))
    return tracks


def box_at(detections: list[Detection], t: float, lead_s: float = LEAD_S) -> Box | None:
    """Where the track's face is at time `t` (unpadded), or None when it is not on screen."""
    if not detections or t < detections[0].t - lead_s or t > detections[-1].t + lead_s:
        return None
    times = [d.t for d in detections]
    index = bisect.bisect_right(times, t)
    if index == 0:
        return detections[0].box
    if index == len(detections):
        return detections[-1].box
    before, after = detections[index - 1], detections[index]
    span = after.t - before.t
    share = 0.0 if span <= 0 else (t - before.t) / span
    return tuple(a + (b - a) * share for a, b in zip(before.box, after.box))  # type: ignore[return-value]


def padded(box: Box, width: int, height: int, pad: float = PAD) -> tuple[int, int, int, int]:
    """The box grown by `pad` of its size on each side, in whole pixels inside the frame."""
    w, h = box[2] - box[0], box[3] - box[1]
    x0 = max(0, math.floor(box[0] - w * pad))
    y0 = max(0, math.floor(box[1] - h * pad))
    x1 = min(width, math.ceil(box[2] + w * pad))
    y1 = min(height, math.ceil(box[3] + h * pad))
    return x0, y0, x1, y1
