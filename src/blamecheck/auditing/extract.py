"""What an auditor copies out of a case file: his behaviours, effects on the children, her
protective efforts, complicating factors and plan actions, each with where it is written.

Each item is read off the dependency parse and the case's name table: a behaviour is a verb
whose actor resolves to him, an effort a verb whose actor resolves to her, a plan action an
item of a plan ("Ms Doyle to contact the police"). The words themselves are data
(patterns/audit.yaml); this module holds only how they are combined.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Span, Token

from blamecheck.analysis import specificity
from blamecheck.analysis.engine import Engine
from blamecheck.analysis.roles import Role, RoleResolver, name_of
from blamecheck.api import Block
from blamecheck.auditing.lexicon import AuditLexicon, BehaviourEntry
from blamecheck.auditing.model import (
    Behaviour,
    BehaviourType,
    Effort,
    Evidence,
    Factor,
    FactorKind,
    Framing,
    Impact,
    PlanAction,
    SafetyRoute,
    Who,
    Whose,
)
from blamecheck.auditing.reading import CaseDocument, ReadCase

_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})
_OBJECTS = frozenset({"dobj", "pobj", "dative", "iobj", "attr", "oprd", "nsubjpass"})
_OWN_CLAUSE = frozenset({"conj", "cc", "advcl", "parataxis", "relcl"})
_EDGE = frozenset({"cc", "mark", "punct", "prep"})  # not where a clause starts or ends
_LIST_MARK = re.compile(r"^\s*(?:[-*•]|\(?\d+[.)]|\(?[a-z][.)])\s+")
_NOT_ACTIONS = frozenset({"timescale", "review", "date", "by", "lead", "when", "who"})
_ROLE_WHO: dict[Role, Who] = {
    Role.SURVIVOR: "survivor",
    Role.PERPETRATOR: "perpetrator",
    Role.CHILD: "child",
    Role.BOTH: "both-parents",
    Role.PROFESSIONAL: "agency",
}


@dataclass
class Sentence:
    """One sentence of a case document, with what evidence needs to point at it."""

    document: CaseDocument
    block: Block
    span: Span
    in_plan: bool  # under a plan heading, or an item of a list that follows one

    def evidence(self, start: int | None = None, end: int | None = None) -> dict[str, object]:
        """Evidence fields for characters start..end of the sentence's paragraph (default:
        the whole sentence), placed in the document's own text."""
        s = self.span.start_char if start is None else start
        e = self.span.end_char if end is None else end
        doc = self.document
        first = doc.original(self.block.offset + s)
        last = doc.original(self.block.offset + e, end=True)
        return {
            "doc": doc.name,
            "date": doc.date,
            "line": doc.line(first),
            "start": first,
            "end": last,
            "text": " ".join(doc.document.text[first:last].split()),
        }


