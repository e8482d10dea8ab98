"""The plan's exports: standalone HTML, a Word document read back, JSON, and files written whole or not
at all."""

from __future__ import annotations

import errno
import io
import json
import os
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from codesign_tui import files as export
from codesign_tui.files import ExportError, write_atomically
from codesign_tui.plan.render import indented_json, render, render_html, render_json, render_markdown
from codesign_tui.plan.word import MissingExtra
from test_plan_support import ANSWERS, session

ROOT = Path(__file__).resolve().parents[2]


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
    assert "<table>" in page


def test_html_ticked_and_open_boxes_are_clearly_different():
    """The plan's own templates draw no boxes (a pasted plan would show them as brackets); a template that
    does still gets marks a reader can tell apart."""
    from codesign_tui.plan.html import to_html

    flow, result, meta = session("engagement-coproduce")
    plan_page = render_html(flow, result, meta)
    assert 'class="box' not in plan_page and "<ol>" in plan_page
    page = render_html(flow, result, meta).split("<body>")[0] + to_html("- [x] What co-design\n- [ ] Agree with leaders\n")
    assert 'type="checkbox"' not in page  # a disabled form control is drawn faint grey, ticked or not
    assert '<span class="box ticked" role="img" aria-label="Yes">\u2611</span> What co-design' in page
    assert '<span class="box open" role="img" aria-label="Not yet">\u2610</span> Agree with leaders' in page
    style = page[page.index("<style>"):page.index("</style>")]
    rules = {line.split("{")[0].strip(): line for line in style.splitlines() if "{" in line}
    assert "color: #00703c" in rules[".box.ticked"] and "bold" in rules[".box.ticked"]
    assert "#00703c" not in rules[".box.open"]
    assert "\u2612" not in page


def test_html_escapes_what_people_typed():
    flow, result, meta = session("engagement-hostile")
    page = render_html(flow, result, meta)
    tags = Tags()
    tags.feed(page)
    assert not {tag for tag, _ in tags.tags} & {"script", "img"}
    # the only boxes are the page's own, around its tables (they scroll sideways on a phone)
    boxes = [attrs for tag, attrs in tags.tags if tag == "div"]
    assert len(boxes) == page.count("<table>") and all(attrs.get("class") == "table-scroll" for attrs in boxes)
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
    import docx
    flow, result, meta = session(name)
    data = render("docx", flow, result, meta, **options)
    assert zipfile.is_zipfile(io.BytesIO(data))
    assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    return docx.Document(io.BytesIO(data))


def _entries(document) -> list[dict[str, str]]:
    """The register as Word shows it: one small two-column table per entry, heading beside value."""
    return [{row.cells[0].text: row.cells[1].text for row in table.rows} for table in document.tables
            if table.rows[0].cells[0].text == "Name"]


def _xml(document) -> str:
    return document.element.xml


def test_docx_uses_words_own_styles_for_title_headings_and_lists():
    document = _document("engagement-board")
    styled = [(p.style.name, p.text) for p in document.paragraphs
              if p.style.name == "Title" or p.style.name.startswith("Heading")]
    assert styled[0] == ("Title", "Carers' respite breaks in Oldham")
    for heading in [("Heading 1", "Recommendation"), ("Heading 1", "What to do next"),
                    ("Heading 2", "Register of interests"), ("Heading 1", "Appendix")]:
        assert heading in styled
    assert not [name for name, _ in styled if name not in ("Title", "Heading 1", "Heading 2", "Heading 3")]
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets and not any(text.startswith(("\u2610", "\u2611")) for text in bullets)
    # numbered steps carry the Markdown's own numbers as text, so that they read the same pasted elsewhere and
    # the full plan's steps go on from the summary's (Word's own numbering would restart or run on unasked)
    numbered = [p.text for p in document.paragraphs if p.style.name == "List Number"]
    assert numbered[0].startswith("1.\t") and any(text.startswith("6.\t") for text in numbered)
    assert all(t.style.name == "Table Grid" for t in document.tables)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        assert document.styles[name].paragraph_format.keep_with_next is True
    assert document.core_properties.title == "Carers' respite breaks in Oldham"
    assert document.core_properties.author == "R. Patel, Adult Social Care Commissioning"
    links = [r.target_ref for r in document.part.rels.values() if r.reltype.endswith("/hyperlink")]
    assert "https://gmsvn.org.uk/" in links


