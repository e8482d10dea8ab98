"""How quick and how light the full-screen app is, each measure against a bare Textual app in the same run.

1. Start-up: time to the first painted home screen, headless at 100x30, in a fresh process. The codesign
   app (`make_app()`, home screen listing the shipped flows) against a bare Textual app that pushes a
   screen with a Header, an OptionList of 3 options and a Footer. The parent times the whole child
   process (interpreter start to exit); the child reports the time from its first line to the first
   paint of the home screen (marked with `call_after_refresh` in the screen's on_mount, which runs once
   the screen has been laid out and rendered). Target: within 1.15x. Then both again in a real
   pseudo-terminal of 100x30 with Textual's own driver: the parent times from starting the process until
   the terminal's last row has been written with something other than blanks (the home screen's footer),
   then presses Ctrl+Q. Target: within 1.15x; a cold start (empty catalogue cache) within 1.25x. And the
   `codesign` command itself, the console script beside this Python as a person types it (its argument
   parsing and all), in the same terminal against the same bare app: within 1.15x.
2. Answering: a generated flow of 50 yes_partly_no_unsure questions in 5 sections, answered through
   Pilot by pressing "1" 50 times with `await pilot.pause()` after each; the session must be complete.
   Baseline: a bare app with an anchored VerticalScroll that mounts one Static per key press, the key
   received by a focused widget, 50 presses with the same pauses. Per-answer wall time (and CPU time,
   which leaves out the pauses' idle sleeps). Targets: CPU per answer within 3x, wall within 2x, and the
   last five answers no slower (wall) than the first five: a long conversation must not slow down.
3. Memory: peak RSS (ru_maxrss at the end of a fresh process) of a whole engagement-plan conversation
   driven through Pilot (digits for choices, typing into the composer for text and multiple choices,
   "interests_known" answered "Not yet" so the register is skipped), against the bare app driven with
   the same number of key presses. Target: within 1.3x.

Beside each peak it prints the RSS once the first screen is up, and a census of the widgets still alive at
the end (after a garbage collection), counting those no longer on any screen: widgets that were removed
but never freed are a leak.

Every child process gets its own empty CODESIGN_DATA_DIR in a temporary folder, and a bytecode cache in a
private folder (PYTHONPYCACHEPREFIX), warmed by one short run of each child first: with
PYTHONDONTWRITEBYTECODE set, codesign_tui would be compiled from source on every start while Textual's
installed .pyc files are used. Medians of several runs, interleaved. Prints figures and ratios; asserts
nothing about speed. Exit code 0, or 1 when a correctness check fails (a home screen does not paint, the 50
answers do not complete the session with every answer "yes", the conversation stalls or meets a kind of
question it cannot answer).

4. (--resize only) Resizing with a long answer on screen: an engagement-plan session resumed with a 1 MB answer
   to its first text question (in the transcript), and again with the same 1 MB as that question's unsent
   draft (in the reply box), each against the same session with a 100-character answer: 40 resizes
   alternating 80x24 and 140x44 through Pilot, a pause after each. CPU per resize and its ratio, RSS once
   the screen is up and after the resizes, and peak RSS. Target (the answer in the transcript): within 1.5x of
   the short answer; RSS after the resizes no more than 10 MB above where it started. (A 1 MB answer was wrapped in full at every
   resize: 3.8 s of CPU each, 33x, before the transcript showed at most its first 2,000 characters.)

Run from the repository root:  .venv/bin/python benchmarks/bench_tui.py
  --start     only the start-up in a real terminal (the script and the command against the bare app)
  --resize    only resizing with a 1 MB answer against a short one (a few minutes)
  --profile   afterwards, run the codesign side once more under cProfile (start-up; the 50 answers) and
              under tracemalloc (the engagement-plan conversation, and the bare app), and print where the
              time and memory go (adds a few minutes)
"""

from __future__ import annotations

import json
import os
import platform
import re
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZE = (100, 30)
COMMAND = Path(sys.executable).parent / ("codesign.exe" if os.name == "nt" else "codesign")
START_RUNS = 11  # per app, interleaved: at 7 a start-up ratio moved by 0.1 between runs on a noisy machine
ANSWER_RUNS = 3
MEMORY_RUNS = 2  # peak RSS varies by about 1 MB between runs; each run of the conversation is slow
QUESTIONS = 50
SECTIONS = 5
START_TARGET = 1.15
COLD_TARGET = 1.25
ANSWER_TARGET = 2.0
CPU_TARGET = 3.0
MEMORY_TARGET = 1.3
MARK = "BENCH-RESULT "

# -- the child processes ------------------------------------------------------------------------------
# Each is a small script written to the temporary folder and run as `python SCRIPT ARGS`, so that
# --profile can run the same file under `-m cProfile`. The first line takes the clock.

