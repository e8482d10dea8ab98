"""A trainer's session end to end in headless Chromium (issue 29): `codesign room point-oldham` for twenty
participants, the scenario seen first, the room held at a question and released (a page with script follows
at once, one without on its next refresh), the reveal confirmed, a second round in the same seats, and
nothing about any recommendation on any participant's or the trainer's page before each round's reveal.

Round 1 gives the twenty hand-checked answer sets of tests/data/cohort/case-room (seat N answers as seat N
there; seat 12, whose "maybe" cannot be given on a web page, stops before the budget; seat 17 stops before
the last question), so the trainer's comparison with the case can be set against the numbers counted by
hand in test_cohort_case.py."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
import yaml
from playwright.async_api import Error as PlaywrightError, expect

from test_room_browser import chromium, start_room  # noqa: F401  (fixtures)

CASE_ROOM = Path(__file__).parent.parent / "data" / "cohort" / "case-room"
ORDER = ["space_to_shape", "problem_type", "time_for_relationships", "budget", "senior_buy_in", "learning_culture",
         "shared_delivery", "shared_power"]
LEVELS = ("Inform and check back", "Consult", "Co-design", "Co-produce")
# words that would say something about a recommendation: never on a page before the reveal
GIVEAWAYS = ("Recommendation:", "Settled", "recommends", "Work calls for", "held the recommendation back",
             "reached the case", "The room against the case", "Furthest from")


def round_one() -> dict[int, dict[str, str]]:
    """Seat number -> the answers that seat gives, in the flow's order, from the hand-checked files."""
    answers = {}
    for path in sorted(CASE_ROOM.iterdir()):
        data = yaml.safe_load(path.read_text())
        seat = data.get("session", {}).get("seat") or int(path.stem[1:])
        given = {k: ("yes" if v is True else "no" if v is False else v) for k, v in data["answers"].items()}
        kept = {}
        for question in ORDER:  # a seat stops at the first answer it cannot give on a page
            if given.get(question) in (None, "maybe"):
                break
            kept[question] = given[question]
        answers[seat] = kept
    return answers


def said_nothing(text: str, where: str, levels: bool = True) -> None:
    for word in GIVEAWAYS + (LEVELS if levels else ()):
        assert word not in text, f"{where}: {word!r} before the reveal"


async def answer(page, question: str, value: str) -> None:
    await expect(page.locator('input[name="question"]')).to_have_value(question)
    await page.locator(f'input[name="answer"][value="{value}"]').check()
    await page.get_by_role("button", name="Save and continue").click()


