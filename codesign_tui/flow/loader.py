"""Loading flow files into the typed model: shapes checked, expressions parsed, includes resolved."""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
from pathlib import Path
from typing import Any

import yaml

from . import format as fmt
from . import kept
from .document import (MAX_BYTES, Document, Reader, Unreadable, parse_document, read_regular_file, to_python,
                       where)
from .expressions import Expression, ExpressionError, excerpt
from .model import (Action, Branch, CallsFor, Condition, Example, Flag, FlagAddition, Floor, Flow, Level, Migration,
                    Option, Place, Question, Reading, RecordField, Requirement, Section, Source, Term,
                    default_options)
from .problems import FlowError, Problems

_ID = __import__("re").compile(fmt.ID_PATTERN)
# The version of what the loader makes of a flow file: part of the name of each flow kept between runs
# (flow/kept.py), so raise it whenever the same YAML would load into a different model
VERSION = 1


def place_of(document: Document, node: yaml.Node) -> Place:
    line, column = where(node)
    style = getattr(node, "style", "") or ""
    return Place(document.name, line, column, style, node.end_mark.line + 1, node.end_mark.column + 1)


class _FlowReader:
    """Builds one flow file's model, adding problems as it goes."""

    def __init__(self, document: Document, problems: Problems, stack: tuple[Path, ...]):
        self.document = document
        self.read = Reader(document, problems)
        self.problems = problems
        self.stack = stack

    def place(self, node: yaml.Node) -> Place:
        return place_of(self.document, node)

    def ident(self, node: yaml.Node | None, what: str) -> str | None:
        value = self.read.text(node, what)
        if value is not None and not _ID.match(value):
            self.read.error(node, f"{what} {value!r} should start with a letter and use only letters,"
                            " digits, - and _")
        return value

    def condition(self, node: yaml.Node | None, what: str) -> Condition | None:
        if node is None:
            return None
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:bool":
            text: str | None = node.value.lower()  # `when: true` is a fine expression
        else:
            text = self.read.text(node, what)
        if text is None:
            return None
        place = self.place(node)
        try:
            expression = Expression.parse(text)
        except ExpressionError as error:
            self.problems.add(_problem(place.locate(text, error.offset, self.document.lines),
                                       f"{what} does not parse: {error.message}"))
            return None
        return Condition(expression, place)

    # -- the flow ---------------------------------------------------------------------------------

    def flow(self) -> Flow | None:
        root = self.document.root
        if root is None:
            self.read.error(None, "the file is empty; a flow needs id, title, version, summary and sections")
            return None
        fields = self.read.mapping(root, "the flow", fmt.FLOW.fields, fmt.FLOW.required)
        if fields is None:
            return None
        text = lambda key: self.read.text(fields.get(key), key) or ""  # noqa: E731
        flow_id = self.ident(fields.get("id"), "the flow id") or ""
        if flow_id.casefold() in fmt.COMMAND_NAMES:
            self.read.error(fields.get("id"), f"the flow id {flow_id!r} is the name of a command, so `codesign"
                            f" {flow_id}` would run the command, not this flow; choose another id, such as"
                            f" '{flow_id}-flow'")
        sources = [self.source(n) for n in self.read.sequence(fields.get("sources"), "sources")]
        levels = [self.level(n) for n in self.read.sequence(fields.get("levels"), "levels")]
        self.no_duplicates(levels, "level")
        calls_for = [self.calls_for(n) for n in self.read.sequence(fields.get("calls_for"), "calls_for")]
        self.no_duplicates(calls_for, "rule")
        floors = [self.floor(n) for n in self.read.sequence(fields.get("floors"), "floors")]
        self.no_duplicates(floors, "floor")
        requirements = self.requirements(fields.get("requirements"))
        flags = [self.flag(n) for n in self.read.sequence(fields.get("flags"), "flags")]
        self.no_duplicates(flags, "flag")
        reading = [self.reading(n) for n in self.read.sequence(fields.get("reading"), "reading")]
        terms = [self.term(n) for n in self.read.sequence(fields.get("terms"), "terms")]
        wording = self.read.mapping(fields["wording"], "wording", fmt.WORDING.fields, ()) \
            if "wording" in fields else None
        words = {key: self.read.text(node, f"wording {key}") for key, node in (wording or {}).items()}
        sections: list[Section] = []
        for node in self.read.sequence(fields.get("sections"), "sections"):
            if isinstance(node, yaml.MappingNode) and any(k.value == "include" for k, _ in node.value):
                included = self.include(node, flow_id)
                if included is not None:
                    sections.extend(included.sections)
                    sources.extend(included.sources)
                    levels.extend(included.levels)
                    calls_for.extend(included.calls_for)
                    requirements.extend(included.requirements)
                    flags.extend(included.flags)
                    reading.extend(included.reading)
                    terms.extend(included.terms)
            else:
                section = self.section(node, flow_id)
                if section is not None:
                    sections.append(section)
        if "sections" in fields and not sections and not self.problems.errors:
            self.read.error(fields["sections"], "the flow has no sections")
        examples = [self.example(n) for n in self.read.sequence(fields.get("examples"), "examples")]
        examples += self.sibling_examples()
        version = text("version")
        migrations = self.migrations(fields.get("migrations"), version)
        return Flow(
            id=flow_id, title=text("title"), version=version, summary=text("summary"),
            audience=text("audience"), sections=tuple(sections),
            calls_for_words=(words.get("calls_for") or "the work calls for").strip(),
            supports_words=(words.get("supports") or "the conditions support").strip(),
            sources=_unique(s for s in sources if s), levels=_unique(l for l in levels if l),
            calls_for=tuple(c for c in calls_for if c), requirements=tuple(requirements),
            floors=tuple(f for f in floors if f),
            flags=tuple(f for f in flags if f), reading=_unique(r for r in reading if r),
            examples=tuple(e for e in examples if e), path=self.document.name,
            file=os.path.abspath(self.document.path),
            terms=_first_of_each(terms), migrations=migrations,
            place=self.place(root),
            places={key: self.place(node) for key, node in fields.items()},
        )

    def no_duplicates(self, items: list[Any], what: str) -> None:
        first: dict[str, Any] = {}
        for item in items:
            if item is None:
                continue
            if item.id in first:
                self.problems.add(_problem(item.place, f"duplicate {what} id {item.id!r} (first on line"
                                           f" {first[item.id].place.line})"))
            first.setdefault(item.id, item)

    def include(self, node: yaml.Node, parent_id: str) -> Flow | None:
        fields = self.read.mapping(node, "an include", fmt.INCLUDE.fields, fmt.INCLUDE.required)
        if not fields or "include" not in fields:
            return None
        relative = self.read.text(fields["include"], "include")
        if relative is None:
            return None
        here = Path(os.path.realpath(self.document.path))
        # includes stay inside the folder of the flow first given (its subfolders too), so that a flow
        # cannot make the app read, and quote in its messages, any other file on the machine
        folder = (self.stack[0] if self.stack else here).parent
        target = Path(os.path.realpath(here.parent / relative))
        kept.linked(here.parent / relative, target)
        if Path(relative).is_absolute() or not target.is_relative_to(folder):
            self.read.error(fields["include"], f"include {excerpt(relative)} is outside the flow's folder;"
                            " an include names a file in the same folder as the flow, or below it")
            return None
        if target.suffix not in (".yaml", ".yml"):
            self.read.error(fields["include"], f"include {excerpt(relative)} is not a .yaml or .yml file")
            return None
        if target in self.stack or target == here:
            chain = " -> ".join(p.name for p in (*self.stack, here, target))
            self.read.error(fields["include"], f"include {relative!r} includes itself ({chain})")
            return None
        if not target.exists() and not os.path.islink(target):
            self.read.error(fields["include"], f"include {relative!r}: no such file next to this flow")
            return None
        before = len(self.problems.errors)
        included = read_flow(target, self.problems, (*self.stack, here))
        if included is None or len(self.problems.errors) > before:
            found = self.problems.errors[before:]
            loop = next((p.message for p in found if "includes itself (" in p.message), "")
            if loop:  # say it here too, where the person started
                self.read.error(fields["include"], f"include {relative!r} includes itself"
                                f" ({loop.rsplit('includes itself (', 1)[1]}")
            else:
                self.read.error(fields["include"], f"include {relative!r} has problems (listed with its name)")
            return included
        wanted = self.read.words(fields.get("sections"), "sections")
        if wanted:
            known = {s.id: s for s in included.sections}
            chosen = []
            for section_id, item in wanted:
                if section_id in known:
                    chosen.append(known[section_id])
                else:
                    from .problems import did_you_mean
                    self.read.error(item, f"include {relative!r} has no section {section_id!r}",
                                    did_you_mean(section_id, known))
            included.sections = tuple(chosen)
            included.__post_init__()
        return included

    def sibling_examples(self) -> list[Example | None]:
        path = self.document.path
        sibling = path.with_name(path.name.rsplit(".", 1)[0] + ".tests.yaml")
        if path.name.endswith(".tests.yaml"):
            return []
        if not sibling.exists():
            kept.absent(sibling)
            return []
        document = _read_document(sibling, self.problems)
        if document is None or document.root is None:
            return []
        other = _FlowReader(document, self.problems, self.stack)
        fields = other.read.mapping(document.root, "the tests file", fmt.TESTS_FILE.fields,
                                    fmt.TESTS_FILE.required)
        if not fields:
            return []
        return [other.example(n) for n in other.read.sequence(fields.get("examples"), "examples")]

    # -- migrations -------------------------------------------------------------------------------

    def migrations(self, node: yaml.Node | None, version: str) -> tuple[Migration, ...]:
        """Each step of the flow's history, its `to` filled in from the next step's `from` (or the flow's
        version, for the last) where it is not written; flow/migrations.py checks that the chain holds."""
        read = [self.migration(item) for item in self.read.sequence(node, "migrations")]
        steps = [step for step in read if step is not None]
        out = []
        for index, (step, to) in enumerate(steps):
            following = steps[index + 1][0].start if index + 1 < len(steps) else version
            out.append(dataclasses.replace(step, to=to or following, to_given=bool(to)))
        return tuple(out)

    def migration(self, node: yaml.Node) -> tuple[Migration, str] | None:
        f = self.read.mapping(node, "a migration", fmt.MIGRATION.fields, fmt.MIGRATION.required)
        if f is None or "from" not in f:
            return None
        places: dict[str, Place] = {key: self.place(value) for key, value in f.items()}
        start = self.read.text(f["from"], "from") or ""
        to = self.read.text(f["to"], "to") or "" if "to" in f else ""

        def pairs(value: yaml.Node | None, what: str, prefix: str) -> list[tuple[str, yaml.Node]]:
            """The (key, value node) pairs of a mapping, each key's place kept as prefix + key."""
            if value is None:
                return []
            if not isinstance(value, yaml.MappingNode):
                self.read.error(value, f"{what} should be a mapping, not a list or a single value")
                return []
            out: dict[str, yaml.Node] = {}
            for key_node, value_node in value.value:
                key = self.read.text(key_node, f"a key of {what}")
                if key is None:
                    continue
                if key in out:
                    self.read.error(key_node, f"{key!r} is given twice in {what}")
                    continue
                out[key] = value_node
                places[f"{prefix}:{key}"] = self.place(key_node)
            return list(out.items())

        def words(value: yaml.Node | None, what: str, prefix: str) -> dict[str, str]:
            """A mapping of words to words, each value's place kept as prefix=key."""
            out = {}
            for key, value_node in pairs(value, what, prefix):
                word = self.read.text(value_node, f"the value of {key!r} in {what}")
                if word is not None:
                    out[key] = word
                    places[f"{prefix}={key}"] = self.place(value_node)
            return out

        def nested(value: yaml.Node | None, what: str, prefix: str) -> dict[str, dict[str, str]]:
            return {key: words(inner, f"{what} of {key!r}", f"{prefix}:{key}")
                    for key, inner in pairs(value, what, prefix)}

        field_values = {question: {field_id: words(inner, f"map_field_value of {question}.{field_id}",
                                                   f"map_field_value:{question}:{field_id}")
                                   for field_id, inner in pairs(by_field, f"map_field_value of {question!r}",
                                                                f"map_field_value:{question}")}
                        for question, by_field in pairs(f.get("map_field_value"), "map_field_value",
                                                        "map_field_value")}
        drop = []
        for value, item in self.read.words(f.get("drop"), "drop"):
            drop.append(value)
            places[f"drop:{value}"] = self.place(item)
        defaults = {}
        for key, value_node in pairs(f.get("default"), "default", "default"):
            defaults[key] = to_python(value_node)
            places[f"default={key}"] = self.place(value_node)
        step = Migration(start, to, words(f.get("rename_question"), "rename_question", "rename_question"),
                         nested(f.get("map_option"), "map_option", "map_option"),
                         nested(f.get("rename_field"), "rename_field", "rename_field"),
                         field_values, tuple(drop), defaults, place=self.place(node), places=places)
        return step, to

    # -- parts ------------------------------------------------------------------------------------

    def source(self, node: yaml.Node) -> Source | None:
        f = self.read.mapping(node, "a source", fmt.SOURCE.fields, fmt.SOURCE.required)
        if f is None or "id" not in f:
            return None
        return Source(self.ident(f["id"], "source id") or "", self.read.text(f.get("title"), "title") or "",
                      self.read.text(f.get("url"), "url") or "")

    def level(self, node: yaml.Node) -> Level | None:
        f = self.read.mapping(node, "a level", fmt.LEVEL.fields, fmt.LEVEL.required)
        if f is None or "id" not in f:
            return None
        level_id = self.ident(f["id"], "level id") or ""
        return Level(level_id, self.read.text(f.get("label"), "label") or level_id,
                     self.read.text(f.get("summary"), "summary") or "", self.place(node),
                     {"id": self.place(f["id"])},
                     self.read.text(f.get("held_back_summary"), "held_back_summary") or "")

    def calls_for(self, node: yaml.Node) -> CallsFor | None:
        return self.level_rule(node, fmt.CALLS_FOR, "rule", CallsFor)

    def floor(self, node: yaml.Node) -> Floor | None:
        return self.level_rule(node, fmt.FLOOR, "floor", Floor)

    def level_rule(self, node: yaml.Node, shape: fmt.Shape, word: str, make: Any) -> Any:
        """A rule that names a level under a condition (a calls_for rule, a floor): the same fields, read the
        same way."""
        f = self.read.mapping(node, f"a {shape.name}", shape.fields, shape.required)
        if f is None or "id" not in f or "level" not in f:
            return None
        rule_id = self.ident(f["id"], f"{word} id") or ""
        return make(rule_id, self.read.text(f["level"], "level") or "",
                    self.read.text(f.get("because"), "because") or "",
                    self.condition(f.get("when"), f"the condition of {word} {rule_id!r}"),
                    self.read.text(f.get("cite"), "cite") or "", self.place(node),
                    {key: self.place(value) for key, value in f.items()})

    def requirements(self, node: yaml.Node | None) -> list[Requirement]:
        if node is None:
            return []
        if not isinstance(node, yaml.MappingNode):
            self.read.error(node, "requirements should map each level id to a list of requirements")
            return []
        out = []
        seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            level = self.read.text(key_node, "a level id in requirements")
            if level is None:
                continue
            if level in seen:
                self.read.error(key_node, f"duplicate level {level!r} in requirements (first on line"
                                f" {where(seen[level])[0]}); YAML would silently keep only the last one")
                continue
            seen[level] = key_node
            for item in self.read.sequence(value_node, f"the requirements of {level!r}"):
                f = self.read.mapping(item, f"a requirement of {level!r}", fmt.REQUIREMENT.fields,
                                      fmt.REQUIREMENT.required)
                if f is None or "question" not in f:
                    continue
                accepts = self.read.words(f.get("accepts"), "accepts")
                places = {"level": self.place(key_node), "question": self.place(f["question"])}
                places.update({f"accepts:{value}": self.place(n) for value, n in accepts})
                question = self.read.text(f["question"], "question") or ""
                when = self.condition(f.get("when"), f"the condition of the requirement of {level!r} on {question!r}")
                out.append(Requirement(level, question, tuple(value for value, _ in accepts),
                                       self.read.text(f.get("because"), "because") or "",
                                       self.read.text(f.get("cite"), "cite") or "", self.place(item), places,
                                       when))
        return out

    def flag(self, node: yaml.Node) -> Flag | None:
        f = self.read.mapping(node, "a flag", fmt.FLAG.fields, fmt.FLAG.required)
        if f is None or "id" not in f:
            return None
        flag_id = self.ident(f["id"], "flag id") or ""
        when = self.condition(f.get("when"), f"the condition of flag {flag_id!r}")
        if when is None:
            return None
        also = []
        for item in self.read.sequence(f.get("also"), "also"):
            a = self.read.mapping(item, f"an addition to flag {flag_id!r}", fmt.FLAG_ADDITION.fields,
                                  fmt.FLAG_ADDITION.required)
            if a is None:
                continue
            condition = self.condition(a.get("when"), f"the condition of an addition to flag {flag_id!r}")
            if condition is not None:
                also.append(FlagAddition(condition, self.read.text(a.get("text"), "text") or ""))
        return Flag(flag_id, when, self.read.text(f.get("text"), "text") or "",
                    self.read.text(f.get("cite"), "cite") or "", self.place(node),
                    {key: self.place(value) for key, value in f.items()}, tuple(also))

    def term(self, node: yaml.Node) -> Term | None:
        f = self.read.mapping(node, "a term", fmt.TERM.fields, fmt.TERM.required)
        if f is None or "term" not in f:
            return None
        return Term(self.read.text(f["term"], "term") or "", self.read.text(f.get("meaning"), "meaning") or "")

    def reading(self, node: yaml.Node) -> Reading | None:
        f = self.read.mapping(node, "a reading item", fmt.READING.fields, fmt.READING.required)
        if f is None:
            return None
        return Reading(self.read.text(f.get("title"), "title") or "", self.read.text(f.get("url"), "url") or "",
                       self.read.text(f.get("about"), "about") or "")

    def section(self, node: yaml.Node, flow_id: str) -> Section | None:
        f = self.read.mapping(node, "a section", fmt.SECTION.fields, fmt.SECTION.required)
        if f is None or "id" not in f:
            return None
        section_id = self.ident(f["id"], "section id") or ""
        what = f"section {section_id!r}"
        questions = [self.question(n, section_id)
                     for n in self.read.sequence(f.get("questions"), f"the questions of {what}")]
        if isinstance(f.get("questions"), yaml.SequenceNode) and not questions and not f["questions"].value:
            self.read.error(f["questions"], f"{what} has no questions")
        branches = []
        for item in self.read.sequence(f.get("next"), f"next in {what}"):
            b = self.read.mapping(item, f"a branch of {what}", fmt.GOTO.fields, fmt.GOTO.required)
            if b is None or "goto" not in b:
                continue
            branches.append(Branch(self.read.text(b["goto"], "goto") or "",
                                   self.condition(b.get("when"), f"a branch condition in {what}"),
                                   self.place(b["goto"])))
        return Section(section_id, self.read.text(f.get("title"), "title") or "",
                       tuple(q for q in questions if q), self.read.text(f.get("intro"), "intro") or "",
                       self.condition(f.get("when"), f"the condition of {what}"), tuple(branches),
                       self.place(node), origin=flow_id)

    def options(self, node: yaml.Node | None, what: str) -> tuple[Option, ...]:
        out = []
        for item in self.read.sequence(node, f"the options of {what}"):
            if isinstance(item, yaml.ScalarNode):  # a bare value is a fine short option
                value = self.read.text(item, "an option")
                if value is not None:
                    out.append(Option(value, value, "", self.place(item)))
                continue
            f = self.read.mapping(item, f"an option of {what}", fmt.OPTION.fields, fmt.OPTION.required)
            if f is None or "value" not in f:
                continue
            value = self.read.text(f["value"], "value") or ""
            out.append(Option(value, self.read.text(f.get("label"), "label") or value,
                              self.read.text(f.get("explanation"), "explanation") or "",
                              self.place(f["value"])))
        return tuple(out)

    def question(self, node: yaml.Node, section_id: str) -> Question | None:
        f = self.read.mapping(node, "a question", fmt.QUESTION.fields, fmt.QUESTION.required)
        if f is None or "id" not in f:
            return None
        question_id = self.ident(f["id"], "question id") or ""
        what = f"question {question_id!r}"
        kind = self.kind(f.get("kind"), fmt.QUESTION_KINDS, what) or "text"
        options = self.options(f.get("options"), what)
        if kind == "yes_partly_no_unsure":
            options = self.yes_partly_no_unsure(options, what)
        elif kind in ("single", "multiple") and not options and "options" not in f:
            self.read.error(node, f"{what} is a {kind} choice but has no options")
        elif kind not in ("single", "multiple") and "options" in f:
            self.read.error(f["options"], f"{what} is of kind {kind}, which takes no options")
        fields = tuple(self.record_field(n, what) for n in self.read.sequence(f.get("fields"), "fields"))
        if kind == "record" and not fields:
            self.read.error(f.get("fields", node), f"{what} is a record but has no fields")
        elif kind != "record" and "fields" in f:
            self.read.error(f["fields"], f"{what} is of kind {kind}; only a record has fields")
        actions = []
        for item in self.read.sequence(f.get("actions"), f"the actions of {what}"):
            a = self.read.mapping(item, f"an action of {what}", fmt.ACTION.fields, fmt.ACTION.required)
            if a is None:
                continue
            on = self.read.words(a.get("on"), "on")
            when = self.condition(a.get("when"), f"an action condition in {what}")
            if not on and "when" not in a:
                self.read.error(item, f"an action of {what} needs `on:` (answers) or `when:` (a condition)")
            if "together" in a and "key" not in a:
                self.read.error(a["together"], f"an action of {what} has `together:` but no `key:` to share")
            places = {f"on:{value}": self.place(n) for value, n in on}
            actions.append(Action(self.kind(a.get("kind"), fmt.ACTION_KINDS, "the action") or "do",
                                  self.read.text(a.get("text"), "text") or "", tuple(v for v, _ in on),
                                  when, self.read.text(a.get("key"), "key") or "",
                                  self.read.text(a.get("together"), "together") or "", self.place(item), places))
        discussion = tuple(text for text, _ in self.read.words(f.get("discussion"), "discussion"))
        return Question(
            question_id, self.read.text(f.get("prompt"), "prompt") or "", kind, section_id,
            self.read.text(f.get("guidance"), "guidance") or "", self.read.text(f.get("cite"), "cite") or "",
            self.read.boolean(f.get("required"), "required", True),
            self.condition(f.get("when"), f"the condition of {what}"), options,
            tuple(x for x in fields if x), tuple(actions), discussion, self.place(node),
            {"cite": self.place(f["cite"])} if "cite" in f else {})

    def yes_partly_no_unsure(self, given: tuple[Option, ...], what: str) -> tuple[Option, ...]:
        defaults = {o.value: o for o in default_options()}
        for option in given:
            if option.value not in defaults:
                self.problems.add(_problem(option.place, f"{what} is yes_partly_no_unsure; its options can"
                                           f" only relabel yes, partly, no or unsure, not {option.value!r}"))
        # an option listed without words of its own keeps the usual ones ("Not sure", not "unsure")
        given = tuple(dataclasses.replace(o, label=defaults[o.value].label) if o.value in defaults and o.label == o.value else o
                      for o in given)
        overrides = {o.value: o for o in given}
        left_out = [value for value in defaults if value not in overrides]
        if given and left_out and all(o.value in defaults and o.label == defaults[o.value].label
                                      and not o.explanation for o in given):
            # options listed with their own words change nothing: they read as a choice of answers, but
            # this kind always offers all four
            from .problems import Problem

            first = given[0].place
            self.problems.add(Problem(first.path, first.line, first.column, f"{what} is yes_partly_no_unsure,"
                                      " which always offers all four answers, so "
                                      + " and ".join(repr(v) for v in left_out) + " will still be offered",
                                      "warning", "to offer only some answers, use kind: single with its options;"
                                      " to relabel, list only the answers whose words you change"
                                      if len(left_out) > 1 else "to offer three answers, use kind: single"))
        return tuple(overrides.get(value, default) for value, default in defaults.items())

    def record_field(self, node: yaml.Node, what: str) -> RecordField | None:
        f = self.read.mapping(node, f"a field of {what}", fmt.RECORD_FIELD.fields, fmt.RECORD_FIELD.required)
        if f is None or "id" not in f:
            return None
        field_id = self.ident(f["id"], "field id") or ""
        kind = self.kind(f.get("kind"), fmt.FIELD_KINDS, f"field {field_id!r}") or "text"
        options = self.options(f.get("options"), f"field {field_id!r}")
        if kind == "yes_partly_no_unsure":
            options = self.yes_partly_no_unsure(options, f"field {field_id!r}")
        elif kind == "single" and not options:
            self.read.error(node, f"field {field_id!r} of {what} is a single choice but has no options")
        short = self.read.text(f.get("short"), "short") or ""
        if "short" in f and (not 0 < len(short) <= fmt.SHORT_LABEL or "\n" in short):
            self.read.error(f["short"], f"the short label of field {field_id!r} should be one line of 1 to"
                            f" {fmt.SHORT_LABEL} characters (it has {len(short)}), so that it fits as a"
                            " column heading")
        public = self.kind(f.get("public"), fmt.FIELD_PUBLIC, f"the public setting of field {field_id!r}") or ""
        return RecordField(field_id, self.read.text(f.get("prompt"), "prompt") or "", kind,
                           self.read.boolean(f.get("required"), "required", True), options, self.place(node),
                           short=short, public=public, table=self.read.boolean(f.get("table"), "table", True))

    def kind(self, node: yaml.Node | None, allowed: tuple[str, ...], what: str) -> str | None:
        if node is None:
            return None
        value = self.read.text(node, f"the kind of {what}")
        if value is not None and value not in allowed:
            from .problems import did_you_mean
            self.read.error(node, f"{value!r} is not a kind for {what}; use one of: " + ", ".join(allowed),
                            did_you_mean(value, allowed))
            return None
        return value

    def example(self, node: yaml.Node) -> Example | None:
        f = self.read.mapping(node, "an example", fmt.EXAMPLE.fields, fmt.EXAMPLE.required)
        if f is None or "answers" not in f:
            return None
        name = self.read.text(f.get("name"), "name") or "(unnamed)"
        answers_node = f["answers"]
        answers: dict[str, Any] = {}
        places: dict[str, Place] = {}
        if isinstance(answers_node, yaml.MappingNode):
            for key_node, value_node in answers_node.value:
                key = str(to_python(key_node))
                if key in answers:
                    self.read.error(key_node, f"duplicate answer {key!r} in example {name!r}")
                answers[key] = to_python(value_node)
                places[key] = self.place(value_node)
                places[f"key:{key}"] = self.place(key_node)
        else:
            self.read.error(answers_node, f"the answers of example {name!r} should map question ids to answers")
        expect: dict[str, Any] = {}
        e = self.read.mapping(f["expect"], f"the expect of example {name!r}", fmt.EXPECT.fields) \
            if "expect" in f else None
        for key, value_node in (e or {}).items():
            if key in ("held_back_by", "flags", "to_confirm"):
                expect[key] = [value for value, _ in self.read.words(value_node, key)] \
                    if not (isinstance(value_node, yaml.SequenceNode) and not value_node.value) else []
            else:
                expect[key] = self.read.text(value_node, key)
            places[f"expect:{key}"] = self.place(value_node)
        return Example(name, answers, expect, self.place(node), places)


