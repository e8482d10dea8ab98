"""What differs between Windows and the POSIX systems (Linux, macOS), each behind one small function.

Nothing else in the package imports `fcntl`, `msvcrt`, `termios`, `pwd`, `grp` or `resource`, or calls
`os.getuid`: each system's way is chosen here by what it has (not by its name), so a test can stand in
for Windows by hiding what Windows lacks (tests/unit/test_portable.py, tests/process/test_windows_stand_in.py).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any, Callable

# Windows opens files in text mode unless told otherwise (which turns CR LF into LF and stops at Ctrl+Z);
# O_NONBLOCK and O_NOCTTY keep a named pipe or a terminal from hanging a read, where they exist.
READ_FLAGS = (os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
              | getattr(os, "O_NOCTTY", 0))
# A lock file that is a symbolic link is refused where the system can tell (not on Windows).
LOCK_FLAGS = os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)


def _module(name: str) -> Any:
    try:
        return __import__(name)
    except ImportError:
        return None


def hold(handle: int) -> None:
    """Lock an open file for this process without waiting; OSError when another process holds it. The
    operating system lets go when the file is closed or the process ends, however it ends (kill -9 and a
    closed terminal included), so a lock is never left behind."""
    fcntl = _module("fcntl")
    if fcntl is not None:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    msvcrt = _module("msvcrt")
    if msvcrt is None:
        raise OSError("this system has no way to lock a file (neither fcntl nor msvcrt)")
    # Windows locks a range of bytes from the file's position: the first byte, which need not exist
    os.lseek(handle, 0, os.SEEK_SET)
    msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)


def let_go(handle: int) -> None:
    """Unlock and close a file locked by `hold`. Closing alone lets go of a POSIX lock; Windows asks for
    the range to be unlocked first, and releases it late if it is not."""
    try:
        if _module("fcntl") is None:
            msvcrt = _module("msvcrt")
            if msvcrt is not None:
                os.lseek(handle, 0, os.SEEK_SET)
                msvcrt.locking(handle, msvcrt.LK_UNLCK, 1)
    except OSError:
        pass  # closing lets go all the same
    finally:
        os.close(handle)


def process_alive(pid: int) -> bool:
    """Whether a process is still running. On Windows `os.kill(pid, 0)` would end it, so Windows is asked
    through its own call."""
    if os.name == "nt":
        return _windows_process_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a process killed and not yet reaped by its parent is a zombie: gone all the same (Linux)
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


SYNCHRONIZE = 0x00100000
PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
WAIT_TIMEOUT = 0x102
ERROR_ACCESS_DENIED = 5


def _windows_process_alive(pid: int, kernel32: Any = None) -> bool:
    if kernel32 is None:
        import ctypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
    if not handle:
        # a process we may not open is still a process; any other failure means there is none
        return bool(kernel32.GetLastError() == ERROR_ACCESS_DENIED)
    try:
        return bool(kernel32.WaitForSingleObject(handle, 0) == WAIT_TIMEOUT)
    finally:
        kernel32.CloseHandle(handle)


def modes_protect() -> bool:
    """Whether file modes (0600, 0700) are what keeps a file private here. On Windows they are not: a
    file is private by sitting in the user's own profile folder, which other users cannot read."""
    return hasattr(os, "getuid")


def only_mine(status: os.stat_result, files: bool = False) -> bool:
    """Whether a folder is this user's and nobody else can open it (by owner and mode, where those mean
    something); with `files`, whether a file is this user's and nobody else can change it. On Windows the
    folders we use are inside the user's own profile."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:
        return True
    others = stat.S_IWGRP | stat.S_IWOTH if files else stat.S_IRWXG | stat.S_IRWXO
    return status.st_uid == getuid() and not status.st_mode & others


def open_file_limit() -> int | None:
    """How many files this process may have open at once (its soft limit), or None where the system does
    not say (Windows has no `resource` module; its limit is in the thousands)."""
    resource = _module("resource")
    if resource is None:
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    return None if soft == resource.RLIM_INFINITY else int(soft)


def when_told_to_end(callback: Callable[[], None]) -> Callable[[], None]:
    """Have the running event loop call `callback` when the terminal hangs up (its window closed: SIGHUP) or
    the process is asked to end (SIGTERM: a shutdown, `kill`); returns what takes that back. Where the loop
    cannot take signals (Windows, whose console ends a program another way; a thread other than the main
    one) nothing is set up, and a person's drafts rest on being saved as they type."""
    import asyncio
    import signal

    loop = asyncio.get_running_loop()
    taken = []
    for name in ("SIGHUP", "SIGTERM"):
        number = getattr(signal, name, None)
        if number is None:
            continue
        try:
            loop.add_signal_handler(number, callback)
        except (NotImplementedError, RuntimeError, ValueError):
            continue
        taken.append(number)

    def take_back() -> None:
        for number in taken:
            loop.remove_signal_handler(number)

    return take_back
