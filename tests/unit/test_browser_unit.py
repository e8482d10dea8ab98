"""The room in the browser: `codesign serve` in headless Chromium, two participants, answers collected.

The tests of it that need no app and no process; tests/process/test_browser.py holds the rest."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("host, expected", [
    ("127.0.0.1", "http://127.0.0.1:8000"), ("::1", "http://[::1]:8000"), ("192.168.1.20", "http://192.168.1.20:8000"),
])
def test_the_address_participants_open(host, expected):
    from codesign_tui.cli import public_url

    assert public_url(host, 8000) == expected
    every = public_url("0.0.0.0", 8000)
    assert every.startswith("http://") and "0.0.0.0" not in every and every.endswith(":8000")
