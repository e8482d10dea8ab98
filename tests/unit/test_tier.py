"""The unit tier's own promise, checked: starting a process here is an error that says where the test goes."""

from __future__ import annotations

import subprocess
import sys

import pytest


def test_a_unit_test_that_starts_a_process_is_told_to_move():
    with pytest.raises(AssertionError, match="tests/process"):
        subprocess.run([sys.executable, "-c", "pass"], check=False)