PRELUDE = """\
import time
T0 = time.perf_counter()
import json, os, resource, sys
if os.environ.get("BENCH_TRACEMALLOC"):
    import tracemalloc
    tracemalloc.start()

def rss_now_kb():
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, ValueError):
        return None

def census(app, data):
    # peak memory first; then which widgets are still alive though no longer on any screen
    data["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    import collections, gc
    from textual.widget import Widget
    gc.collect()
    widgets = [o for o in gc.get_objects() if isinstance(o, Widget)]
    data["widgets_alive"] = len(widgets)
    data["widgets_detached"] = collections.Counter(
        type(w).__name__ for w in widgets if not w.is_attached).most_common(4)

def report(data):
    data.setdefault("maxrss_kb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    if os.environ.get("BENCH_TRACEMALLOC"):
        import tracemalloc
        data["peak_traced_kb"] = tracemalloc.get_traced_memory()[1] / 1024
        snapshot = tracemalloc.take_snapshot()
        data["traced_kb"] = sum(s.size for s in snapshot.statistics("filename")) / 1024
        data["top_files"] = [(str(s.traceback[0].filename), s.size / 1024)
                             for s in snapshot.statistics("filename")[:20]]
        data["top_lines"] = [(str(s.traceback[0]), s.size / 1024)
                             for s in snapshot.statistics("lineno")[:12]]
    print(%r + json.dumps(data), flush=True)
""" % MARK

START_CODESIGN = PRELUDE + """
from codesign_tui.tui.app import make_app
from codesign_tui.tui.screens import home
T_IMPORTED = time.perf_counter()
mark = {}
original = home.HomeScreen.on_mount

def on_mount(self):
    original(self)

    def painted():
        mark["paint"] = time.perf_counter() - T0
        mark["screen"] = type(self.app.screen).__name__
        mark["options"] = self.query_one("#flows").option_count
        self.app.exit()

    self.call_after_refresh(painted)

home.HomeScreen.on_mount = on_mount
app = make_app()
T_BUILT = time.perf_counter()
app.run(headless=True, size=(%d, %d))
mark["imported"] = T_IMPORTED - T0
mark["built"] = T_BUILT - T0
report(mark)
""" % SIZE

START_BARE = PRELUDE + """
from textual.app import App
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList
T_IMPORTED = time.perf_counter()
mark = {}

class Home(Screen):
    def compose(self):
        yield Header()
        yield OptionList("Plan how to involve people", "When to co-design or co-produce",
                         "Conflicts of interest", id="flows")
        yield Footer()

    def on_mount(self):
        self.query_one(OptionList).focus()

        def painted():
            mark["paint"] = time.perf_counter() - T0
            mark["screen"] = type(self.app.screen).__name__
            mark["options"] = self.query_one("#flows").option_count
            self.app.exit()

        self.call_after_refresh(painted)

class Bare(App):
    def on_mount(self):
        self.push_screen(Home())

app = Bare()
T_BUILT = time.perf_counter()
app.run(headless=True, size=(%d, %d))
mark["imported"] = T_IMPORTED - T0
mark["built"] = T_BUILT - T0
report(mark)
""" % SIZE

ANSWER_CODESIGN = PRELUDE + """
import asyncio
from codesign_tui.flow.loader import load_flow
from codesign_tui.tui.app import make_app
presses = int(sys.argv[2])
app = make_app(flow=load_flow(sys.argv[1]))

async def drive():
    out = {"wall": [], "cpu": [], "asked": []}
    async with app.run_test(size=(%d, %d)) as pilot:
        await pilot.pause()
        out["screen"] = type(app.screen).__name__
        out["rss_first_screen_kb"] = rss_now_kb()
        session = app.screen.session
        for _ in range(presses):
            out["asked"].append(session.current.id if session.current else None)
            wall, cpu = time.perf_counter(), time.process_time()
            await pilot.press("1")
            await pilot.pause()
            out["cpu"].append(time.process_time() - cpu)
            out["wall"].append(time.perf_counter() - wall)
        out["complete"] = session.is_complete
        out["answers"] = dict(session.answers)
        out["turns"] = len(app.screen.query_one("#transcript").children)
        census(app, out)
    return out

report(asyncio.run(drive()))
""" % SIZE

BARE_PRESSES = PRELUDE + """
import asyncio
from textual.app import App
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static
presses = int(sys.argv[1])

class Receiver(Widget, can_focus=True):
    DEFAULT_CSS = "Receiver { height: 3; border: round $accent; }"
    BINDINGS = [Binding(str(n), "answer", show=False) for n in range(1, 10)]

    async def action_answer(self):
        scroll = self.app.query_one(VerticalScroll)
        count = len(scroll.children) + 1
        await scroll.mount(Static(f"Answer {count}: Yes, it is genuinely open"))

class Bare(App):
    def compose(self):
        yield VerticalScroll(id="transcript")
        yield Receiver()

    def on_mount(self):
        self.query_one(VerticalScroll).anchor()
        self.query_one(Receiver).focus()

app = Bare()

async def drive():
    out = {"wall": [], "cpu": []}
    async with app.run_test(size=(%d, %d)) as pilot:
        await pilot.pause()
        out["rss_first_screen_kb"] = rss_now_kb()
        for _ in range(presses):
            wall, cpu = time.perf_counter(), time.process_time()
            await pilot.press("1")
            await pilot.pause()
            out["cpu"].append(time.process_time() - cpu)
            out["wall"].append(time.perf_counter() - wall)
        out["turns"] = len(app.query_one(VerticalScroll).children)
        census(app, out)
    return out

report(asyncio.run(drive()))
""" % SIZE

