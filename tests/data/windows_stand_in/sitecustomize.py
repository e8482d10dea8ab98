"""A stand-in for Windows on a POSIX machine, loaded by Python at start-up when this folder is on PYTHONPATH
(tests/process/test_windows_stand_in.py): the modules Windows lacks cannot be imported, the `os` names it lacks are
gone, and `msvcrt` (beside this file) is there instead. It proves the import guards, not Windows itself."""

import os
import sys
from importlib.abc import MetaPathFinder

MISSING_MODULES = {"fcntl", "termios", "pwd", "grp", "resource", "tty", "pty"}
MISSING_NAMES = ("getuid", "geteuid", "getgid", "getegid", "getgroups", "O_NONBLOCK", "O_NOCTTY", "O_NOFOLLOW",
                 "setsid", "killpg", "getpgid")


class NotOnWindows(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in MISSING_MODULES:
            raise ModuleNotFoundError(f"No module named {name!r} (standing in for Windows)", name=name)
        return None


for name in MISSING_MODULES:
    sys.modules.pop(name, None)
sys.meta_path.insert(0, NotOnWindows())
for name in MISSING_NAMES:
    if hasattr(os, name):
        delattr(os, name)
