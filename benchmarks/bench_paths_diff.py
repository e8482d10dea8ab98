"""How long `paths --diff` takes, against `paths` on the same flow in the same run.

For each shipped flow kept at a released version, times (best of N) the baseline `explore(new)`, what
`codesign paths FLOW` does, against `diff(old, new)` for two edits: the release (flows/released/2.0/ → the
flow as it is now, its migrations applied) and one requirement loosened in the current flow (co-design's
budget accepting "Not sure" in appendix2; co-production's recompense accepting "Not sure" in engagement-plan).
A diff tries every combination of the answers either version's rules read, each under both versions, so about
twice the work of `paths` is expected, more where the edit splits answers the rules told apart before. Prints
figures and ratios; it asserts nothing about speed. Exit code 0 always.

By default appendix2 and grant-design (about a minute on 2 cores); --all adds engagement-plan and
accessible-procurement (several minutes: `paths` alone takes seconds on each).

Run from the repository root:  .venv/bin/python benchmarks/bench_paths_diff.py [--all]
"""

from __future__ import annotations

import platform
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import best_of  # noqa: E402

from codesign_tui.flow.loader import load_flow  # noqa: E402
from codesign_tui.flow.pathdiff import diff  # noqa: E402
from codesign_tui.flow.paths import explore  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FLOWS = ROOT / "flows"
LOOSENED = {  # flow -> (the requirement as written, loosened)
    "appendix2": ("    - question: budget\n      accepts: [yes, partly]\n",
                  "    - question: budget\n      accepts: [yes, partly, unsure]\n"),
    "engagement-plan": ("      accepts: [yes, partly, not_needed]\n", "      accepts: [yes, partly, not_needed, unsure]\n"),
}


def timed(function) -> tuple[float, int]:
    # a measure taking seconds is steady after one run; a quick one is repeated (see _timing.py)
    first, _ = best_of(function, min_runs=1, min_seconds=0, budget_seconds=0, budget_runs=1)
    if first > 2.0:
        return first, 1
    return best_of(function)


def main() -> int:
    names = ["appendix2", "grant-design"]
    if "--all" in sys.argv[1:]:
        names += ["engagement-plan", "accessible-procurement"]
    print(f"Python {platform.python_version()} on {platform.machine()}; best of N runs, garbage collector on")
    print(f"{'flow':<24} {'edit':<22} {'paths s':>8} {'diff s':>8} {'ratio':>6} {'combinations':>14} {'change':>12}")
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            new = load_flow(FLOWS / f"{name}.yaml")
            baseline, runs = timed(lambda: explore(new))
            edits = [("release 2.0 → " + new.version, load_flow(FLOWS / "released" / "2.0" / f"{name}.yaml"), new)]
            if name in LOOSENED:
                before, after = LOOSENED[name]
                text = (FLOWS / f"{name}.yaml").read_text(encoding="utf-8")
                assert before in text, f"{name}: the requirement to loosen is not there"
                # beside copies of the shipped flows, so that its includes resolve as they do in flows/
                for shipped in FLOWS.glob("*.yaml"):
                    (Path(folder) / shipped.name).write_bytes(shipped.read_bytes())
                path = Path(folder) / f"{name}.yaml"
                path.write_text(text.replace(before, after, 1), encoding="utf-8")
                edits.append(("one requirement looser", new, load_flow(path)))
            for label, old, edited in edits:
                report = diff(old, edited)
                elapsed, _ = timed(lambda: diff(old, edited))
                print(f"{name:<24} {label:<22} {baseline:8.2f} {elapsed:8.2f} {elapsed / baseline:5.1f}x"
                      f" {report.total:>14,} {report.changing:>12,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
