"""The search page's facets as links, worked out in Python: a page draws about sixty, and a
Jinja macro call per link cost more than the search behind them."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .backend import SearchFilters

FACETS = (("practice", "Practice"), ("school", "School"), ("grade_band", "Grade band"),
          ("subject", "Subject"), ("level", "Level"))


@dataclass(frozen=True)
class FacetLink:
    """A value that adds its filter, or removes it when it is the one chosen (`active`)."""

    href: str
    label: str
    count: int
    active: bool


@dataclass(frozen=True)
class FacetGroup:
    name: str
    heading: str
    links: list[FacetLink]


def chosen_values(filters: SearchFilters) -> dict[str, str | None]:
    return {"practice": filters.practice,
            "school": str(filters.school_id) if filters.school_id else None,
            "grade_band": filters.grade_band, "subject": filters.subject, "level": filters.level}


def facet_groups(counts: dict[str, dict[str, int]], filters: SearchFilters,
                 labels: dict[str, dict[str, str]],
                 search_url: Callable[..., str]) -> list[FacetGroup]:
    """Each facet with a value to offer, most videos first; a chosen value that no longer
    matches anything stays listed (count 0) so it can be removed."""
    groups = []
    for name, heading in FACETS:
        current = chosen_values(filters)[name]
        values = counts.get(name, {})
        if current and current not in values:
            values = {current: 0, **values}
        names = labels.get(name, {})
        links = [FacetLink(href=search_url(**{name: None if value == current else value}),
                           label=names.get(value, value), count=count,
                           active=value == current)
                 for value, count in values.items()]
        if links:
            groups.append(FacetGroup(name=name, heading=heading, links=links))
    return groups
