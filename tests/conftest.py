"""Shared fixtures: one analyser per test session (loading spaCy once keeps the suite fast)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

from blamecheck.api import Analyzer, get_analyzer

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
SAMPLE = ROOT / "corpus" / "samples" / "case-note.txt"

# Hypothesis keeps its generated examples in memory: nothing of a run is written to disk
settings.register_profile("blamecheck", database=None)
settings.load_profile("blamecheck")


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    return get_analyzer()


def run_cli(
    *args: str,
    stdin: str | bytes | None = None,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the installed command as a user would, in a subprocess."""
    data = stdin.encode() if isinstance(stdin, str) else stdin
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "blamecheck", *args],
        input=data,
        capture_output=True,
        cwd=cwd or ROOT,
        env=full_env,
        timeout=300,
    )
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode(), proc.stderr.decode()
    )


def invoke(*args: str, stdin: str | bytes | None = None) -> tuple[int, str, str]:
    """Run the CLI in this process (the model stays loaded): exit code, stdout, stderr."""
    import contextlib
    import io

    from blamecheck.surfaces.cli import main

    out, err = io.StringIO(), io.StringIO()
    data = stdin.encode() if isinstance(stdin, str) else (stdin or b"")
    fake_stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    old_stdin = sys.stdin
    sys.stdin = fake_stdin
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(list(args))
                code = 0
            except SystemExit as exc:
                code = int(exc.code or 0)
    finally:
        sys.stdin = old_stdin
    return code, out.getvalue(), err.getvalue()


def headless_chromium(profile: Path, window: str) -> list[str]:
    """The command that runs the Chromium of .ci/system-packages headless and offline, with
    its own profile folder; a test without it fails on CI and is skipped elsewhere."""
    browser = next(
        filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None
    )
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: .ci/system-packages installs it")
        pytest.skip("Chromium is not installed (run .ci/system-packages)")
    return [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        f"--window-size={window}",
    ]


def chromium_dom(command: list[str], page: Path) -> str:
    """The page's DOM after Chromium (``command`` from headless_chromium) ran its scripts."""
    return subprocess.run(
        [*command, "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout


def chromium_screenshot(command: list[str], page: Path, shot: Path) -> None:
    """A PNG of the page at the window size of ``command``, written to ``shot``."""
    subprocess.run(
        [*command, "--hide-scrollbars", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