class Extractor:
    """Items of one case, from its parse, its name table and the audit lexicon."""

    def __init__(self, case: ReadCase, lexicon: AuditLexicon, engine: Engine):
        self.case = case
        self.lex = lexicon
        self.roles: RoleResolver = case.resolver
        self.engine = engine
        self.sentences = list(self._sentences())
        self._effects = lexicon.impacts.effects | engine.child_effects

    # -- reading --------------------------------------------------------------------------

    def _sentences(self) -> Iterator[Sentence]:
        headings = self.lex.plan.headings
        for document in self.case.documents:
            for block, doc in zip(document.blocks, document.docs, strict=True):
                plan_from = _plan_start(block.text, headings)
                for sentence in doc.sents:
                    if not sentence.text.strip():
                        continue
                    in_plan = plan_from is not None and sentence.start_char >= plan_from
                    yield Sentence(document, block, sentence, in_plan)

    def role(self, token: Token | None) -> Role:
        return self.roles.role_of(token)

    def actor(self, verb: Token) -> Token | None:
        """Who does ``verb``: its subject, the agent of a passive, or the subject it shares
        with the verb it is coordinated with or complements ("took her phone and read")."""
        seen = 0
        while verb is not None and seen < 6:
            seen += 1
            for child in verb.children:
                if child.dep_ in ("nsubj", "csubj"):
                    return child
                if child.dep_ == "agent":
                    return next((g for g in child.children if g.dep_ == "pobj"), None)
            if any(c.dep_ == "nsubjpass" for c in verb.children):
                return None  # a passive without an agent has no actor
            if verb.dep_ in ("conj", "xcomp") and verb.head.i != verb.i:
                verb = verb.head
                continue
            return None
        return None

    # -- his behaviours -------------------------------------------------------------------

    def behaviours(self) -> list[Behaviour]:
        found: list[Behaviour] = []
        for sentence in self.sentences:
            if sentence.in_plan or _is_plan_form(sentence.span):
                continue
            for token in sentence.span:
                typed = self._behaviour_type(token)
                if typed is None:
                    continue
                start, end = _clause(token, self.actor(token))
                found.append(Behaviour(**sentence.evidence(start, end), type=typed))
        return _merge_nested(found)

    def _behaviour_type(self, token: Token) -> BehaviourType | None:
        lemma = token.lemma_.lower()
        if token.pos_ == "VERB":
            actor = self.actor(token)
            if actor is None or self.role(actor) != Role.PERPETRATOR:
                return None
            if _negated(token) or self._denied(token):
                return None
            for entry in self.lex.behaviours:
                if lemma in entry.verbs and self._fits(entry, token):
                    if not entry.objects and lemma in self.lex.reporting_verbs:
                        continue
                    return entry.type
            return None
        if token.pos_ == "ADJ" and token.dep_ in ("acomp", "attr") and token.head.lemma_ == "be":
            subject = next((c for c in token.head.children if c.dep_ == "nsubj"), None)
            if subject is None or self.role(subject) != Role.PERPETRATOR or _negated(token.head):
                return None
            for kind, words in self.lex.behaviour_adjectives.items():
                if token.lower_ in words or lemma in words:
                    return kind
            return None
        if token.pos_ == "NOUN" and token.dep_ not in ("compound",):
            owner = next((c for c in token.children if c.dep_ == "poss"), None)
            if owner is None or self.role(owner) != Role.PERPETRATOR:
                return None
            if self._denied(token):
                return None
            for kind, words in self.lex.behaviour_nouns.items():
                if token.lower_ in words or lemma in words:
                    return kind
        return None

    def _fits(self, entry: BehaviourEntry, verb: Token) -> bool:
        words = [t for t in verb.subtree if t.i != verb.i and not _in_own_clause(t, verb)]
        if entry.with_child and not any(
            t.dep_ in _OBJECTS and self.role(t) == Role.CHILD for t in words
        ):
            return False
        if not entry.objects:
            return True
        return any(t.lower_ in entry.objects or t.lemma_.lower() in entry.objects for t in words)

    def _denied(self, token: Token) -> bool:
        return any(ancestor.lemma_.lower() in self.lex.denial_verbs for ancestor in token.ancestors)

    # -- her protective efforts -----------------------------------------------------------

    def efforts(self) -> list[Effort]:
        found: list[Effort] = []
        lex = self.lex.efforts
        for sentence in self.sentences:
            if sentence.in_plan or _is_plan_form(sentence.span):
                continue
            for token in sentence.span:
                lemma = token.lemma_.lower()
                if token.pos_ == "VERB" and lemma in lex.verbs:
                    actor = self.actor(token)
                    if actor is None or self.role(actor) != Role.SURVIVOR or _negated(token):
                        continue
                    needs = lex.needs_object.get(lemma)
                    if needs is not None and not any(
                        t.lower_ in needs or t.lemma_.lower() in needs
                        for t in token.subtree
                        if t.i != token.i
                    ):
                        continue
                    if lemma in {"say", "tell"} and _only_speech(token):
                        continue
                    start, end = _clause(token, actor)
                    found.append(Effort(**sentence.evidence(start, end)))
                elif token.pos_ == "ADJ" and token.lower_ in lex.adjectives:
                    subject = next((c for c in token.head.children if c.dep_ == "nsubj"), None)
                    if subject is not None and self.role(subject) == Role.SURVIVOR:
                        found.append(Effort(**sentence.evidence()))
        return _merge_nested(found)

    # -- effects on the children ----------------------------------------------------------

    def impacts(self) -> list[Impact]:
        found: list[Impact] = []
        generic = self.lex.impacts.generic_nouns
        for sentence in self.sentences:
            if sentence.in_plan or _is_plan_form(sentence.span):
                continue
            span = sentence.span
            children = [t for t in span if self._is_child(t)]
            if not children:
                continue
            if not any(
                t.lower_ in self._effects or t.lemma_.lower() in self._effects for t in span
            ):
                continue
            if _heading_like(span):
                continue
            named = next(
                (t for t in children if t.pos_ == "PROPN" or t.lower_ in {"he", "she"}), None
            )
            child = self._child_name(named) if named is not None else None
            if child is None and not any(t.lower_ in generic for t in children):
                child = self._child_name(children[0])
            parts = specificity.assess(
                span,
                self.roles,
                self.engine.concrete_acts,
                self._effects,
                self.engine.violent_verbs,
            )
            if parts.effect is None and not any(
                t.lemma_.lower() in self.lex.impacts.harm_words for t in span
            ):
                continue  # no effect the parse ties to a child, nor a statement of harm
            found.append(
                Impact(
                    **sentence.evidence(),
                    child=child,
                    specific=parts.complete and child is not None,
                    lacking=tuple(parts.lacking()),
                )
            )
        return found

    def _is_child(self, token: Token) -> bool:
        if token.pos_ not in {"NOUN", "PROPN", "PRON"}:
            return False
        return self.role(token) == Role.CHILD

    def _child_name(self, token: Token) -> str | None:
        if token.pos_ == "PROPN":
            return name_of(token).split()[0]
        if token.lower_ in {"he", "she", "him", "her"}:
            # the pronoun's antecedent: the nearest child named before it in the paragraph
            for j in range(token.i - 1, -1, -1):
                cand = token.doc[j]
                if cand.pos_ == "PROPN" and self.role(cand) == Role.CHILD:
                    return name_of(cand).split()[0]
        return None

    # -- complicating factors -------------------------------------------------------------

    def factors(self) -> list[Factor]:
        found: list[Factor] = []
        kinds = self.lex.factors.kinds
        for sentence in self.sentences:
            if sentence.in_plan:
                continue
            span = sentence.span
            for kind, words in kinds.items():
                hit = next(
                    (t for t in span if t.lower_ in words or t.lemma_.lower() in words), None
                )
                if hit is None:
                    continue
                whose = self._whose(hit)
                found.append(
                    Factor(
                        **sentence.evidence(),
                        factor=kind,
                        whose=whose,
                        framing=self._framing(span, whose, kind),
                    )
                )
                break  # one factor per sentence: the first kind written
        return found

    def _whose(self, token: Token) -> Whose:
        for candidate in [token, *token.ancestors]:
            for child in candidate.children:
                if child.dep_ == "poss":
                    role = self.role(child)
                    if role in (Role.SURVIVOR, Role.PERPETRATOR):
                        return "survivor" if role == Role.SURVIVOR else "perpetrator"
            if candidate.pos_ in ("VERB", "AUX", "ADJ"):
                subject = next((c for c in candidate.children if c.dep_ in _SUBJECTS), None)
                role = self.role(subject)
                if role in (Role.SURVIVOR, Role.PERPETRATOR):
                    return "survivor" if role == Role.SURVIVOR else "perpetrator"
        return "unknown"

    def _framing(self, span: Span, whose: Whose, kind: FactorKind) -> Framing:
        words = {t.lower_ for t in span} | {t.lemma_.lower() for t in span}
        lex = self.lex.factors
        if whose == "perpetrator" and words & lex.cause_words:
            return "his-cause"
        if whose == "survivor":
            his_act = any(
                t.pos_ == "VERB" and self.role(self.actor(t)) == Role.PERPETRATOR for t in span
            )
            if his_act:
                return "his-cause"
            if words & lex.culpability_words:
                return "her-culpability"
        return "neutral"

    # -- the plan -------------------------------------------------------------------------

    def plan_actions(self) -> list[PlanAction]:
        found: list[PlanAction] = []
        for sentence in self.sentences:
            span = sentence.span
            if not (sentence.in_plan or _is_plan_form(span)):
                continue
            words = [t for t in span if not t.is_punct and not t.is_space]
            if (
                len(words) < 3
                or words[0].lower_ in _NOT_ACTIONS
                or span.text.rstrip().endswith(":")
            ):
                continue
            if not any(t.pos_ in ("VERB", "AUX") or t.tag_ == "VB" for t in span):
                continue
            who = self._who(span)
            found.append(
                PlanAction(
                    **sentence.evidence(),
                    who=who,
                    behaviour_change_goal=who == "perpetrator" and self._change_goal(span),
                    safety_route=self._route(span, who),
                )
            )
        return found

    def _who(self, span: Span) -> Who:
        verb = next((t for t in span if t.pos_ in ("VERB", "AUX")), None)
        subject = None
        if verb is not None:
            subject = self.actor(verb)
            if subject is None:
                subject = next(
                    (t for t in span if t.i < verb.i and t.pos_ in ("PROPN", "NOUN", "PRON")), None
                )
        if subject is None:
            return "agency"  # "Request information from the school": the writer's own task
        if (
            subject.lower_ in self.lex.plan.agency_words
            or any(t.lower_ in self.lex.plan.agency_words for t in subject.subtree)
        ) and self.role(subject) not in (Role.SURVIVOR, Role.PERPETRATOR, Role.BOTH):
            return "agency"
        role = self.role(subject)
        return _ROLE_WHO.get(role, "agency")

    def _change_goal(self, span: Span) -> bool:
        plan = self.lex.plan
        verbs = {t.lemma_.lower() for t in span if t.pos_ in ("VERB", "AUX")}
        negated_act = any(
            (t.dep_ == "neg" or t.lower_ in {"no", "never"}) and t.head.pos_ in ("VERB", "NOUN")
            for t in span
        )
        words = {t.lower_ for t in span} | {t.lemma_.lower() for t in span}
        if negated_act and words & plan.change_objects:
            return True
        return bool(verbs & plan.change_verbs and words & plan.change_objects)

    def _route(self, span: Span, who: Who) -> SafetyRoute | None:
        if who not in ("survivor", "both-parents"):
            return None
        words = {t.lower_ for t in span} | {t.lemma_.lower() for t in span}
        routes = self.lex.plan.routes
        if words & routes["calling-police"]:
            return "calling-police"
        if words & routes["moving"] and any(
            t.lemma_.lower() in {"move", "relocate"} or t.lower_ in {"refuge"} for t in span
        ):
            return "moving"
        negated = any(t.dep_ == "neg" or t.lower_ in {"no", "never"} for t in span)
        if words & {"end", "separate", "separation", "leave"} and words & {
            "relationship",
            "him",
            "separate",
            "separation",
        }:
            return "separation"
        if negated and words & {"allow", "let", "contact", "reconcile", "resume"}:
            return "separation"
        return None


