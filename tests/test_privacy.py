"""Offline and private: no network, nothing written, no document text in errors."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from .conftest import run_cli


def test_analysis_makes_no_network_calls(analyzer, monkeypatch: pytest.MonkeyPatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("blamecheck tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert analyzer.analyse("Mother failed to protect the children.")


def test_check_writes_nothing(tmp_path: Path):
    report = tmp_path / "report.txt"
    report.write_text("Ms Clarke chose to stay with Mr Reid.\n", encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    proc = run_cli(
        "check", str(report), cwd=tmp_path, env={"HOME": str(home), "XDG_CACHE_HOME": str(home)}
    )
    assert proc.returncode == 1
    after = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert after == before
    assert report.read_text(encoding="utf-8") == "Ms Clarke chose to stay with Mr Reid.\n"
