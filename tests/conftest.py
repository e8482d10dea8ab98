"""Shared fixtures: the shipped flows, sample data, and a clean environment for every test."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from codesign_tui.flow.loader import load_flow
from codesign_tui.resources import flows_dir

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch, tmp_path):
    """No user config, data or cache leaks in, and nothing a test writes leaks out. Every CODESIGN_*
    variable of the person running the tests is cleared first: a cache or data folder of theirs must not
    change what a test sees. The cache goes beside the test's folder, so that a test can check what it
    wrote into its own."""
    for name in [name for name in os.environ if name.startswith("CODESIGN_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path.parent / f"{tmp_path.name}-cache"))
    monkeypatch.setenv("CODESIGN_DATA_DIR", str(tmp_path / "codesign-data"))
    monkeypatch.setenv("CODESIGN_CACHE_DIR", str(tmp_path.parent / f"{tmp_path.name}-cache" / "codesign-tui"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def appendix2():
    return load_flow(flows_dir() / "appendix2.yaml")


@pytest.fixture(scope="session")
def conflicts():
    return load_flow(flows_dir() / "conflicts-of-interest.yaml")


@pytest.fixture(scope="session")
def engagement():
    return load_flow(flows_dir() / "engagement-plan.yaml")


@pytest.fixture(scope="session")
def branching():
    return load_flow(DATA / "branching.yaml")


# The tests come in four tiers, each a folder: unit (the engine, the conversation, the plan: no Textual, no
# process), exhaustive (every combination of answers tried one by one, a minute or more each), app (the
# full-screen app through Pilot, and its snapshots), process (the codesign command as a separate process, the
# room's server, browsers). `pytest tests/unit` is the quick check; each test carries its tier as a mark too
# (`-m "not process"`). A test module may import another's helpers by name
# (`from test_cli import codesign`), wherever it lives: every tier's folder is on the import path.
TIERS = ("unit", "exhaustive", "app", "process")
for _tier in TIERS:
    _folder = str(Path(__file__).parent / _tier)
    if _folder not in sys.path:
        sys.path.insert(0, _folder)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        tier = Path(str(item.fspath)).parent.name
        if tier in TIERS:
            item.add_marker(getattr(pytest.mark, tier))
    # the long tests (marked slow) first, each tier's others after in their order: the parallel workers
    # (`-n auto`) take tests in this order, so the long ones start at once and never leave one worker
    # running a minute or two alone at the end while the other waits
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
