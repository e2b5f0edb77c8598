"""The reference the search engines are measured against: SQLite FTS5 on the same documents,
doing the same work for a page of results, written as well as we know how.

* `docs`, an FTS5 table of the searchable fields (Porter stemming, like the engines' English
  stemmers), its rowid the video id; ranked by bm25 with the engines' field weights
  (title 3, practices 2, description 1.5, the rest 1);
* `videos`, a plain table of what visibility and the facets read, and `video_practices`;
* `cues`, an FTS5 table of caption cues (rowid = video id * 1000 + position), so a hit lists
  the moments its words are said, as the engines do.

A search is one query for the page (bm25 order or newest first, with highlighted title and
snippets), one for the total and every facet's counts (a materialized CTE of the hits,
grouped five ways), and one small cue query per hit on the page, with the same visibility
rule (owner, or district-wide, or the viewer's school) and facet filters in SQL. No "did you
mean" suggestions: the engines make them only when nothing is found.
"""
from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path

WEIGHTS = {"title": 3.0, "practice": 2.0, "description": 1.5, "transcript": 1.0,
           "teacher": 1.0, "school": 1.0, "subject": 1.0, "grade": 1.0}
COLUMNS = tuple(WEIGHTS)
FIELD_NAMES = {"title": "title", "description": "description", "transcript": "transcript",
               "said": "transcript", "says": "transcript", "caption": "transcript",
               "captions": "transcript", "practice": "practice", "practices": "practice",
               "teacher": "teacher", "school": "school", "subject": "subject",
               "subject_text": "subject", "grade": "grade", "grade_band": "grade",
               "grades": "grade"}
CAPTION_HITS_PER_VIDEO = 5
CUE_SLOTS = 1000  # cue rowids: video id * CUE_SLOTS + position
# The visibility rule of videos/visibility.py for a teacher (no admin, no network videos here).
VISIBLE = ("(v.owner_id = :viewer OR (v.visibility = 'district' AND v.district_id = :district) "
           "OR (v.visibility = 'school' AND v.school_id = :school))")
_TOKEN = re.compile(r'(?:(\w+):)?(?:"([^"]*)"?|(\S+))')
_WORD = re.compile(r"\w+")

SCHEMA = f"""
CREATE VIRTUAL TABLE docs USING fts5({", ".join(COLUMNS)}, tokenize='porter unicode61');
CREATE VIRTUAL TABLE cues USING fts5(text, start_s UNINDEXED, tokenize='porter unicode61');
CREATE TABLE videos (video_id INTEGER PRIMARY KEY, visibility TEXT, owner_id INTEGER,
    district_id INTEGER, school_id INTEGER, grade_band TEXT, subject TEXT, level TEXT,
    created_at TEXT);
CREATE INDEX ix_videos_created_at ON videos (created_at);
CREATE TABLE video_practices (video_id INTEGER, slug TEXT, PRIMARY KEY (video_id, slug))
    WITHOUT ROWID;
"""


def match_expression(text: str) -> tuple[str | None, str | None]:
    """The FTS5 MATCH for the video documents (every term required) and for the cues (any
    term said), from the same syntax members type: words, "phrases", prefix*, field:word."""
    video_terms, cue_terms = [], []
    for field, quoted, bare in _TOKEN.findall(text):
        column = FIELD_NAMES.get(field.lower()) if field else None
        raw = quoted if quoted or bare == "" else bare
        words = _WORD.findall(raw)
        if field and column is None:  # an unknown field name is read as a plain word
            video_terms.append(f'"{field}"')
            cue_terms.append(f'"{field}"')
        if not words:
            continue
        term = '"' + " ".join(words) + '"'
        if not quoted and len(words) == 1 and raw.endswith("*"):
            term += "*"
        video_terms.append(f"{column} : {term}" if column else term)
        if column in (None, "transcript"):
            cue_terms.append(term)
    return (" AND ".join(video_terms) or None), (" OR ".join(cue_terms) or None)


