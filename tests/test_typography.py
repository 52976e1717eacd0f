"""Curly and straight quotes are one spelling to the rules.

Word, phones and most published documents write ’ “ ” where a keyboard writes ' and ". Every
rule example and every corpus sentence is run in both spellings here; the findings (rule and
span) must be the same. Both spellings are one character long, so offsets carry over.
"""

from __future__ import annotations

import json
from pathlib import Path

from blamecheck.analysis.packs import PackSet
from blamecheck.analysis.readable import typographic as curly

ROOT = Path(__file__).resolve().parents[1]


def straight(text: str) -> str:
    return text.translate(str.maketrans("\u2018\u2019\u201c\u201d", "''\"\""))


def _sentences() -> list[str]:
    packs = PackSet.load()
    found = [s for r in packs.rules for s in [*r.examples.positive, *r.examples.negative]]
    for path in sorted((ROOT / "corpus").glob("*/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                found.append(json.loads(line)["text"])
    return [s for s in dict.fromkeys(found) if straight(s) != curly(s)]


def test_the_twins_differ_only_in_quotes():
    assert curly("Mum's \"safe\" 'plan'") == "Mum\u2019s \u201csafe\u201d \u2018plan\u2019"
    assert straight(curly("it's 'his' \"act\"")) == "it's 'his' \"act\""


def test_every_example_and_corpus_sentence_has_the_same_findings_in_both_spellings(analyzer):
    sentences = _sentences()
    assert len(sentences) > 1000  # the corpus is read, not skipped
    straights = [straight(s) for s in sentences]
    curlies = [curly(s) for s in straights]
    differ = []
    for plain, a, b in zip(
        straights,
        analyzer.analyse_many(straights),
        analyzer.analyse_many(curlies),
        strict=True,
    ):
        left = sorted((f.rule, f.start, f.end) for f in a)
        right = sorted((f.rule, f.start, f.end) for f in b)
        if left != right:
            differ.append(f"{plain}\n    straight {left}\n    curly    {right}")
    assert not differ, f"{len(differ)} of {len(sentences)} differ:\n" + "\n".join(differ[:15])


def test_a_rewrite_keeps_the_writers_typographers_apostrophes(analyzer):
    (finding,) = analyzer.analyse("She was punched at her mother\u2019s house.")
    assert finding.text == "She was punched at her mother\u2019s house"
    assert "mother\u2019s house" in finding.suggestions[0].replacement
    (finding,) = analyzer.analyse("She was punched at her mother's house.")
    assert "mother's house" in finding.suggestions[0].replacement
