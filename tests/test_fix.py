"""`blamecheck fix`: diffs, in-place rewrites that keep everything else, standard input,
the interactive walk-through, and unfilled placeholders counted afterwards."""

from __future__ import annotations

import os
import re
import shutil

from .conftest import SAMPLE, invoke, run_cli

# every name, date and number in the sample, found without blamecheck's help
_FACTS = re.compile(
    r"\b(?:Mr|Ms) [A-Z][a-z]+|\b(?:Sarah|Tom|Liam|Mia|Glasgow|Scotland)\b|"
    r"\b(?:January|March|April|November|December)\b|\b\d+\b"
)


def _facts(text: str) -> list[str]:
    return sorted(_FACTS.findall(text))


def test_fix_write_placeholders_on_the_sample_report(tmp_path):
    """Issue 5, done when: the rewritten sample re-checks clean on every rewritten span and
    keeps every name and date of the original."""
    report = tmp_path / "case-note.txt"
    shutil.copy(SAMPLE, report)
    original = report.read_text(encoding="utf-8")

    proc = run_cli("fix", "--write", "--placeholders", str(report))
    rewritten = report.read_text(encoding="utf-8")
    assert rewritten != original
    assert "rewrote 9 spans in 1 file" in proc.stderr
    assert "still flagged" not in proc.stderr
    # every occurrence of every fact survives
    before, after = _facts(original), _facts(rewritten)
    for fact in set(before):
        assert after.count(fact) >= before.count(fact), fact
    # left: the quoted question, kept as evidence, and the sentences no alternative fits
    # without changing the rest of them, which carry the note asking for the writer's words
    check = run_cli("check", "--format", "json", str(report))
    import json

    payload = json.loads(check.stdout)
    remaining = payload["files"][0]["findings"]
    assert [(f["rule"], f["quoted"]) for f in remaining if f["quoted"]] == [
        ("victim-blaming/practice-table", True)
    ]
    for finding in remaining:
        notes = [p["text"] for p in finding["prompts"] if p["source"] == "blamecheck"]
        assert finding["quoted"] or (not finding["suggestions"] and notes), finding["text"]
    assert 'I asked her, "Why did you let him in?"' in rewritten
    # unfilled placeholders are counted in the summary, listed as notices, and exit 1
    gaps = payload["summary"]["placeholders"]
    assert gaps == len(payload["files"][0]["placeholders"]) > 10
    assert check.returncode == 1
    text_check = run_cli("check", str(report))
    assert f"{gaps} unfilled placeholders to complete" in text_check.stdout
    assert text_check.stderr.count("unfilled placeholder [") == gaps
    # the untouched lines are byte for byte the same
    kept = [line for line in original.splitlines() if line.startswith(("Case reference", "2. Mr"))]
    assert all(line in rewritten.splitlines() for line in kept)


def test_fix_prints_a_diff_and_leaves_the_file_alone(tmp_path):
    report = tmp_path / "note.txt"
    report.write_text("Ms Clarke was assaulted by Mr Reid.\nMother failed to protect.\n")
    before = report.stat().st_mtime_ns, report.read_bytes()
    code, out, err = invoke("fix", "--placeholders", str(report))
    assert (report.stat().st_mtime_ns, report.read_bytes()) == before
    assert out.startswith(f"--- a/{report}\n+++ b/{report}\n@@")
    assert "-Mother failed to protect." in out
    assert "would rewrite 1 span" in err
    assert code == 1  # placeholders would remain


def test_fix_without_placeholders_applies_only_complete_rewrites(tmp_path):
    report = tmp_path / "note.txt"
    report.write_text(
        "Mr Reid punched Ms Clarke.\n\nMs Clarke was assaulted on 3 March.\n\n"
        "There was an altercation.\n"
    )
    code, _, err = invoke("fix", "--write", str(report))
    text = report.read_text()
    # who assaulted her is the writer's to say: the rewrite needs her words, so it waits
    assert "Ms Clarke was assaulted on 3 March." in text and "Mr Reid assaulted" not in text
    assert "There was an altercation." in text
    assert "need your words" in err
    assert code == 1
    invoke("fix", "--write", "--placeholders", str(report))
    assert "[who did this] assaulted Ms Clarke on 3 March." in report.read_text()


def test_fix_from_standard_input_offers_the_table_question_first():
    """Issue 5, done when: `fix -` on the destructive question offers the constructive one."""
    code, out, _ = invoke("fix", "-", stdin="Why did you let him in?\n")
    assert "-Why did you let him in?\n+What made it feel safer to have him in the house?\n" in out
    code, out, _ = invoke("fix", "--write", "-", stdin="Why did you let him in?\n")
    assert out == "What made it feel safer to have him in the house?\n"
    assert code == 0


def test_fix_write_keeps_line_endings_bom_and_permissions(tmp_path):
    report = tmp_path / "crlf.txt"
    body = "Heading\r\nMs Clarke was assaulted on 3 March.\r\nUnrelated line \u2019 here.\r\n"
    report.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    os.chmod(report, 0o640)
    code, _, _ = invoke("fix", "--write", "--placeholders", str(report))
    assert code == 1  # placeholders remain
    data = report.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data[3:].decode("utf-8")
    assert text == (
        "Heading\r\n[who did this] assaulted Ms Clarke on 3 March.\r\n"
        "Unrelated line \u2019 here.\r\n"
    )
    assert os.stat(report).st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crlf.txt"]  # no temporary left