ENGAGEMENT = PRELUDE + """
import asyncio
from textual.widgets import Input
from codesign_tui.flow.loader import load_flow
from codesign_tui.resources import flows_dir
from codesign_tui.tui.app import make_app
app = make_app(flow=load_flow(flows_dir() / "engagement-plan.yaml"))
TYPED = {"work_summary": "Redesign of neighbourhood mental health support"}  # other optional text: skipped

async def drive():
    out = {"keys": 0, "asked": [], "stalled": None, "unexpected": None}
    async with app.run_test(size=(%d, %d)) as pilot:
        await pilot.pause()
        screen = app.screen
        out["screen"] = type(screen).__name__
        out["rss_first_screen_kb"] = rss_now_kb()
        session = screen.session

        async def press(*keys):
            for key in keys:
                await pilot.press(key)
                out["keys"] += 1
                await pilot.pause()

        async def type_reply(text):
            composer = screen.query_one("#composer", Input)
            if not composer.has_focus:
                composer.focus()
                await pilot.pause()
            await press(*text, "enter")

        while session.current is not None and len(out["asked"]) < 100:
            question = session.current
            out["asked"].append(question.id)
            if question.id == "interests_known":
                await press("2")  # none declared yet: the register is skipped
            elif question.kind in ("single", "yes_partly_no_unsure"):
                await press("1")
            elif question.kind == "multiple":
                await type_reply("1, 2")
            elif question.kind == "text":
                await type_reply(TYPED.get(question.id, ""))
            else:
                out["unexpected"] = f"{question.id} ({question.kind})"
                break
            if session.current is not None and session.current.id == question.id:
                out["stalled"] = question.id
                out["hint"] = str(screen.query_one("#reply-hint").render())
                break
        out["complete"] = session.is_complete
        out["answered"] = len(session.answers)
        out["turns"] = len(screen.query_one("#transcript").children)
        census(app, out)
    return out

report(asyncio.run(drive()))
""" % SIZE

RESIZE = PRELUDE + """
import asyncio
import yaml
from pathlib import Path
from codesign_tui.sessions import SessionStore
from codesign_tui.tui.app import make_app
length, where, resizes = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
text = ("Our neighbourhood mental health support, redesigned with the people who use it. " * (length // 80 + 1))[:length]
folder = Path(os.environ["CODESIGN_DATA_DIR"]) / "sessions"
folder.mkdir(parents=True, exist_ok=True)
given = {"answers": {"work_summary": text}, "session": {}} if where == "answer" else \
    {"answers": {}, "session": {"drafts": {"work_summary": text}}}
(folder / "long.session.yaml").write_text(yaml.safe_dump({"flow": "engagement-plan", **given}), encoding="utf-8")
app = make_app(resume="long", store=SessionStore(folder))

async def drive():
    out = {"cpu": []}
    async with app.run_test(size=(%d, %d)) as pilot:
        await pilot.pause()
        out["screen"] = type(app.screen).__name__
        session = app.screen.session
        out["current"] = session.current.id if session.current else None
        out["kept"] = len(session.answers.get("work_summary", "")) if where == "answer" else \
            len(app.screen.query_one("#composer").value)
        out["rss_first_screen_kb"] = rss_now_kb()
        for number in range(resizes):
            cpu = time.process_time()
            await pilot.resize_terminal(*((80, 24) if number %% 2 else (140, 44)))
            await pilot.pause()
            out["cpu"].append(time.process_time() - cpu)
        out["rss_after_kb"] = rss_now_kb()
    return out

report(asyncio.run(drive()))
""" % SIZE
RESIZES = 40
LONG_ANSWER = 1_000_000
RESIZE_TARGET = 1.5


# The same two start-ups in a real terminal: Textual's own driver, its size read from the pseudo-terminal.
# They stay open (an app that exits at once may never write its frame); the parent, having seen the last
# row drawn, presses Ctrl+Q.
PTY_CODESIGN = START_CODESIGN.replace("app.run(headless=True, size=(%d, %d))" % SIZE, "app.run()").replace(
    "self.app.exit()", "pass")
PTY_BARE = START_BARE.replace("app.run(headless=True, size=(%d, %d))" % SIZE, "app.run()").replace(
    "self.app.exit()", "pass")
# a move of the cursor to the first column of a row, and what is written there up to the next move
ROW_WRITE = re.compile(rb"\x1b\[(\d+);1H((?:(?!\x1b\[\d+;\d+H).)*)", re.S)
SGR = re.compile(rb"\x1b\[[0-9;:?]*[a-zA-Z]")


def last_row_drawn(output: bytes, rows: int) -> bool:
    """Whether the terminal's last row has been written with something other than blanks."""
    for match in ROW_WRITE.finditer(output):
        if int(match.group(1)) == rows and SGR.sub(b"", match.group(2)).strip():
            return True
    return False


# -- the generated flow -------------------------------------------------------------------------------

