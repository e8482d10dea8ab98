"""Checks across a whole flow: ids, references, expressions, reachability and branching cycles."""

from __future__ import annotations

import itertools
from typing import Any, Callable, Iterable

from .expressions import Node
from .model import END, Condition, Flow, Place, Question
from .problems import Problem, Problems, did_you_mean

BOOLEAN_OPS = {"==", "!=", "<", "<=", ">", ">=", "in", "not in", "and", "or", "not", "bool"}
MAX_COMBINATIONS = 4096


def _add(problems: Problems, place: Place, message: str, hint: str = "", severity: str = "error") -> None:
    problems.add(Problem(place.path, place.line, place.column, message, severity, hint))


def lint(flow: Flow, problems: Problems) -> None:
    """Add a problem for everything in `flow` that would misbehave or mislead when run."""
    _unique_ids(flow, problems)
    _citations(flow, problems)
    if flow.migrations:
        from .migrations import check_migrations

        check_migrations(flow, problems)
    graph = section_graph(flow)
    earlier = _earlier_sections(flow, graph)
    position = flow.order

    def asked_before(section_id: str, limit: int | None) -> Callable[[str], bool]:
        """Whether a question has been asked by this point: in a section that can come earlier, or
        earlier in this section (before position `limit`; None means anywhere in it)."""
        mask = earlier[section_id]

        def check(name: str) -> bool:
            question = flow.question(name)
            if question.section_id == section_id:
                return limit is None or position[name] < limit
            return bool(mask >> _bit(flow, question.section_id) & 1)
        return check

    for section in flow.sections:
        if section.when:
            _expression(flow, section.when, f"the condition of section {section.id!r}", problems,
                        asked_before(section.id, -1))
        for branch in section.next:
            if branch.goto != END and not flow.has_section(branch.goto):
                _add(problems, branch.place, f"goto {branch.goto!r}: there is no such section",
                     did_you_mean(branch.goto, [s.id for s in flow.sections] + [END]))
            if branch.when:
                _expression(flow, branch.when, f"a branch of section {section.id!r}", problems,
                            asked_before(section.id, None))
        unconditional = [b for b in section.next if b.when is None]
        if unconditional and unconditional[0] is not section.next[-1]:
            _add(problems, section.next[-1].place, f"this branch of section {section.id!r} is never taken:"
                 " an earlier branch without `when` always applies")
        for question in section.questions:
            if question.when:
                _expression(flow, question.when, f"the condition of question {question.id!r}", problems,
                            asked_before(section.id, position[question.id]))
            _actions(flow, question, problems)
    _rules(flow, problems)
    _reachability(flow, graph, problems)
    _cycles(flow, graph, problems)
    _never_true(flow, problems)


def _unique_ids(flow: Flow, problems: Problems) -> None:
    for what, items in (("section", flow.sections), ("question", flow.questions)):
        first: dict[str, Place] = {}
        for item in items:
            if item.id in first:
                where = first[item.id]
                elsewhere = "" if where.path == item.place.path else f" of {where.path}"
                _add(problems, item.place, f"duplicate {what} id {item.id!r} (first on line {where.line}"
                     f"{elsewhere})")
            else:
                first[item.id] = item.place
    for question in flow.questions:
        _unique_options(question.options, f"question {question.id!r}", problems)
        seen: set[str] = set()
        for field in question.fields:
            if field.id in seen:
                _add(problems, field.place, f"duplicate field id {field.id!r} in question {question.id!r}")
            seen.add(field.id)
            _unique_options(field.options, f"field {field.id!r}", problems)


def _unique_options(options: Iterable, what: str, problems: Problems) -> None:
    seen: set[str] = set()
    for option in options:
        if option.value in seen:
            _add(problems, option.place, f"duplicate option {option.value!r} in {what}")
        seen.add(option.value)


