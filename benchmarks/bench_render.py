"""How long rendering a plan takes: in process, and as a whole `codesign render` command.

Uses the engagement-plan flow with every question answered and a register of 20 interests (written to a
temporary answers file). In process, it times `render_markdown` (building the template context and
rendering the sandboxed Jinja2 templates) on an evaluated result, and reports plans per second against
the target of 1,000; it also times evaluate + render, and the html, json and docx exports against it (the
JSON export's target: at most 2x).
Then the Word export of a register of 1,000 and 10,000 interests, each against Markdown of the same plan,
and the growth from 1,000 to 10,000 against the target of at most 10x (in step with the register).
As a process, it times `python -m codesign_tui render engagement-plan --answers FILE` against the baseline
`python -c "import yaml, jinja2"` in the same run, in pairs (one straight after the other), and reports the
median of the pairs' ratios against the 1.5x target: in wall-clock time, and in CPU time (user + system, from
the children's resource usage), which a machine shared with other work disturbs far less. In process, the
plans per second are also given in CPU time (time.process_time) for the same reason.
Prints figures and ratios; asserts nothing about speed. Exit code 0, or 1 if a render fails.

Run from the repository root:  .venv/bin/python benchmarks/bench_render.py   (--no-word: without the large registers)
"""

from __future__ import annotations

import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import best_of  # noqa: E402

from codesign_tui.flow.answers import check_answers, read_answers  # noqa: E402
from codesign_tui.flow.engine import evaluate  # noqa: E402
from codesign_tui.flow.loader import load_flow  # noqa: E402
from codesign_tui.flow.problems import Problems  # noqa: E402
from codesign_tui.plan.render import render, render_markdown  # noqa: E402
from codesign_tui.resources import flows_dir  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "data" / "answers" / "engagement-coproduce.yaml"
INTERESTS = 20
BATCH = 100
PLANS_TARGET = 1_000
PROCESS_TARGET = 1.5
JSON_TARGET = 2  # the JSON export at most twice the time of the Markdown plan
PROCESS_RUNS = 15

TYPES = ("financial", "non_financial_professional", "non_financial_personal", "indirect")
HANDLING = ("note_and_participate", "discuss_not_decide", "withdraw_from_item", "remove_from_group")


# ten times the entries may take at most ten times as long: the time grows in step with the register
REGISTER_SIZES = (1_000, 10_000)
REGISTER_GROWTH_TARGET = 10


def answers_file(folder: Path, interests: int = INTERESTS) -> Path:
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    data["date"] = "2026-11-25"
    data["answers"]["interests"] = [
        {"name": f"Person {n}", "role": f"Group member {n}", "organisation": f"Example Organisation {n % 7}",
         "interest_type": TYPES[n % 4], "description": f"Trustee of a charity that may bid for lot {n % 3 + 1}",
         "management": HANDLING[n % 4], "declared_on": f"2026-10-{n % 28 + 1:02d}",
         **({"consent_to_publish": "yes" if n % 3 else "no"} if n % 5 else {})}
        for n in range(1, interests + 1)]
    path = folder / f"engagement-{interests}-interests.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def word_registers(folder: Path, flow) -> None:
    """The Word export against Markdown for registers of REGISTER_SIZES entries."""
    print("\nWord export of a large register (in process, best of runs):")
    times = {}
    for size in REGISTER_SIZES:
        problems = Problems()
        meta = read_answers(answers_file(folder, size), problems)
        result = evaluate(flow, check_answers(flow, meta, problems))
        markdown, _ = best_of(lambda: render("md", flow, result, meta), min_runs=3, min_seconds=0.2)
        word, runs = best_of(lambda: render("docx", flow, result, meta), min_runs=1, min_seconds=0,
                             budget_seconds=2.0, budget_runs=1)
        times[size] = word
        print(f"  {size:>5,} interests: docx {word * 1e3:8.1f} ms, markdown {markdown * 1e3:7.1f} ms,"
              f" docx/markdown {word / markdown:5.1f}x (best of {runs})")
    growth = times[REGISTER_SIZES[-1]] / times[REGISTER_SIZES[0]]
    verdict = "met" if growth <= REGISTER_GROWTH_TARGET else "NOT met"
    print(f"  {REGISTER_SIZES[-1]:,} interests take {growth:.1f}x the time of {REGISTER_SIZES[0]:,};"
          f" target at most {REGISTER_GROWTH_TARGET}x: {verdict}")


def process(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run a command; its wall-clock time and its CPU time (user + system), in seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=env)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def cpu_per_plan(function, batch: int, rounds: int = 7) -> float:
    """The least CPU time (time.process_time) a call of `function` took, over `rounds` batches of `batch`."""
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for _ in range(batch):
            function()
        best = min(best, (time.process_time() - started) / batch)
    return best


