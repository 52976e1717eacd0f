"""Unfilled [placeholders] that blamecheck's own rewrites put into a document.

After `fix --placeholders`, a report holds bracketed gaps such as "[what he did]" that only
the writer can fill. They are counted on every check so that none is forgotten. Only the
placeholders blamecheck writes are counted, so a writer's own brackets ("[redacted]") are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from blamecheck.analysis.packs import PLACEHOLDER, PackSet
from blamecheck.rewriting.rewrite import PLACE_THIS, Facts, fill

# "[Liam or Mia]", "[Liam, Mia or Jo]": the choice offered when a document names several children
_CHOICE = re.compile(r"^[A-Z][\w'’-]*(?:, [A-Z][\w'’-]*)* or [A-Z][\w'’-]*$")


@dataclass(frozen=True)
class Placeholder:
    start: int
    end: int
    text: str


@cache
def _known(packs: PackSet) -> frozenset[str]:
    """Every placeholder a rule's alternatives can produce, filled or not, in lower case."""
    blank = Facts(subject=None, perpetrator=None, survivor=None, match="")
    found: set[str] = set()
    for rule in packs.rules:
        alternatives = list(rule.alternatives)
        for pattern in rule.patterns:
            alternatives.extend(pattern.alternatives)
        for alternative in alternatives:
            for text in (alternative.text, fill(alternative.text, blank) or ""):
                found.update(m.group(0)[1:-1].lower() for m in PLACEHOLDER.finditer(text))
    found.add("partner's name")  # the practice table's "(partner)", when no name is known
    return frozenset(found)


def find(text: str, packs: PackSet) -> list[Placeholder]:
    """The unfilled placeholders in ``text``, in order."""
    known = _known(packs)
    out: list[Placeholder] = []
    for match in PLACEHOLDER.finditer(text):
        inner = match.group(0)[1:-1]
        if inner.lower() in known or _CHOICE.match(inner) or inner.startswith(PLACE_THIS):
            out.append(Placeholder(match.start(), match.end(), match.group(0)))
    return out
