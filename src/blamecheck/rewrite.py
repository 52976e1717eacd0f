"""Turn a rule's alternatives into suggestions for one finding, filling what the document says.

Facts come only from the document: the subject as written and the people it names. Whatever
only the writer knows stays a visible [placeholder], and such a suggestion is 'needs-input'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .findings import Prompt, Suggestion
from .patterns import PLACEHOLDER, Alternative

_FIELD = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Facts:
    """What the document itself says, for filling templates."""

    subject: str | None
    perpetrator: str | None
    survivor: str | None
    match: str
    actor: str | None = None  # the one person the document names as using violence
    child: str | None = None  # the child the document names, or "[Liam or Mia]" for several
    slots: tuple[tuple[str, str], ...] = ()


def suggestions_for(alternatives: tuple[Alternative, ...], facts: Facts) -> list[Suggestion]:
    """Rewrites and questions that replace the span; guidance lines are not replacements."""
    out: list[Suggestion] = []
    seen: set[str] = set()
    for alt in alternatives:
        if alt.kind in {"guidance", "prompt"}:
            continue
        if alt.requires_subject and not facts.subject:
            continue
        text = fill(alt.text, facts)
        if text is None:
            continue
        if text in seen:
            continue
        seen.add(text)
        source = _attribution(alt)
        out.append(
            Suggestion(
                replacement=text,
                description=alt.description or _default_description(alt),
                source=source,
                status="needs-input" if PLACEHOLDER.search(text) else "complete",
            )
        )
    return out


def prompts_for(alternatives: tuple[Alternative, ...], facts: Facts) -> list[Prompt]:
    """The questions that help the writer find what a rewrite's placeholders ask for."""
    out: list[Prompt] = []
    for alt in alternatives:
        if alt.kind != "prompt":
            continue
        text = fill(alt.text, facts)
        if text is not None and all(p.text != text for p in out):
            out.append(Prompt(text=text, source=_attribution(alt)))
    return out


def _attribution(alt: Alternative) -> str | None:
    """ "Title (seed file)", or the seed file alone."""
    if alt.source is None:
        return None
    if alt.source.title:
        return f"{alt.source.title} ({alt.source.seed})"
    return alt.source.seed


def fill(template: str, facts: Facts) -> str | None:
    """The template with the document's facts, or None if it needs a slot this finding lacks."""
    actor = facts.actor or "[who did this]"
    perpetrator = facts.perpetrator or "[his name]"
    values = {
        "actor": actor,
        "Actor": _capitalise(actor),
        "subject": facts.subject or "[her name]",
        "subject_object": _object_case(facts.subject) if facts.subject else "[her name]",
        "Subject": _capitalise(facts.subject) if facts.subject else "[Her name]",
        "perpetrator": facts.perpetrator or "[his name]",
        "Perpetrator": facts.perpetrator or "[His name]",
        "survivor": facts.survivor or "[her name]",
        "Survivor": facts.survivor or "[Her name]",
        "match": facts.match,
        # the Multiple Pathways frame: his behaviour, the child, the effect; the sentence's
        # own words (slots) replace these defaults where it already says them
        "because": f"Since {perpetrator} [what he did]",
        "child": facts.child or "[child's name]",
        "has": "has",
        "effect": "[specific effect on school, sleep, friends, health or home]",
        **dict(facts.slots),
    }
    if any(name not in values for name in _FIELD.findall(template)):
        return None
    return _FIELD.sub(lambda m: values[m.group(1)], template)


_OBJECT_CASE = {"she": "her", "he": "him", "they": "them", "i": "me", "we": "us", "you": "you"}


def _object_case(text: str) -> str:
    """ "She" becomes "her" after a verb in a template; names stay as written."""
    return _OBJECT_CASE.get(text.lower(), text)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _default_description(alt: Alternative) -> str:
    if alt.kind == "question":
        return "Ask instead"
    return "Write instead"
