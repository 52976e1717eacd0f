"""Folders of reports: worker processes, the progress bar, the end summary, and baselines."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from bench.reports import write_reports

from .conftest import ROOT, invoke, run_cli


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("reports")
    write_reports(root, 200)
    return root


def test_two_workers_find_exactly_what_one_finds(folder: Path):
    one = run_cli("check", "--format", "json", "--jobs", "1", str(folder))
    two = run_cli("check", "--format", "json", "--jobs", "2", str(folder))
    assert one.returncode == two.returncode == 1, one.stderr + two.stderr
    first, second = json.loads(one.stdout), json.loads(two.stdout)
    assert len(first["files"]) == 200
    assert first["summary"]["findings"] > 500  # the generated notes are full of findings
    assert first == second
    assert "checking [" not in one.stderr + two.stderr  # piped: no progress bar


def test_the_summary_counts_categories_and_names_the_busiest_files(folder: Path):
    proc = run_cli("check", "--jobs", "2", str(folder / "team-1"))
    summary = proc.stdout.strip().splitlines()
    counts = json.loads(run_cli("check", "--format", "json", str(folder / "team-1")).stdout)
    per_file = sorted(
        ((len(f["findings"]), f["path"]) for f in counts["files"]), key=lambda x: (-x[0], x[1])
    )
    by_category = counts["summary"]["by_category"]
    assert summary[-2].startswith(f"{counts['summary']['findings']} findings in 50 files (")
    for category, count in by_category.items():
        assert f"{category}: {count}" in summary[-2]
    top = ", ".join(f"{path} ({n})" for n, path in per_file[:5])
    assert summary[-1] == f"Most findings: {top}"


def test_a_progress_bar_on_a_terminal_only(folder: Path):
    """Run under a pseudo-terminal, as a person at a shell would."""
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("CI", None)
    command = [sys.executable, "-m", "blamecheck", "check", str(folder / "team-2")]
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command on the terminal
        os.chdir(ROOT)
        os.execvpe(command[0], command, env)
    seen = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.waitpid(pid, 0)
    assert b"checking [" in seen and b"50/50 files" in seen
    piped = subprocess.run(command, capture_output=True, cwd=ROOT, env=env, check=False)
    assert b"checking [" not in piped.stderr


def test_progress_can_be_forced_or_turned_off(folder: Path):
    _, _, err = invoke("check", "--progress", str(folder / "team-3"))
    assert "\rchecking [" in err and "50/50 files" in err
    _, _, err = invoke("check", "--no-progress", str(folder / "team-3"))
    assert "checking [" not in err


def test_an_unreadable_file_in_a_batch_is_reported_and_the_rest_checked(tmp_path: Path):
    write_reports(tmp_path, 12)
    (tmp_path / "team-0" / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    (tmp_path / "team-1" / "latin.txt").write_bytes("caf\xe9 She was pushed.\n".encode("latin-1"))
    proc = run_cli("check", "--format", "json", "--jobs", "2", str(tmp_path))
    assert proc.returncode == 2
    assert "skipped" in proc.stderr and "scan.txt: binary file" in proc.stderr
    assert "latin.txt: not valid utf-8" in proc.stderr and "Traceback" not in proc.stderr
    assert len(json.loads(proc.stdout)["files"]) == 12


# -- baselines ---------------------------------------------------------------------------------

NOTE = (
    "Ms Clarke was assaulted on 3 March.\n\n"
    "Mother failed to protect the children.\n\n"
    "The couple have a volatile relationship.\n"
)


def test_a_baseline_silences_what_was_there_and_survives_edits(tmp_path: Path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "visit.txt").write_text(NOTE, encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    code, _, err = invoke("check", "--write-baseline", str(baseline), str(notes))
    assert code == 0 and "wrote" in err and err.strip().endswith("3 findings in 1 file")
    saved = baseline.read_text(encoding="utf-8")
    for word in ("Clarke", "assaulted", "volatile", "Mother", "March"):
        assert word not in saved  # rule ids and hashes only
    assert json.loads(saved)["files"].keys() == {"notes/visit.txt"}

    code, out, _ = invoke("check", "--baseline", str(baseline), str(notes))
    assert code == 0 and "No findings in 1 file; 3 in the baseline." in out

    # a paragraph added above, one new finding, one old sentence edited
    (notes / "visit.txt").write_text(
        "Home visit on 10 March.\n\n"
        + NOTE.replace("volatile relationship", "toxic relationship")
        + "\nShe was pushed down the stairs.\n",
        encoding="utf-8",
    )
    code, out, _ = invoke("check", "--format", "json", "--baseline", str(baseline), str(notes))
    payload = json.loads(out)
    reported = sorted(f["text"] for f in payload["files"][0]["findings"])
    assert code == 1
    assert reported == ["She was pushed down the stairs", "toxic relationship"]
    assert payload["summary"]["baselined"] == 2


def test_a_baseline_counts_repeated_sentences(tmp_path: Path):
    path = tmp_path / "a.txt"
    path.write_text("She was pushed.\n\nShe was pushed.\n", encoding="utf-8")
    baseline = tmp_path / "b.json"
    invoke("check", "--write-baseline", str(baseline), str(path))
    path.write_text("She was pushed.\n\nShe was pushed.\n\nShe was pushed.\n", encoding="utf-8")
    code, out, _ = invoke("check", "--format", "json", "--baseline", str(baseline), str(path))
    payload = json.loads(out)
    assert code == 1 and len(payload["files"][0]["findings"]) == 1
    assert payload["summary"]["baselined"] == 2


def test_the_configuration_can_name_the_baseline(tmp_path: Path):
    (tmp_path / "a.txt").write_text("She was pushed.\n", encoding="utf-8")
    invoke("check", "--write-baseline", str(tmp_path / "known.json"), str(tmp_path / "a.txt"))
    (tmp_path / "blamecheck.toml").write_text('baseline = "known.json"\n', encoding="utf-8")
    code, out, _ = invoke("check", str(tmp_path / "a.txt"))
    assert code == 0 and "1 in the baseline" in out


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "no such baseline (create it with --write-baseline"),
        ("{not json", "not a blamecheck baseline (invalid JSON)"),
        ('{"version": 9}', "not a blamecheck baseline (expected version 1)"),
        ('{"version": 1, "files": {"a.txt": [3]}}', "files: expected lists of"),
    ],
)
def test_a_bad_baseline_is_one_line(tmp_path: Path, content: str | None, expected: str):
    baseline = tmp_path / "baseline.json"
    if content is not None:
        baseline.write_text(content, encoding="utf-8")
    code, out, err = invoke("check", "--baseline", str(baseline), "-", stdin="She was pushed.")
    assert code == 2 and out == "" and expected in err
    assert len(err.strip().splitlines()) == 1
