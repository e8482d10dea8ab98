"""How hostile input is refused, in time and memory, against a valid file of the same size read the same way.

Each case is one `codesign` command on one hostile file, folder or template (the first round: an alias bomb,
a 50 MB sparse file, binary bytes, 10,000-deep nesting; the second: conditions nested 200 deep or with 500
clauses or 1,000 nots, a 15.5 MB condition, links in a loop, /dev/zero, a named pipe, 10,000 and 30,000
errors, an answers file with 10,000 unknown ids, a room's folder linking to itself, escape sequences, and
templates that recurse, loop or ask for huge values; the third: an answers file of 230 kB whose aliases
name one 200 kB text 2,000 times). Its baseline is the same command on a valid file padded to the same size
(for things with no size, a pipe or a device, the smallest valid file).

The room is measured last (the third round): `codesign room` allowed 256 open files, sent 1,030 POSTs that
declare 60,000 bytes and send one, against the same room sent 1,030 whole POSTs of 60,000 bytes: how long
until every connection has its answer (or is closed), how many were turned away at once, the room's peak
memory and how much it wrote on stderr.

Every command runs in a fresh child process (start-up included, the same for both), timed by the wall
clock, with its peak resident memory from the kernel (wait4's ru_maxrss); best of a few runs. It prints
each case's time and memory, their ratio to the baseline, the exit code and the first line of the message.
A hostile case should exit 2, at about the baseline's time, and in no more memory than a few times the
size of its file. This is a measurement: the exit code is 0 whatever it finds.

Run from the repository root:  .venv/bin/python benchmarks/bench_hostile.py [--runs N]
"""

from __future__ import annotations

import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANSWERS = ROOT / "tests" / "data" / "answers" / "appendix2-codesign.yaml"
CHILD_TIMEOUT = 60.0

HEADER = 'id: bench\ntitle: Bench\nversion: "1.0"\nsummary: A file for the benchmark.\n'
QUESTIONS = ("sections:\n  - id: first\n    title: First\n    questions:\n"
             "      - id: budget\n        prompt: Is there a budget?\n        kind: yes_partly_no_unsure\n")


@dataclass
class Case:
    description: str
    command: list[str]  # "{}" stands for the file
    path: Path
    baseline: Path  # a valid file of the same size, read by the same command


def padded_flow(path: Path, size: int) -> Path:
    """A valid flow of about `size` bytes: its question's guidance is long."""
    head = HEADER + QUESTIONS + '        guidance: "'
    path.write_text(head + "a" * max(size - len(head) - 2, 0) + '"\n', encoding="utf-8")
    return path


def padded_answers(path: Path, size: int) -> Path:
    """A valid answers file of about `size` bytes: the name of who prepared it is long (the sample already
    names someone, so that line is replaced: a second one would be refused as a duplicate)."""
    text = "".join(line for line in ANSWERS.read_text(encoding="utf-8").splitlines(keepends=True)
                   if not line.startswith("prepared_by:"))
    head = text + 'prepared_by: "'
    path.write_text(head + "a" * max(size - len(head) - 2, 0) + '"\n', encoding="utf-8")
    return path


def padded_template(path: Path, size: int) -> Path:
    head = "# {{ project }}\n\n{{ recommendation.label }}\n{# "
    path.write_text(head + "a" * max(size - len(head) - 3, 0) + " #}\n", encoding="utf-8")
    return path


