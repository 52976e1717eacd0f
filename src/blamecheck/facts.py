"""The facts a sentence gives (names, dates, numbers), so that no rewrite drops or invents one.

A rewrite may restructure a clause, but every name, date and number it replaces must come out
again: in the rewrite itself, or moved inside a [placeholder] on purpose. Each fact carries the
smallest phrase around it ("on 3 March", "to his mother's in Glasgow") so that the rewrite engine
can put a missing fact back with its preposition rather than as a bare word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

_MONTHS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)
_DAYS = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mondays",
        "tuesdays",
        "wednesdays",
        "thursdays",
        "fridays",
        "saturdays",
        "sundays",
    ]
)
_DATE_WORDS = frozenset({"yesterday", "today", "tonight", "tomorrow"})
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "mx"})
_YEAR = re.compile(r"^(19|20)\d\d$")
_NUMERIC_DATE = re.compile(
    r"^\d{1,4}[/.-]\d{1,2}(?:[/.-]\d{1,4})?$|^\d{1,2}(?::\d\d)?\s?[ap]m$", re.I
)
_ORDINAL = re.compile(r"^\d{1,2}(st|nd|rd|th)?$", re.IGNORECASE)
# a preposition, relative clause or adverbial that can carry a fact back into a rewrite
_CARRIER_DEPS = frozenset({"prep", "relcl", "npadvmod", "advcl", "acl"})
_WORD = re.compile(r"\w+")  # "Liam's" holds the name "Liam"


@dataclass(frozen=True)
class Fact:
    """One name, date or number as the sentence writes it, and the phrase that carries it."""

    text: str
    kind: str  # "name", "date" or "number"
    carrier: str  # the smallest phrase around it that reads on its own: "on 3 March"


def _is_date_token(token: Token) -> bool:
    low = token.lower_
    if low in _MONTHS and (token.pos_ == "PROPN" or token.is_title):
        return low != "may" or token.is_title
    return (
        low in _DAYS
        or low in _DATE_WORDS
        or bool(_YEAR.match(token.text))
        or bool(_NUMERIC_DATE.match(token.text))
    )


def _kind(token: Token) -> str | None:
    if _is_date_token(token):
        return "date"
    if token.like_num or token.text.isdigit():
        # a day of the month next to its month is part of the date
        neighbours = [token.nbor(d) for d in (-1, 1) if 0 <= token.i + d < len(token.doc)]
        if _ORDINAL.match(token.text) and any(_is_date_token(n) for n in neighbours):
            return "date"
        return "number"
    if token.pos_ == "PROPN" and token.is_alpha and (token.is_title or token.is_upper):
        # short capitals are abbreviations ("DA", "CP", "GP"), not names
        return None if token.is_upper and len(token.text) <= 3 else "name"
    if token.lower_.rstrip(".") in _TITLES and token.i + 1 < len(token.doc):
        nxt = token.nbor(1)
        if nxt.pos_ == "PROPN":
            return "name"
    return None


def facts_in(span: Span) -> list[Fact]:
    """The names, dates and numbers of ``span``, each run of words merged into one fact."""
    runs: list[tuple[str, list[Token]]] = []
    for token in span:
        kind = _kind(token)
        if kind is None:
            continue
        if runs and runs[-1][0] == kind and runs[-1][1][-1].i == token.i - 1:
            runs[-1][1].append(token)
        elif (
            runs
            and kind in {"date", "number"}
            and runs[-1][0] in {"date", "number"}
            and runs[-1][1][-1].i == token.i - 1
        ):
            runs[-1] = ("date", [*runs[-1][1], token])
        else:
            runs.append((kind, [token]))
    out: list[Fact] = []
    for kind, tokens in runs:
        if kind == "name" and _generic_name(tokens):
            continue
        text = span.doc[tokens[0].i : tokens[-1].i + 1].text
        out.append(Fact(text=text, kind=kind, carrier=_carrier(tokens, span)))
    return out


def _generic_name(tokens: list[Token]) -> bool:
    """Role words the tagger sometimes calls proper nouns ("Mum", "Mother") are not names."""
    return len(tokens) == 1 and tokens[0].lower_ in {
        "mum",
        "mother",
        "dad",
        "father",
        "mummy",
        "daddy",
        "i",
    }


def _carrier(tokens: list[Token], span: Span) -> str:
    """The innermost preposition or clause holding the fact, inside ``span``; else the fact."""
    token = tokens[0]
    while token.dep_ not in _CARRIER_DEPS and token.head.i != token.i:
        head = token.head
        if not (span.start <= head.i < span.end):
            break
        token = head
    if token.dep_ in _CARRIER_DEPS:
        left, right = token.left_edge.i, token.right_edge.i + 1
        if span.start <= left and right <= span.end:
            return span.doc[left:right].text
    first, last = tokens[0], tokens[-1]
    # a name with its possessive ("his mother's") or title stays whole
    return span.doc[first.i : last.i + 1].text


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.replace("’", "'").lower()))


def kept(fact: Fact, rewrite: str) -> bool:
    """The fact appears in the rewrite as written, or inside one of its [placeholders]."""
    return f" {_norm(fact.text)} " in f" {_norm(rewrite)} "


def missing(facts: list[Fact] | tuple[Fact, ...], rewrite: str) -> list[Fact]:
    return [f for f in facts if not kept(f, rewrite)]
