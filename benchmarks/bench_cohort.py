"""How long comparing a room takes, against just parsing the same answers files with PyYAML.

Generates 100, 1,000 and 10,000 answers files for the shipped `engagement-plan` flow into a temporary
folder (random answers; about one in ten stopped part way; declared interests and free-text notes in
some) and, for each size, times (best of N) the baseline, finding the files and `yaml.load(raw,
Loader=yaml.CSafeLoader)` of each, against `build_cohort([folder])` (find, read and check every file,
work out its recommendation, count the room). It also times `render_markdown` of the result. Prints
figures, ratios against the 2x target (with and without the fixed cost of loading the flow once per run),
and the cost per file, to show that it grows linearly. It asserts nothing about speed.

Exit code 0 always, except 1 when a generated file is skipped (a bug in this generator, not a slow engine).

Run from the repository root:  .venv/bin/python benchmarks/bench_cohort.py
"""

from __future__ import annotations

import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import best_of  # noqa: E402

from codesign_tui.cohort import build_cohort, render_markdown  # noqa: E402
from codesign_tui.flow.loader import load_flow  # noqa: E402
from codesign_tui.resources import flows_dir  # noqa: E402

SIZES = (100, 1_000, 10_000)
RATIO_TARGET = 2.0  # build_cohort within 2x of finding and parsing the same files
LINEAR_TOLERANCE = 1.5  # per-file cost at the largest size within 1.5x of the smallest
PARTIAL_SHARE = 0.1
NOTES = ("Book the hall early.", "Check the procurement timetable with the ICB first.",
         "Ask the parent carer forum who else to invite.", "Budget for interpreters.")


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text)


def answers_file(flow, rng: random.Random, number: int) -> str:
    """One person's answers in the style the app saves and people write: yes and no unquoted."""
    lines = ["flow: engagement-plan", f"project: {q('Drop-in case study')}",
             f"prepared_by: {q(f'Participant {number}')}", "answers:"]
    questions = list(flow.questions)
    stop = rng.randrange(2, len(questions)) if rng.random() < PARTIAL_SHARE else len(questions)
    known = False
    for question in questions[:stop]:
        kind = question.kind
        if question.id == "interests" and not known:
            continue
        if kind in ("single", "yes_partly_no_unsure"):
            value = rng.choice(question.values)
            known = known or (question.id == "interests_known" and value == "yes")
            lines.append(f"  {question.id}: {value}")
        elif kind == "multiple":
            chosen = [v for v in question.values if rng.random() < 0.5] or [question.values[0]]
            lines.append(f"  {question.id}: [{', '.join(chosen)}]")
        elif kind == "text":
            if rng.random() < 0.4:
                lines.append(f"  {question.id}: {q(rng.choice(NOTES))}")
        elif kind == "record":
            lines.append(f"  {question.id}:")
            for index in range(rng.randrange(1, 4)):
                lines += [f"    - name: {q(f'Person {number}-{index}')}",
                          "      role: Board member",
                          "      organisation: Example CVS",
                          "      interest_type: financial",
                          "      description: Paid trustee of a likely bidder",
                          "      management: withdraw_from_item",
                          "      declared_on: 2026-10-01",
                          "      consent_to_publish: no"]
    return "\n".join(lines) + "\n"


def generate(folder: Path, count: int, seed: int = 1) -> None:
    flow = load_flow(flows_dir() / "engagement-plan.yaml")
    rng = random.Random(seed)
    folder.mkdir()
    for number in range(count):
        # a collected folder holds sub-folders too: one per table of ten
        table = folder / f"table-{number // 10:04d}"
        if number % 10 == 0:
            table.mkdir()
        (table / f"participant-{number:05d}.yaml").write_text(answers_file(flow, rng, number))


def baseline(folder: Path) -> int:
    """Find the files and parse each with the fastest safe PyYAML loader: the least any reader must do."""
    parsed = 0
    for root, folders, names in os.walk(folder):
        folders.sort()
        for name in sorted(names):
            if name.endswith((".yaml", ".yml")):
                yaml.load(Path(root, name).read_bytes(), Loader=yaml.CSafeLoader)
                parsed += 1
    return parsed


def main() -> int:
    print(f"Python {platform.python_version()} on {platform.machine()}, PyYAML {yaml.__version__}"
          f" (CSafeLoader: {hasattr(yaml, 'CSafeLoader')})")
    print("Baseline: find the files + yaml.load(raw, CSafeLoader). Cohort: build_cohort([folder]).")
    print()
    flow_path = flows_dir() / "engagement-plan.yaml"
    fixed, _ = best_of(lambda: load_flow(flow_path))
    print(f"Fixed cost inside every cohort run: loading and checking the flow once, {fixed * 1e3:.1f} ms."
          " 'Beyond' is the ratio with it taken out.")
    print()
    header = (f"{'files':>7}  {'baseline ms':>11}  {'cohort ms':>9}  {'ratio':>5}  {'beyond':>6}"
              f"  {'µs/file base':>12}  {'µs/file cohort':>14}  {'markdown ms':>11}  runs")
    print(header)
    print("-" * len(header))
    rows = []
    status = 0
    with tempfile.TemporaryDirectory(prefix="bench-cohort-") as temporary:
        for size in SIZES:
            folder = Path(temporary) / f"room-{size}"
            started = time.perf_counter()
            generate(folder, size)
            generated = time.perf_counter() - started
            cohort = build_cohort([folder])
            if cohort.skipped or cohort.answer_sets != size:
                print(f"generator bug: {len(cohort.skipped)} of {size} files skipped, first:"
                      f" {cohort.skipped[0] if cohort.skipped else '-'}")
                status = 1
            assert baseline(folder) == size
            budget = {"budget_seconds": 4.0, "budget_runs": 2} if size >= 10_000 else {}
            base, base_runs = best_of(lambda: baseline(folder), **budget)
            ours, our_runs = best_of(lambda: build_cohort([folder]), **budget)
            markdown, _ = best_of(lambda: render_markdown(cohort), min_runs=3, min_seconds=0.2)
            rows.append((size, base, ours))
            print(f"{size:>7,}  {base * 1e3:>11.1f}  {ours * 1e3:>9.1f}  {ours / base:>5.2f}"
                  f"  {(ours - fixed) / base:>6.2f}  {base / size * 1e6:>12.1f}  {ours / size * 1e6:>14.1f}"
                  f"  {markdown * 1e3:>11.1f}"
                  f"  {base_runs}/{our_runs}   (generated in {generated:.1f} s)")
    print()
    for size, base, ours in rows:
        verdict = "met" if ours / base <= RATIO_TARGET else "NOT met"
        print(f"Ratio target at {size:>6,} files (cohort within {RATIO_TARGET:.1f}x of the baseline): {verdict}"
              f" ({ours / base:.2f}x; {(ours - fixed) / base:.2f}x beyond the fixed cost).")
    (small, _, small_ours), (large, _, large_ours) = rows[0], rows[-1]
    growth = ((large_ours - fixed) / large) / ((small_ours - fixed) / small)
    verdict = "linear" if growth <= LINEAR_TOLERANCE else "NOT linear"
    print(f"Linearity (µs per file beyond the fixed cost at {large:,} against {small:,}, within"
          f" {LINEAR_TOLERANCE}x): {verdict}; {growth:.2f}x.")
    return status


if __name__ == "__main__":
    sys.exit(main())
