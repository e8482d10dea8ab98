"""The whole flow as one picture's worth of facts: sections and questions in order, each branch and
condition in words, the levels with the rules that call for each and the requirements that gate each, and
what no answers can reach. `codesign map` draws it (plan/flowmap.py); nothing here knows a format."""

from __future__ import annotations

from dataclasses import field
from typing import Any

from ..records import record
from .expressions import Node
from .model import END, Condition, Flow, Question
from .terms import join_words


@record(frozen=True)
class QuestionMark:
    number: int
    id: str
    prompt: str
    kind: str
    answers: tuple[str, ...] = ()  # the options' labels; a register's fields
    when: str = ""  # asked only when this holds, in words
    optional: bool = False
    read_by_rules: bool = False  # the recommendation reads its answer


@record(frozen=True)
class Turn:
    """Where a section can lead next: to a section (or the end), and when, in words ("" = otherwise)."""

    to: str  # a section's title, or "the end"
    to_id: str
    when: str = ""


@record(frozen=True)
class SectionMark:
    id: str
    title: str
    questions: tuple[QuestionMark, ...]
    when: str = ""
    turns: tuple[Turn, ...] = ()
    reachable: bool = True


@record(frozen=True)
class RuleMark:
    id: str
    when: str  # "" for a rule that always applies once reached
    because: str
    reached: bool = True


@record(frozen=True)
class NeedMark:
    """A requirement: the answer a question needs for a level."""

    question: str  # the question's prompt
    number: int
    accepts: str  # "Yes or Partly"
    when: str = ""  # the requirement applies only when this holds, in words
    because: str = ""
    several: bool = False  # a multiple-choice question: the answers listed must all be chosen


@record(frozen=True)
class LevelMark:
    id: str
    label: str
    summary: str
    rules: tuple[RuleMark, ...] = ()
    needs: tuple[NeedMark, ...] = ()
    reached: bool = True


@record
class FlowMap:
    id: str
    title: str
    version: str
    summary: str
    sections: list[SectionMark] = field(default_factory=list)
    levels: list[LevelMark] = field(default_factory=list)
    counted: bool = True  # whether reachability of levels and rules was worked out (not too many paths)
    rule_order: list[str] = field(default_factory=list)  # the calls_for rules in the order they are tried
    floors: list[tuple[str, str, str, str]] = field(default_factory=list)  # (id, level label, when, because)


def outline(flow: Flow) -> FlowMap:
    from .lint import reachable, section_graph
    from .paths import explore

    graph = section_graph(flow)
    reached = reachable(graph, flow.sections[0].id) if flow.sections else set()
    report = explore(flow)
    counted = not report.too_many
    result = FlowMap(flow.id, flow.title, flow.version, flow.summary, counted=counted,
                     rule_order=[rule.id for rule in flow.calls_for],
                     floors=[(f.id, flow.level(f.level).label if flow.has_level(f.level) else f.level,
                              say(flow, f.when), f.because) for f in flow.floors])
    for index, section in enumerate(flow.sections):
        questions = tuple(_question(flow, q) for q in section.questions)
        result.sections.append(SectionMark(section.id, section.title, questions, say(flow, section.when),
                                           tuple(_turns(flow, index)), section.id in reached))
    for level in flow.levels:
        rules = tuple(RuleMark(rule.id, say(flow, rule.when), rule.because,
                               not counted or bool(report.by_rule[rule.id]))
                      for rule in flow.calls_for if rule.level == level.id)
        needs = tuple(NeedMark(_prompt(flow, r.question), flow.number(r.question) if flow.has_question(r.question)
                               else 0, _accepts(flow, r.question, r.accepts), say(flow, r.when), r.because,
                               flow.has_question(r.question) and flow.question(r.question).kind == "multiple")
                      for r in flow.requirements_in_order if r.level == level.id)
        result.levels.append(LevelMark(level.id, level.label, level.summary, rules, needs,
                                       not counted or bool(report.by_level[level.id])))
    return result


def _question(flow: Flow, question: Question) -> QuestionMark:
    if question.kind == "record":
        answers = tuple(f.prompt for f in question.fields)
    else:
        answers = tuple(o.label for o in question.options)
    return QuestionMark(flow.number(question.id), question.id, question.prompt, question.kind, answers,
                        say(flow, question.when), not question.required,
                        question.id in flow.recommendation_reads)


def _turns(flow: Flow, index: int) -> list[Turn]:
    section = flow.sections[index]
    # a branch without a condition after one with a condition is taken otherwise
    turns = [Turn(_title(flow, b.goto), b.goto, say(flow, b.when) or ("otherwise" if index_ else ""))
             for index_, b in enumerate(section.next)]
    if not any(b.when is None for b in section.next):
        following = flow.sections[index + 1].id if index + 1 < len(flow.sections) else END
        turns.append(Turn(_title(flow, following), following, "otherwise" if section.next else ""))
    return turns


