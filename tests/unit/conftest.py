"""The unit tier starts no process: the quick check stays quick, and a test that needs the command as a
process belongs in tests/process."""

from __future__ import annotations

import subprocess

import pytest


class StartsAProcess(AssertionError):
    pass


def _refused(self, *args, **kwargs):
    raise StartsAProcess("a unit test starts no process: move it to tests/process")


@pytest.fixture(autouse=True)
def _no_process(monkeypatch):
    monkeypatch.setattr(subprocess.Popen, "__init__", _refused)
