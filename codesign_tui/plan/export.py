"""Writing exports safely: whole or not at all, and never over an existing file unless asked."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class ExportError(Exception):
    """A file that could not be written; the message says why and what to do."""


def write_atomically(path: Path, data: bytes, force: bool = False, mode: int = 0o644) -> None:
    """Write `data` to a temporary file beside `path`, then rename it into place."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise ExportError(f"{path} is a folder; give a file name")
    if path.exists() and not path.is_file():
        # renaming over a device such as /dev/null would replace the device itself
        raise ExportError(f"{path} is not an ordinary file; give a file name")
    if path.exists() and not force:
        raise ExportError(f"{path} already exists; choose another name or add --force to replace it")
    if not folder.is_dir():
        raise ExportError(f"cannot write {path}: the folder {folder} does not exist")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as error:
        raise ExportError(f"cannot write {path}: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError as error:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise ExportError(f"cannot write {path}: {error.strerror or error}; nothing was written") from None
