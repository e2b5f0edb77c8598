"""A generated video library and the searches made on it, reproducible from one seed.

Every video is made from its own seeded generator (seed and id), so the 5,000-video library
is the first 5,000 videos of the 20,000 one, a size can be grown by adding videos, and a
video's words can be made again (for a phrase query, a captions file) without keeping them.

Words are drawn by a Zipf law (weight 1/rank) from a few thousand real English words
(wordfreq's top list, alphabetic only), so, as in speech, a few words are in every
transcript and most are rare. Four schools of one district; 70% of the videos are visible to
the district, 20% to their school, 10% private; the viewer is a teacher of the first school.
"""
from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property

VOCABULARY_SIZE = 6000
CUES_PER_VIDEO, WORDS_PER_CUE, CUE_SECONDS = 30, 10, 10.0
DISTRICT_ID = 1
SCHOOLS = {1: "Riverside Elementary", 2: "Hillcrest Middle", 3: "Lakeview High",
           4: "Oak Grove Academy"}
TEACHERS_PER_SCHOOL = 25
VIEWER_ID = 1  # a teacher of school 1
VISIBILITIES = (("district", 0.7), ("school", 0.2), ("private", 0.1))
GRADE_BANDS = ("K-2", "3-5", "6-8", "9-12")
SUBJECTS = (("Math", 25), ("English language arts", 25), ("Science", 15),
            ("Social studies", 10), ("English learners", 5), ("Special education", 5),
            ("Arts", 4), ("World languages", 4), ("Technology", 4), ("Physical education", 3))
LEVELS = (("getting_started", 50), ("refining", 35), ("advanced", 15))
FIRST_NAMES = ("Maria", "James", "Aisha", "Chen", "Olivia", "Diego", "Fatima", "Liam",
               "Grace", "Noah", "Priya", "Samuel", "Hannah", "Mateo", "Zoe", "Kwame",
               "Elena", "Omar", "Ruth", "Tomas")
LAST_NAMES = ("Lopez", "Okafor", "Nguyen", "Schmidt", "Haddad", "Johnson", "Kowalski",
              "Tanaka", "Moreau", "Patel", "Rossi", "Andersen", "Mensah", "Silva", "Brennan",
              "Yilmaz", "Novak", "Castillo", "Lindqvist", "Abara", "Whitfield", "Dubois",
              "Kimura", "Petrov", "Osei")
START = datetime(2023, 8, 15, 13, tzinfo=UTC)


def _vocabulary() -> tuple[str, ...]:
    from wordfreq import top_n_list

    words = [word for word in top_n_list("en", VOCABULARY_SIZE) if word.isalpha()
             and word.isascii()]
    return tuple(dict.fromkeys(words))


def _cumulative(weights) -> list[float]:
    return list(itertools.accumulate(weights))


@dataclass(frozen=True)
class Teacher:
    user_id: int
    school_id: int
    name: str
    email: str


@dataclass(frozen=True)
class VideoSpec:
    """One generated video: its database columns and its captions, as plain values."""

    video_id: int
    owner: Teacher
    title: str
    description: str
    practice_slugs: tuple[str, ...]
    grade_band: str
    subject: str
    level: str
    visibility: str
    created_at: datetime
    cue_texts: tuple[str, ...]

    def cue_start(self, position: int) -> float:
        # Cues every ten seconds, a little off the round second as real captions are.
        return round(position * CUE_SECONDS + (self.video_id * 7 + position * 13) % 900 / 1000, 3)