@pytest.mark.slow(100)
async def test_a_twenty_person_training_session_from_a_worked_example(start_room, chromium, tmp_path):  # noqa: F811
    # every browser here comes from one address, as a room behind one router would
    url, trainer_url, folder = start_room("point-oldham", "--facilitate", "--seats-per-address", "20")
    plans = round_one()
    assert sorted(plans) == list(range(1, 21))

    trainer_context = await chromium.new_context(viewport={"width": 1280, "height": 900})
    trainer = await trainer_context.new_page()
    await trainer.goto(trainer_url)
    # hold the room at question 2 before anyone starts
    await trainer.get_by_label("Hold the room at question").select_option("2")
    await trainer.get_by_role("button", name="Hold here").click()
    await expect(trainer.locator(".pacing [role=status]")).to_contain_text("The room waits at question 2")

    async def at_the_door(seat: int):
        # seat 20's browser runs no script: the room works, and follows the trainer, without it
        context = await chromium.new_context(viewport={"width": 1000, "height": 800}, java_script_enabled=seat != 20)
        page = await context.new_page()
        await page.goto(url)
        await page.get_by_label("Your name (optional)").fill(f"Person {seat}")
        return context, page

    # the twenty browsers open the room's page together; they press Start one after another, each once the
    # one before has its seat, so that seat N is the Nth to join and answers as seat N of the case
    contexts, opened = zip(*await asyncio.gather(*(at_the_door(seat) for seat in range(1, 21))))
    pages = dict(zip(range(1, 21), opened))
    for page in pages.values():
        await page.get_by_role("button", name="Start").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("POINT Oldham's parent carer forum")

    async def the_scenario(seat: int) -> None:
        # the scenario first, and never the case's answers or what they give
        page = pages[seat]
        said_nothing(await page.locator("main").inner_text(), f"seat {seat}'s scenario")
        assert "Our assumption" not in await page.content()
        await page.get_by_role("link", name="Go to the questions").click()

    await asyncio.gather(*(the_scenario(seat) for seat in pages))

    async def up_to_the_hold(seat: int) -> None:
        page, plan = pages[seat], plans[seat]
        for question in ORDER[:2]:
            await expect(page.get_by_role("link", name="The scenario")).to_be_visible()
            await answer(page, question, plan[question])
        await expect(page.get_by_role("heading", level=1)).to_have_text("Wait here")
        said_nothing(await page.locator("main").inner_text(), f"seat {seat} waiting")

    await asyncio.gather(*(up_to_the_hold(seat) for seat in pages))
    await trainer.reload()
    said_nothing(await trainer.locator("main").inner_text(), "the trainer's page, round 1")
    await expect(trainer.locator(".counts")).to_have_text("20 joined · 20 in progress · 0 finished")
    # released: a page with script shows the next question at once; one without, on its next refresh
    await trainer.get_by_role("button", name="Stop pacing").click()
    for seat in (1, 20):
        await expect(pages[seat].get_by_role("heading", level=1)).to_contain_text(
            "enough time to reach people", timeout=20_000)

    async def the_rest(seat: int) -> None:
        page, plan = pages[seat], plans[seat]
        await expect(page.get_by_role("heading", level=1)).to_contain_text("enough time", timeout=20_000)
        for question in ORDER[2:]:
            if question not in plan:
                return
            await answer(page, question, plan[question])
        await expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
        said_nothing(await page.locator("main").inner_text(), f"seat {seat}'s answers")
        await page.get_by_role("link", name="See your plan").click()
        said_nothing(await page.locator("main").inner_text(), f"seat {seat}'s plan")

    await asyncio.gather(*(the_rest(seat) for seat in pages))
    await trainer.reload()
    await expect(trainer.locator(".counts")).to_have_text("20 joined · 2 in progress · 18 finished")
    said_nothing(await trainer.locator("main").inner_text(), "the trainer's page, round 1")

    # the reveal asks first
    await trainer.get_by_role("button", name="Reveal the recommendations to the room").click()
    await expect(trainer.get_by_role("heading", name="Reveal the recommendations?")).to_be_visible()
    await trainer.get_by_role("button", name="Yes, reveal them to the room").click()
    await expect(trainer.get_by_text("The recommendations are revealed")).to_be_visible()
    report = await trainer.locator(".report").inner_text()
    assert "The room against the case: POINT Oldham's parent carer forum" in report
    # as counted by hand for these answer sets, but for seat 12, who stopped before the budget here
    assert re.search(r"Furthest from the case: seat 3 \(differs on 8 of 8 answers\); seat 16 \(6 of 8\)", report)
    await expect(pages[1].get_by_role("heading", name=re.compile("^Recommendation: "))).to_be_visible(timeout=20_000)

    # round 2: the same seats, the questions again, hidden again until its own reveal
    await trainer.get_by_role("button", name="Start a new round").click()
    await trainer.get_by_role("button", name="Yes, start round 2").click()
    await expect(trainer.get_by_role("heading", name="Round 2")).to_be_visible()
    said_nothing(await trainer.locator("main").inner_text(), "the trainer's page, round 2")

    async def round_two(seat: int) -> None:
        page = pages[seat]
        # a waiting plan page with script moves to round 2 by itself; one without (seat 20), or a question
        # page left open (seats 12 and 17 stopped part way), when next loaded
        if seat in (12, 17, 20):
            try:
                await page.goto(url + "question")
            except PlaywrightError as error:  # the page's own script moved it to round 2 at that moment
                if "ERR_ABORTED" not in str(error):
                    raise
        await expect(page.get_by_role("heading", level=1)).to_contain_text("Can people help shape", timeout=20_000)
        for question in ORDER:  # this time everyone gives the case's answers, the budget known
            value = {"space_to_shape": "partly", "problem_type": "partly_known", "learning_culture": "partly"}.get(
                question, "yes")
            await answer(page, question, value)
        await expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
        said_nothing(await page.locator("main").inner_text(), f"seat {seat} in round 2")

    await asyncio.gather(*(round_two(seat) for seat in pages))
    await trainer.reload()
    await expect(trainer.locator(".counts")).to_have_text("20 joined · 0 in progress · 20 finished")
    said_nothing(await trainer.locator("main").inner_text(), "the trainer's page before round 2's reveal")
    await trainer.get_by_role("button", name="Reveal the recommendations to the room").click()
    await trainer.get_by_role("button", name="Yes, reveal them to the room").click()
    report = await trainer.locator(".report").inner_text()
    assert "0 of the 20 answer sets that reached a recommendation (0%) reached the case's, Consult." in report
    assert len(list((folder / "round-1").glob("*.session.yaml"))) == 20
    assert len(list((folder / "round-2").glob("*.session.yaml"))) == 20
    for context in [*contexts, trainer_context]:
        await context.close()
