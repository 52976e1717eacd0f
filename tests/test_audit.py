"""`blamecheck audit` as a manager and an auditor meet it: a case, a caseload, bad input."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest

from .conftest import run_cli

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "corpus" / "cases"
SAMPLE_CASE = CASES / "dev" / "dev-001"


@pytest.fixture(scope="module")
def sample() -> dict:
    proc = run_cli("audit", "--format", "json", str(SAMPLE_CASE))
    assert proc.returncode == 1, proc.stderr  # criteria short of met: something found
    (case,) = json.loads(proc.stdout)["cases"]
    return case


def test_the_sample_case_names_its_people(sample):
    assert sample["people"]["survivor"] == ["Ms Doyle"]
    assert sample["people"]["perpetrator"] == ["Mr Doyle"]
    assert sample["people"]["children"] == ["Ruby", "Tyler"]
    assert [d["date"] for d in sample["documents"]] == sorted(
        d["date"] for d in sample["documents"]
    )


def test_his_pattern_is_typed_and_placed(sample):
    pushed = [b for b in sample["behaviours"] if "pushed her backwards" in b["text"]]
    assert pushed and pushed[0]["type"] == "physical"
    assert pushed[0]["doc"] == "01-police-incident-log.txt" and pushed[0]["date"] == "2024-02-11"
    text = (SAMPLE_CASE / pushed[0]["doc"]).read_text(encoding="utf-8")
    assert "pushed her backwards" in text[pushed[0]["start"] : pushed[0]["end"]]
    assert sample["coercive_control_recorded"]
    assert any(b["type"] == "monitoring" for b in sample["behaviours"])


def test_each_child_has_specific_and_generic_impact_apart(sample):
    children = {c["name"]: c for c in sample["children"]}
    assert any("listens out" in i["text"] for i in children["Tyler"]["specific"])
    assert not children["Ruby"]["specific"]
    assert any("impact on children" in i["text"] for i in sample["generic_impacts"])


def test_the_plan_is_read_by_person_and_route(sample):
    plan = sample["plan"]
    assert plan["by_person"]["survivor"] >= 2 and plan["by_person"]["agency"] >= 2
    police = [a for a in plan["actions"] if a["text"].startswith("Ms Doyle to contact the police")]
    assert (
        police and police[0]["who"] == "survivor" and police[0]["safety_route"] == "calling-police"
    )
    assert not plan["behaviour_change_goal"]


def test_criteria_and_the_pattern_map(sample):
    assert [c["id"] for c in sample["criteria"]] == [
        "i",
        "ii",
        "iii",
        "iv",
        "v",
        "vi",
        "vii",
        "viii",
    ]
    levels = {c["id"]: c["level"] for c in sample["criteria"]}
    assert levels["iv"] == "met" and levels["vi"] == "met"
    assert all(c["evidence"] for c in sample["criteria"] if c["level"] != "not-evidenced")
    sections = sample["pattern_map"]
    assert len(sections) == 4 and sections[3]["title"] == "Implications for practice"
    for section in sections:
        dates = [e["date"] for e in section["evidence"]]
        assert dates == sorted(dates)
    assert "no behaviour-change goal for Mr Doyle" in sample["gaps"]


def test_a_caseload_gives_a_summary_csv_and_html(tmp_path):
    report = tmp_path / "audit.html"
    proc = run_cli("audit", "--format", "csv", "--html", str(report), str(CASES / "dev"))
    assert proc.returncode == 1, proc.stderr
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert len(rows) == 24 and rows[0]["case"] == "dev-001"
    page = report.read_text(encoding="utf-8")
    assert page.count('class="case"') == 24 and 'id="chart-criteria"' in page
    text = run_cli("audit", str(CASES / "dev"))
    assert text.returncode == 1
    assert "24" in text.stdout and "dev-024" in text.stdout


def test_a_folder_of_splits_is_read_as_one_caseload(tmp_path):
    # corpus/cases holds LABELLING.md beside dev/ and test/: a caseload, not a case
    proc = run_cli("audit", "--format", "json", str(CASES))
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout)["summary"]["cases"] == 44


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()
    }


def test_bad_input_gets_one_line_and_nothing_is_written_over(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = run_cli("audit", str(empty))
    assert proc.returncode == 2 and proc.stderr.strip().count("\n") == 0
    assert "empty folder" in proc.stderr

    nobody = tmp_path / "nobody"
    nobody.mkdir()
    (nobody / "note.txt").write_text(
        "Date: 2024-01-05\nThe visit took place. The house was tidy.\n"
    )
    proc = run_cli("audit", str(nobody))
    assert proc.returncode == 2 and "no parent is named" in proc.stderr
    assert "Traceback" not in proc.stderr

    broken = tmp_path / "caseload" / "broken"
    broken.mkdir(parents=True)
    (broken / "scan.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 50)
    good = tmp_path / "caseload" / "doyle"
    shutil.copytree(SAMPLE_CASE, good)
    before = _digest(tmp_path / "caseload")
    proc = run_cli("audit", "--html", str(good / "01-police-incident-log.txt"), str(good))
    assert proc.returncode == 2 and "is one of the inputs" in proc.stderr
    proc = run_cli("audit", "--format", "json", str(tmp_path / "caseload"))
    assert proc.returncode == 1
    assert "not audited" in proc.stderr and "broken" in proc.stderr
    assert [c["case"] for c in json.loads(proc.stdout)["cases"]] == ["doyle"]
    assert _digest(tmp_path / "caseload") == before


def test_the_report_is_never_written_over_an_input(tmp_path):
    case = tmp_path / "doyle"
    shutil.copytree(SAMPLE_CASE, case)
    target = case / "02-social-work-case-note.txt"
    before = target.read_bytes()
    proc = run_cli("audit", "--html", str(target), str(target))
    assert proc.returncode == 2 and "is one of the inputs" in proc.stderr
    assert target.read_bytes() == before


def _audit_note(tmp_path: Path, text: str) -> dict:
    """`blamecheck audit --format json` on a one-note case written for a test."""
    case = tmp_path / "case"
    case.mkdir()
    (case / "note.txt").write_text(text, encoding="utf-8")
    proc = run_cli("audit", "--format", "json", str(case))
    assert proc.returncode in (0, 1), proc.stderr
    (audit,) = json.loads(proc.stdout)["cases"]
    return audit


def test_eval_audit_reports_agreement_and_item_scores():
    proc = run_cli("eval", "--audit", "--split", "dev", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    figures = json.loads(proc.stdout)
    assert figures["cases"] == 24 and set(figures["criteria"]) == {
        "i", "ii", "iii", "iv", "v", "vi", "vii", "viii"
    }  # fmt: skip
    plan = figures["items"]["plan_actions"]
    assert plan["labelled"] == 354 and plan["precision"] >= 0.9
    assert figures["second_auditor"] is None  # the dev half is labelled once
    text = run_cli("eval", "--audit", "--split", "dev")
    assert "criterion  agreement" in text.stdout and "targets" in text.stdout


def test_eval_audit_sets_the_second_auditor_beside_the_audit():
    proc = run_cli("eval", "--audit", "--split", "test", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    second = json.loads(proc.stdout)["second_auditor"]
    assert second["cases"] == 20 and set(second["items"]) == {
        "behaviours", "impacts", "protective_efforts", "complicating_factors", "plan_actions"
    }  # fmt: skip
    assert all(0.0 <= v <= 1.0 for v in second["criteria"].values())
    text = run_cli("eval", "--audit", "--split", "test").stdout
    assert "second auditor (20 cases)" in text and "second auditor P / R" in text


def test_an_impact_is_an_effect_on_a_child_not_her_care_nor_a_visit(tmp_path):
    """A sentence counts as an impact when something is wrong for a child: not a child's
    ordinary day ("development is on track"), a visit ("asked to see me"), or her care of
    them ("she has kept Lacey's attendance at 97%"), which is one of her efforts. A police
    log's "Call from <her>" and the care a visitor sees are her efforts too."""
    audit = _audit_note(
        tmp_path,
        "Date: 2024-03-01\n\n"
        "Mother: Kerry Lynch. Father: Jamie Boyle. Children: Lacey (8), Reece (3).\n\n"
        "Call at 23:50 from Kerry LYNCH (29) requesting police. Jamie Boyle pushed her.\n\n"
        "Reece's development is on track. Lacey asked to see me. Ms Lynch has kept Lacey's school"
        " attendance at 97%. The children were clean and the house was tidy.\n\n"
        "Since the incident Lacey has stopped going to football. Lacey has been wetting the"
        " bed.\n",
    )
    impacts = " | ".join(
        i["text"]
        for i in (
            *audit["generic_impacts"],
            *(i for c in audit["children"] for i in (*c["specific"], *c["generic"])),
        )
    )
    assert "stopped going to football" in impacts and "wetting the bed" in impacts
    assert "on track" not in impacts and "asked to see me" not in impacts
    assert "97%" not in impacts
    efforts = " | ".join(e["text"] for e in audit["efforts"])
    assert "Call at 23:50 from Kerry LYNCH" in efforts
    assert "The children were clean" in efforts and "97%" in efforts


