"""The Whoosh schema and how a VideoDocument becomes index documents.

A video is stored as one "video" document (everything, transcript included, for ranking and
snippets) plus one "cue" document per caption cue (its start time and words), so a search
can also list the moments where the words are said. Every document carries the fields the
visibility filter needs, so cue hits are filtered by the same rule as videos.
"""
from __future__ import annotations

from whoosh.analysis import StandardAnalyzer, StemmingAnalyzer
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, TEXT, Schema

from ..backend import VideoDocument

VIDEO, CUE = "video", "cue"
# Bumped whenever build_schema() changes: an index directory written for another version lacks
# fields the queries filter on, so it is treated as unusable and rebuilt (whoosh_store.py).
SCHEMA_VERSION = "2"  # 2: level


def build_schema() -> Schema:
    # English stemming: "grouping" and "groups" both index as "group".
    stemmed = StemmingAnalyzer()
    return Schema(
        doc_key=ID(unique=True, stored=True),
        kind=ID,
        video_id=ID(stored=True, sortable=True),
        title=TEXT(analyzer=stemmed, stored=True),
        description=TEXT(analyzer=stemmed, stored=True),
        # Full transcript on the video document; the cue's own words on a cue document.
        transcript=TEXT(analyzer=stemmed, stored=True),
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
        start_s=NUMERIC(numtype=float, stored=True),
        # Unstemmed words, the source of "did you mean" suggestions (stems are not words).
        spelling=TEXT(analyzer=StandardAnalyzer()),
    )


def _access_fields(document: VideoDocument) -> dict:
    return {
        "video_id": str(document.video_id),
        "visibility": document.visibility,
        "owner_id": str(document.owner_id),
        "district_id": str(document.district_id),
        "school_id": str(document.school_id),
    }


def whoosh_documents(document: VideoDocument) -> list[dict]:
    """The video document and one document per caption cue."""
    practice_words = " ".join((*document.practice_slugs, *document.practice_names))
    transcript = document.transcript
    video = {
        **_access_fields(document),
        "doc_key": f"video:{document.video_id}",
        "kind": VIDEO,
        "title": document.title,
        "description": document.description,
        "transcript": transcript,
        "practice": practice_words,
        "practices": ",".join(document.practice_slugs),
        "teacher": document.teacher_name,
        "school": document.school_name,
        "subject_text": document.subject,
        "subject": document.subject,
        "grade": document.grade_band,
        "grade_band": document.grade_band,
        "level": document.level,
        "created_at": document.created_at,
        "spelling": " ".join((document.title, document.description, " ".join(
            document.practice_names), transcript, document.teacher_name, document.school_name)),
    }
    cues = [
        {**_access_fields(document), "doc_key": f"cue:{document.video_id}:{number}",
         "kind": CUE, "transcript": cue.text, "start_s": float(cue.start_s),
         "created_at": document.created_at}
        for number, cue in enumerate(document.cues)
        if cue.text.strip()
    ]
    return [video, *cues]
