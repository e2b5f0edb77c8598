"""How a highlight snippet shows where it was cut, the same on both backends.

A snippet is HTML: the field's text escaped, the searched words in <mark>. When it starts or
ends inside the text it starts or ends with "…", so a reader knows it is an excerpt; when it
is the whole field it has none. Leaving out only spaces or punctuation is not a cut: that
piece is shown as it is (both backends' passages start and end on a word).
"""
from __future__ import annotations

import html
import re

ELLIPSIS = "…"
BETWEEN = f" {ELLIPSIS} "  # between two passages of one field
_WORD = re.compile(r"\w")


def escape(text: str) -> str:
    """Text as HTML content (quotes too, so both backends escape alike)."""
    return html.escape(text, quote=True)


def excerpt(body: str, *, head: str | None, tail: str | None) -> str:
    """`body` (the passages as HTML) as a snippet of its field: `head` and `tail` are the
    field's text before and after it, None when unknown (then taken as cut)."""
    start = ELLIPSIS + " " if _cut(head) else escape(head.lstrip())
    end = " " + ELLIPSIS if _cut(tail) else escape(tail.rstrip())
    return start + body + end


def _cut(text: str | None) -> bool:
    return text is None or _WORD.search(text) is not None
