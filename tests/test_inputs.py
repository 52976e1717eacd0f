"""What the command line reads: Markdown as its prose, standard input named with
--stdin-filename, and folders holding other kinds of files."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import invoke, run_cli

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
    assert code == 1 and payload["files"][0]["path"] == name  # reported by the name given
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
    code, _, _ = invoke("fix", "--write", "--placeholders", str(path))
    fixed = path.read_text(encoding="utf-8")
    assert code == 1, fixed  # the placeholder is the writer's to fill
    assert "[who did this] assaulted Ms Clarke on 3 March." in fixed
    assert fixed.startswith("---\nsummary: she was pushed\n---\n")
    assert fixed.endswith("```\nShe was pushed.\n```\n")


def test_other_files_in_a_folder_are_skipped_with_one_notice(tmp_path: Path):
    (tmp_path / "note.txt").write_text("Mr Reid punched Ms Clarke.\n", encoding="utf-8")
    for name in ("scan.pdf", "photo.jpg", "rota.xlsx", "old.doc"):
        (tmp_path / name).write_bytes(b"\x00\x01")
    (tmp_path / ".hidden.pdf").write_bytes(b"\x00")
    (tmp_path / "blamecheck.toml").write_text("", encoding="utf-8")  # settings: no notice
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


def test_fix_on_markdown_puts_code_back_and_never_drops_a_link_target(tmp_path: Path):
    path = tmp_path / "visit.md"
    path.write_text(
        "Mr Reid punched Ms Clarke. Ms Clarke was assaulted at `Flat 2` on 3 March.\n\n"
        "Ms Clarke was [assaulted](https://police.example/ref-123) on 4 March.\n",
        encoding="utf-8",
    )
    _, out, _ = invoke("check", "--format", "json", str(path))
    code_finding, link_finding = json.loads(out)["files"][0]["findings"]
    top = code_finding["suggestions"][0]
    assert top["replacement"] == "[who did this] assaulted Ms Clarke at `Flat 2` on 3 March"
    assert top["keeps_facts"] is True
    assert all(not s["keeps_facts"] for s in link_finding["suggestions"])
    _, _, err = invoke("fix", "--write", "--placeholders", str(path))
    assert "1 would drop facts or markup of the flagged words" in err
    fixed = path.read_text(encoding="utf-8")
    assert "[who did this] assaulted Ms Clarke at `Flat 2` on 3 March." in fixed
    assert "[assaulted](https://police.example/ref-123) on 4 March." in fixed  # left alone


def test_a_report_is_never_written_over_a_checked_file(tmp_path: Path):
    note = tmp_path / "note.txt"
    note.write_text("She was pushed.\n", encoding="utf-8")
    for option in ("--output", "--write-baseline"):
        code, _, err = invoke("check", option, str(note), str(tmp_path))
        assert code == 2 and "is one of the files being checked" in err
        assert note.read_text(encoding="utf-8") == "She was pushed.\n"
    code, _, err = invoke(
        "check", "--write-baseline", str(tmp_path / "b.json"), "-o", str(tmp_path / "r.txt"), "-"
    )
    assert code == 2 and "--write-baseline writes only the baseline" in err


def test_a_non_text_codec_is_a_one_line_error(tmp_path: Path):
    note = tmp_path / "note.txt"
    note.write_text("She was pushed.\n", encoding="utf-8")
    code, _, err = invoke("check", "--encoding", "rot13", str(note))
    assert code == 2 and "'rot13' given with --encoding is not a text encoding" in err


def test_an_inline_comment_naming_no_rule_is_pointed_out():
    text = (
        "Intro.\n<!-- blamecheck-disable-next-line nope/nothing, victim-blaming -->\n"
        "She was pushed.\n"
    )
    code, _, err = invoke("check", "--stdin-filename", "notes.md", "-", stdin=text)
    assert code == 1
    assert (
        "blamecheck: notes.md:2:1: blamecheck comment names no rule or category 'nope/nothing'"
        in err
    )
    assert "victim-blaming'" not in err


def test_invisible_characters_do_not_hide_a_finding():
    text = "She was pu\u00adshed.\n\nMs Clarke was assa\u200bulted on 3 March.\n"
    code, out, _ = invoke("check", "--format", "json", "-", stdin=text)
    findings = json.loads(out)["files"][0]["findings"]
    assert code == 1
    assert [(f["text"], f["line"]) for f in findings] == [
        ("She was pu\u00adshed", 1),
        ("Ms Clarke was assa\u200bulted on 3 March", 3),
    ]
    top = findings[1]["suggestions"][0]
    assert top["replacement"] == "[who did this] assaulted Ms Clarke on 3 March"
    assert top["keeps_facts"] is True


def test_an_unclosed_html_comment_in_markdown_is_pointed_out():
    text = "Intro.\n\n<!-- a note to self\n\nShe was pushed.\n"
    code, _, err = invoke("check", "--stdin-filename", "n.md", "-", stdin=text)
    assert code == 0
    assert "n.md:3:1: an HTML comment opened here is never closed" in err


def test_an_unclosed_comment_inside_a_paragraph_is_text_and_gets_no_notice():
    """CommonMark reads "<!--" inside a paragraph as text: the rest of the file is checked."""
    text = "Intro <!-- a note to self\n\nShe was pushed.\n"
    code, out, err = invoke("check", "--stdin-filename", "n.md", "-", stdin=text)
    assert code == 1 and "She was pushed" in out
    assert "never closed" not in err


def test_lines_end_at_a_lone_carriage_return_too():
    code, out, _ = invoke("check", "--format", "json", "-", stdin="Intro.\rShe was pushed.\r")
    (finding,) = json.loads(out)["files"][0]["findings"]
    assert code == 1 and (finding["line"], finding["column"]) == (2, 1)


def test_a_picture_named_on_the_command_line_is_called_binary(tmp_path: Path):
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\xff\xd8\xff\xe0JFIF\xc3(")  # no NUL in its first bytes
    code, _, err = invoke("check", str(path))
    assert code == 2 and err.strip() == f"blamecheck: error: {path}: binary file, not text"


def test_a_folder_given_as_configuration_is_one_line(tmp_path: Path):
    code, _, err = invoke("check", "--config", str(tmp_path), "-", stdin="x")
    assert code == 2 and "is a folder; give its blamecheck.toml or pyproject.toml" in err


def test_text_a_word_document_keeps_out_of_reach_is_named(tmp_path: Path):
    """A text box is not read: say so, or a clean result would pass for a checked one."""
    import docx
    from lxml import etree

    document = docx.Document()
    paragraph = document.add_paragraph("Home visit on 10 March. ")
    box = etree.fromstring(
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        ' xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape><v:textbox>'
        "<w:txbxContent><w:p><w:r><w:t>She was pushed.</w:t></w:r></w:p></w:txbxContent>"
        "</v:textbox></v:shape></w:pict></w:r>"
    )
    paragraph._p.append(box)
    path = tmp_path / "boxed.docx"
    document.save(str(path))
    code, out, err = invoke("check", str(path))
    assert code == 0 and "No findings in 1 file" in out
    assert f"{path}: not checked: 1 text box" in err
    assert "pushed" not in err


def test_review_comments_only_on_findings_not_in_the_baseline(tmp_path: Path):
    import docx

    document = docx.Document()
    document.add_paragraph("Ms Clarke was assaulted on 3 March.")
    path = tmp_path / "visit.docx"
    document.save(str(path))
    baseline = tmp_path / "baseline.json"
    invoke("check", "--write-baseline", str(baseline), str(path))
    document.add_paragraph("Mother failed to protect the children.")
    document.save(str(path))
    code, _, err = invoke(
        "review", str(path), "-o", str(tmp_path / "out.docx"), "--baseline", str(baseline)
    )
    assert code == 1 and err.strip().endswith("out.docx: 1 comment")


# -- .gitignore and --exclude when a folder is walked ---------------------------------------

FLAGGED = "Mother failed to protect the children.\n"


def _tree(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(FLAGGED, encoding="utf-8")


def _checked(*args: str) -> list[str]:
    code, out, err = invoke("check", "--format", "json", *args)
    assert code in (0, 1), err
    return sorted(f["path"] for f in json.loads(out)["files"])


def test_what_git_ignores_is_skipped_in_a_folder_as_git_reads_it(tmp_path: Path):
    """The repository's .gitignore above the folder, one inside it that takes a file back
    with "!", and .git/info/exclude all count; a deeper file wins over a higher one."""
    repo = tmp_path / "repo"
    (repo / ".git" / "info").mkdir(parents=True)
    (repo / ".git" / "info" / "exclude").write_text("*.tmp.md\n", encoding="utf-8")
    (repo / ".gitignore").write_text("# drafts stay local\ndrafts/\n*.bak.md\n", encoding="utf-8")
    notes = repo / "notes"
    _tree(
        notes,
        "visit.txt",
        "drafts/first.txt",
        "sub/drafts/second.md",
        "old.bak.md",
        "kept/kept.bak.md",
        "scratch.tmp.md",
    )
    (notes / "kept" / ".gitignore").write_text("!kept.bak.md\n", encoding="utf-8")
    found = _checked(str(notes))
    assert found == [str(notes / "kept" / "kept.bak.md"), str(notes / "visit.txt")]
    everything = _checked("--no-respect-gitignore", str(notes))
    assert len(everything) == 6


def test_a_file_named_on_the_command_line_is_read_even_if_ignored(tmp_path: Path):
    (tmp_path / ".gitignore").write_text("drafts/\n", encoding="utf-8")
    _tree(tmp_path, "drafts/first.txt", "visit.txt")
    assert _checked(str(tmp_path)) == [str(tmp_path / "visit.txt")]  # no repository: still
    named = str(tmp_path / "drafts" / "first.txt")
    assert _checked(named, "--exclude", "drafts/") == [named]


def test_exclude_option_adds_gitignore_style_patterns(tmp_path: Path):
    _tree(tmp_path, "visit.txt", "archive/2019.txt", "notes/summary.old.md", "notes/new.md")
    found = _checked("--exclude", "archive/", "--exclude", "*.old.md", str(tmp_path))
    assert found == [str(tmp_path / "notes" / "new.md"), str(tmp_path / "visit.txt")]


def test_exclude_patterns_are_read_from_the_current_folder(tmp_path: Path):
    _tree(tmp_path, "notes/archive/2019.txt", "notes/visit.txt", "archive/keep.txt")
    proc = run_cli("check", "-f", "json", "--exclude", "/notes/archive", ".", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    found = sorted(f["path"] for f in json.loads(proc.stdout)["files"])
    assert found == ["archive/keep.txt", "notes/visit.txt"]


def test_a_bad_exclude_pattern_is_one_line(tmp_path: Path):
    code, out, err = invoke("check", "--exclude", "!", str(tmp_path))
    assert code == 2 and out == ""
    assert err.strip() == (
        "blamecheck: error: --exclude: not a valid gitignore-style pattern "
        "(Invalid git pattern: '!')"
    )


def test_fix_walks_folders_the_same_way(tmp_path: Path):
    (tmp_path / ".gitignore").write_text("drafts/\n", encoding="utf-8")
    _tree(tmp_path, "drafts/first.txt", "visit.txt", "old/one.txt")
    code, out, err = invoke("fix", "--placeholders", "--exclude", "old/", str(tmp_path))
    assert code == 1, err
    assert "visit.txt" in out and "first.txt" not in out and "one.txt" not in out
    assert "(checked 1 file)" in err
