"""Writing the PostgreSQL index: a VideoDocument becomes one search_documents row, one
search_texts row and a row per caption cue, and its words join the lexicon; removing the
document removes the rest (ON DELETE CASCADE), and so does deleting the video itself.

Every write transaction first takes one transaction-scoped advisory lock, so index writers
on any machine take turns (as Whoosh's single writer does) and never deadlock each other;
searches are not blocked by it and read the last committed state (MVCC).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from itertools import islice

from sqlalchemy import (
    Connection,
    Float,
    bindparam,
    delete,
    func,
    insert,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import Text

from ...db_types import UTCDateTime, utcnow
from ...videos.models import Video
from ..backend import VideoDocument
from .models import (
    ENGLISH,
    SearchCue,
    SearchDocument,
    SearchIndexState,
    SearchText,
    SearchWord,
)

# Any fixed number: the key of pg_advisory_xact_lock that every index writer takes.
WRITER_LOCK_KEY = 6_270_011_417
REBUILD_CHUNK = 200
MAX_WORD_CHARS = 40  # longer "words" are never worth suggesting (and the key stays small)
_WORD = re.compile(r"[^\W\d_]+")

_documents = SearchDocument.__table__
_texts = SearchText.__table__
_cues = SearchCue.__table__
_words = SearchWord.__table__
_state = SearchIndexState.__table__
_videos = Video.__table__


def lock_writers(connection: Connection) -> None:
    """Wait until this transaction is the only index writer (released at its end)."""
    connection.execute(select(func.pg_advisory_xact_lock(WRITER_LOCK_KEY)))


def index_built(connection: Connection) -> bool:
    return connection.scalar(select(_state.c.id)) is not None


def _vector(name: str, weight: str | None = None) -> ColumnElement:
    vector = func.to_tsvector(ENGLISH, bindparam(name, type_=Text()))
    return func.setweight(vector, literal_column(f"'{weight}'")) if weight else vector


def _upsert(table, **values):
    statement = pg_insert(table).values(**values)
    return statement.on_conflict_do_update(
        index_elements=[table.c.video_id],
        set_={column.name: statement.excluded[column.name]
              for column in table.c if column.name != "video_id"})


_UPSERT_DOCUMENTS = _upsert(
    _documents,
    video_id=bindparam("p_video_id"), visibility=bindparam("p_visibility"),
    owner_id=bindparam("p_owner_id"), district_id=bindparam("p_district_id"),
    school_id=bindparam("p_school_id"), grade_band=bindparam("p_grade_band"),
    subject=bindparam("p_subject"), level=bindparam("p_level"),
    practice_slugs=bindparam("p_practice_slugs", type_=ARRAY(Text())),
    created_at=bindparam("p_created_at", type_=UTCDateTime()),
    document=(_vector("p_title", "A").op("||")(_vector("p_practice_text", "B"))
              .op("||")(_vector("p_description", "C")).op("||")(_vector("p_others", "D"))),
    fields=(_vector("p_title", "A").op("||")(_vector("p_practice_text", "B"))
            .op("||")(_vector("p_teacher_name", "C")).op("||")(_vector("p_school_name", "D"))),
    description_vector=_vector("p_description"), transcript_vector=_vector("p_transcript"),
)
_UPSERT_TEXTS = _upsert(
    _texts,
    video_id=bindparam("p_video_id"), title=bindparam("p_title"),
    description=bindparam("p_description"),
    transcript=bindparam("p_transcript"),
)
_INSERT_CUES = insert(_cues).values(
    video_id=bindparam("p_video_id"), position=bindparam("p_position"),
    start_s=bindparam("p_start_s"), text=bindparam("p_text", type_=Text()),
    words=_vector("p_text"), word_starts=bindparam("p_word_starts", type_=ARRAY(Float())))


def _add_words():
    statement = pg_insert(_words)
    # Rows in word order: two writers could not deadlock even without the writer lock.
    return statement.on_conflict_do_update(
        index_elements=[_words.c.word],
        set_={"occurrences": _words.c.occurrences + statement.excluded.occurrences})


_ADD_WORDS = _add_words()


def _clean(text: str) -> str:
    # PostgreSQL text cannot hold NUL; nothing a viewer reads is lost.
    return text.replace("\x00", "")


def _document_row(document: VideoDocument) -> dict:
    practice_text = " ".join((*document.practice_slugs, *document.practice_names))
    others = (f"{document.transcript} {document.teacher_name} {document.school_name} "
              f"{document.subject}")
    return {
        "p_video_id": document.video_id, "p_visibility": document.visibility,
        "p_owner_id": document.owner_id, "p_district_id": document.district_id,
        "p_school_id": document.school_id, "p_grade_band": document.grade_band,
        "p_subject": _clean(document.subject), "p_level": document.level,
        "p_practice_slugs": list(document.practice_slugs),
        "p_created_at": document.created_at, "p_title": _clean(document.title),
        "p_description": _clean(document.description),
        "p_transcript": _clean(document.transcript), "p_practice_text": _clean(practice_text),
        "p_teacher_name": _clean(document.teacher_name),
        "p_school_name": _clean(document.school_name), "p_others": _clean(others),
    }


def _cue_rows(document: VideoDocument) -> list[dict]:
    return [{"p_video_id": document.video_id, "p_position": position,
             "p_start_s": float(cue.start_s), "p_text": _clean(cue.text),
             "p_word_starts": [float(start) for start in cue.word_starts]}
            for position, cue in enumerate(document.cues) if cue.text.strip()]


def words_of(document: VideoDocument) -> Counter[str]:
    """The words "did you mean" may offer: those of the fields Whoosh spells from."""
    text = " ".join((document.title, document.description, " ".join(document.practice_names),
                     document.transcript, document.teacher_name, document.school_name))
    return Counter(word for word in _WORD.findall(text.lower())
                   if 2 <= len(word) <= MAX_WORD_CHARS)


def add_words(connection: Connection, counts: Counter[str]) -> None:
    if counts:
        connection.execute(_ADD_WORDS, [{"word": word, "occurrences": count}
                                        for word, count in sorted(counts.items())])


def write_documents(connection: Connection, documents: list[VideoDocument], *,
                    lexicon: Counter[str] | None = None) -> None:
    """Add or replace these videos' rows (a video deleted meanwhile is skipped). Their words
    are added to `lexicon` when given (a rebuild writes it once), else to search_words."""
    by_id = {document.video_id: document for document in documents}
    # FOR KEY SHARE: a video being deleted now is waited for and then skipped (its queued
    # removal follows), and none can be deleted until this commits, so the foreign keys
    # always hold.
    present = list(connection.scalars(
        select(_videos.c.id).where(_videos.c.id.in_(by_id)).order_by(_videos.c.id)
        .with_for_update(key_share=True)))
    if not present:
        return
    written = [by_id[video_id] for video_id in present]
    rows = [_document_row(document) for document in written]
    # The document row first: its row lock makes two writes of one video take turns.
    connection.execute(_UPSERT_DOCUMENTS, rows)
    connection.execute(_UPSERT_TEXTS, rows)
    connection.execute(delete(_cues).where(_cues.c.video_id.in_(present)))
    cues = [row for document in written for row in _cue_rows(document)]
    if cues:
        connection.execute(_INSERT_CUES, cues)
    words = Counter() if lexicon is None else lexicon
    for document in written:
        words.update(words_of(document))
    if lexicon is None:
        add_words(connection, words)


def remove_documents(connection: Connection, video_ids: list[int]) -> None:
    connection.execute(delete(_documents).where(_documents.c.video_id.in_(video_ids)))


def replace_all(connection: Connection, documents: Iterable[VideoDocument]) -> int:
    """Every row replaced by these documents' (in the caller's one transaction); returns
    how many documents were given."""
    # DELETE rather than TRUNCATE: TRUNCATE's exclusive lock would stop every search until
    # the commit, while deleted rows stay readable to them until then.
    connection.execute(delete(_documents))
    connection.execute(delete(_words))
    lexicon: Counter[str] = Counter()
    count = 0
    for chunk in _chunks(documents, REBUILD_CHUNK):
        write_documents(connection, chunk, lexicon=lexicon)
        count += len(chunk)
    add_words(connection, lexicon)
    built = pg_insert(_state).values(id=1, built_at=utcnow())
    connection.execute(built.on_conflict_do_update(index_elements=[_state.c.id],
                                                   set_={"built_at": built.excluded.built_at}))
    return count


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