# -- helpers on the parse -----------------------------------------------------------------


def _plan_start(text: str, headings: frozenset[str]) -> int | None:
    """Where the plan of a paragraph starts: after a heading line that names one ("Plan:",
    "Child Protection Plan", "Actions agreed"), or None."""
    pos = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip().rstrip(":").strip()
        words = re.findall(r"[a-z']+", stripped.lower())
        short = 0 < len(words) <= 6 and not stripped.endswith(".")
        if (
            short
            and words
            and set(words) & headings
            and (
                line.strip().endswith(":")
                or stripped.isupper()
                or stripped.istitle()
                or len(words) <= 4
            )
        ):
            return pos + len(line)
        pos += len(line)
    return None


def _is_plan_form(span: Span) -> bool:
    """A line written as a task: "Ms Doyle to contact the police", "Mr Reid not to ..."."""
    for token in span:
        if token.pos_ in ("VERB", "AUX"):
            to = [c for c in token.children if c.dep_ == "aux" and c.lower_ == "to"]
            has_subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children)
            finite = any(c.dep_ == "aux" and c.lower_ != "to" for c in token.children)
            before = span[: token.i - span.start]
            return (
                bool(to)
                and (has_subject or (token.dep_ == "ROOT" and len(before) > 1))
                and not finite
                and not any(t.pos_ in ("VERB", "AUX") and t.dep_ == "ROOT" for t in before)
            )
    return False