def _citations(flow: Flow, problems: Problems) -> None:
    known = [s.id for s in flow.sources]
    cited = [(q.cite, q.places.get("cite"), f"question {q.id!r}") for q in flow.questions]
    cited += [(r.cite, r.places.get("cite"), f"rule {r.id!r}") for r in flow.calls_for]
    cited += [(f.cite, f.places.get("cite"), f"floor {f.id!r}") for f in flow.floors]
    cited += [(r.cite, r.place, "a requirement") for r in flow.requirements]
    cited += [(f.cite, f.places.get("cite"), f"flag {f.id!r}") for f in flow.flags]
    for cite, place, what in cited:
        if not cite or place is None:
            continue
        source = cite.split()[0]
        if source not in known:
            hint = did_you_mean(source, known) or ("add it under sources:" if known else
                                                   "declare it under sources: first")
            _add(problems, place, f"{what} cites {source!r}, which is not one of the flow's sources", hint)


def _actions(flow: Flow, question: Question, problems: Problems) -> None:
    for action in question.actions:
        if action.on and not question.is_choice:
            _add(problems, action.place, f"an action of question {question.id!r} uses `on:`, but a"
                 f" {question.kind} question has no fixed answers; use `when:`")
            continue
        for value in action.on:
            if question.option(value) is None:
                _add(problems, action.places.get(f"on:{value}", action.place),
                     f"{value!r} is not an answer of question {question.id!r}",
                     did_you_mean(value, question.values) or "answers: " + ", ".join(question.values))
        if action.when:
            _expression(flow, action.when, f"an action of question {question.id!r}", problems, None)


def _rules(flow: Flow, problems: Problems) -> None:
    levels = [level.id for level in flow.levels]
    if (flow.calls_for or flow.requirements) and not levels:
        place = flow.calls_for[0].place if flow.calls_for else flow.requirements[0].place
        _add(problems, place, "rules name levels, but the flow has no levels: list them under levels:")
        return
    for index, rule in enumerate(flow.calls_for):
        if rule.level not in levels:
            _add(problems, rule.places.get("level", rule.place), f"rule {rule.id!r} calls for level"
                 f" {rule.level!r}, which is not a level", did_you_mean(rule.level, levels)
                 or "levels: " + ", ".join(levels))
        if rule.when:
            _expression(flow, rule.when, f"the condition of rule {rule.id!r}", problems, None)
        elif index != len(flow.calls_for) - 1:
            _add(problems, flow.calls_for[index + 1].place, f"rule {flow.calls_for[index + 1].id!r} can"
                 f" never apply: rule {rule.id!r} before it has no `when` and always decides")
    for floor in flow.floors:
        if floor.level not in levels:
            _add(problems, floor.places.get("level", floor.place), f"floor {floor.id!r} sets level {floor.level!r},"
                 " which is not a level", did_you_mean(floor.level, levels) or "levels: " + ", ".join(levels))
        if floor.when:
            _expression(flow, floor.when, f"the condition of floor {floor.id!r}", problems, None)
    for requirement in flow.requirements:
        if requirement.level not in levels:
            _add(problems, requirement.places["level"], f"requirements for {requirement.level!r}, which is"
                 " not a level", did_you_mean(requirement.level, levels) or "levels: " + ", ".join(levels))
        if not flow.has_question(requirement.question):
            _add(problems, requirement.places["question"], f"requirement names question"
                 f" {requirement.question!r}, which is not in the flow",
                 did_you_mean(requirement.question, [q.id for q in flow.questions]))
            continue
        question = flow.question(requirement.question)
        if not question.is_choice:
            _add(problems, requirement.places["question"], f"a requirement needs a choice question (for"
                 f" multiple choice, `accepts` lists the options that must all be chosen); {question.id!r}"
                 f" is of kind {question.kind}")
            continue
        for value in requirement.accepts:
            if question.option(value) is None:
                _add(problems, requirement.places.get(f"accepts:{value}", requirement.place),
                     f"{value!r} is not an answer of question {question.id!r}",
                     did_you_mean(value, question.values) or "answers: " + ", ".join(question.values))
    for flag in flow.flags:
        _expression(flow, flag.when, f"the condition of flag {flag.id!r}", problems, None)
        for addition in flag.also:
            _expression(flow, addition.when, f"the condition of an addition to flag {flag.id!r}", problems, None)
    for requirement in flow.requirements:
        if requirement.when is not None:
            _expression(flow, requirement.when, f"the condition of the requirement of {requirement.level!r} on"
                        f" {requirement.question!r}", problems, None)


