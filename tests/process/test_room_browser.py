"""The room in headless Chromium: `codesign room` as a separate process, participants in their own browser
contexts, the trainer's page that updates itself, the reveal, the downloads, and axe-core on every kind of page.

Needs Debian's chromium at /usr/bin/chromium, Playwright for Python and axe-playwright-python; .ci/run installs
them."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from playwright.async_api import expect

from test_browser import ARGS, CHROMIUM, free_port
from test_room import open_room  # noqa: F401  (the fixture)

DATA = Path(__file__).parent.parent / "data"
SHOTS = os.environ.get("CODESIGN_ROOM_SHOTS")  # a folder to keep screenshots in, to look at the pages


@pytest.fixture
def start_room(tmp_path):
    """Start `codesign room` on a flow; returns the participants' address, the trainer's and the folder."""
    processes = []

    def start(flow: str, *options: str):
        port = free_port()
        folder = tmp_path / "room"
        log_path = tmp_path / f"room-{port}.log"
        log = open(log_path, "w")
        process = subprocess.Popen([sys.executable, "-m", "codesign_tui", "room", flow, "--dir", str(folder),
                                    "--port", str(port), *options], stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        processes.append((process, log))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("codesign room did not start: " + log_path.read_text())
        trainer = re.search(r"Your page \(keep it to yourself\): (\S+)", log_path.read_text()).group(1)
        return f"http://127.0.0.1:{port}/", trainer, folder

    yield start
    for process, log in processes:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
        log.close()


@pytest.fixture
async def chromium():
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        await browser.close()


def files_with(folder: Path, check, seconds: float = 15) -> list[dict]:
    """The room's session files once `check` holds for them (they are written after every answer)."""
    deadline = time.monotonic() + seconds
    while True:
        found = [yaml.safe_load(p.read_text()) for p in sorted(folder.glob("*.session.yaml"))]
        if check(found) or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


async def choose(page, label: str) -> None:
    await page.get_by_label(label, exact=True).check()
    await page.get_by_role("button", name="Save and continue").click()


@pytest.mark.slow
async def test_two_participants_a_reload_the_trainer_the_reveal_and_every_download(start_room, chromium, tmp_path):
    url, trainer_url, folder = start_room("appendix2", "--facilitate")
    ann_context = await chromium.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True)
    ann = await ann_context.new_page()
    # Bo's browser runs no script at all: the room works without it
    bo_context = await chromium.new_context(viewport={"width": 320, "height": 640}, java_script_enabled=False)
    bo = await bo_context.new_page()

    await ann.goto(url)
    await ann.get_by_label("Your name (optional)").fill("Ann")
    await ann.get_by_role("button", name="Start").click()
    await bo.goto(url)
    await bo.get_by_label("Your name (optional)").fill("Bo")
    await bo.get_by_role("button", name="Start").click()

    heading = ann.get_by_role("heading", level=1)
    await expect(heading).to_have_text("Can people help shape the question and change the outcome, or is most of"
                                       " it already decided?")
    await choose(ann, "Yes, it is genuinely open")
    await choose(bo, "No, it is mostly decided")
    await choose(ann, "A hard problem we struggle to define or solve")
    await choose(ann, "Partly")
    await expect(heading).to_contain_text("Do you have money for facilitation")
    files = files_with(folder, lambda found: sorted(len(f["answers"]) for f in found) == [1, 3])
    assert sorted(len(f["answers"]) for f in files) == [1, 3] and len(files) == 2

    await ann.reload()
    await expect(heading).to_contain_text("Do you have money for facilitation")
    so_far = ann.locator(".so-far .summary-answer")
    await expect(so_far).to_have_text(["Yes, it is genuinely open", "A hard problem we struggle to define or solve",
                                       "Partly"])
    await bo.goto(url + "check")
    await expect(bo.locator(".summary-answer").first).to_have_text("No, it is mostly decided")
    assert "Ann" not in await bo.content() and "genuinely open" not in await bo.locator("main").inner_text()

    for label in ("Yes", "Yes", "No", "Yes", "Yes, they will share real decisions"):
        await choose(ann, label)
    await expect(heading).to_have_text("Check your answers")
    await ann.get_by_role("link", name="See your plan").click()
    await expect(ann.get_by_text("The trainer will reveal the recommendation")).to_be_visible()

    trainer_context = await chromium.new_context(viewport={"width": 1200, "height": 900})
    trainer = await trainer_context.new_page()
    await trainer.goto(trainer_url)
    await expect(trainer.locator(".counts")).to_have_text("2 joined · 1 in progress · 1 finished")
    # Bo answers one more while the trainer watches: the trainer's page catches up without a reload
    await bo.goto(url)  # back to where Bo was
    await choose(bo, "A proven solution already exists")
    joined = trainer.get_by_role("region", name="Who has joined")  # the panel's form has a table of seats too
    await expect(joined.locator("tbody tr").nth(1)).to_contain_text("2 of 8", timeout=20_000)
    await trainer.get_by_role("button", name="Reveal the recommendations to the room").click()
    await trainer.get_by_role("button", name="Yes, reveal them to the room").click()  # it asks first (issue 29)
    await expect(trainer.get_by_text("The recommendations are revealed")).to_be_visible()
    # Ann's waiting page shows the recommendation without a reload
    await expect(ann.get_by_role("heading", name=re.compile("^Recommendation: "))).to_be_visible(timeout=20_000)

    downloads = ann.locator(".downloads a")
    await expect(downloads).to_have_count(4)
    for index, suffix in enumerate((".md", ".docx", ".html", ".json")):
        async with ann.expect_download() as arrived:
            await downloads.nth(index).click()
        download = await arrived.value
        assert download.suggested_filename.endswith(suffix) and download.suggested_filename.startswith("appendix2-")
        saved = tmp_path / download.suggested_filename
        await download.save_as(saved)
        assert saved.stat().st_size > 500
    for context in (ann_context, bo_context, trainer_context):
        await context.close()


