"""The stages stay layered: each folder imports only what docs/ARCHITECTURE.md allows.

Every import is read from the source with ``ast``, including those inside functions, so a
lazy import cannot hide an upward dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "blamecheck"
SHARED = {
    "blamecheck",
    "blamecheck.__version__",
    "blamecheck.errors",
    "blamecheck.findings",
    "blamecheck.positions",
}
# what each stage may import from blamecheck, besides itself and the shared contract
ALLOWED = {
    "readers": set(),
    "analysis": set(),
    "rewriting": {"analysis", "filters", "api"},
    "filters": {"analysis", "readers"},
    "auditing": {"analysis", "readers", "api"},
    "surfaces": {"analysis", "readers", "rewriting", "filters", "api", "auditing"},
    "api": {"analysis", "rewriting"},
}
# third-party packages that belong to one stage only
OWNED = {
    "typer": {"surfaces"},
    "pygls": {"surfaces"},
    "lsprotocol": {"surfaces"},
    "pyromark": {"readers"},
    "pathspec": {"readers", "filters"},
}
DOCX_WRITERS = {"surfaces"}  # python-docx: readers read Word, only surfaces write it


def _stage(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else path.stem


def _imports(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
            if node.module == "blamecheck":
                found += [(f"blamecheck.{a.name}", node.lineno) for a in node.names]
    return found


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_stage_folder_is_named_in_the_architecture_page() -> None:
    page = (PACKAGE.parents[1] / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    folders = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    assert folders == sorted(s for s in ALLOWED if s != "api")
    for folder in folders:
        assert f"`{folder}/`" in page, folder
        docstring = ast.get_docstring(ast.parse((PACKAGE / folder / "__init__.py").read_text()))
        assert docstring and len(docstring.splitlines()) == 1, folder


def test_no_module_uses_relative_imports() -> None:
    """Absolute imports show the stage a name comes from at the place it is used."""
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        relative = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level]
        assert not relative, f"{path.relative_to(PACKAGE)}: lines {relative}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_follow_the_stages(path: Path) -> None:
    stage = _stage(path)
    allowed = ALLOWED.get(stage)
    for module, line in _imports(path):
        where = f"{path.relative_to(PACKAGE)}:{line} imports {module}"
        top = module.split(".")[0]
        if top in OWNED:
            assert stage in OWNED[top], where
        if top == "docx" and stage not in DOCX_WRITERS:
            assert path.name == "docx_text.py", where  # the Word reader
        if top != "blamecheck" or module in SHARED or allowed is None:
            continue
        target = module.split(".")[1]
        assert target == stage or target in allowed, where


def test_the_check_finds_an_upward_import(tmp_path: Path) -> None:
    """The rule above can fail: an analysis module importing the command line is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from blamecheck.surfaces import cli\n", encoding="utf-8")
    imported = [m for m, _ in _imports(bad)]
    assert "blamecheck.surfaces" in imported
    assert "surfaces" not in ALLOWED["analysis"]
