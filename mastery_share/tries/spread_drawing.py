"""The spread map's geometry, worked out in Python so the SVG is drawn on the server: schools
as numbered places on a circle, an arrow per from school, to school and term (thicker for
more sparks), a ring for sparks within a school and a star where the practice came back.

Terms are told apart by dash pattern and by name as well as by colour (colour-blind safe
Okabe-Ito hues), so the legend never relies on colour alone.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

from .school_year import TERM_KEYS
from .spread import PracticeSpread

TERM_STYLES = {  # key: (colour, SVG dash pattern, words for the legend)
    "fall": ("#b04a00", "", "solid line"),
    "winter": ("#0063a0", "12 7", "dashed line"),
    "spring": ("#007a58", "2 7", "dotted line"),
    "year": ("#3d4f63", "", "solid line"),  # small multiples: one arrow for the whole year
}
BENDS = {"fall": 0.14, "winter": 0.25, "spring": 0.36, "year": 0.14}
MAX_LABEL = 16


@dataclass(frozen=True)
class Size:
    width: int
    height: int
    radius: float  # of the circle the places sit on
    node: float  # a place's radius
    font: int
    max_stroke: float
    labels: bool  # names beside the places (the full map) or numbers only (small multiples)


FULL = Size(820, 580, 180, 25, 20, 9, True)
SMALL = Size(240, 240, 88, 11, 13, 5, False)


class Place(NamedTuple):
    school_id: int
    name: str
    number: int
    x: float
    y: float
    active: bool  # part of this practice's spread (small multiples show the others faintly)
    label: str
    label_x: float
    label_y: float
    anchor: str
    within: int
    within_x: float
    within_y: float
    came_back: bool
    star: str  # the "came back" star's polygon points


class Arrow(NamedTuple):
    from_school_id: int
    to_school_id: int
    term: str
    count: int
    path: str
    width: float
    colour: str
    dash: str


@dataclass(frozen=True)
class Drawing:
    ident: str
    size: Size
    places: list[Place]
    arrows: list[Arrow]

    @property
    def view_box(self) -> str:
        return f"0 0 {self.size.width} {self.size.height}"

    def marker_id(self, term: str) -> str:
        return f"{self.ident}-head-{term}"

    @property
    def terms(self) -> list[tuple[str, str, str]]:
        """(key, colour, dash) of each kind of arrow the drawing uses: one per term, or
        one for the whole year on small multiples."""
        keys = TERM_KEYS if self.size.labels else ("year",)
        return [(key, TERM_STYLES[key][0], TERM_STYLES[key][1]) for key in keys]


def numbering(names: dict[int, str]) -> list[int]:
    """School ids in the order they are numbered and placed: by name."""
    return sorted(names, key=lambda school_id: (names[school_id].casefold(), school_id))


def _short(name: str) -> str:
    return name if len(name) <= MAX_LABEL else name[:MAX_LABEL - 1].rstrip() + "…"


def _positions(order: list[int], size: Size) -> dict[int, tuple[float, float, float]]:
    """(x, y, angle) per school, clockwise from the top; one school sits in the middle."""
    cx, cy = size.width / 2, size.height / 2
    if not order:
        return {}
    if len(order) == 1:
        return {order[0]: (cx, cy, -math.pi / 2)}
    step = 2 * math.pi / len(order)
    return {school_id: (cx + size.radius * math.cos(-math.pi / 2 + i * step),
                        cy + size.radius * math.sin(-math.pi / 2 + i * step),
                        -math.pi / 2 + i * step)
            for i, school_id in enumerate(order)}


def _place(spread: PracticeSpread, school_id: int, name: str, number: int,
           where: tuple[float, float, float], size: Size) -> Place:
    x, y, angle = where
    out = size.node + 10
    cos, sin = math.cos(angle), math.sin(angle)
    anchor = "middle" if abs(cos) < 0.3 else ("start" if cos > 0 else "end")
    badge = size.node * 1.05  # the within ring and the star sit on the place's shoulders
    return Place(school_id, name, number, round(x, 1), round(y, 1),
                 school_id in spread.schools, f"{number} {_short(name)}",
                 round(x + out * cos, 1), round(y + out * sin + size.font * 0.35 +
                                                (size.font * 0.6 if sin > 0.3 else 0), 1),
                 anchor, spread.within_by_school.get(school_id, 0),
                 round(x - badge, 1), round(y - badge, 1),
                 school_id in spread.came_back,
                 star_points(x + badge, y - badge, size.node * 0.7)
                 if school_id in spread.came_back else "")


def star_points(x: float, y: float, radius: float) -> str:
    """A five-pointed star: the "came back" mark, a shape no other mark on the map has."""
    points = []
    for i in range(10):
        reach = radius if i % 2 == 0 else radius * 0.45
        angle = -math.pi / 2 + i * math.pi / 5
        points.append(f"{x + reach * math.cos(angle):.1f},{y + reach * math.sin(angle):.1f}")
    return " ".join(points)


def _toward(origin: tuple[float, float], target: tuple[float, float],
            distance: float) -> tuple[float, float]:
    dx, dy = target[0] - origin[0], target[1] - origin[1]
    length = math.hypot(dx, dy) or 1.0
    return origin[0] + dx / length * distance, origin[1] + dy / length * distance


def _arrow(source: tuple[float, float], target: tuple[float, float], term: str, count: int,
           most: int, size: Size, ids: tuple[int, int]) -> Arrow:
    """A curve bending to its left, more for later terms, so A->B, B->A and the three terms
    of one pair stay apart."""
    (x1, y1), (x2, y2) = source, target
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    bend = BENDS[term] * length
    control = ((x1 + x2) / 2 + (y2 - y1) / length * bend,
               (y1 + y2) / 2 - (x2 - x1) / length * bend)
    width = 1.5 + (size.max_stroke - 1.5) * count / most
    start = _toward(source, control, size.node + 2)
    end = _toward(target, control, size.node + 3)
    colour, dash, _ = TERM_STYLES[term]
    path = (f"M{start[0]:.1f},{start[1]:.1f} Q{control[0]:.1f},{control[1]:.1f} "
            f"{end[0]:.1f},{end[1]:.1f}")
    return Arrow(ids[0], ids[1], term, count, path, round(width, 1), colour, dash)


def draw_spread(spread: PracticeSpread, size: Size = FULL, ident: str = "spread",
                layout: dict[int, str] | None = None) -> Drawing:
    """The map of one practice's spread. `layout` (id -> name) places every school of a set
    of small multiples at the same spot in each; by default only this spread's schools."""
    names = layout if layout is not None else spread.schools
    order = numbering(names)
    positions = _positions(order, size)
    places = [_place(spread, school_id, names[school_id], number, positions[school_id], size)
              for number, school_id in enumerate(order, start=1)]
    # Small multiples draw one arrow per pair of schools: at that size terms would be noise.
    arrows = spread.arrows if size.labels else spread.pairs
    most = max((count for *_, count in arrows), default=1)
    drawn = [_arrow(positions[source][:2], positions[target][:2], term, count, most, size,
                    (source, target))
             for source, target, term, count in arrows]
    return Drawing(ident, size, places, drawn)


def describe(spread: PracticeSpread) -> str:
    """The text alternative of a map: the totals and where it came back."""
    if not spread.total:
        return (f"No tries of {spread.practice.name} were sparked in {spread.year.label} "
                "yet.")
    schools = len(spread.schools)
    parts = [(f"{spread.across_count} spark{'s' if spread.across_count != 1 else ''} "
              f"between schools and {spread.within_count} within a school, "
              f"among {schools} school{'s' if schools != 1 else ''}, in {spread.year.label}.")]
    if spread.came_back:
        names = ", ".join(spread.schools[school_id] for school_id in spread.came_back)
        parts.append(f"It came back to {names}.")
    return " ".join(parts)
