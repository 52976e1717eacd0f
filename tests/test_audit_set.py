"""The audit set is what its labelling guide says: every label allowed, every quote found."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from blamecheck.errors import InputError
from blamecheck.surfaces.audit_set import CRITERIA, load_case, load_split

from .conftest import ROOT

CASES = ROOT / "corpus" / "cases"


@pytest.mark.parametrize("split", ["dev", "test"])
def test_every_case_loads_with_its_quotes_found(split: str):
    cases = load_split(CASES, split)
    assert len(cases) >= 20
    for case in cases:
        assert 3 <= len(case.documents) <= 6, case.folder
        assert all(text.startswith("Date: ") for text in case.documents.values()), case.folder
        assert case.labels.behaviours, case.folder  # every family here has a perpetrator


def test_no_case_is_on_both_sides():
    dev = {c.labels.case for c in load_split(CASES, "dev")}
    test = {c.labels.case for c in load_split(CASES, "test")}
    assert dev and test and not dev & test


def test_every_criterion_is_seen_at_more_than_one_level():
    """A criterion labelled the same in every case could not tell a good audit from a bad one."""
    cases = load_split(CASES, "dev") + load_split(CASES, "test")
    for name in CRITERIA:
        assert len({c.labels.criteria[name].level for c in cases}) >= 2, name


def _copy(tmp_path: Path) -> Path:
    source = next(p for p in sorted((CASES / "dev").iterdir()) if p.is_dir())
    target = tmp_path / source.name
    shutil.copytree(source, target)
    return target


def test_a_quote_that_is_not_in_its_document_is_refused(tmp_path: Path):
    folder = _copy(tmp_path)
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    labels["behaviours"][0]["quote"] += " and more words nobody wrote"
    (folder / "labels.json").write_text(json.dumps(labels), encoding="utf-8")
    with pytest.raises(InputError, match="not word for word"):
        load_case(folder)


def test_a_missing_criterion_or_unknown_type_is_refused(tmp_path: Path):
    folder = _copy(tmp_path)
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    del labels["criteria"]["viii"]
    (folder / "labels.json").write_text(json.dumps(labels), encoding="utf-8")
    with pytest.raises(InputError, match="criteria must be exactly"):
        load_case(folder)
    labels["criteria"]["viii"] = {"level": "not-evidenced", "evidence": []}
    labels["behaviours"][0]["type"] = "shouting"
    (folder / "labels.json").write_text(json.dumps(labels), encoding="utf-8")
    with pytest.raises(InputError, match=r"labels\.json: .*type"):
        load_case(folder)


def test_a_second_auditor_labelled_the_test_half_blind_and_is_scored_like_the_audit():
    """Every test case carries a second auditor's labels (labels.second.json), checked as the
    first are; scored against themselves they agree fully, against the first they do not, so
    the figures measure two readers, not one file twice."""
    from blamecheck.surfaces.audit_eval import answer_of_labels, score, second_auditor

    cases = load_split(CASES, "test")
    assert all(case.second is not None for case in cases)
    itself = score([(c, answer_of_labels(c, c.labels)) for c in cases])
    assert all(itself.agreement(name) == 1.0 for name in CRITERIA)
    assert all(s.precision == 1.0 and s.recall == 1.0 for s in itself.items.values())
    second = second_auditor(cases)
    assert second is not None and second.cases == len(cases)
    assert min(second.agreement(name) for name in CRITERIA) < 1.0
    assert all(0.5 < s.recall < 1.0 or s.recall == 1.0 for s in second.items.values())
    assert any(s.precision < 1.0 for s in second.items.values())
    assert second_auditor(load_split(CASES, "dev")) is None  # no dev case is labelled twice


def test_a_second_auditors_quote_not_in_its_document_is_refused(tmp_path: Path):
    folder = _copy(tmp_path)
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    labels["impacts"][0]["quote"] = "words the file never held"
    (folder / "labels.second.json").write_text(json.dumps(labels), encoding="utf-8")
    with pytest.raises(InputError, match=r"labels\.second\.json: a quote is not word for word"):
        load_case(folder)
