"""Snippets from a Whoosh index: the stored text escaped, the searched words (in any of their
English forms, as the search matched them) in <mark>, and "…" where a passage starts or ends
inside the text (snippets.py).

Snippets are made from a document's stored text and the query's words, as Whoosh's own
highlighter does when it re-reads a text, but without a Results object: a page ranked by
upload time, or a caption cue, is highlighted the same way as a page ranked by score.
"""
from __future__ import annotations

from collections.abc import Mapping

from whoosh import highlight
from whoosh import query as wq
from whoosh.searching import Searcher

from ..snippets import BETWEEN, escape, excerpt

HIGHLIGHTED_FIELDS = ("title", "description", "transcript")
PASSAGES_PER_FIELD = 2

QueryWords = Mapping[str, frozenset[str]]  # field -> the words to mark in it


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


def query_words(searcher: Searcher, q: wq.Query) -> QueryWords:
    """The words of `q` (prefixes expanded to the words the index holds), by field."""
    reader, words = searcher.reader(), {}
    for fieldname in HIGHLIGHTED_FIELDS:
        # One field at a time: asked for all at once, Whoosh-Reloaded 2.7.5 returns only the
        # first field's (its loop variable overwrites the field argument).
        field = searcher.schema[fieldname]
        found = q.existing_terms(reader, phrases=True, expand=True, fieldname=fieldname)
        if found:
            words[fieldname] = frozenset(field.from_bytes(text) for _, text in found)
    return words


def _snippet(searcher: Searcher, fieldname: str, text: str, words: frozenset[str],
             fragmenter: highlight.Fragmenter, top: int) -> str:
    analyzer = searcher.schema[fieldname].analyzer
    if words.isdisjoint(analyzer.words(text)):
        return ""  # a quick look first: most fields of a hit hold none of the words
    tokens = analyzer(text, positions=True, chars=True, mode="index", removestops=False)
    tokens = highlight.set_matched_filter(tokens, words)
    tokens = highlight.Highlighter._merge_matched_tokens(tokens)
    fragments = highlight.top_fragments(fragmenter.fragment_tokens(text, tokens), top,
                                        highlight.BasicFragmentScorer(), highlight.FIRST,
                                        minscore=1)
    return SnippetFormatter().format(fragments)


def field_snippets(searcher: Searcher, texts: Mapping[str, str],
                   words: QueryWords) -> dict[str, str]:
    """Field name -> snippet, for the fields (of `texts`) where a searched word is found."""
    snippets = {}
    for fieldname in HIGHLIGHTED_FIELDS:
        if not words.get(fieldname) or not texts.get(fieldname):
            continue
        # A title is shown whole; long texts as the passages around the matches.
        fragmenter = _whole() if fieldname == "title" else _passages()
        snippet = _snippet(searcher, fieldname, texts[fieldname], words[fieldname],
                           fragmenter, PASSAGES_PER_FIELD)
        if snippet:
            snippets[fieldname] = snippet
    return snippets


def marked_whole_text(searcher: Searcher, fieldname: str, text: str,
                      words: frozenset[str]) -> str:
    """The whole text with the searched words marked (escaped only when none is in it)."""
    return _snippet(searcher, fieldname, text, words, _whole(), 1) or escape(text)
