"""Fuzz `fix`: generated case notes, fixed twice, checked for what must never happen.

    .venv/bin/python bench/fuzz_fix.py [--documents 2000] [--seed 1] [--placeholders both]

Each document is a family line (sometimes), then paragraphs of corpus sentences joined by
spaces, line ends of every kind (LF, CRLF, CR, form feed, U+2028) and, now and then, text the
engine cannot encode as it is (NUL, a combining mark with no base). For each it counts:

- crashes: `fix` raised;
- not idempotent: fixing the output again changed it;
- lost words: words of the input outside every span `check` flags in it that the output no
  longer has (the words between two findings must all be found in the output, in order:
  independent of the fixer's own book-keeping);
- findings on rewritten spans: `check` of the output reports a finding over words that a
  word-level diff of input and output shows as written by `fix`.

Prints one line of counts (and the first few failures, by document number and seed, never
with the text) and exits 1 if any count is not zero.
"""

from __future__ import annotations

import argparse
import difflib
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.reports import _FAMILIES, corpus_sentences
from blamecheck.api import get_analyzer
from blamecheck.findings import Finding
from blamecheck.readers.document import Kind
from blamecheck.rewriting.fixer import fix_text
from blamecheck.surfaces import linting

_SEPARATORS = [" ", " ", " ", "\n", "\r\n", "\r", "\x0c", "\u2028", "\n\n", "\r\n\r\n"]
_ODD = ["\x00", "\u0301", "\u0308"]
_WORD = re.compile(r"\w+")


def documents(count: int, seed: int) -> list[str]:
    """``count`` generated documents, the same for the same seed."""
    rng = random.Random(seed)
    pool = corpus_sentences()
    out = []
    for _ in range(count):
        parts: list[str] = []
        if rng.random() < 0.7:
            mother, father, child = rng.choice(_FAMILIES)
            parts.append(f"Family: {mother} (mother), {father} (father), {child}")
            parts.append(rng.choice(["\n\n", "\r\n\r\n", "\n"]))
        for _ in range(rng.randint(1, 6)):
            sentences = [rng.choice(pool) for _ in range(rng.randint(1, 4))]
            for i, sentence in enumerate(sentences):
                if rng.random() < 0.05:
                    at = rng.randint(0, len(sentence))
                    sentence = (
                        sentence[:at] + rng.choice([" ", ""]) + rng.choice(_ODD) + sentence[at:]
                    )
                parts.append(sentence)
                if i < len(sentences) - 1:
                    parts.append(rng.choice(_SEPARATORS))
            parts.append(rng.choice(["\n\n", "\r\n\r\n", "\x0c", "\n\n\n"]))
        out.append("".join(parts))
    return out


def _words(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text)]


def changed_words(before: str, after: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Spans of ``before``'s words removed or replaced, and spans of ``after``'s words written,
    by a word-level diff."""
    a, b = _words(before), _words(after)
    matcher = difflib.SequenceMatcher(None, [w for w, _, _ in a], [w for w, _, _ in b], False)
    removed, written = [], []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        removed += [(s, e) for _, s, e in a[i1:i2]]
        written += [(s, e) for _, s, e in b[j1:j2]]
    return removed, written


def lost_words(before: str, after: str, flagged: list[tuple[int, int]]) -> int:
    """Words of ``before`` outside the flagged spans that ``after`` no longer has: the words
    between flagged spans must all be found in ``after``, in order (a rewrite of a flagged
    clause may put words of its own between them, never take one away)."""
    out = [w for w, _, _ in _words(after)]
    cursor, lost, pos = 0, 0, 0
    for start, end in sorted([*flagged, (len(before), len(before))]):
        gap = [w for w, _, _ in _words(before[pos:start])]
        pos = max(pos, end)
        for word in gap:
            try:
                cursor = out.index(word, cursor) + 1
            except ValueError:
                lost += 1
    return lost


def _overlaps(finding: Finding, spans: list[tuple[int, int]]) -> bool:
    return any(finding.start < e and s < finding.end for s, e in spans)


def run(count: int, seed: int, placeholders: list[bool]) -> dict[str, int]:
    analyzer = get_analyzer()
    reported = linting.reporter(analyzer, Kind.TEXT, linting.Filters())
    counts = {
        "documents": 0,
        "crashes": 0,
        "not idempotent": 0,
        "lost words": 0,
        "left on rewrites": 0,
    }
    failures: list[str] = []
    for number, text in enumerate(documents(count, seed)):
        for fill in placeholders:
            counts["documents"] += 1
            seen: list[tuple[str, list[Finding]]] = []

            def recording(t: str, seen: list[tuple[str, list[Finding]]] = seen) -> list[Finding]:
                found = reported(t)
                seen.append((t, found))
                return found

            try:
                once = fix_text(analyzer, text, placeholders=fill, reported=recording)
                twice = fix_text(analyzer, once.text, placeholders=fill, reported=reported)
            except Exception as exc:  # counted, not raised
                counts["crashes"] += 1
                failures.append(f"document {number}: crash {exc.__class__.__name__}")
                continue
            if twice.text != once.text:
                counts["not idempotent"] += 1
                failures.append(f"document {number} (placeholders={fill}): second run changed it")
            _, written = changed_words(text, once.text)
            lost = lost_words(text, once.text, [(f.start, f.end) for f in seen[0][1]])
            if lost:
                counts["lost words"] += lost
                failures.append(f"document {number} (placeholders={fill}): {lost} words lost")
            left = [f for f in reported(once.text) if _overlaps(f, written)]
            if left:
                counts["left on rewrites"] += len(left)
                rules = ", ".join(sorted({f.rule for f in left}))
                failures.append(f"document {number} (placeholders={fill}): left {rules}")
    for line in failures[:20]:
        print(line)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--placeholders", choices=["yes", "no", "both"], default="both")
    args = parser.parse_args()
    modes = {"yes": [True], "no": [False], "both": [False, True]}[args.placeholders]
    began = time.perf_counter()
    counts = run(args.documents, args.seed, modes)
    took = time.perf_counter() - began
    print(", ".join(f"{v} {k}" for k, v in counts.items()) + f" ({took:.0f} s)")
    sys.exit(1 if any(v for k, v in counts.items() if k != "documents") else 0)


if __name__ == "__main__":
    main()
