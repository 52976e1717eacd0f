"""The one rewrite engine: ranked alternatives for a finding, from the document's own facts.

Every surface (CLI check and fix, demo, language server, evaluation) gets its suggestions here.
Alternatives come from three places, most specific first: the practice table's constructive
column (verbatim, attributed), the rule's templates that restructure the writer's own clause,
and the seeds' "pivot to the perpetrator" script for spoken sentences. Facts come only from the
document; whatever only the writer knows stays a visible [placeholder] and such a suggestion is
'needs-input'. A template may drop words but never a name, date or number: the ones it would
lose are put back with the phrase that carries them ("on 3 March").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from blamecheck.analysis import facts as fact_check
from blamecheck.analysis.facts import Fact
from blamecheck.analysis.packs import (
    PLACEHOLDER,
    TABLE_DESCRIPTION,
    Alternative,
    PivotScript,
    PracticeTable,
)
from blamecheck.findings import Prompt, Suggestion

_FIELD = re.compile(r"\{(\w+)\}")
_RESTRUCTURES = re.compile(r"\{(active|patient|rest|match)\}")  # the writer's own clause
_SPACES = re.compile(r"[ \t]{2,}")
_SPACE_BEFORE_PUNCT = re.compile(r" +([,;:.?!])")
QUOTED_NOTE = (
    " These words are inside quotation marks: someone's own words, kept as evidence, "
    "so blamecheck does not rewrite them."
)


# The slots only the writer can fill with a person: a rewrite names no one the sentence does
# not name, so these stay visible, and the people the document names are offered as choices.
ACTOR = "[who did this]"
HIS_NAME = "[his name]"
HER_NAME = "[her name]"
CHILD_NAME = "[child's name]"
PARTNER_NAME = "[partner's name]"
PERSON_SLOTS = {ACTOR: "actor", HIS_NAME: "perpetrator", PARTNER_NAME: "perpetrator"}
PERSON_SLOTS |= {HER_NAME: "survivor", CHILD_NAME: "child"}
MAX_CHOICES = 3


@dataclass(frozen=True)
class Facts:
    """What the document itself says, for filling templates."""

    subject: str | None
    perpetrator: str | None
    survivor: str | None
    match: str
    child: str | None = None  # the child the sentence itself names
    slots: tuple[tuple[str, str], ...] = ()
    facts: tuple[Fact, ...] = ()  # names, dates and numbers inside the flagged words
    quoted: bool = False  # someone's own words: never rewritten
    spoken: bool = False  # a question or words addressed to someone
    children: str | None = None  # the children the sentence names, for words said aloud
    stands_alone: bool = True  # a main clause, which a template's own sentence may replace
    # the writer's phrases outside the matched words, to keep, each with its content words
    loose: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Alternatives:
    """What a finding offers: ranked replacements, and questions for the writer."""

    suggestions: list[Suggestion]
    prompts: list[Prompt]


def alternatives_for(
    alternatives: tuple[Alternative, ...],
    facts: Facts,
    table: PracticeTable | None = None,
    table_rows: tuple[int, ...] = (),
) -> Alternatives:
    """Ranked suggestions and prompts for one finding.

    Ranking: for a question or spoken sentence, questions first, then the pivot script, then
    statements; for a written statement, statements only (questions become prompts for the
    writer to ask her). Within a kind the order is the rule's: most specific first.
    """
    table_alts = _table_alternatives(table, table_rows)
    pool = list(alternatives) + [a for a in table_alts if a not in alternatives]
    script = _script(table.pivot_script, facts) if table and table.pivot_script else None
    prompts = prompts_for(pool, facts)
    if facts.quoted:
        # kept as evidence: nothing replaces them, but the constructive questions still show
        asked = [
            Prompt(text=a.text, source=_attribution(a))
            for a in pool
            if a.kind == "question" and "{" not in a.text
        ]
        return Alternatives([], _unique_prompts(asked + prompts))
    candidates = _candidates(pool, facts)
    questions = [
        Prompt(text=c.replacement, source=c.source) for _, c in candidates if c.kind == "question"
    ]
    if any(c.keeps_facts for _, c in candidates):
        # a rewrite that would drop a name, date or number is not offered beside one that keeps it
        candidates = [(a, c) for a, c in candidates if c.keeps_facts]
    if facts.spoken:
        # said aloud: the table's own lines in its order, then questions, the script, statements
        order = {"statement": 1, "question": 1, "script": 2, "rewrite": 3}
        ranked = [c for _, c in candidates]
        if script is not None:
            ranked.append(script)
        # an alternative that keeps every name and date first ("Why has Ms Blackwood not
        # left Mr Quayle?" asks about two named people; the table's questions name neither)
        ranked.sort(
            key=lambda c: (
                not c.keeps_facts,
                0 if c.kind == "statement" or _from_table(c) else 1,
                order[c.kind],
            )
        )
    else:
        ranked = [c for _, c in candidates if c.kind in {"rewrite", "statement"}]
        prompts = _unique_prompts(prompts + questions)
    return Alternatives(ranked, prompts)


def choices_for(top: Suggestion, people: dict[str, tuple[str, ...]]) -> list[Suggestion]:
    """The top rewrite with its first person slot filled by each person the document names
    for it: offered for the writer to choose, never applied on blamecheck's own say."""
    slot = next((p for p in PLACEHOLDER.findall(top.replacement) if p in PERSON_SLOTS), None)
    if slot is None or top.kind != "rewrite":
        return []
    out: list[Suggestion] = []
    for name in people.get(PERSON_SLOTS[slot], ())[:MAX_CHOICES]:
        if name in top.replacement:
            continue  # already in the sentence in another place: not a second person
        text = top.replacement.replace(slot, name)
        out.append(
            Suggestion(
                replacement=_capitalise(text) if top.replacement.startswith(slot) else text,
                description=f"Your decision, not blamecheck's: only if it was {name}",
                status="needs-input" if PLACEHOLDER.search(text) else "complete",
                kind="choice",
                keeps_facts=top.keeps_facts,
            )
        )
    return out


