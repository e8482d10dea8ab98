"""The `codesign` command as a user runs it: a separate process, exit codes, and what it prints.

The tests of it that need no app and no process; tests/process/test_cli.py holds the rest."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml

from test_cli import _question_flow  # noqa: F401  (helpers and fixtures)


@pytest.mark.parametrize("question, valid", [
    ({"kind": "single", "options": [{"value": "a"}]}, True),
    ({"kind": "single"}, False),                                            # a choice with nothing to choose
    ({"kind": "text", "options": [{"value": "a"}]}, False),                  # options a text question never offers
    ({"kind": "record"}, False),                                            # a record needs its fields
    ({"kind": "record", "fields": [{"id": "n", "prompt": "N"}]}, True),
    ({"kind": "yes_partly_no_unsure", "options": [{"value": "maybe"}]}, False),  # it can only relabel the four
    ({"kind": "yes_partly_no_unsure", "options": [{"value": "yes", "label": "Yes, agreed"}]}, True),
])
def test_the_schema_checks_what_the_validator_checks_by_kind(question, valid, tmp_path):
    from codesign_tui.flow.format import json_schema
    from codesign_tui.flow.validate import validate_paths

    validator = jsonschema.Draft202012Validator(json_schema())
    data = _question_flow(question)
    assert (not list(validator.iter_errors(data))) is valid
    flow_file = tmp_path / "x.yaml"
    flow_file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert (not validate_paths([flow_file]).problems.errors) is valid  # the validator agrees, $schema and all


COMMAND_LINES = [
    ["render", "engagement-plan", "--answers", "a.yaml", "--format", "json", "--public", "--with", "b.yaml",
     "--with", "c.yaml", "-o", "-", "--templates", "t", "--as-answered", "--document", "conflicts-assessment"],
    ["render", "appendix2", "--answers", "a.yaml"],
    ["flows"], ["validate", "x.yaml", "y.yaml"], ["schema"], ["paths", "--diff", "a.yaml", "b.yaml", "--csv"],
    ["migrate", "a.yaml", "--dry-run"], ["verify", "plan.md", "--answers", "a.yaml"], ["examples", "--results"],
    ["example", "case"], ["cohort", "folder", "--format", "json"], ["serve", "--port", "9000"],
    ["room", "--dir", "room", "--voices"], ["map", "appendix2", "--format", "mermaid"],
    ["compare", "a.yaml", "b.yaml"], ["meeting", "a.yaml", "--agenda", "agenda.txt"],
    ["handout", "case", "--key"], ["sessions", "--delete", "abc"],
]


@pytest.mark.parametrize("argv", COMMAND_LINES, ids=lambda argv: " ".join(argv[:2]))
def test_a_command_parsed_with_its_own_options_alone_reads_as_with_all(argv):
    from codesign_tui.cli import COMMANDS, _parser

    assert argv[0] in COMMANDS
    alone, whole = _parser(only=argv[0]).parse_args(argv), _parser().parse_args(argv)
    assert vars(alone) == vars(whole)


def test_a_command_parsed_alone_refuses_what_the_whole_parser_refuses(capsys):
    from codesign_tui.cli import _parser

    said = []
    for parser in (_parser(only="render"), _parser()):
        with pytest.raises(SystemExit) as stopped:
            parser.parse_args(["render", "appendix2"])
        said.append((stopped.value.code, capsys.readouterr().err))
    assert said[0] == said[1] and "--answers" in said[0][1]


def test_render_keeps_the_collector_off_while_it_starts_and_on_while_it_draws(tmp_path, monkeypatch):
    import gc

    from codesign_tui import cli
    from codesign_tui.flow import loader
    from codesign_tui.plan import save

    seen: dict[str, tuple[bool, int]] = {}

    def watched(name, function):
        def call(*args, **kwargs):
            seen[name] = (gc.isenabled(), gc.get_freeze_count())
            return function(*args, **kwargs)
        return call

    monkeypatch.setattr(loader, "load_flow", watched("load", loader.load_flow))
    monkeypatch.setattr(save, "make_plan", watched("draw", save.make_plan))
    answers = Path(__file__).resolve().parents[1] / "data" / "answers" / "appendix2-codesign.yaml"
    try:
        assert cli.main(["render", "appendix2", "--answers", str(answers), "-o", str(tmp_path / "plan.md")]) == 0
        # the flow is loaded with the collector off; what was made by then (thousands of objects) is out of its
        # sight, and it is on again (other tests' frozen objects may come and go meanwhile: a margin)
        assert seen["load"][0] is False
        assert seen["draw"][0] is True and seen["draw"][1] > seen["load"][1] + 1000
        assert gc.isenabled() and (tmp_path / "plan.md").read_text(encoding="utf-8").startswith("#")
        # a render that stops early leaves the collector on as well
        assert cli.main(["render", "appendix2", "--answers", str(tmp_path / "missing.yaml")]) == 2
        assert gc.isenabled()
    finally:
        gc.unfreeze()  # this test's process goes on: let the collector see it all again
