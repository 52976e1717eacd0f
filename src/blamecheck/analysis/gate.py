"""A lexical gate in front of spaCy's Matcher: run each pattern only where it could match.

The matcher's set predicates (``{"LEMMA": {"IN": [...]}}``) run in Python for every token
and every pattern, which made matching cost as much as parsing. Each token pattern has a
most selective required token (no stop words, fewest entries); patterns are grouped by that
word set, one Matcher per group, and a sentence runs only the groups whose words it holds.
A pattern without such a token goes into a group that always runs, so nothing is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from spacy.attrs import LEMMA, LOWER
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

_WORD_ATTRS = ("LOWER", "LEMMA", "ORTH", "TEXT", "NORM")
_REQUIRED_OPS = (None, "1", "+")


def _words(spec: dict[str, Any]) -> set[str] | None:
    """The words a token spec accepts, or None when it is not a plain required word test."""
    if spec.get("OP") not in _REQUIRED_OPS:
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
    sets = required_word_sets(pattern, stop_words)
    return set(sets[0]) if sets else None


def required_word_sets(
    pattern: list[dict[str, Any]], stop_words: Iterable[str], most: int = 2
) -> list[frozenset[str]]:
    """Up to ``most`` required word sets, most selective first (stop-word-free sets first)."""
    stops = set(stop_words)
    candidates = {frozenset(w) for w in (_words(spec) for spec in pattern) if w}
    # a total order (ties by the words themselves), so the grouping never depends on the hash seed
    return sorted(candidates, key=lambda w: (bool(w & stops), len(w), sorted(w)))[:most]


class _Group:
    """One spaCy Matcher for the patterns that share the same required word sets."""

    def __init__(self, vocab: Vocab, extra: tuple[frozenset[int], ...], order: int):
        self.matcher = Matcher(vocab, validate=True)
        self.order = order  # when the group was made: matches come out in this order
        self.extra = extra  # further word-hash sets a sentence must also hold
        self.reads_roles = False


class GatedMatcher:
    """Token patterns grouped by their required words; a sentence runs only the groups whose
    required words it holds (the first set through an index, the second by a set check)."""

    def __init__(self, vocab: Vocab, stop_words: Iterable[str]):
        self._vocab = vocab
        self._stop_words = set(stop_words)
        self._groups: dict[tuple[frozenset[str], ...], _Group] = {}
        self._by_hash: dict[int, list[_Group]] = {}  # word hash -> groups indexed on it
        self._always: list[_Group] = []

    def add(self, key: str, pattern: list[dict[str, Any]]) -> None:
        sets = tuple(required_word_sets(pattern, self._stop_words))
        group = self._groups.get(sets)
        if group is None:
            extra = tuple(frozenset(self._hash(w) for w in words) for words in sets[1:])
            group = self._groups[sets] = _Group(self._vocab, extra, len(self._groups))
            if sets:
                for word in sets[0]:
                    self._by_hash.setdefault(self._hash(word), []).append(group)
            else:
                self._always.append(group)
        group.matcher.add(key, [pattern], greedy="LONGEST")
        group.reads_roles |= any("_" in spec for spec in pattern)

    def _hash(self, word: str) -> int:
        return self._vocab.strings.add(word)

    def __len__(self) -> int:
        return len(self._groups)

    def __call__(self, doc: Doc, prepare: Callable[[Span], None]) -> Iterator[tuple[int, int, int]]:
        """(match id, start, end) in doc positions; ``prepare`` runs on a sentence before any
        group that reads roles."""
        # word hashes straight from the doc's arrays: making Token objects would cost more
        # than the matching it saves
        words = doc.to_array([LOWER, LEMMA])
        for sent in doc.sents:
            present = set(words[sent.start : sent.end].ravel().tolist())
            admitted = {
                id(g): g
                for word in present
                for g in self._by_hash.get(word, ())
                if all(not extra.isdisjoint(present) for extra in g.extra)
            }
            # in the order the groups were made, not the order of a set: the first match of
            # a part must not depend on the interpreter's hash seed
            groups = [*sorted(admitted.values(), key=lambda g: g.order), *self._always]
            if not groups:
                continue
            if any(g.reads_roles for g in groups):
                prepare(sent)
            for group in groups:
                for key, start, end in group.matcher(sent):
                    yield key, sent.start + start, sent.start + end
