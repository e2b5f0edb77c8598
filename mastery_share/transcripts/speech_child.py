"""The speech process: `python -m mastery_share.transcripts.speech_child PARENT_PID MODEL AUDIO`.

Started by speech_process.py for one transcription. It lowers its own priority before any
thread exists (CTranslate2's compute threads inherit it), dies with its parent (a worker
killed mid-transcription leaves no orphan behind, even one paused by SIGSTOP), and writes
one JSON object per line on stdout: {"started": true} once it is set up, {"progress": 0.4}
as the audio is done, then
{"cues": [...], "language": "en"} or {"error": "..."}.
"""
from __future__ import annotations

import ctypes
import json
import os
import signal
import sys

SPEECH_NICENESS = 15  # added to the parent's: encoders at 0 get ~98% of a contended core
_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid: int) -> None:
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


def _lower_priority() -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, 0, min(19, os.getpriority(os.PRIO_PROCESS, 0)
                                               + SPEECH_NICENESS))
    except OSError:  # not allowed here: run at the normal priority
        pass


def _say(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    parent_pid, model_dir, audio = int(argv[0]), argv[1], argv[2]
    _die_with_parent(parent_pid)
    _lower_priority()
    _say({"started": True})  # from here on the parent may stop this process
    from .speech import read_pcm16, transcribe_samples  # numpy, then faster-whisper: heavy

    try:
        transcript = transcribe_samples(model_dir, read_pcm16(audio),
                                        on_progress=lambda done: _say({"progress": done}))
    except Exception as error:  # noqa: BLE001 - reported to the parent, which logs it
        _say({"error": f"{type(error).__name__}: {error}"})
        return 1
    _say({"language": transcript.language,
          "cues": [{"start_s": cue.start_s, "end_s": cue.end_s, "text": cue.text,
                    "word_starts": list(cue.word_starts)} for cue in transcript.cues]})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