def write_cases(folder: Path) -> list[Case]:
    cases: list[Case] = []
    serial = iter(range(1_000_000))

    def flow(description: str, text: str | bytes | None = None, path: Path | None = None,
             command: tuple[str, ...] = ("validate", "{}")) -> None:
        if path is None:
            path = folder / f"flow-{next(serial)}.yaml"
            path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        size = path.stat().st_size if path.is_file() else 0
        valid = padded_flow(folder / f"valid-{next(serial)}.yaml", size)
        cases.append(Case(description, list(command), path, valid))

    def answers(description: str, path: Path,
                command: tuple[str, ...] = ("render", "appendix2", "--answers", "{}")) -> None:
        size = path.stat().st_size if path.is_file() else 0
        cases.append(Case(description, list(command), path,
                          padded_answers(folder / f"valid-answers-{next(serial)}.yaml", size)))

    def template(description: str, text: str | None = None, path: Path | None = None) -> None:
        if path is None:
            path = folder / f"template-{next(serial)}.md.j2"
            path.write_text(text or "", encoding="utf-8")
        size = path.stat().st_size if path.is_file() else 0
        cases.append(Case(description, ["render", "appendix2", "--answers", str(ANSWERS), "--templates", "{}"], path,
                          padded_template(folder / f"valid-template-{next(serial)}.md.j2", size)))

    # -- the first round ---------------------------------------------------------------------------
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"lol{n}: &lol{n} [" + ", ".join([f"*lol{n - 1}"] * 9) + "]" for n in range(1, 10)]
    flow("alias bomb (9 levels of 9 aliases)", "\n".join(lines) + "\n")
    sparse = folder / "sparse-50mb.yaml"
    with sparse.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    flow("50 MB sparse file", path=sparse)
    rng = random.Random(7)
    flow("binary bytes (64 kB)", bytes(rng.randrange(256) for _ in range(65536)))
    flow("10,000-deep nesting [[[...]]]", "[" * 10_000 + "]" * 10_000 + "\n")

    # -- 1 and 2: expressions --------------------------------------------------------------------------
    def condition(text: str) -> str:
        return HEADER + QUESTIONS + f'        when: "{text}"\n'

    flow("200 nested brackets in a condition", condition("(" * 200 + "budget == 'yes'" + ")" * 200))
    flow("500 clauses joined by and", condition(" and ".join(["budget == 'yes'"] * 500)))
    flow("1,000 nots", condition("not " * 1000 + "budget == 'yes'"))
    flow("a 15.5 MB string in a condition", condition("budget == '" + "a" * 15_500_000 + "'"))

    # -- 3 and 4: links and files that are not files -----------------------------------------------
    first, second = folder / "loop-a.yaml", folder / "loop-b.yaml"
    first.symlink_to(second.name)
    second.symlink_to(first.name)
    flow("a loop of symbolic links", path=first)
    answers("a loop of symbolic links as answers", first)
    flow("/dev/zero as a flow", path=Path("/dev/zero"))
    answers("/dev/zero as answers", Path("/dev/zero"))
    pipe = folder / "pipe.yaml"
    os.mkfifo(pipe)
    flow("a named pipe as a flow", path=pipe)
    answers("a named pipe as answers", pipe)
    include = folder / "includes-pipe.yaml"
    include.write_text(HEADER + "sections:\n  - include: pipe.yaml\n", encoding="utf-8")
    flow("an include of a named pipe", path=include)
    outside = folder / "includes-outside.yaml"
    outside.write_text(HEADER + "sections:\n  - include: /etc/shadow\n", encoding="utf-8")
    flow("an include of /etc/shadow", path=outside)

    # -- 5: many errors ---------------------------------------------------------------------------------
    for count in (10_000, 30_000):
        fields = "".join(f"        unknown_{n}: x\n" for n in range(count))
        flow(f"{count:,} errors in one flow", HEADER + QUESTIONS + fields)
    unknown = folder / "unknown-ids.yaml"
    unknown.write_text("flow: appendix2\nanswers:\n" + "".join(f"  unknown_{n}: yes\n" for n in range(10_000)))
    answers("answers with 10,000 unknown ids (render)", unknown)
    answers("answers with 10,000 unknown ids (cohort)", unknown, ("cohort", "{}"))

    # -- 6: a room that links to itself -------------------------------------------------------------------
    room = folder / "room"
    room.mkdir()
    shutil.copy(ANSWERS, room / "answers.yaml")
    (room / "here").symlink_to(".")
    (room / "again").symlink_to(room)
    cases.append(Case("cohort of a folder with two links to itself", ["cohort", "{}"], room,
                      padded_answers(folder / "valid-room-answers.yaml", ANSWERS.stat().st_size)))

    # -- 7: escape sequences --------------------------------------------------------------------------------
    flow("a raw ESC in a flow", HEADER.replace("Bench", "Bench \x1b]0;pwned\x07") + QUESTIONS)

    # -- 8: templates ------------------------------------------------------------------------------------------
    template("macro calling itself", "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}\n")
    template("1/0", "{{ 1 / 0 }}\n")
    template("range(10**9)", "{% for i in range(10**9) %}x{% endfor %}\n")
    template("2**100000", "{{ 2 ** 100000 }}\n")
    template("'a' * 10**10", "{{ 'a' * 10**10 }}\n")
    template("two nested range(100000) loops",
             "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n")
    template("a string doubled 60 times",
             "{% set ns = namespace(t='ab') %}{% for i in range(60) %}{% set ns.t = ns.t ~ ns.t %}{% endfor %}\n")
    # -- the third round: aliases that expand past the budget in an answers file --------------------------
    bomb = folder / "alias-bomb-answers.yaml"
    bomb.write_text(ANSWERS.read_text(encoding="utf-8") + "session:\n  id: bomb\n  drafts:\n    anchor: &big \""
                    + "a" * 200_000 + "\"\n    many: [" + ", ".join(["*big"] * 2000) + "]\n", encoding="utf-8")
    answers("answers: 2,000 aliases of one 200 kB text", bomb)

    linked = folder / "linked-templates"
    linked.mkdir()
    (linked / "plan.md.j2").symlink_to("/etc/passwd")
    template("a template linked to /etc/passwd", path=linked)
    return cases


