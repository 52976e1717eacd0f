"""The command line as a user meets it: commands, formats, exit codes and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import SAMPLE, invoke, run_cli

FTP = "Mother failed to protect the children."


def test_failure_to_protect_from_stdin_as_json():
    proc = run_cli("check", "--format", "json", "-", stdin=FTP + "\n")
    assert proc.returncode == 1, proc.stderr
    payload = json.loads(proc.stdout)
    assert payload["version"] == "1"
    (file_report,) = payload["files"]
    assert file_report["path"] == "-"
    (finding,) = file_report["findings"]
    assert finding["category"] == "victim-blaming"
    assert finding["rule"] == "victim-blaming/failure-to-protect"
    assert finding["line"] == 1 and finding["column"] == 1
    assert finding["text"] == "Mother failed to protect the children"
    assert finding["suggestions"] and finding["suggestions"][0]["replacement"]
    assert payload["summary"] == {
        "files": 1,
        "findings": 1,
        "by_category": {"victim-blaming": 1},
        "placeholders": 0,
        "ignored": 0,
        "baselined": 0,
    }


def test_he_failed_to_attend_is_clean():
    proc = run_cli("check", "-", stdin="Mr Reid failed to attend the programme.\n")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings" in proc.stdout


def test_text_format_has_location_rule_sentence_and_caret():
    code, out, _ = invoke("check", "-", stdin="Visit on 3 May.\nMum chose to stay with him.\n")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("-:2:1: victim-blaming/relationship-status ")
    assert lines[1] == "    Mum chose to stay with him."
    assert lines[2] == "    " + "^" * len("Mum chose to stay with him")
    assert "\x1b[" not in out  # no colour when not on a terminal


def test_colour_only_when_asked_or_on_a_terminal():
    code, out, _ = invoke("check", "--color", "always", "-", stdin=FTP)
    assert code == 1 and "\x1b[" in out


def test_offsets_count_code_points_and_lines():
    text = "Café visit – notes 😀.\r\nMs Clarke failed to protect the children.\n"
    code, out, _ = invoke("check", "--format", "json", "-", stdin=text)
    finding = json.loads(out)["files"][0]["findings"][0]
    assert code == 1
    assert text[finding["start"] : finding["end"]] == finding["text"]
    assert (finding["line"], finding["column"]) == (2, 1)
    assert finding["end_column"] - finding["column"] == len(finding["text"])


def test_folder_recurses_over_text_and_markdown(tmp_path: Path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text("She chose to stay with him.\n", encoding="utf-8")
    (tmp_path / "sub" / "b.md").write_text(
        "# Notes\n\nMother failed to protect.\n", encoding="utf-8"
    )
    (tmp_path / "c.csv").write_text("Mother failed to protect.\n", encoding="utf-8")
    code, out, _ = invoke("check", "--format", "json", str(tmp_path))
    paths = [Path(f["path"]).name for f in json.loads(out)["files"]]
    assert code == 1 and paths == ["a.txt", "b.md"]


def test_binary_file_in_folder_is_skipped_with_a_notice(tmp_path: Path):
    (tmp_path / "scan.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00binary")
    (tmp_path / "note.txt").write_text("Mr Reid punched Ms Clarke.\n", encoding="utf-8")
    code, out, err = invoke("check", str(tmp_path))
    assert code == 0
    assert "skipped" in err and "scan.txt" in err and "binary" in err
    assert "No findings in 1 file" in out


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("missing", "no such file or folder"),
        ("binary", "binary file"),
        ("latin1", "not valid utf-8 at byte"),
        ("huge", "over the 10 MB limit"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, setup: str, expected: str):
    target = tmp_path / "report.txt"
    secret = "Mother failed to protect Jayden"
    if setup == "binary":
        target.write_bytes(b"\x00\x01" + secret.encode())
    elif setup == "latin1":
        target.write_bytes(secret.encode() + " caf\xe9".encode("latin-1"))
    elif setup == "huge":
        line = (secret + ". ").encode()
        with target.open("wb") as handle:
            for _ in range(50 * 1024 * 1024 // len(line) + 1):
                handle.write(line)
    proc = run_cli("check", str(target))
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert expected in proc.stderr
    assert "Traceback" not in proc.stderr
    assert "Jayden" not in proc.stderr  # never the document's words


def test_encoding_option_reads_legacy_files(tmp_path: Path):
    target = tmp_path / "old.txt"
    target.write_bytes("Café. Mother failed to protect the children.".encode("cp1252"))
    code, out, _ = invoke("check", "--encoding", "cp1252", "--format", "json", str(target))
    assert code == 1 and json.loads(out)["files"][0]["findings"][0]["text"].startswith("Mother")


def test_empty_input_is_a_clean_run(tmp_path: Path):
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    assert invoke("check", str(tmp_path / "empty.txt"))[0] == 0
    assert invoke("check", "-", stdin="")[0] == 0
    assert invoke("check", "-", stdin="\n\n  \n")[0] == 0


def test_usage_errors_are_one_line():
    for args in (
        ("check",),
        ("check", "--bogus", "x"),
        ("check", "--format", "xml", "-"),
        ("nope",),
    ):
        code, _, err = invoke(*args)
        assert code == 2, args
        assert len(err.strip().splitlines()) == 1 and err.startswith("blamecheck: error:"), err


def test_rules_lists_every_rule():
    code, out, _ = invoke("rules")
    assert code == 0
    assert "victim-blaming/failure-to-protect" in out
    code, out, _ = invoke("rules", "--format", "json")
    rows = json.loads(out)["rules"]
    assert {"id", "category", "severity", "summary"} <= set(rows[0])
    assert len({r["id"] for r in rows}) == len(rows) >= 7


def test_explain_gives_principle_source_examples_and_alternatives():
    code, out, _ = invoke("explain", "victim-blaming/failure-to-protect")
    assert code == 0
    assert "Principle:" in out and "001_52b1b3c0576f0f34.txt" in out
    assert "Flags, for example:" in out and "Constructive alternatives:" in out
    # the source as a reader can look it up, the file name kept in brackets
    sources = out.split("Sources:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert sources[0].startswith(
        "  - Companion Document: The Safe & Together Model and Domestic Abuse Perpetrator "
        "Programmes — Safe & Together Institute, undated (001_52b1b3c0576f0f34.txt): "
    )


def test_explain_unknown_rule_suggests_the_nearest():
    code, _, err = invoke("explain", "victim-blaming/failure")
    assert code == 2 and "did you mean victim-blaming/failure-to-protect" in err


def test_sample_report_has_findings():
    code, out, _ = invoke("check", str(SAMPLE))
    assert code == 1
    assert "victim-blaming/" in out


def test_agentless_passive_gets_an_active_rewrite_with_a_placeholder_actor():
    code, out, _ = invoke(
        "check", "--format", "json", "-", stdin="Ms Clarke was assaulted on 3 March.\n"
    )
    (finding,) = json.loads(out)["files"][0]["findings"]
    assert code == 1
    assert finding["category"] == "perpetrator-agency"
    assert (
        finding["suggestions"][0]["replacement"] == "[who did this] assaulted Ms Clarke on 3 March"
    )
    assert finding["suggestions"][0]["status"] == "needs-input"


def test_the_actor_the_document_names_is_a_choice_never_the_rewrite():
    """Issue 15: who did an act the writer left without an actor is the writer's to say."""
    text = "Mr Reid punched Ms Clarke in March.\nMs Clarke was assaulted on 3 March.\n"
    code, out, _ = invoke("check", "--format", "json", "-", stdin=text)
    (finding,) = json.loads(out)["files"][0]["findings"]
    assert code == 1 and finding["line"] == 2
    top, choice = finding["suggestions"][:2]
    assert top["replacement"] == "[who did this] assaulted Ms Clarke on 3 March"
    assert top["status"] == "needs-input" and top["kind"] == "rewrite"
    assert choice["replacement"] == "Mr Reid assaulted Ms Clarke on 3 March"
    assert choice["kind"] == "choice" and choice["description"].startswith("Your decision")


def test_two_named_actors_leave_the_placeholder():
    text = "Mr Reid punched Ms Clarke.\nMr Singh slapped her.\nShe was assaulted on 3 March.\n"
    code, out, _ = invoke("check", "--format", "json", "-", stdin=text)
    assert code == 1
    (finding,) = json.loads(out)["files"][0]["findings"]
    assert finding["suggestions"][0]["replacement"] == "[who did this] assaulted her on 3 March"


@pytest.mark.parametrize(
    "line",
    ["Ms Clarke was assaulted by Mr Reid on 3 March.", "The referral was received on 2 May."],
)
def test_agent_passive_and_procedural_passive_are_clean(line: str):
    proc = run_cli("check", "-", stdin=line + "\n")
    assert proc.returncode == 0, proc.stdout
