"""The room in the browser: `codesign serve` in headless Chromium, two participants, answers collected.

Needs Debian's chromium at /usr/bin/chromium and Playwright for Python; .ci/run installs both."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import yaml

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = free_port()
    collect = tmp_path / "collected"
    log = open(tmp_path / "serve.log", "w")
    process = subprocess.Popen([sys.executable, "-m", "codesign_tui", "serve", "appendix2", "--port", str(port),
                                "--collect", str(collect)], stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        pytest.fail("codesign serve did not start: " + (tmp_path / "serve.log").read_text())
    yield f"http://127.0.0.1:{port}/", collect
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=20)
    log.close()


def participant_folders() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("codesign-participant-*"))


async def until(check, what: str, seconds: float = 60):
    """Poll until `check()` gives something true, and return it: the state needed, never a fixed wait."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        await asyncio.sleep(0.1)
    pytest.fail(f"gave up waiting for {what}")


def answered(folder: Path) -> int:
    """How many answers the tab's app has saved in its private folder (0 before the first)."""
    for path in (folder / "sessions").glob("*.session.yaml"):
        try:
            return len(yaml.safe_load(path.read_text()).get("answers") or {})
        except (OSError, yaml.YAMLError, AttributeError):
            return 0  # caught between writes; the next look sees it whole
    return 0


async def steady_picture(page) -> bytes:
    """A screenshot once the page has stopped changing: two in a row the same."""
    pictures = [await page.screenshot()]

    async def same() -> bool:
        pictures.append(await page.screenshot())
        return pictures[-1] == pictures[-2]

    deadline = time.monotonic() + 60
    while not await same():
        assert time.monotonic() < deadline, "the page never stopped changing"
    return pictures[-1]


async def answer_in_a_tab(browser, url: str, keys: str, shot: Path) -> bytes:
    before = participant_folders()
    context = await browser.new_context(viewport={"width": 1200, "height": 800})
    page = await context.new_page()
    await page.goto(url)
    await page.wait_for_selector("canvas", timeout=30_000)
    blank = await page.screenshot()
    # the app starts in its own process with a private folder, then draws its first question
    [folder] = await until(lambda: list(participant_folders() - before), "the tab's app to start")
    deadline = time.monotonic() + 60
    while await steady_picture(page) == blank:
        assert time.monotonic() < deadline, "the app never drew its first question"
    await page.mouse.click(600, 300)
    for count, key in enumerate(keys, 1):
        await page.keyboard.press(key)
        await until(lambda: answered(folder) >= count, f"answer {count} to be saved")
    await steady_picture(page)
    picture = await page.screenshot(path=str(shot))
    await context.close()
    return picture


def collected(folder: Path, count: int, seconds: float = 20) -> list[Path]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
        if len(files) >= count:
            return files
        time.sleep(0.2)
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


async def test_two_participants_answer_in_their_own_tabs_and_both_are_collected(server, tmp_path):
    from playwright.async_api import async_playwright

    url, folder = server
    before = set(Path(tempfile.gettempdir()).glob("codesign-participant-*"))
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        first = await answer_in_a_tab(browser, url, "13111111", tmp_path / "first.png")
        second = await answer_in_a_tab(browser, url, "31234422", tmp_path / "second.png")
        await browser.close()
    files = collected(folder, 2)
    assert len(files) == 2, f"collected: {[f.name for f in files]}"
    answers = sorted((yaml.safe_load(f.read_text())["answers"] for f in files), key=lambda a: a["space_to_shape"])
    assert answers[0] == {"space_to_shape": "no", "problem_type": "existing_solution",
                          "time_for_relationships": "partly", "budget": "no", "senior_buy_in": "unsure",
                          "learning_culture": "unsure", "shared_delivery": "partly", "shared_power": "partly"}
    assert answers[1] == {"space_to_shape": "yes", "problem_type": "wicked", "time_for_relationships": "yes",
                          "budget": "yes", "senior_buy_in": "yes", "learning_culture": "yes",
                          "shared_delivery": "yes", "shared_power": "yes"}
    assert all(f.stat().st_mode & 0o777 == 0o600 for f in files)
    # what each page showed differs with what each person answered
    assert first[:8] == b"\x89PNG\r\n\x1a\n" and first != second
    # each tab kept its session in a private folder of its own, removed when the tab closed
    deadline = time.monotonic() + 15
    while set(Path(tempfile.gettempdir()).glob("codesign-participant-*")) - before and time.monotonic() < deadline:
        time.sleep(0.3)
    assert not set(Path(tempfile.gettempdir()).glob("codesign-participant-*")) - before
    assert not (Path(os.environ["CODESIGN_DATA_DIR"]) / "sessions").exists()


def test_serving_beyond_this_machine_warns(tmp_path):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "codesign_tui", "serve", "--host", "0.0.0.0", "--port",
                                str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    try:
        first_line = process.stdout.readline()
        second_line = process.stdout.readline()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    assert "Warning: listening on 0.0.0.0: anyone who can reach this machine on that network" in first_line
    # participants are told an address their browsers can open, and the page uses that one too
    assert second_line.startswith("Open http://") and "0.0.0.0" not in second_line