# -- expressions ------------------------------------------------------------------------------------

def _expression(flow: Flow, condition: Condition, what: str, problems: Problems,
                asked_before: Callable[[str], bool] | None) -> None:
    """Check names, values and types in an expression; `asked_before` limits which questions it may read."""
    place = condition.place

    def error(node: Node, message: str, hint: str = "") -> None:
        _add(problems, place.locate(condition.text, node.offset, problems.sources.get(place.path)),
             f"{what}: {message}", hint)

    def question_of(node: Node) -> tuple[Question | None, str | None]:
        name, _, field_id = node.value.partition(".")
        if not flow.has_question(name):
            error(node, f"unknown question {name!r}", did_you_mean(name, [q.id for q in flow.questions]))
            return None, None
        question = flow.question(name)
        if asked_before is not None and not asked_before(name):
            error(node, f"reads {name!r}, which is not asked before this point, so it has no answer yet")
        if field_id:
            if question.kind != "record":
                error(node, f"{name!r} is not a record, so it has no field {field_id!r}")
                return None, None
            if question.field(field_id) is None:
                error(node, f"record {name!r} has no field {field_id!r}",
                      did_you_mean(field_id, [f.id for f in question.fields]))
                return None, None
            return question, field_id
        return question, None

    def values_of(node: Node) -> tuple[tuple[str, ...] | None, bool | None]:
        """The allowed values of a name (None when free), and whether it holds several values (None
        when the name itself is wrong, already reported)."""
        question, field_id = question_of(node)
        if question is None:
            return None, None
        if field_id:
            field = question.field(field_id)
            if field is None:
                return None, None
            # inside any() a field is one record's single value; elsewhere, every record's value
            return (tuple(o.value for o in field.options) if field.options else None), node.op != "field"
        if question.kind == "record":
            return None, True
        return (question.values if question.is_choice else None), question.kind == "multiple"

    def resolves(node: Node) -> bool:
        """Whether a bare word names a question (or, inside any(), a field of the record)."""
        name, _, field_id = node.value.partition(".")
        if not flow.has_question(name):
            return False
        question = flow.question(name)
        return not field_id or (question.kind == "record" and question.field(field_id) is not None)

    def bare_word(word: Node, allowed: tuple[str, ...] | None, other: Node | None) -> None:
        """A word without quotes that names no question: a value meant as one, which would silently
        never match."""
        shown = word.value.split(".", 1)[1] if word.op == "field" else word.value
        what = "a field of the record" if word.op == "field" else "a question id"
        if allowed is not None and shown not in allowed and other is not None:
            hint = f"{other.value!r} can be: " + ", ".join(repr(value) for value in allowed)
        else:
            hint = f"did you mean {shown!r} in quotes?"
        error(word, f"{shown!r} is not {what}, so this never matches; a value needs quotes", hint)

    def check_value(literal: Node, allowed: tuple[str, ...] | None, name: Node) -> None:
        if literal.op != "string":
            if literal.op in ("name", "field"):
                if not resolves(literal):
                    bare_word(literal, allowed, name)
            else:
                error(literal, f"compare {name.value!r} with a quoted value such as 'yes'")
            return
        if allowed is not None and literal.value not in allowed:
            error(literal, f"{literal.value!r} is not an answer of {name.value!r}",
                  did_you_mean(literal.value, allowed) or "answers: " + ", ".join(allowed))

    def visit(node: Node, boolean: bool) -> None:
        op = node.op
        if boolean and op not in BOOLEAN_OPS and not (op == "call" and node.value in ("answered", "any")):
            if op in ("name", "field"):
                shown = node.value.split(".", 1)[1] if op == "field" else node.value
                error(node, f"{shown!r} on its own is not a condition; compare it, for example"
                      f" {shown} == 'yes'")
            else:
                error(node, "this is a value, not a condition; compare it with == or in")
            return
        if op in ("and", "or", "not"):
            for arg in node.args:
                visit(arg, True)
        elif op == "call" and node.value == "any":
            question, _ = question_of(node.args[0])
            if question is not None and question.kind != "record":
                error(node.args[0], f"any() looks through records; {question.id!r} is of kind {question.kind}")
            elif question is not None:
                visit(node.args[1], True)
        elif op == "call":
            question, _ = question_of(node.args[0])
            if question and node.value == "count" and question.kind not in ("record", "multiple") \
                    and "." not in node.args[0].value:
                error(node, f"count() counts records or choices; {question.id!r} is of kind {question.kind}")
        elif op in ("==", "!="):
            left, right = node.args
            names = [n for n in (left, right) if n.op in ("name", "field")]
            if len(names) == 2 and sum(resolves(n) for n in names) == 1:
                names = [n for n in names if resolves(n)]  # the other is a value written without quotes
            if len(names) == 1:
                name = names[0]
                literal = right if name is left else left
                allowed, several = values_of(name)
                if several is None:
                    pass
                elif several:
                    error(node, f"{name.value!r} can hold several values; write 'value' in {name.value}")
                else:
                    check_value(literal, allowed, name)
            for arg in node.args:
                if arg.op in ("call", "list"):
                    visit(arg, False)
        elif op in ("<", "<=", ">", ">="):
            for arg in node.args:
                if arg.op == "call":
                    visit(arg, False)
                elif arg.op != "number":
                    error(arg, "only numbers, such as count(interests), can be compared with " + op)
        elif op in ("in", "not in"):
            left, right = node.args
            if right.op == "name":
                allowed, several = values_of(right)
                if several is None:
                    pass
                elif not several:
                    error(right, f"{right.value!r} holds one answer; write {right.value} == 'value'")
                elif left.op == "string":
                    check_value(left, allowed, right)
                elif left.op == "name" and not resolves(left):
                    bare_word(left, allowed, right)
                elif left.op != "name":
                    error(left, "put a quoted value before `in`")
            elif right.op == "list":
                if left.op not in ("name", "field"):
                    error(left, "put a question id before `in [...]`")
                    return
                allowed, _several = values_of(left)
                for item in right.args:
                    check_value(item, allowed, left)
            else:
                error(right, "after `in` put a question id or a list such as ['yes', 'partly']")

    visit(condition.expression.node, True)


