"""Saved sessions: each person's answers kept in their data folder after every answer, readable by them alone."""

from __future__ import annotations

import datetime as _dt
import os
import secrets
from dataclasses import field
from pathlib import Path
from typing import Any

from .plan.export import ExportError, write_atomically
from .records import record

SUFFIX = ".session.yaml"


def data_folder() -> Path:
    """The user's data folder for codesign-tui (CODESIGN_DATA_DIR overrides it, for tests and kiosks)."""
    override = os.environ.get("CODESIGN_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("codesign-tui", appauthor=False))


@record
class SavedSession:
    """One person's place in one flow."""

    id: str
    flow: str
    flow_path: str = ""
    answers: dict[str, Any] = field(default_factory=dict)
    cursor: str | None = None
    project: str = ""
    prepared_by: str = ""
    created: str = ""
    updated: str = ""
    answered: int = 0
    total: int = 0
    complete: bool = False

    def to_yaml(self) -> str:
        data = {"flow": self.flow, "project": self.project, "prepared_by": self.prepared_by,
                "answers": self.answers,
                "session": {"id": self.id, "flow_path": self.flow_path, "cursor": self.cursor,
                            "created": self.created, "updated": self.updated, "answered": self.answered,
                            "total": self.total, "complete": self.complete}}
        import yaml  # here, not at the top: the home screen with no saved sessions needs no YAML at all

        return yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False,
                         allow_unicode=True, width=100)

    @classmethod
    def from_yaml(cls, text: str) -> "SavedSession":
        import yaml

        data = yaml.load(text, Loader=yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader)
        if not isinstance(data, dict) or not isinstance(data.get("session"), dict) or "flow" not in data:
            raise ValueError("not a saved session")
        meta = data["session"]
        answers = data.get("answers") or {}
        if not isinstance(answers, dict) or not isinstance(meta.get("id"), str):
            raise ValueError("not a saved session")
        return cls(id=meta["id"], flow=str(data["flow"]), flow_path=str(meta.get("flow_path") or ""),
                   answers=answers, cursor=meta.get("cursor"), project=str(data.get("project") or ""),
                   prepared_by=str(data.get("prepared_by") or ""), created=str(meta.get("created") or ""),
                   updated=str(meta.get("updated") or ""), answered=int(meta.get("answered") or 0),
                   total=int(meta.get("total") or 0), complete=bool(meta.get("complete")))


@record(frozen=True)
class Damaged:
    """A saved file that could not be read: where it was, where it was moved, and why."""

    name: str
    kept_as: str
    reason: str


def now() -> str:
    return _dt.datetime.now().astimezone().isoformat(timespec="seconds")


class SessionStore:
    """The folder of saved sessions."""

    def __init__(self, folder: Path | None = None):
        self.folder = folder or data_folder() / "sessions"

    def _ensure(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as error:
            raise ExportError(f"cannot make the folder {self.folder}: {error.strerror or error}") from None

    def new(self, flow_id: str, flow_path: str = "") -> SavedSession:
        stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        session_id = f"{stamp}-{secrets.token_hex(3)}"
        created = now()
        return SavedSession(session_id, flow_id, flow_path, created=created, updated=created)

    def path(self, session_id: str) -> Path:
        if not session_id or "/" in session_id or session_id.startswith("."):
            raise KeyError(session_id)
        return self.folder / f"{session_id}{SUFFIX}"

    def save(self, saved: SavedSession) -> Path:
        """Write the session atomically, readable by its owner alone; ExportError when it cannot."""
        self._ensure()
        saved.updated = now()
        path = self.path(saved.id)
        write_atomically(path, saved.to_yaml().encode("utf-8"), force=True, mode=0o600)
        return path

    def load(self, session_id: str) -> SavedSession:
        path = self.path(session_id)
        import yaml

        try:
            return SavedSession.from_yaml(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise KeyError(session_id) from None
        except (OSError, ValueError, TypeError, UnicodeDecodeError, yaml.YAMLError) as error:
            raise DamagedSession(self._set_aside(path, error)) from None

    def all(self) -> tuple[list[SavedSession], list[Damaged]]:
        """Every readable session, newest first, and the damaged ones, each moved aside once."""
        good: list[SavedSession] = []
        damaged: list[Damaged] = []
        paths = sorted(self.folder.glob(f"*{SUFFIX}")) if self.folder.is_dir() else []
        if not paths:
            return good, damaged
        import yaml

        for path in paths:
            try:
                good.append(SavedSession.from_yaml(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, TypeError, UnicodeDecodeError, yaml.YAMLError) as error:
                damaged.append(self._set_aside(path, error))
        good.sort(key=lambda s: (s.updated, s.id), reverse=True)
        return good, damaged

    def latest(self) -> SavedSession | None:
        good, _ = self.all()
        return good[0] if good else None

    def delete(self, session_id: str) -> bool:
        try:
            self.path(session_id).unlink()
            return True
        except (FileNotFoundError, KeyError):
            return False

    def _set_aside(self, path: Path, error: Exception) -> Damaged:
        kept = path.with_name(path.name + ".damaged")
        number = 2
        while kept.exists():
            kept = path.with_name(f"{path.name}.damaged-{number}")
            number += 1
        try:
            os.replace(path, kept)
        except OSError:
            kept = path
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        return Damaged(path.name, str(kept), reason)


class DamagedSession(Exception):
    def __init__(self, damaged: Damaged):
        super().__init__(f"{damaged.name} is damaged ({damaged.reason}); it was kept as {damaged.kept_as}")
        self.damaged = damaged


__all__ = ["SavedSession", "SessionStore", "Damaged", "DamagedSession", "ExportError", "data_folder"]
