"""Speed and memory of blamecheck, measured against the bare spaCy pipeline in the same run.

    .venv/bin/python bench/bench_speed.py [--words 50000] [--repeat 3]

Prints a Markdown table for the README: words per second through blamecheck and through
the same pipeline alone (their ratio is the rules' overhead), the start-up time of
`blamecheck check` on a one-line file, and peak resident memory.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.reports import corpus_sentences as labelled_sentences  # noqa: E402


def corpus_sentences() -> list[str]:
    """Realistic case-note sentences: the labelled corpus, the sample report, rule examples."""
    sentences = labelled_sentences()
    sample = ROOT / "corpus" / "samples" / "case-note.txt"
    if sample.exists():
        sentences.extend(
            p.strip() for p in sample.read_text(encoding="utf-8").split("\n") if p.strip()
        )
    from blamecheck.analysis.packs import PackSet

    for rule in PackSet.load().rules:
        sentences.extend(rule.examples.positive + rule.examples.negative)
    return sentences


def sample_document(words: int) -> str:
    """The bundled sample case note repeated: a realistic mix of flagged and clean prose."""
    sample = (ROOT / "corpus" / "samples" / "case-note.txt").read_text(encoding="utf-8")
    copies = max(1, words // len(sample.split()) + 1)
    return "\n\n".join([sample] * copies)


def make_document(words: int, seed: int = 7) -> str:
    """Paragraphs of 3-6 corpus sentences drawn at random: dense in near-misses and findings."""
    rng = random.Random(seed)
    pool = corpus_sentences()
    paragraphs: list[str] = []
    count = 0
    while count < words:
        paragraph = " ".join(rng.choice(pool) for _ in range(rng.randint(3, 6)))
        paragraphs.append(paragraph)
        count += len(paragraph.split())
    return "\n\n".join(paragraphs) + "\n"


def best_of(repeat: int, func) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        timings.append(time.perf_counter() - start)
    return min(timings)


def startup_seconds(runs: int = 5) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        one_line = Path(tmp) / "one-line.txt"
        one_line.write_text("Mr Reid failed to attend the programme.\n", encoding="utf-8")
        exe = Path(sys.executable).with_name("blamecheck")
        command = [str(exe)] if exe.exists() else [sys.executable, "-m", "blamecheck"]
        timings = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([*command, "check", str(one_line)], capture_output=True, check=False)
            timings.append(time.perf_counter() - start)
        return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from blamecheck.api import Analyzer, split_blocks

    analyzer = Analyzer()
    analyzer.analyse("Warm-up sentence so that lazy loading is not timed.")
    rows = []
    for label, text in (
        ("sample case note, repeated", sample_document(args.words)),
        ("corpus sentences, shuffled", make_document(args.words)),
    ):
        words = len(text.split())
        blocks = [b.text for b in split_blocks(text)]
        bare = best_of(args.repeat, lambda blocks=blocks: list(analyzer.nlp.pipe(blocks)))
        findings: list = []

        def full(text: str = text, findings: list = findings) -> None:
            findings[:] = analyzer.analyse(text)

        linted = best_of(args.repeat, full)
        rows.append((f"document: {label}", f"{words:,} words, {len(findings):,} findings"))
        rows.append(("- bare spaCy pipeline (same components)", f"{words / bare:,.0f} words/s"))
        rows.append(("- blamecheck (pipeline + rules)", f"{words / linted:,.0f} words/s"))
        rows.append(
            ("- rules' overhead over the bare pipeline", f"{(linted / bare - 1) * 100:+.0f}%")
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    startup = startup_seconds()
    rows.append(
        ("start-up: `blamecheck check` on a one-line file", f"{startup:.2f} s (median of 5)")
    )
    rows.append(("peak resident memory (this process)", f"{peak_mb:,.0f} MB"))
    python = f"{platform.python_implementation()} {platform.python_version()}"
    print(f"Machine: {platform.machine()}, {python}, {os.cpu_count()} cores")
    print()
    print("| measure | result |")
    print("| --- | --- |")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
