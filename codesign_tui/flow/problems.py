"""Problems found in a flow or answers file: where they are, what is wrong, and how to show them."""

from __future__ import annotations

import difflib
from dataclasses import field
from pathlib import Path

from ..records import record


@record(frozen=True, order=True)
class Problem:
    """One thing wrong (or worth a warning) at a place in a file. Lines and columns count from 1."""

    path: str
    line: int
    column: int
    message: str
    severity: str = "error"
    hint: str = ""

    def format(self, source_lines: list[str] | None = None) -> str:
        text = f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        if source_lines and 1 <= self.line <= len(source_lines):
            shown = source_lines[self.line - 1].rstrip("\n").expandtabs(1)
            if len(shown) > 200:
                shown = shown[:200] + "…"
            caret = " " * min(max(self.column - 1, 0), len(shown)) + "^"
            text += f"\n    {shown}\n    {caret}"
        return text


@record
class Problems:
    """The problems collected while reading one or more files, in the order found."""

    items: list[Problem] = field(default_factory=list)
    sources: dict[str, list[str]] = field(default_factory=dict)

    def add(self, problem: Problem) -> None:
        if problem not in self.items:
            self.items.append(problem)

    def extend(self, other: "Problems") -> None:
        for problem in other.items:
            self.add(problem)
        self.sources.update(other.sources)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def __bool__(self) -> bool:
        return bool(self.errors)

    def format(self) -> str:
        return "\n".join(
            p.format(self.sources.get(p.path)) for p in sorted(self.items, key=_reading_order)
        )


def _reading_order(problem: Problem) -> tuple:
    return (problem.path, problem.line, problem.column)


class FlowError(Exception):
    """Raised when a flow or answers file cannot be used; carries every problem found."""

    def __init__(self, problems: Problems):
        self.problems = problems
        super().__init__(problems.format())


def did_you_mean(name: str, known: object) -> str:
    """A hint naming the closest known name, or nothing when none is close."""
    close = difflib.get_close_matches(str(name), [str(k) for k in known], n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else ""


def display_path(path: Path | str) -> str:
    """A path as the user would type it: relative to the current folder when it is below it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
