"""Every rule carries its own examples in YAML; each one is a test here.

The examples are sentences of a case record, and are read as one (the strictest profile: the
rules for case records run too)."""

from __future__ import annotations

import pytest

from blamecheck.analysis.packs import PackSet
from blamecheck.analysis.profiles import Profile
from blamecheck.api import CANNOT_FIT

PACKS = PackSet.load()
POSITIVE = [(r.id, s) for r in PACKS.rules for s in r.examples.positive]
NEGATIVE = [(r.id, s) for r in PACKS.rules for s in r.examples.negative]


@pytest.mark.parametrize(("rule_id", "sentence"), POSITIVE)
def test_rule_flags_its_positive_examples(analyzer, rule_id, sentence):
    findings = analyzer.analyse(sentence, profile=Profile.CASE_RECORD)
    assert rule_id in {f.rule for f in findings}, f"{rule_id} missed: {sentence}"
    for finding in findings:
        # an alternative, or (where none fits the sentence without changing the rest of it)
        # the note that asks the writer to rewrite it, never a broken sentence
        noted = CANNOT_FIT in [p.text for p in finding.prompts]
        assert finding.suggestions or noted, f"{finding.rule} offers nothing for: {sentence}"


@pytest.mark.parametrize(("rule_id", "sentence"), NEGATIVE)
def test_rule_leaves_its_negative_examples_alone(analyzer, rule_id, sentence):
    findings = analyzer.analyse(sentence, profile=Profile.CASE_RECORD)
    category = rule_id.split("/")[0]
    flagged = [(f.rule, f.text) for f in findings if f.category.value == category]
    assert not flagged, f"{sentence!r} flagged as {flagged}"
