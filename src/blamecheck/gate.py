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
    stops = set(stop_words)
    candidates = [w for w in (_words(spec) for spec in pattern) if w]
    content = [w for w in candidates if not w & stops]  # prefer sets free of stop words
    pool = content or candidates
    return min(pool, key=len) if pool else None


class GatedMatcher:
    """Token patterns grouped by their required words, one spaCy Matcher per group."""

    def __init__(self, vocab: Vocab, stop_words: Iterable[str]):
        self._vocab = vocab
        self._stop_words = set(stop_words)
        self._groups: dict[frozenset[str], Matcher] = {}
        self._by_hash: dict[int, list[Matcher]] = {}  # word hash -> groups that require it
        self._always: Matcher | None = None
        self._needs_roles: set[int] = set()  # ids of matchers with role predicates
        self._roles: Matcher | None = None
        self._roles_always = False

    def add(self, key: str, pattern: list[dict[str, Any]]) -> None:
        words = required_words(pattern, self._stop_words)
        if any("_" in spec for spec in pattern):
            # spaCy reads every extension attribute of every token on each call of a matcher
            # that has one, so all role patterns share a single matcher
            self._add_to_role_matcher(key, pattern, words)
            return
        if words is None:
            if self._always is None:
                self._always = Matcher(self._vocab, validate=True)
            matcher = self._always
        else:
            group = frozenset(words)
            matcher = self._groups.get(group)
            if matcher is None:
                matcher = self._groups[group] = Matcher(self._vocab, validate=True)
                for word in group:
                    self._index(word, matcher)
        matcher.add(key, [pattern], greedy="LONGEST")

    def _add_to_role_matcher(
        self, key: str, pattern: list[dict[str, Any]], words: set[str] | None
    ) -> None:
        if self._roles is None:
            self._roles = Matcher(self._vocab, validate=True)
            self._needs_roles.add(id(self._roles))
        self._roles.add(key, [pattern], greedy="LONGEST")
        if words is None:
            self._roles_always = True
        else:
            for word in words:
                self._index(word, self._roles)

    def _index(self, word: str, matcher: Matcher) -> None:
        matchers = self._by_hash.setdefault(self._vocab.strings.add(word), [])
        if matcher not in matchers:
            matchers.append(matcher)

    def __len__(self) -> int:
        return len(self._groups) + (self._always is not None) + (self._roles is not None)

    def __call__(self, doc: Doc, prepare: Callable[[Span], None]) -> Iterator[tuple[int, int, int]]:
        """(match id, start, end) in doc positions; ``prepare`` runs once per admitted sentence."""
        by_hash = self._by_hash
        # word hashes straight from the doc's arrays: making Token objects would cost more
        # than the matching it saves
        words = doc.to_array([LOWER, LEMMA])
        for sent in doc.sents:
            admitted: dict[int, Matcher] = {}
            for word in set(words[sent.start : sent.end].ravel().tolist()):
                for matcher in by_hash.get(word, ()):
                    admitted[id(matcher)] = matcher
            if self._roles_always and self._roles is not None:
                admitted[id(self._roles)] = self._roles
            matchers = list(admitted.values())
            if self._always is not None:
                matchers.append(self._always)
            if not matchers:
                continue
            if any(id(m) in self._needs_roles for m in matchers):
                prepare(sent)
            for matcher in matchers:
                for key, start, end in matcher(sent):
                    yield key, sent.start + start, sent.start + end