# -- the shape of the conversation ------------------------------------------------------------------

def section_graph(flow: Flow) -> dict[str, list[str]]:
    """Where each section can lead: its branches, and the next section when it falls through."""
    graph: dict[str, list[str]] = {}
    ids = [s.id for s in flow.sections]
    for index, section in enumerate(flow.sections):
        following = ids[index + 1] if index + 1 < len(ids) else END
        targets = [b.goto for b in section.next]
        if section.when is not None or not any(b.when is None for b in section.next):
            targets.append(following)
        graph[section.id] = list(dict.fromkeys(t for t in targets if t == END or flow.has_section(t)))
    return graph


def reachable(graph: dict[str, list[str]], start: str) -> set[str]:
    """The sections (and the end) a section graph can reach from `start`."""
    seen = {start}
    todo = [start]
    while todo:
        for target in graph.get(todo.pop(), []):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def _bit(flow: Flow, section_id: str) -> int:
    return flow.section_index(section_id)


def _earlier_sections(flow: Flow, graph: dict[str, list[str]]) -> dict[str, int]:
    """For each section, a bit mask of the sections that can come before it on some path, built in
    one pass in branching order. Sections caught in a cycle (an error reported elsewhere) may read
    any section."""
    incoming: dict[str, int] = {sid: 0 for sid in graph}
    for targets in graph.values():
        for target in targets:
            if target in incoming:
                incoming[target] += 1
    masks = {sid: 0 for sid in graph}
    ready = [sid for sid, count in incoming.items() if count == 0]
    done = set()
    while ready:
        sid = ready.pop()
        done.add(sid)
        carried = masks[sid] | (1 << _bit(flow, sid))
        for target in graph[sid]:
            if target in masks:
                masks[target] |= carried
                incoming[target] -= 1
                if incoming[target] == 0:
                    ready.append(target)
    everything = (1 << len(flow.sections)) - 1
    return {sid: (mask if sid in done else everything) for sid, mask in masks.items()}


