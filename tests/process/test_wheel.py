"""A normal (non-editable) install ships the flows and templates inside the wheel and finds them."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(out), str(ROOT)], check=True, capture_output=True, timeout=300)
    [built] = out.glob("codesign_tui-*.whl")
    return built


def test_wheel_contains_flows_and_templates(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for flow in ("appendix2", "conflicts-of-interest", "engagement-plan"):
        assert f"codesign_tui/flows/{flow}.yaml" in names
    assert "codesign_tui/templates/plan.md.j2" in names
    # the room's pages, stylesheet and script
    assert {"codesign_tui/room/templates/question.html", "codesign_tui/room/static/room.css",
            "codesign_tui/room/static/room.js"} <= set(names)
    assert not [n for n in names if n.startswith(("tests/", "flows/", "templates/"))]


def test_installed_wheel_runs_from_anywhere(wheel, tmp_path):
    # A fresh venv with the wheel installed, borrowing only this environment's dependencies: its
    # site-packages is added as a plain path, so the editable install's .pth file is not read there.
    target = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    zipfile.ZipFile(wheel).extractall(site)  # what pip does for a pure-Python wheel, without the network
    borrowed = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site) / "borrowed-dependencies.pth").write_text("\n".join(sorted(borrowed)) + "\n")
    away = tmp_path / "elsewhere"
    away.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    where = subprocess.run([str(python), "-c", "import codesign_tui; print(codesign_tui.__file__)"],
                           capture_output=True, text=True, cwd=away, env=env, check=True).stdout
    assert where.startswith(site)
    run = subprocess.run([str(python), "-m", "codesign_tui", "validate"], capture_output=True, text=True,
                         cwd=away, env=env, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "flows checked: no errors" in run.stdout
    run = subprocess.run([str(python), "-m", "codesign_tui", "render", "appendix2", "--answers",
                          str(ROOT / "tests" / "data" / "answers" / "appendix2-codesign.yaml")],
                         capture_output=True, text=True, cwd=away, env=env, timeout=120)
    assert run.returncode == 0 and "**Co-design**" in run.stdout