async def axe_clean(page, name: str) -> None:
    """No axe-core violations on this page; with CODESIGN_ROOM_SHOTS set, screenshots to look at."""
    from axe_playwright_python.async_playwright import Axe

    results = await Axe().run(page)
    found = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
    assert not found, f"{name}: {found}"
    if SHOTS:
        await page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


# one test a width, each in a room of its own: the three can run on different workers at once
@pytest.mark.slow(10)
@pytest.mark.parametrize("width", [1366, 375, 320])
async def test_axe_finds_no_violations_on_any_kind_of_page(start_room, chromium, width):
    url, trainer_url, folder = start_room(str(DATA / "branching.yaml"), "--passphrase", "heron")
    context = await chromium.new_context(viewport={"width": width, "height": 800})
    page = await context.new_page()
    heading = page.get_by_role("heading", level=1)
    await page.goto(url)
    await axe_clean(page, f"{width}-join")
    await page.get_by_role("button", name="Start").click()
    await expect_heading(heading, "Join the room")
    await axe_clean(page, f"{width}-join-error")
    await page.get_by_label("Passphrase", exact=True).fill("heron")
    await page.get_by_role("button", name="Start").click()
    await expect_heading(heading, "Is it open?")
    await axe_clean(page, f"{width}-radios")
    await page.get_by_role("button", name="Save and continue").click()
    await expect_heading(heading, "Is it open?")
    await axe_clean(page, f"{width}-radios-error")
    await choose(page, "Yes")
    await expect_heading(heading, "How open?")
    await axe_clean(page, f"{width}-text")
    await page.get_by_label("How open?").fill("Wide open")
    await page.get_by_role("button", name="Save and continue").click()
    await choose(page, "Yes")
    await choose(page, "Yes")
    await expect_heading(heading, "Which channels?")
    await axe_clean(page, f"{width}-checkboxes")
    await page.get_by_label("email", exact=True).check()
    await page.get_by_role("button", name="Save and continue").click()
    await page.get_by_label("Anything extra?").fill("No")
    await page.get_by_role("button", name="Save and continue").click()
    await expect_heading(heading, "Any records?")
    await axe_clean(page, f"{width}-register")
    await page.get_by_label("Name", exact=True).fill("Dee")
    await page.get_by_role("button", name="Add this entry").click()
    await expect(page.locator(".error-summary")).to_be_visible()
    await axe_clean(page, f"{width}-register-error")
    await page.get_by_label("paid", exact=True).check()
    await page.get_by_role("button", name="Add this entry").click()
    await expect(page.get_by_role("button", name="Remove entry 1")).to_be_visible()
    await axe_clean(page, f"{width}-register-entries")
    await page.get_by_role("button", name="Save and continue").click()
    await expect_heading(heading, "Check your answers")
    await axe_clean(page, f"{width}-check")
    await page.get_by_role("link", name="Change your answer to question 1").click()
    await expect_heading(heading, "Is it open?")
    await axe_clean(page, f"{width}-change")
    # the same page in a second tab, after the first changed the answer: out of date
    older = await context.new_page()
    await older.goto(page.url)
    await choose(page, "Partly")
    await older.get_by_role("button", name="Save and continue").click()
    await expect_heading(older.get_by_role("heading", level=1), "This page is out of date")
    await axe_clean(older, f"{width}-out-of-date")
    await older.close()
    await page.goto(url + "plan")
    await expect_heading(heading, "Your plan")
    await axe_clean(page, f"{width}-plan")
    await page.goto(url + "nothing-here")
    await axe_clean(page, f"{width}-not-found")
    # a second person in the room, so that the trainer's table has rows for more than one seat (when the
    # three widths shared one room, the later ones' trainer pages listed the earlier widths' seats)
    other = await context.browser.new_context(viewport={"width": width, "height": 800})
    second = await other.new_page()
    await second.goto(url)
    await second.get_by_label("Passphrase", exact=True).fill("heron")
    await second.get_by_role("button", name="Start").click()
    await expect_heading(second.get_by_role("heading", level=1), "Is it open?")
    await other.close()
    await page.goto(trainer_url)
    await expect(page.locator(".counts")).to_have_text("2 joined · 0 in progress · 1 finished")
    await axe_clean(page, f"{width}-trainer")
    await context.close()


