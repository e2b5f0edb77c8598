"""Reading what a member typed, for the PostgreSQL backend.

The text is read by the same Whoosh query parser as the Whoosh backend, so words, "phrases",
prefix*, AND/OR/NOT/ANDNOT/ANDMAYBE, brackets and the same field names (practice:, school:,
teacher:, grade:, subject:, title:, said: ...) mean the same on both backends. Each searched
word becomes a quoted to_tsquery operand ('word', 'word':*, 'two words' for a phrase) that
PostgreSQL stems with the english configuration; user text only ever reaches the database as
a bound parameter. Text the parser cannot make sense of falls back to its plain words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Connection, Text, bindparam, cast, func, select
from sqlalchemy.exc import DataError, ProgrammingError
from whoosh import query as wq
from whoosh.analysis import LowercaseFilter, RegexTokenizer
from whoosh.fields import KEYWORD, TEXT, Schema
from whoosh.qparser import FieldAliasPlugin, QueryParser
from whoosh.qparser.plugins import BoostPlugin, RangePlugin

from ..query_syntax import (
    ALIASES,
    NAMEABLE,
    PARSER_ERRORS,
    PLAIN_WORDS_NOTICE,
    has_error,
    plain_words,
    too_deep,
)
from .models import ENGLISH

# The unnamed default: every searchable field. A hyphen keeps members from naming it.
ANYWHERE = "any-field"
GRADE = "grade"
MAX_TERM_CHARS = 200  # longer "words" are in no index (and to_tsquery refuses them)


@dataclass(frozen=True)
class Words:
    """Searched words in one field: a to_tsquery operand, later its normalised tsquery."""

    field: str
    operand: str


@dataclass(frozen=True)
class Grade:
    value: str
    prefix: bool = False


@dataclass(frozen=True)
class Compound:
    kind: str  # "and", "or", "not", "andnot" (a and not b), "andmaybe" (a, b only ranks)
    children: tuple


EVERYTHING, NOTHING = "everything", "nothing"


@dataclass(frozen=True)
class ParsedText:
    tree: object
    notice: str | None = None


@lru_cache(maxsize=1)
def _schema() -> Schema:
    # Split on spaces only and keep the words whole: PostgreSQL's parser and stemmer read
    # them, exactly as they read the indexed text.
    words = RegexTokenizer(r"\S+") | LowercaseFilter()
    fields = {name: TEXT(analyzer=words) for name in (ANYWHERE, *NAMEABLE) if name != GRADE}
    return Schema(**fields, grade=KEYWORD(lowercase=True))


def _parser() -> QueryParser:
    # A parser per query, as in whoosh/query.py: cheap, and nothing is shared between threads.
    parser = QueryParser(ANYWHERE, _schema())
    parser.remove_plugin_class(BoostPlugin)
    parser.remove_plugin_class(RangePlugin)
    parser.add_plugin(FieldAliasPlugin(ALIASES))
    return parser


def parse_text(text: str) -> ParsedText:
    """The condition tree for `text`; an empty text matches every video."""
    text = text.replace("\x00", "")
    if not text.strip():
        return ParsedText(EVERYTHING)
    if not too_deep(text):
        try:
            parsed = _parser().parse(text)
        except PARSER_ERRORS:
            parsed = None
        if parsed is not None and not has_error(parsed):
            return ParsedText(_tree(parsed))
    return plain_words_tree(text)


def plain_words_tree(text: str) -> ParsedText:
    """Any of the plain words of `text`: the answer to text the parser cannot read (or whose
    parsed form PostgreSQL refuses)."""
    words = plain_words(text.replace("\x00", ""))
    tree = Compound("or", tuple(Words(ANYWHERE, quoted(word)) for word in words))
    return ParsedText(tree if words else NOTHING, PLAIN_WORDS_NOTICE)


def quoted(word: str) -> str:
    """A to_tsquery operand holding `word` literally: inside quotes, PostgreSQL's text
    parser splits it into lexemes (several make a phrase); nothing in it is an operator."""
    word = word[:MAX_TERM_CHARS].replace("\\", "\\\\").replace("'", "''")
    return f"'{word}'"


def _field(node) -> str:
    return node.fieldname or ANYWHERE


def _tree(node: wq.Query):
    if node is wq.NullQuery:
        return NOTHING
    if isinstance(node, wq.Every):
        return EVERYTHING
    if isinstance(node, wq.Not):
        return Compound("not", (_tree(node.query),))
    if isinstance(node, wq.AndNot):
        return Compound("andnot", (_tree(node.a), _tree(node.b)))
    if isinstance(node, wq.AndMaybe):
        return Compound("andmaybe", (_tree(node.a), _tree(node.b)))
    if isinstance(node, wq.And | wq.Or):
        kind = "and" if isinstance(node, wq.And) else "or"
        return Compound(kind, tuple(_tree(child) for child in node.children()))
    if isinstance(node, wq.Phrase):
        return _words(_field(node), " ".join(node.words), prefix=False)
    if isinstance(node, wq.Prefix):
        return _words(_field(node), node.text, prefix=True)
    if isinstance(node, wq.Wildcard):
        # Only a leading run of letters can be looked up in a text index: a*b -> a*.
        head = re.split(r"[*?]", node.text, maxsplit=1)[0]
        return _words(_field(node), head, prefix=True) if head else NOTHING
    if isinstance(node, wq.Term):
        return _words(_field(node), node.text, prefix=False)
    return NOTHING


def _words(field: str, text: str, *, prefix: bool):
    if not text.strip():
        return NOTHING
    if field == GRADE:
        return Grade(text.lower(), prefix)
    return Words(field, quoted(text) + (":*" if prefix else ""))


def resolve(connection: Connection, parsed: ParsedText) -> ParsedText:
    """The parsed text with every searched word as PostgreSQL's stemmed tsquery, in one round
    trip; words that are only stop words or punctuation are dropped."""
    found = sorted(operands(parsed.tree))
    if not found:
        return parsed
    columns = [cast(func.to_tsquery(ENGLISH, bindparam(f"w{number}", operand, type_=Text())),
                    Text) for number, operand in enumerate(found)]
    tsqueries = dict(zip(found, connection.execute(select(*columns)).one(), strict=True))
    return ParsedText(normalised(parsed.tree, tsqueries), parsed.notice)


def resolve_text(connection: Connection, text: str) -> ParsedText:
    """parse_text(text), resolved."""
    try:
        return resolve(connection, parse_text(text))
    except (DataError, ProgrammingError):
        # Whatever PostgreSQL refused in the parsed form, its plain words are safe.
        connection.rollback()
        return resolve(connection, plain_words_tree(text))


def operands(tree) -> set[str]:
    """Every to_tsquery operand in the tree (normalised together in one round trip)."""
    if isinstance(tree, Words):
        return {tree.operand}
    if isinstance(tree, Compound):
        return set().union(*(operands(child) for child in tree.children))
    return set()


def normalised(tree, tsqueries: dict[str, str]):
    """The tree with each operand replaced by PostgreSQL's tsquery for it, and emptied parts
    (stop words, punctuation) dropped as Whoosh drops them: from an AND or OR, and with
    them any NOT of them."""
    if isinstance(tree, Words):
        found = tsqueries.get(tree.operand, "")
        return Words(tree.field, found) if found else NOTHING
    if not isinstance(tree, Compound):
        return tree
    children = tuple(normalised(child, tsqueries) for child in tree.children)
    if tree.kind in ("and", "or"):
        kept = tuple(child for child in children if child != NOTHING)
        if not kept:
            return NOTHING
        return kept[0] if len(kept) == 1 else Compound(tree.kind, kept)
    if tree.kind == "not":
        return NOTHING if children[0] == NOTHING else Compound("not", children)
    first, second = children
    if first == NOTHING:
        return NOTHING
    return first if second == NOTHING else Compound(tree.kind, children)


def positive_words(tree, fields: tuple[str, ...] | None = None) -> list[str]:
    """The normalised tsqueries of words the member asked to find (not those after NOT),
    optionally only those searched in `fields`."""
    if isinstance(tree, Words):
        return [tree.operand] if fields is None or tree.field in fields else []
    if not isinstance(tree, Compound) or tree.kind == "not":
        return []
    wanted = tree.children[:1] if tree.kind == "andnot" else tree.children
    return [text for child in wanted for text in positive_words(child, fields)]


def any_of(tsqueries: list[str]) -> str | None:
    """One tsquery text matching any of these (normalised) tsqueries."""
    unique = list(dict.fromkeys(tsqueries))
    return " | ".join(f"( {text} )" for text in unique) if unique else None
