"""Writing files safely, for every layer: whole or not at all, never over an existing file unless asked,
and never readable by more people than the user's umask (or the file's own mode) allows."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


class ExportError(Exception):
    """A file that could not be written; the message says why and what to do."""


PRIVATE = 0o600  # sessions, settings, a room's answers: for the person alone
PRIVATE_FOLDER = 0o700


def umask() -> int:
    """The process's umask (reading it means setting it, so it is set straight back)."""
    current = os.umask(0o022)
    os.umask(current)
    return current


def shared_mode(path: Path) -> int:
    """The mode for an export: what the umask allows for a new file, and never more than an existing
    file at `path` already allows, so replacing a private file keeps it private."""
    mode = 0o666 & ~umask()
    try:
        existing = os.stat(path).st_mode & 0o777
    except OSError:
        return mode
    return mode & existing


def private_folder(folder: Path) -> Path:
    """Make `folder` (and any missing parents) readable by the user alone; ExportError when it cannot."""
    folder = Path(folder)
    try:
        missing = []
        probe = folder
        while not probe.exists():
            missing.append(probe)
            probe = probe.parent
        for item in reversed(missing):
            item.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)
            os.chmod(item, PRIVATE_FOLDER)  # mkdir's mode is narrowed by the umask, never widened
    except OSError as error:
        raise ExportError(f"cannot make the folder {folder}: {error.strerror or error}") from None
    if not folder.is_dir():
        raise ExportError(f"cannot make the folder {folder}: something else has that name")
    return folder


def own_folder(folder: Path, what: str = "data folder") -> Path:
    """`folder` the user's alone: made 0700 as `private_folder` makes it, an existing one that others can open
    tightened to 0700; ExportError, saying so, when it belongs to someone else or cannot be tightened. (A
    shared data folder, 0777, was used as it was: anyone on the machine could read the sessions in it, or
    plant one.)"""
    from .portable import only_mine

    folder = private_folder(folder)
    try:
        if not only_mine(os.stat(folder)):
            os.chmod(folder, PRIVATE_FOLDER)  # refused (PermissionError) unless the folder is the user's
            if not only_mine(os.stat(folder)):
                raise OSError("others can still open it")
    except OSError as error:
        raise ExportError(f"the {what} {folder} is not yours alone and cannot be made so"
                          f" ({error.strerror or error})") from None
    return folder


def write_atomically(path: Path, data: bytes, force: bool = False, mode: int | None = None) -> None:
    """Write `data` to a temporary file beside `path`, then move it into place in one step, so that
    `path` is either untouched or complete. Without `force` an existing file is never replaced, even
    one that appears while we write. `mode` defaults to `shared_mode(path)`; pass PRIVATE for a file that
    is the person's alone."""
    path = Path(path)
    if mode is None:
        mode = shared_mode(path)
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
        raise ExportError(f"cannot write {path}: {_reason(error)}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        if force:
            os.replace(temporary, path)
        else:
            _move_without_replacing(temporary, path)
    except FileExistsError:
        _remove(temporary)
        raise ExportError(f"{path} already exists; choose another name or add --force to replace it") from None
    except OSError as error:
        _remove(temporary)
        raise ExportError(f"cannot write {path}: {_reason(error)}; nothing was written") from None
    _sync_folder(folder)


def _move_without_replacing(temporary: str, path: Path) -> None:
    # A hard link fails if `path` exists, closing the gap between checking and moving; a file system
    # without hard links gets the plain check-then-move.
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError:
        if path.exists():
            raise FileExistsError(errno.EEXIST, "exists", str(path)) from None
        os.replace(temporary, path)
        return
    _remove(temporary)


def _remove(temporary: str) -> None:
    try:
        os.unlink(temporary)
    except OSError:
        pass


def _sync_folder(folder: Path) -> None:
    """Make the new name itself durable, where the system allows it."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _reason(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return "the disk is full"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied (choose a folder you can write to)"
    if error.errno == errno.EROFS:
        return "the disk is read-only"
    return error.strerror or str(error)