def generate_flow() -> str:
    topics = ("the budget", "the timetable", "senior sponsors", "people with lived experience", "partners",
              "the programme board", "local groups", "frontline staff", "the evaluation", "the venue")
    out = [
        "id: bench-fifty",
        "title: Fifty questions to answer",
        'version: "1.0"',
        "summary: A generated flow of 50 yes/partly/no/unsure questions in 5 sections.",
        "audience: Benchmarks.",
        "sources:",
        "  - id: r5",
        '    title: "GM VCSE Commissioning Framework, Recommendation 5"',
        "  - id: r5-a2-3",
        '    title: "Recommendation 5, Appendix 2.3: Risk and resources"',
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
        "calls_for:",
        "  - id: already-decided",
        "    level: consult",
        "    when: \"q1 == 'no'\"",
        "    because: Most of the answer is already fixed, so ask for views.",
        "    cite: r5",
        "  - id: open",
        "    level: co-produce",
        "    when: \"q1 == 'yes' and q11 == 'yes'\"",
        "    because: The question is open and people will help deliver.",
        "    cite: r5",
        "  - id: otherwise",
        "    level: co-design",
        "    because: There is room for people to shape the work.",
        "    cite: r5",
        "requirements:",
        "  co-design:",
    ]
    for number in (2, 12, 22):
        out += [f"    - question: q{number}", "      accepts: [yes, partly, unsure]",
                "      because: Co-design needs at least some of this.", "      cite: r5-a2-3"]
    out.append("  co-produce:")
    for number in (3, 13, 23, 33):
        out += [f"    - question: q{number}", "      accepts: [yes]",
                "      because: Co-production needs all of this.", "      cite: r5-a2-3"]
    out.append("sections:")
    per_section = QUESTIONS // SECTIONS
    for s in range(1, SECTIONS + 1):
        out += [f"  - id: s{s}", f"    title: \"Part {s}: {topics[s % len(topics)]}\"",
                f"    intro: Next, some questions about {topics[s % len(topics)]}.", "    questions:"]
        for number in range((s - 1) * per_section + 1, s * per_section + 1):
            topic = topics[number % len(topics)]
            out += [
                f"      - id: q{number}",
                f"        prompt: Question {number}. Have you agreed {topic} with the people involved?",
                f"        guidance: People will ask what happened to their ideas about {topic}. Agreeing it"
                " early avoids raising hopes you cannot meet.",
                f"        cite: {'r5' if number % 2 else 'r5-a2-3'}",
                "        kind: yes_partly_no_unsure",
            ]
            if number % 3 == 0:
                out += ["        actions:", "          - on: [unsure]", "            kind: find_out",
                        f"            text: Ask the programme lead about {topic}, and record the answer.",
                        "          - on: [partly, no]", "            kind: to_unlock",
                        f"            text: Agree {topic} in writing before you invite people in."]
    return "\n".join(out) + "\n"


# -- running children ---------------------------------------------------------------------------------