class Fts5Reference:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.connection = sqlite3.connect(path, check_same_thread=False)
        self.connection.execute("PRAGMA journal_mode=WAL")
        self.connection.execute("PRAGMA cache_size=-200000")  # 200 MB, as the engines cache

    def build(self, documents: Iterable) -> int:
        """Every document written in one transaction, the FTS indexes merged (optimize)."""
        connection = self.connection
        connection.executescript(SCHEMA)
        count = 0
        with connection:
            for document in documents:
                self._insert(document)
                count += 1
            connection.execute("INSERT INTO docs(docs) VALUES ('optimize')")
            connection.execute("INSERT INTO cues(cues) VALUES ('optimize')")
        connection.execute("ANALYZE")
        return count

    def _insert(self, document) -> None:
        execute = self.connection.execute
        practice = " ".join((*document.practice_slugs, *document.practice_names))
        execute("INSERT INTO docs (rowid, title, practice, description, transcript, teacher, "
                "school, subject, grade) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (document.video_id, document.title, practice, document.description,
                 document.transcript, document.teacher_name, document.school_name,
                 document.subject, document.grade_band))
        execute("INSERT INTO videos VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (document.video_id, document.visibility, document.owner_id,
                 document.district_id, document.school_id, document.grade_band,
                 document.subject, document.level, document.created_at.isoformat()))
        self.connection.executemany(
            "INSERT INTO video_practices VALUES (?, ?)",
            [(document.video_id, slug) for slug in document.practice_slugs])
        self.connection.executemany(
            "INSERT INTO cues (rowid, text, start_s) VALUES (?, ?, ?)",
            [(document.video_id * CUE_SLOTS + position, cue.text, cue.start_s)
             for position, cue in enumerate(document.cues)])

    def size_bytes(self) -> int:
        self.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return self.path.stat().st_size

    def query(self, request) -> dict:
        """The page of hits (with snippets and caption moments), the total and the facets."""
        viewer, filters = request.viewer, request.filters
        match, cue_match = match_expression(request.text)
        if request.text.strip() and match is None:
            return {"total": 0, "hits": [], "facets": {}}
        where = [VISIBLE]
        params = {"viewer": viewer.user_id, "district": viewer.district_id,
                  "school": viewer.school_id, "match": match,
                  "limit": request.per_page, "offset": (request.page - 1) * request.per_page}
        for name in ("school_id", "grade_band", "subject", "level"):
            if getattr(filters, name):
                where.append(f"v.{name} = :f_{name}")
                params[f"f_{name}"] = getattr(filters, name)
        if filters.practice:
            where.append("EXISTS (SELECT 1 FROM video_practices p WHERE p.video_id = "
                         "v.video_id AND p.slug = :f_practice)")
            params["f_practice"] = filters.practice
        source = "videos v"
        if match:
            source = "docs JOIN videos v ON v.video_id = docs.rowid"
            where.append("docs MATCH :match")
        condition = " AND ".join(where)
        return {"hits": self._page(source, condition, params, match, cue_match, request.sort),
                "facets": self._counts(source, condition, params)}

    def _page(self, source, condition, params, match, cue_match, sort) -> list:
        if match:
            columns = (f"bm25(docs, {', '.join(str(w) for w in WEIGHTS.values())}) AS score, "
                       "highlight(docs, 0, '<mark>', '</mark>'), "
                       "snippet(docs, 2, '<mark>', '</mark>', '…', 16), "
                       "snippet(docs, 3, '<mark>', '</mark>', '…', 16)")
            order = "score" if sort == "relevance" else "v.created_at DESC, v.video_id DESC"
        else:
            columns = "0.0 AS score"
            order = "v.created_at DESC, v.video_id DESC"
        rows = self.connection.execute(
            f"SELECT v.video_id, {columns} FROM {source} WHERE {condition} ORDER BY {order} "
            "LIMIT :limit OFFSET :offset", params).fetchall()
        return [(row, self._caption_hits(row[0], cue_match) if cue_match else [])
                for row in rows]

    def _caption_hits(self, video_id: int, cue_match: str) -> list:
        return self.connection.execute(
            "SELECT start_s, highlight(cues, 0, '<mark>', '</mark>') FROM cues WHERE cues "
            "MATCH ? AND rowid BETWEEN ? AND ? ORDER BY rowid LIMIT ?",
            (cue_match, video_id * CUE_SLOTS, video_id * CUE_SLOTS + CUE_SLOTS - 1,
             CAPTION_HITS_PER_VIDEO)).fetchall()

    def _counts(self, source, condition, params) -> dict[str, dict]:
        rows = self.connection.execute(
            f"WITH hits AS MATERIALIZED (SELECT v.video_id, v.school_id, v.grade_band, "
            f"v.subject, v.level FROM {source} WHERE {condition}) "
            "SELECT 'total', '', count(*) FROM hits "
            "UNION ALL SELECT 'school', school_id, count(*) FROM hits GROUP BY school_id "
            "UNION ALL SELECT 'grade_band', grade_band, count(*) FROM hits GROUP BY grade_band "
            "UNION ALL SELECT 'subject', subject, count(*) FROM hits GROUP BY subject "
            "UNION ALL SELECT 'level', level, count(*) FROM hits GROUP BY level "
            "UNION ALL SELECT 'practice', p.slug, count(*) FROM hits JOIN video_practices p "
            "ON p.video_id = hits.video_id GROUP BY p.slug",
            {name: value for name, value in params.items() if name not in ("limit", "offset")}
        ).fetchall()
        facets: dict[str, dict] = {}
        for name, key, count in rows:
            facets.setdefault(name, {})[str(key)] = count
        return facets

    def close(self) -> None:
        self.connection.close()