def _heading_like(span: Span) -> bool:
    """A form's heading or label line ("Pupil: Tyler Doyle, Primary 5"), not a statement."""
    return not any(t.pos_ in ("VERB", "AUX") for t in span) or span.text.isupper()


def _negated(token: Token) -> bool:
    return any(c.dep_ == "neg" for c in token.children)


def _only_speech(token: Token) -> bool:
    return not any(c.dep_ in ("dobj", "dative") for c in token.children)


def _in_own_clause(token: Token, verb: Token) -> bool:
    """Whether ``token`` belongs to a clause of its own inside ``verb``'s subtree."""
    node = token
    while node.head.i != node.i and node.i != verb.i:
        if node.dep_ in _OWN_CLAUSE and node.head.i == verb.i and node.pos_ in ("VERB", "AUX"):
            return True
        node = node.head
    return False


def _clause(verb: Token, actor: Token | None) -> tuple[int, int]:
    """Characters (in the paragraph) of the clause ``verb`` heads, from its actor's first
    word ("Mr Doyle had come home"), without the clauses coordinated with it."""
    kept = [t for t in verb.subtree if not _in_own_clause(t, verb)]
    if actor is not None:
        kept += list(actor.subtree)
    kept.sort(key=lambda t: t.i)
    while len(kept) > 1 and kept[0].dep_ in _EDGE:
        kept.pop(0)
    while len(kept) > 1 and kept[-1].dep_ in _EDGE and kept[-1].text not in {"'", "’", '"'}:
        kept.pop()
    return kept[0].idx, kept[-1].idx + len(kept[-1].text)


def _merge_nested(items: list) -> list:
    """One item per stretch of text: an item inside another of the same document goes."""
    items = sorted(items, key=lambda e: (e.doc, e.start, -(e.end - e.start)))
    kept: list[Evidence] = []
    for item in items:
        if (
            kept
            and kept[-1].doc == item.doc
            and item.start >= kept[-1].start
            and item.end <= kept[-1].end
        ):
            continue
        kept.append(item)
    return kept
