"""`python -m bench [--quick] [name ...]`: run benchmarks, print them, write bench/RESULTS.md.

A name picks the benchmarks whose file name contains it (`python -m bench search_scale`);
`--quick` runs those that have sizes at small ones, to check they work (not for figures).
"""
from __future__ import annotations

import importlib
import os
import platform
import sys
import time
import traceback
from pathlib import Path

from .harness import take_notes, take_sections

HERE = Path(__file__).resolve().parent


def main(selected: list[str]) -> int:
    os.environ.setdefault("MASTERY_DATA_DIR", str(HERE / ".work"))
    if "--quick" in selected:
        # Small sizes, to check that a benchmark works (bench_search_scale reads this).
        os.environ["BENCH_QUICK"] = "1"
    selected = [choice for choice in selected if not choice.startswith("--")]
    names = sorted(path.stem for path in HERE.glob("bench_*.py"))
    if selected:
        names = [name for name in names if any(choice in name for choice in selected)]
    results, notes, failures, sections = [], [], [], []
    for name in names:
        started = time.perf_counter()
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name}", flush=True)
        try:
            produced = module.run()
        except Exception as error:  # noqa: BLE001 - one broken benchmark must not hide the rest
            traceback.print_exc()
            failures.append((name, f"{type(error).__name__}: {error}".splitlines()[0][:300]))
            notes.extend(take_notes())
            sections.extend(take_sections())
            continue
        for result in produced:
            results.append(result)
            verdict = "ok" if result.passed else "MISSED"
            print(f"   {result.figure}: {result.measured:.3f} {result.unit} vs reference "
                  f"{result.reference:.3f} {result.unit} (x{result.ratio:.2f}; bar: {result.bar}) "
                  f"{verdict}", flush=True)
        notes.extend(take_notes())
        sections.extend(take_sections())
        print(f"   ({time.perf_counter() - started:.1f} s)")
    _write_results(results, notes, failures, sections,
                   ran={name.removeprefix("bench_") for name in names})
    return 0 if all(result.passed for result in results) and not failures else 1


def _earlier(ran: set[str]) -> tuple[list[str], list[str], dict[str, str]]:
    """What the last RESULTS.md holds for benchmarks not run this time (table rows, notes),
    and its own sections by title: `python -m bench spread` must not wipe the others."""
    path = HERE / "RESULTS.md"
    if not path.exists():
        return [], [], {}
    rows, notes, sections, title = [], [], {}, None
    for line in path.read_text().splitlines():
        if line.startswith("## "):
            title = line[3:].strip()
            if not title.startswith("Notes"):
                sections[title] = ""
            continue
        if title is None and line.startswith("| ") and not line.startswith(("| benchmark |",
                                                                             "| --- |")):
            if line[2:].split(" |")[0].removeprefix("bench_") not in ran:
                rows.append(line)
        elif title and title.startswith("Notes") and line.startswith("- "):
            if line[2:].split(":")[0] not in ran:
                notes.append(line)
        elif title in sections:
            sections[title] += line + "\n"
    return rows, notes, {name: text.strip() for name, text in sections.items()}


def _write_results(results, notes=(), failures=(), sections=(), ran=frozenset()) -> None:
    kept_rows, kept_notes, kept_sections = _earlier(set(ran))
    lines = [
        "# Benchmark results",
        "",
        (f"Written by `make bench` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
         f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}. "
         "Each figure stands beside its reference measured in the same run."
         + (" Rows of benchmarks not run this time are kept from an earlier run."
            if kept_rows else "")),
        "",
        "| benchmark | figure | measured | reference | ratio | bar | verdict |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        lines.append(f"| {r.benchmark} | {r.figure} | {r.measured:.3f} {r.unit} | "
                     f"{r.reference:.3f} {r.unit} | {r.ratio:.2f}x | {r.bar} | "
                     f"{'ok' if r.passed else 'missed'} |")
    for name, reason in failures:
        lines.append(f"| {name} | FAILED to run: {reason} | | | | | failed |")
    lines += kept_rows
    if notes or kept_notes:
        lines += ["", "## Notes (informational, measured in the same run)", ""]
        lines += [f"- {benchmark}: {text}" for benchmark, text in notes]
        lines += kept_notes
    kept_sections.update(sections)
    for title, text in kept_sections.items():
        lines += ["", f"## {title}", "", text]
    (HERE / "RESULTS.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
