"""The plan's exports: standalone HTML, a Word document read back, JSON, and files written whole or not
at all."""

from __future__ import annotations

import errno
import io
import json
import os
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from codesign_tui import files as export
from codesign_tui.files import ExportError, write_atomically
from codesign_tui.plan.render import render, render_html, render_json, render_markdown
from codesign_tui.plan.word import MissingExtra
from test_plan_support import ANSWERS, session

ROOT = Path(__file__).resolve().parents[1]


def codesign(*args: str, python: str = "") -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", python, *args] if python else [sys.executable, "-m", "codesign_tui", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)


# -- html ---------------------------------------------------------------------------------------------

class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def test_html_is_one_standalone_page_that_fetches_nothing():
    flow, result, meta = session("engagement-coproduce")
    page = render_html(flow, result, meta)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    tags = Tags()
    tags.feed(page)
    names = {tag for tag, _ in tags.tags}
    assert not names & {"script", "link", "img", "iframe", "object", "embed", "base", "svg"}
    for tag, attrs in tags.tags:
        assert "src" not in attrs and not any(k.startswith("on") for k in attrs), (tag, attrs)
        if tag == "a":
            assert attrs["href"].startswith(("https://", "#")), attrs
    style = page[page.index("<style>"):page.index("</style>")]
    assert "url(" not in style and "@import" not in style and "@media print" in style
    assert "default-src 'none'" in page
    assert '<h2 id="register-of-interests">' not in page and '<h3 id="register-of-interests">' in page
    assert 'type="checkbox"' in page and "<table>" in page


def test_html_escapes_what_people_typed():
    flow, result, meta = session("engagement-hostile")
    page = render_html(flow, result, meta)
    tags = Tags()
    tags.feed(page)
    assert not {tag for tag, _ in tags.tags} & {"script", "img", "div"}
    assert "javascript:" not in " ".join(str(attrs.get("href")) for _, attrs in tags.tags)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    text = "".join(tags.text)
    assert "<script>alert('x')</script>" in text  # shown to the reader as text
    assert "<title># Not a heading | not | a table &lt;script&gt;alert(1)&lt;/script&gt;</title>" in page


def test_html_shows_the_path_in_words():
    flow, result, meta = session("appendix2-codesign")
    page = render_html(flow, result, meta)
    assert ('<p class="path">The question itself &rarr; The conditions for working together &rarr; Beyond design'
            ' &rarr; Recommendation: Co-design</p>') in page


# -- docx ---------------------------------------------------------------------------------------------

def _document(name: str, **options):
    docx = pytest.importorskip("docx", reason="python-docx is the `docx` extra; CI installs it with `test`")
    flow, result, meta = session(name)
    data = render("docx", flow, result, meta, **options)
    assert zipfile.is_zipfile(io.BytesIO(data))
    assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    return docx.Document(io.BytesIO(data))


def test_docx_has_real_headings_lists_and_the_register_table():
    document = _document("engagement-coproduce")
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == ("Heading 1", "Neighbourhood mental health support in Bolton")
    for heading in [("Heading 2", "Recommendation"), ("Heading 2", "What to do next"),
                    ("Heading 3", "Register of interests"), ("Heading 2", "Appendix")]:
        assert heading in headings
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert any(text.startswith("\u2610 Agree with leaders") for text in bullets)
    register = next(t for t in document.tables if t.rows[0].cells[0].text == "Name")
    assert [c.text for c in register.rows[0].cells][:4] == ["Name", "Their role in this work", "Organisation",
                                                             "Type of interest"]
    assert [row.cells[0].text for row in register.rows[1:]] == ["Sam Jones", "Priya Shah", "Dr Chris Lee",
                                                                 "Jo Khan"]
    assert document.core_properties.title == "Neighbourhood mental health support in Bolton"
    assert document.core_properties.author == "A. Commissioner, NHS Greater Manchester"
    links = [r.target_ref for r in document.part.rels.values() if r.reltype.endswith("/hyperlink")]
    assert "https://gmsvn.org.uk/" in links


