"""The Whoosh schema and how a VideoDocument becomes one index document.

One document per video. Its caption cues are not documents of their own (that made 30 tiny
documents per video, slow to write and mixed into the transcript's postings): they are
stored with the video, start, words and word times, and the moments of a results page are
found in them when the page is shown (captions.py). Beside the videos, vocabulary documents
hold the words "did you mean" may offer (no visibility fields: no search ever finds them).
"""
from __future__ import annotations

from collections.abc import Mapping

from whoosh import formats
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, FieldType, Schema
from whoosh.system import pack_uint

from ..backend import VideoDocument
from .analysis import stemming_analyzer, word_analyzer

# Bumped whenever build_schema() changes: an index directory written for another version lacks
# fields the queries filter on, so it is treated as unusable and rebuilt (store.py).
SCHEMA_VERSION = "3"  # 2: level; 3: one document per video, cues stored with it

# A stored cue: (start seconds, text, word start seconds).
StoredCue = tuple[float, str, tuple[float, ...]]


class WordCounts(formats.Frequency):
    """Frequency postings whose value may also be (word, count) pairs counted beforehand."""

    def word_values(self, value, analyzer, **kwargs):
        if value and isinstance(value, tuple) and isinstance(value[0], tuple):
            for word, count in value:
                yield word, count, count * self.field_boost, pack_uint(count)
            return
        yield from super().word_values(value, analyzer, **kwargs)


_WORDS = word_analyzer(minsize=3)


def build_schema() -> Schema:
    # English stemming: "grouping" and "groups" both index as "group".
    stemmed = stemming_analyzer()
    return Schema(
        video_id=ID(unique=True, stored=True, sortable=True),
        title=TEXT(analyzer=stemmed, stored=True),
        description=TEXT(analyzer=stemmed, stored=True),
        # Not stored: the text is the stored cues' words, joined (transcript_of).
        transcript=TEXT(analyzer=stemmed),
        cues=STORED,
        # Practice slugs and names as words ("practice:differentiation"); slugs exactly below.
        practice=TEXT(analyzer=stemmed),
        practices=KEYWORD(commas=True),
        teacher=TEXT(analyzer=stemmed),
        school=TEXT(analyzer=stemmed),
        school_id=ID,
        subject_text=TEXT(analyzer=stemmed),
        subject=ID,
        grade=KEYWORD(lowercase=True),
        grade_band=ID,
        level=ID,
        visibility=ID,
        owner_id=ID,
        district_id=ID,
        created_at=DATETIME(sortable=True),
        # The vocabulary of "did you mean" (stems are not words), kept in vocabulary
        # documents, not in each video's (which doubled the postings a video writes): one
        # for a rebuild, one per video indexed since, found by `vocabulary_of`. A word's
        # weight is how many videos said it. Scorable only for its length column: without
        # one, Whoosh-Reloaded 2.7.5 checks on disk for it at every posting it writes.
        spelling=FieldType(WordCounts(), analyzer=_WORDS, scorable=True),
        vocabulary_of=ID,
    )


def stored_cues(document: VideoDocument) -> tuple[StoredCue, ...]:
    """The cues with words, in time order (caption hits are listed first by time)."""
    cues = [(round(float(cue.start_s), 3), cue.text, tuple(float(s) for s in cue.word_starts))
            for cue in document.cues if cue.text.strip()]
    return tuple(sorted(cues, key=lambda cue: cue[0]))


def transcript_of(cues: tuple[StoredCue, ...]) -> str:
    return " ".join(cue[1] for cue in cues)


def whoosh_document(document: VideoDocument) -> dict:
    """The index document of a video."""
    cues = stored_cues(document)
    transcript = transcript_of(cues)
    return {
        "video_id": str(document.video_id),
        "visibility": document.visibility,
        "owner_id": str(document.owner_id),
        "district_id": str(document.district_id),
        "school_id": str(document.school_id),
        "title": document.title,
        "description": document.description,
        "transcript": transcript,
        "cues": cues,
        "practice": " ".join((*document.practice_slugs, *document.practice_names)),
        "practices": ",".join(document.practice_slugs),
        "teacher": document.teacher_name,
        "school": document.school_name,
        "subject_text": document.subject,
        "subject": document.subject,
        "grade": document.grade_band,
        "grade_band": document.grade_band,
        "level": document.level,
        "created_at": document.created_at,
    }


def spelling_words(document: VideoDocument) -> set[str]:
    """The words of the video a suggestion may offer, as written (lower-cased)."""
    text = " ".join((document.title, document.description, " ".join(document.practice_names),
                     document.transcript, document.teacher_name, document.school_name))
    return set(_WORDS.words(text))


def vocabulary_document(counts: Mapping[str, int], video_id: int | None = None) -> dict:
    """A document holding words and how many videos said each (`video_id`: the video whose
    words these are, replaced when it is indexed again)."""
    document: dict = {"spelling": tuple(sorted(counts.items()))}
    if video_id is not None:
        document["vocabulary_of"] = str(video_id)
    return document