def test_docx_title_block_is_body_text_without_the_flow_s_id_or_version():
    document = _document("engagement-board")
    version = session("engagement-board")[0].version
    body = document.paragraphs
    appendix = next(i for i, p in enumerate(body) if p.style.name == "Heading 1" and p.text == "Appendix")
    before = "\n".join(p.text for p in body[:appendix])
    assert "Based on: Plan how to involve people in a piece of work" in before
    assert "engagement-plan" not in before and f"version {version}" not in before
    assert not [r for p in body[:appendix] for r in p.runs if r.font.name == "Consolas"]
    after = "\n".join(p.text for p in body[appendix:])
    assert f"Made with flow engagement-plan, version {version}." in after


def test_docx_keeps_the_warning_box_with_its_checklist_and_indents_them_alike():
    document = _document("engagement-board")
    body = document.paragraphs
    start = next(i for i, p in enumerate(body) if p.text == "Check:")
    box = [body[start]]
    for paragraph in body[start + 1:]:
        if not paragraph.text.startswith("\u2022"):
            break
        box.append(paragraph)
    # the likely bidder taking part in the decision, and helping to design the work (conflicts-of-interest 2.1):
    # two warnings about one person, said together by their points, in full in the appendix
    assert len(box) == 2 and "financial interest" in box[1].text and "could bid" in box[1].text
    indents = {p.paragraph_format.left_indent for p in box}
    assert len(indents) == 1 and None not in indents, "the heading and its items are indented alike"
    assert all(p.paragraph_format.keep_with_next for p in box[:-1]), "Check: stays with its items"
    assert all(p.paragraph_format.keep_together for p in box)
    assert all(p._p.pPr.find(_qn("w:pBdr")) is not None for p in box), "one box: a rule down its side"


def test_docx_keeps_the_sentence_before_a_chart_with_it_and_never_breaks_a_word_in_a_table():
    """From a trial: "The path taken" and its one sentence sat at the foot of a page with the path itself on
    the next; and the Why table's narrowest column broke "Recommendation 5" as "Recommendatio n 5"."""
    from docx.shared import Mm

    from codesign_tui.plan.word import to_docx
    import docx

    document = docx.Document(io.BytesIO(to_docx(
        "## The path taken\n\nThe parts, in order.\n\n```mermaid\nflowchart TD\n  s1[\"About\"]\n"
        "  s2[\"Outcome\"]\n  s1 --> s2\n```\n\nAfter the chart.\n\n| Question | Answer | What it does | Source |\n"
        "|---|---|---|---|\n" + "| 8. Will people also help deliver and evaluate the work, not only design it? | Partly,"
        " for some of it | So the work calls for no more than Co-design, as delivery is not shared. | Recommendation 5"
        " |\n" * 6)))
    body = document.paragraphs
    intro = next(p for p in body if p.text == "The parts, in order.")
    assert intro.paragraph_format.keep_with_next
    after = next(p for p in body if p.text == "After the chart.")
    assert not after.paragraph_format.keep_with_next  # kept with what follows only when it introduces it
    [table] = document.tables
    source = table.columns[3].width
    # "Recommendation" in bold: about 2.3 mm a character and the cell's margins
    assert source >= Mm(2.3 * len("Recommendation") + 4) - Mm(0.1)
    assert sum(column.width for column in table.columns) <= Mm(170) + Mm(0.1)


def test_docx_is_a4_unless_letter_is_asked_for():
    section = _document("engagement-coproduce").sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    letter = _document("engagement-coproduce", paper="letter").sections[0]
    assert (round(letter.page_width.inches, 2), round(letter.page_height.inches, 2)) == (8.5, 11)


