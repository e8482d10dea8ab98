"""The plan screen of a session with a large register, against `codesign render` of the same session.

From an attack: with 10,000 register entries (2.3 MB) Ctrl+O ran out of memory (7.5 GB, then a fatal
MemoryError; SIGSEGV under a 3 GB limit), where `codesign render` of the same file took 3.0 s and 208 MB.
The plan screen now shows the first entries of a long register and says how many more the saved plan holds.

For 1,000 and 10,000 entries in a conflicts-of-interest session (each entry six fields), each in a fresh
child process with its own data folder:
- baseline: `python -m codesign_tui render conflicts-of-interest --answers FILE -o OUT` (the whole plan,
  every entry), timed from start to exit;
- the plan screen: a child that resumes the session in the full-screen app, headless at 100x30 (Textual's
  Pilot), presses Ctrl+O and waits until the plan's Markdown is drawn, then quits; timed from start to exit.
Peak memory of each is its ru_maxrss, read by a wrapper process of its own. Medians of 3 runs, interleaved. Prints figures and ratios;
the target is within 3x of render's time and 2x of its memory. Exit code 0, or 1 when the plan screen does
not show the plan.

Run from the repository root:  .venv/bin/python benchmarks/bench_plan_screen.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

SIZES = (1_000, 10_000)
RUNS = 3

SCREEN = r'''
import asyncio, sys
from codesign_tui.tui.app import make_app
from codesign_tui.tui.screens.plan import PlanScreen
from textual.widgets import MarkdownViewer

async def main():
    app = make_app(resume="big")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+o")
        for _ in range(100_000):
            await pilot.pause()
            screen = app.screen
            # the title bar's state is set once the plan is drawn (PlanScreen.render_plan)
            if isinstance(screen, PlanScreen) and screen.sub_title:
                break
        else:
            print("the plan never showed", file=sys.stderr)
            sys.exit(1)
        await pilot.press("ctrl+q")
asyncio.run(main())
'''


def session(entries: int) -> dict:
    records = [{"name": f"Person {n}", "role": "Trustee", "organisation": f"Organisation {n % 97}",
                "interest_type": "financial", "description": f"Trustee of bidder number {n}",
                "management": "withdraw_from_item"} for n in range(entries)]
    answers = {"coi_policy": "joint_policy", "same_policy_all_sectors": "yes",
               "coi_principles": ["identify", "declare", "record", "manage", "manage_not_exclude"],
               "interests_known": "yes", "interests": records, "review_declarations": "every_meeting",
               "minutes_record": "yes", "register_keeper": "The commissioning team"}
    return {"flow": "conflicts-of-interest", "answers": answers, "session": {}}


def child(command: list[str], folder: Path) -> tuple[float, int]:
    """Wall seconds and exit code of one child process."""
    env = dict(os.environ, CODESIGN_DATA_DIR=str(folder / "data"), HOME=str(folder))
    start = time.perf_counter()
    run = subprocess.run(command, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    if run.returncode:
        print(run.stderr.decode(errors="replace")[-2000:], file=sys.stderr)
    return wall, run.returncode


def main() -> int:
    failed = False
    print(f"{'entries':>8} {'render s':>9} {'screen s':>9} {'ratio':>6} {'render MB':>10} {'screen MB':>10}"
          f" {'ratio':>6}")
    for entries in SIZES:
        with tempfile.TemporaryDirectory() as temporary:
            folder = Path(temporary)
            sessions = folder / "data" / "sessions"
            sessions.mkdir(parents=True)
            text = yaml.safe_dump(session(entries))
            (sessions / "big.session.yaml").write_text(text)
            answers = folder / "answers.yaml"
            answers.write_text(text)
            render_runs, screen_runs = [], []
            for _ in range(RUNS):
                render_runs.append(child([sys.executable, "-m", "codesign_tui", "render", "conflicts-of-interest",
                                          "--answers", str(answers), "-o", str(folder / "plan.md"), "--force"],
                                         folder))
                screen_runs.append(child([sys.executable, "-c", SCREEN], folder))
            if any(code for _, code in render_runs + screen_runs):
                failed = True
            render_s = statistics.median(wall for wall, _ in render_runs)
            screen_s = statistics.median(wall for wall, _ in screen_runs)
            # peaks: each measured by a process of its own, as RUSAGE_CHILDREN keeps the largest child's
            render_mb = peak_of([sys.executable, "-m", "codesign_tui", "render", "conflicts-of-interest",
                                 "--answers", str(answers), "-o", str(folder / "plan.md"), "--force"], folder)
            screen_mb = peak_of([sys.executable, "-c", SCREEN], folder)
            print(f"{entries:>8,} {render_s:>9.2f} {screen_s:>9.2f} {screen_s / render_s:>5.1f}x"
                  f" {render_mb:>10.0f} {screen_mb:>10.0f} {screen_mb / render_mb:>5.1f}x  ({len(text) / 1e6:.1f} MB file)")
    print("target: the plan screen within 3x of render's time and 2x of its memory")
    return 1 if failed else 0


def peak_of(command: list[str], folder: Path) -> float:
    """Peak RSS in MB of one run of `command`, measured by a wrapper process of its own."""
    wrapper = ("import resource, subprocess, sys\n"
               "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    env = dict(os.environ, CODESIGN_DATA_DIR=str(folder / "data"), HOME=str(folder))
    out = subprocess.run([sys.executable, "-c", wrapper, *command], cwd=folder, env=env, capture_output=True,
                         text=True)
    return int(out.stdout.strip() or 0) / 1024


if __name__ == "__main__":
    sys.exit(main())
