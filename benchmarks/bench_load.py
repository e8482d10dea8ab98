"""How long loading and validating a flow takes, against the fastest safe PyYAML parse of the same text.

Generates realistic flows of 100, 1,000 and 10,000 questions into a temporary folder and, for each, times
(best of N) the baseline `yaml.load(text, Loader=yaml.CSafeLoader)` and the engine's
`read_flow(path, Problems())` followed by `lint(flow, problems)`. Then times read_flow + lint of the
shipped flows together. Prints figures and ratios against the targets; it asserts nothing about speed.

Exit code 0 always, except 1 when a generated flow has validation errors (a bug in this generator).

Run from the repository root:  .venv/bin/python benchmarks/bench_load.py
"""

from __future__ import annotations

import json
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import best_of  # noqa: E402

from codesign_tui.flow.lint import lint  # noqa: E402
from codesign_tui.flow.loader import read_flow  # noqa: E402
from codesign_tui.flow.problems import Problems  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SIZES = (100, 1_000, 10_000)
SECTION_SIZE = 10
RATIO_TARGET = 1.5  # load + validate within 1.5x of the baseline parse
SHIPPED_TARGET_MS = 50.0  # the three shipped flows, read and linted, in under 50 ms

KINDS = ("yes_partly_no_unsure", "single", "multiple", "text")
SINGLE = (("existing_solution", "A proven solution already exists"),
          ("partly_known", "We know part of the answer"),
          ("wicked", "A hard problem we struggle to define or solve"),
          ("unsure", "Not sure yet"))
MULTIPLE = (("wellbeing", "Wellbeing"), ("housing", "Housing"), ("employment", "Work and skills"),
            ("health", "Physical health"), ("social", "Social connection"))
SOURCES = ("r5", "r5-a2-1", "r5-a2-3", "tlap-ladder")
TOPICS = ("the budget", "the timetable", "senior sponsors", "people with lived experience", "partners",
          "the programme board", "local groups", "frontline staff", "the evaluation", "the venue")


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text)


def kind_of(number: int) -> str:
    return KINDS[(number - 1) % len(KINDS)]


def condition_on(number: int, rng: random.Random) -> str:
    """A condition reading question `number`, in the style people write."""
    kind = kind_of(number)
    if kind == "yes_partly_no_unsure":
        return rng.choice((f"q{number} != 'no'", f"q{number} in ['yes', 'partly']", f"q{number} == 'yes'"))
    if kind == "single":
        return rng.choice((f"q{number} != 'existing_solution'", f"q{number} in ['wicked', 'partly_known']"))
    return rng.choice((f"'housing' in q{number}", f"count(q{number}) > 0"))


def earlier_choice(number: int, rng: random.Random, reach: int = 25) -> int | None:
    """A choice question asked before `number`, in its section or up to `reach` questions back."""
    candidates = [n for n in range(max(1, number - reach), number) if kind_of(n) != "text"]
    return rng.choice(candidates) if candidates else None