def main() -> int:
    print(f"Python {platform.python_version()}, {platform.machine()}; best of N runs, time.perf_counter\n")
    with tempfile.TemporaryDirectory(prefix="codesign-bench-") as folder:
        path = answers_file(Path(folder))
        flow = load_flow(flows_dir() / "engagement-plan.yaml")
        problems = Problems()
        meta = read_answers(path, problems)
        answers = check_answers(flow, meta, problems)
        if problems.errors:
            print(problems.format(), file=sys.stderr)
            return 1
        result = evaluate(flow, answers)
        text = render_markdown(flow, result, meta)  # warms the template cache, as a long-running app is
        print(f"plan: engagement-plan, {len(flow.questions)} questions, {INTERESTS} interests:"
              f" {len(text):,} characters, {text.count(chr(10)):,} lines\n")

        def markdown_batch() -> None:
            for _ in range(BATCH):
                render_markdown(flow, result, meta)

        def evaluate_batch() -> None:
            for _ in range(BATCH):
                render_markdown(flow, evaluate(flow, answers), meta)

        md_took, runs = best_of(markdown_batch)
        took = md_took
        per_plan = took / BATCH
        rate = 1 / per_plan
        verdict = "met" if rate >= PLANS_TARGET else "NOT met"
        print(f"in process, render_markdown: {per_plan * 1e3:.3f} ms a plan, {rate:,.0f} plans/s"
              f" (best of {runs} batches of {BATCH}); target {PLANS_TARGET:,} plans/s: {verdict}"
              f" ({rate / PLANS_TARGET:.2f}x the target)")
        cpu = cpu_per_plan(lambda: render_markdown(flow, result, meta), BATCH // 2)
        print(f"in process, render_markdown in CPU time: {cpu * 1e3:.3f} ms a plan, {1 / cpu:,.0f} plans/s"
              f" ({1 / cpu / PLANS_TARGET:.2f}x the target)")
        took, runs = best_of(evaluate_batch)
        print(f"in process, evaluate + render_markdown: {took / BATCH * 1e3:.3f} ms a plan,"
              f" {BATCH / took:,.0f} plans/s")
        for fmt in ("json", "html", "docx"):
            try:
                render(fmt, flow, result, meta)
            except Exception as error:  # noqa: BLE001 - docx may be missing; report and go on
                print(f"in process, {fmt}: skipped ({error})".splitlines()[0])
                continue
            took, runs = best_of(lambda: render(fmt, flow, result, meta), min_runs=5, min_seconds=0.3)
            against = took / (md_took / BATCH)
            if fmt == "json":  # and in CPU time, against render_markdown's
                against_cpu = cpu_per_plan(lambda: render(fmt, flow, result, meta), BATCH // 4) / cpu
                print(f"in process, json in CPU time: {against_cpu:.2f}x render_markdown")
            target = (f"; target at most {JSON_TARGET}x: {'met' if against <= JSON_TARGET else 'NOT met'}"
                      if fmt == "json" else "")
            print(f"in process, {fmt}: {took * 1e3:.2f} ms a plan (best of {runs}), {against:.2f}x"
                  f" render_markdown{target}")
        try:
            import docx  # noqa: F401
        except ImportError:
            print("Word export of a large register: skipped (python-docx is not installed)")
        else:
            if "--no-word" not in sys.argv[1:]:  # the large registers take minutes
                word_registers(Path(folder), flow)

        baseline_args = [sys.executable, "-c", "import yaml, jinja2"]
        render_args = [sys.executable, "-m", "codesign_tui", "render", "engagement-plan", "--answers", str(path)]
        # Both commands run as an installed program does: with compiled bytecode (pip writes it when it
        # installs), here kept in a temporary folder so that nothing is written into the checkout, and
        # with the cache (compiled templates, kept flows) in this run's temporary folder, found as a user's
        # cache folder is (XDG_CACHE_HOME; TMPDIR alone left it in ~/.cache, shared with every other
        # checkout and run, each replacing the others' templates). One run of each fills those first.
        env = {key: value for key, value in os.environ.items()
               if key not in ("PYTHONDONTWRITEBYTECODE", "CODESIGN_CACHE_DIR")}
        env.update(PYTHONPYCACHEPREFIX=str(Path(folder) / "pycache"), TMPDIR=folder,
                   XDG_CACHE_HOME=str(Path(folder) / "cache"))
        process(baseline_args, env)
        process(render_args, env)
        bases, fulls = [], []
        for _ in range(PROCESS_RUNS):  # in pairs, one straight after the other, so that both see the same machine
            bases.append(process(baseline_args, env))
            fulls.append(process(render_args, env))
        print(f"\nwhole process, {PROCESS_RUNS} pairs (median; best):")
        for index, kind in ((0, "wall-clock"), (1, "CPU (user + system)")):
            base, full = [b[index] for b in bases], [f[index] for f in fulls]
            # the median of the pairs' ratios: on a shared machine one slow run spoils one pair, not the figure
            ratio = statistics.median(f / b for b, f in zip(base, full))
            verdict = "met" if ratio <= PROCESS_TARGET else "NOT met"
            print(f"  {kind} time:")
            print(f"    baseline  python -c \"import yaml, jinja2\":   {statistics.median(base) * 1e3:7.1f} ms;"
                  f" {min(base) * 1e3:7.1f} ms")
            print(f"    codesign render engagement-plan (markdown): {statistics.median(full) * 1e3:7.1f} ms;"
                  f" {min(full) * 1e3:7.1f} ms")
            print(f"    ratio, median of the pairs' {ratio:.2f}x (best against best {min(full) / min(base):.2f}x);"
                  f" target {PROCESS_TARGET}x: {verdict}")
    return 0


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    print(f"\n(total {time.perf_counter() - started:.1f} s)")
    sys.exit(code)