async def expect_heading(heading, text: str) -> None:
    await expect(heading).to_have_text(text)


# Each word of a heading as the page lays it out: a word split over two lines has its boxes on two lines.
SPLIT_WORDS = """() => {
  const split = [];
  for (const th of document.querySelectorAll("th")) {
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (lines.size > 1) split.push(match[0]);
      }
    }
  }
  // and the report's bars (a code span in a cell) each on one line
  const bars = [...document.querySelectorAll(".report td code")];
  const brokenBars = bars.filter(bar => new Set([...bar.getClientRects()].map(r => Math.round(r.top))).size > 1);
  return {split, headings: document.querySelectorAll("th").length, bars: bars.length, brokenBars: brokenBars.length};
}"""


async def test_the_trainers_page_at_1200px_breaks_no_heading_mid_word(start_room, chromium, tmp_path):
    url, trainer_url, folder = start_room("appendix2")
    people = []
    for name, answers in (("Ann", ["Yes, it is genuinely open", "A hard problem we struggle to define or solve"]),
                          ("Bo", ["No, it is mostly decided", "A proven solution already exists"])):
        context = await chromium.new_context(viewport={"width": 1200, "height": 900})
        page = await context.new_page()
        await page.goto(url)
        await page.get_by_label("Your name (optional)").fill(name)
        await page.get_by_role("button", name="Start").click()
        for label in answers:
            await choose(page, label)
        people.append(page)
    files_with(folder, lambda found: sorted(len(f["answers"]) for f in found) == [2, 2])
    trainer = await (await chromium.new_context(viewport={"width": 1200, "height": 900})).new_page()
    await trainer.goto(trainer_url)
    await expect(trainer.locator(".counts")).to_have_text("2 joined · 2 in progress · 0 finished")
    await expect(trainer.locator(".report table").first).to_be_visible()
    if SHOTS:
        await trainer.screenshot(path=str(Path(SHOTS) / "trainer-1200.png"), full_page=True)
    found = await trainer.evaluate(SPLIT_WORDS)
    assert found["headings"] >= 6 and found["split"] == [], found
    assert found["bars"] >= 4 and found["brokenBars"] == 0, found


async def test_axe_finds_no_violations_on_the_page_saying_an_answer_could_not_be_saved(open_room, appendix2, chromium,
                                                                                      monkeypatch):
    """The 507 page (room/templates/unsaved.html), reached as a participant reaches it: Chromium answering in a
    room whose disk is full (in this process, as in tests/process/test_room_hostile.py), at each width."""
    from codesign_tui import sessions
    from codesign_tui.files import ExportError

    real, full = sessions.write_atomically, [False]

    def disk(path, data, **options):
        if full[0]:
            raise ExportError(f"cannot write {path}: the disk is full; nothing was written")
        return real(path, data, **options)

    monkeypatch.setattr("codesign_tui.sessions.write_atomically", disk)
    server, _room = await open_room(appendix2)
    label = appendix2.question("space_to_shape").option("yes").label
    for width in (1366, 375, 320):
        full[0] = False
        context = await chromium.new_context(viewport={"width": width, "height": 800})
        page = await context.new_page()
        heading = page.get_by_role("heading", level=1)
        await page.goto(str(server.make_url("/")))
        await page.get_by_role("button", name="Start").click()
        await expect(page.get_by_label(label, exact=True)).to_be_visible()
        full[0] = True
        await choose(page, label)
        await expect_heading(heading, "Your answer could not be saved")
        await expect(page.locator("blockquote.kept")).to_have_text(label)
        await axe_clean(page, f"{width}-unsaved")
        await context.close()
