"""Output options of `check`: GitHub annotations, --output, --redact and --ignore."""

from __future__ import annotations

import json

import yaml

from .conftest import ROOT, SAMPLE, invoke

NOTE = "Zephyrine Okonkwo was pushed.\n\nMother failed to protect the children.\n"


def test_github_annotations_escape_what_the_runner_reads(tmp_path):
    report = tmp_path / "a,b:c.txt"
    report.write_text(NOTE)
    code, out, _ = invoke("check", "--format", "github", str(report))
    assert code == 1
    lines = out.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("::warning file=")
    assert "a%2Cb%3Ac.txt" in lines[0]  # "," and ":" escaped inside a property
    assert ",line=1,col=1,endLine=1,endColumn=" in lines[0]
    assert "title=perpetrator-agency/agentless-violence::" in lines[0]
    assert "line=3,col=1" in lines[1] and "victim-blaming/failure-to-protect" in lines[1]


def test_output_writes_the_report_to_a_file(tmp_path):
    report = tmp_path / "note.txt"
    report.write_text(NOTE)
    target = tmp_path / "report.json"
    code, out, _ = invoke("check", "-f", "json", "--output", str(target), str(report))
    assert code == 1 and out == ""
    payload = json.loads(target.read_text())
    assert payload["summary"]["findings"] == 2
    code, _, err = invoke("check", "--output", str(tmp_path / "missing" / "x.txt"), str(report))
    assert code == 2 and err.count("\n") == 1


def test_redact_leaves_the_documents_words_out_of_every_format(tmp_path):
    report = tmp_path / "note.txt"
    report.write_text(NOTE)
    for fmt in ("text", "json", "github"):
        code, out, err = invoke("check", "--redact", "-f", fmt, str(report))
        assert code == 1
        for word in ("Zephyrine", "Okonkwo", "pushed", "Mother failed"):
            assert word not in out and word not in err, (fmt, word)
    code, out, _ = invoke("check", "--redact", "-f", "json", str(report))
    payload = json.loads(out)
    assert payload["redacted"] is True
    finding = payload["files"][0]["findings"][0]
    assert finding["line"] == 1 and finding["rule"] == "perpetrator-agency/agentless-violence"
    assert finding["text"] == "" and finding["suggestions"] == []


def test_ignore_silences_a_rule_or_category_and_counts_it(tmp_path):
    report = tmp_path / "note.txt"
    report.write_text(NOTE)
    code, out, _ = invoke("check", "--ignore", "victim-blaming", str(report))
    assert code == 1
    assert "failure-to-protect" not in out and "1 ignored" in out
    code, out, _ = invoke(
        "check",
        "--ignore",
        "victim-blaming",
        "--ignore",
        "perpetrator-agency/agentless-violence",
        "-f",
        "json",
        str(report),
    )
    assert code == 0
    assert json.loads(out)["summary"]["ignored"] == 2
    code, _, err = invoke("check", "--ignore", "victim-blaming/nope", str(report))
    assert code == 2 and "unknown rule or category" in err


def test_pre_commit_hook_runs_check_on_text_and_markdown():
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "blamecheck"
    assert hook["entry"] == "blamecheck check"
    assert hook["language"] == "python"
    code, _, _ = invoke(*hook["entry"].split()[1:], str(SAMPLE))
    assert code == 1


INLINE = (
    "She was pushed. <!-- blamecheck-disable-line -->\n"
    "She was pushed.\n"
    "<!-- blamecheck-disable-next-line victim-blaming -->\n"
    "Mother failed to protect the children. She was pushed.\n"
    "<!-- blamecheck-disable perpetrator-agency/agentless-violence -->\n"
    "She was pushed.\n"
    "<!-- blamecheck-enable -->\n"
    "She was pushed.\n"
)


def test_inline_comments_silence_a_line_the_next_line_or_a_region_and_are_counted():
    code, out, _ = invoke("check", "-f", "json", "-", stdin=INLINE)
    payload = json.loads(out)
    lines = [(f["line"], f["rule"]) for f in payload["files"][0]["findings"]]
    assert lines == [
        (2, "perpetrator-agency/agentless-violence"),
        (4, "perpetrator-agency/agentless-violence"),
        (8, "perpetrator-agency/agentless-violence"),
    ]
    assert payload["summary"]["ignored"] == 3
    assert code == 1
    code, out, _ = invoke("check", "-", stdin=INLINE)
    assert code == 1 and "3 ignored" in out


def test_fix_leaves_silenced_findings_alone():
    text = "Mother failed to protect the children. <!-- blamecheck-disable-line -->\n"
    code, out, _ = invoke("fix", "--write", "--placeholders", "-", stdin=text)
    assert out == text and code == 0
