"""The flow format: every field, its type and what it means; the source of the loader's checks and the JSON Schema."""

from __future__ import annotations

import functools
from dataclasses import field
from typing import Any

from ..records import record

ID_PATTERN = r"^[A-Za-z][A-Za-z0-9_-]*$"
QUESTION_KINDS = ("single", "multiple", "text", "date", "yes_partly_no_unsure", "record")
FIELD_KINDS = ("single", "text", "date", "yes_partly_no_unsure")
FIELD_PUBLIC = ("withheld", "never")
ACTION_KINDS = ("find_out", "to_unlock", "do")
YES_PARTLY_NO_UNSURE = ("yes", "partly", "no", "unsure")
# `codesign NAME` runs the command NAME, so no flow may take one of these names as its id: the commands
# there are and those planned, so that a flow written today still starts when the command arrives.
COMMAND_NAMES = frozenset({"flows", "validate", "schema", "paths", "render", "sessions", "cohort", "examples",
                           "example", "serve", "room", "map", "compare", "meeting", "handout", "verify",
                           "migrate", "help"})


@record(frozen=True)
class Field:
    """One field of a mapping: its type, whether it must be there, and a line for people and editors."""

    type: str | "Shape"
    doc: str
    required: bool = False
    list_of: bool = False
    enum: tuple[str, ...] = ()


@record(frozen=True)
class Shape:
    name: str
    doc: str
    fields: dict[str, Field] = field(default_factory=dict)

    @functools.cached_property
    def required(self) -> tuple[str, ...]:
        return tuple(name for name, spec in self.fields.items() if spec.required)


OPTION = Shape("option", "One answer a person can choose.", {
    "value": Field("word", "What is stored in answers files and read by expressions.", required=True),
    "label": Field("text", "What the person sees."),
    "explanation": Field("text", "A longer explanation of this choice, shown on request."),
})

ACTION = Shape("action", "Something the plan lists when an answer calls for it.", {
    "on": Field("word", "The answers that call for this action.", list_of=True),
    "when": Field("expression", "Or: an expression that calls for it."),
    "kind": Field("word", "find_out, to_unlock or do.", required=True, enum=ACTION_KINDS),
    "text": Field("text", "What to do, in plain words.", required=True),
    "key": Field("word", "Actions with the same key say the same thing: the plan lists them once."),
    "together": Field("text", "What the plan says instead when more than one action with this key is called for."),
})

SHORT_LABEL = 24  # a record field's column heading: eight of them fit across a landscape page

RECORD_FIELD = Shape("record field", "One field of a repeatable record.", {
    "id": Field("id", "The key in each record.", required=True),
    "prompt": Field("text", "What the form asks.", required=True),
    "short": Field("text", "A short label, one line of at most 24 characters, for the field's column heading in the plan"
                           " (without it, the prompt's first sentence)."),
    "kind": Field("word", "The kind of value.", enum=FIELD_KINDS),
    "required": Field("bool", "Whether a record needs this field (default true)."),
    "options": Field(OPTION, "The choices, for single.", list_of=True),
    "public": Field("word", "In a public version: withheld (replaced by \"Details withheld\" in an entry not"
                            " published, such as a name) or never (left out of every public output, such as a"
                            " note of why an entry is withheld); shown as given without it.",
                    enum=FIELD_PUBLIC),
    "table": Field("bool", "Whether the field is a column of the plan's register table (default true); the"
                           " record documents show every field."),
})

QUESTION = Shape("question", "One question in the conversation.", {
    "id": Field("id", "Unique across the flow; answers files use it.", required=True),
    "prompt": Field("text", "The question as the person reads it.", required=True),
    "guidance": Field("text", "Why we ask, in plain words."),
    "cite": Field("text", "The source id this comes from, with an optional detail."),
    "kind": Field("word", "The kind of answer.", required=True, enum=QUESTION_KINDS),
    "required": Field("bool", "Whether it must be answered (default true)."),
    "when": Field("expression", "Ask only when this holds."),
    "options": Field(OPTION, "The choices.", list_of=True),
    "fields": Field(RECORD_FIELD, "The fields of each record, for kind record.", list_of=True),
    "actions": Field(ACTION, "Actions the plan lists for some answers.", list_of=True),
    "discussion": Field("text", "Prompts for a room discussing this question.", list_of=True),
})

GOTO = Shape("branch", "Where to go after a section.", {
    "when": Field("expression", "Take this branch when this holds (leave out for always)."),
    "goto": Field("word", "A section id, or end.", required=True),
})

