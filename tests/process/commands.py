"""The codesign command started as a person starts it, as a separate process: the one way the process tier's
tests run it (the hostile-input tests add their own memory limit on top)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def codesign(*args: str, cwd: Path | None = None, stdin: str = "", python: str = "", umask: int | None = None,
             timeout: float = 120, **kwargs) -> subprocess.CompletedProcess:
    """Run `codesign ARGS` (or `python -c PYTHON ARGS`) in the project's folder unless `cwd` says otherwise, with
    `stdin` as its whole input, and wait for it to end."""
    command = [sys.executable, "-c", python, *args] if python else [sys.executable, "-m", "codesign_tui", *args]
    return subprocess.run(command, capture_output=True, text=True, input=stdin, cwd=cwd or ROOT, timeout=timeout,
                          preexec_fn=(lambda: os.umask(umask)) if umask is not None else None, **kwargs)