def _title(flow: Flow, section_id: str) -> str:
    return "the end" if section_id == END else flow.section(section_id).title


def _prompt(flow: Flow, question_id: str) -> str:
    return flow.question(question_id).prompt if flow.has_question(question_id) else question_id


def _accepts(flow: Flow, question_id: str, values: tuple[str, ...]) -> str:
    if not flow.has_question(question_id):
        return join_words(values, "or")
    question = flow.question(question_id)
    if question.kind == "multiple":  # every option listed must be among those chosen
        return "“" + "”, “".join(question.label(v) for v in values) + "”" if len(values) == 1 else \
            "all of " + join_words([f"“{question.label(v)}”" for v in values], "and")
    return join_words([f"“{question.label(v)}”" for v in values], "or")


# -- conditions in words ---------------------------------------------------------------------------

def say(flow: Flow, condition: Condition | None) -> str:
    """A condition as a person reads it beside the numbered questions: `space_to_shape == 'no'` becomes
    Q1 is “No, it is mostly decided”."""
    if condition is None:
        return ""
    return _say(flow, condition.expression.node, None)


def _say(flow: Flow, node: Node, record_id: str | None) -> str:
    op = node.op
    if op in ("and", "or"):
        parts = [_say_inside(flow, arg, op, record_id) for arg in node.args]
        return f" {op} ".join(parts)
    if op == "not":
        return f"not ({_say(flow, node.args[0], record_id)})"
    if op == "bool":
        return "always" if node.value else "never"
    if op == "call" and node.value == "any":
        record = node.args[0].value
        return f"some entry in {_quoted(flow, record)} has {_say(flow, node.args[1], record)}"
    if op == "call" and node.value == "answered":
        return f"{_name(flow, node.args[0])} is answered"
    if op in ("==", "!=", "in", "not in"):
        left, right = node.args
        if op in ("==", "!=") and left.op not in ("name", "field") and right.op in ("name", "field"):
            left, right = right, left
        subject = _name(flow, left)
        if op in ("in", "not in") and right.op in ("name", "field"):  # 'value' in a multiple-choice answer
            chosen = _value(flow, right, left)
            return f"{_name(flow, right)} {'includes' if op == 'in' else 'does not include'} {chosen}"
        if right.op == "list":
            values = [_value(flow, left, item) for item in right.args]
            return f"{subject} is {'neither ' if op == 'not in' else ''}" + (
                join_words(values, "nor") if op == "not in" else join_words(values, "or"))
        return f"{subject} is {'not ' if op == '!=' else ''}{_value(flow, left, right)}"
    if op in ("<", "<=", ">", ">="):
        words = {"<": "fewer than", "<=": "at most", ">": "more than", ">=": "at least"}[op]
        left, right = node.args
        return f"{_name(flow, left)} is {words} {_name(flow, right)}"
    return _name(flow, node)


def _say_inside(flow: Flow, node: Node, joiner: str, record_id: str | None) -> str:
    text = _say(flow, node, record_id)
    # an `or` inside an `and` (or the other way round) keeps its brackets, so the reading stays the same
    return f"({text})" if node.op in ("and", "or") and node.op != joiner else text


def _quoted(flow: Flow, question_id: str) -> str:
    return f"Q{flow.number(question_id)}" if flow.has_question(question_id) else question_id


def _name(flow: Flow, node: Node) -> str:
    if node.op == "call" and node.value == "count":
        return f"the number of answers to {_name(flow, node.args[0])}"
    if node.op in ("number", "string"):
        return str(node.value)
    if node.op == "field" or (node.op == "name" and "." in str(node.value)):
        question_id, _, field_id = str(node.value).partition(".")
        field_ = flow.question(question_id).field(field_id) if flow.has_question(question_id) else None
        label = field_.prompt if field_ else field_id
        return f"“{label}”" if node.op == "field" else f"“{label}” in {_quoted(flow, question_id)}"
    if node.op == "name":
        return _quoted(flow, node.value)
    return node.op


def _value(flow: Flow, subject: Node, value: Node) -> str:
    if value.op != "string":
        return _name(flow, value)
    question_id, _, field_id = str(subject.value).partition(".")
    options: Any = ()
    if flow.has_question(question_id):
        question = flow.question(question_id)
        found = question.field(field_id) if field_id else None
        options = found.options if found is not None else question.options
    label = next((o.label for o in options if o.value == value.value), value.value)
    return f"“{label}”"
