"""The type checker, as the project promises it: no error in the engine (flow/), the plan, the cohort report,
the room, plain mode, the command line, sessions.py and files.py; at most 2 in the full-screen app, where
Textual's own types reach in (an async on_mount in place of Footer's, an async function handed to
call_from_thread). The served app is checked too, and held to nothing yet (textual-serve types its websocket
handler's answer narrower than aiohttp needs: a refusal is a plain response)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLEAN = ("codesign_tui/flow/", "codesign_tui/plan/", "codesign_tui/cohort/", "codesign_tui/room/",
         "codesign_tui/sessions.py", "codesign_tui/files.py", "codesign_tui/records.py", "codesign_tui/portable.py",
         "codesign_tui/plain.py", "codesign_tui/cli.py")
APP = "codesign_tui/tui/"
APP_MOST = 2  # the issue asked for at most 20; held where it now is


def test_the_type_checker_finds_no_error_where_none_is_promised(tmp_path):
    run = subprocess.run([sys.executable, "-m", "mypy", "--config-file", "pyproject.toml",
                          "--cache-dir", str(tmp_path / "cache"), "--no-pretty", "--show-error-codes"],
                         capture_output=True, text=True, cwd=ROOT, timeout=1200, stdin=subprocess.DEVNULL)
    errors = [line for line in run.stdout.splitlines() if re.match(r"^\S+\.py:\d+: error:", line)]
    assert run.returncode in (0, 1), run.stdout[-3000:] + run.stderr[-3000:]  # 2 is mypy's own failure
    assert errors or run.returncode == 0, run.stdout[-3000:]
    assert [e for e in errors if e.replace("\\", "/").startswith(CLEAN)] == []
    app = [e for e in errors if e.replace("\\", "/").startswith(APP)]
    assert len(app) <= APP_MOST, "\n".join(app)
