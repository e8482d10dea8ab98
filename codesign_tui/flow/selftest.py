"""Running a flow's examples: each set of answers must give what the example expects."""

from __future__ import annotations

from .answers import AnswersFile, check_answers
from .engine import evaluate
from .model import Example, Flow
from .problems import Problem, Problems, did_you_mean


def run_examples(flow: Flow, problems: Problems) -> tuple[int, int]:
    """Run every example, adding a problem at each failing one; returns (passed, failed)."""
    passed = failed = 0
    for example in flow.examples:
        if check_example(flow, example, problems):
            passed += 1
        else:
            failed += 1
    return passed, failed


def check_example(flow: Flow, example: Example, problems: Problems) -> bool:
    place = example.place
    places = {key: (p.line, p.column) for key, p in example.places.items()}
    found = Problems()
    given = AnswersFile(flow.id, example.answers, path=place.path,
                        places={"answers": (place.line, place.column), **places})
    answers = check_answers(flow, given, found, partial=False, unfit="error",
                            missing="add it to the example's answers")
    for problem in found.items:
        problems.add(Problem(problem.path, problem.line, problem.column,
                             f"example {example.name!r}: {problem.message}", problem.severity, problem.hint))
    if found.errors:
        return False
    result = evaluate(flow, answers)
    got = {
        "recommendation": result.recommendation.id if result.recommendation else None,
        "calls_for": result.calls_for.id if result.calls_for else None,
        "supported": result.supported.id if result.supported else None,
        "held_back_by": result.held_back_by,
        "flags": [f.id for f in result.flags],
    }
    ok = True
    levels = [level.id for level in flow.levels]
    for key, expected in example.expect.items():
        if key in ("recommendation", "calls_for", "supported") and expected is not None \
                and expected not in levels:
            where = example.places.get(f"expect:{key}", place)
            problems.add(Problem(where.path, where.line, where.column, f"example {example.name!r}: {key}"
                                 f" {expected!r} is not a level of this flow", hint=did_you_mean(expected, levels)
                                 or "levels: " + ", ".join(levels)))
            ok = False
            continue
        if got[key] != expected:
            ok = False
            where = example.places.get(f"expect:{key}", place)
            problems.add(Problem(where.path, where.line, where.column,
                                 f"example {example.name!r}: expected {key} {_show(expected)},"
                                 f" but the flow gives {_show(got[key])}"))
    return ok


def _show(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)
