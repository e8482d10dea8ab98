"""The process tier's warm start: each test's cache folder starts as a copy of one warmed once a run, and the
Python processes the tests start share one folder of compiled bytecode.

A `codesign` command run by a test found its test's cache folder empty, so it read and checked its flow's YAML
and compiled our templates again: about 0.32 s of processor time a `render` where a person's second run takes
0.17 s, over some hundreds of commands a run. Each test still has a cache folder of its own (what it writes stays
there), seeded with what the first commands of any session write: the shipped flows kept as `codesign render`
and `codesign validate` keep them from the project's folder, and our templates compiled. A test about the cache
itself, which must find it empty, is marked `cold_cache`.

Where Python is told not to write bytecode (PYTHONDONTWRITEBYTECODE, set on some machines to keep `__pycache__`
folders out of a checkout), every command compiled the project's modules from source again: half of a warm
`render` (0.09 s of its 0.18 s). The commands the tests start write and read their bytecode in one folder of the
run's own (PYTHONPYCACHEPREFIX), outside the checkout, as an installed copy reads what pip compiled."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ANSWERS = ROOT / "tests" / "data" / "answers"
# a shipped flow, by the name tests give it, and an answers file for it: rendered once to keep the flow
WARM = {"appendix2": "appendix2-codesign.yaml", "engagement-plan": "engagement-coproduce.yaml",
        "conflicts-of-interest": "conflicts-nothing-in-place.yaml", "grant-design": "grants-small-ready.yaml",
        "accessible-procurement": "procurement-fixable.yaml"}


@pytest.fixture(scope="session")
def warm(tmp_path_factory) -> Path:
    """A folder holding `codesign-tui`, a cache filled by the commands a person's first session would run, and
    `bytecode`, where those commands left their compiled modules: made once a run, by the first worker to ask (the
    others wait for it, rather than each spending the same seconds of the two cores)."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the folder the workers' own folders are in
    top = shared / "warm"
    ready, failed = top / "ready", top / "failed"
    try:
        top.mkdir()
    except FileExistsError:  # another worker makes it: wait until it says it is done
        deadline = time.monotonic() + 300
        while not ready.exists():
            assert not failed.exists(), failed.read_text()
            assert time.monotonic() < deadline, "the cache was never warmed"
            time.sleep(0.1)
        return top
    folder = top / "codesign-tui"
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("CODESIGN_") and name != "PYTHONDONTWRITEBYTECODE"}
    env.update(HOME=str(top / "home"), CODESIGN_CACHE_DIR=str(folder), CODESIGN_DATA_DIR=str(top / "data"),
               PYTHONPYCACHEPREFIX=str(top / "bytecode"))
    commands = [["validate"], *(["render", flow, "--answers", str(ANSWERS / answers)] for flow, answers in WARM.items())]
    try:
        for command in commands:
            run = subprocess.run([sys.executable, "-m", "codesign_tui", *command], cwd=ROOT, env=env,
                                 capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
            assert run.returncode == 0, (command, run.stdout, run.stderr)
        assert (folder / "templates").is_dir() and (folder / "flows").is_dir(), "the commands kept nothing"
    except BaseException as error:
        failed.write_text(f"warming the cache failed: {error!r}")
        raise
    ready.touch()
    return top


@pytest.fixture(autouse=True)
def _warm_start(request, monkeypatch, _clean_environment) -> None:
    top = request.getfixturevalue("warm")
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    monkeypatch.setenv("PYTHONPYCACHEPREFIX", str(top / "bytecode"))
    if not request.node.get_closest_marker("cold_cache"):
        shutil.copytree(top / "codesign-tui", os.environ["CODESIGN_CACHE_DIR"], dirs_exist_ok=True)
