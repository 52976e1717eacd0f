"""Turn a rule's alternatives into suggestions for one finding, filling what the document says.

Facts come only from the document: the subject as written and the people it names. Whatever
only the writer knows stays a visible [placeholder], and such a suggestion is 'needs-input'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .findings import Suggestion
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
    slots: tuple[tuple[str, str], ...] = ()


def suggestions_for(alternatives: tuple[Alternative, ...], facts: Facts) -> list[Suggestion]:
    """Rewrites and questions that replace the span; guidance lines are not replacements."""
    out: list[Suggestion] = []
    seen: set[str] = set()
    for alt in alternatives:
        if alt.kind == "guidance":
            continue
        if alt.requires_subject and not facts.subject:
            continue
        text = fill(alt.text, facts)
        if text is None:
            continue
        if text in seen:
            continue
        seen.add(text)
        source = None
        if alt.source is not None:
            title = alt.source.title or alt.source.seed
            source = f"{title} ({alt.source.seed})"
        out.append(
            Suggestion(
                replacement=text,
                description=alt.description or _default_description(alt),
                source=source,
                status="needs-input" if PLACEHOLDER.search(text) else "complete",
            )
        )
    return out


def fill(template: str, facts: Facts) -> str | None:
    """The template with the document's facts, or None if it needs a slot this finding lacks."""
    actor = facts.actor or "[who did this]"
    values = {
        "actor": actor,
        "Actor": _capitalise(actor),
        **dict(facts.slots),
        "subject": facts.subject or "[her name]",
        "subject_object": _object_case(facts.subject) if facts.subject else "[her name]",
        "Subject": _capitalise(facts.subject) if facts.subject else "[Her name]",
        "perpetrator": facts.perpetrator or "[his name]",
        "Perpetrator": facts.perpetrator or "[His name]",
        "survivor": facts.survivor or "[her name]",
        "Survivor": facts.survivor or "[Her name]",
        "match": facts.match,
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
