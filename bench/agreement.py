"""Agreement between the corpus labels and a second, independent labeller.

    .venv/bin/python bench/agreement.py

`corpus/second-labeller.jsonl` holds the labels a second labeller gave, working only from
`corpus/LABELLING.md` and the sentences (never the first labels or the rules), to a sample of
the sentences modelled on public records. Prints, per category, how often the two agree and
Cohen's kappa (agreement corrected for chance; above 0.6 is usually read as substantial).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATEGORIES = ("victim-blaming", "perpetrator-agency", "child-impact")


def _labels(path: Path) -> dict[str, set[str]]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out[row["id"]] = {label.split("/")[0] for label in row.get("expected", [])}
    return out


def kappa(first: list[bool], second: list[bool]) -> float:
    """Cohen's kappa of two yes/no labellings of the same items."""
    n = len(first)
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    p1, p2 = sum(first) / n, sum(second) / n
    expected = p1 * p2 + (1 - p1) * (1 - p2)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def main() -> None:
    second = _labels(ROOT / "corpus" / "second-labeller.jsonl")
    first: dict[str, set[str]] = {}
    for path in sorted((ROOT / "corpus").glob("*/records-*.jsonl")):
        first.update(_labels(path))
    missing = sorted(set(second) - set(first))
    if missing:
        sys.exit(f"second labels for sentences not in the corpus: {', '.join(missing[:5])}")
    ids = sorted(second)
    print(f"{len(ids)} sentences labelled twice")
    print(f"{'category':<20} {'first':>5} {'second':>6} {'agree':>6} {'kappa':>6}")
    for category in CATEGORIES:
        a = [category in first[i] for i in ids]
        b = [category in second[i] for i in ids]
        agree = sum(x == y for x, y in zip(a, b, strict=True)) / len(ids)
        print(f"{category:<20} {sum(a):>5} {sum(b):>6} {agree:>6.1%} {kappa(a, b):>6.2f}")
    clean_a = [not first[i] for i in ids]
    clean_b = [not second[i] for i in ids]
    agree = sum(x == y for x, y in zip(clean_a, clean_b, strict=True)) / len(ids)
    print(
        f"{'clean':<20} {sum(clean_a):>5} {sum(clean_b):>6} {agree:>6.1%} "
        f"{kappa(clean_a, clean_b):>6.2f}"
    )


if __name__ == "__main__":
    main()
