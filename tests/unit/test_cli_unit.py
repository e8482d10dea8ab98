"""The `codesign` command as a user runs it: a separate process, exit codes, and what it prints.

The tests of it that need no app and no process; tests/process/test_cli.py holds the rest."""

from __future__ import annotations

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
