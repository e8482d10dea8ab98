"""The map of the flow from the app's command palette ("Map of this flow")."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import Static

from codesign_tui.flow.loader import load_flow
from codesign_tui.resources import flows_dir
from codesign_tui.tui.app import make_app
from codesign_tui.tui.commands import FlowMapProvider
from codesign_tui.tui.screens.conversation import ConversationScreen
from codesign_tui.tui.screens.flow_map import FlowMapScreen


async def test_the_palette_opens_the_map_of_the_flow_being_answered_and_esc_comes_back():
    flow = load_flow(flows_dir() / "appendix2.yaml")
    app = make_app(flow=flow)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("1")  # one answer, so that coming back can be seen to keep the place
        await pilot.pause()
        asked = app.screen.session.current.id
        await pilot.press("ctrl+p")
        await pilot.wait_for_scheduled_animations()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"map of")
        # the palette searches in the background: wait for the map's line to be offered, then take it
        for _ in range(100):
            await pilot.pause()
            if "Map of this flow" in str(app.screen.query_one("CommandList").get_option_at_index(0).prompt):
                break
        await pilot.press("enter")
        for _ in range(100):
            await pilot.pause()
            if isinstance(app.screen, FlowMapScreen):
                break
        assert isinstance(app.screen, FlowMapScreen)
        await app.screen.workers.wait_for_complete()  # the map is worked out in a thread, the app live
        await pilot.pause()
        text = str(app.screen.query_one("#map-text", Static).content)
        for question in flow.questions:  # every question, in the flow's order
            assert question.prompt.split()[0] in text
        assert text.index("THE CONVERSATION") < text.index("THE DECISION")
        # wrapped to the screen: no line wider than the 80 columns less the scroll bar and padding
        assert max(len(line) for line in text.splitlines()) <= 76
        assert f"codesign map {flow.id}" in str(app.screen.query_one("#map-hint", Static).content)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)
        assert app.screen.session.current.id == asked


async def test_the_map_is_offered_only_while_a_flow_is_answered():
    app = make_app()  # the home screen: no flow in hand
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert [hit async for hit in FlowMapProvider(app.screen).discover()] == []
        assert [hit async for hit in FlowMapProvider(app.screen).search("map")] == []
    app = make_app(flow=load_flow(flows_dir() / "engagement-plan.yaml"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert [hit.text async for hit in FlowMapProvider(app.screen).discover()] == ["Map of this flow"]
        # found by the words a person reaches for, in its help where its name does not say them
        assert [hit.text async for hit in FlowMapProvider(app.screen).search("questions")] == ["Map of this flow"]


async def test_the_app_stays_live_while_a_large_flows_map_is_worked_out():
    """engagement-plan's map takes seconds to work out (every combination of answers is tried): the screen
    says it is drawing, Esc goes back at once, and the map arriving after the screen has closed is let go."""
    from codesign_tui.tui.screens.flow_map import FlowMapScreen as Map

    app = make_app(flow=load_flow(flows_dir() / "engagement-plan.yaml"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = Map(app.current.flow)
        app.push_screen(screen)
        await pilot.pause()
        assert str(screen.query_one("#map-text", Static).content).startswith("Drawing the map")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen)
        await screen.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ConversationScreen) and screen.map is None
