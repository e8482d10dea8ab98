"""Turn Word plans into pictures of their pages, to look at them as a reader would: docx -> PDF with
LibreOffice -> one PNG a page with pdftoppm. Prints each plan's page count and paper size and where its
pages are. Needs Debian's `libreoffice-writer-nogui` and `poppler-utils`.

Run from the repository root:
  .venv/bin/python benchmarks/look_at_word.py [OUT_FOLDER] [--summary] [--paper letter] [--public] [--check]
(OUT_FOLDER defaults to a new temporary folder; every answers file in tests/data/answers is drawn).

--check exits with status 1 unless every one-page summary is one page: with --summary, the document is one
page; without, the summary the plan opens with ends on page 1 and the full plan starts on page 2.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ANSWERS = ROOT / "tests" / "data" / "answers"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Word plans as pictures of their pages")
    parser.add_argument("out", nargs="?", type=Path, help="where to write them (a new temporary folder)")
    parser.add_argument("--summary", action="store_true")
    parser.add_argument("--public", action="store_true")
    parser.add_argument("--paper", choices=("a4", "letter"), default="a4")
    parser.add_argument("--check", action="store_true", help="fail unless each summary is one page")
    given = parser.parse_args(argv)
    options = ["--paper", given.paper] + ["--summary"] * given.summary + ["--public"] * given.public
    missing = [tool for tool in ("libreoffice", "pdftoppm", "pdfinfo", "pdftotext") if shutil.which(tool) is None]
    if missing:
        print(f"needs {', '.join(missing)}: apt-get install libreoffice-writer-nogui poppler-utils", file=sys.stderr)
        return 1
    out = given.out or Path(tempfile.mkdtemp(prefix="codesign-word-"))
    out.mkdir(parents=True, exist_ok=True)
    over = []
    for answers in sorted(ANSWERS.glob("*.yaml")):
        flow = yaml.safe_load(answers.read_text(encoding="utf-8"))["flow"]
        docx = out / f"{answers.stem}.docx"
        subprocess.run([sys.executable, "-m", "codesign_tui", "render", flow, "--answers", str(answers),
                        "--format", "docx", "-o", str(docx), "--force", "--partial", *options],
                       check=True, cwd=ROOT, capture_output=True)
        subprocess.run(["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(out), str(docx)],
                       check=True, capture_output=True, timeout=300)
        pdf = docx.with_suffix(".pdf")
        info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
        fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(out / answers.stem)], check=True)
        pages = int(fields["Pages"])
        fits = pages == 1 if given.summary else _summary_ends_on_page_one(flow, answers, pdf, options)
        over += [answers.stem] * (not fits)
        print(f"{answers.stem}: {pages} pages, {fields['Page size'].strip()};"
              f"{'' if fits else ' THE SUMMARY IS MORE THAN ONE PAGE;'} {out / answers.stem}-*.png")
    if given.check and over:
        print(f"the summary is more than one page: {', '.join(over)}", file=sys.stderr)
        return 1
    return 0


def _summary_ends_on_page_one(flow: str, answers: Path, pdf: Path, options: list[str]) -> bool:
    """Whether the full plan's opening summary fits page 1: the heading after its rule (---) begins page 2."""
    markdown = subprocess.run([sys.executable, "-m", "codesign_tui", "render", flow, "--answers", str(answers),
                               "--partial", *[o for o in options if o != "--summary"][2:]],
                              check=True, cwd=ROOT, capture_output=True, text=True).stdout
    _, rule, rest = markdown.partition("\n---\n")
    if not rule:
        return True  # no summary to fit
    heading = next(line[3:].replace("*", "") for line in rest.splitlines() if line.startswith("## "))
    page = lambda n: subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],  # noqa: E731
                                    check=True, capture_output=True, text=True).stdout
    lines = [line.strip() for line in page(2).splitlines() if line.strip()]
    # the page header (the project) comes first, then the full plan's first heading
    return heading in lines[:3] and heading not in [line.strip() for line in page(1).splitlines()]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
