"""A lexical gate: which sentences could any token pattern match at all?

The matcher's set predicates run in Python for every token, so running it only on sentences
that contain one of each pattern's required words saves most of its cost. A pattern gives
the gate its most selective required token (no stop words, fewest entries); a pattern with
no such token switches the gate off, so the gate can never lose a match.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from spacy.tokens import Span

_WORD_ATTRS = ("LOWER", "LEMMA", "ORTH", "TEXT", "NORM")
_REQUIRED_OPS = (None, "1", "+", "!")


def _words(spec: dict[str, Any]) -> set[str] | None:
    """The words a token spec accepts, or None when it is not a plain word test."""
    if spec.get("OP") not in _REQUIRED_OPS or spec.get("OP") == "!":
        return None
    found: set[str] | None = None
    for attr in _WORD_ATTRS:
        value = spec.get(attr)
        if isinstance(value, str):
            words = {value.lower()}
        elif isinstance(value, dict) and isinstance(value.get("IN"), list):
            words = {str(w).lower() for w in value["IN"]}
        else:
            continue
        found = words if found is None else found & words
    return found


def required_words(pattern: list[dict[str, Any]], stop_words: Iterable[str]) -> set[str] | None:
    """The most selective set of words one of which any match must contain, or None."""
    stops = set(stop_words)
    candidates = [w for w in (_words(spec) for spec in pattern) if w]
    content = [w for w in candidates if not w & stops]  # prefer sets free of stop words
    pool = content or candidates
    return min(pool, key=len) if pool else None


class Gate:
    """Union of the patterns' required words; ``open`` means no pattern could be gated."""

    def __init__(self) -> None:
        self.words: set[str] = set()
        self.open = False

    def add(self, words: set[str] | None) -> None:
        if words is None:
            self.open = True
        else:
            self.words |= words

    def admits(self, sentence: Span) -> bool:
        if self.open:
            return True
        words = self.words
        return any(t.lower_ in words or t.lemma_.lower() in words for t in sentence)