def test_his_acts_and_her_efforts_are_read_from_the_parse(tmp_path):
    """A refusal, what he tells her and what he takes of hers are his acts; what she will do,
    might do, does as the time of something else or reports is not an effort of hers, what
    she did is."""
    audit = _audit_note(
        tmp_path,
        "Date: 2024-03-01\n\n"
        "Mother: Amy Hale. Father: Ross Hale. Child: Leo (6).\n\n"
        "Amy said Ross does not allow visitors when he is out. Ross tells her she is 'useless'."
        " Ross took her passport. Ross has agreed to attend a programme.\n\n"
        "Amy changed the locks and walked Leo to school every day. Amy reported that Ross"
        " reads her messages. Amy will call the police if Ross comes back. Leo cries when Amy"
        " leaves him at school.\n",
    )
    acts = " | ".join(b["text"] for b in audit["behaviours"])
    assert "does not allow visitors" in acts
    assert "tells her she is 'useless'" in acts
    assert "took her passport" in acts
    assert "reads her messages" in acts
    assert "agreed to attend" not in acts
    efforts = " | ".join(e["text"] for e in audit["efforts"])
    assert "changed the locks" in efforts
    assert "walked Leo to school" in efforts
    assert "call the police" not in efforts
    assert "when Amy leaves" not in efforts  # the time Leo cries, not an act of hers
    assert "reported" not in efforts


