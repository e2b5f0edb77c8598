"""What a member may type into search, the same on every engine: the field names they may
name and their aliases, and what happens to text a parser cannot read (plain words, with a
notice). Each engine turns the parsed text into its own query (whoosh/query.py,
postgres/parse.py)."""
from __future__ import annotations

import re

from whoosh import query as wq

# Fields a member may name; an index's other fields (owner_id, visibility, kind ...) are
# unknown to the parsers, so "visibility:private" is read as two plain words.
NAMEABLE = ("title", "description", "transcript", "practice", "teacher", "school",
            "subject_text", "grade")
ALIASES = {
    "practice": ["practices"],
    "grade": ["grade_band", "grades"],
    "subject_text": ["subject"],
    "transcript": ["captions", "caption", "said", "says"],
}
MAX_NESTING = 8
MAX_FALLBACK_WORDS = 32
# What Whoosh's parser raises on some odd operator sequences instead of an error node.
PARSER_ERRORS = (RecursionError, ValueError, TypeError, IndexError, AssertionError)
PLAIN_WORDS_NOTICE = ("Part of your search could not be understood (quotes, brackets or "
                      "operators), so it was searched as plain words.")


def too_deep(text: str) -> bool:
    depth = deepest = 0
    for char in text:
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")":
            depth = max(0, depth - 1)
    return deepest > MAX_NESTING


def has_error(node: wq.Query) -> bool:
    if getattr(node, "error", None) is not None:
        return True
    return any(has_error(child) for child in node.children())


def plain_words(text: str) -> list[str]:
    return re.findall(r"\w+", text)[:MAX_FALLBACK_WORDS]
