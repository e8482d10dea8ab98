"""Shared fixtures: the shipped flows, sample data, and a clean environment for every test."""

from __future__ import annotations

from pathlib import Path

import pytest

from codesign_tui.flow.loader import load_flow
from codesign_tui.resources import flows_dir

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch, tmp_path):
    """No user config or data leaks in, and nothing a test writes leaks out."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("CODESIGN_DATA_DIR", str(tmp_path / "codesign-data"))
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
