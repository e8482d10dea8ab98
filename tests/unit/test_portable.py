"""What differs between systems (codesign_tui/portable.py): the lock's Windows branch against a fake of
msvcrt's two calls, Windows' "is this process alive" against a fake of its kernel calls, ownership where
there are no user ids, and that nothing else in the package reaches for a POSIX-only module or call."""

from __future__ import annotations

import ast
import os
from pathlib import Path, PureWindowsPath

import pytest

from codesign_tui import portable
from codesign_tui.files import ExportError
from codesign_tui.sessions import SessionLock, SessionOpen

PACKAGE = Path(portable.__file__).parent


class FakeMsvcrt:
    """msvcrt.locking and its constants; a range is held by whoever locked it first."""

    LK_UNLCK, LK_LOCK, LK_NBLCK = 0, 1, 2

    def __init__(self):
        self.calls: list[tuple[int, int, int, int]] = []
        self.held: set[int] = set()
        self.holder: int | None = None

    def locking(self, handle: int, mode: int, nbytes: int) -> None:
        self.calls.append((handle, mode, nbytes, os.lseek(handle, 0, os.SEEK_CUR)))
        if mode == self.LK_NBLCK:
            if self.holder is not None and self.holder != handle:
                raise PermissionError(13, "Permission denied")
            self.holder = handle
        elif mode == self.LK_UNLCK:
            self.holder = None


@pytest.fixture
def windows_locking(monkeypatch):
    fake = FakeMsvcrt()
    monkeypatch.setattr(portable, "_module", lambda name: fake if name == "msvcrt" else None)
    return fake


def test_the_windows_branch_locks_the_first_byte_without_waiting_and_unlocks_it(tmp_path, windows_locking):
    lock_file = tmp_path / ".a.lock"
    lock_file.write_bytes(b"xyz")
    handle = os.open(lock_file, os.O_RDWR)
    os.lseek(handle, 2, os.SEEK_SET)  # a range is counted from the file's position: it is moved to 0 first
    portable.hold(handle)
    portable.let_go(handle)
    assert windows_locking.calls == [(handle, FakeMsvcrt.LK_NBLCK, 1, 0), (handle, FakeMsvcrt.LK_UNLCK, 1, 0)]
    with pytest.raises(OSError):
        os.fstat(handle)  # let_go closed it


def test_a_session_held_on_windows_is_refused_to_a_second_holder_and_free_once_let_go(tmp_path, windows_locking):
    first = SessionLock(tmp_path / ".a.lock")
    with pytest.raises(SessionOpen):
        SessionLock(tmp_path / ".a.lock")
    first.release()
    second = SessionLock(tmp_path / ".a.lock")
    second.release()
    modes = [mode for _, mode, _, _ in windows_locking.calls]
    assert modes == [2, 2, 0, 2, 0]


def test_without_any_way_to_lock_a_session_is_not_pretended_held(tmp_path, monkeypatch):
    monkeypatch.setattr(portable, "_module", lambda name: None)
    with pytest.raises(SessionOpen):
        SessionLock(tmp_path / ".a.lock")


@pytest.mark.parametrize("kind", ["folder", "link"])
def test_a_lock_path_that_is_not_an_ordinary_file_is_a_clear_error(tmp_path, kind):
    path = tmp_path / ".a.lock"
    if kind == "folder":
        path.mkdir()
    else:
        path.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ExportError, match="should be an ordinary file"):
        SessionLock(path)
    assert not (tmp_path / "elsewhere").exists()  # a dangling link is never followed to make its target


class FakeKernel32:
    def __init__(self, opened: int, last_error: int = 0, waited: int = portable.WAIT_TIMEOUT):
        self.opened, self.last_error, self.waited = opened, last_error, waited
        self.closed: list[int] = []
        self.asked: list[tuple[int, bool, int]] = []

    def OpenProcess(self, access, inherit, pid):  # noqa: N802 - Windows' own names
        self.asked.append((access, inherit, pid))
        return self.opened

    def GetLastError(self):  # noqa: N802
        return self.last_error

    def WaitForSingleObject(self, handle, milliseconds):  # noqa: N802
        assert (handle, milliseconds) == (self.opened, 0)
        return self.waited

    def CloseHandle(self, handle):  # noqa: N802
        self.closed.append(handle)


