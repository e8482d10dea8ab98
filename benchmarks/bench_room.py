"""Thirty participants at once, against `codesign room` and then against `codesign serve`, in one run.

For each server: one participant alone first (the baseline), then thirty who join at the same moment and each
answer every question of `appendix2`. The room is driven over HTTP (aiohttp's client: the forms a browser
sends, no browser); `serve` over the WebSocket its page opens (keys, as a browser sends them; a question has
arrived when its words appear in the terminal output). Prints for each:

- join: time from the moment all join until the last one has the first question;
- p95 per answer: time from sending an answer to having the next question (answers 1 to 6 of 7: the seventh
  leads to the end, not to a question), with thirty, and for one alone (five people one after another, after
  one who warms the server up);
- peak memory: resident memory of the server and every process under it, sampled every 50 ms;
- CPU seconds: user and system time of the server and every process under it.

Targets, from the issue: room joins at least 10x faster and needs at least 10x less memory than serve, and its
p95 per answer with thirty is within 2x of one alone. It asserts nothing: it prints the figures and the ratios.

A person takes time over a question: by default each waits 2 to 4 seconds (at random) before answering, as a
room does; that time is not counted. `--think 0` answers at once, a stress test of thirty answers always
waiting, where the time per answer is the queue's length times the server's work per answer.

Run from the repository root:  .venv/bin/python benchmarks/bench_room.py [--people 30] [--only room|serve]
                               [--think SECONDS]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import aiohttp

ALONE = 5  # people who answer one after another, alone, for the baseline: 30 answers, not 6
ANSWERS = ["yes", "wicked", "partly", "yes", "yes", "no", "yes"]
# the same answers as keys in the app: the number of each option
KEYS = ["1", "3", "2", "1", "1", "3", "1"]
ANSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[PX^_].*?\x1b\\|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.", re.S)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Watch:
    """Peak resident memory and CPU time of a process and everything under it."""

    def __init__(self, pid: int):
        self.pid = pid
        self.peak = 0
        self.cpu: dict[int, float] = {}  # the last CPU time seen for each process, so ended ones still count
        self.running = True
        self.tick = os.sysconf("SC_CLK_TCK")
        self.page = os.sysconf("SC_PAGE_SIZE")
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def family(self) -> list[int]:
        parents: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
        found, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo += [child for child, parent in parents.items() if parent == pid]
        return found

    def run(self) -> None:
        while self.running:
            total = 0
            for pid in self.family():
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * self.page
                except (OSError, IndexError):
                    continue
                self.cpu[pid] = (int(fields[11]) + int(fields[12])) / self.tick
            self.peak = max(self.peak, total)
            time.sleep(0.05)

    def stop(self) -> tuple[int, float]:
        self.running = False
        self.thread.join()
        return self.peak, sum(self.cpu.values())


def start(command: list[str], port: int, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(command, stdout=open(log, "w"), stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"{command[3]} did not start: {log.read_text()}")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# -- the room: HTTP forms --------------------------------------------------------------------------------

PEOPLE_SEEN = [0]


def own_address() -> str:
    """A loopback address of each participant's own (127.0.0.N; Linux answers the whole 127/8): a room's
    people are on machines of their own, and the room lets one machine take only a few seats."""
    PEOPLE_SEEN[0] += 1
    return f"127.0.{PEOPLE_SEEN[0] // 250}.{PEOPLE_SEEN[0] % 250 + 2}"


async def room_person(base: str, go: asyncio.Event, joined: list[float], answers: list[float],
                      think: float = 0) -> None:
    connector = aiohttp.TCPConnector(local_addr=(own_address(), 0))
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True), connector=connector) as http:
        await go.wait()
        async with http.get(base) as response:
            page = await response.text()
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        async with http.post(base + "join", data={"csrf": csrf, "name": ""}) as response:
            page = await response.text()
        joined.append(time.monotonic())
        for number, value in enumerate(ANSWERS):
            found = re.search(r'name="question" value="([^"]+)"', page)
            assert found, page[:3000]
            question = found.group(1)
            version = re.search(r'name="version" value="([^"]+)"', page).group(1)
            await pause(think)
            sent = time.monotonic()
            async with http.post(base + "question", data={"csrf": csrf, "question": question, "version": version,
                                                          "answer": value}) as response:
                page = await response.text()
            if number < len(ANSWERS) - 1:
                assert 'name="question"' in page, page[:500]
                answers.append(time.monotonic() - sent)


async def run_room(people: int, folder: Path, think: float) -> dict:
    return await run(["room", "appendix2", "--dir", str(folder)], room_person, people, folder.parent / "room.log",
                     think)


async def run(command: list[str], person, people: int, log: Path, think: float) -> dict:
    """Start `codesign COMMAND`, let people join and answer through `person`, and measure the server."""
    port = free_port()
    process = start([sys.executable, "-m", "codesign_tui", *command, "--port", str(port)], port, log)
    watch = Watch(process.pid)
    base = f"http://127.0.0.1:{port}/"
    try:
        alone: list[float] = []
        go = asyncio.Event()
        go.set()
        await person(base, go, [], [], think)  # a warm-up: the first of anything is slower
        for _ in range(ALONE):
            await person(base, go, [], alone, think)
        figures = await crowd(lambda go, joined, answers: person(base, go, joined, answers, think), people)
    finally:
        peak, cpu = watch.stop()
        stop(process)
    return {**figures, "alone_p95": p95(alone), "peak_mb": peak / 2**20, "cpu_s": cpu}


def prompts() -> list[bytes]:
    from codesign_tui.flow.loader import load_flow
    from codesign_tui.resources import flows_dir

    flow = load_flow(flows_dir() / "appendix2.yaml")
    # the first words of each question, without spaces: the terminal may move the cursor between words
    return [re.sub(r"\s+", "", q.prompt)[:18].encode() for q in flow.questions]


async def serve_person(base: str, go: asyncio.Event, joined: list[float], answers: list[float],
                       think: float = 0) -> None:
    words = prompts()
    async with aiohttp.ClientSession() as http:
        await go.wait()
        async with http.ws_connect(base.replace("http", "ws") + "ws?width=120&height=40",
                                   max_msg_size=0) as socket_:
            seen = bytearray()

            async def until(needle: bytes, after: int) -> None:
                while re.sub(rb"\s+", b"", ANSI.sub(b"", bytes(seen[after:]))).find(needle) < 0:
                    message = await asyncio.wait_for(socket_.receive(), 120)
                    if message.type == aiohttp.WSMsgType.BINARY:
                        seen.extend(message.data)
                    elif message.type == aiohttp.WSMsgType.TEXT:
                        continue
                    else:
                        raise RuntimeError(f"the app closed: {message.type}")

            await until(words[0], 0)
            joined.append(time.monotonic())
            for number, key in enumerate(KEYS[:-1]):
                await pause(think)
                mark = len(seen)
                sent = time.monotonic()
                await socket_.send_str(json.dumps(["stdin", key]))
                await until(words[number + 1], mark)
                answers.append(time.monotonic() - sent)


async def run_serve(people: int, folder: Path, think: float) -> dict:
    return await run(["serve", "appendix2"], serve_person, people, folder.parent / "serve.log", think)


async def crowd(person, people: int) -> dict:
    go = asyncio.Event()
    joined: list[float] = []
    answers: list[float] = []
    tasks = [asyncio.create_task(person(go, joined, answers)) for _ in range(people)]
    await asyncio.sleep(0.2)  # every client is waiting at the door; then all go at once
    began = time.monotonic()
    go.set()
    await asyncio.gather(*tasks)
    return {"join_s": max(joined) - began, "p95": p95(answers), "answers": len(answers)}


async def pause(think: float) -> None:
    """A person reading the question and choosing: up to `think` seconds, at random, not counted."""
    if think:
        await asyncio.sleep(random.uniform(think / 2, think))


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))] if ordered else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=30)
    parser.add_argument("--only", choices=("room", "serve"))
    parser.add_argument("--think", type=float, default=4.0,
                        help="seconds a person may take over a question (half to all of it, at random; default 4)")
    options = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as temporary:
        for name, run in (("room", run_room), ("serve", run_serve)):
            if options.only in (None, name):
                folder = Path(temporary) / name
                folder.mkdir()
                results[name] = asyncio.run(run(options.people, folder / "room", options.think))
    print(f"{options.people} participants, appendix2, {os.cpu_count()} CPUs, each taking"
          + (f" {options.think / 2:g} to {options.think:g} s over a question" if options.think else
             " no time over a question (a stress test: every answer waits in a queue)"))
    print(f"{'':8} {'join (last)':>12} {'p95/answer':>11} {'p95 alone':>10} {'peak memory':>12} {'CPU':>8}")
    for name, r in results.items():
        print(f"{name:8} {r['join_s']:>11.2f}s {r['p95'] * 1000:>9.1f}ms {r['alone_p95'] * 1000:>8.1f}ms"
              f" {r['peak_mb']:>10.0f}MB {r['cpu_s']:>7.1f}s")
    room = results.get("room")
    if room:
        print(f"room: p95 with {options.people} is {room['p95'] / room['alone_p95']:.1f}x one alone (target 2x)")
    if room and "serve" in results:
        serve = results["serve"]
        print(f"serve/room: joins {serve['join_s'] / room['join_s']:.0f}x slower, "
              f"{serve['peak_mb'] / room['peak_mb']:.0f}x the memory, {serve['cpu_s'] / room['cpu_s']:.0f}x the CPU"
              " (targets 10x, 10x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