def test_docx_public_leaves_out_names_and_keeps_hostile_text_as_text():
    document = _document("engagement-coproduce", public=True)
    register = next(t for t in document.tables if t.rows[0].cells[0].text == "Name")
    assert [row.cells[0].text for row in register.rows[1:]] == ["Sam Jones", "Not published", "Not published",
                                                                 "Jo Khan"]
    hostile = _document("engagement-hostile")
    register = next(t for t in hostile.tables if t.rows[0].cells[0].text == "Name")
    assert register.rows[1].cells[2].text == "<script>alert('x')</script>"
    assert len(register.rows) == 3 and len(register.columns) == 8


def test_without_python_docx_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "docx", None)
    flow, result, meta = session("appendix2-codesign")
    with pytest.raises(MissingExtra) as caught:
        render("docx", flow, result, meta)
    assert f"{sys.executable} -m pip install 'python-docx>=1.1'" in str(caught.value)


def test_cli_without_python_docx_exits_2_with_the_command(tmp_path):
    blocked = ("import sys; sys.modules['docx'] = None; from codesign_tui.cli import main;"
               " sys.exit(main(sys.argv[1:]))")
    run = codesign("render", "appendix2", "--answers", str(ANSWERS / "appendix2-codesign.yaml"), "--format",
                   "docx", "-o", str(tmp_path / "plan.docx"), python=blocked)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "-m pip install 'python-docx>=1.1'" in run.stderr
    assert not list(tmp_path.iterdir())


# -- json ---------------------------------------------------------------------------------------------

def test_json_is_the_result_with_the_rendered_sections():
    flow, result, meta = session("engagement-coproduce")
    data = json.loads(render_json(flow, result, meta))
    for key in ("flow", "recommendation", "calls_for", "supported", "held_back_by", "actions", "flags",
                "answers", "shortfalls", "unlocks"):
        assert key in data
    assert data["date"] == "2026-11-25" and data["project"] == "Neighbourhood mental health support in Bolton"
    ids = [s["id"] for s in data["sections"]]
    assert ids[:4] == ["title", "recommendation", "why", "what-to-do-next"]
    assert ids[-2:] == ["further-reading", "appendix"]
    recommendation = next(s for s in data["sections"] if s["id"] == "recommendation")
    assert recommendation["markdown"].startswith("## Recommendation\n\nWe recommend **Co-produce**")
    assert "".join(s["markdown"] for s in data["sections"]).count("## ") == \
        render_markdown(flow, result, meta).count("## ")


def test_public_json_has_no_names_without_consent():
    flow, result, meta = session("engagement-coproduce")
    text = render_json(flow, result, meta, public=True)
    assert "Priya Shah" not in text and "Chris Lee" not in text and "Sam Jones" in text
    names = [i.get("name") for i in json.loads(text)["answers"]["interests"]]
    assert names == ["Sam Jones", None, None, "Jo Khan"]