def test_docx_header_names_the_project_and_footer_numbers_the_pages():
    section = _document("engagement-coproduce").sections[0]
    assert section.header.paragraphs[0].text == "Neighbourhood mental health support in Bolton"
    footer = section.footer.paragraphs[0]._p.xml
    assert 'w:instr="PAGE"' in footer and 'w:instr="NUMPAGES"' in footer
    assert section.footer.paragraphs[0].text.startswith("Page ")


def test_docx_ticks_are_never_a_crossed_box():
    from codesign_tui.plan.word import to_docx

    # the plan's own templates draw no boxes; a template that does gets a ticked box, never a crossed one
    import docx

    document = docx.Document(io.BytesIO(to_docx("- [x] Done\n- [ ] Not yet\n")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "\u2612" not in text
    assert "\u2611 " in text and "\u2610 " in text
    plan = "\n".join(p.text for p in _document("engagement-coproduce").paragraphs)
    assert "\u2611" not in plan and "\u2610" not in plan and "ticked box" not in plan


def test_docx_table_rows_never_split_and_header_rows_repeat():
    document = _document("engagement-coproduce")
    ladder = next(t for t in document.tables if t.rows[0].cells[0].text == "Level")
    rows = ladder.rows
    assert all(row._tr.trPr is not None and row._tr.trPr.find(_qn("w:cantSplit")) is not None for row in rows)
    assert rows[0]._tr.trPr.find(_qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(_qn("w:tblHeader")) is None for row in rows[1:])


def _qn(name):
    from docx.oxml.ns import qn
    return qn(name)


def test_docx_register_is_one_small_table_per_entry():
    document = _document("engagement-coproduce")
    entries = _entries(document)
    assert [e["Name"] for e in entries] == ["Sam Jones", "Priya Shah", "Dr Chris Lee", "Jo Khan"]
    assert entries[0]["Organisation"] == "Example Community Trust"
    assert entries[0]["Declared"] == "1 September 2026"
    assert all(len(t.columns) <= 4 for t in document.tables)
    register = next(t for t in document.tables if t.rows[0].cells[0].text == "Name")
    # an entry stays on one page: every row but the last is kept with the next
    kept = [row.cells[0].paragraphs[0].paragraph_format.keep_with_next for row in register.rows]
    assert kept == [True] * (len(kept) - 1) + [None]


def test_docx_public_withholds_details_entry_by_entry_and_keeps_hostile_text_as_text():
    document = _document("engagement-coproduce", public=True)
    entries = _entries(document)
    assert [e["Name"] for e in entries] == ["Sam Jones", "Details withheld", "Details withheld", "Jo Khan"]
    assert entries[1]["Role"] == "Lived experience member" and entries[1]["Type"] == "Through someone close"
    assert entries[1]["Handling"] == "Note it and take part" and entries[1]["Organisation"] == "Details withheld"
    text = _xml(document)
    for detail in ("Priya Shah", "Chris Lee", "Carers Forum", "Her brother works"):
        assert detail not in text
    assert "2 entries in this public version have their details withheld" in text
    hostile = _entries(_document("engagement-hostile"))
    assert len(hostile) == 2 and len(hostile[0]) == 9
    assert hostile[0]["Organisation"] == "<script>alert('x')</script>"


def test_without_python_docx_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "docx", None)
    flow, result, meta = session("appendix2-codesign")
    with pytest.raises(MissingExtra) as caught:
        render("docx", flow, result, meta)
    assert f"{sys.executable} -m pip install 'python-docx>=1.2'" in str(caught.value)


# -- json ---------------------------------------------------------------------------------------------

_KEYS = st.one_of(st.text(max_size=6), st.integers(), st.booleans(), st.none(), st.floats())
_JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(), st.text(alphabet="\"\\\n\x00\u2028é")),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.tuples(inner, inner),
                            st.dictionaries(st.text(max_size=6), inner, max_size=4),
                            st.dictionaries(_KEYS, inner, max_size=3)),
    max_leaves=30)