def test_who_uses_abuse_is_read_from_the_acts_the_file_records(tmp_path):
    """The defaults (he uses abuse) give way only to the file's own evidence: her attacks on
    him, or one of two women named as the one whose acts are abuse; one push back in
    self-defence does not turn a case."""
    notes = {
        "reversed": (
            "Date: 2024-05-02\n\n"
            "Call from Mark OWENS (41). He stated his wife had hit him with a frying pan.\n\n"
            "Mrs Owens punched Mr Owens twice in the face in front of the children. She has"
            " threatened him with a knife before. Mrs Owens checks his phone every night and"
            " keeps his bank card. Mr Owens took the children to his mother's house.\n"
        ),
        "two-women": (
            "Date: 2024-05-03\n\n"
            "Ms Carla Vance and Ms Dana Reyes live together with Poppy (4).\n\n"
            "Ms Vance reads Ms Reyes's messages every night. Carla took Dana's car keys and"
            " threatened to tell Dana's employer about her diagnosis. Carla calls Dana 'useless'"
            " in front of Poppy. Dana walks Poppy to nursery each day.\n"
        ),
        "self-defence": (
            "Date: 2024-05-04\n\n"
            "Mr Lewis punched Ms Lewis and pushed her into the door. He has threatened her"
            " before. Ms Lewis pushed him away to get out of the room. He checks her phone.\n"
        ),
    }
    for name, text in notes.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "note.txt").write_text(text, encoding="utf-8")
    proc = run_cli("audit", "--format", "json", str(tmp_path))
    assert proc.returncode in (0, 1), proc.stderr
    cases = {c["case"]: c for c in json.loads(proc.stdout)["cases"]}
    reversed_ = cases["reversed"]
    assert reversed_["people"]["perpetrator"] == ["Mrs Owens"]
    assert reversed_["people"]["survivor"] == ["Mr Owens"]
    acts = " | ".join(b["text"] for b in reversed_["behaviours"])
    assert "punched Mr Owens" in acts and "checks his phone" in acts
    assert "took the children" not in acts
    two = cases["two-women"]
    assert two["people"]["perpetrator"] == ["Carla Vance"]
    assert two["people"]["survivor"] == ["Dana Reyes"]
    assert "reads Ms Reyes's messages" in " | ".join(b["text"] for b in two["behaviours"])
    usual = cases["self-defence"]
    assert usual["people"]["perpetrator"] == ["Mr Lewis"]
    assert "pushed him away" not in " | ".join(b["text"] for b in usual["behaviours"])