@dataclass
class Corpus:
    """The library for `seed`; `practices` are the (slug, name) pairs of the database."""

    seed: int
    practices: tuple[tuple[str, str], ...]
    words: tuple[str, ...] = field(default_factory=_vocabulary)

    @cached_property
    def _zipf(self) -> list[float]:
        return _cumulative(1.0 / rank for rank in range(1, len(self.words) + 1))

    @cached_property
    def teachers(self) -> tuple[Teacher, ...]:
        names = [f"{first} {last}" for first, last in zip(
            itertools.cycle(FIRST_NAMES), LAST_NAMES * 4)]
        teachers = []
        for number in range(len(SCHOOLS) * TEACHERS_PER_SCHOOL):
            name = names[number] if number < len(names) else f"Teacher {number + 1}"
            teachers.append(Teacher(user_id=number + 1, school_id=number // TEACHERS_PER_SCHOOL
                                    + 1, name=name, email=f"teacher{number + 1:03d}@bench.example.org"))
        return tuple(teachers)

    @property
    def viewer(self) -> Teacher:
        return self.teachers[VIEWER_ID - 1]

    def zipf_words(self, rng: random.Random, count: int, lowest_rank: int = 0,
                   highest_rank: int | None = None) -> list[str]:
        """`count` words by Zipf weight, from ranks [lowest_rank, highest_rank)."""
        highest = highest_rank or len(self.words)
        low = self._zipf[lowest_rank - 1] if lowest_rank else 0.0
        span = self._zipf[highest - 1] - low
        return [self.words[min(bisect.bisect(self._zipf, low + rng.random() * span), highest - 1)]
                for _ in range(count)]

    def video(self, video_id: int) -> VideoSpec:
        rng = random.Random(f"{self.seed}:{video_id}")
        owner = rng.choice(self.teachers)
        practices = self._pick_practices(rng)
        title_words = " ".join(self.zipf_words(rng, rng.randint(3, 6), 80, 3000))
        name = dict(self.practices)[practices[0]]
        title = (f"{name}: {title_words}" if rng.random() < 0.5 else title_words).capitalize()
        description = " ".join(self.zipf_words(rng, rng.randint(20, 40))).capitalize() + "."
        words = rng.choices(self.words, cum_weights=self._zipf,
                            k=CUES_PER_VIDEO * WORDS_PER_CUE)
        cues = tuple(" ".join(words[at:at + WORDS_PER_CUE]).capitalize() + "."
                     for at in range(0, len(words), WORDS_PER_CUE))
        return VideoSpec(
            video_id=video_id, owner=owner, title=title[:200], description=description,
            practice_slugs=practices, grade_band=rng.choice(GRADE_BANDS),
            subject=_weighted(rng, SUBJECTS), level=_weighted(rng, LEVELS),
            visibility=_weighted(rng, VISIBILITIES),
            created_at=START + timedelta(minutes=video_id * 7 + rng.randrange(7)),
            cue_texts=cues)

    def _pick_practices(self, rng: random.Random) -> tuple[str, ...]:
        slugs = [slug for slug, _ in self.practices]
        # Some practices are filmed far more often than others.
        weights = [1.0 / (rank + 1) for rank in range(len(slugs))]
        chosen = dict.fromkeys(rng.choices(slugs, weights, k=rng.choice((1, 1, 2, 3))))
        return tuple(chosen)

    def videos(self, first: int, last: int) -> Iterator[VideoSpec]:
        """Videos first..last (ids, inclusive)."""
        for video_id in range(first, last + 1):
            yield self.video(video_id)

    def documents(self, first: int, last: int):
        """The VideoDocuments of videos first..last, made as they are read (memory stays flat)."""
        for spec in self.videos(first, last):
            yield self.document(spec)

    def document(self, spec: VideoSpec):
        from mastery_share.search.backend import Cue, VideoDocument

        names = dict(self.practices)
        return VideoDocument(
            video_id=spec.video_id, title=spec.title, description=spec.description,
            practice_slugs=spec.practice_slugs,
            practice_names=tuple(names[slug] for slug in spec.practice_slugs),
            grade_band=spec.grade_band, subject=spec.subject, school_id=spec.owner.school_id,
            school_name=SCHOOLS[spec.owner.school_id], teacher_name=spec.owner.name,
            visibility=spec.visibility, owner_id=spec.owner.user_id, district_id=DISTRICT_ID,
            created_at=spec.created_at, level=spec.level,
            cues=tuple(Cue(start_s=spec.cue_start(position), text=text)
                       for position, text in enumerate(spec.cue_texts)))


def _weighted(rng: random.Random, choices) -> str:
    values, weights = zip(*choices)
    return rng.choices(values, weights)[0]


# --- the searches -------------------------------------------------------------------------

