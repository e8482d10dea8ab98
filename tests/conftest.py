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


def pytest_xdist_auto_num_workers(config):
    """`-n auto`: two workers a core. Much of the suite waits (Chromium drawing a page, the room's server, the command
    in a terminal, a subprocess starting), and a second worker a core runs other tests meanwhile: on CI's 2 cores the
    whole suite used 121-127% of the two with one worker a core (7 min 11 s to 9 min 12 s) and 155% with two (5 min
    54 s and 6 min 8 s, before the long tests were cut and spread over the workers); six workers were no faster.
    PYTEST_XDIST_AUTO_NUM_WORKERS, where set, still decides."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own hook reads it
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return 2 * cores


def _seconds(item) -> float:
    """How long a slow test takes, about, on 2 busy cores: `@pytest.mark.slow(90)`, or 15 s when not said."""
    mark = item.get_closest_marker("slow")
    return float(mark.args[0]) if mark.args else 15.0


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        tier = Path(str(item.fspath)).parent.name
        if tier in TIERS:
            item.add_marker(getattr(pytest.mark, tier))
    # The long tests (marked slow) start first, one on each worker, so that none is left running a minute or two
    # alone at the end while the others wait. xdist's worksteal hands each of the N workers one run of the list, in
    # order (the first len/N tests, then a third of the rest, ...), and a worker that runs out takes the back half of
    # another's: a long test placed later in a worker's run, or all of them at the head of the first worker's (as
    # when they were simply sorted first), ran one after another on that worker. So the list is cut as worksteal
    # cuts it, and the long tests are dealt out, longest first, each to the run whose long tests add up to least.
    # Should xdist ever cut differently, the tests still all run, only less evenly.
    workers = getattr(config, "workerinput", {}).get("workercount", 1)
    slow = sorted((item for item in items if item.get_closest_marker("slow")), key=_seconds, reverse=True)
    rest = [item for item in items if not item.get_closest_marker("slow")]
    runs: list[list] = [[] for _ in range(workers)]
    load = [0.0] * workers
    for item in slow:
        least = load.index(min(load))
        runs[least].append(item)
        load[least] += _seconds(item)
    left, ordered = len(items), []
    for index, run in enumerate(runs):
        size = left // (workers - index)  # as worksteal's first hand-out
        take = max(0, size - len(run))
        ordered += run + rest[:take]
        rest = rest[take:]
        left -= len(run) + take
    items[:] = ordered + rest