def _problem(place: Place, message: str, severity: str = "error", hint: str = ""):
    from .problems import Problem
    return Problem(place.path, place.line, place.column, message, severity, hint)


def _first_of_each(terms: list[Term | None]) -> tuple[Term, ...]:
    """One entry a term: the flow's own before those of the flows it includes."""
    first: dict[str, Term] = {}
    for term in terms:
        if term is not None:
            first.setdefault(term.term, term)
    return tuple(first.values())


def _unique(items: Any) -> tuple:
    seen: dict[Any, Any] = {}
    for item in items:
        key = getattr(item, "id", None) or getattr(item, "title", None) or id(item)
        seen.setdefault(key, item)
    return tuple(seen.values())


def read_flow(path: Path, problems: Problems, stack: tuple[Path, ...] = ()) -> Flow | None:
    """Read one flow file (and what it includes) into a Flow, adding problems; None when unreadable."""
    with _no_cycle_collection():
        document = _read_document(path, problems)
        if document is None:
            return None
        _tabs_in_text(document, problems)
        return _FlowReader(document, problems, stack).flow()


def _read_document(path: Path, problems: Problems) -> Document | None:
    """document.read_document, telling flow/kept.py what was read, for a flow kept between runs."""
    from .problems import Problem, display_path

    try:
        raw = read_regular_file(path, MAX_BYTES, "a flow")
    except Unreadable as refused:
        problems.add(Problem(display_path(path), 1, 1, refused.message))
        return None
    kept.reading(path, raw)
    return parse_document(raw, path, problems)


