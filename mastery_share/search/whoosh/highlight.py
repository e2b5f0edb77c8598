"""Snippets from a Whoosh index: the stored text escaped, the searched words (in any of their
English forms, as the search matched them) in <mark>, and "…" where a passage starts or ends
inside the text (snippets.py)."""
from __future__ import annotations

from whoosh import highlight
from whoosh.searching import Hit, Results

from ..snippets import BETWEEN, escape, excerpt

HIGHLIGHTED_FIELDS = ("title", "description", "transcript")
PASSAGES_PER_FIELD = 2


class SnippetFormatter(highlight.HtmlFormatter):
    def __init__(self) -> None:
        super().__init__(tagname="mark", classname="match", between=BETWEEN)

    def _text(self, text: str) -> str:
        return escape(text)

    def format(self, fragments, replace=False) -> str:
        if not fragments:
            return ""
        ordered = sorted(fragments, key=lambda fragment: fragment.startchar)
        body = self.between.join(self.format_fragment(fragment, replace=replace)
                                 for fragment in ordered)
        text = ordered[0].text
        return excerpt(body, head=text[:ordered[0].startchar], tail=text[ordered[-1].endchar:])


def _whole() -> highlight.Fragmenter:
    return highlight.WholeFragmenter(charlimit=None)


def _passages() -> highlight.Fragmenter:
    return highlight.ContextFragmenter(maxchars=160, surround=60, charlimit=None)


def use_snippets(results: Results) -> None:
    results.formatter = SnippetFormatter()


def field_snippets(hit: Hit) -> dict[str, str]:
    """Field name -> snippet, for the fields of the hit where a searched word is found."""
    snippets = {}
    for fieldname in HIGHLIGHTED_FIELDS:
        # A title is shown whole; long texts as the passages around the matches.
        hit.results.fragmenter = _whole() if fieldname == "title" else _passages()
        snippet = hit.highlights(fieldname, top=PASSAGES_PER_FIELD)
        if snippet:
            snippets[fieldname] = snippet
    return snippets


def marked_whole_text(hit: Hit, fieldname: str) -> str:
    """The whole stored text of the field with the searched words marked (escaped only when
    none of them is in it)."""
    hit.results.fragmenter = _whole()
    return hit.highlights(fieldname, top=1) or escape(hit[fieldname])