def generate(questions: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    sections = questions // SECTION_SIZE
    ypnu = [n for n in range(1, questions + 1) if kind_of(n) == "yes_partly_no_unsure"]
    spread = lambda count: [ypnu[(i * len(ypnu)) // count] for i in range(count)]  # noqa: E731
    out = [
        f"id: generated-{questions}",
        f"title: A generated flow of {questions} questions",
        'version: "1.0"',
        "summary: A flow generated to measure how long loading and validating takes.",
        "audience: Benchmarks.",
        "",
        "sources:",
    ]
    for source in SOURCES:
        out += [f"  - id: {source}", f"    title: {q('Framework section ' + source)}"]
    out += [
        "",
        "levels:",
        "  - id: consult",
        "    label: Consult",
        "    summary: Ask for people's views on options that are mostly settled.",
        "  - id: co-design",
        "    label: Co-design",
        "    summary: Work with people to pin down the problem and shape the answer.",
        "  - id: co-produce",
        "    label: Co-produce",
        "    summary: Share power as equals from design through delivery and review.",
        "",
        "calls_for:",
        "  - id: already-decided",
        "    level: consult",
        "    when: \"q1 == 'no' or q2 == 'existing_solution'\"",
        "    because: Most of the answer is already fixed, so ask for views.",
        "    cite: r5-a2-1 (a, b)",
        "  - id: open-and-wide",
        "    level: co-produce",
        "    when: \"q1 == 'yes' and q2 == 'wicked' and 'wellbeing' in q3\"",
        "    because: The question is open, the problem is hard, and people will help deliver.",
        "    cite: r5",
        "  - id: otherwise",
        "    level: co-design",
        "    because: There is room for people to shape the work.",
        "    cite: r5",
        "",
        "requirements:",
        "  co-design:",
    ]
    for number in spread(4):
        out += [f"    - question: q{number}", "      accepts: [yes, partly, unsure]",
                "      because: Co-design needs at least some of this.", "      cite: r5-a2-3"]
    out.append("  co-produce:")
    for number in spread(6):
        out += [f"    - question: q{number}", "      accepts: [yes]",
                "      because: Co-production needs all of this.", "      cite: r5-a2-3"]
    out += [
        "",
        "flags:",
        "  - id: no-budget",
        f"    when: \"q{ypnu[1]} == 'no'\"",
        "    text: There is no budget for paying people for their time.",
        "    cite: r5-a2-3",
        "",
        "reading:",
        "  - title: The ladder of co-production",
        "    url: https://example.org/ladder",
        "    about: What each rung means.",
        "",
        "sections:",
    ]
    for s in range(1, sections + 1):
        first = (s - 1) * SECTION_SIZE + 1
        out += [f"  - id: s{s}", f"    title: {q(f'Part {s}: {TOPICS[s % len(TOPICS)]}')}",
                f"    intro: Next, some questions about {TOPICS[s % len(TOPICS)]}."]
        if s % 7 == 0:  # some sections are skipped unless an earlier answer allows them
            out.append(f"    when: \"q{first - 6} != 'no'\"" if kind_of(first - 6) == "yes_partly_no_unsure"
                       else f"    when: {q(condition_on(earlier_choice(first, rng), rng))}")
        if s % 5 == 2:  # forward branches: skip the next section on some answers, otherwise fall through
            reader = next(n for n in range(first, first + SECTION_SIZE) if kind_of(n) == "yes_partly_no_unsure")
            target = f"s{s + 2}" if s + 2 <= sections else "end"
            out += ["    next:", f"      - when: \"q{reader} == 'no'\"", f"        goto: {target}"]
        out.append("    questions:")
        for number in range(first, first + SECTION_SIZE):
            out += question(number, rng)
    out += [
        "",
        "examples:",
        "  - name: everything open",
        "    answers: {q1: yes, q2: wicked, q3: [wellbeing, housing]}",
        "    expect:",
        "      calls_for: co-produce",
        "  - name: already decided",
        "    answers: {q1: no}",
        "    expect:",
        "      calls_for: consult",
        "",
    ]
    return "\n".join(out)


def question(number: int, rng: random.Random) -> list[str]:
    kind = kind_of(number)
    topic = TOPICS[number % len(TOPICS)]
    lines = [
        f"      - id: q{number}",
        f"        prompt: Question {number}. Have you agreed {topic} with the people involved?",
        f"        guidance: People will ask what happened to their ideas about {topic}. Agreeing it early"
        " avoids raising hopes you cannot meet.",
        f"        cite: {rng.choice(SOURCES)}" + (f" ({'abcdef'[number % 6]})" if number % 2 else ""),
        f"        kind: {kind}",
    ]
    if number % 3 == 1 and number > 1:  # about a third are asked only when an earlier answer allows
        target = earlier_choice(number, rng)
        if target is not None:
            lines.append(f"        when: {q(condition_on(target, rng))}")
    if kind == "single":
        lines.append("        options:")
        for value, label in SINGLE:
            lines += [f"          - value: {value}", f"            label: {label}"]
            if value == "wicked":
                lines.append("            explanation: Causes are tangled and past fixes have not worked.")
    elif kind == "multiple":
        lines.append("        options:")
        for value, label in MULTIPLE:
            lines += [f"          - value: {value}", f"            label: {label}"]
    if kind == "yes_partly_no_unsure" and number % 2:
        lines += [
            "        actions:",
            "          - on: [unsure]",
            "            kind: find_out",
            f"            text: Ask the programme lead about {topic}, and record the answer.",
            "          - on: [partly, no]",
            "            kind: to_unlock",
            f"            text: Agree {topic} in writing before you invite people in.",
        ]
    elif kind == "single" and number % 8 == 2:
        lines += ["        actions:", "          - on: [unsure]", "            kind: find_out",
                  "            text: Check the evidence with people who use and run the service."]
    elif kind == "text" and number % 12 == 0:
        lines += ["        required: false", "        actions:", f"          - when: \"answered(q{number})\"",
                  "            kind: do", "            text: Share these notes with the group."]
    return lines


def main() -> int:
    print(f"Python {platform.python_version()}, PyYAML {yaml.__version__} (libyaml: {yaml.__with_libyaml__}),"
          f" {platform.machine()}")
    print("best of N runs with time.perf_counter: at least 5 runs and 0.5 s of runs, except that a measure"
          " stops after 3 runs once its runs add up to 6 s\n")
    rows = []
    with tempfile.TemporaryDirectory(prefix="codesign-bench-") as folder:
        for size in SIZES:
            path = Path(folder) / f"generated-{size}.yaml"
            path.write_text(generate(size), encoding="utf-8")
            text = path.read_text(encoding="utf-8")

            last: list = []

            def baseline() -> None:
                yaml.load(text, Loader=yaml.CSafeLoader)

            def engine() -> None:
                found = Problems()
                loaded = read_flow(path, found)
                if loaded is not None and not found.errors:
                    lint(loaded, found)
                last[:] = [loaded, found]

            base, base_runs = best_of(baseline)
            full, full_runs = best_of(engine)
            flow, problems = last
            if flow is None or problems.errors or len(flow.questions) != size:
                print(f"generated flow of {size} questions is not valid (generator bug):", file=sys.stderr)
                print(problems.format()[:5000], file=sys.stderr)
                return 1
            rows.append((size, path.stat().st_size, base, base_runs, full, full_runs))
            print(f"  measured {size:>6,} questions: baseline {base_runs} runs, load+validate {full_runs} runs",
                  flush=True)

    print()
    header = (f"{'questions':>9}  {'file':>8}  {'baseline ms':>11}  {'load+validate ms':>16}  {'ratio':>6}"
              f"  {'baseline µs/q':>13}  {'load+val µs/q':>13}")
    print(header)
    print("-" * len(header))
    for size, nbytes, base, _, full, _ in rows:
        print(f"{size:>9,}  {nbytes / 1024:>6,.0f}kB  {base * 1e3:>11.1f}  {full * 1e3:>16.1f}"
              f"  {full / base:>5.2f}x  {base * 1e6 / size:>13.1f}  {full * 1e6 / size:>13.1f}")
    print()

    small, large = rows[0], rows[-1]
    growth_full = (large[4] / large[0]) / (small[4] / small[0])
    growth_base = (large[2] / large[0]) / (small[2] / small[0])
    shape = "roughly linear" if growth_full <= 1.5 else "FASTER than linear"
    print(f"growth: load+validate per question at {large[0]:,} vs {small[0]:,} questions:"
          f" {growth_full:.2f}x ({shape}); baseline per question: {growth_base:.2f}x")
    over = [f"{size:,}" for size, _, base, _, full, _ in rows if full / base > RATIO_TARGET]
    if over:
        print(f"ratio target (load+validate <= {RATIO_TARGET}x baseline): NOT met at {', '.join(over)} questions")
    else:
        print(f"ratio target (load+validate <= {RATIO_TARGET}x baseline): met at every size")

    shipped = sorted(p for p in (ROOT / "flows").glob("*.yaml") if not p.name.endswith(".tests.yaml"))
    problems = Problems()
    for path in shipped:
        flow = read_flow(path, problems)
        if flow is not None:
            lint(flow, problems)
    if problems.errors:
        print("\nnote: the shipped flows have validation errors; timing them anyway:")
        print(problems.format()[:2000])

    def load_shipped() -> None:
        for path in shipped:
            found = Problems()
            loaded = read_flow(path, found)
            if loaded is not None:
                lint(loaded, found)

    texts = [p.read_text(encoding="utf-8") for p in shipped]

    def parse_shipped() -> None:
        for text in texts:
            yaml.load(text, Loader=yaml.CSafeLoader)

    took, runs = best_of(load_shipped)
    parsed, _ = best_of(parse_shipped)
    verdict = "met" if took * 1e3 <= SHIPPED_TARGET_MS else "NOT met"
    print(f"\nshipped flows ({', '.join(p.name for p in shipped)}): read_flow + lint of all"
          f" {len(shipped)}: {took * 1e3:.1f} ms (best of {runs}); target {SHIPPED_TARGET_MS:.0f} ms: {verdict}"
          f" ({took * 1e3 / SHIPPED_TARGET_MS:.2f} of the target; baseline parse of the same files"
          f" {parsed * 1e3:.1f} ms, ratio {took / parsed:.2f}x)")
    return 0


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    print(f"\n(total {time.perf_counter() - started:.1f} s)")
    sys.exit(code)