def _from_table(suggestion: Suggestion) -> bool:
    return suggestion.description == TABLE_DESCRIPTION


def _candidates(
    alternatives: list[Alternative] | tuple[Alternative, ...], facts: Facts
) -> list[tuple[Alternative, Suggestion]]:
    out: list[tuple[Alternative, Suggestion]] = []
    seen: set[str] = set()
    for alt in alternatives:
        if alt.kind in {"guidance", "prompt"}:
            continue
        if alt.requires_subject and not facts.subject:
            continue
        if not facts.stands_alone and alt.kind != "question" and not _RESTRUCTURES.search(alt.text):
            continue  # "a concern that [his name] [what he did]" would say something else
        text = fill(alt.text, facts)
        if text is None:
            continue
        # a line quoted from a source stands as written; a frame of placeholders alone still
        # carries the flagged words' names and dates back
        verbatim = not _FIELD.search(alt.text) and alt.source is not None
        # the table's own slot: "If (partner) were to become abusive today ..."
        text = text.replace("(partner)", facts.perpetrator or PARTNER_NAME)
        lost: list[Fact] = []
        if not verbatim:
            text, lost = keep_facts(text, facts.facts)
            text = keep_phrases(text, facts.loose)
        text = _tidy(text)
        if text in seen:
            continue
        seen.add(text)
        if alt.kind == "question":
            kind = "question"
        elif verbatim and alt.source is not None:
            kind = "statement"  # a constructive line said as it stands, not a template
        else:
            kind = "rewrite"
        suggestion = Suggestion(
            replacement=text,
            description=alt.description or _default_description(alt),
            source=_attribution(alt),
            status="needs-input" if PLACEHOLDER.search(text) else "complete",
            kind=kind,
            keeps_facts=not fact_check.missing(facts.facts, text) and not lost,
        )
        out.append((alt, suggestion))
    return out