@dataclass(frozen=True)
class BenchQuery:
    kind: str
    text: str
    filters: dict = field(default_factory=dict)  # SearchFilters fields (school_id, ...)
    sort: str = "relevance"

    def request(self, viewer, per_page: int = 20):
        from mastery_share.search.backend import SearchFilters, SearchRequest

        return SearchRequest(viewer=viewer, text=self.text, filters=SearchFilters(**self.filters),
                             sort=self.sort, per_page=per_page)

    def api_params(self, per_page: int = 20) -> dict:
        params = {"q": self.text, "sort": self.sort, "per_page": per_page}
        for name, value in self.filters.items():
            params["school" if name == "school_id" else name] = value
        return params


# kind -> share of the queries
QUERY_KINDS = (("one word", 18), ("two words", 14), ("phrase", 10), ("prefix", 8),
               ("very common word", 7), ("rare word", 8), ("practice:", 7), ("said:", 7),
               ("title:", 6), ("teacher:", 5), ("browse with filters", 3),
               ("three words", 7))
FILTERED_SHARE = 0.25
NEWEST_SHARE = 0.05


def make_queries(corpus: Corpus, count: int, phrase_from: int) -> list[BenchQuery]:
    """`count` searches of every kind, a quarter of them with facet filters; phrases are
    cut from transcripts of videos 1..phrase_from, so they are found at every size."""
    rng = random.Random(f"{corpus.seed}:queries")
    queries = []
    for _ in range(count):
        kind = _weighted(rng, QUERY_KINDS)
        text = _query_text(corpus, rng, kind, phrase_from)
        filters = _filters(corpus, rng) if (kind == "browse with filters"
                                            or rng.random() < FILTERED_SHARE) else {}
        sort = "newest" if rng.random() < NEWEST_SHARE else "relevance"
        queries.append(BenchQuery(kind=kind, text=text, filters=filters, sort=sort))
    return queries


def _query_text(corpus: Corpus, rng: random.Random, kind: str, phrase_from: int) -> str:
    words = corpus.zipf_words
    if kind == "one word":
        return words(rng, 1, 40, 2500)[0]
    if kind == "two words":
        return " ".join(words(rng, 2, 40, 2500))
    if kind == "three words":
        return " ".join(words(rng, 3, 20, 3000))
    if kind == "phrase":
        spec = corpus.video(rng.randint(1, phrase_from))
        cue = rng.choice(spec.cue_texts).rstrip(".").lower().split()
        length = rng.choice((2, 2, 3))
        at = rng.randrange(len(cue) - length + 1)
        return '"' + " ".join(cue[at:at + length]) + '"'
    if kind == "prefix":
        word = next(w for w in iter(lambda: words(rng, 1, 100, 4000)[0], None) if len(w) >= 6)
        return word[:rng.choice((3, 4, 5))] + "*"
    if kind == "very common word":
        return rng.choice(corpus.words[:60])
    if kind == "rare word":
        return rng.choice(corpus.words[3000:])
    if kind == "practice:":
        slug, name = rng.choice(corpus.practices)
        return f"practice:{slug}" if rng.random() < 0.5 else \
            f"practice:{name.split()[0].lower()} {words(rng, 1, 40, 2000)[0]}"
    if kind == "said:":
        return f"said:{words(rng, 1, 40, 3000)[0]}"
    if kind == "title:":
        return f"title:{words(rng, 1, 80, 3000)[0]}"
    if kind == "teacher:":
        return f"teacher:{rng.choice(corpus.teachers).name.split()[-1].lower()}"
    return ""  # browse with filters: no words


def _filters(corpus: Corpus, rng: random.Random) -> dict:
    options = {
        "practice": lambda: rng.choice(corpus.practices)[0],
        "school_id": lambda: rng.choice(list(SCHOOLS)),
        "grade_band": lambda: rng.choice(GRADE_BANDS),
        "subject": lambda: _weighted(rng, SUBJECTS),
        "level": lambda: _weighted(rng, LEVELS),
    }
    names = rng.sample(list(options), rng.choice((1, 1, 1, 2)))
    return {name: options[name]() for name in names}
