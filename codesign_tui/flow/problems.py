"""Problems found in a flow or answers file: where they are, what is wrong, and how to show them."""

from __future__ import annotations

import os
from dataclasses import field
from pathlib import Path
from typing import Iterable

from ..records import record
from .visible import visible


SHOWN = 200  # characters of a source line shown under a problem


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
        text = visible(f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message}")
        if self.hint:
            text += f" ({visible(self.hint)})"
        if source_lines and 1 <= self.line <= len(source_lines):
            line = source_lines[self.line - 1].rstrip("\n").expandtabs(1)
            # at most SHOWN characters of a long line, around the place, so the message stays short
            start = max(0, min(self.column - 1 - SHOWN // 2, len(line) - SHOWN))
            part = line[start:start + SHOWN + 1]
            before = visible(part[:max(self.column - 1 - start, 0)])
            shown = visible(part)
            cut_before = "…" if start else ""
            if len(shown) > SHOWN or start + len(part) < len(line):
                shown = shown[:SHOWN] + "…"
            caret = " " * (len(cut_before) + min(len(before), len(shown))) + "^"
            text += f"\n    {cut_before}{shown}\n    {caret}"
        return text


# After this many problems in one file the rest are counted, not listed: a file with thousands of
# mistakes is one mistake repeated, and listing them all would bury the first.
MAX_LISTED = 200


@record
class Problems:
    """The problems collected while reading one or more files, in the order found, each once."""

    items: list[Problem] = field(default_factory=list)
    sources: dict[str, list[str]] = field(default_factory=dict)
    # problems not listed, by file and severity, once a file has MAX_LISTED
    unlisted: dict[tuple[str, str], int] = field(default_factory=dict, compare=False, repr=False)
    _seen: set = field(default_factory=set, compare=False, repr=False)
    _per_file: dict[tuple[str, str], int] = field(default_factory=dict, compare=False, repr=False)

    def add(self, problem: Problem) -> None:
        if problem in self._seen:
            return
        self._seen.add(problem)
        # errors and warnings each have their own allowance, so that a flood of warnings never hides an error
        key = (problem.path, problem.severity)
        listed = self._per_file.get(key, 0)
        if listed >= MAX_LISTED:
            self.unlisted[key] = self.unlisted.get(key, 0) + 1
            return
        self._per_file[key] = listed + 1
        self.items.append(problem)

    def listing_full(self, path: str, severity: str = "error") -> bool:
        """Whether this file's problems of this severity are past those listed: a hint for another would
        not be shown."""
        return self._per_file.get((path, severity), 0) >= MAX_LISTED

    def extend(self, other: "Problems") -> None:
        for problem in other.items:
            self.add(problem)
        for key, count in other.unlisted.items():
            self.unlisted[key] = self.unlisted.get(key, 0) + count
        self.sources.update(other.sources)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def count(self, severity: str) -> int:
        """How many problems of this severity, listed or not."""
        listed = sum(1 for p in self.items if p.severity == severity)
        return listed + sum(n for (_, kind), n in self.unlisted.items() if kind == severity)

    def __bool__(self) -> bool:
        return bool(self.errors)

    def format(self) -> str:
        """Every problem, a file at a time, root causes first: a duplicated id makes knock-on errors
        elsewhere (an answer that fits the second copy, a requirement naming the id the copy was meant to
        have), so the duplicate comes first with a count of the errors that may follow from it."""
        ordered = sorted(self.items, key=_reading_order)
        roots = [p for p in ordered if _is_root(p)]
        shown = []
        for problem in sorted(ordered, key=lambda p: (p.path, p not in roots, p.line, p.column)):
            shown.append(problem.format(self.sources.get(problem.path)))
            if problem in roots:
                following = [p for p in ordered if p not in roots and p.path == problem.path
                             and p.severity == "error" and _may_follow(p, problem)]
                if following:
                    places = ", ".join(f"line {p.line}" for p in following[:5]) + (", …" if len(following) > 5
                                                                                    else "")
                    shown.append(f"    {len(following)} error{'s' * (len(following) != 1)} below ({places}) may"
                                 " follow from this one: fix it first and check again")
        for path in sorted({path for path, _ in self.unlisted}):
            more = sum(n for (where, _), n in self.unlisted.items() if where == path)
            shown.append(f"{visible(path)}: {more:,} more problem{'s' * (more != 1)} not listed; fix the"
                         " first ones and check again")
        return "\n".join(shown)


def _reading_order(problem: Problem) -> tuple:
    return (problem.path, problem.line, problem.column)


def _is_root(problem: Problem) -> bool:
    return problem.severity == "error" and problem.message.startswith("duplicate ")


def _may_follow(problem: Problem, root: Problem) -> bool:
    """Whether an error may be a knock-on of a duplicated id: it names that id, or names a question that
    is not in the flow (the id the copy was meant to have)."""
    named = root.message.split("'")[1] if root.message.count("'") >= 2 else ""
    return bool(named) and (f"'{named}'" in problem.message or (
        root.message.startswith("duplicate question") and ("which is not in the flow" in problem.message
                                                           or "unknown question" in problem.message)))


class FlowError(Exception):
    """Raised when a flow or answers file cannot be used; carries every problem found."""

    def __init__(self, problems: Problems):
        self.problems = problems
        super().__init__(problems.format())


def did_you_mean(name: str, known: Iterable[object]) -> str:
    """A hint naming the closest known name, or nothing when none is close."""
    import difflib  # here: only a mistake needs it, and a command that finds none need not load it

    close = difflib.get_close_matches(str(name), [str(k) for k in known], n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else ""


def display_path(path: Path | str) -> str:
    """A path as the user would type it: relative to the current folder when it is below it. Links are
    not followed, so a file reached through a link keeps the name it was reached by."""
    absolute = os.path.abspath(path)
    try:
        here = os.getcwd()
    except OSError:  # the current folder was removed
        return str(path)
    if absolute.startswith(here.rstrip(os.sep) + os.sep):
        return os.path.relpath(absolute, here)
    try:
        return str(Path(path).resolve().relative_to(Path(here).resolve()))
    except (ValueError, OSError, RuntimeError):  # RuntimeError: a loop of symbolic links, before 3.13
        return str(path)
