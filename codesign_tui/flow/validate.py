"""`codesign validate`: every check on every flow given, with examples run and paths explored."""

from __future__ import annotations

from dataclasses import field
from pathlib import Path
from typing import Iterable

from ..records import record
from .lint import lint
from .loader import read_flow
from .paths import catching_rules, explore
from .problems import Problem, Problems, did_you_mean, display_path
from .examples import worked_examples
from .selftest import check_example, run_examples


@record
class ValidationReport:
    problems: Problems = field(default_factory=Problems)
    flows: int = 0
    passed: int = 0
    failed: int = 0

    def summary(self) -> str:
        errors, warnings = self.problems.count("error"), self.problems.count("warning")
        checked = f"{self.flows:,} flow{'s' * (self.flows != 1)} checked"
        examples = f"{self.passed:,} of {self.passed + self.failed:,} examples passed"
        if errors and not self.passed + self.failed:
            examples = "examples not run until the errors are fixed"
        if errors:
            return f"{checked}: {errors:,} error{'s' * (errors != 1)}, {warnings:,} warning" \
                   f"{'s' * (warnings != 1)}; {examples}"
        tail = f", {warnings:,} warning{'s' * (warnings != 1)}" if warnings else ""
        return f"{checked}: no errors{tail}; {examples}"


def expand(paths: Iterable[Path], problems: Problems | None = None) -> list[Path]:
    """Files as given, and the flow files inside any folder given (not their .tests.yaml files). A folder
    with no flow file in it is a problem, when `problems` is given: checking nothing is not a pass."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            try:
                found = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml")
                               and not p.name.endswith((".tests.yaml", ".tests.yml")))
            except OSError as error:
                found = []
                if problems is not None:
                    problems.add(Problem(display_path(path), 1, 1,
                                         f"cannot read the folder: {error.strerror or error}"))
                    continue
            if not found and problems is not None:
                problems.add(Problem(display_path(path), 1, 1, "this folder holds no flow files (.yaml or"
                                     " .yml), so nothing was checked; give a flow file or a folder of them"))
            out.extend(found)
        else:
            out.append(path)
    return out


def validate_flow(path: Path, report: ValidationReport, explore_paths: bool = True) -> None:
    problems = report.problems
    if not path.exists() and not path.is_symlink():  # a loop of links is reported as one when read
        problems.add(Problem(display_path(path), 1, 1, "no such file"))
        return
    report.flows += 1
    before = len(problems.errors)
    flow = read_flow(path, problems)
    if flow is None or len(problems.errors) > before:
        return
    lint(flow, problems)
    if len(problems.errors) > before:
        return
    _released(flow, problems)
    passed, failed = run_examples(flow, problems)
    report.passed += passed
    report.failed += failed
    for worked in worked_examples(path.parent, problems):
        if worked.flow == flow.id:
            for question_id in worked.reasons:
                if not flow.has_question(question_id):
                    where = worked.check.places.get(f"reason:{question_id}", worked.check.place)
                    problems.add(Problem(where.path, where.line, where.column, f"example {worked.name!r}: a reason"
                                         f" for {question_id!r}, which is not a question of {flow.id!r}",
                                         hint=did_you_mean(question_id, [q.id for q in flow.questions])))
            ok = check_example(flow, worked.check, problems)
            report.passed += ok
            report.failed += not ok
    if explore_paths and flow.levels:
        paths = explore(flow)
        where = flow.places.get("levels", flow.place)
        for level in [] if paths.too_many else paths.unreachable_levels(flow):
            problems.add(Problem(where.path, where.line, where.column,
                                 f"no combination of answers leads to level {level!r}", "warning"))
        for rule_id in [] if paths.too_many else paths.unreachable_rules(flow):
            rule = next(r for r in flow.calls_for if r.id == rule_id)
            caught = catching_rules(flow, rule_id)
            hint = (f"the answers it would take are caught first by rule{'s' * (len(caught) > 1)} "
                    + " and ".join(repr(r) for r in caught) + "; move it above, or narrow the rule before it"
                    ) if caught else ""
            problems.add(Problem(rule.place.path, rule.place.line, rule.place.column,
                                 f"no combination of answers reaches rule {rule_id!r}", "warning", hint))


def validate_paths(paths: Iterable[Path]) -> ValidationReport:
    report = ValidationReport()
    for path in expand(paths, report.problems):
        validate_flow(path, report)
    return report


def _released(flow, problems: Problems) -> None:
    """The migrations checked against the versions they start from, where those are kept beside the flow
    (released/VERSION/ID.yaml); a released version no migration leads from is named."""
    from .migrations import chain, check_sources
    from .versions import released, released_versions

    check_sources(flow, problems, lambda version: released(flow, version))
    where = flow.places.get("migrations", flow.places.get("version", flow.place))
    for version in released_versions(flow):
        if version != flow.version and chain(flow, version) is None:
            problems.add(Problem(where.path, where.line, where.column,
                                 f"version {version!r} of this flow is kept in released/{version}/, but no chain"
                                 f" of migrations leads from it to version {flow.version!r}: answers given under it"
                                 " that no longer fit will be set aside; add `migrations:` from it", "warning"))
