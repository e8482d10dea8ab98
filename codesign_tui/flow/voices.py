"""More than one voice on one piece of work: each voice's recommendation, where their answers differ and what
each difference changes, and a recommendation that holds on what everyone agrees. Worked out here, once;
`codesign compare` and the plan's "Where partners see it differently" only format it."""

from __future__ import annotations

from dataclasses import field
from typing import Any

from ..records import record
from .answers import AnswersFile
from .engine import evaluate
from .model import Flow
from .result import Result

COMMISSIONER = "Commissioner"
# the most cautious answer first: it meets the fewest requirements (Appendix 2's questions are all of this kind)
CAUTIOUS_ORDER = ("no", "unsure", "partly", "yes")


class VoicesDiffer(ValueError):
    """Files that cannot be set side by side: another flow, another version, another piece of work."""


@record(frozen=True)
class Voice:
    name: str
    answers: dict[str, Any]
    result: Result
    source: str = ""


@record(frozen=True)
class Change:
    """What the first voice's plan would say if another voice is right about one answer."""

    voice: str
    answer: Any
    recommendation: str  # level id
    calls_for: str
    moves: bool  # the recommendation or what the work calls for is not the first voice's
    if_confirmed: str | None = None  # what it would reach once its "Not sure" answers are confirmed
    confirm_moves: bool = False  # that differs from the first voice's


@record(frozen=True)
class Difference:
    question: str
    answers: tuple[tuple[str, Any], ...]  # (voice, answer) in the order the voices were given
    changes: tuple[Change, ...]

    @property
    def moves(self) -> bool:
        return any(change.moves for change in self.changes)

    @property
    def matters(self) -> bool:
        """Whether it changes the recommendation now, or what it would be once "Not sure" is confirmed."""
        return any(change.moves or change.confirm_moves for change in self.changes)


@record
class Comparison:
    flow: Flow
    voices: list[Voice]
    differences: list[Difference] = field(default_factory=list)  # in question order
    agreed: list[str] = field(default_factory=list)  # answered alike by every voice, in question order
    common: dict[str, Any] = field(default_factory=dict)  # the answers that hold on what everyone agrees
    cautious: dict[str, str] = field(default_factory=dict)  # question -> voice whose more cautious answer is taken
    common_result: Result | None = None
    settle_first: list[str] = field(default_factory=list)  # differing questions that move the recommendation

    @property
    def baseline(self) -> Voice:
        return self.voices[0]

    @property
    def changes_recommendation(self) -> bool:
        """Whether any other voice's answers would change the first voice's recommendation."""
        first = self.baseline.result.recommendation
        return any(v.result.recommendation != first for v in self.voices[1:]) or any(
            d.moves for d in self.differences)


VOICE_MOST = 80  # characters: a voice names a perspective ("People with lived experience"), not a paragraph


def one_line(text: object) -> str:
    """What was typed for a voice, on one line with single spaces (a form checks its length on this)."""
    return " ".join(str(text or "").split())


def voice_of(text: object) -> str:
    """Whose view a plan gives, as typed on a command line or a form: on one line, of a sensible length; ""
    for the commissioner's own."""
    return one_line(text)[:VOICE_MOST]


def voice_names(givens: list[AnswersFile], public: bool = False) -> list[str]:
    """Each file's voice: its `voice:`, the commissioner's for the first file without one, else the file's
    name; a name given twice is told apart by its file. In a public plan a file's name (which may be a
    person's) is never used: "Voice 2"."""
    from pathlib import Path

    def fallback(index: int, given: AnswersFile) -> str:
        if index == 0:
            return COMMISSIONER
        return f"Voice {index + 1}" if public else (Path(given.path).stem or f"Voice {index + 1}")

    names = [given.voice or fallback(index, given) for index, given in enumerate(givens)]
    return [(f"{name} ({index + 1})" if public else f"{name} ({Path(given.path).name})")
            if names.count(name) > 1 else name for index, (name, given) in enumerate(zip(names, givens))]


