"""Snapshots of the screens that matter, at 100x30 and 80x24. Update only after reading the report."""

from __future__ import annotations

import pytest

from codesign_tui.flow.loader import load_flow
from codesign_tui.resources import flows_dir
from codesign_tui.sessions import SessionStore
from codesign_tui.tui.app import make_app

SIZES = [(100, 30), (80, 24)]
FIXED = "2026-11-25T10:00:00+00:00"


def flow(name: str):
    return load_flow(flows_dir() / f"{name}.yaml")


def saved_midway() -> SessionStore:
    """A session halfway through appendix2, with fixed times so the pictures do not change."""
    store = SessionStore()
    store.folder.mkdir(parents=True, exist_ok=True)
    (store.folder / "20261125-100000-abc123.session.yaml").write_text(f"""\
flow: appendix2
project: Library review
answers:
  space_to_shape: 'yes'
  problem_type: wicked
  time_for_relationships: partly
session:
  created: '{FIXED}'
  updated: '{FIXED}'
""")
    return store


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
class TestHome:
    def test_home_with_a_saved_session(self, snap_compare, size):
        assert snap_compare(make_app(store=saved_midway()), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
class TestConversation:
    def test_midway_with_the_ladder(self, snap_compare, size):
        app = make_app(resume="20261125-100000-abc123", store=saved_midway())
        assert snap_compare(app, terminal_size=size)

    def test_guidance_open(self, snap_compare, size):
        app = make_app(resume="20261125-100000-abc123", store=saved_midway())
        assert snap_compare(app, press=["f1"], terminal_size=size)


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (160, 50)], ids=lambda s: f"{s[0]}x{s[1]}")
class TestRegisterForm:
    def test_record_form(self, snap_compare, size):
        """The register of interests: labels above their boxes at 80 columns, beside them with room."""
        store = SessionStore()
        store.folder.mkdir(parents=True, exist_ok=True)
        (store.folder / "20261125-100000-def456.session.yaml").write_text(f"""\
flow: conflicts-of-interest
answers:
  coi_policy: joint_policy
  same_policy_all_sectors: 'yes'
  coi_principles: [identify, declare, record, manage, manage_not_exclude]
  interests_known: 'yes'
session:
  created: '{FIXED}'
  updated: '{FIXED}'
""")
        assert snap_compare(make_app(resume="20261125-100000-def456", store=store), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
class TestReviewAndPlan:
    def test_review(self, snap_compare, size):
        app = make_app(resume="20261125-100000-abc123", store=saved_midway())
        assert snap_compare(app, press=["ctrl+r"], terminal_size=size)

    def test_plan(self, snap_compare, size):
        async def finish_and_open_plan(pilot):
            for key in "22211":
                await pilot.press(key)
                await pilot.pause()
            await pilot.press("ctrl+o")
            await pilot.pause()
            await pilot.app.screen.workers.wait_for_complete()
            await pilot.pause()

        app = make_app(resume="20261125-100000-abc123", store=saved_midway())
        assert snap_compare(app, run_before=finish_and_open_plan, terminal_size=size)


@pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=lambda s: f"{s[0]}x{s[1]}")
class TestFirstScreensAndTheSettledTurn:
    def test_a_worked_example_opens_on_its_case_study(self, snap_compare, size):
        from codesign_tui.flow.examples import worked_examples

        worked = {e.name: e for e in worked_examples(flows_dir())}["point-oldham"]
        assert snap_compare(make_app(flow=flow("appendix2"), example=worked), terminal_size=size)

    def test_the_settled_recommendation_turn(self, snap_compare, size):
        async def answer_until_settled(pilot):
            for key in "13131111":
                await pilot.press(key)
                await pilot.pause()

        assert snap_compare(make_app(flow=flow("appendix2")), run_before=answer_until_settled, terminal_size=size)

    def test_the_room_report_on_a_projector(self, snap_compare, size):
        from pathlib import Path

        async def counted(pilot):
            await pilot.pause()
            await pilot.app.screen.workers.wait_for_complete()
            await pilot.pause()

        room = Path(__file__).parent.parent / "data" / "cohort" / "room"
        assert snap_compare(make_app(cohort=[room]), run_before=counted, terminal_size=size)
