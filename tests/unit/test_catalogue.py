"""The home screen's list of flows, kept in a cache that an edited flow makes stale."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from codesign_tui.flow import catalogue as catalogue_module
from codesign_tui.flow.catalogue import catalogue
from codesign_tui.resources import flows_dir, shipped_flows


def copy_flows(folder: Path) -> list[Path]:
    folder.mkdir()
    for path in shipped_flows():
        shutil.copy(path, folder / path.name)
    return sorted(folder.glob("*.yaml"))


def count_reads(monkeypatch) -> list[Path]:
    reads: list[Path] = []
    real = catalogue_module._describe
    monkeypatch.setattr(catalogue_module, "_describe", lambda path: reads.append(path) or real(path))
    return reads


def test_the_catalogue_lists_every_shipped_flow_as_loading_them_would(tmp_path):
    from codesign_tui.flow.loader import load_flow

    entries = catalogue(shipped_flows(), tmp_path / "catalogue.json")
    assert [e.id for e in entries] == [load_flow(p).id for p in shipped_flows()]
    engagement = next(e for e in entries if e.id == "engagement-plan")
    flow = load_flow(flows_dir() / "engagement-plan.yaml")
    assert engagement.questions == len(flow.questions) and engagement.title == flow.title
    assert engagement.text_questions == tuple(q.id for q in flow.questions if q.kind == "text")


def test_a_second_start_reads_no_flow_and_an_edited_one_is_read_again(tmp_path, monkeypatch):
    paths = copy_flows(tmp_path / "flows")
    cache = tmp_path / "cache" / "catalogue.json"
    reads = count_reads(monkeypatch)
    first = catalogue(paths, cache)
    assert len(reads) == len(paths) and cache.exists()
    reads.clear()
    assert catalogue(paths, cache) == first and reads == []
    # a trainer edits an included flow: the flow that includes it is read again, with the new title
    appendix2 = tmp_path / "flows" / "appendix2.yaml"
    text = appendix2.read_text().replace("title: When is it right", "title: When is it really right", 1)
    appendix2.write_text(text)
    os.utime(appendix2, ns=(1, 2))  # a different time, even on a coarse clock
    entries = catalogue(paths, cache)
    assert sorted(p.name for p in reads) == ["appendix2.yaml", "engagement-plan.yaml"]
    assert next(e for e in entries if e.id == "appendix2").title.startswith("When is it really right")


def test_a_flow_with_errors_is_left_off_and_a_damaged_cache_is_rebuilt(tmp_path, monkeypatch):
    paths = copy_flows(tmp_path / "flows")
    (tmp_path / "flows" / "grant-design.yaml").write_text("id: grant-design\ntitle: [unclosed\n")
    cache = tmp_path / "catalogue.json"
    cache.write_text('{"version": 1, "flows": {"%s": {"files": {}, "entry": {"id": 3}}}}' % paths[0])
    entries = catalogue(paths, cache)
    assert "grant-design" not in [e.id for e in entries] and len(entries) == len(paths) - 1
    assert json.loads(cache.read_text())["flows"][str(paths[0])]["entry"]["id"] == "accessible-procurement"


def test_without_a_cache_folder_the_flows_are_simply_read(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    entries = catalogue(shipped_flows(), blocked / "catalogue.json")
    assert len(entries) == len(shipped_flows())


def test_the_entries_shipped_with_the_flows_are_up_to_date():
    shipped = json.loads((flows_dir() / catalogue_module.SHIPPED).read_text(encoding="utf-8"))
    assert shipped == catalogue_module.shipped_listing(shipped_flows()), \
        "a flow changed: run python -m codesign_tui.flow.catalogue"


def test_the_shipped_entries_spare_reading_the_flows_until_one_is_edited(tmp_path, monkeypatch):
    paths = copy_flows(tmp_path / "flows")
    shutil.copy(flows_dir() / catalogue_module.SHIPPED, tmp_path / "flows")
    reads = count_reads(monkeypatch)
    listed = [entry._replace(path="") for entry in catalogue(paths, tmp_path / "one.json")]
    assert reads == []
    assert listed == [entry._replace(path="") for entry in catalogue(shipped_flows(), None)]
    # an edit to an included flow is noticed by its content, whatever the file's time: both are read again
    appendix2 = tmp_path / "flows" / "appendix2.yaml"
    appendix2.write_text(appendix2.read_text().replace("title: When is it right", "title: When is it really right", 1))
    entries = catalogue(paths, tmp_path / "three.json")
    assert sorted(p.name for p in reads) == ["appendix2.yaml", "engagement-plan.yaml"]
    assert next(e for e in entries if e.id == "appendix2").title.startswith("When is it really right")
    # a damaged file of shipped entries is passed over
    (tmp_path / "flows" / catalogue_module.SHIPPED).write_text('{"version": 2, "flows": {"appendix2.yaml": 3}}')
    reads.clear()
    assert len(catalogue(paths, tmp_path / "four.json")) == len(paths) and len(reads) == len(paths)


@pytest.mark.parametrize("xdg, home", [
    ("/tmp/somewhere/cache", "/home/sam"), ("/tmp/somewhere/cache/", "/home/sam"), ("", "/home/sam"),
    (None, "/home/sam"), (None, "/home/sam/"), ("relative/cache", "/home/sam"), (" ", "/home/sam"),
    (None, "relative-home"), ("/tmp/somewhere/cache", None),
])
def test_the_cache_folder_is_where_platformdirs_puts_it(monkeypatch, xdg, home):
    import platformdirs

    monkeypatch.delenv("CODESIGN_CACHE_DIR", raising=False)
    for name, value in (("XDG_CACHE_HOME", xdg), ("HOME", home)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    theirs = Path(platformdirs.user_cache_dir("codesign-tui", appauthor=False)) / "catalogue.json"
    assert catalogue_module.cache_file() == theirs
