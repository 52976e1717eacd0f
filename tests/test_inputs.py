"""What the command line reads: Markdown as its prose, standard input named with
--stdin-filename, and folders holding other kinds of files."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import invoke

MARKDOWN = """---
summary: she was pushed
---

# Home visit

Ms Clarke was **assaulted** on 3 March, as [the police log](https://example.org/she-was-pushed)
shows.

```text
Mother failed to protect the children.
```

- The couple have a `volatile relationship` in the notes.
"""


def test_markdown_is_checked_as_the_prose_it_shows(tmp_path: Path):
    path = tmp_path / "visit.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    code, out, _ = invoke("check", "--format", "json", str(path))
    findings = json.loads(out)["files"][0]["findings"]
    assert code == 1
    assert [(f["rule"], f["line"], f["column"]) for f in findings] == [
        ("perpetrator-agency/agentless-violence", 7, 1)
    ]
    (finding,) = findings
    assert MARKDOWN[finding["start"] : finding["end"]] == finding["text"]
    assert finding["text"].startswith("Ms Clarke was **assaulted** on 3 March")


def test_the_same_text_as_plain_text_is_read_word_for_word():
    code, out, _ = invoke("check", "--format", "json", "-", stdin=MARKDOWN)
    rules = {f["rule"] for f in json.loads(out)["files"][0]["findings"]}
    assert code == 1 and "victim-blaming/failure-to-protect" in rules  # the code block too


def test_stdin_filename_picks_the_format_and_the_configuration(tmp_path: Path):
    (tmp_path / "blamecheck.toml").write_text(
        '[severity]\n"perpetrator-agency" = "error"\n', encoding="utf-8"
    )
    name = str(tmp_path / "drafts" / "visit.md")  # need not exist
    code, out, _ = invoke(
        "check", "--format", "json", "--stdin-filename", name, "-", stdin=MARKDOWN
    )
    payload = json.loads(out)
    (finding,) = payload["files"][0]["findings"]
    assert code == 1 and payload["files"][0]["path"] == "-"
    assert finding["rule"] == "perpetrator-agency/agentless-violence"
    assert finding["severity"] == "error"


def test_fix_on_markdown_rewrites_prose_and_leaves_code_and_front_matter(tmp_path: Path):
    path = tmp_path / "visit.md"
    text = (
        "---\nsummary: she was pushed\n---\n\n"
        "Mr Reid punched Ms Clarke. Ms Clarke was *assaulted* on 3 March.\n\n"
        "```\nShe was pushed.\n```\n"
    )
    path.write_text(text, encoding="utf-8")
    code, _, _ = invoke("fix", "--write", str(path))
    fixed = path.read_text(encoding="utf-8")
    assert code == 0, fixed
    assert "Mr Reid assaulted Ms Clarke on 3 March." in fixed
    assert fixed.startswith("---\nsummary: she was pushed\n---\n")
    assert fixed.endswith("```\nShe was pushed.\n```\n")


def test_other_files_in_a_folder_are_skipped_with_one_notice(tmp_path: Path):
    (tmp_path / "note.txt").write_text("Mr Reid punched Ms Clarke.\n", encoding="utf-8")
    for name in ("scan.pdf", "photo.jpg", "rota.xlsx", "old.doc"):
        (tmp_path / name).write_bytes(b"\x00\x01")
    (tmp_path / ".hidden.pdf").write_bytes(b"\x00")
    code, out, err = invoke("check", str(tmp_path))
    assert code == 0 and "No findings in 1 file" in out
    (notice,) = err.strip().splitlines()
    assert notice.startswith(
        "blamecheck: skipped 4 files that are not .txt, .md, .markdown, .docx:"
    )
    assert "old.doc" in notice and ".hidden" not in notice


def test_fix_refuses_a_word_document_and_points_at_review(tmp_path: Path):
    path = tmp_path / "report.docx"
    path.write_bytes(b"PK\x03\x04")
    code, _, err = invoke("fix", str(path))
    assert code == 2 and "blamecheck review" in err and "--apply" in err


def test_word_findings_say_which_paragraph_and_where_it_is(tmp_path: Path):
    import docx

    document = docx.Document()
    document.add_paragraph("Home visit on 10 March.")
    document.add_paragraph("Ms Clarke was assaulted on 3 March.")
    table = document.add_table(rows=2, cols=2)
    table.cell(1, 1).text = "Mother failed to protect the children."
    document.sections[0].header.paragraphs[0].text = "The children were exposed to domestic abuse."
    path = tmp_path / "visit.docx"
    document.save(str(path))
    code, out, _ = invoke("check", "--format", "json", str(path))
    found = [
        (f["rule"], f["line"], f["column"], f["paragraph"])
        for f in json.loads(out)["files"][0]["findings"]
    ]
    assert code == 1
    assert found == [
        ("perpetrator-agency/agentless-violence", 2, 1, "body"),
        ("victim-blaming/failure-to-protect", 6, 1, "table 1, row 2, cell 2"),
        ("child-impact/exposure-framing", 7, 1, "header (section 1)"),
    ]
    _, text, _ = invoke("check", str(path))
    assert f"{path}:6:1: [table 1, row 2, cell 2] victim-blaming/failure-to-protect" in text
    assert f"{path}:2:1: perpetrator-agency/agentless-violence" in text
