"""The code base stays ruff clean (lint and format), as the engineering standards ask."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

RUFF = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))


@pytest.mark.parametrize("args", [["check"], ["format", "--check"]])
def test_ruff(args: list[str]):
    if not Path(RUFF).exists():
        pytest.fail("ruff is not installed: install the dev extra (pip install -e '.[dev]')")
    proc = subprocess.run(
        [RUFF, *args, "src", "tests", "bench"], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
