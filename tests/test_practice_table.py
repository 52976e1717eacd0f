"""The practice table of seed 003: every destructive line flagged with its own constructive
counterpart offered first, and no constructive line flagged."""

from __future__ import annotations

import re

import pytest

from blamecheck.analysis.packs import PackSet

from .conftest import SEEDS

TABLE = PackSet.load().table
assert TABLE is not None
ROWS = list(enumerate(TABLE.rows, start=1))
DESTRUCTIVE = [(n, line) for n, row in ROWS for line in row.destructive]
CONSTRUCTIVE = [line for _, row in ROWS for line in row.constructive]


@pytest.mark.parametrize(("row", "line"), DESTRUCTIVE)
def test_destructive_line_is_flagged_with_its_constructive_counterpart(analyzer, row, line):
    findings = analyzer.analyse(line)
    assert [f.rule for f in findings] == ["victim-blaming/practice-table"]
    offered = [s.replacement for s in findings[0].suggestions]
    # the table's own slot "(partner)" is filled: with his name, or a visible placeholder
    own = [c.replace("(partner)", "[partner's name]") for c in TABLE.rows[row - 1].constructive]
    assert offered[: len(own)] == own  # verbatim, in the table's order, before anything else
    assert all(
        "003_35b675b3f07ac556.txt" in (s.source or "") for s in findings[0].suggestions[: len(own)]
    )


@pytest.mark.parametrize(
    "line",
    [
        "why did you let him in",
        "Why did you let him inn?",
        "Why haven't you ended the relationship?",
        "Why havent you ended the relationship yet?",
        "I asked her: why did you let him back in?",
        "Why do you keep letting him back in?",
        "youre choosing him over your children",
        "Its your responsibility to keep your kids safe.",
    ],
)
def test_paraphrases_and_misspellings_are_flagged(analyzer, line):
    assert "victim-blaming/practice-table" in {f.rule for f in analyzer.analyse(line)}


@pytest.mark.parametrize("line", CONSTRUCTIVE)
def test_constructive_line_is_not_flagged(analyzer, line):
    assert analyzer.analyse(line) == []


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents live outside the repository")
def test_table_is_verbatim_from_the_seed():
    seed = _squash((SEEDS / TABLE.source.seed).read_text(encoding="utf-8"))
    for _, row in ROWS:
        for line in [*row.destructive, *row.constructive]:
            assert _squash(line) in seed, line
    assert _squash(TABLE.source.passage) in seed


# -- sources named as readers can look them up ----------------------------------------------

PACKS = PackSet.load()


def _cited_seeds() -> set[str]:
    seeds = {TABLE.source.seed}
    if TABLE.pivot_script is not None:
        seeds.add(TABLE.pivot_script.source.seed)
    for rule in PACKS.rules:
        seeds.update(s.seed for s in rule.sources)
        seeds.update(a.source.seed for a in rule.alternatives if a.source)
        for pattern in rule.patterns:
            seeds.update(a.source.seed for a in pattern.alternatives if a.source)
    return seeds


def test_every_cited_seed_has_a_title_author_and_year_or_undated():
    missing = _cited_seeds() - set(PACKS.sources)
    assert not missing, f"add these seeds to patterns/sources.yaml: {sorted(missing)}"
    for seed, document in PACKS.sources.items():
        assert PACKS.reference(seed) == f"{document.citation()} ({seed})"
        assert document.author in document.citation()


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents live outside the repository")
def test_each_listed_author_is_named_in_the_seed_itself():
    """A slip of a file name in sources.yaml would credit the wrong organisation."""
    for seed, document in PACKS.sources.items():
        text = (SEEDS / seed).read_text(encoding="utf-8")
        names = re.findall(r"\b[A-Z][A-Za-z]{4,}\b", document.author)
        assert any(name in text for name in names), (seed, document.author)


def test_rules_and_table_rows_cite_the_document_not_only_the_file():
    falkirk = PACKS.sources[TABLE.source.seed]
    assert TABLE.source.reference == PACKS.reference(TABLE.source.seed)
    for alternative in TABLE.alternatives(1):
        assert alternative.source is not None
        assert alternative.source.reference.startswith(falkirk.title)
        assert alternative.source.reference.endswith(f"({TABLE.source.seed})")
    rule = PACKS.by_id["victim-blaming/failure-to-protect"]
    for source in rule.sources:
        assert source.title == PACKS.sources[source.seed].citation()


def test_a_suggestion_names_its_source_document(analyzer):
    (finding,) = analyzer.analyse("Why did you let him in?")
    falkirk = PACKS.sources[TABLE.source.seed]
    source = finding.suggestions[0].source or ""
    assert falkirk.title in source and falkirk.author in source
    assert source.endswith(f"({TABLE.source.seed})")


def test_a_pack_citing_an_unlisted_seed_still_loads_and_shows_the_file(tmp_path):
    from blamecheck.analysis.packs import Source

    assert Source(seed="999_abc.txt", passage="a passage of ten").reference == "999_abc.txt"
    assert PACKS.reference("999_abc.txt") == "999_abc.txt"