SECTION = Shape("section", "A group of questions asked together.", {
    "id": Field("id", "Unique in the flow.", required=True),
    "title": Field("text", "Shown as a heading.", required=True),
    "intro": Field("text", "Shown when the section starts."),
    "when": Field("expression", "Skip the whole section unless this holds."),
    "next": Field(GOTO, "Branches tried in order after the section.", list_of=True),
    "questions": Field(QUESTION, "The questions, in order.", required=True, list_of=True),
})

INCLUDE = Shape("include", "Sections taken from another flow file.", {
    "include": Field("text", "The flow file, relative to this one.", required=True),
    "sections": Field("id", "Only these sections (default: all).", list_of=True),
})

SOURCE = Shape("source", "A document or framework section the flow draws on.", {
    "id": Field("id", "Cited by questions and rules.", required=True),
    "title": Field("text", "Its name and section.", required=True),
    "url": Field("text", "Where to read it."),
})

LEVEL = Shape("level", "One rung of the ladder.", {
    "id": Field("id", "Read by rules.", required=True),
    "label": Field("text", "Shown to people."),
    "summary": Field("text", "What this level means, in a sentence."),
    "held_back_summary": Field("text", "What it means instead when the conditions hold the work below what it calls for."),
})

CALLS_FOR = Shape("calls_for rule", "A rule for the level the work calls for; the first that holds decides.", {
    "id": Field("id", "Names the rule in results and plans.", required=True),
    "level": Field("id", "The level it calls for.", required=True),
    "when": Field("expression", "When the rule holds (leave out on the last rule)."),
    "because": Field("text", "Why, in plain words.", required=True),
    "cite": Field("text", "The source id."),
})

FLOOR = Shape("floor", "A condition that sets the lowest level both what the work calls for and the recommendation"
              " may be, such as a statutory duty to consult; the requirements are still reported.", {
    "id": Field("id", "Names the floor in results and plans.", required=True),
    "level": Field("id", "The lowest level it allows.", required=True),
    "when": Field("expression", "When the floor applies (leave out for always)."),
    "because": Field("text", "Why, in plain words: said in the plan whenever the floor raises the level.",
                     required=True),
    "cite": Field("text", "The source id (the Act and section, or the guidance)."),
})

REQUIREMENT = Shape("requirement", "What a level needs from one answer.", {
    "question": Field("id", "The question.", required=True),
    "accepts": Field("word", "The answers that meet the need.", required=True, list_of=True),
    "because": Field("text", "Why the level needs it.", required=True),
    "cite": Field("text", "The source id."),
    "when": Field("expression", "The requirement applies only when this holds, such as for a question asked"
                                " only in some cases."),
})

FLAG_ADDITION = Shape("flag addition", "A sentence the flag adds when this condition holds too.", {
    "when": Field("expression", "When to add it.", required=True),
    "text": Field("text", "The sentence.", required=True),
})

FLAG = Shape("flag", "A warning the plan shows when an expression holds.", {
    "id": Field("id", "Names the flag.", required=True),
    "when": Field("expression", "When to raise it.", required=True),
    "text": Field("text", "What is wrong and what to do.", required=True),
    "cite": Field("text", "The source id."),
    "also": Field(FLAG_ADDITION, "Sentences added to the text when their own condition holds too, in order.",
                  list_of=True),
})

TERM = Shape("term", "An abbreviation the flow uses, spelt out the first time a person meets it.", {
    "term": Field("text", "The abbreviation, as written, such as VCSE.", required=True),
    "meaning": Field("text", "What it stands for, in plain words.", required=True),
})

READING = Shape("reading", "An item of further reading.", {
    "title": Field("text", "Its title.", required=True),
    "url": Field("text", "Where to find it."),
    "about": Field("text", "What it is for, in a sentence."),
})

EXPECT = Shape("expect", "What the example must give.", {
    "recommendation": Field("id", "The recommended level."),
    "calls_for": Field("id", "The level the work calls for."),
    "supported": Field("id", "The level the conditions support."),
    "held_back_by": Field("id", "The questions holding it back, in flow order.", list_of=True),
    "flags": Field("id", "The flags raised, in flow order.", list_of=True),
    "if_confirmed": Field("id", "The level the answers would reach with every \"Not sure\" confirmed; none when no higher."),
    "to_confirm": Field("id", "The \"Not sure\" answers to find out, in question order.", list_of=True),
})

EXAMPLE = Shape("example", "A self-test: answers and what they must give.", {
    "name": Field("text", "Shown when it fails.", required=True),
    "answers": Field("answers", "Question ids and their answers.", required=True),
    "expect": Field(EXPECT, "What the answers must give.", required=True),
})

