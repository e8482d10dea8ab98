"""One way to make a plan's file and to save it. The app, plain mode, `codesign render` and the room's
download all come here, so that in every one of them a plan that names people in its register is its
writer's alone (0600, until they choose to share it), a name typed without an ending gets its format's, and
the file is written whole or not at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..files import PRIVATE, write_atomically
from ..flow.answers import AnswersFile
from ..flow.model import Flow
from ..flow.result import Result
from ..records import record
from .register import names_people
from .render import render


@record(frozen=True)
class PlanFile:
    """A plan (or its summary, or another document) made in one format, ready to write or hand over."""

    format: str
    data: bytes
    private: bool  # it names people: a file of it is its writer's alone

    @property
    def mode(self) -> int | None:
        """The file mode to write it with: PRIVATE, or None for what the umask allows."""
        return PRIVATE if self.private else None


def make_plan(fmt: str, flow: Flow, result: Result, meta: AnswersFile | None = None, *, public: bool = False,
              summary: bool = False, document: str | None = None, **options: Any) -> PlanFile:
    """The plan in `fmt` (render's other options pass through: templates, front_matter, paper, comparison).
    Raises as render does: TemplateProblem, and MissingExtra for Word without python-docx."""
    data = render(fmt, flow, result, meta, public=public, summary=summary and document is None,
                  document=document, **options)
    return PlanFile(fmt, data, names_people(flow, result.answers, public=public))


def save_plan(path: Path, plan: PlanFile, *, force: bool = False, exact: bool = False) -> Path:
    """Write `plan` to `path` (with its format's ending when the name was typed without one, unless `exact`:
    a command line's `-o` is written as given); ExportError says why when it cannot be. Returns the path
    written."""
    if not exact:
        from ..flow.conversation import with_format_suffix  # not on `codesign render`'s way: it saves with -o as given

        path = with_format_suffix(path, plan.format)
    write_atomically(path, plan.data, force=force, mode=plan.mode)
    return path
