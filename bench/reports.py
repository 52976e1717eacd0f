"""Generated case-note folders for batch tests and benchmarks: real corpus sentences in the
shape of a report (a heading, a family line, paragraphs), the same for the same seed."""

from __future__ import annotations

import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_FAMILIES = [
    ("Ms Sarah Clarke", "Mr Tom Reid", "Liam (7)"),
    ("Ms Aisha Khan", "Mr Dean Walsh", "Mia (4)"),
    ("Mrs Joanne Price", "Mr Lee Price", "Ellie (9)"),
    ("Ms Grace Owusu", "Mr Mark Dunn", "Noah (3)"),
]


def corpus_sentences() -> list[str]:
    """Every sentence of the labelled corpus, flagged and clean alike."""
    sentences: list[str] = []
    for path in sorted((ROOT / "corpus").glob("*/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                sentences.append(json.loads(line)["text"])
    return sentences


def write_reports(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """``count`` reports of 4-8 paragraphs each, under ``folder`` in a few sub-folders."""
    rng = random.Random(seed)
    pool = corpus_sentences()
    paths: list[Path] = []
    for number in range(count):
        mother, father, child = rng.choice(_FAMILIES)
        lines = [
            f"CASE NOTE {number:04d}",
            f"Family: {mother} (mother), {father} (father), {child}",
            "",
        ]
        for _ in range(rng.randint(4, 8)):
            lines.append(" ".join(rng.choice(pool) for _ in range(rng.randint(2, 5))))
            lines.append("")
        path = folder / f"team-{number % 4}" / f"note-{number:04d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines), encoding="utf-8")
        paths.append(path)
    return paths
