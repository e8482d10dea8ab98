"""The plan's exports: standalone HTML, a Word document read back, JSON, and files written whole or not.

The tests of it that run the codesign command, a room or a browser; tests/unit/test_plan_exports.py holds the rest."""

from __future__ import annotations

from pathlib import Path
import pytest

from test_plan_support import ANSWERS
from commands import codesign
from test_plan_exports import _awkward_answers, _xml, umask_022  # noqa: F401  (umask_022 is a fixture)
from test_room_browser import chromium  # noqa: F401  (a fixture: one headless Chromium)


def test_cli_without_python_docx_exits_2_with_the_command(tmp_path):
    blocked = ("import sys; sys.modules['docx'] = None; from codesign_tui.cli import main;"
               " sys.exit(main(sys.argv[1:]))")
    run = codesign("render", "appendix2", "--answers", str(ANSWERS / "appendix2-codesign.yaml"), "--format",
                   "docx", "-o", str(tmp_path / "plan.docx"), python=blocked)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "-m pip install 'python-docx>=1.2'" in run.stderr
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("fmt", ["md", "html", "json", "docx"])
def test_cli_writes_each_format(tmp_path, fmt):
    if fmt == "docx":
        import docx  # noqa: F401 - a core dependency: a missing one fails here
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


@pytest.mark.parametrize("fmt", ["md", "html", "json", "docx"])
def test_any_text_a_person_types_exports_in_every_format(tmp_path, fmt):
    out = tmp_path / f"plan.{fmt}"
    run = codesign("render", "engagement-plan", "--answers", str(_awkward_answers(tmp_path)), "--format", fmt,
                   "-o", str(out))
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr and out.stat().st_size > 0
    if fmt == "docx":
        import docx

        document = docx.Document(str(out))
        properties = document.core_properties
        assert len(properties.title) <= 255 and len(properties.author) <= 255
        assert properties.title.startswith("x" * 250) and properties.title.endswith("\u2026")
        assert not [c for c in properties.title + properties.author if c < " "]
        assert "\U0001F600" in _xml(document) and "\u0645\u0631\u062d\u0628\u0627" in _xml(document)


def test_cli_summary_is_one_page_in_word_and_stands_alone_in_markdown(tmp_path):
    import docx

    answers = str(ANSWERS / "appendix2-consult-held-back.yaml")
    run = codesign("render", "appendix2", "--answers", answers, "--summary")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("# Homelessness prevention in Wigan: summary\n")
    assert "## Appendix" not in run.stdout and "## Next steps" in run.stdout
    out = tmp_path / "summary.docx"
    run = codesign("render", "appendix2", "--answers", answers, "--summary", "--format", "docx", "--paper",
                   "letter", "-o", str(out))
    assert run.returncode == 0, run.stderr
    document = docx.Document(str(out))
    assert round(document.sections[0].page_width.inches, 2) == 8.5
    assert [p.text for p in document.paragraphs if p.style.name == "Title"] == [
        "Homelessness prevention in Wigan: summary"]
    assert "List Number" in {p.style.name for p in document.paragraphs}


def test_cli_refuses_a_paper_it_does_not_know():
    run = codesign("render", "appendix2", "--answers", str(ANSWERS / "appendix2-codesign.yaml"), "--paper", "a5")
    assert run.returncode == 2 and "invalid choice: 'a5'" in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize("fmt", ["md", "docx"])
def test_a_plan_naming_people_is_written_for_its_writer_alone_unless_public(tmp_path, fmt, umask_022):
    def render_to(name: str, answers: str, *options: str) -> Path:
        out = tmp_path / f"{name}.{fmt}"
        run = codesign("render", "engagement-plan", "--answers", str(ANSWERS / f"{answers}.yaml"), "--format", fmt,
                       *options, "-o", str(out))
        assert run.returncode == 0, run.stderr
        return out

    assert render_to("full", "engagement-coproduce").stat().st_mode & 0o777 == 0o600
    # what is meant to be shared, and a plan naming no one, get the umask's mode
    assert render_to("public", "engagement-coproduce", "--public").stat().st_mode & 0o777 == 0o644
    assert render_to("none", "engagement-consult-none-declared").stat().st_mode & 0o777 == 0o644


async def test_the_web_page_fits_a_phone_its_wide_tables_scroll_in_their_own_box(tmp_path, chromium):
    """From a trial: the register's nine columns and the fingerprints made the whole plan scroll sideways on a
    phone (864 px of page on a 390 px screen). Each table scrolls in a box of its own, named after its heading
    and reachable from the keyboard; the page itself fits, and axe-core finds nothing."""
    from test_room_browser import axe_clean

    page_file = tmp_path / "plan.html"
    run = codesign("render", "engagement-plan", "--answers", str(ANSWERS / "engagement-board.yaml"), "--format",
                   "html", "-o", str(page_file))
    assert run.returncode == 0, run.stderr
    context = await chromium.new_context(viewport={"width": 375, "height": 667})
    page = await context.new_page()
    await page.goto(page_file.as_uri())
    sideways = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert sideways == 0
    boxes = page.locator(".table-scroll")
    assert await boxes.count() == await page.locator("table").count() > 0
    register = page.get_by_role("region", name="Register of interests (a table: scroll sideways for more)")
    assert await register.evaluate("box => box.scrollWidth > box.clientWidth")  # it has more to show
    await register.focus()
    await page.keyboard.press("ArrowRight")
    # the browser may scroll smoothly: wait for the box to have moved
    await page.wait_for_function("box => box.scrollLeft > 0", arg=await register.element_handle(), timeout=15_000)
    await axe_clean(page, "plan-export-375")
    await context.close()
