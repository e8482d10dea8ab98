"""The two calls of Windows' msvcrt that codesign-tui uses, for the stand-in (sitecustomize.py beside this file).
A byte-range lock with POSIX record locks (`os.lockf`, not the fcntl module), which behave as Windows' do for
one process against another: non-blocking, an error while another process holds the range, released by the
system when the process ends."""

import os

LK_UNLCK, LK_LOCK, LK_NBLCK, LK_RLCK, LK_NBRLCK = 0, 1, 2, 3, 4


def locking(fd, mode, nbytes):
    if mode == LK_UNLCK:
        os.lockf(fd, os.F_ULOCK, nbytes)
    elif mode == LK_NBLCK:
        try:
            os.lockf(fd, os.F_TLOCK, nbytes)
        except OSError as error:
            raise PermissionError(13, "Permission denied (locked by another process)") from error
    else:
        raise NotImplementedError(mode)
