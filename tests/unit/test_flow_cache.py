"""A parsed flow kept between runs (flow/kept.py): the same flow as its YAML makes, read again whenever any of
its files changes, and never taken from an entry that is damaged or from a folder that is not the user's alone."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from codesign_tui.flow import kept, loader
from codesign_tui.flow.loader import load_flow
from codesign_tui.flow.problems import FlowError
from codesign_tui.resources import flows_dir, shipped_flows

DATA = Path(__file__).parent.parent / "data"


def entries() -> list[Path]:
    folder = Path(os.environ["CODESIGN_CACHE_DIR"]) / "flows"
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def as_written(flow) -> object:
    """The whole model as plain data, places and expressions' text included (records compare equal only when
    their expressions are the very same functions, so two loads of one file never would)."""
    return kept._encode(flow, {})


@pytest.fixture
def no_yaml(monkeypatch):
    """From here on, reading a flow's YAML fails the test: the flow must come from the cache."""
    def refuse(*args, **kwargs):
        raise AssertionError("the flow was read from its YAML, not from the cache")

    def start():
        monkeypatch.setattr(loader, "read_flow", refuse)
    return start


def copy_flow(tmp_path: Path, name: str = "engagement-plan") -> Path:
    """A shipped flow, with the files it includes and its tests file, in a folder of the test's own."""
    folder = tmp_path / "flows"
    folder.mkdir()
    for path in flows_dir().glob("*.yaml"):
        shutil.copy(path, folder / path.name)
    return folder / f"{name}.yaml"


@pytest.mark.parametrize("path", shipped_flows(), ids=lambda p: p.stem)
def test_a_kept_flow_is_the_flow_its_yaml_makes(path, no_yaml):
    first = load_flow(path)
    assert len(entries()) == 1
    no_yaml()
    again = load_flow(path)
    assert as_written(again) == as_written(first)
    # what a Flow works out when it is made (the questions in order, what the rules read) is worked out again
    assert [q.id for q in again.questions] == [q.id for q in first.questions]
    assert again.path_reads == first.path_reads and again.recommendation_reads == first.recommendation_reads
    assert again.requirements_in_order == first.requirements_in_order or \
        [as_written(r) for r in again.requirements_in_order] == [as_written(r) for r in first.requirements_in_order]
    assert again.examples and len(again.examples) == len(first.examples)
    # and it decides as the YAML's flow does, on every worked example's answers
    from codesign_tui.flow.engine import evaluate

    for example in first.examples:
        mine, theirs = evaluate(again, dict(example.answers)), evaluate(first, dict(example.answers))
        assert (mine.recommendation and mine.recommendation.id) == (theirs.recommendation and theirs.recommendation.id)


def test_an_edited_flow_file_is_read_again(tmp_path, no_yaml):
    path = copy_flow(tmp_path)
    title = load_flow(path).title
    path.write_text(path.read_text().replace(f"title: {title}", "title: An edited title", 1))
    assert load_flow(path).title == "An edited title"
    no_yaml()
    assert load_flow(path).title == "An edited title"


def test_an_edited_included_file_is_read_again(tmp_path):
    path = copy_flow(tmp_path)
    flow = load_flow(path)
    included = next(Path(s.place.path) for s in flow.sections if Path(s.place.path).name != path.name)
    included = tmp_path / "flows" / included.name
    section = next(s for s in flow.sections if Path(s.place.path).name == included.name)
    text = included.read_text()
    assert f"title: {section.title}" in text
    included.write_text(text.replace(f"title: {section.title}", "title: A section renamed", 1))
    assert load_flow(path).section(section.id).title == "A section renamed"


def test_a_tests_file_that_appears_is_read(tmp_path):
    folder = tmp_path / "flows"
    folder.mkdir()
    path = folder / "branching.yaml"
    shutil.copy(DATA / "branching.yaml", path)
    before = load_flow(path)
    example = "examples:\n  - name: A new example\n    answers: {open: 'no'}\n    expect: {calls_for: low}\n"
    (folder / "branching.tests.yaml").write_text(example)
    after = load_flow(path)
    assert [e.name for e in after.examples] == [e.name for e in before.examples] + ["A new example"]


def test_an_include_that_leads_elsewhere_is_read_again(tmp_path):
    folder = tmp_path / "flows"
    folder.mkdir()
    part = "sections:\n  - id: {id}\n    title: {title}\n    questions:\n      - id: q_{id}\n        prompt: Why?\n        kind: text\n"
    (folder / "one.yaml").write_text("id: one\ntitle: One\nversion: '1'\nsummary: Part.\n"
                                     + part.format(id="first", title="The first"))
    (folder / "two.yaml").write_text("id: two\ntitle: Two\nversion: '1'\nsummary: Part.\n"
                                     + part.format(id="first", title="The second"))
    os.symlink("one.yaml", folder / "part.yaml")
    (folder / "whole.yaml").write_text("id: whole\ntitle: Whole\nversion: '1'\nsummary: All.\n"
                                       "levels:\n  - id: low\ncalls_for:\n  - id: r\n    level: low\n    because: Always.\n"
                                       "sections:\n  - include: part.yaml\n")
    assert load_flow(folder / "whole.yaml").sections[0].title == "The first"
    os.unlink(folder / "part.yaml")
    os.symlink("two.yaml", folder / "part.yaml")
    assert load_flow(folder / "whole.yaml").sections[0].title == "The second"


