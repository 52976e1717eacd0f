"""The VS Code client in lsp/ builds as a user would build it: npm ci, tsc, and a .vsix."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT

EXTENSION = ROOT / "lsp"


def _npm() -> str:
    npm = shutil.which("npm")
    if npm is None:
        if os.environ.get("CI"):
            pytest.fail("npm is missing: the VS Code extension cannot be built")
        pytest.skip("npm is not installed")
    return npm


def test_extension_installs_compiles_and_packages(tmp_path: Path) -> None:
    npm = _npm()
    work = tmp_path / "lsp"
    shutil.copytree(EXTENSION, work, ignore=shutil.ignore_patterns("node_modules", "out", "*.vsix"))
    for step in (["ci", "--no-audit", "--no-fund"], ["run", "compile"], ["run", "package"]):
        proc = subprocess.run([npm, *step], cwd=work, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, (
            f"npm {' '.join(step)}: {proc.stdout[-2000:]}{proc.stderr[-2000:]}"
        )
    (vsix,) = work.glob("*.vsix")
    names = zipfile.ZipFile(vsix).namelist()
    assert "extension/out/extension.js" in names
    assert "extension/package.json" in names
    assert any(n.startswith("extension/node_modules/vscode-languageclient/") for n in names)
    assert not any(n.startswith("extension/src/") for n in names)