def run_once(command: list[str]) -> tuple[float, int, str]:
    """Wall time, exit code and first line of output of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "codesign_tui", *command], cwd=ROOT, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    output = b""
    try:
        output, _ = child.communicate(timeout=CHILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        output, _ = child.communicate()
        return CHILD_TIMEOUT, -1, "HUNG: stopped after the timeout"
    finally:
        elapsed = time.perf_counter() - started
    first = next((line for line in output.decode("utf-8", "replace").splitlines() if line.strip()), "")
    return elapsed, child.returncode, first


def measure(command: list[str], runs: int) -> tuple[float, int, int, str]:
    """Best time and the peak memory of `runs` runs, each in a fresh child."""
    best: tuple[float, int, int, str] | None = None
    peak = 0
    for _ in range(runs):
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # a process of its own per run: the peak memory of its children is this run's alone
            os.close(reader)
            seconds, code, first = run_once(command)
            kilobytes = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            os.write(writer, json.dumps([seconds, kilobytes, code, first]).encode())
            os._exit(0)
        os.close(writer)
        with os.fdopen(reader, "rb") as pipe:
            data = pipe.read()
        os.waitpid(pid, 0)
        result = json.loads(data)
        peak = max(peak, result[1])
        if best is None or result[0] < best[0]:
            best = result
    assert best is not None
    return best[0], peak, best[2], best[3]


def size_of(path: Path) -> str:
    if not path.is_file() or path.is_symlink() and not path.exists():
        return "-"
    size = path.stat().st_size
    return f"{size / 1048576:.1f} MB" if size >= 1048576 else f"{size / 1024:.1f} kB"


FLOOD = 1030
OPEN_FILES = 256


def flood(slow: bool) -> tuple[float, int, int, int]:
    """Seconds until each of FLOOD POSTs has its answer (or its connection is closed), how many were turned
    away at once (503), the room's peak resident memory in kB and the bytes it wrote on stderr."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory(prefix="codesign-flood-") as folder:
        room = subprocess.Popen(
            [sys.executable, "-m", "codesign_tui", "room", "appendix2", "--dir", folder, "--host", "127.0.0.1",
             "--port", str(port)], cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, start_new_session=True,
            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (OPEN_FILES, OPEN_FILES)))
        try:
            for line in room.stdout:
                if line.startswith(b"Press Ctrl+C"):
                    break
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            head = (b"POST /join HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded"
                    b"\r\nContent-Length: 60000\r\n\r\n")
            started = time.perf_counter()
            sockets, busy = [], 0
            for _ in range(FLOOD):
                try:
                    connection = socket.create_connection(("127.0.0.1", port), timeout=CHILD_TIMEOUT)
                    connection.sendall(head + (b"c" if slow else b"c" * 60000))
                    sockets.append(connection)
                except OSError:
                    continue
            for connection in sockets:
                connection.settimeout(max(0.1, CHILD_TIMEOUT - (time.perf_counter() - started)))
                try:
                    busy += connection.recv(64).startswith(b"HTTP/1.1 503")
                except OSError:
                    pass
                connection.close()
            seconds = time.perf_counter() - started
            status = Path(f"/proc/{room.pid}/status").read_text()
            peak = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
        finally:
            os.killpg(room.pid, signal.SIGINT)
            try:
                room.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(room.pid, signal.SIGKILL)
                room.wait()
        return seconds, busy, peak, len(room.stderr.read())


def main() -> int:
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 3
    print(f"Python {sys.version.split()[0]}; each command in a fresh child process, best of {runs} runs (time) and"
          " the largest peak resident memory;\nthe baseline is the same command on a valid file of the same"
          " size.\n")
    header = (f"{'case':<46} {'size':>8} {'time ms':>8} {'x base':>7} {'peak MB':>8} {'x base':>7} {'exit':>4}"
              "  first line of the message")
    print(header)
    print("-" * (len(header) + 30))
    with tempfile.TemporaryDirectory(prefix="codesign-hostile-") as folder:
        for case in write_cases(Path(folder)):
            command = [str(case.path) if part == "{}" else part for part in case.command]
            base_command = [str(case.baseline) if part == "{}" else part for part in case.command]
            seconds, peak, code, first = measure(command, runs)
            base_seconds, base_peak, _, _ = measure(base_command, runs)
            print(f"{case.description:<46} {size_of(case.path):>8} {seconds * 1e3:>8.0f}"
                  f" {seconds / base_seconds:>6.1f}x {peak / 1024:>8.1f} {peak / max(base_peak, 1):>6.1f}x"
                  f" {code:>4}  {first[:90]}", flush=True)
    print(f"\nThe room, allowed {OPEN_FILES} open files, sent {FLOOD:,} POSTs declaring 60,000 bytes:")
    slow = flood(slow=True)
    whole = flood(slow=False)
    for name, (seconds, busy, peak, err) in (("each sends one byte", slow), ("each sends all 60,000", whole)):
        print(f"  {name:<24} {seconds:>6.1f} s until every one is answered; {busy:>5,} turned away at once;"
              f" room peak {peak / 1024:>5.1f} MB; {err:>7,} bytes on stderr", flush=True)
    print(f"  slow / whole: {slow[0] / max(whole[0], 1e-9):.1f}x the time, {slow[2] / max(whole[2], 1):.1f}x the"
          " memory (the slow ones wait out the 20 s body timeout)")
    return 0


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    print(f"(total {time.perf_counter() - started:.1f} s)")
    sys.exit(code)
