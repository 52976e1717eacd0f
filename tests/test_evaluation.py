"""The evaluation: scoring is right on a tiny corpus, and the bundled corpus meets its targets."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from blamecheck.surfaces import evaluation
from blamecheck.surfaces.evaluation import default_corpus_dir, evaluate, load_corpus

from .conftest import invoke

CORPUS = default_corpus_dir()


def _write(tmp_path: Path, split: str, rows: list[dict]) -> None:
    (tmp_path / split).mkdir(parents=True, exist_ok=True)
    with (tmp_path / split / "examples.jsonl").open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row) + "\n")


def test_scoring_counts_hits_misses_and_false_positives(analyzer, tmp_path: Path):
    _write(
        tmp_path,
        "test",
        [
            # found by the right rule: a true positive for the rule and the category
            {
                "id": "a",
                "text": "Mother failed to protect the children.",
                "expected": ["victim-blaming/failure-to-protect"],
            },
            # found, but labelled with another rule of the category: wrong rule, right category
            {
                "id": "b",
                "text": "Mother failed to protect the children.",
                "expected": ["victim-blaming/allowed-exposure"],
            },
            # an alternative label accepts either rule
            {
                "id": "c",
                "text": "Mother failed to protect the children.",
                "expected": ["victim-blaming/allowed-exposure|victim-blaming/failure-to-protect"],
            },
            # missed
            {
                "id": "d",
                "text": "The referral was received.",
                "expected": ["victim-blaming/relationship-status"],
            },
            # a clean example that is flagged: a false positive
            {"id": "e", "text": "She chose to stay with him.", "expected": []},
        ],
    )
    examples = load_corpus(tmp_path, ["test"], set(analyzer.packs.by_id))
    report = evaluate(analyzer, examples, ["test"])
    ftp = report.rules["victim-blaming/failure-to-protect"]
    assert (ftp.tp, ftp.fp, ftp.fn) == (2, 1, 0)
    assert report.rules["victim-blaming/allowed-exposure"].fn == 1
    assert report.rules["victim-blaming/relationship-status"].fn == 1
    assert report.rules["victim-blaming/relationship-status"].fp == 1
    category = report.categories["victim-blaming"]
    assert (category.tp, category.fp, category.fn) == (3, 1, 1)
    assert category.precision == 0.75 and category.recall == 0.75
    kinds = Counter(e.kind for e in report.errors)
    assert kinds == {"missed": 1, "false-positive": 1}


def test_eval_command_prints_tables_and_errors(tmp_path: Path):
    _write(
        tmp_path,
        "dev",
        [
            {
                "id": "x",
                "text": "Mum went back to him.",
                "expected": ["victim-blaming/relationship-status"],
            },
            {"id": "y", "text": "Mr Reid hit her.", "expected": ["victim-blaming"]},
        ],
    )
    code, out, _ = invoke("eval", str(tmp_path), "--split", "dev", "--errors")
    assert code == 0
    assert "per rule:" in out and "per category:" in out
    assert "victim-blaming/relationship-status" in out
    assert "MISSED y [victim-blaming]: Mr Reid hit her." in out
    code, out, _ = invoke("eval", str(tmp_path), "--split", "dev", "--format", "json")
    payload = json.loads(out)
    assert payload["categories"]["victim-blaming"]["recall"] == 0.5


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("{not json", "not valid JSON"),
        (
            '{"id": "z", "text": "t", "expected": ["victim-blaming/nope"]}',
            "unknown rule or category",
        ),
        ('{"id": "z", "text": "", "expected": []}', "field text"),
    ],
)
def test_broken_corpus_line_is_named(tmp_path: Path, line: str, expected: str):
    (tmp_path / "test").mkdir()
    (tmp_path / "test" / "bad.jsonl").write_text(line + "\n", encoding="utf-8")
    code, _, err = invoke("eval", str(tmp_path))
    assert code == 2 and "bad.jsonl:1:" in err and expected in err


def test_eval_without_a_checkout_says_how_to_get_the_corpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """An installed wheel has no corpus (it is left out of the wheel): one line, exit 2, saying
    to run in a checkout or to name the corpus folder."""
    monkeypatch.setattr(evaluation, "CHECKOUT_CORPUS", tmp_path / "no-checkout" / "corpus")
    code, out, err = invoke("eval", "--split", "dev")
    assert code == 2 and out == ""
    assert err.splitlines() == [f"blamecheck: error: {evaluation.NO_CORPUS}"]
    assert "source checkout" in err and "blamecheck eval path/to/blamecheck/corpus" in err


@pytest.mark.parametrize(
    ("category", "minimum"),
    [("victim-blaming", 150), ("perpetrator-agency", 200), ("child-impact", 150)],
)
def test_corpus_has_enough_positives_and_near_misses(analyzer, category: str, minimum: int):
    examples = load_corpus(CORPUS, ["dev", "test"], set(analyzer.packs.by_id))
    positives = [e for e in examples if any(x.startswith(category) for x in e.example.expected)]
    near = [
        e
        for e in examples
        if not e.example.expected and any(x.startswith(category) for x in e.example.near_miss)
    ]
    assert len(positives) >= minimum and len(near) >= minimum


def test_corpus_size_and_coverage(analyzer):
    examples = load_corpus(CORPUS, ["dev", "test"], set(analyzer.packs.by_id))
    texts = [e.example.text for e in examples]
    assert len(texts) == len(set(texts)), "duplicate texts in the corpus"
    for rule in analyzer.packs.rules:
        for split in ("dev", "test"):
            labelled = [
                e
                for e in examples
                if e.split == split and any(rule.id in x.split("|") for x in e.example.expected)
            ]
            near = [e for e in examples if e.split == split and rule.id in e.example.near_miss]
            assert labelled, f"{rule.id} has no positive example in {split}"
            assert near, f"{rule.id} has no near-miss example in {split}"


# the in-house test split as it stood before the corpus modelled on public records was added
# (issue 14): rule changes made for that corpus must not cost these
IN_HOUSE_FLOORS = {
    "victim-blaming": (0.96, 0.91),
    "perpetrator-agency": (0.97, 0.98),
    "child-impact": (0.98, 0.90),
}


@pytest.mark.parametrize("category", sorted(IN_HOUSE_FLOORS))
def test_in_house_test_figures_hold(analyzer, category: str):
    examples = load_corpus(CORPUS, ["test"], set(analyzer.packs.by_id), {"in-house"})
    report = evaluate(analyzer, examples, ["test"])
    counts = report.categories[category]
    precision, recall = IN_HOUSE_FLOORS[category]
    assert counts.precision is not None and counts.precision >= precision
    assert counts.recall is not None and counts.recall >= recall


def _records(analyzer) -> list:
    examples = load_corpus(CORPUS, ["dev", "test"], set(analyzer.packs.by_id))
    return [e for e in examples if e.example.register_name != "in-house"]


def test_the_records_corpus_is_large_varied_and_split_by_source(analyzer):
    records = _records(analyzer)
    sentences = [e for e in records if e.example.register_name != "policy-paragraph"]
    assert len(sentences) >= 1500
    clean = [e for e in sentences if not e.example.expected]
    assert len(clean) / len(sentences) >= 0.35
    assert all(e.example.source.startswith(("https://", "http://")) for e in records)
    sides: dict[str, set[str]] = {}
    for e in records:
        sides.setdefault(e.example.source, set()).add(e.split)
    assert all(len(split) == 1 for split in sides.values()), "a source on both sides"
    registers = {e.example.register_name for e in sentences}
    assert {"judgment", "case-review", "inspection", "police", "media"} <= registers


def test_eval_prints_the_register_table_and_scores_one_register():
    code, out, _ = invoke("eval", "--split", "dev", "--register", "police")
    assert code == 0
    table = out[out.index("per register") :].splitlines()
    assert table[1].split()[:3] == ["register", "examples", "all"]
    assert [line.split()[0] for line in table[2:] if line.strip()][:1] == ["police"]
    assert "in-house" not in out[out.index("per register") :].split("rewrites")[0]
    code, _, err = invoke("eval", "--register", "no-such-register")
    assert code == 2 and "no examples found" in err and "no-such-register" in err
