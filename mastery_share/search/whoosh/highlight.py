"""Snippets from a Whoosh index: the stored text escaped, the searched words (in any of their
English forms, as the search matched them) in <mark>, and "…" where a passage starts or ends
inside the text (snippets.py).

Snippets are made from a document's stored text and the query's words, as Whoosh's own
highlighter does when it re-reads a text, but without a Results object: a page ranked by
upload time, or a caption cue, is highlighted the same way as a page ranked by score.
Whoosh's passages (ContextFragmenter) are cut by one loop over the words' spans instead of
its chain of token generators, half of a common word's search at 20,000 videos; a test
compares the two on every transcript of a library.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping

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


PASSAGE_CHARS = 160  # a passage's longest
PASSAGE_CONTEXT = 60  # characters of context before its first and after its last match


class _Matched:
    """A matched word, with what a Fragment and the formatter read of it."""

    __slots__ = ("endchar", "startchar", "text")
    boost = 1.0

    def __init__(self, startchar: int, endchar: int, text: str) -> None:
        self.startchar, self.endchar, self.text = startchar, endchar, text


def whole_fragments(text: str, spans: list[tuple[int, int, str]],
                    words: frozenset[str]) -> list[highlight.Fragment]:
    """WholeFragmenter's: the whole text with its matched words."""
    return [highlight.Fragment(text, [_Matched(start, end, term)
                                      for start, end, term in spans if term in words])]


def context_fragments(text: str, spans: list[tuple[int, int, str]], words: frozenset[str],
                      maxchars: int = PASSAGE_CHARS, surround: int = PASSAGE_CONTEXT
                      ) -> Iterator[highlight.Fragment]:
    """The passages ContextFragmenter(maxchars, surround) cuts, step for step."""
    first = None  # where the passage being cut starts
    firsts: deque[int] = deque()  # starts of the words just before, within `surround`
    countdown = -1  # characters left before the passage ends; < 0: not in a passage
    matches: list[_Matched] = []
    length = 0
    endchar = 0
    for startchar, endchar, term in spans:
        matched = term in words
        size = endchar - startchar
        if countdown < 0 and not matched:
            firsts.append(startchar)
            while firsts and endchar - firsts[0] > surround:
                firsts.popleft()
        elif length + size > maxchars:
            countdown = 0
        elif matched:
            countdown = surround
            if first is None:
                if firsts:
                    first = firsts[0]
                else:
                    first = startchar
                    countdown += surround  # the context not used before goes after
            matches.append(_Matched(startchar, endchar, term))
        if countdown >= 0:
            length += size
            countdown -= size
            if countdown <= 0:
                # Whoosh's quirk kept: a countdown ending at exactly 0 cuts one more, empty
                # passage at the next word, from 0 as mkfrag makes it (scored 0, never shown).
                yield highlight.Fragment(text, matches, 0 if first is None else first, endchar)
                matches, firsts, first, length = [], deque(), None, 0
    if matches:
        yield highlight.Fragment(text, matches, first, endchar)


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
             whole: bool, top: int) -> str:
    analyzer = searcher.schema[fieldname].analyzer
    if words.isdisjoint(analyzer.words(text)):
        return ""  # a quick look first: most fields of a hit hold none of the words
    spans = analyzer.spans(text)
    fragments = whole_fragments(text, spans, words) if whole else \
        context_fragments(text, spans, words)
    best = highlight.top_fragments(fragments, top, highlight.BasicFragmentScorer(),
                                   highlight.FIRST, minscore=1)
    return SnippetFormatter().format(best)


def field_snippets(searcher: Searcher, texts: Mapping[str, str],
                   words: QueryWords) -> dict[str, str]:
    """Field name -> snippet, for the fields (of `texts`) where a searched word is found."""
    snippets = {}
    for fieldname in HIGHLIGHTED_FIELDS:
        if not words.get(fieldname) or not texts.get(fieldname):
            continue
        # A title is shown whole; long texts as the passages around the matches.
        snippet = _snippet(searcher, fieldname, texts[fieldname], words[fieldname],
                           fieldname == "title", PASSAGES_PER_FIELD)
        if snippet:
            snippets[fieldname] = snippet
    return snippets


def marked_whole_text(searcher: Searcher, fieldname: str, text: str,
                      words: frozenset[str]) -> str:
    """The whole text with the searched words marked (escaped only when none is in it)."""
    return _snippet(searcher, fieldname, text, words, True, 1) or escape(text)
