"""The spread page's two long repeated parts, its arrows and its table rows, written in
Python: a dense district has a thousand of each, and building them in Jinja, attribute by
attribute, was most of the page's time (bench/bench_spread.py). Every name is escaped."""
from __future__ import annotations

from markupsafe import Markup, escape

from .spread import PracticeSpread
from .spread_drawing import Drawing

KIND_LABELS = {"video": "Video", "booking": "Classroom visit",
               "collection_item": "Collection clip"}


def arrow_paths(drawing: Drawing) -> Markup:
    """One <path> per arrow, its facts in data- attributes."""
    markers = {key: drawing.marker_id(key) for key, _, _ in drawing.terms}
    return Markup("\n".join(
        f'<path class="spread-arrow" d="{arrow.path}" stroke="{arrow.colour}" '
        f'stroke-width="{arrow.width}"'
        + (f' stroke-dasharray="{arrow.dash}"' if arrow.dash else "")
        + f' marker-end="url(#{markers[arrow.term]})" data-from="{arrow.from_school_id}" '
        f'data-to="{arrow.to_school_id}" data-term="{arrow.term}" data-count="{arrow.count}"/>'
        for arrow in drawing.arrows))


def table_rows(spread: PracticeSpread) -> Markup:
    """One <tr> per from school, to school, term and kind; a row within a school says so."""
    names = {school_id: str(escape(name)) for school_id, name in spread.schools.items()}
    rows = []
    for source, target, term, kind, count in spread.rows:
        to = "Same school (within)" if source == target else names[target]
        rows.append(f'<tr data-from="{source}" data-to="{target}" data-term="{term}" '
                    f'data-kind="{kind}" data-count="{count}"><td>{names[source]}</td>'
                    f'<td>{to}</td><td>{term.capitalize()}</td>'
                    f'<td>{KIND_LABELS.get(kind, escape(kind))}</td>'
                    f'<td class="text-end">{count}</td></tr>')
    return Markup("\n".join(rows))
