"""Speech to timed text with faster-whisper, from a local model directory only.

No Flask here: the job, a CLI command or a test can call it directly. The model takes a
second or two to load and ~150 MB of memory, so each process loads it once per directory.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

SAMPLE_RATE = 16_000
# What faster-whisper needs in a CTranslate2 model directory (vocabulary may be .json or .txt).
REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")
# Caption cues a viewer can read in one glance: two lines of ~42 characters, a few seconds.
MAX_CUE_CHARS = 84
MAX_CUE_S = 6.0
SENTENCE_ENDS = (".", "?", "!")
MIN_SENTENCE_CUE_CHARS = 24

_models: dict[str, Any] = {}
_models_lock = threading.Lock()


@dataclass(frozen=True)
class Cue:
    start_s: float
    end_s: float
    text: str
    # When each word of text.split() begins (empty when unknown): search points at the word.
    word_starts: tuple[float, ...] = ()


@dataclass(frozen=True)
class Transcript:
    cues: list[Cue]
    language: str | None


def model_files_present(model_dir: str | Path | None) -> bool:
    """True when `model_dir` looks like a usable CTranslate2 Whisper model directory."""
    if not model_dir:
        return False
    path = Path(model_dir)
    return all((path / name).is_file() for name in REQUIRED_FILES)


def load_model(model_dir: str | Path):
    """The WhisperModel for `model_dir`, loaded once per process (int8 on the CPU)."""
    key = str(Path(model_dir).resolve())
    with _models_lock:
        model = _models.get(key)
        if model is None:
            from faster_whisper import (
                WhisperModel,  # heavy: only workers that transcribe pay
            )

            # local_files_only: a directory path is never looked up on the Hugging Face hub,
            # and this makes sure nothing is ever downloaded at run time.
            model = WhisperModel(key, device="cpu", compute_type="int8", cpu_threads=2,
                                 local_files_only=True)
            _models[key] = model
        return model


def read_pcm16(path: str | Path) -> np.ndarray:
    """Raw signed 16-bit little-endian mono samples as float32 in [-1, 1]."""
    return np.fromfile(path, dtype="<i2").astype(np.float32) / 32768.0


def transcribe_samples(model_dir: str | Path, samples: np.ndarray,
                       on_progress: Callable[[float], None] | None = None) -> Transcript:
    """Timed caption cues for 16 kHz mono samples; no cues when nobody speaks.

    ``on_progress`` gets the fraction (0-1) of the audio transcribed so far.
    """
    duration_s = len(samples) / SAMPLE_RATE
    if duration_s <= 0:
        return Transcript(cues=[], language=None)
    segments, info = load_model(model_dir).transcribe(
        samples,
        # Voice activity detection drops silence, music and room noise before decoding, so
        # a silent video yields no segments instead of Whisper's invented "Thank you."
        vad_filter=True,
        # Words carry their own times, so long segments can be cut into readable cues.
        word_timestamps=True,
        # Conditioning on earlier text makes Whisper loop on a phrase in noisy rooms.
        condition_on_previous_text=False,
        beam_size=5,
    )
    cues: list[Cue] = []
    for segment in segments:
        cues.extend(_cues_of_segment(segment))
        if on_progress is not None:
            on_progress(min(1.0, segment.end / duration_s))
    return Transcript(cues=cues, language=info.language if cues else None)


def _cues_of_segment(segment) -> list[Cue]:
    words = list(segment.words or [])
    if not words:
        text = segment.text.strip()
        return [Cue(segment.start, segment.end, text)] if text else []
    cues: list[Cue] = []
    group: list = []
    for word in words:
        if group and (len(_joined(group + [word])) > MAX_CUE_CHARS
                      or word.end - group[0].start > MAX_CUE_S):
            cues.append(_cue_of(group))
            group = []
        group.append(word)
        text = _joined(group)
        if text.endswith(SENTENCE_ENDS) and len(text) >= MIN_SENTENCE_CUE_CHARS:
            cues.append(_cue_of(group))
            group = []
    if group:
        cues.append(_cue_of(group))
    return [cue for cue in cues if cue.text]


def _joined(words: Iterable) -> str:
    return "".join(word.word for word in words).strip()


def _cue_of(words: list) -> Cue:
    start = max(0.0, float(words[0].start))
    end = max(float(words[-1].end), start + 0.3)  # a zero-length cue is never shown
    text = _joined(words)
    return Cue(round(start, 3), round(end, 3), text, _word_starts(words, text, start))


def _word_starts(words: list, text: str, cue_start: float) -> tuple[float, ...]:
    """The start of each word of text.split(): Whisper's pieces that begin with a space begin
    a word ("don" + "'t" is one); () when the pieces do not add up to the text."""
    tokens: list[str] = []
    starts: list[float] = []
    for word in words:
        piece = word.word
        if tokens and not piece[:1].isspace():
            tokens[-1] += piece.strip()
            continue
        for number, part in enumerate(piece.split()):
            tokens.append(part)
            starts.append(round(max(cue_start, float(word.start)), 3) if number == 0
                          else starts[-1])
    return tuple(starts) if tokens == text.split() else ()
