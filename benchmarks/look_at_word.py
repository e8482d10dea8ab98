"""Turn Word plans into pictures of their pages, to look at them as a reader would: docx -> PDF with
LibreOffice -> one PNG a page with pdftoppm. Prints each plan's page count and paper size and where its
pages are. Needs Debian's `libreoffice-writer-nogui` and `poppler-utils`.

Run from the repository root:
  .venv/bin/python benchmarks/look_at_word.py [OUT_FOLDER] [--summary] [--paper letter] [--public]
(OUT_FOLDER defaults to a new temporary folder; every answers file in tests/data/answers is drawn).
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
    given = parser.parse_args(argv)
    options = ["--paper", given.paper] + ["--summary"] * given.summary + ["--public"] * given.public
    missing = [tool for tool in ("libreoffice", "pdftoppm", "pdfinfo") if shutil.which(tool) is None]
    if missing:
        print(f"needs {', '.join(missing)}: apt-get install libreoffice-writer-nogui poppler-utils", file=sys.stderr)
        return 1
    out = given.out or Path(tempfile.mkdtemp(prefix="codesign-word-"))
    out.mkdir(parents=True, exist_ok=True)
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
        print(f"{answers.stem}: {fields['Pages'].strip()} pages, {fields['Page size'].strip()};"
              f" {out / answers.stem}-*.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
