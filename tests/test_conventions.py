"""Conventions users know from ruff and Vale: --exit-zero, --min-severity, --statistics, a
GitLab Code Quality report, per-command formats, shell completion and readable --help."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from .conftest import invoke, run_cli

NOTE = (
    "She was pushed.\n\n"
    "Ms Clarke was assaulted on 3 March.\n\n"
    "Mother failed to protect the children.\n"
)
AGENTLESS = "perpetrator-agency/agentless-violence"
FTP = "victim-blaming/failure-to-protect"


def _note(tmp_path: Path, config: str = "", name: str = "visit.txt") -> Path:
    if config:
        (tmp_path / "blamecheck.toml").write_text(config, encoding="utf-8")
    path = tmp_path / name
    path.write_text(NOTE, encoding="utf-8")
    return path


def _one_line_error(code: int, err: str, *expected: str) -> None:
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("blamecheck: error:") and "Traceback" not in err
    for words in expected:
        assert words in err, err


# -- --exit-zero ----------------------------------------------------------------------------


def test_exit_zero_reports_the_findings_and_exits_0(tmp_path: Path):
    path = _note(tmp_path)
    code, out, _ = invoke("check", "--exit-zero", str(path))
    assert code == 0
    assert FTP in out and "3 findings in 1 file" in out


def test_exit_zero_still_exits_2_when_input_cannot_be_read(tmp_path: Path):
    _note(tmp_path)
    (tmp_path / "old.txt").write_bytes("Caf\xe9 notes".encode("latin-1"))
    code, out, err = invoke("check", "--exit-zero", str(tmp_path))
    assert code == 2
    assert "old.txt" in err and "not valid utf-8" in err
    assert FTP in out  # the readable file is still reported
    code, _, err = invoke("check", "--exit-zero", str(tmp_path / "missing.txt"))
    _one_line_error(code, err, "no such file or folder")


# -- --min-severity -------------------------------------------------------------------------


def test_min_severity_reports_only_findings_at_or_above_it(tmp_path: Path):
    path = _note(tmp_path, '[severity]\n"victim-blaming" = "error"\n')
    code, out, _ = invoke("check", "-f", "json", "--min-severity", "error", str(path))
    payload = json.loads(out)
    assert code == 1
    assert [(f["rule"], f["severity"]) for f in payload["files"][0]["findings"]] == [(FTP, "error")]
    assert payload["summary"]["findings"] == 1 and payload["summary"]["ignored"] == 2
    code, out, _ = invoke("check", "-f", "json", "--min-severity", "warning", str(path))
    assert code == 1 and json.loads(out)["summary"]["findings"] == 3  # warnings and the error


def test_exit_code_follows_what_min_severity_leaves(tmp_path: Path):
    path = _note(tmp_path, '[severity]\n"victim-blaming" = "info"\n"perpetrator-agency" = "info"\n')
    code, out, _ = invoke("check", "--min-severity", "warning", str(path))
    assert code == 0, out
    assert "No findings in 1 file" in out
    assert invoke("check", str(path))[0] == 1  # info findings count by default
    code, _, err = invoke("check", "--min-severity", "severe", str(path))
    _one_line_error(code, err, "--min-severity", "'severe' is not one of")


# -- --statistics ---------------------------------------------------------------------------


def test_statistics_counts_each_rule_most_frequent_first(tmp_path: Path):
    path = _note(tmp_path)
    code, out, _ = invoke("check", "--statistics", str(path))
    assert code == 1
    lines = out.strip().splitlines()
    assert [line.split() for line in lines[:2]] == [
        ["2", AGENTLESS, "perpetrator-agency", "warning"],
        ["1", FTP, "victim-blaming", "warning"],
    ]
    assert lines[2] == "Total: 3 findings in 1 file"
    assert "pushed" not in out and "Mother" not in out  # counts, never the document's words


def test_statistics_as_json_and_its_exit_codes(tmp_path: Path):
    path = _note(tmp_path)
    code, out, _ = invoke("check", "--statistics", "-f", "json", str(path))
    payload = json.loads(out)
    assert code == 1
    assert payload["statistics"] == [
        {"rule": AGENTLESS, "category": "perpetrator-agency", "severity": "warning", "count": 2},
        {"rule": FTP, "category": "victim-blaming", "severity": "warning", "count": 1},
    ]
    assert payload["summary"]["findings"] == 3 and payload["summary"]["files"] == 1
    assert invoke("check", "--statistics", "--exit-zero", str(path))[0] == 0
    code, out, _ = invoke("check", "--statistics", "-", stdin="Mr Reid punched Ms Clarke.\n")
    assert code == 0 and out.strip() == "No findings in 1 file."


@pytest.mark.parametrize("fmt", ["sarif", "github", "gitlab"])
def test_statistics_refuses_the_formats_that_list_each_finding(fmt: str):
    code, out, err = invoke("check", "--statistics", "-f", fmt, "-", stdin=NOTE)
    assert out == ""
    _one_line_error(code, err, "--statistics", fmt)


# -- GitLab Code Quality --------------------------------------------------------------------

# The fields GitLab's documentation requires of each issue of a Code Quality report
# (doc/ci/testing/code_quality.md, "Code Quality report format"): description, check_name,
# fingerprint, severity (info, minor, major, critical or blocker), location.path, and
# location.lines.begin or location.positions.begin.line. The optional Code Climate fields
# blamecheck also writes (type, engine_name, categories, positions' end) are checked too.
_POSITION = {
    "type": "object",
    "required": ["line"],
    "properties": {
        "line": {"type": "integer", "minimum": 1},
        "column": {"type": "integer", "minimum": 1},
    },
}
GITLAB_CODE_QUALITY = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "type": {"const": "issue"},
            "engine_name": {"type": "string"},
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "minLength": 1},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "categories": {"type": "array", "items": {"type": "string"}},
            "location": {
                "type": "object",
                "required": ["path"],
                "properties": {
                    "path": {"type": "string", "minLength": 1, "not": {"pattern": "^\\./"}},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                    "positions": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {"begin": _POSITION, "end": _POSITION},
                    },
                },
                "oneOf": [{"required": ["lines"]}, {"required": ["positions"]}],
            },
        },
    },
}


def _gitlab(*args: str, stdin: str | None = None) -> tuple[int, list[dict]]:
    code, out, _ = invoke("check", "-f", "gitlab", *args, stdin=stdin)
    report = json.loads(out)
    jsonschema.validate(report, GITLAB_CODE_QUALITY)
    return code, report


def test_gitlab_report_has_the_fields_gitlab_reads(tmp_path: Path):
    path = _note(tmp_path, '[severity]\n"victim-blaming" = "error"\n')
    code, report = _gitlab(str(path))
    assert code == 1
    assert [(i["check_name"], i["severity"]) for i in report] == [
        (AGENTLESS, "minor"),
        (AGENTLESS, "minor"),
        (FTP, "major"),
    ]
    third = report[2]
    assert third["location"]["path"] == path.as_posix()  # outside the checkout: as given
    assert third["location"]["positions"] == {
        "begin": {"line": 5, "column": 1},
        "end": {"line": 5, "column": 1 + len("Mother failed to protect the children")},
    }
    assert third["description"].startswith(FTP + ": ")


def test_gitlab_paths_are_relative_to_the_checkout_without_dot_slash(tmp_path: Path):
    notes = tmp_path / "notes"
    notes.mkdir()
    _note(notes)
    proc = run_cli("check", "-f", "gitlab", "./notes", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    paths = {issue["location"]["path"] for issue in json.loads(proc.stdout)}
    assert paths == {"notes/visit.txt"}


def test_gitlab_fingerprints_are_unique_stable_and_hold_no_words(tmp_path: Path):
    path = _note(tmp_path)
    twice = tmp_path / "twice.txt"
    twice.write_text("She was pushed.\n\nShe was pushed.\n", encoding="utf-8")
    _, report = _gitlab(str(path), str(twice))
    prints = [issue["fingerprint"] for issue in report]
    assert len(set(prints)) == len(prints) == 5  # the same words twice are two issues
    # a paragraph added above moves the findings but keeps their identity
    path.write_text("Visit on 3 May.\n\n" + NOTE, encoding="utf-8")
    _, moved = _gitlab(str(path), str(twice))
    assert [i["fingerprint"] for i in moved] == prints
    assert moved[0]["location"]["positions"]["begin"]["line"] == 3
    # nothing of the document: the flagged words appear nowhere, hashed or not
    dumped = json.dumps(moved)
    for words in ("pushed", "Clarke", "Mother failed", "3 March"):
        assert words not in dumped
    # another file with the same words gets other fingerprints
    other = tmp_path / "other.txt"
    other.write_text(NOTE, encoding="utf-8")
    path.write_text(NOTE, encoding="utf-8")
    _, first = _gitlab(str(path))
    _, second = _gitlab(str(other))
    assert {i["fingerprint"] for i in first}.isdisjoint(i["fingerprint"] for i in second)


def test_gitlab_report_of_a_clean_run_is_an_empty_array():
    code, report = _gitlab("-", stdin="Mr Reid punched Ms Clarke.\n")
    assert code == 0 and report == []


# -- per-command formats --------------------------------------------------------------------


@pytest.mark.parametrize("command", ["rules", "practice", "eval"])
@pytest.mark.parametrize("fmt", ["sarif", "github", "gitlab"])
def test_commands_refuse_formats_they_cannot_write(command: str, fmt: str):
    code, out, err = invoke(command, "--format", fmt)
    assert out == ""
    _one_line_error(code, err, f"'{fmt}' is not one of 'text', 'json'")


@pytest.mark.parametrize("command", ["rules", "practice", "eval"])
def test_help_lists_only_the_formats_a_command_writes(command: str):
    code, out, _ = invoke(command, "--help")
    assert code == 0
    assert "--format text|json " in out
    assert "sarif" not in out and "github" not in out


# -- fix --ignore ---------------------------------------------------------------------------


def test_fix_ignore_leaves_that_rule_or_category_alone():
    text = "Mother failed to protect the children.\n"
    code, out, err = invoke("fix", "--placeholders", "-", stdin=text)
    assert code == 1 and "---" in out  # a diff: there is something to rewrite
    for name in ("victim-blaming", FTP):
        code, out, err = invoke("fix", "--placeholders", "--ignore", name, "-", stdin=text)
        assert code == 0, err
        assert out == "" and "would rewrite 0 spans" in err
    code, out, err = invoke(
        "fix", "--write", "--placeholders", "--ignore", "victim-blaming", "-", stdin=text
    )
    assert code == 0 and out == text  # standard input with --write: the text, unchanged
    code, _, err = invoke("fix", "--ignore", "victim-blaming/nope", "-", stdin=text)
    _one_line_error(code, err, "unknown rule or category 'victim-blaming/nope'")


# -- help and completion --------------------------------------------------------------------


def _commands() -> list[str]:
    code, out, _ = invoke("--help")
    assert code == 0
    listed = out.split("Commands:", 1)[1].splitlines()
    return [line.split()[0] for line in listed if line.startswith("  ") and line.strip()]


def _first_columns(help_text: str) -> list[str]:
    """The option and argument names with their metavars: the start of each help row."""
    rows = []
    section = False
    for line in help_text.splitlines():
        if line in ("Arguments:", "Options:"):
            section = True
        elif not line.startswith(" "):
            section = False
        elif section and re.match(r"^  \S", line):
            rows.append(re.split(r"\s{2,}", line.strip())[0])
    return rows


def test_every_command_is_listed():
    assert set(_commands()) >= {
        "check",
        "fix",
        "rules",
        "explain",
        "practice",
        "demo",
        "eval",
        "review",
        "lsp",
        "schema",
    }


def test_help_shows_no_python_types_as_metavars():
    """`--ignore RULE`, not `--ignore <list[str]>`."""
    for command in [None, *_commands()]:
        args = ("--help",) if command is None else (command, "--help")
        code, out, _ = invoke(*args)
        assert code == 0, command
        rows = _first_columns(out)
        assert rows, command
        for row in rows:
            assert "<" not in row and "[" not in row, (command, row)
    _, out, _ = invoke("check", "--help")
    rows = _first_columns(out)
    for expected in (
        "PATH",
        "--ignore RULE",
        "--pack PATH",
        "--exclude PATTERN",
        "-o, --output FILE",
    ):
        assert expected in rows, rows


def test_shell_completion_is_offered_and_completes_commands_and_choices():
    _, out, _ = invoke("--help")
    assert "--install-completion" in out and "--show-completion" in out
    env = {
        "_BLAMECHECK_COMPLETE": "complete_bash",
        "COMP_WORDS": "blamecheck ch",
        "COMP_CWORD": "1",
    }
    proc = run_cli(env=env)
    assert proc.returncode == 0 and proc.stdout.split() == ["check"]
    env.update(COMP_WORDS="blamecheck check --format ", COMP_CWORD="3")
    proc = run_cli(env=env)
    assert proc.stdout.split() == ["text", "json", "github", "sarif", "gitlab"]
    env.update(COMP_WORDS="blamecheck practice --format ", COMP_CWORD="3")
    assert run_cli(env=env).stdout.split() == ["text", "json"]
    proc = run_cli(
        "--show-completion", "bash", env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    )
    assert proc.returncode == 0 and "_BLAMECHECK_COMPLETE=complete_bash" in proc.stdout