WORDING = Shape("wording", "How the plan and the app speak of the two levels, for a flow whose levels are not"
                 " about involving people (a tender, a grant programme).", {
    "calls_for": Field("text", "Said before the level the rules aim for, as in \"the work calls for Co-produce\""
                       " (the default) or \"the tender aims for Launch as planned\"."),
    "supports": Field("text", "Said before the level the requirements allow, as in \"the conditions support"
                      " Co-design\" (the default) or \"the design allows Hold the launch\"."),
})

MIGRATION = Shape("migration", "What changed from one version of the flow to the next, so that answers given under"
                  " the older version are carried forward. Each part is optional; in a step, questions are named"
                  " by their ids in the version the step goes to, except the keys of rename_question and drop.", {
    "from": Field("text", "The version this step starts from, such as \"2.0\".", required=True),
    "to": Field("text", "The version it goes to (default: the next step's `from`, or the flow's version for the"
                        " last step)."),
    "rename_question": Field("answers", "Old question id: new question id."),
    "map_option": Field("answers", "Question id: {old value: new value}; two old values may map to one."),
    "rename_field": Field("answers", "Register question id: {old field id: new field id}."),
    "map_field_value": Field("answers", "Register question id: {field id: {old value: new value}}."),
    "drop": Field("id", "Questions whose old answers are not carried: each is kept aside in the file and the"
                        " question is asked again.", list_of=True),
    "default": Field("answers", "Question id: the answer given to a question no older answer carries into."),
})

FLOW = Shape("flow", "A codesign-tui decision flow.", {
    "$schema": Field("text", "The JSON Schema an editor checks this file against (`codesign schema`); ignored here."),
    "id": Field("id", "The flow's id.", required=True),
    "title": Field("text", "Its title.", required=True),
    "version": Field("text", "Its version, such as \"1.0\".", required=True),
    "summary": Field("text", "One sentence for the list of flows.", required=True),
    "audience": Field("text", "Who it is for."),
    "sources": Field(SOURCE, "Documents the flow draws on.", list_of=True),
    "levels": Field(LEVEL, "The ladder, lowest first.", list_of=True),
    "calls_for": Field(CALLS_FOR, "Rules for the level the work calls for.", list_of=True),
    "floors": Field(FLOOR, "Conditions that set the lowest level allowed (a duty to consult).", list_of=True),
    "requirements": Field("requirements", "For each level id, what it needs."),
    "flags": Field(FLAG, "Warnings for the plan.", list_of=True),
    "reading": Field(READING, "Further reading.", list_of=True),
    "terms": Field(TERM, "Abbreviations the flow uses; each is spelt out the first time it appears.", list_of=True),
    "wording": Field(WORDING, "Other words for \"the work calls for\" and \"the conditions support\"."),
    "sections": Field("sections", "The conversation, in order.", required=True, list_of=True),
    "examples": Field(EXAMPLE, "Self-tests.", list_of=True),
    "migrations": Field(MIGRATION, "How answers given under older versions are carried forward, oldest first.",
                        list_of=True),
})

TESTS_FILE = Shape("tests file", "Examples kept beside a flow, in NAME.tests.yaml.", {
    "examples": Field(EXAMPLE, "Self-tests.", required=True, list_of=True),
})