def _reachability(flow: Flow, graph: dict[str, list[str]], problems: Problems) -> None:
    if not flow.sections:
        return
    reached = reachable(graph, flow.sections[0].id)
    for section in flow.sections:
        if section.id not in reached:
            ids = ", ".join(q.id for q in section.questions)
            _add(problems, section.place, f"section {section.id!r} can never be reached, so its questions"
                 f" ({ids}) are never asked; add a goto to it or remove it")
    if END not in reached:
        _add(problems, flow.sections[0].place, "no path through the flow reaches the end")


def _cycles(flow: Flow, graph: dict[str, list[str]], problems: Problems) -> None:
    for component in _strongly_connected(graph):
        if len(component) == 1 and component[0] not in graph.get(component[0], []):
            continue
        members = set(component)
        order = [s.id for s in flow.sections if s.id in members]
        leaves = any(t not in members for sid in order for t in graph[sid])
        chain = " -> ".join(order + [order[0]])
        first = flow.section(order[0])
        position = {sid: index for index, sid in enumerate(order)}
        # point at the branch that goes back: that is the one to change
        backward = [b for sid in order for b in flow.section(sid).next
                    if b.goto in members and position[b.goto] <= position[sid]]
        place = backward[0].place if backward else first.place
        if leaves:
            _add(problems, place, f"branching cycle {chain}: a section cannot be asked twice; branch"
                 " forward instead")
        else:
            _add(problems, place, f"branching cycle {chain} with no way to finish: every branch leads"
                 " back into the cycle")


def _strongly_connected(graph: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative so a long flow cannot exhaust the stack."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, child_index = work.pop()
            if child_index == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            children = [c for c in graph.get(node, []) if c in graph]
            if child_index < len(children):
                work.append((node, child_index + 1))
                child = children[child_index]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                found.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def _never_true(flow: Flow, problems: Problems) -> None:
    """A question or section whose condition no answers can satisfy is never asked."""
    checks: list[tuple[Condition, str, Place]] = []
    for section in flow.sections:
        if section.when:
            checks.append((section.when, f"section {section.id!r}", section.when.place))
        for question in section.questions:
            if question.when:
                checks.append((question.when, f"question {question.id!r}", question.when.place))
    for condition, what, place in checks:
        if _can_be_true(flow, condition) is False:
            _add(problems, place, f"{what} can never be asked: its condition `{_short(condition.text)}` is never"
                 " true for any answers")


def _can_be_true(flow: Flow, condition: Condition) -> bool | None:
    """Whether some answers make the condition true; None when there are too many to try."""
    domains: list[list[Any]] = []
    names = condition.expression.names
    for name in names:
        if not flow.has_question(name):
            return None
        question = flow.question(name)
        if question.kind in ("single", "yes_partly_no_unsure"):
            domains.append([None, *question.values])
        elif question.kind == "multiple" and len(question.values) <= 8:
            domains.append([None] + [list(c) for r in range(len(question.values) + 1)
                                     for c in itertools.combinations(question.values, r)])
        else:
            return None
    total = 1
    for domain in domains:
        total *= len(domain)
    if total > MAX_COMBINATIONS:
        return None
    return any(condition(dict(zip(names, combo))) for combo in itertools.product(*domains))


def _short(text: str, limit: int = 80) -> str:
    """A condition quoted in a message: the whole of a short one, the start of a long one."""
    return text if len(text) <= limit else text[:limit] + "…"
