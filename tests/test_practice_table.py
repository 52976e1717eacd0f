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
