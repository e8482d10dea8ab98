"""Who an edit to a flow moves: each saved session or answers file drawn again under the old and the new
version of the flow, with its project, the recommendation under each and what now holds it back."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..flow.answers import fit_answers, read_answers
from ..flow.engine import Session, evaluate
from ..flow.model import Flow
from ..flow.problems import Problems, display_path
from ..records import record
from .gather import _files, _first


@record(frozen=True)
class Moved:
    """One person's plan under both versions: level ids, None where the recommendation is not decided yet
    (an answer it rests on still to give, or one the version no longer offers)."""

    path: str
    project: str
    prepared_by: str
    old: str | None
    new: str | None
    held_back_by: tuple[str, ...]  # under the new version
    old_held_back_by: tuple[str, ...]
    pending: tuple[str, ...] = ()  # under the new version: questions to answer (again) before it decides

    @property
    def changed(self) -> bool:
        return self.old != self.new or self.held_back_by != self.old_held_back_by


@record(frozen=True)
class Unread:
    path: str
    reason: str


def who_moves(old: Flow, new: Flow, paths: Iterable[Path | str]) -> tuple[list[Moved], list[Unread]]:
    """Each file in `paths` (files, or folders read recursively as `codesign cohort` reads them) that answers
    this flow, decided under `old` and under `new` (its answers carried by `new`'s migrations, as opening it
    would); the others, with the reason they were passed over."""
    moved: list[Moved] = []
    unread: list[Unread] = []
    sessions: set[str] = set()
    for path, reason in _files(paths):
        shown = display_path(path)
        if reason:
            unread.append(Unread(shown, reason))
            continue
        problems = Problems()
        try:
            given = read_answers(path, problems)
        except OSError as error:
            unread.append(Unread(shown, f"cannot read it: {error.strerror or error}"))
            continue
        if given is None or problems.errors:
            unread.append(Unread(shown, _first(problems, "it is not an answers file")))
            continue
        if given.flow not in (old.id, new.id):
            unread.append(Unread(shown, f"answers flow {given.flow!r}, not {new.id!r}"))
            continue
        if given.session_id:
            if given.session_id in sessions:
                unread.append(Unread(shown, f"the same session ({given.session_id}) as a file listed above"))
                continue
            sessions.add(given.session_id)
        given.answers = {key: value for key, value in given.answers.items() if value is not None}
        then = evaluate(old, fit_answers(old, given).answers, so_far=True)
        session, _ = Session.from_file(new, given)
        now = session.result(so_far=True)
        rename = {c.was: c.question for c in (session.migrated.carried if session.migrated else ())}
        moved.append(Moved(
            shown, given.project, given.prepared_by, _level(then), _level(now), tuple(now.held_back_by),
            tuple(rename.get(q, q) for q in then.held_back_by), tuple(now.pending)))
    return moved, unread


def _level(result) -> str | None:
    return result.recommendation.id if result.decided and result.recommendation is not None else None