class Child:
    def __init__(self, folder: Path):
        self.folder = folder
        self.count = 0
        self.scripts: dict[str, Path] = {}
        for name, text in (("start_codesign", START_CODESIGN), ("start_bare", START_BARE),
                           ("answer_codesign", ANSWER_CODESIGN), ("bare_presses", BARE_PRESSES),
                           ("engagement", ENGAGEMENT), ("pty_codesign", PTY_CODESIGN),
                           ("pty_bare", PTY_BARE), ("resize", RESIZE)):
            path = folder / f"{name}.py"
            path.write_text(text, encoding="utf-8")
            self.scripts[name] = path

    def run(self, name: str, *args: str, prefix: tuple[str, ...] = (), env: dict | None = None,
            timeout: float = 300) -> tuple[dict, float, str]:
        """Run one child; its report, the wall time of the whole process, and its stdout."""
        self.count += 1
        data = self.folder / f"data-{self.count}"
        data.mkdir()
        # Bytecode is cached (in a private folder, so nothing is written beside the sources) as it is
        # for an installed package: with PYTHONDONTWRITEBYTECODE set, every start would recompile
        # codesign_tui from source while Textual's installed .pyc files are used, which is not a fair race.
        # The catalogue of flows is cached as on a user's machine, in a folder of this run (warmed with
        # the bytecode); a cold start is measured too, with an empty cache folder of its own.
        environment = {**os.environ, "CODESIGN_DATA_DIR": str(data),
                       "CODESIGN_CACHE_DIR": str(self.folder / "cache"),
                       "PYTHONPYCACHEPREFIX": str(self.folder / "pycache"), **(env or {})}
        for noisy in ("TEXTUAL", "TEXTUAL_DEVTOOLS", "PYTHONTRACEMALLOC", "PYTHONPROFILEIMPORTTIME",
                      "PYTHONDONTWRITEBYTECODE"):
            environment.pop(noisy, None)
        command = [sys.executable, *prefix, str(self.scripts[name]), *args]
        started = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True,
                              timeout=timeout)
        wall = time.perf_counter() - started
        report = None
        for line in done.stdout.splitlines():
            if line.startswith(MARK):
                report = json.loads(line[len(MARK):])
        if done.returncode != 0 or report is None:
            raise ChildFailed(f"{name} {' '.join(args)} exited {done.returncode}:\n{done.stderr[-3000:]}")
        return report, wall, done.stdout

    def run_in_terminal(self, name: str, env: dict | None = None, timeout: float = 60) -> float:
        """Run one child in a pseudo-terminal of SIZE, as a person starts it; the time from starting it
        until the last row of its first screen is on the terminal."""
        import fcntl
        import pty
        import struct
        import termios

        self.count += 1
        data = self.folder / f"data-{self.count}"
        data.mkdir()
        environment = {**os.environ, "CODESIGN_DATA_DIR": str(data), "CODESIGN_CACHE_DIR": str(self.folder / "cache"),
                       "PYTHONPYCACHEPREFIX": str(self.folder / "pycache"), "TERM": "xterm-256color",
                       "COLUMNS": str(SIZE[0]), "LINES": str(SIZE[1]), **(env or {})}
        for noisy in ("TEXTUAL", "TEXTUAL_DEVTOOLS", "PYTHONTRACEMALLOC", "PYTHONPROFILEIMPORTTIME",
                      "PYTHONDONTWRITEBYTECODE"):
            environment.pop(noisy, None)
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
        # "command": the codesign command itself, as a person types it (the console script beside this
        # Python, its argument parsing and all)
        argv = [str(COMMAND)] if name == "command" else [sys.executable, str(self.scripts[name])]
        started = time.perf_counter()
        process = subprocess.Popen(argv, cwd=ROOT, env=environment,
                                   stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
        os.close(slave)
        output, drawn = b"", None
        try:
            while time.perf_counter() - started < timeout:
                ready, _, _ = select.select([master], [], [], 0.5)
                if not ready:
                    if process.poll() is not None:
                        break
                    continue
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the child has gone and closed the terminal
                    break
                if not chunk:
                    break
                output += chunk
                if drawn is None and last_row_drawn(output, SIZE[1]):
                    drawn = time.perf_counter() - started
                    os.write(master, b"\x11")  # Ctrl+Q: both apps quit on it
        finally:
            os.close(master)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if drawn is None:
            tail = SGR.sub(b"", output[-2000:]).decode("utf-8", "replace")
            raise ChildFailed(f"{name} in a terminal: the last row was never drawn (exit {process.returncode}):"
                              f"\n{tail}")
        return drawn


class ChildFailed(Exception):
    pass


def print_terminal(terminal: dict) -> None:
    pty_c, pty_b, command = terminal["pty_codesign"], terminal["pty_bare"], terminal["command"]
    print(f"{'in a terminal, to last row':28}{pty_c * 1e3:>10.0f}{pty_b * 1e3:>10.0f}{pty_c / pty_b:>7.2f}x"
          f"   (a real {SIZE[0]}x{SIZE[1]} pseudo-terminal; start to the screen's last row drawn)")
    print_pairs(terminal["pairs"])
    print(f"{'the codesign command':28}{command * 1e3:>10.0f}{pty_b * 1e3:>10.0f}{command / pty_b:>7.2f}x"
          "   (the console script as a person types it, in the same terminal)")
    print_pairs(terminal["command_pairs"])


def print_pairs(pairs: list[float]) -> None:
    """How far a ratio moves with the machine's noise: each run against the bare run beside it."""
    quartile = len(pairs) // 4
    print(f"{'  run beside run':28}{'':20}{'':>8}   ratios of the {len(pairs)} pairs: {pairs[0]:.2f}x to"
          f" {pairs[-1]:.2f}x, middle half {pairs[quartile]:.2f}x to {pairs[-1 - quartile]:.2f}x")


def med(values) -> float:
    return statistics.median(values)


def verdict(ratio: float, target: float) -> str:
    return f"{'met' if ratio <= target else 'NOT met'} ({ratio:.2f}x against {target}x)"


# -- the measures -------------------------------------------------------------------------------------

def warm_up(child: Child, flow_path: Path) -> None:
    """One short run of each child: compiles every module they import into the bytecode cache and warms
    the page cache, so that no measured run pays for compiling."""
    began = time.perf_counter()
    for name, args in (("start_codesign", ()), ("start_bare", ()), ("answer_codesign", (str(flow_path), "2")),
                       ("bare_presses", ("2",))):
        child.run(name, *args)
    print(f"  warmed up: one short run of each child, bytecode cached ({time.perf_counter() - began:.0f} s)",
          flush=True)


def measure_start(child: Child, failures: list[str]) -> dict:
    began = time.perf_counter()
    runs: dict[str, list] = {"start_codesign": [], "start_bare": [], "cold": []}
    for number in range(START_RUNS):  # interleaved, so drift in the machine's load hits both alike
        for name in runs:
            if name == "cold":  # the first start after installing, or after editing every flow
                report, wall, _ = child.run("start_codesign",
                                            env={"CODESIGN_CACHE_DIR": str(child.folder / f"cold-{number}")})
            else:
                report, wall, _ = child.run(name)
            runs[name].append((wall, report))
    out = {}
    for name, results in runs.items():
        last = results[-1][1]
        expected = "Home" if name == "start_bare" else "HomeScreen"
        if any("paint" not in r for _, r in results) or last["screen"] != expected or last["options"] < 3:
            failures.append(f"{name}: home screen not painted as expected: {last}")
        out[name] = {
            "wall": med(w for w, _ in results),
            "paint": med(r["paint"] for _, r in results),
            "imported": med(r["imported"] for _, r in results),
            "built": med(r["built"] for _, r in results),
            "maxrss": med(r["maxrss_kb"] for _, r in results) / 1024,
        }
    print(f"  start-up: {START_RUNS} runs of each app ({time.perf_counter() - began:.0f} s)", flush=True)
    return out


def measure_terminal(child: Child) -> dict:
    """First paint in a real pseudo-terminal of SIZE: from starting the process to the home screen's last
    row on the terminal, as a person sees it."""
    began = time.perf_counter()
    runs: dict[str, list[float]] = {"pty_codesign": [], "pty_bare": [], "command": []}
    for name in runs:  # warm: the first run in a terminal pays for what the headless runs did not load
        child.run_in_terminal(name)
    for _ in range(START_RUNS):
        for name in runs:
            runs[name].append(child.run_in_terminal(name))
    print(f"  start-up in a terminal: {START_RUNS} runs of each app ({time.perf_counter() - began:.0f} s)",
          flush=True)
    out = {name: med(times) for name, times in runs.items()}
    # each codesign run against the bare run beside it: how far the ratio moves with the machine's noise
    out["pairs"] = sorted(c / b for c, b in zip(runs["pty_codesign"], runs["pty_bare"]))
    out["command_pairs"] = sorted(c / b for c, b in zip(runs["command"], runs["pty_bare"]))
    return out


def measure_answers(child: Child, flow_path: Path, failures: list[str]) -> dict:
    began = time.perf_counter()
    results: dict[str, list[dict]] = {"codesign": [], "bare": []}
    for _ in range(ANSWER_RUNS):
        report, _, _ = child.run("answer_codesign", str(flow_path), str(QUESTIONS))
        expected = {f"q{n}": "yes" for n in range(1, QUESTIONS + 1)}
        if report.get("screen") != "ConversationScreen" or not report.get("complete") \
                or report.get("answers") != expected \
                or report.get("asked") != [f"q{n}" for n in range(1, QUESTIONS + 1)]:
            failures.append(f"{QUESTIONS} answers: the session is not complete as expected (screen"
                            f" {report.get('screen')}, complete {report.get('complete')},"
                            f" {len(report.get('answers') or {})} answers)")
        results["codesign"].append(report)
        report, _, _ = child.run("bare_presses", str(QUESTIONS))
        if report.get("turns") != QUESTIONS:
            failures.append(f"bare app: {report.get('turns')} turns after {QUESTIONS} presses")
        results["bare"].append(report)
    print(f"  answering: {ANSWER_RUNS} runs of {QUESTIONS} answers for each app"
          f" ({time.perf_counter() - began:.0f} s)", flush=True)
    out = {}
    for name, reports in results.items():
        tenth = QUESTIONS // 10
        out[name] = {
            "wall": med(sum(r["wall"]) / len(r["wall"]) for r in reports),
            "cpu": med(sum(r["cpu"]) / len(r["cpu"]) for r in reports),
            "first": med(sum(r["wall"][:tenth]) / tenth for r in reports),
            "last": med(sum(r["wall"][-tenth:]) / tenth for r in reports),
            "cpu_first": med(sum(r["cpu"][:tenth]) / tenth for r in reports),
            "cpu_last": med(sum(r["cpu"][-tenth:]) / tenth for r in reports),
            "memory": memory_figures(reports),
        }
    return out


def measure_memory(child: Child, failures: list[str]) -> dict:
    began = time.perf_counter()
    codesign, bare, keys = [], [], []
    for _ in range(MEMORY_RUNS):
        report, _, _ = child.run("engagement")
        if report.get("screen") != "ConversationScreen" or not report.get("complete") or report.get("stalled") \
                or report.get("unexpected"):
            failures.append(f"engagement-plan: conversation did not complete: stalled at {report.get('stalled')}"
                            f" ({report.get('hint', '')}), unexpected {report.get('unexpected')},"
                            f" asked {report.get('asked')}")
        codesign.append(report)
        keys.append(report["keys"])
        report, _, _ = child.run("bare_presses", str(report["keys"]))
        bare.append(report)
    print(f"  memory: {MEMORY_RUNS} runs of each app ({time.perf_counter() - began:.0f} s)", flush=True)
    last = codesign[-1]
    return {"codesign": memory_figures(codesign), "bare": memory_figures(bare),
            "keys": keys[-1], "questions": len(last["asked"]), "answered": last["answered"]}


def memory_figures(reports: list[dict]) -> dict:
    first = [r["rss_first_screen_kb"] for r in reports if r.get("rss_first_screen_kb")]
    return {"peak": med(r["maxrss_kb"] for r in reports) / 1024,
            "first": med(first) / 1024 if first else float("nan"),
            "alive": med(r["widgets_alive"] for r in reports),
            "detached": sum(n for _, n in reports[-1]["widgets_detached"]),
            "detached_kinds": reports[-1]["widgets_detached"]}


def measure_resizes(child: Child, failures: list[str]) -> bool:
    """Resizing with a 1 MB answer on screen, and with it in the reply box, against a short one; True when
    within the targets."""
    began = time.perf_counter()
    child.run("resize", "100", "answer", "2")  # warm: bytecode and page cache
    print(f"\n4. Resizing, {RESIZES} times between 80x24 and 140x44 (CPU ms per resize, median; RSS in MB)")
    header = f"{'':34}{'1 MB':>10}{'100 ch':>10}{'ratio':>8}{'RSS first':>11}{'after':>8}{'peak':>8}"
    print(header)
    print("-" * len(header))
    met = True
    for where, label in (("answer", "a 1 MB answer in the transcript"), ("draft", "1 MB typed in the reply box")):
        figures = {}
        for length in (LONG_ANSWER, 100):
            report, _, _ = child.run("resize", str(length), where, str(RESIZES), timeout=3600)
            if report.get("screen") != "ConversationScreen" or report.get("current") is None or \
                    report.get("kept") != length:
                failures.append(f"resize, {label}: the session did not resume with all {length:,} characters"
                                f" ({report.get('screen')}, at {report.get('current')}, {report.get('kept')} kept)")
            figures[length] = report
        long, short = figures[LONG_ANSWER], figures[100]
        ratio = med(long["cpu"]) / med(short["cpu"])
        first, after = long["rss_first_screen_kb"] / 1024, long["rss_after_kb"] / 1024
        print(f"{label:34}{med(long['cpu']) * 1e3:>10.1f}{med(short['cpu']) * 1e3:>10.1f}{ratio:>7.2f}x"
              f"{first:>11.1f}{after:>8.1f}{long['maxrss_kb'] / 1024:>8.1f}")
        if where == "answer":
            print(f"  CPU per resize <= {RESIZE_TARGET}x the short answer: {verdict(ratio, RESIZE_TARGET)};"
                  f" RSS grew {after - first:.1f} MB over the resizes (target <= 10)")
            met = met and ratio <= RESIZE_TARGET and after - first <= 10
        else:
            print(f"  (no target: Textual's one-line Input measures its whole value at each draw, a constant"
                  f" {(med(long['cpu']) - med(short['cpu'])) * 1e3:.0f} ms a resize here; RSS grew"
                  f" {after - first:.1f} MB)")
    print(f"  ({time.perf_counter() - began:.0f} s)")
    return met


# -- optional profiles --------------------------------------------------------------------------------

def profile(child: Child, flow_path: Path) -> None:
    import pstats

    for title, name, args in (("start-up to first paint (codesign)", "start_codesign", ()),
                              (f"{QUESTIONS} answers (codesign)", "answer_codesign",
                               (str(flow_path), str(QUESTIONS)))):
        out = child.folder / f"{name}.prof"
        child.run(name, *args, prefix=("-m", "cProfile", "-o", str(out)), timeout=1200)
        print(f"\n== cProfile: {title}: top 25 by cumulative time, then top 25 by own time ==")
        stats = pstats.Stats(str(out))
        stats.sort_stats("cumulative").print_stats(25)
        stats.sort_stats("tottime").print_stats(25)
    for title, name, args in (("engagement-plan conversation (codesign)", "engagement", ()),
                              (f"bare app, {QUESTIONS} presses", "bare_presses", (str(QUESTIONS),))):
        report, _, _ = child.run(name, *args, env={"BENCH_TRACEMALLOC": "1"}, timeout=1200)
        print(f"\n== tracemalloc: {title}: peak traced {report['peak_traced_kb'] / 1024:.1f} MB, still allocated"
              f" at the end {report['traced_kb'] / 1024:.1f} MB; widgets alive {report['widgets_alive']}, of which"
              f" detached from every screen: {report['widgets_detached']} ==")
        for filename, kb in report["top_files"]:
            print(f"  {kb / 1024:7.2f} MB  {filename}")
        print("  top lines:")
        for where, kb in report["top_lines"]:
            print(f"  {kb / 1024:7.2f} MB  {where}")


def memory_rows(c: dict, b: dict) -> None:
    print(f"{'RSS, first screen up (MB)':28}{c['first']:>10.1f}{b['first']:>10.1f}"
          f"{c['first'] / b['first']:>7.2f}x")
    print(f"{'peak RSS, ru_maxrss (MB)':28}{c['peak']:>10.1f}{b['peak']:>10.1f}{c['peak'] / b['peak']:>7.2f}x")
    grow_c, grow_b = c["peak"] - c["first"], b["peak"] - b["first"]
    print(f"{'  growth after first screen':28}{grow_c:>10.1f}{grow_b:>10.1f}"
          f"{(grow_c / grow_b if grow_b > 0 else float('inf')):>7.2f}x")
    print(f"{'widgets alive at the end':28}{c['alive']:>10.0f}{b['alive']:>10.0f}{c['alive'] / b['alive']:>7.2f}x")
    print(f"{'  of which off-screen':28}{c['detached']:>10.0f}{b['detached']:>10.0f}")
    for label, figures in (("codesign", c), ("bare", b)):
        if figures["detached"]:
            kinds = ", ".join(f"{n} {kind}" for kind, n in figures["detached_kinds"])
            print(f"  {label}: widgets removed from the screen but still alive after gc: {kinds}")


# -- main ---------------------------------------------------------------------------------------------

def main() -> int:
    import textual

    from codesign_tui.flow.loader import load_flow
    from codesign_tui.flow.problems import FlowError

    print(f"Python {platform.python_version()}, Textual {textual.__version__}, {platform.machine()},"
          f" {os.cpu_count()} CPUs; headless at {SIZE[0]}x{SIZE[1]}; medians of runs in fresh processes\n")
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="codesign-bench-tui-") as folder:
        child = Child(Path(folder))
        flow_path = Path(folder) / "bench-fifty.yaml"
        flow_path.write_text(generate_flow(), encoding="utf-8")
        try:
            flow = load_flow(flow_path)
        except FlowError as error:
            print(f"the generated flow is not valid (a bug in this generator):\n{error}", file=sys.stderr)
            return 1
        if len(flow.questions) != QUESTIONS or len(flow.sections) != SECTIONS:
            print("the generated flow has the wrong shape (a bug in this generator)", file=sys.stderr)
            return 1
        if "--start" in sys.argv[1:]:  # start-up in a real terminal alone, a minute or two
            try:
                warm_up(child, flow_path)
                terminal = measure_terminal(child)
            except ChildFailed as error:
                print(f"a child process failed:\n{error}", file=sys.stderr)
                return 1
            print_terminal(terminal)
            return 0
        if "--resize" in sys.argv[1:]:
            try:
                measure_resizes(child, failures)
            except ChildFailed as error:
                print(f"a child process failed:\n{error}", file=sys.stderr)
                return 1
            for failure in failures:
                print(f"correctness check FAILED: {failure}")
            return 1 if failures else 0
        try:
            warm_up(child, flow_path)
            start = measure_start(child, failures)
            terminal = measure_terminal(child)
            answers = measure_answers(child, flow_path, failures)
            memory = measure_memory(child, failures)
        except ChildFailed as error:
            print(f"a child process failed:\n{error}", file=sys.stderr)
            return 1

        c, b, cold = start["start_codesign"], start["start_bare"], start["cold"]
        print("\n1. Start-up to the first painted home screen (median of"
              f" {START_RUNS}; ms; 'cold' is codesign with an empty catalogue cache)")
        header = f"{'':28}{'codesign':>10}{'bare':>10}{'ratio':>8}{'cold':>10}{'ratio':>8}"
        print(header)
        print("-" * len(header))
        for label, key in (("whole process (parent)", "wall"), ("first line to paint (child)", "paint"),
                           ("  of which imports", "imported"), ("  imports + app built", "built")):
            print(f"{label:28}{c[key] * 1e3:>10.0f}{b[key] * 1e3:>10.0f}{c[key] / b[key]:>7.2f}x"
                  f"{cold[key] * 1e3:>10.0f}{cold[key] / b[key]:>7.2f}x")
        paint_c, paint_b = c["paint"] - c["built"], b["paint"] - b["built"]
        print(f"{'  paint after app built':28}{paint_c * 1e3:>10.0f}{paint_b * 1e3:>10.0f}"
              f"{paint_c / paint_b:>7.2f}x")
        print(f"{'peak memory (MB)':28}{c['maxrss']:>10.1f}{b['maxrss']:>10.1f}{c['maxrss'] / b['maxrss']:>7.2f}x")
        print_terminal(terminal)
        pty_c, pty_b, command = terminal["pty_codesign"], terminal["pty_bare"], terminal["command"]

        ca, ba = answers["codesign"], answers["bare"]
        print(f"\n2. Answering {QUESTIONS} questions through Pilot, press + pause each (median of {ANSWER_RUNS};"
              " ms per answer)")
        header = f"{'':28}{'codesign':>10}{'bare':>10}{'ratio':>8}"
        print(header)
        print("-" * len(header))
        for label, key in (("wall per answer", "wall"), ("CPU per answer", "cpu"),
                           (f"wall, first {QUESTIONS // 10}", "first"), (f"wall, last {QUESTIONS // 10}", "last"),
                           (f"CPU, first {QUESTIONS // 10}", "cpu_first"), (f"CPU, last {QUESTIONS // 10}", "cpu_last")):
            print(f"{label:28}{ca[key] * 1e3:>10.1f}{ba[key] * 1e3:>10.1f}{ca[key] / ba[key]:>7.2f}x")
        memory_rows(ca["memory"], ba["memory"])

        cm, bm = memory["codesign"], memory["bare"]
        print(f"\n3. Memory of a whole engagement-plan conversation ({memory['questions']} questions asked,"
              f" {memory['keys']} key presses; median of {MEMORY_RUNS})")
        print(header)
        print("-" * len(header))
        memory_rows(cm, bm)

        print("\nverdicts:")
        print(f"  start-up, first line to paint <= {START_TARGET}x bare:"
              f" {verdict(c['paint'] / b['paint'], START_TARGET)};"
              f" whole process: {c['wall'] / b['wall']:.2f}x; cold (empty catalogue cache):"
              f" {cold['paint'] / b['paint']:.2f}x")
        print(f"  the codesign command in a real terminal <= {START_TARGET}x bare:"
              f" {verdict(command / pty_b, START_TARGET)}")
        print(f"  start-up in a real terminal <= {START_TARGET}x bare: {verdict(pty_c / pty_b, START_TARGET)};"
              f" cold <= {COLD_TARGET}x bare: {verdict(cold['paint'] / b['paint'], COLD_TARGET)}")
        print(f"  answering, wall per answer <= {ANSWER_TARGET}x bare:"
              f" {verdict(ca['wall'] / ba['wall'], ANSWER_TARGET)};"
              f" CPU per answer <= {CPU_TARGET}x bare: {verdict(ca['cpu'] / ba['cpu'], CPU_TARGET)}")
        print(f"  the last {QUESTIONS // 10} answers no slower than the first {QUESTIONS // 10} (codesign's own"
              f" wall, last / first <= 1.0): {verdict(ca['last'] / ca['first'], 1.0)};"
              f" bare app's: {ba['last'] / ba['first']:.2f}x")
        print(f"  memory, peak RSS <= {MEMORY_TARGET}x bare: {verdict(cm['peak'] / bm['peak'], MEMORY_TARGET)}")
        if failures:
            print("\ncorrectness checks FAILED:")
            for failure in failures:
                print(f"  {failure}")
        else:
            print("\ncorrectness checks: passed (home screens painted; 50 answers completed the session;"
                  " the engagement-plan conversation completed)")
        if "--profile" in sys.argv[1:]:
            profile(child, flow_path)
    return 1 if failures else 0


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    print(f"\n(total {time.perf_counter() - started:.1f} s)")
    sys.exit(code)
