"""The room on phones and in ordinary browsing, in headless Chromium: the browser's Back and Forward, a long
unbroken word on a narrow screen, text typed when the connection drops, an older page in a second tab, the
error summary taking the focus, and the trainer's page at 320 px. The room runs as its own process (the
fixtures of test_room_browser.py)."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.async_api import expect

from test_room_browser import DATA, SHOTS, chromium, choose, files_with, start_room  # noqa: F401 (fixtures)

BRANCHING = str(DATA / "branching.yaml")
LONG_WORD = "https://example.org/" + "a" * 280  # a pasted web address, 300 characters and no space
# how much wider than the screen the page is (0 when nothing scrolls sideways)
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


async def sideways(page) -> int:
    """How much wider than the screen the page is, once its stylesheet is applied: a page's heading can be
    there before it is, and measured then, a page holding a long word was as wide as the word (2,581 px at
    375, under load)."""
    await page.wait_for_load_state("load")
    return await page.evaluate(SIDEWAYS)


async def joined(chromium, url: str, width: int = 375, height: int = 667, script: bool = True):
    context = await chromium.new_context(viewport={"width": width, "height": height}, java_script_enabled=script)
    page = await context.new_page()
    await page.goto(url)
    await page.get_by_role("button", name="Start").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Is it open?")
    return context, page


async def shot(page, name: str) -> None:
    if SHOTS:
        await page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


async def test_the_browsers_back_and_forward_move_between_questions(start_room, chromium):
    url, _, folder = start_room(BRANCHING)
    context, page = await joined(chromium, url, 1366, 800)
    heading = page.get_by_role("heading", level=1)
    await expect(page).to_have_url(re.compile(r"/question/open$"))
    await choose(page, "Yes")
    await expect(page).to_have_url(re.compile(r"/question/detail$"))
    await page.get_by_label("How open?").fill("Wide open")
    await page.get_by_role("button", name="Save and continue").click()
    await expect(heading).to_have_text("Is there money?")
    await expect(page).to_have_url(re.compile(r"/question/money$"))

    await page.go_back()
    await expect(heading).to_have_text("How open?")
    await expect(page.get_by_label("How open?")).to_have_value("Wide open")
    await page.go_back()
    await expect(heading).to_have_text("Is it open?")
    await expect(page.get_by_label("Yes", exact=True)).to_be_checked()
    await page.go_forward()
    await page.go_forward()
    await expect(heading).to_have_text("Is there money?")
    # an earlier answer changed after going Back returns to where one was
    await page.go_back()
    await page.go_back()
    await choose(page, "Partly")
    await expect(page.locator(".note-changed")).to_contain_text("is now Partly (it was Yes)")
    await expect(heading).to_have_text("Is there money?")
    files = files_with(folder, lambda found: found and found[0]["answers"].get("open") == "partly")
    assert files[0]["answers"] == {"open": "partly", "detail": "Wide open"}
    await context.close()


async def test_a_long_unbroken_word_never_widens_a_page_on_a_phone(start_room, chromium):
    url, trainer_url, folder = start_room(BRANCHING)
    for width in (320, 375):
        context, page = await joined(chromium, url, width)
        heading = page.get_by_role("heading", level=1)
        await choose(page, "Yes")
        await page.get_by_label("How open?").fill(LONG_WORD)
        await page.get_by_role("button", name="Save and continue").click()
        await expect(heading).to_have_text("Is there money?")
        assert await sideways(page) == 0, f"{width}: the question after it"
        for label in ("Yes", "Yes"):
            await choose(page, label)
        await page.get_by_label("email", exact=True).check()
        await page.get_by_role("button", name="Save and continue").click()
        await page.get_by_label("Anything extra?").fill(LONG_WORD)
        await page.get_by_role("button", name="Save and continue").click()
        await expect(heading).to_have_text("Any records?")
        await page.get_by_label("Name", exact=True).fill(LONG_WORD)
        await page.get_by_label("paid", exact=True).check()
        await page.get_by_role("button", name="Add this entry").click()
        await expect(page.get_by_role("button", name="Remove entry 1")).to_be_visible()
        assert await sideways(page) == 0, f"{width}: the register"
        await shot(page, f"{width}-long-word-register")
        # every button can still be reached and pressed
        await page.get_by_role("button", name="Save and continue").click()
        await expect(heading).to_have_text("Check your answers")
        assert await sideways(page) == 0, f"{width}: check your answers"
        await shot(page, f"{width}-long-word-check")
        await page.get_by_role("link", name="See your plan").click()
        await expect(heading).to_have_text("Your plan")
        await expect(page.locator(".plan table").first).to_be_visible()
        assert await sideways(page) == 0, f"{width}: the plan"
        # the plan's tables are stacks of labelled lines: no table scrolls inside its box either
        wide = await page.evaluate("""() => [...document.querySelectorAll('table, .plan, .report')]
            .filter(box => box.scrollWidth > box.clientWidth + 1).length""")
        assert wide == 0, f"{width}: a box scrolls sideways"
        await shot(page, f"{width}-long-word-plan")
        await context.close()


async def test_text_typed_when_the_connection_drops_is_kept(start_room, chromium):
    url, _, folder = start_room(BRANCHING)
    context, page = await joined(chromium, url)
    heading = page.get_by_role("heading", level=1)
    await choose(page, "Yes")
    box = page.get_by_label("How open?")
    # offline before pressing Save: the page says nothing was sent and keeps the text
    await box.fill("Open to anyone who lives or works in the borough")
    await context.set_offline(True)
    await page.get_by_role("button", name="Save and continue").click()
    await expect(page.locator(".note-offline")).to_contain_text("You are offline, so nothing was sent")
    await expect(box).to_have_value("Open to anyone who lives or works in the borough")
    await context.set_offline(False)
    # the connection drops while sending (the browser believes it is online): after Back the text is there
    await page.route("**/question", lambda route: route.abort("internetdisconnected")
                     if route.request.method == "POST" else route.continue_())
    await page.get_by_role("button", name="Save and continue").click()
    await page.wait_for_url(re.compile("^chrome-error:"))
    await page.unroute("**/question")
    await page.go_back()
    await expect(heading).to_have_text("How open?")
    await expect(box).to_have_value("Open to anyone who lives or works in the borough")
    await expect(page.locator(".note-unsent")).to_contain_text("did not reach the room")
    await page.get_by_role("button", name="Save and continue").click()
    await expect(heading).to_have_text("Is there money?")
    files = files_with(folder, lambda found: found and "detail" in found[0]["answers"])
    assert files[0]["answers"]["detail"] == "Open to anyone who lives or works in the borough"
    # once it has arrived it is not put back again: the box shows the answer the room holds
    await page.go_back()
    await expect(heading).to_have_text("How open?")
    await box.fill("Only the borough")
    await page.get_by_role("button", name="Save and continue").click()
    await expect(heading).to_have_text("Is there money?")
    await page.go_back()
    await expect(box).to_have_value("Only the borough")
    await expect(page.locator(".note-unsent")).to_have_count(0)
    await context.close()
    # without script, the page says before it is left that text sent into a dropped connection is not kept
    context, page = await joined(chromium, url, script=False)
    await choose(page, "Yes")
    await expect(page.locator(".unsent-warning")).to_be_visible()
    await expect(page.locator(".unsent-warning")).to_contain_text("what you typed is not sent")
    await context.close()


async def test_the_error_summary_takes_the_focus(start_room, chromium):
    url, _, _ = start_room(BRANCHING)
    for script in (True, False):
        context, page = await joined(chromium, url, 1366, 800, script=script)
        await page.get_by_role("button", name="Save and continue").click()
        await expect(page.locator(".error-summary")).to_be_visible()
        await expect(page.locator(".error-summary")).to_be_focused()
        # and its link takes the focus on to the field
        await page.keyboard.press("Tab")
        await expect(page.get_by_role("link", name="Select an answer")).to_be_focused()
        await context.close()


async def test_an_older_tab_says_its_page_is_out_of_date(start_room, chromium):
    url, _, folder = start_room(BRANCHING)
    context, first = await joined(chromium, url, 1366, 800)
    await choose(first, "Yes")
    await expect(first.get_by_role("heading", level=1)).to_have_text("How open?")
    second = await context.new_page()
    await second.goto(url)
    await expect(second.get_by_role("heading", level=1)).to_have_text("How open?")
    await second.get_by_label("How open?").fill("Wide open")
    await second.get_by_role("button", name="Save and continue").click()
    await expect(second.get_by_role("heading", level=1)).to_have_text("Is there money?")
    await first.get_by_label("How open?").fill("Not sure yet")
    await first.get_by_role("button", name="Save and continue").click()
    await expect(first.get_by_role("heading", level=1)).to_have_text("This page is out of date")
    await expect(first.locator(".kept")).to_have_text("Not sure yet")
    await shot(first, "1366-out-of-date")
    files = files_with(folder, lambda found: found and "detail" in found[0]["answers"])
    assert files[0]["answers"]["detail"] == "Wide open"
    await first.get_by_role("link", name="See question 2 as it is now").click()
    await expect(first.get_by_label("How open?")).to_have_value("Wide open")
    await context.close()


async def test_the_trainers_page_at_320px(start_room, chromium):
    url, trainer_url, folder = start_room("appendix2")
    for name, answers in (("Ann", ["Yes, it is genuinely open", "A hard problem we struggle to define or solve"]),
                          ("Bo" + "o" * 30, ["No, it is mostly decided"])):
        context = await chromium.new_context(viewport={"width": 375, "height": 667})
        page = await context.new_page()
        await page.goto(url)
        await page.get_by_label("Your name (optional)").fill(name)
        await page.get_by_role("button", name="Start").click()
        for label in answers:
            await choose(page, label)
    files_with(folder, lambda found: sorted(len(f["answers"]) for f in found) == [1, 2])
    context = await chromium.new_context(viewport={"width": 320, "height": 640})
    trainer = await context.new_page()
    await trainer.goto(trainer_url)
    await expect(trainer.locator(".counts")).to_have_text("2 joined · 2 in progress · 0 finished")
    await expect(trainer.locator(".report table").first).to_be_visible()
    assert await sideways(trainer) == 0
    # the address wraps between its pieces, never inside the port
    lines = await trainer.evaluate("""() => [...document.querySelectorAll('.address-text .whole')]
        .map(piece => new Set([...piece.getClientRects()].map(r => Math.round(r.top))).size)""")
    assert lines and all(count == 1 for count in lines), lines
    await shot(trainer, "320-trainer")
    await trainer.get_by_role("link", name="List by how far each has got").click()
    await expect(trainer.get_by_role("region", name="Who has joined").locator("tbody tr").first).to_contain_text("Ann")
    await context.close()
