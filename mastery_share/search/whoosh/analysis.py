"""Whoosh's standard and stemming analyzers, with a faster way through when indexing.

Whoosh passes every word through a chain of Python generators (tokenizer, lower case, stop
words, stemmer), a few microseconds a word; a video's transcript is 300 words analyzed twice
(stemmed for search, as written for "did you mean"), most of a rebuild's time. When a
document is indexed or highlighted (mode "index": words, positions, character offsets) the
same steps run as one loop, with stems cached in a dict; the query parser goes through
Whoosh's own chain. A test checks that both give the same tokens.
"""
from __future__ import annotations

import re

from whoosh.analysis import (
    LowercaseFilter,
    RegexTokenizer,
    StandardAnalyzer,
    StemFilter,
    StemmingAnalyzer,
    StopFilter,
    Token,
)
from whoosh.analysis.analyzers import CompositeAnalyzer

_STEMS_KEPT = 200_000  # distinct words; the cache is emptied when it grows past this


class IndexingAnalyzer(CompositeAnalyzer):
    """A RegexTokenizer | LowercaseFilter | StopFilter [| StemFilter] chain."""

    def __init__(self, *composables) -> None:
        super().__init__(*composables)
        tokenizer, lowercase, stops, *rest = self.items
        assert isinstance(tokenizer, RegexTokenizer) and not tokenizer.gaps
        assert isinstance(lowercase, LowercaseFilter) and isinstance(stops, StopFilter)
        assert stops.renumber and all(isinstance(item, StemFilter) for item in rest)
        # Whoosh's word pattern without its capturing group, so re.findall gives words.
        expression = tokenizer.expression
        self._word = re.compile(expression.pattern.replace("(\\.", "(?:\\."), expression.flags)
        assert self._word.groups == 0
        self._stemmer = rest[0] if rest else None
        self._stems: dict[str, str] = {}

    def words(self, text: str) -> list[str]:
        """The terms `text` is indexed under, in order (stop words left out)."""
        stops = self.items[2]
        stoplist, minsize, maxsize = stops.stops, stops.min, stops.max
        found = [word for word in map(str.lower, self._word.findall(text))
                 if len(word) >= minsize and (maxsize is None or len(word) <= maxsize)
                 and word not in stoplist]
        if self._stemmer is None:
            return found
        stems = self._stems
        return [stems.get(word) or self._stem(word) for word in found]

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, term) of every word of `text`, as the index mode with stop words kept
        gives them (stop words as written, the others stemmed), without a Token each: the
        highlighter reads these for every hit of a page."""
        lowered = text.lower()
        if len(lowered) != len(text):  # a letter whose lower case is longer: offsets move
            return [(token.startchar, token.endchar, token.text) for token in
                    self._indexed_words(text, False, True, False, 0, 0, False)]
        terms: dict[str, str] = {}
        term_of = terms.get
        found = []
        add = found.append
        for match in self.items[0].expression.finditer(lowered):
            word = match.group()
            term = term_of(word)
            if term is None:
                term = terms[word] = self._term(word)
            start, end = match.span()
            add((start, end, term))
        return found

    def _term(self, word: str) -> str:
        """What a lower-case word is indexed under (a stop word: itself)."""
        stops = self.items[2]
        if self._stemmer is None or len(word) < stops.min or word in stops.stops or (
                stops.max is not None and len(word) > stops.max):
            return word
        return self._stems.get(word) or self._stem(word)

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_stems"] = {}
        return state

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs):
        if mode != "index" or keeporiginal or not tokenize or not isinstance(value, str):
            return super().__call__(value, positions=positions, chars=chars,
                                    keeporiginal=keeporiginal, removestops=removestops,
                                    start_pos=start_pos, start_char=start_char,
                                    tokenize=tokenize, mode=mode, **kwargs)
        return self._indexed_words(value, positions, chars, removestops, start_pos,
                                   start_char, kwargs.get("boosts", False))

    def _indexed_words(self, value: str, positions: bool, chars: bool, removestops: bool,
                       start_pos: int, start_char: int, boosts: bool):
        tokenizer, _, stops = self.items[:3]
        stoplist, minsize, maxsize = stops.stops, stops.min, stops.max
        token = Token(positions=positions, chars=chars, removestops=removestops,
                      mode="index", boosts=boosts)
        token.boost = 1.0
        stem = self._stem if self._stemmer is not None else None
        pos = None
        matches = tokenizer.expression.finditer(value) if chars else self._word.findall(value)
        for number, match in enumerate(matches):
            text = (match.group(0) if chars else match).lower()
            if len(text) < minsize or (maxsize is not None and len(text) > maxsize) \
                    or text in stoplist:
                if removestops:
                    continue
                # Kept for highlighting: as written, at its own place, not stemmed.
                token.stopped, token.text = True, text
                if positions:
                    token.pos = start_pos + number
            else:
                # As StopFilter renumbers: the first kept word keeps its place, the rest
                # follow it.
                pos = start_pos + number if pos is None else pos + 1
                token.stopped = False
                token.text = stem(text) if stem is not None else text
                if positions:
                    token.pos = pos
            if chars:
                token.startchar = start_char + match.start()
                token.endchar = start_char + match.end()
            yield token

    def _stem(self, text: str) -> str:
        stemmed = self._stems.get(text)
        if stemmed is None:
            if len(self._stems) > _STEMS_KEPT:
                self._stems.clear()
            stemmed = self._stems[text] = self._stemmer.stemfn(text) \
                if text not in self._stemmer.ignore else text
        return stemmed


def stemming_analyzer() -> IndexingAnalyzer:
    """StemmingAnalyzer(): English stems, stop words left out."""
    return IndexingAnalyzer(StemmingAnalyzer())


def word_analyzer(minsize: int = 2) -> IndexingAnalyzer:
    """StandardAnalyzer(minsize): the words as written, lower-cased, stop words left out."""
    return IndexingAnalyzer(StandardAnalyzer(minsize=minsize))
