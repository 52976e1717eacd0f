"""Pattern packs: the bundled ones are valid and complete; a broken one names file, rule, field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from blamecheck.analysis.packs import PackSet
from blamecheck.analysis.profiles import Profile
from blamecheck.findings import Category

from .conftest import SEEDS, invoke

PACKS = PackSet.load()

GOOD_RULE = {
    "id": "victim-blaming/test-rule",
    "summary": "A rule made up for this test.",
    "message": "A message long enough to pass.",
    "explanation": "An explanation that is long enough to pass the minimum length check.",
    "principle": "partner",
    "sources": [{"seed": "003_35b675b3f07ac556.txt", "passage": "Why did you let him in?"}],
    "patterns": [{"kind": "tokens", "pattern": [{"LOWER": "zebra"}]}],
    "alternatives": [{"text": "Write about him."}],
    "examples": {"positive": ["zebra"], "negative": ["horse"]},
}


def _pack(tmp_path: Path, rule: dict, category: str = "victim-blaming") -> Path:
    path = tmp_path / "extra.yaml"
    path.write_text(
        yaml.safe_dump({"category": category, "description": "test pack", "rules": [rule]}),
        encoding="utf-8",
    )
    return path


def test_bundled_packs_cover_the_victim_blaming_kinds():
    ids = {rule.id for rule in PACKS.rules}
    for kind in (
        "practice-table",
        "failure-to-protect",
        "allowed-exposure",
        "relationship-status",
        "tasks-on-survivor",
        "judgemental-descriptor",
        "survivor-as-cause",
    ):
        assert f"victim-blaming/{kind}" in ids


def test_every_rule_names_a_principle_a_source_and_an_alternative():
    for rule in PACKS.rules:
        assert rule.sources and rule.alternatives
        assert rule.category in set(Category)
        assert any(a.kind != "guidance" for a in rule.alternatives), rule.id


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents live outside the repository")
def test_every_cited_passage_is_in_its_seed():
    def squash(text: str) -> str:
        return re.sub(r"\s+", " ", text.replace("’", "'")).strip()

    for rule in PACKS.rules:
        for source in [*rule.sources, *(a.source for a in rule.alternatives if a.source)]:
            seed = squash((SEEDS / source.seed).read_text(encoding="utf-8"))
            assert squash(source.passage) in seed, f"{rule.id}: {source.passage[:60]}"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"severity": "loud"}, r"rule victim-blaming/test-rule: field severity:"),
        ({"principle": None}, r"rule victim-blaming/test-rule: field principle:"),
        ({"id": "Victim Blaming/x"}, r"rule Victim Blaming/x: field id: .*CATEGORY/NAME"),
        (
            {"patterns": [{"kind": "tokens", "pattern": [{"LOWR": "x"}]}]},
            r"rule victim-blaming/test-rule: field patterns\.0\.pattern:",
        ),
        (
            {"patterns": [{"kind": "tokens", "pattern": [{"LEMMA": {"IN": ["@nope"]}}]}]},
            r"rule victim-blaming/test-rule: field patterns\.0\.pattern: unknown lexicon @nope",
        ),
        ({"patterns": [{"kind": "regex", "pattern": "x"}]}, r"field patterns\.0:"),
        (
            {"patterns": [{"kind": "cooccur", "all": [[{"LOWER": "x"}], [{"LOWR": "y"}]]}]},
            r"rule victim-blaming/test-rule: field patterns\.0\.all: .*part 1",
        ),
        (
            {"patterns": [{"kind": "cooccur", "anchor": 2, "all": [[{"LOWER": "x"}]] * 2}]},
            r"field patterns\.0: .*anchor 2 is past the last part",
        ),
        (
            {"patterns": [{"kind": "cooccur", "all": [[{"LOWER": {"IN": ["@nope"]}}]] * 2}]},
            r"field patterns\.0\.all: unknown lexicon @nope",
        ),
        ({"examples": {"positive": ["x"]}}, r"field examples\.negative: Field required"),
        ({"id": "victim-blaming/failure-to-protect"}, r"field id: already defined"),
    ],
)
def test_broken_pack_names_file_rule_and_field(tmp_path: Path, change: dict, expected: str):
    rule = {**GOOD_RULE, **change}
    path = _pack(tmp_path, rule)
    code, out, err = invoke("rules", "--pack", str(path))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith(f"blamecheck: error: {path}: ")
    assert re.search(expected, err), err


def test_yaml_syntax_error_names_the_line(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text("category: victim-blaming\nrules: [\n  - id: x\n", encoding="utf-8")
    code, _, err = invoke("check", "--pack", str(path), "-", stdin="hello")
    assert code == 2 and f"{path}: not valid YAML at line" in err


def test_category_mismatch_is_refused(tmp_path: Path):
    path = _pack(tmp_path, GOOD_RULE, category="child-impact")
    code, _, err = invoke("rules", "--pack", str(path))
    assert code == 2 and "not in this pack's category" in err


def test_a_cooccur_pattern_matches_its_parts_in_any_order(tmp_path: Path):
    rule = {
        **GOOD_RULE,
        "patterns": [{"kind": "cooccur", "all": [[{"LOWER": "zebra"}], [{"LOWER": "horse"}]]}],
    }
    path = _pack(tmp_path, rule)
    for text in ("A zebra met a horse.", "A horse met a zebra."):
        code, out, _ = invoke("check", "--pack", str(path), "-", stdin=text)
        assert code == 1 and "victim-blaming/test-rule" in out, text
    code, _, _ = invoke("check", "--pack", str(path), "-", stdin="A zebra. A horse.")
    assert code == 0  # the parts must share a sentence


def test_a_good_extra_pack_adds_a_rule_without_code(tmp_path: Path):
    path = _pack(tmp_path, GOOD_RULE)
    code, out, _ = invoke("check", "--pack", str(path), "-", stdin="A zebra was seen.")
    assert code == 1 and "victim-blaming/test-rule" in out


def test_a_finding_that_yields_gives_its_words_back_to_its_own_category(analyzer):
    """violence-located yields to child-impact; the words it matched still carry the other
    perpetrator-agency finding ("abuse between Sarah and John") that it had outranked."""
    found = analyzer.analyse(
        "Callum has witnessed the domestic abuse between Sarah and John in the family home."
    )
    rules = {f.rule for f in found}
    assert "perpetrator-agency/violence-located" not in rules
    assert {"child-impact/exposure-framing", "perpetrator-agency/mutualising"} <= rules
    alone = analyzer.analyse(
        "Police attended twice because of the domestic abuse in the household.",
        profile=Profile.CASE_RECORD,
    )
    assert [f.rule for f in alone] == ["perpetrator-agency/violence-located"]
