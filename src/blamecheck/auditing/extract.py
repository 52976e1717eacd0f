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
from blamecheck.analysis.grammar import is_negated, reporting_verb
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
_PREDICATE_PARTS = frozenset(
    {"acomp", "attr", "dobj", "pobj", "prep", "amod", "compound", "oprd", "advmod", "npadvmod"}
    | {"nmod", "conj", "appos"}
)
_GERUND_SLOTS = frozenset({"dobj", "pobj", "pcomp", "appos", "attr"})
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
        people = self.roles.lex
        self._person_nouns = frozenset(
            w.lower() for w in (*people.survivor.nouns, *people.child.nouns, *people.couple.nouns)
        )

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
            named = next(
                (
                    c
                    for c in verb.children
                    if c.dep_ == "npadvmod" and c.pos_ == "PROPN" and c.i < verb.i
                ),
                None,
            )
            if named is not None:
                return named  # the small parser's "Amy changed the locks": Amy as npadvmod
            if verb.dep_ in ("conj", "xcomp") and verb.head.i != verb.i:
                verb = verb.head
                continue
            if verb.tag_ == "VBG" and verb.dep_ in _GERUND_SLOTS and verb.head.i != verb.i:
                # "his behaviour includes checking her phone": the gerund's doer is whoever
                # the clause above is about; through a preposition ("accepted responsibility
                # for keeping her passport") too
                head = verb.head
                if head.pos_ == "ADP" and head.head.i != head.i:
                    head = head.head
                verb = head
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
        lex = self.lex
        if token.pos_ == "VERB":
            actor = self.actor(token)
            if actor is None or self.role(actor) != Role.PERPETRATOR:
                return None
            if self._denied(token) or self._not_an_act(token):
                return None
            refused = token.dep_ == "xcomp" and token.head.lemma_.lower() == "refuse"
            if any(  # "he uses no physical force"
                c.dep_ == "det" and c.lower_ == "no" for a in _arguments(token) for c in a.children
            ):
                return None
            if _negated(token) or refused:
                # "he does not allow visitors", "won't let her go", "refuses to allow
                # contraception": a permission withheld is his act
                return lex.refusals.type if lemma in lex.refusals.verbs else None
            if self._not_done(token):
                return None
            for entry in lex.behaviours:
                if lemma in entry.verbs and self._fits(entry, token):
                    if not entry.objects and lemma in lex.reporting_verbs:
                        continue
                    return entry.type
            # what he tells her or a child, what he has a child do about her
            if lemma in lex.telling_verbs and self._tells_family(token):
                return "other-coercive"
            if lemma in lex.asking_verbs and self._child_sent_after_her(token):
                return "using-children"
            # any other act of his done to her or a child, or to what is theirs ("shouts at
            # her", "took Mum's walking stick"), unless it is an act of care
            done_to = self._done_to_family(token)
            if done_to == "person" and lemma not in lex.benign_verbs:
                return "other-coercive"
            if done_to == "thing" and lemma not in lex.benign_with_things:
                return "other-coercive"
            return None
        if (
            token.pos_ == "ADJ"
            and token.dep_ in ("acomp", "attr", "oprd")
            and token.head.lemma_ in lex.copulas
        ):
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
            if self._denied(token) or self._not_an_act(token):
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
        return any(_is_one_of(t, entry.objects) for t in words)

    def _done_to_family(self, verb: Token) -> str | None:
        """Says "person" when ``verb`` is done to the survivor or a child (one of them is its
        object, directly or through a preposition: "shouts at her"), "thing" when to a thing
        of theirs ("took Mum's walking stick", "cancelled Anaya's GP appointment"), or None."""
        family = (Role.SURVIVOR, Role.CHILD)
        found = None
        for target in _arguments(verb):
            if self.role(target) in family and (
                target.pos_ in ("PRON", "PROPN") or target.lemma_.lower() in self._person_nouns
            ):
                return "person"
            owners = [c for c in target.children if c.dep_ == "poss"]
            owners += [g for c in target.children if c.dep_ == "compound" for g in c.children]
            if any(o.dep_ == "poss" and self.role(o) in family for o in owners):
                found = "thing"
        return found

    def _tells_family(self, verb: Token) -> bool:
        """He tells her or a child something: a clause, or a quotation, said to one of them."""
        said_to = [
            c
            for c in _arguments(verb)
            if c.dep_ in ("dobj", "dative", "pobj") and self.role(c) in (Role.SURVIVOR, Role.CHILD)
        ]
        if not said_to:
            return False
        return any(c.dep_ in ("ccomp", "xcomp") for c in verb.children) or any(
            t.text in ("'", "‘", "’", '"') for t in verb.subtree
        )

    def _child_sent_after_her(self, verb: Token) -> bool:
        """He has a child do something about her: "asked Maisie to send him photos of
        Becky", "asks him every evening who Mum has talked to"."""
        kids = [c for c in verb.children if c.dep_ in ("dobj", "dative", "nsubj")]
        kids = [c for c in kids if c.i != verb.i and self.role(c) == Role.CHILD]
        if not kids:
            return False
        clauses = [c for c in verb.children if c.dep_ in ("xcomp", "ccomp")]
        clauses += [g for k in kids for g in k.children if g.dep_ in ("xcomp", "ccomp")]
        return any(self.role(t) == Role.SURVIVOR for clause in clauses for t in clause.subtree)

    def _not_an_act(self, verb: Token) -> bool:
        """A verb with the word that makes it no act against anyone ("cut down" his
        drinking, "held responsible", "kept to the contact times"), or one the sentence
        says there is no evidence of ("no evidence that he controls money")."""
        lemma = verb.lemma_.lower()
        words = self.lex.not_acts.get(lemma, frozenset())
        if any(_is_one_of(c, words) for c in verb.children):
            return True
        for ancestor in verb.ancestors:
            negated = _negated(ancestor) or any(
                c.dep_ == "det" and c.lower_ == "no" for c in ancestor.children
            )
            if negated and ancestor.lemma_.lower() in self.lex.evidence_words:
                return True
        return False

    def _not_hers(self, verb: Token) -> bool:
        """An act of hers the sentence does not say she did: supposed ("if she leaves"),
        refused or failed ("declined to support a prosecution", "has failed to protect"), or
        one he allows or stops ("doesn't let Mum go anywhere")."""
        node = verb
        for _ in range(4):
            if any(
                c.dep_ == "mark" and c.lower_ in self.lex.efforts.suppositions
                for c in node.children
            ):
                return True
            if node.tag_ in ("VBZ", "VBP") and any(
                c.tag_ == "WRB" and c.lower_ in self.lex.efforts.routines for c in node.children
            ):
                return True  # "cries when Jade leaves": a routine, the time of something else
            head = node.head
            if head.i == node.i or node.dep_ not in ("xcomp", "ccomp", "conj", "advcl"):
                return False
            if node.dep_ == "xcomp" and (
                head.lemma_.lower() in self.lex.efforts.refusals or _negated(head)
            ):
                return True
            if node.dep_ in ("xcomp", "ccomp") and self.role(self.actor(head)) == Role.PERPETRATOR:
                return True
            node = head
        return False

    def _not_done(self, verb: Token) -> bool:
        """A behaviour asked for, promised or planned, not done: "he will stop", "he has
        agreed to attend", "Mr Doyle to stop contacting her"."""
        node = verb
        for _ in range(4):
            if any(
                c.dep_ == "aux" and c.lower_ in self.lex.unreal_auxiliaries for c in node.children
            ):
                return True
            if any(c.dep_ == "mark" and c.lower_ == "for" for c in node.children):
                return True  # "for Owen to stop tracking her"
            if node.dep_ not in ("xcomp", "conj", "ccomp") or node.head.i == node.i:
                return False
            if node.dep_ == "xcomp" and node.head.lemma_.lower() in self.lex.intent_verbs:
                return True
            node = node.head
        return False

    def _denied(self, token: Token) -> bool:
        return any(ancestor.lemma_.lower() in self.lex.denial_verbs for ancestor in token.ancestors)

    # -- her protective efforts -----------------------------------------------------------

    def efforts(self) -> list[Effort]:
        found: list[Effort] = []
        for sentence in self.sentences:
            found.extend(self._efforts_in(sentence))
        return _merge_nested(found)

    def _efforts_in(self, sentence: Sentence) -> list[Effort]:
        found: list[Effort] = []
        for token in self._effort_words(sentence):
            actor = self.actor(token) if token.pos_ == "VERB" else None
            if actor is not None:
                start, end = _clause(token, actor)
                found.append(Effort(**sentence.evidence(start, end)))
            else:  # an adjective, a log's call, the care a visitor sees: the whole sentence
                found.append(Effort(**sentence.evidence()))
        return found

    def _effort_words(self, sentence: Sentence) -> Iterator[Token]:
        """The verbs (or adjectives: "she was protective") that say what she does for the
        children."""
        lex = self.lex.efforts
        if sentence.in_plan or _is_plan_form(sentence.span):
            return
        for token in sentence.span:
            lemma = token.lemma_.lower()
            if lemma in lex.calls and not any(c.dep_ in _SUBJECTS for c in token.children):
                # a log's "Call at 22:41 from Kerry LYNCH" (the small parser reads a verb)
                callers = (g for c in token.children if c.lower_ == "from" for g in c.children)
                if any(self.role(g) == Role.SURVIVOR for g in callers):
                    yield token
                    continue
            if token.pos_ == "VERB" and lemma in lex.verbs:
                actor = self.actor(token)
                if actor is None or self.role(actor) != Role.SURVIVOR or _negated(token):
                    continue
                if self._not_done(token) or self._not_hers(token):
                    continue
                if lemma in lex.reports and any(c.dep_ == "ccomp" for c in token.children):
                    continue  # "she reports that he ...": what she says is the item
                needs = lex.needs_object.get(lemma)
                if needs is not None and not any(
                    _is_one_of(t, needs) for t in token.subtree if t.i != token.i
                ):
                    continue
                if lemma in {"say", "tell"} and _only_speech(token):
                    continue
                yield token
            elif token.pos_ == "ADJ" and token.lower_ in lex.adjectives:
                subject = next((c for c in token.head.children if c.dep_ == "nsubj"), None)
                if subject is not None and self.role(subject) == Role.SURVIVOR:
                    yield token
            elif token.lower_ in lex.care_states and not _negated(token) and self._care_seen(token):
                yield token

    def _care_seen(self, state: Token) -> bool:
        """Whether a word of care ("clean", "tidy", "well presented") is said of the home or
        of the children: the care a visitor sees, though the sentence names no one doing it."""
        clause = state
        while clause.dep_ in ("acomp", "conj", "advmod", "oprd") and clause.head.i != clause.i:
            clause = clause.head
        subjects = [c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")]
        if state.dep_ == "amod":
            subjects.append(state.head)
        homes = self.lex.efforts.homes
        return any(
            s.lemma_.lower() in homes or s.lower_ in homes or self.role(s) == Role.CHILD
            for s in subjects
        )

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
            if not any(_is_one_of(t, self._effects) for t in span):
                continue
            if _heading_like(span):
                continue
            if not self._troubled(span):
                continue  # "Jayden's development is on track", "Carys asked to see me"
            if self._about_her_care(sentence):
                continue  # her care of a child, not an effect of his abuse on the child
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
            if not self._effect_on_child(span, children):
                continue  # no effect, nor a statement of harm, the parse ties to a child
            found.append(
                Impact(
                    **sentence.evidence(),
                    child=child,
                    specific=parts.complete and child is not None,
                    lacking=tuple(parts.lacking()),
                )
            )
        return found

    def _troubled(self, span: Span) -> bool:
        """Whether the sentence says something is wrong: an effect word that is not merely an
        area of a child's life, or a word of trouble beside one ("stopped going to school")."""
        lex = self.lex.impacts
        effects = [t for t in span if _is_one_of(t, self._effects)]
        if any(not _is_one_of(t, lex.domains) for t in effects):
            return True
        return any(_is_one_of(t, lex.trouble) for t in span)

    def _about_her_care(self, sentence: Sentence) -> bool:
        """A sentence whose main verb is one of her efforts ("She has kept Lacey's attendance
        at 97%") and which does not name him speaks of her care, not of his abuse's effect."""
        main = sentence.span.root
        for token in self._effort_words(sentence):
            verb = token if token.pos_ == "VERB" else token.head
            while verb.dep_ == "conj" and verb.head.i != verb.i:
                verb = verb.head
            if verb.i == main.i:
                return not any(self.role(t) == Role.PERPETRATOR for t in sentence.span)
        return False

    def _effect_on_child(self, span: Span, children: list[Token]) -> bool:
        """Whether an effect word, or a word of harm, is said of a child: the child is the
        subject of its clause ("Tyler sat on the stairs"), owns it ("Ruby's sleep"), or is
        where it lands ("the impact on Tyler", "affected the children")."""
        words = self._effects | self.lex.impacts.harm_words
        child_ids = {c.i for c in children}
        for token in span:
            if not _is_one_of(token, words):
                continue
            if token.i in child_ids and token.pos_ != "NOUN":
                continue  # the child, not an effect on them
            # the child owns it or it lands on the child: "Ruby's sleep", "impact on Tyler"
            near = [c for c in token.children if c.dep_ in ("poss", "dobj", "nsubjpass")]
            near += [g for c in token.children if c.dep_ == "compound" for g in c.children]
            near += [g for c in token.children if c.dep_ in ("prep", "agent") for g in c.children]
            if any(n.i in child_ids for n in near):
                return True
            # the child is the subject of the clause that says it: "Tyler was frightened"
            predicate = token
            for _ in range(4):
                if predicate.pos_ in ("VERB", "AUX") or predicate.head.i == predicate.i:
                    break
                if predicate.dep_ not in _PREDICATE_PARTS:
                    break
                predicate = predicate.head
            for clause in (predicate, predicate.head):
                subjects = [c for c in clause.children if c.dep_ in _SUBJECTS]
                if any(t.i in child_ids for subject in subjects for t in subject.subtree):
                    return True
                if clause.dep_ not in ("xcomp", "conj", "advcl", "ccomp", "acomp"):
                    break
        return False

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
                hit = next((t for t in span if _is_one_of(t, words)), None)
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
        if whose == "perpetrator":
            # "his depression is not the cause of his control" puts the factor in context
            causes = [t for t in span if _is_one_of(t, lex.cause_words)]
            if any(not is_negated(t) and not self._his_account(t) for t in causes):
                return "his-cause"
            return "neutral"
        if whose == "survivor":
            his_act = any(
                t.pos_ == "VERB" and self.role(self.actor(t)) == Role.PERPETRATOR for t in span
            )
            if his_act:
                return "his-cause"
            if words & lex.culpability_words:
                return "her-culpability"
        return "neutral"

    def _his_account(self, token: Token) -> bool:
        """Whether ``token`` is in what he says ("he said it was because of his depression"):
        his explanation, which the writer records, not the writer's framing."""
        verb = reporting_verb(token)
        return verb is not None and self.role(self.actor(verb)) == Role.PERPETRATOR

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


def _is_one_of(token: Token, words: frozenset[str]) -> bool:
    """Whether the audit lexicon's ``words`` hold the token as written or as its lemma."""
    return token.lower_ in words or token.lemma_.lower() in words


def _arguments(verb: Token) -> Iterator[Token]:
    """The objects of ``verb``, through a preposition too ("shouts at her", "sent it to
    her"), not the ones of the clauses below it."""
    for child in verb.children:
        if child.dep_ in ("dobj", "dative", "iobj"):
            yield child
            yield from (c for c in child.conjuncts)
        elif child.dep_ in ("prep", "agent") and child.lower_ != "by":
            for grand in child.children:
                if grand.dep_ == "pobj":
                    yield grand
                    yield from (c for c in grand.conjuncts)


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