def json_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of the flow format, for editors."""
    defs: dict[str, Any] = {}

    def ref(shape: Shape) -> dict[str, Any]:
        key = shape.name.replace(" ", "_")
        if key not in defs:
            defs[key] = {}
            defs[key] = {
                "type": "object",
                "description": shape.doc,
                "additionalProperties": False,
                "required": list(shape.required),
                "properties": {name: field_schema(spec) for name, spec in shape.fields.items()},
            }
        return {"$ref": f"#/$defs/{key}"}

    def scalar_schema(kind: str, enum: tuple[str, ...]) -> dict[str, Any]:
        if kind == "id":
            return {"type": "string", "pattern": ID_PATTERN}
        if kind == "bool":
            return {"type": "boolean"}
        if kind == "word" and enum:
            return {"enum": list(enum)}
        if kind == "answers":
            return {"type": "object", "additionalProperties": True}
        if kind == "requirements":
            return {"type": "object", "additionalProperties": {"type": "array", "items": ref(REQUIREMENT)}}
        if kind == "sections":
            return {"oneOf": [ref(SECTION), ref(INCLUDE)]}
        if kind in ("text", "word", "expression"):
            return {"type": ["string", "number"]}
        raise ValueError(kind)

    def field_schema(spec: Field) -> dict[str, Any]:
        item = ref(spec.type) if isinstance(spec.type, Shape) else scalar_schema(spec.type, spec.enum)
        if spec.list_of:
            if spec.type in ("word", "id", "text"):
                schema = {"oneOf": [{"type": "array", "items": item}, item]}
            else:
                schema = {"type": "array", "items": item}
        else:
            schema = dict(item)
        schema["description"] = spec.doc
        return schema

    root = ref(FLOW)
    # what the loader checks by a question's kind, so that an editor flags it as you type
    for key, fields_key in (("question", "options"), ("record_field", "options")):
        kinds = QUESTION_KINDS if key == "question" else FIELD_KINDS
        choices = [k for k in ("single", "multiple") if k in kinds]
        rules: list[dict[str, Any]] = [
            _when_kind(choices, {"required": ["options"], "properties": {"options": {"minItems": 1}}}),
            _when_kind(["yes_partly_no_unsure"], {"properties": {"options": {"items": {"properties": {
                "value": {"enum": [*YES_PARTLY_NO_UNSURE, True, False]}}}}}}),
            _when_kind([k for k in kinds if k not in (*choices, "yes_partly_no_unsure")],
                       {"not": {"required": ["options"]}}),
        ]
        if key == "question":
            rules.append(_when_kind(["record"], {"required": ["fields"], "properties": {"fields": {"minItems": 1}}}))
            rules.append(_when_kind([k for k in kinds if k != "record"], {"not": {"required": ["fields"]}}))
        defs[key]["allOf"] = rules
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://codesign-tui.invalid/flow.schema.json",
        "title": "codesign-tui flow",
        **root,
        "$defs": defs,
    }

def _when_kind(kinds: list[str], then: dict[str, Any]) -> dict[str, Any]:
    return {"if": {"properties": {"kind": {"enum": kinds}}, "required": ["kind"]}, "then": then}


ANSWERS_FILE = Shape("answers file", "A person's answers to a flow, written by hand or saved by the app.", {
    "flow": Field("id", "The id of the flow answered.", required=True),
    "flow_version": Field("text", "The version of the flow the answers were given under (without it: version 2.0"
                          " for a shipped flow, else the flow as it is now)."),
    "flow_fingerprint": Field("text", "The SHA-256 of that flow's canonical JSON, written by the app to find the"
                              " very flow again; a hand-written file may leave it out."),
    "last_recommendation": Field("id", "The level last recommended, written by the app: only compared, to say"
                                 " when a change to the flow moved it, never used as the recommendation."),
    "project": Field("text", "The piece of work, for the plan's title."),
    "prepared_by": Field("text", "Who prepared the plan."),
    "voice": Field("text", "Whose view the answers give, when not the commissioner's own: \"VCSE partner\","
                   " \"People with lived experience\". `codesign compare` sets voices side by side."),
    "date": Field("text", "When, as YYYY-MM-DD."),
    "answers": Field("answers", "Question ids and their answers.", required=True),
    "set_aside": Field("answers", "Answers kept but not used, because they no longer fit the flow: each"
                       " question id with `answer:` and `reason:`. One that fits again is brought back."),
    "session": Field("answers", "Where the app keeps its place and what was typed but not sent (`drafts:`);"
                     " written by the app, ignored elsewhere."),
})

WORKED_EXAMPLE = Shape("worked example", "A case study as answers, for training: flows/examples/NAME.yaml.", {
    "example": Field("id", "Its name, as `codesign example NAME` takes it.", required=True),
    "title": Field("text", "The case study's name.", required=True),
    "flow": Field("id", "The flow it answers.", required=True),
    "source": Field("text", "Where the case study is told."),
    "scenario": Field("text", "The situation, shown before the first question.", required=True),
    "note": Field("text", "What the case shows, and what a room might argue about.", required=True),
    "expect": Field(EXPECT, "What the answers must give; checked by codesign validate.", required=True),
    "answers": Field("answers", "Question ids and the answers our reading gives.", required=True),
    "voice": Field("text", "Whose view the example's answers give, when the case study gives more than one side"
                   " (\"Parent carers (POINT)\"): `codesign compare EXAMPLE EXAMPLE` sets them side by side."),
    "reasons": Field("answers", "For each question id, one or two sentences on why the case gives that answer,"
                     " traced to the case study (or said to be our assumption): shown beside the case's answer"
                     " when a trainer asks for it, and in the handout's answer key."),
})