@settings(max_examples=400, deadline=None)
@given(_JSON)
@example([float("nan"), float("inf"), -float("inf"), 1e16, -0.0, 2**70, {"": [], "é\n": {}}, ()])
def test_the_json_export_writes_what_json_dumps_writes(value):
    """The JSON export's own writer (faster than json's, which writes an indented document in Python) writes
    character for character what json.dumps(indent=2, ensure_ascii=False) writes, for any JSON-like value."""
    assert indented_json(value) == json.dumps(value, indent=2, ensure_ascii=False)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["a", "\u201c", '"', "\\", "\n", "\t", "\r", "\x00", "\x1f", "\x7f", "\ud800",
                                 "\u2028", "\U0001f600", "A long run of plain words, " * 4]), min_size=40, max_size=200)
       .map("".join))
def test_a_long_text_is_written_in_the_json_export_as_json_writes_it(text):
    """A long text (a plan's section) is escaped by replacing the few characters it holds that JSON escapes, when
    those are newlines, tabs, quotes and backslashes; character for character as json writes it."""
    from json.encoder import encode_basestring

    from codesign_tui.plan.render import _json_text

    assert _json_text(text) == encode_basestring(text)
    assert indented_json([text]) == json.dumps([text], indent=2, ensure_ascii=False)


def test_the_json_export_refuses_what_json_refuses():
    looped: list = []
    looped.append(looped)
    with pytest.raises(ValueError, match="Circular reference"):
        indented_json({"a": looped})
    with pytest.raises(TypeError):
        indented_json({"a": object()})


def test_json_is_the_result_with_the_rendered_sections():
    flow, result, meta = session("engagement-coproduce")
    data = json.loads(render_json(flow, result, meta))
    for key in ("flow", "recommendation", "calls_for", "supported", "held_back_by", "actions", "flags",
                "answers", "shortfalls", "unlocks"):
        assert key in data
    assert data["date"] == "2026-11-25" and data["project"] == "Neighbourhood mental health support in Bolton"
    ids = [s["id"] for s in data["sections"]]
    assert ids[:5] == ["title", "summary", "recommendation", "why", "training"]  # every step is in the summary
    # the actions as the plan lists them, those that say the same thing once, beside each one as called for
    assert [a["text"] for a in data["planned_actions"]] == [a.text for a in result.planned_actions]
    assert all(a["questions"] for a in data["planned_actions"])
    assert ids[-2:] == ["anything-else", "appendix"]
    recommendation = next(s for s in data["sections"] if s["id"] == "recommendation")
    # the summary says what it recommends; the recommendation section places it on the ladder, and says it once
    assert recommendation["markdown"].startswith("## Recommendation\n\nThe levels, lowest first:")
    assert "We recommend **Co-produce**" in next(s for s in data["sections"] if s["id"] == "summary")["markdown"]
    # the steps as the plan lists them, numbered as it numbers them
    assert [step["number"] for step in data["steps"]] == list(range(1, len(data["steps"]) + 1))
    assert "".join(s["markdown"] for s in data["sections"]).count("## ") == \
        render_markdown(flow, result, meta).count("## ")


def test_public_json_keeps_every_entry_with_the_details_of_those_not_published_withheld():
    flow, result, meta = session("engagement-coproduce")
    text = render_json(flow, result, meta, public=True)
    assert "Priya Shah" not in text and "Chris Lee" not in text and "Sam Jones" in text
    assert "Carers Forum" not in text
    entries = json.loads(text)["answers"]["interests"]
    assert [i.get("name") for i in entries] == ["Sam Jones", "Details withheld", "Details withheld", "Jo Khan"]
    assert entries[2]["role"] == "GP adviser" and entries[2]["interest_type"] == "non_financial_professional"
    assert entries[2]["management"] == "discuss_not_decide" and entries[2]["organisation"] == "Details withheld"