# -- writing files ------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["md", "html", "json", "docx"])
def test_cli_writes_each_format(tmp_path, fmt):
    if fmt == "docx":
        pytest.importorskip("docx", reason="python-docx is the `docx` extra")
    out = tmp_path / f"plan.{fmt}"
    run = codesign("render", "engagement-plan", "--answers", str(ANSWERS / "engagement-coproduce.yaml"),
                   "--format", fmt, "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert out.stat().st_size > 1000
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


def test_cli_will_not_overwrite_without_force(tmp_path):
    out = tmp_path / "plan.html"
    out.write_text("mine")
    args = ["render", "appendix2", "--answers", str(ANSWERS / "appendix2-codesign.yaml"), "--format", "html",
            "-o", str(out)]
    run = codesign(*args)
    assert run.returncode == 2 and "already exists" in run.stderr and out.read_text() == "mine"
    assert codesign(*args, "--force").returncode == 0 and out.read_text().startswith("<!DOCTYPE html>")


def test_a_file_that_appears_while_writing_is_not_replaced(tmp_path, monkeypatch):
    out = tmp_path / "plan.md"
    real = export.tempfile.mkstemp

    def racing(*args, **kwargs):
        out.write_text("someone else's")  # arrives after the check, before the move
        return real(*args, **kwargs)

    monkeypatch.setattr(export.tempfile, "mkstemp", racing)
    with pytest.raises(ExportError, match="already exists"):
        write_atomically(out, b"plan")
    assert out.read_text() == "someone else's" and [p.name for p in tmp_path.iterdir()] == ["plan.md"]


def test_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ExportError, match="the folder .* does not exist"):
        write_atomically(tmp_path / "nope" / "plan.md", b"plan")
    assert not (tmp_path / "nope").exists()


def test_a_folder_without_permission_is_a_clear_error(tmp_path):
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # root writes through a read-only mode bit, but not into /sys, which refuses everyone
        with pytest.raises(ExportError, match="permission denied"):
            write_atomically(Path("/sys/codesign-plan.md"), b"plan")
        assert not Path("/sys/codesign-plan.md").exists()
        return
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ExportError, match="permission denied"):
            write_atomically(folder / "plan.md", b"plan")
        assert not list(folder.iterdir())
    finally:
        folder.chmod(0o700)


def test_no_permission_simulated_is_a_clear_error(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(export.tempfile, "mkstemp", refuse)
    with pytest.raises(ExportError, match="cannot write .*plan.md: permission denied"):
        write_atomically(tmp_path / "plan.md", b"plan")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("call", ["write", "fsync"])
def test_a_full_disk_leaves_nothing_behind(tmp_path, monkeypatch, call):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    if call == "write":
        monkeypatch.setattr(export.os, "fdopen", lambda fd, mode: _FullFile(fd))
    else:
        monkeypatch.setattr(export.os, "fsync", full)
    with pytest.raises(ExportError, match="the disk is full; nothing was written"):
        write_atomically(tmp_path / "plan.md", b"x" * 100_000)
    assert not list(tmp_path.iterdir())


def test_a_full_disk_keeps_the_old_file_when_forcing(tmp_path, monkeypatch):
    out = tmp_path / "plan.md"
    out.write_text("the old plan")
    monkeypatch.setattr(export.os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(errno.ENOSPC, "full")))
    with pytest.raises(ExportError, match="disk is full"):
        write_atomically(out, b"new", force=True)
    assert out.read_text() == "the old plan" and [p.name for p in tmp_path.iterdir()] == ["plan.md"]


class _FullFile(io.FileIO):
    def __init__(self, fd):
        super().__init__(fd, "wb", closefd=True)

    def write(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")


def test_cli_full_disk_is_exit_2_without_traceback(tmp_path):
    script = ("import errno, os, sys\n"
              "def full(fd): raise OSError(errno.ENOSPC, 'No space left on device')\n"
              "os.fsync = full\n"
              "from codesign_tui.cli import main\n"
              "sys.exit(main(sys.argv[1:]))\n")
    run = codesign("render", "appendix2", "--answers", str(ANSWERS / "appendix2-codesign.yaml"), "-o",
                   str(tmp_path / "plan.md"), python=script)
    assert run.returncode == 2 and "disk is full" in run.stderr and "Traceback" not in run.stderr
    assert not list(tmp_path.iterdir())


def test_docx_to_a_terminal_is_refused_with_a_hint():
    from codesign_tui import cli

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    old = sys.stdout
    sys.stdout = Terminal()
    try:
        code = cli.main(["render", "appendix2", "--answers", str(ANSWERS / "appendix2-codesign.yaml"),
                         "--format", "docx"])
    finally:
        sys.stdout = old
    assert code == 2