@pytest.mark.parametrize("kernel, alive", [
    (FakeKernel32(opened=7), True),                                   # still running: the wait times out
    (FakeKernel32(opened=7, waited=0), False),                       # ended, handle not yet closed by all
    (FakeKernel32(opened=0, last_error=portable.ERROR_ACCESS_DENIED), True),  # someone else's process
    (FakeKernel32(opened=0, last_error=87), False),                  # ERROR_INVALID_PARAMETER: no such process
])
def test_windows_asks_whether_a_process_is_alive_without_signalling_it(kernel, alive):
    assert portable._windows_process_alive(4242, kernel) is alive
    assert kernel.asked == [(portable.SYNCHRONIZE | portable.PROCESS_QUERY_LIMITED_INFORMATION, False, 4242)]
    assert kernel.closed == ([7] if kernel.opened else [])


def test_ownership_where_there_are_user_ids_and_where_there_are_none(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    os.chmod(folder, 0o700)
    assert portable.only_mine(folder.stat())
    os.chmod(folder, 0o770)
    assert not portable.only_mine(folder.stat())  # others in the group could plant compiled templates
    os.chmod(folder, 0o700)
    monkeypatch.setattr(os, "getuid", lambda: folder.stat().st_uid + 1)
    assert not portable.only_mine(folder.stat())
    monkeypatch.delattr(os, "getuid")
    os.chmod(folder, 0o777)  # Windows reports every folder as 0o777: its profile folder is what protects it
    assert portable.only_mine(folder.stat()) and not portable.modes_protect()


POSIX_ONLY_MODULES = {"fcntl", "termios", "pwd", "grp", "resource", "msvcrt", "tty", "pty"}
POSIX_ONLY_CALLS = {"getuid", "geteuid", "getgid", "getegid", "O_NOFOLLOW", "O_NONBLOCK", "O_NOCTTY", "killpg",
                    "setsid", "getpgid", "st_uid"}


def test_nothing_but_portable_reaches_for_what_one_system_lacks():
    found = []
    for source in sorted(PACKAGE.rglob("*.py")):
        if source.name == "portable.py":
            continue
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name.partition(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module.partition(".")[0]]
            if POSIX_ONLY_MODULES.intersection(names):
                found.append(f"{source.relative_to(PACKAGE)}:{node.lineno}: imports {names}")
            if isinstance(node, ast.Attribute) and node.attr in POSIX_ONLY_CALLS:
                found.append(f"{source.relative_to(PACKAGE)}:{node.lineno}: uses {node.attr}")
            if isinstance(node, ast.Constant) and node.value in POSIX_ONLY_CALLS:  # getattr(os, "...")
                found.append(f"{source.relative_to(PACKAGE)}:{node.lineno}: uses {node.value}")
    assert found == []


def test_on_windows_the_data_folder_is_in_the_users_own_local_profile_never_the_roaming_one(monkeypatch):
    import platformdirs
    from platformdirs.windows import Windows

    from codesign_tui.sessions import data_folder

    monkeypatch.delenv("CODESIGN_DATA_DIR")
    monkeypatch.setenv("WIN_PD_OVERRIDE_LOCAL_APPDATA", r"C:\Users\asha\AppData\Local")
    monkeypatch.setenv("WIN_PD_OVERRIDE_APPDATA", r"C:\Users\asha\AppData\Roaming")
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *args, **named: Windows(*args, **named).user_data_dir)
    # this machine joins with "/", Windows with "\\": a Windows path reads both
    assert PureWindowsPath(str(data_folder())) == PureWindowsPath(r"C:\Users\asha\AppData\Local\codesign-tui")