def check_alike(flow: Flow, givens: list[AnswersFile]) -> None:
    """VoicesDiffer when the files are not answers to the same flow about the same piece of work."""
    flows = {given.flow for given in givens}
    if flows != {flow.id}:
        raise VoicesDiffer("these files answer different flows (" + ", ".join(sorted(flows)) + "); compare"
                           " answers to one flow")
    versions = {getattr(given, "flow_version", "") for given in givens} - {""}
    if len(versions) > 1:
        raise VoicesDiffer("these files were answered under different versions of the flow ("
                           + ", ".join(sorted(versions)) + "); bring them to one version first (codesign migrate)")
    projects = {" ".join(given.project.split()).casefold() for given in givens} - {""}
    if len(projects) > 1:
        named = sorted({given.project for given in givens if given.project})
        raise VoicesDiffer("these files are about different pieces of work (" + "; ".join(named) + "); compare"
                           " answers about the same work")


def compare(flow: Flow, voices: list[tuple[str, dict[str, Any]]]) -> Comparison:
    """Set the voices side by side. The first is the baseline: each difference is tried as a change to
    its answers, one at a time."""
    results = [Voice(name, answers, evaluate(flow, answers)) for name, answers in voices]
    comparison = Comparison(flow, results)
    baseline = results[0]
    asked = _asked_by_anyone(flow, results)
    for question_id in asked:
        given = tuple((voice.name, voice.result.answers.get(question_id)) for voice in results)
        values = [_key(value) for _, value in given]
        if len(set(values)) == 1:
            if given[0][1] is not None:
                comparison.agreed.append(question_id)
            continue
        changes = []
        first = baseline.result
        for voice in results[1:]:
            answer = voice.result.answers.get(question_id)
            if _key(answer) == _key(baseline.result.answers.get(question_id)) or answer is None:
                continue
            tried = evaluate(flow, {**baseline.answers, question_id: answer})
            if not flow.levels:
                continue
            now, was = tried.levels, first.levels
            moves = now.recommendation.id != was.recommendation.id or now.calls_for.id != was.calls_for.id
            confirmed = tried.if_confirmed.id if tried.if_confirmed else None
            first_confirmed = first.if_confirmed.id if first.if_confirmed else None
            changes.append(Change(voice.name, answer, now.recommendation.id, now.calls_for.id, moves,
                                  confirmed, confirmed != first_confirmed))
        comparison.differences.append(Difference(question_id, given, tuple(changes)))
    _common_ground(comparison)
    return comparison


def _asked_by_anyone(flow: Flow, voices: list[Voice]) -> list[str]:
    asked = {q.id for voice in voices for q in voice.result.path}
    return [q.id for q in flow.questions if q.id in asked and q.kind != "record" and q.kind != "text"]


def _key(value: Any) -> Any:
    return tuple(sorted(value)) if isinstance(value, list) else value


def _common_ground(comparison: Comparison) -> None:
    """The answers everyone agrees on; where they differ on a question the requirements read, the answer
    given that meets the fewest requirements (the most cautious, said as such, not as a verdict); elsewhere
    the first voice's. The questions to settle together first are those whose difference moves the
    recommendation, those that move it furthest first."""
    flow, baseline = comparison.flow, comparison.baseline
    common = dict(baseline.answers)
    for difference in comparison.differences:
        question_id = difference.question
        if question_id not in flow.requirement_reads or not flow.has_question(question_id):
            continue
        question = flow.question(question_id)
        if question.kind == "multiple":
            continue
        given = [(voice, value) for voice, value in difference.answers if value is not None]
        if not given:
            continue
        voice, value = min(given, key=lambda pair: (_met(flow, question_id, pair[1]), _caution(pair[1])))
        if _key(value) != _key(common.get(question_id)):
            common[question_id] = value
            comparison.cautious[question_id] = voice
    comparison.common = common
    comparison.common_result = evaluate(flow, common)
    if flow.levels:
        first = flow.rank(baseline.result.levels.recommendation.id)

        def reach(difference: Difference) -> int:
            return max((abs(flow.rank(c.recommendation) - first) for c in difference.changes), default=0)
        moving = [d for d in comparison.differences if d.matters]
        comparison.settle_first = [d.question for d in sorted(moving, key=lambda d: (not d.moves, -reach(d)))]


def _met(flow: Flow, question_id: str, value: Any) -> int:
    """How many requirements on this question the answer meets."""
    return sum(1 for requirement in flow.requirements if requirement.question == question_id
               and value in requirement.accepts)


def _caution(value: Any) -> int:
    return CAUTIOUS_ORDER.index(value) if value in CAUTIOUS_ORDER else len(CAUTIOUS_ORDER)
