"""Where the shipped flows and templates are: inside the installed package, or beside it in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent

# Files of a shipped flow written before files recorded their flow's version were answered under this one
# (flows/released/2.0/ keeps those flows as they were)
UNVERSIONED = "2.0"


def _find(name: str) -> Path:
    # A wheel carries the folders inside the package; a checkout or editable install has them at the top.
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the {name} folder is missing from this installation of codesign-tui")


def flows_dir() -> Path:
    return _find("flows")


def templates_dir() -> Path:
    return _find("templates")


def shipped_flows() -> list[Path]:
    """The shipped flow files, not their sibling tests files."""
    return sorted(p for p in flows_dir().glob("*.yaml") if not p.name.endswith(".tests.yaml"))


def own_flow_path(path: str | Path) -> str:
    """A flow file's full path when it is not one of the shipped flows (which are found by id), else ""."""
    if not path:
        return ""
    full = Path(path).resolve()
    return "" if full.parent == flows_dir().resolve() else str(full)


def is_shipped(path: str | Path) -> bool:
    """Whether a flow file is one of the shipped flows (not a released copy of one, nor a file of one's own)."""
    if not path:
        return False
    try:
        return Path(path).resolve().parent == flows_dir().resolve()
    except (OSError, FileNotFoundError):
        return False


def find_flow(name: str) -> Path:
    """A flow by id (a shipped flow) or by path to a file."""
    path = Path(name)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return path
    for candidate in shipped_flows():
        if candidate.stem == name:
            return candidate
    raise LookupError(name)