def _tabs_in_text(document: Any, problems: Problems) -> None:
    """A tab inside text is valid YAML, but it shows as ^I in plain mode and as an odd gap elsewhere, and
    some editors' YAML checkers refuse it: one warning a line (tabs used for indentation are errors, found
    when the file is read)."""
    from .problems import Problem

    for number, line in enumerate(document.lines, 1):
        start = len(line) - len(line.lstrip(" \t"))
        column = line.find("\t", start)
        if column >= 0 and not line.lstrip().startswith("#"):
            problems.add(Problem(document.name, number, column + 1, "a tab inside the text; it shows as ^I in"
                                 " plain mode", "warning", "use spaces"))


@contextlib.contextmanager
def _no_cycle_collection():
    """Loading builds many small objects and no reference cycles (recursive aliases are refused), so
    the cycle collector only slows it down: by about 40% on a large flow."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_flow(path: Path | str, *, examples: bool = True) -> Flow:
    """Load and check a flow, raising FlowError listing every problem when it has errors. A flow that loaded
    without errors before, from files unchanged since, comes from the cache (flow/kept.py); without `examples`
    it may come without its worked examples, for a caller that never reads them (they are read and checked
    whenever the flow is read from its YAML)."""
    path = Path(path)
    place, name = _kept_entry(path)
    if place is not None and name:
        found = kept.load(place, name, examples)
        if found is not None:
            return found
    from .lint import lint

    problems = Problems()
    with kept.recording() as files:
        flow = read_flow(path, problems)
    if flow is not None and not problems.errors:
        with _no_cycle_collection():
            lint(flow, problems)
    if flow is None or problems.errors:
        raise FlowError(problems)
    if place is not None and name:
        kept.keep(place, name, flow, files)
    return flow


def _kept_entry(path: Path) -> tuple[Path | None, str]:
    """The cache folder and the name a flow file's entry has there; (None, "") without a usable folder or
    when the file cannot be read (reading it as a flow then says why)."""
    place = kept.folder()
    if place is None:
        return None, ""
    try:
        raw = read_regular_file(path, MAX_BYTES, "a flow")
    except Unreadable:
        return None, ""
    return place, kept.key(path, raw, VERSION)