@pytest.mark.parametrize("damage", ["a byte changed", "cut short", "not JSON", "sound checksum, wrong record",
                                    "sound checksum, not a flow", "sound checksum, a place that is not one",
                                    "empty"])
def test_a_damaged_entry_is_ignored_and_written_again(tmp_path, damage, no_yaml):
    import hashlib
    import json

    path = copy_flow(tmp_path, "appendix2")
    fresh = as_written(load_flow(path))
    [entry] = entries()
    text = entry.read_text(encoding="utf-8")
    digest, body = text.split("\n", 1)

    def sealed(data) -> str:
        new = json.dumps(data)
        return hashlib.sha256(new.encode()).hexdigest() + "\n" + new

    if damage == "a byte changed":
        broken = text.replace('"When is it right', '"When is it wrong', 1)
    elif damage == "cut short":
        broken = text[: len(text) // 2]
    elif damage == "not JSON":
        broken = hashlib.sha256(b"{nope").hexdigest() + "\n{nope"
    elif damage == "sound checksum, wrong record":
        data = json.loads(body)
        data["flow"][1] = "Question"
        broken = sealed(data)
    elif damage == "sound checksum, not a flow":
        data = json.loads(body)
        data["flow"] = ["l", 1, 2]
        broken = sealed(data)
    elif damage == "sound checksum, a place that is not one":
        data = json.loads(body.replace('["p",0,1,1,', '["p",0,"1",1,', 1))
        broken = sealed(data)
    else:
        broken = ""
    assert broken != text
    entry.write_text(broken, encoding="utf-8")
    assert as_written(load_flow(path)) == fresh
    assert entry.read_text(encoding="utf-8") == text  # written again, sound
    no_yaml()
    assert as_written(load_flow(path)) == fresh


def test_a_cache_folder_others_can_open_is_neither_read_nor_written(tmp_path):
    path = copy_flow(tmp_path, "appendix2")
    load_flow(path)
    [entry] = entries()
    folder = entry.parent
    os.chmod(folder, 0o777)  # as a folder someone else made for us would be, or one anyone may write into
    try:
        import hashlib

        body = entry.read_text(encoding="utf-8").split("\n", 1)[1].replace('"When is it right', '"Planted', 1)
        entry.write_text(hashlib.sha256(body.encode()).hexdigest() + "\n" + body, encoding="utf-8")  # sealed
        os.utime(entry)
        for other in folder.iterdir():
            if other != entry:
                other.unlink()
        flow = load_flow(path)
        assert "Planted" not in flow.title
        assert entries() == [entry]  # nothing written there either
    finally:
        os.chmod(folder, 0o700)


def test_a_flow_with_errors_is_not_kept(tmp_path):
    folder = tmp_path / "flows"
    folder.mkdir()
    path = folder / "broken.yaml"
    path.write_text("id: broken\ntitle: Broken\nversion: '1'\nsummary: No sections.\nsections: []\n")
    with pytest.raises(FlowError):
        load_flow(path)
    assert entries() == []
    with pytest.raises(FlowError):
        load_flow(path)


def test_an_entry_from_another_version_of_the_loader_is_not_used(tmp_path, monkeypatch):
    path = copy_flow(tmp_path, "appendix2")
    load_flow(path)
    monkeypatch.setattr(loader, "VERSION", loader.VERSION + 1)
    load_flow(path)
    assert len(entries()) == 2


def test_without_a_cache_folder_flows_are_read_as_before(tmp_path, monkeypatch):
    monkeypatch.setattr(kept, "folder", lambda: None)
    path = copy_flow(tmp_path, "appendix2")
    assert load_flow(path).id == "appendix2"
    assert entries() == []


def test_a_kept_flow_can_come_without_its_worked_examples_and_otherwise_the_same(tmp_path):
    path = copy_flow(tmp_path)
    first = load_flow(path, examples=False)  # read from its YAML: examples and all, checked
    assert first.examples
    lean = load_flow(path, examples=False)
    assert lean.examples == ()
    whole = load_flow(path)
    assert whole.examples and as_written(whole) == as_written(first)
    from dataclasses import replace

    assert as_written(lean) == as_written(replace(whole, examples=()))



def test_a_kept_flow_comes_with_its_fingerprint_while_the_code_that_made_it_is_unchanged(tmp_path, monkeypatch):
    from codesign_tui.flow import versions

    path = copy_flow(tmp_path)
    fresh = versions.fingerprint(load_flow(path))
    again = load_flow(path)
    assert getattr(again, "_fingerprint", None) == fresh
    assert versions.canonical_json(again) and versions.fingerprint(again) == fresh
    # the fingerprint's code edited since: the kept fingerprint is not taken, and one is worked out again
    monkeypatch.setattr(kept, "_fingerprinter", lambda: "0" * 64)
    later = load_flow(path)
    assert getattr(later, "_fingerprint", None) is None and versions.fingerprint(later) == fresh
