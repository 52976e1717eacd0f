"""blamecheck.toml / [tool.blamecheck]: found upward, validated, and used by check and fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from .conftest import invoke
from .test_patterns import GOOD_RULE

NOTE = (
    "Dean punched Sarah in the kitchen on 3 March.\n\n"
    "She was pushed against the door.\n\n"
    "Sarah failed to protect Liam.\n\n"
    "The children were exposed to domestic violence.\n"
)


def _case(tmp_path: Path, config: str, name: str = "blamecheck.toml") -> Path:
    (tmp_path / name).write_text(config, encoding="utf-8")
    notes = tmp_path / "cases" / "walsh"
    notes.mkdir(parents=True)
    path = notes / "visit.txt"
    path.write_text(NOTE, encoding="utf-8")
    return path


def _json(*args: str) -> tuple[int, dict, str]:
    code, out, err = invoke("check", "--format", "json", *args)
    return code, (json.loads(out) if out.strip() else {}), err


def test_without_configuration_every_rule_reports():
    code, payload, _ = _json("-")
    assert code == 0 and payload["summary"]["findings"] == 0


def test_configuration_is_found_above_the_file_and_applied(tmp_path: Path):
    path = _case(
        tmp_path,
        'ignore = ["child-impact"]\n'
        '[severity]\n"perpetrator-agency" = "error"\n'
        '"victim-blaming/failure-to-protect" = "info"\n',
    )
    code, payload, _ = _json(str(path))
    findings = payload["files"][0]["findings"]
    assert code == 1
    assert {f["category"] for f in findings} == {"perpetrator-agency", "victim-blaming"}
    assert payload["summary"]["ignored"] == 1  # the child-impact finding, counted
    by_rule = {f["rule"]: f["severity"] for f in findings}
    assert by_rule["victim-blaming/failure-to-protect"] == "info"
    assert all(s == "error" for r, s in by_rule.items() if r.startswith("perpetrator-agency"))


def test_select_keeps_only_the_named_rules_and_categories(tmp_path: Path):
    path = _case(tmp_path, 'select = ["victim-blaming"]\n')
    _, payload, _ = _json(str(path))
    assert {f["category"] for f in payload["files"][0]["findings"]} == {"victim-blaming"}


def test_people_fill_the_rewrites_without_a_clue_in_the_text(tmp_path: Path):
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "visit.txt").write_text("Sarah failed to protect Liam.\n", encoding="utf-8")
    _, before, _ = _json(str(bare / "visit.txt"))
    (before_finding,) = before["files"][0]["findings"]
    assert "Dean" not in json.dumps(before_finding["suggestions"])

    (bare / "blamecheck.toml").write_text(
        '[people]\nperpetrator = ["Dean Walsh"]\nsurvivor = ["Sarah Walsh"]\nchildren = ["Liam"]\n',
        encoding="utf-8",
    )
    _, after, _ = _json(str(bare / "visit.txt"))
    (finding,) = after["files"][0]["findings"]
    top, choice = finding["suggestions"][:2]
    # the configured names are the writer's choices, never written in for her
    assert top["replacement"].startswith("[his name] ") and "Dean" not in top["replacement"]
    assert choice["kind"] == "choice" and choice["replacement"].startswith("Dean Walsh ")


def test_pyproject_tool_table_is_used_and_blamecheck_toml_wins(tmp_path: Path):
    path = _case(tmp_path, '[tool.blamecheck]\nselect = ["child-impact"]\n', "pyproject.toml")
    _, payload, _ = _json(str(path))
    assert {f["category"] for f in payload["files"][0]["findings"]} == {"child-impact"}
    (tmp_path / "blamecheck.toml").write_text('select = ["victim-blaming"]\n', encoding="utf-8")
    _, payload, _ = _json(str(path))
    assert {f["category"] for f in payload["files"][0]["findings"]} == {"victim-blaming"}


def test_a_pyproject_without_the_table_is_passed_over(tmp_path: Path):
    path = _case(tmp_path, 'select = ["victim-blaming"]\n')
    (path.parent / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    _, payload, _ = _json(str(path))
    assert {f["category"] for f in payload["files"][0]["findings"]} == {"victim-blaming"}


def test_explicit_config_wins_over_the_nearest(tmp_path: Path):
    path = _case(tmp_path, 'select = ["victim-blaming"]\n')
    other = tmp_path / "other.toml"
    other.write_text('select = ["child-impact"]\n', encoding="utf-8")
    _, payload, _ = _json("--config", str(other), str(path))
    assert {f["category"] for f in payload["files"][0]["findings"]} == {"child-impact"}


def test_extra_packs_are_read_relative_to_the_configuration(tmp_path: Path):
    rule = {**GOOD_RULE, "id": "victim-blaming/team-zebra"}
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "team.yaml").write_text(
        yaml.safe_dump({"category": "victim-blaming", "description": "team", "rules": [rule]}),
        encoding="utf-8",
    )
    path = _case(tmp_path, 'packs = ["rules/team.yaml"]\n')
    path.write_text("A zebra was in the garden.\n", encoding="utf-8")
    code, payload, _ = _json(str(path))
    assert code == 1
    assert [f["rule"] for f in payload["files"][0]["findings"]] == ["victim-blaming/team-zebra"]


def test_file_types_choose_what_a_folder_is_searched_for(tmp_path: Path):
    path = _case(tmp_path, 'file-types = ["md"]\n')
    (path.parent / "summary.md").write_text("She was pushed.\n", encoding="utf-8")
    code, out, err = invoke("check", "--format", "json", str(tmp_path / "cases"))
    assert code == 1
    assert [Path(f["path"]).name for f in json.loads(out)["files"]] == ["summary.md"]
    assert "skipped 1 file that is not .md" in err and "visit.txt" in err


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("select = victim\n", r"blamecheck.toml: not valid TOML"),
        ('[severity]\n"victim-blaming" = "loud"\n', r"severity.victim-blaming: Input should be"),
        ('colour = "red"\n', r"blamecheck.toml: colour: unknown setting"),
        ('select = ["victim-blaming/nope"]\n', r"select: unknown rule or category"),
        ('file-types = ["pdf"]\n', r"file-types: 'pdf' is not one of txt, md, markdown, docx"),
        ("file-types = []\n", r"file-types: List should have at least 1 item"),
        ('[people]\nfather = ["Tom"]\n', r"people.father: unknown setting"),
        (
            'packs = ["missing.yaml"]\n',
            r"blamecheck.toml: packs: .*missing.yaml: pattern pack not found",
        ),
    ],
)
def test_a_bad_configuration_is_one_line_naming_file_and_key(
    tmp_path: Path, config: str, expected: str
):
    import re

    path = _case(tmp_path, config)
    code, out, err = invoke("check", str(path))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("blamecheck: error: ") and "Traceback" not in err
    assert re.search(expected, err), err


def test_a_bad_pyproject_table_names_the_table(tmp_path: Path):
    path = _case(tmp_path, "[tool.blamecheck]\nselect = 3\n", "pyproject.toml")
    code, _, err = invoke("check", str(path))
    assert code == 2
    assert "pyproject.toml [tool.blamecheck]: select: Input should be a valid list" in err


def test_fix_uses_the_same_configuration(tmp_path: Path):
    path = _case(tmp_path, 'select = ["victim-blaming"]\n')
    code, out, _ = invoke("fix", "--placeholders", str(path))
    assert code == 1
    changed = [line for line in out.splitlines() if line.startswith("-") and "---" not in line]
    assert changed == ["-Sarah failed to protect Liam."]


def test_people_who_share_a_surname_are_told_apart_by_first_name(tmp_path: Path):
    (tmp_path / "blamecheck.toml").write_text(
        '[people]\nperpetrator = ["Dean Walsh"]\nsurvivor = ["Sarah Walsh"]\n', encoding="utf-8"
    )
    path = tmp_path / "a.txt"
    path.write_text(
        "Dean Walsh punched her. Sarah Walsh was assaulted on 3 March.\n\nShe was pushed.\n",
        encoding="utf-8",
    )
    _, payload, _ = _json(str(path))
    findings = payload["files"][0]["findings"]
    tops = [f["suggestions"][0]["replacement"] for f in findings]
    assert tops == ["[who did this] assaulted Sarah Walsh on 3 March", "[who did this] pushed her"]
    choices = [
        s["replacement"] for f in findings for s in f["suggestions"] if s["kind"] == "choice"
    ]
    assert choices == ["Dean Walsh assaulted Sarah Walsh on 3 March", "Dean Walsh pushed her"]


def test_exclude_in_the_configuration_is_read_from_its_folder(tmp_path: Path):
    path = _case(tmp_path, 'exclude = ["cases/*/drafts/", "*.old.txt"]\n')
    (path.parent / "drafts").mkdir()
    (path.parent / "drafts" / "first.txt").write_text(NOTE, encoding="utf-8")
    (path.parent / "visit.old.txt").write_text(NOTE, encoding="utf-8")
    (tmp_path / "drafts").mkdir()  # not cases/*/drafts: kept
    (tmp_path / "drafts" / "kept.txt").write_text(NOTE, encoding="utf-8")
    code, payload, _ = _json(str(tmp_path))
    assert code == 1
    assert sorted(Path(f["path"]).relative_to(tmp_path).as_posix() for f in payload["files"]) == [
        "cases/walsh/visit.txt",
        "drafts/kept.txt",
    ]
    code, payload, _ = _json("--exclude", "kept.txt", str(tmp_path))  # added, not replacing
    assert [Path(f["path"]).name for f in payload["files"]] == ["visit.txt"]


def test_respect_gitignore_can_be_turned_off_in_the_configuration(tmp_path: Path):
    path = _case(tmp_path, "respect-gitignore = false\n")
    (tmp_path / ".gitignore").write_text("cases/\n", encoding="utf-8")
    code, payload, _ = _json(str(tmp_path))
    assert code == 1 and [Path(f["path"]).name for f in payload["files"]] == [path.name]
    code, payload, _ = _json("--respect-gitignore", str(tmp_path))  # the option wins
    assert code == 0 and payload["files"] == []


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ('exclude = ["\\\\"]\n', "exclude: '\\' is not a valid gitignore-style pattern"),
        ('exclude = "drafts/"\n', "exclude: Input should be a valid list"),
        ('respect-gitignore = "no"\n', "respect-gitignore: Input should be a valid boolean"),
    ],
)
def test_a_bad_exclude_setting_is_one_line(tmp_path: Path, config: str, expected: str):
    path = _case(tmp_path, config)
    code, _, err = invoke("check", str(path))
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert expected in err, err
