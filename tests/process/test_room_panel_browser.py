"""The room's panel of voices in headless Chromium (issue 31, item 4): the trainer makes a panel on the trainer's
page at a projector's 1366x768, sees where its answers differ without a reload, and each voice's recommendation
only after the reveal; axe-core finds nothing on the page before or after, nor on a phone's 320 pixels.

Needs Debian's chromium at /usr/bin/chromium, Playwright for Python and axe-playwright-python."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import expect

from test_room_browser import SHOTS, axe_clean, chromium, choose, files_with, start_room  # noqa: F401  (fixtures)
from test_room_phone import sideways

VOICES = (("Ann", "Commissioner", ["Yes, it is genuinely open", "A hard problem we struggle to define or solve"]),
          ("Bo", "VCSE partner", ["Yes, it is genuinely open", "A proven solution already exists"]),
          ("Cy", "Lived experience", ["No, it is mostly decided", "A hard problem we struggle to define or solve"]))


async def test_the_trainer_makes_a_panel_and_sees_its_differences_then_its_recommendations(start_room, chromium):  # noqa: F811
    url, trainer_url, folder = start_room("appendix2", "--facilitate")
    people = {}
    for name, _, answers in VOICES:
        context = await chromium.new_context(viewport={"width": 375, "height": 700})
        page = await context.new_page()
        await page.goto(url)
        await page.get_by_label("Your name (optional)").fill(name)
        await page.get_by_role("button", name="Start").click()
        await choose(page, answers[0])
        people[name] = page
    files_with(folder, lambda found: [len(f["answers"]) for f in found] == [1, 1, 1])

    trainer = await (await chromium.new_context(viewport={"width": 1366, "height": 768})).new_page()
    await trainer.goto(trainer_url)
    for number, (name, voice, _) in enumerate(VOICES, 1):
        await trainer.get_by_label(f"Seat {number}, {name}, on the panel").check()
        await trainer.get_by_label(f"Voice name for seat {number}").fill(voice)
    await trainer.get_by_role("button", name="Make the panel").click()
    await expect(trainer.get_by_text("The panel has 3 voices: Commissioner, VCSE partner, Lived experience.")).to_be_visible()
    panel = trainer.locator("section.voices-panel")
    await expect(panel.get_by_role("heading", level=3)).to_have_text(
        ["Question 1: Can people help shape the question and change the outcome, or is most of it already decided?"])
    await expect(panel.get_by_role("row", name="Lived experience No, it is mostly decided")).to_be_visible()

    # the panel answers on; the trainer's page catches up without a reload
    for name, _, answers in VOICES:
        await choose(people[name], answers[1])
    await expect(panel.get_by_role("heading", level=3)).to_have_count(2, timeout=20_000)
    await expect(panel.get_by_role("row", name="VCSE partner A proven solution already exists")).to_be_visible()
    await expect(panel).to_contain_text("show here when you reveal the recommendations")
    for level in ("Consult", "Co-design", "Co-produce", "Inform and check back"):
        await expect(trainer.locator("main")).not_to_contain_text(level)
    await axe_clean(trainer, "1366-trainer-panel")
    if SHOTS:
        await trainer.set_viewport_size({"width": 1366, "height": 768})
        await panel.scroll_into_view_if_needed()
        await trainer.screenshot(path=str(Path(SHOTS) / "1366-trainer-panel-projected.png"))

    await trainer.get_by_role("button", name="Reveal the recommendations to the room").click()
    await trainer.get_by_role("button", name="Yes, reveal them to the room").click()
    await expect(panel.get_by_role("table", name="Each voice's recommendation")).to_be_visible()
    await expect(panel.get_by_role("row")).not_to_have_count(0)
    await expect(panel).to_contain_text("Lived experience answered “No, it is mostly decided”, not “Yes, it is"
                                        " genuinely open” (Commissioner): on that answer the recommendation")
    await axe_clean(trainer, "1366-trainer-panel-revealed")
    if SHOTS:
        await panel.scroll_into_view_if_needed()
        await trainer.screenshot(path=str(Path(SHOTS) / "1366-trainer-panel-revealed-projected.png"))

    # on a phone the same page needs no sideways scrolling: each table stacks into labelled lines
    await trainer.set_viewport_size({"width": 320, "height": 640})
    await trainer.reload()
    await expect(panel.get_by_role("table", name="Each voice's recommendation")).to_be_visible()
    assert await sideways(trainer) == 0
    await axe_clean(trainer, "320-trainer-panel-revealed")
    if SHOTS:
        await panel.scroll_into_view_if_needed()
        await trainer.screenshot(path=str(Path(SHOTS) / "320-trainer-panel-revealed-phone.png"))