@pytest.mark.parametrize("fmt", ["md", "html", "json", "text", "docx"])
def test_a_public_plan_in_each_format_keeps_a_withheld_entry_s_role_type_and_handling(fmt):
    """Version 2.1: an entry withheld for a reason, with a private note, is never dropped from the public
    version: its role, type of interest and handling stay, its name, organisation and description do not, and
    the note is in no public output."""
    import docx

    from codesign_tui.flow.engine import evaluate

    flow, result, meta = session("engagement-coproduce")
    entries = [dict(r, publish="yes") for r in result.answers["interests"]]
    entries[1].update(publish="withheld", withheld_reason="safety", withheld_note="Lives at 4 Secret Row")
    answers = dict(result.answers, interests=entries)
    data = render(fmt, flow, evaluate(flow, answers), meta, public=True)
    text = _xml(docx.Document(io.BytesIO(data))) if fmt == "docx" else data.decode("utf-8")
    for kept in ("Lived experience member", "Through someone close", "Note it and take part", "Details withheld",
                 "Sam Jones", "Jo Khan"):
        assert kept in text, kept
    for gone in ("Priya Shah", "Carers Forum", "Her brother works", "Secret Row", "A risk to the person"):
        assert gone not in text, gone
    private = render(fmt, flow, evaluate(flow, answers), meta)
    private_text = _xml(docx.Document(io.BytesIO(private))) if fmt == "docx" else private.decode("utf-8")
    assert "Priya Shah" in private_text


# -- writing files ------------------------------------------------------------------------------------


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


# -- anything a person can type -----------------------------------------------------------------------

AWKWARD = ("x" * 300 + " \x01\x07\x1b[31m red \x7f \u202eevil\u202c \U0001F600 \u0645\u0631\u062d\u0628\u0627 "
           + "\u05e9\u05dc\u05d5\u05dd " + "long words " * 400)


def _awkward_answers(tmp_path: Path) -> Path:
    """The coproduce answers with very long text, control characters, emoji and right-to-left text in
    every field a person types: the project, who prepared it, the free-text answers and the register."""
    import yaml

    data = yaml.safe_load((ANSWERS / "engagement-coproduce.yaml").read_text(encoding="utf-8"))
    data["project"] = data["prepared_by"] = AWKWARD
    for key, value in data["answers"].items():
        if isinstance(value, str) and len(value) > 20:
            data["answers"][key] = AWKWARD
    for entry in data["answers"]["interests"]:
        for field in ("name", "role", "organisation", "description"):
            entry[field] = AWKWARD
    path = tmp_path / "awkward.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_word_shows_characters_xml_cannot_hold_instead_of_failing():
    import docx
    from codesign_tui.plan.word import to_docx

    data = to_docx("# Plan \x01 one\n\nText \x1b[31m and \x00 here\n", title="A\x02B" * 200,
                   author="C\x0bD", subject="\x7f")
    document = docx.Document(io.BytesIO(data))
    assert [p.text for p in document.paragraphs][:2] == ["Plan ^A one", "Text ^[[31m and ^@ here"]
    assert document.core_properties.author == "C^KD"
    assert len(document.core_properties.title) == 255 and document.core_properties.title.startswith("A^BBA^BB")


# -- the summary and the paper, through the command -------------------------------------------------


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)  # the commands below inherit it
    yield
    os.umask(previous)


@pytest.mark.parametrize("summary", [True, False])
def test_docx_sets_what_the_plan_was_drawn_from_in_small_print_and_verify_still_reads_it(summary, tmp_path):
    """The fingerprints `codesign verify` reads are for it, not the reader: small print, so that the one-page
    summary that ends with them keeps to its page (they ran onto page 2 of four summaries)."""
    from docx.shared import Pt

    from codesign_tui.plan.verify import verify

    document = _document("grants-core-heavy", summary=summary)
    body = document.paragraphs
    start = max(i for i, p in enumerate(body) if p.text == "Drawn from")
    after = [p for p in body[start + 1:] if p.text.strip()]
    assert after and any("fingerprint" in p.text for p in after)
    assert all(r.font.size is not None and r.font.size <= Pt(8) for p in after for r in p.runs)
    before = [r for p in body[:start] for r in p.runs if r.text.strip()]
    assert not any(r.font.size is not None and r.font.size <= Pt(8) for r in before), "only the last lines"
    path = tmp_path / "plan.docx"
    document.save(str(path))
    verdict = verify(path, ANSWERS / "grants-core-heavy.yaml")
    assert verdict.matches and verdict.summary == summary, verdict.difference