def test_fix_leaves_clean_files_untouched_and_exits_0(tmp_path):
    report = tmp_path / "clean.txt"
    report.write_text("Mr Reid failed to attend the programme.\n")
    mtime = report.stat().st_mtime_ns
    code, out, _ = invoke("fix", "--write", str(report))
    assert code == 0 and out == ""
    assert report.stat().st_mtime_ns == mtime


def test_fix_interactive_accept_choose_skip_edit_and_quit(tmp_path):
    report = tmp_path / "note.txt"
    report.write_text(
        "Mr Reid punched Ms Clarke.\n\nShe was pushed.\n\nThe couple have a volatile "
        "relationship.\n\nMother failed to protect the children.\n\nThere was an altercation."
        "\n\nMs Clarke chose to stay in the relationship.\n"
    )
    # 1: Enter takes the top one; 2: choose by number (the writer's choice of who it was);
    # 3: skip; 4: type your own words; 5: quit, keeping what was accepted
    answers = "\n2\ns\ne\nan assault by Mr Reid\nq\n"
    proc = run_cli("fix", "--interactive", str(report), stdin=answers)
    text = report.read_text()
    assert "[1/5]" in proc.stdout and "[5/5]" in proc.stdout
    assert "2) Mr Reid pushed her  (Your decision, not blamecheck's" in proc.stdout
    assert "[who did this] pushed her." in text  # Enter never takes a choice
    assert "The couple have a relationship in which Mr Reid [what he does] to [her name]." in text
    assert "Mother failed to protect the children." in text  # skipped
    assert "There was an assault by Mr Reid." in text
    assert "Ms Clarke chose to stay in the relationship." in text  # quit before it
    assert "rewrote 3 spans" in proc.stderr
    assert "please report it" not in proc.stderr  # words the writer typed are hers


def test_fix_interactive_refuses_standard_input():
    code, _, err = invoke("fix", "--interactive", "-", stdin="She was pushed.")
    assert code == 2
    assert err.count("\n") == 1 and "--interactive" in err


def test_fix_never_applies_an_alternative_that_would_lose_a_fact():
    text = "You need to stop contact with Dean and get a non-molestation order by 12 May.\n"
    code, out, err = invoke("fix", "--write", "--placeholders", "-", stdin=text)
    assert out == text  # the table's questions would drop "Dean" and "12 May"
    assert code == 1 and "1 finding left" in err


def test_fix_in_a_folder_skips_binary_files_and_fixes_the_rest(tmp_path):
    (tmp_path / "a.txt").write_text("Why did you let him in?\n")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01binary")
    code, _, err = invoke("fix", "--write", str(tmp_path))
    assert (tmp_path / "a.txt").read_text() == "What made it feel safer to have him in the house?\n"
    assert "skipped" in err and "b.txt: binary file" in err
    assert code == 0


def test_fix_write_follows_a_symbolic_link_and_refuses_a_read_only_file(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("Why did you let him in?\n")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    invoke("fix", "--write", str(link))
    assert link.is_symlink()
    assert real.read_text().startswith("What made it feel safer")
    locked = tmp_path / "locked.txt"
    locked.write_text("Why did you let him in?\n")
    locked.chmod(0o444)
    code, _, err = invoke("fix", "--write", str(locked))
    assert code == 2 and "read-only" in err
    assert locked.read_text() == "Why did you let him in?\n"


def test_fix_showing_a_diff_exits_1_when_there_is_something_to_change():
    code, _, _ = invoke("fix", "-", stdin="Why did you let him in?\n")
    assert code == 1
    code, out, _ = invoke("fix", "-", stdin="Mr Reid failed to attend the programme.\n")
    assert (code, out) == (0, "")


def test_fix_diff_of_a_paged_file_applies_with_git(tmp_path):
    """Issue 20: a form feed (pdftotext's page break) is inside a line for `git apply` and
    `patch`, so the diff must not end a line there."""
    import subprocess

    notes = tmp_path / "notes.txt"
    notes.write_bytes(
        b"Visit notes\x0cseen at home.\nMother failed to protect the children.\nShe was pushed.\n"
    )
    proc = run_cli("fix", "--placeholders", str(notes), cwd=tmp_path)
    assert proc.returncode == 1 and "No newline" not in proc.stdout
    (tmp_path / "fix.patch").write_text(proc.stdout.replace(str(notes), "notes.txt"))
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    applied = subprocess.run(
        ["git", "apply", "fix.patch"], cwd=tmp_path, capture_output=True, text=True
    )
    assert applied.returncode == 0, applied.stderr
    text = notes.read_bytes()
    assert text.startswith(b"Visit notes\x0cseen at home.\n") and b"failed to protect" not in text


def test_fix_twice_changes_nothing_more(tmp_path):
    """Issue 20: `fix --write` run again on its own output leaves it as it is."""
    report = tmp_path / "case-note.txt"
    shutil.copy(SAMPLE, report)
    assert run_cli("fix", "--write", "--placeholders", str(report)).returncode == 1
    once = report.read_bytes()
    proc = run_cli("fix", "--write", "--placeholders", str(report))
    assert report.read_bytes() == once
    assert "rewrote 0 spans" in proc.stderr and "please report" not in proc.stderr
