"""How long read_flow takes to refuse hostile files, against reading a small valid flow.

Writes each hostile file into a temporary folder (an alias bomb, a 50 MB sparse file, binary bytes,
10,000-deep nesting, and a few close relatives), then times `read_flow(path, Problems())` on each (best of
N) against the same call on the shipped flows/appendix2.yaml. Each file is read in a fresh child process,
so a file that crashes the interpreter is reported as a crash instead of ending the benchmark.

Prints each time, its ratio to the baseline, whether it is under the 1 second target, and how the file was
turned away (a clean refusal lists a problem; an exception or a crash is not a clean refusal). This is a
measurement: the exit code is 0 whatever it finds.

Run from the repository root:  .venv/bin/python benchmarks/bench_hostile.py
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "flows" / "appendix2.yaml"
TARGET_SECONDS = 1.0
CHILD_TIMEOUT = 30.0


def write_cases(folder: Path) -> list[tuple[str, Path]]:
    """The hostile files: (description, path). The first five are the ones the targets name."""
    cases: list[tuple[str, Path]] = []

    def add(description: str, name: str, data: bytes) -> None:
        path = folder / name
        path.write_bytes(data)
        cases.append((description, path))

    # Billion laughs: 9 levels of 9 aliases, about 400 million entries once expanded, in under 1 kB.
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        lines.append(f"lol{level}: &lol{level} [" + ", ".join([f"*lol{level - 1}"] * 9) + "]")
    lines.append("id: *lol9")
    add("alias bomb (9 levels of 9 aliases)", "alias-bomb.yaml", ("\n".join(lines) + "\n").encode())

    sparse = folder / "sparse-50mb.yaml"
    with open(sparse, "wb") as handle:  # a hole, not 50 MB on disk
        handle.truncate(50 * 1024 * 1024)
    cases.append(("50 MB sparse file", sparse))

    rng = random.Random(7)
    add("binary bytes (64 kB random)", "binary.yaml", bytes(rng.randrange(256) for _ in range(65536)))
    add("binary bytes without a zero byte (not UTF-8)", "not-utf8.yaml",
        bytes(rng.randrange(128, 256) for _ in range(65536)))

    depth = 10_000
    add(f"{depth:,}-deep nesting: [[[...]]]", "deep-lists.yaml", ("[" * depth + "]" * depth + "\n").encode())
    add(f"{depth:,}-deep nesting: {{a: {{a: ...}}}}", "deep-mappings.yaml",
        ("{a: " * depth + "1" + "}" * depth + "\n").encode())
    add(f"{depth:,}-deep nesting: - - - ... (block)", "deep-block.yaml", ("- " * depth + "x\n").encode())

    # A valid flow whose example answers hide the deep nesting, so it gets past the shape checks.
    text = BASELINE.read_text(encoding="utf-8").split("\nexamples:")[0]
    nested = "[" * depth + "]" * depth
    add(f"{depth:,}-deep nesting inside example answers", "deep-in-example.yaml",
        (text + f"\nexamples:\n  - name: deep\n    answers: {{space_to_shape: {nested}}}\n").encode())

    deeper = 30_000
    add(f"{deeper:,}-deep nesting: [[[...]]] (60 kB)", "deeper-lists.yaml",
        ("[" * deeper + "]" * deeper + "\n").encode())
    return cases


# -- the child: time read_flow on one file ----------------------------------------------------------

def child(path: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _timing import best_of

    from codesign_tui.flow.loader import read_flow
    from codesign_tui.flow.problems import Problems

    outcome: dict = {}

    def once() -> None:
        problems = Problems()
        try:
            flow = read_flow(path, problems)
        except BaseException as error:  # noqa: BLE001 - a hostile file must not raise; report what it did
            outcome.update(kind="raised", detail=f"{type(error).__name__}: {str(error)[:80]}")
            raise
        if flow is None or problems.errors:
            first = problems.errors[0]
            outcome.update(kind="refused", detail=f"line {first.line}: {first.message[:80]}")
        else:
            outcome.update(kind="accepted", detail=f"{len(flow.questions)} questions")

    try:
        best, runs = best_of(once)
    except BaseException:  # noqa: BLE001
        start = time.perf_counter()
        try:
            once()
        except BaseException:  # noqa: BLE001
            pass
        best, runs = time.perf_counter() - start, 1
    print(json.dumps({"seconds": best, "runs": runs, **outcome}))


def measure(path: Path) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--one", str(path)]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=CHILD_TIMEOUT, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"seconds": None, "runs": 0, "kind": "hung",
                "detail": f"still running after {CHILD_TIMEOUT:.0f} s; stopped"}
    if done.returncode < 0:
        name = signal.Signals(-done.returncode).name
        return {"seconds": None, "runs": 1, "kind": "crashed",
                "detail": f"the interpreter died with {name} after {time.perf_counter() - started:.2f} s"
                          " (child process, including start-up)"}
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"seconds": None, "runs": 0, "kind": "failed",
                "detail": f"exit {done.returncode}: {done.stderr.strip()[-200:]}"}


def main() -> int:
    print(f"Python {sys.version.split()[0]}; read_flow(path, Problems()) in a fresh child process per file;")
    print("best of N runs (at least 5 and 0.5 s of runs), time.perf_counter around read_flow only\n")
    with tempfile.TemporaryDirectory(prefix="codesign-hostile-") as folder:
        cases = write_cases(Path(folder))
        base = measure(BASELINE)
        if base["kind"] != "accepted" or not base["seconds"]:
            print(f"baseline {BASELINE.name} did not load: {base}")
            return 0
        print(f"baseline: read_flow of {BASELINE.relative_to(ROOT)} ({BASELINE.stat().st_size / 1024:.1f} kB,"
              f" {base['detail']}): {base['seconds'] * 1e3:.2f} ms (best of {base['runs']})\n")
        header = f"{'file':<48} {'size':>8} {'time ms':>9} {'x baseline':>10} {'< 1 s':>6}  outcome"
        print(header)
        print("-" * (len(header) + 40))
        clean = under = 0
        for description, path in cases:
            result = measure(path)
            size = os.stat(path).st_size
            shown = f"{size / 1048576:.0f} MB" if size >= 1048576 else f"{size / 1024:.1f} kB"
            seconds = result["seconds"]
            if seconds is None:
                timing, ratio, fast = "-", "-", "no"
            else:
                timing, ratio = f"{seconds * 1e3:.1f}", f"{seconds / base['seconds']:.1f}x"
                fast = "yes" if seconds < TARGET_SECONDS else "no"
            ok = result["kind"] == "refused"
            clean += ok
            under += ok and fast == "yes"
            label = {"refused": "refused", "accepted": "ACCEPTED", "raised": "RAISED (not a clean refusal)",
                     "crashed": "CRASHED", "hung": "HUNG", "failed": "FAILED"}[result["kind"]]
            print(f"{description:<48} {shown:>8} {timing:>9} {ratio:>10} {fast:>6}  {label}: {result['detail']}",
                  flush=True)
        print(f"\n{under} of {len(cases)} hostile files refused cleanly in under {TARGET_SECONDS:.0f} s"
              f" ({clean} refused cleanly at all).")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        child(Path(sys.argv[2]))
        sys.exit(0)
    started = time.perf_counter()
    code = main()
    print(f"(total {time.perf_counter() - started:.1f} s)")
    sys.exit(code)
