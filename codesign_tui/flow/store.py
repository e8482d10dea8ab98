"""Where a conversation keeps its session: the Store it is handed (it never picks one), and the one error a
store raises. The store's own files, folders and locks are its business alone (sessions.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from . import StoreError

if TYPE_CHECKING:
    from .engine import Session


class Store(Protocol):
    """Keeps sessions. A save is written at once, unless the store's writes are deferred: then the latest
    snapshot of each session is held and written at the next `flush` (the room writes what a page changed
    together, in worker threads, before the page replies; the app and plain mode write at once)."""

    def save(self, session: Session) -> object:
        """Keep `session` (written now, or held while writes are deferred); StoreError when it cannot be."""

    def text(self, session: Session) -> str:
        """The session as its file holds it, to show when it cannot be saved."""

    def defer(self) -> None:
        """Hold every save from now on, each written at the next `flush`."""

    def flush(self) -> list[tuple[Path, StoreError]]:
        """Write what is held; each file that could not be written, with why."""


__all__ = ["Store", "StoreError"]
