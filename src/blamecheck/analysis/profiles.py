"""What kind of document this is: a record about one family, or general prose.

A case record's "domestic abuse harms children" is the generic claim the Edinburgh audit
found in place of what he did to this child; the same words in a policy paper, a research
summary or a statute are simply true. Rules marked ``documents: case-record`` therefore run
only on case records. The profile comes from the configuration (``profile = "general"`` for a
folder of policy papers, ``"case-record"`` for case files) or, by default (``"auto"``), from
the document: general prose when it names nobody of the family (no named mother, father or
child) and either shows a sign of research, statistics, legislation or guidance (a citation,
a figure, a section of an Act, "the authors", "practitioners") or half its sentences are
claims about a group ("children who live with domestic abuse", "every child"). A document
that names the family is a record, whatever else it says; a one-sentence "Domestic abuse
harms children" is general, and is flagged once the document around it names the family.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum

from spacy.tokens import Span

from blamecheck.analysis.grammar import is_generic


class Profile(StrEnum):
    AUTO = "auto"
    CASE_RECORD = "case-record"
    GENERAL = "general"


# signs of research, statistics, legislation and guidance
_GENERAL_SIGNS = re.compile(
    r"""
      \(\s*(?:19|20)\d{2}[a-z]?\s*\)              # a citation year: (2014)
    | \bet\ al\b | \[\d+(?:[,–-]\d+)*\]          # et al., [12]
    | \d\s*%|\bper\ ?cent\b                       # statistics
    | \b(?:one|two|three|four|five|six|seven|eight|nine|\d+)\ in\ (?:ten|\d+)\b
    | \b(?:half|two\ thirds|three\ quarters|a\ third|a\ quarter|majority|minority
         |proportion)\ of\b
    | \b(?:section|ss?\.)\s*\d+                   # legislation
    | \bact\ (?:19|20)\d{2}\b | \bthe\ act\b | \bstatutory\b | \bdefinition\b
    | \bprovides\ that\b | \boffence\b | \bthe\ (?:accused|prosecution)\b
    | \b(?:research|researchers|studies|study|literature|evidence\ base|dataset|survey
         |prevalence|meta-analysis|the\ authors|the\ review|the\ report|findings
         |legislation|guidance|practitioners|professionals|framework)\b
    """,
    re.VERBOSE | re.IGNORECASE,
)


_QUANTIFIERS = frozenset({"every", "any", "each", "all", "most", "many", "some", "no"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})


def about_a_group(sentence: Span) -> bool:
    """Whether a sentence's subject is a group rather than a person ("children who live
    with it", "practitioners", "every child", "a child who sees ...")."""
    for token in sentence:
        if token.dep_ not in _SUBJECTS or token.head.dep_ not in {"ROOT", "ccomp", "conj"}:
            continue
        if token.pos_ == "PRON" or token.ent_type_ == "PERSON":
            continue
        if is_generic(token) or any(
            c.dep_ == "det"
            and (
                c.lower_ in _QUANTIFIERS
                or (c.lower_ in {"a", "an"} and any(g.dep_ == "relcl" for g in token.children))
            )
            for c in token.children
        ):
            return True
    return False


def resolve(profile: Profile, sentences: Iterable[Span], names_family: bool) -> Profile:
    """The profile a document is checked under: the configured one, or for ``auto``,
    general prose when it names nobody of the family and either shows a sign of research,
    statistics or law or half its sentences are about groups."""
    if profile != Profile.AUTO:
        return profile
    if names_family:
        return Profile.CASE_RECORD
    sentences = [s for s in sentences if any(t.is_alpha for t in s)]
    if any(_GENERAL_SIGNS.search(s.text) for s in sentences):
        return Profile.GENERAL
    verdicts = [about_a_group(s) for s in sentences]
    if verdicts and 2 * sum(verdicts) >= len(verdicts):
        return Profile.GENERAL
    return Profile.CASE_RECORD
