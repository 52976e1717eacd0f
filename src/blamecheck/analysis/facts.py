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

from blamecheck.analysis.roles import DAYS, MONTH_ABBREVIATIONS, MONTHS, TITLE_WORDS

_MONTHS = MONTHS | MONTH_ABBREVIATIONS
_DAYS = DAYS | {day + "s" for day in DAYS}  # "on Mondays"
_DATE_WORDS = frozenset({"yesterday", "today", "tonight", "tomorrow"})
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
    if token.lower_.rstrip(".") in TITLE_WORDS and token.i + 1 < len(token.doc):
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
        # "11" of "11pm", "4" of "4th": the fact is the whole word as written
        while (
            not tokens[-1].whitespace_
            and tokens[-1].i + 1 < span.end
            and span.doc[tokens[-1].i + 1].is_alpha
        ):
            tokens = [*tokens, span.doc[tokens[-1].i + 1]]
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
    """The innermost preposition or clause holding the fact, inside ``span``; else the fact.

    A preposition hanging on a noun that is itself the object of a time word ("after the
    court date on 4 June") is carried with that noun, so the date keeps what it dates.
    """
    token = tokens[0]
    while token.dep_ not in _CARRIER_DEPS and token.head.i != token.i:
        head = token.head
        if not (span.start <= head.i < span.end):
            break
        token = head
    if token.dep_ == "prep" and token.head.dep_ == "pobj":
        outer = token.head.head
        if outer.lower_ in _TIME_PREPOSITIONS and span.start <= outer.i < span.end:
            token = outer
    if token.dep_ in _CARRIER_DEPS:
        left, right = token.left_edge.i, _phrase_end(token)
        if span.start <= left and right <= span.end:
            return span.doc[left:right].text
    first, last = tokens[0], tokens[-1]
    return span.doc[first.i : last.i + 1].text


_TIME_PREPOSITIONS = frozenset({"after", "before", "since", "until", "during", "following"})


def _phrase_end(token: Token) -> int:
    """One past the phrase's last word, leaving out a coordinated clause ("by Monday or the
    children will be removed" ends after "Monday"); lists of words ("aged 2, 5 and 9") stay."""
    right = token.i
    for child in token.children:
        if child.i < token.i or child.dep_ == "cc":
            continue
        if child.dep_ == "conj" and any(t.pos_ in {"VERB", "AUX"} for t in child.subtree):
            continue
        right = max(right, _phrase_end(child) - 1)
    doc = token.doc
    while right > token.i and doc[right].text in {",", ".", ";", ":"}:
        right -= 1
    return right + 1


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.replace("’", "'").lower()))


def kept(fact: Fact, rewrite: str) -> bool:
    """The fact appears in the rewrite as written, or inside one of its [placeholders]."""
    return f" {_norm(fact.text)} " in f" {_norm(rewrite)} "


def missing(facts: list[Fact] | tuple[Fact, ...], rewrite: str) -> list[Fact]:
    return [f for f in facts if not kept(f, rewrite)]