def keep_facts(text: str, facts: tuple[Fact, ...]) -> tuple[str, list[Fact]]:
    """Put back every name, date and number the rewrite lost, in the writer's own words.

    A short time or place phrase ("on 3 March", "outside Tesco") goes back at the end as it
    stands. Anything else that carries a fact ("to Dean's violence at Gran's house") cannot be
    placed without guessing, so it goes into a visible [place this: ...] for the writer.
    """
    phrases: list[str] = []
    to_place: list[str] = []
    for fact in fact_check.missing(facts, text):
        if fact_check.kept(fact, " ".join([text, *phrases, *to_place])):
            continue
        words = fact.carrier.split()
        if (
            fact.carrier != fact.text
            and words[0].lower() in _TIME_AND_PLACE
            and len(words) <= _SHORT_PHRASE
        ):
            phrases.append(fact.carrier)
        else:
            to_place.append(fact.carrier)
    if not phrases and not to_place:
        return text, []
    out = text.rstrip()
    if phrases:
        out += " " + " ".join(dict.fromkeys(phrases))
    if to_place:
        out += f" [{PLACE_THIS} " + "; ".join(dict.fromkeys(to_place)) + "]"
    return out, fact_check.missing(facts, out)


def keep_phrases(text: str, phrases: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    """Every phrase of the writer's whose content words the rewrite lost goes into its
    visible [place this: ...], so no clause is dropped on blamecheck's own say."""
    have = set(_WORDS.findall(text.lower()))
    lost = [_unsaid(phrase, text) for phrase, words in phrases if not set(words) <= have]
    lost = [phrase for phrase in lost if phrase]
    if not lost:
        return text
    tail = f"[{PLACE_THIS} "
    if text.endswith("]") and tail in text:
        cut = text.rindex(tail)
        placed = text[cut + len(tail) : -1].split("; ")
        return text[:cut] + tail + "; ".join(dict.fromkeys([*placed, *lost])) + "]"
    return f"{text.rstrip()} {tail}" + "; ".join(dict.fromkeys(lost)) + "]"


def _unsaid(phrase: str, text: str) -> str:
    """The phrase without an ending the rewrite already says ("into the home for Liam's
    birthday" when "for Liam's birthday" was put back with its fact)."""
    words = phrase.split()
    for cut in range(1, len(words) - 1):
        if " ".join(words[cut:]) in text:
            return " ".join(words[:cut])
    return phrase


_WORDS = re.compile(r"\w+")
PLACE_THIS = "place this:"
_SHORT_PHRASE = 6
_TIME_AND_PLACE = frozenset(
    {"on", "in", "at", "by", "after", "before", "since", "during", "until", "from"}
    | {"outside", "inside", "near", "for"}
)


def prompts_for(
    alternatives: list[Alternative] | tuple[Alternative, ...], facts: Facts
) -> list[Prompt]:
    """The questions that help the writer find what a rewrite's placeholders ask for."""
    out: list[Prompt] = []
    for alt in alternatives:
        if alt.kind != "prompt":
            continue
        text = fill(alt.text, facts)
        if text is not None:
            out.append(Prompt(text=text, source=_attribution(alt)))
    return _unique_prompts(out)


def _unique_prompts(prompts: list[Prompt]) -> list[Prompt]:
    seen: set[str] = set()
    out: list[Prompt] = []
    for prompt in prompts:
        if prompt.text not in seen:
            seen.add(prompt.text)
            out.append(prompt)
    return out


def _table_alternatives(table: PracticeTable | None, rows: tuple[int, ...]) -> list[Alternative]:
    """The constructive column of the practice-table rows a sentence resembles, verbatim."""
    if table is None:
        return []
    return [alternative for row in rows for alternative in table.alternatives(row)]


def _script(pivot: PivotScript, facts: Facts) -> Suggestion | None:
    """The pivot to the perpetrator, said in three turns, with the document's names."""
    values = {
        "he": facts.perpetrator or "he",
        "she": facts.survivor or "she",
        "children": facts.children or "the children",
    }
    if values["children"] == "the children":
        first = pivot.validate_concern.replace("{children}'s", "the children's")
    else:
        first = pivot.validate_concern
    parts = [first, pivot.redirect, pivot.return_to_mother]
    text = " ".join(_FIELD.sub(lambda m: values.get(m.group(1), m.group(0)), p) for p in parts)
    text = text[:1].upper() + text[1:]
    text, lost = keep_facts(text, facts.facts)  # names it could not place stay visible
    return Suggestion(
        replacement=text,
        description="Pivot to the perpetrator: validate the concern, redirect it to his "
        "behaviour, return to the concern about the mother",
        source=pivot.source.reference,
        status="needs-input" if PLACEHOLDER.search(text) else "complete",
        kind="script",
        keeps_facts=not lost,
    )


def _attribution(alt: Alternative) -> str | None:
    """ "Title (seed file)", or the seed file alone."""
    if alt.source is None:
        return None
    if alt.source.title:
        return f"{alt.source.title} ({alt.source.seed})"
    return alt.source.seed


def _tidy(text: str) -> str:
    """Single spaces and no space before punctuation, whatever the template's slots held."""
    return _SPACE_BEFORE_PUNCT.sub(r"\1", _SPACES.sub(" ", text)).strip()


def fill(template: str, facts: Facts) -> str | None:
    """The template with the document's facts, or None if it needs a slot this finding lacks."""
    actor = ACTOR  # who did an act the writer left without an actor is the writer's to say
    perpetrator = facts.perpetrator or HIS_NAME
    subject = facts.subject
    values = {
        "actor": actor,
        "Actor": _capitalise(actor),
        "subject": _mid_sentence(subject) if subject else HER_NAME,
        "subject_object": _object_case(subject) if subject else HER_NAME,
        "Subject": _capitalise(subject) if subject else HER_NAME,
        "perpetrator": perpetrator,
        "Perpetrator": _capitalise(perpetrator),
        "survivor": facts.survivor or HER_NAME,
        "Survivor": _capitalise(facts.survivor or HER_NAME),
        "match": facts.match,
        "when": "",
        "object": "the children",
        # the Multiple Pathways frame: his behaviour, the child, the effect; the sentence's
        # own words (slots) replace these defaults where it already says them
        "because": f"Since {perpetrator} [what he did]{_when(facts)}",
        "child": facts.child or CHILD_NAME,
        "has": "has",
        "effect": "[specific effect on school, sleep, friends, health or home]",
        **dict(facts.slots),
    }
    if values["when"]:
        values["when"] = " " + values["when"].strip()
    if any(name not in values for name in _FIELD.findall(template)):
        return None
    return _FIELD.sub(lambda m: values[m.group(1)], template)


def _when(facts: Facts) -> str:
    when = dict(facts.slots).get("when", "").strip()
    return f" {when}" if when else ""


_OBJECT_CASE = {"she": "her", "he": "him", "they": "them", "i": "me", "we": "us", "you": "you"}
_PRONOUNS = frozenset({"she", "he", "they", "we", "you", "it"})


def _object_case(text: str) -> str:
    """ "She" becomes "her" after a verb in a template; names stay as written."""
    return _OBJECT_CASE.get(text.lower(), text)


def _mid_sentence(text: str) -> str:
    """ "She" inside a sentence is "she"; names and "Mother" stay as written."""
    return text.lower() if text.lower() in _PRONOUNS else text


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _default_description(alt: Alternative) -> str:
    if alt.kind == "question":
        return "Ask instead"
    return "Write instead"
