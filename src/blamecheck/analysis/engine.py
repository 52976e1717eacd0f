"""The generic engine: run every pack's patterns over a parsed paragraph and apply conditions.

Four matcher kinds (token, dependency, phrase, fuzzy) and a few conditions (role of the
subject or object, negation, quotation, explanation by his behaviour) cover every rule;
a new rule is new YAML, not new code.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from rapidfuzz import fuzz
from spacy.attrs import DEP, LEMMA, LOWER, POS
from spacy.language import Language
from spacy.matcher import DependencyMatcher, PhraseMatcher
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.tokens import Doc, Span, Token

from blamecheck.analysis import grammar, specificity
from blamecheck.analysis.facts import Fact, facts_in
from blamecheck.analysis.gate import GatedMatcher
from blamecheck.analysis.packs import (
    Alternative,
    Conditions,
    CooccurPattern,
    DependencyPattern,
    FuzzyPattern,
    PackSet,
    PhrasePattern,
    Rule,
    TokenPattern,
    expand_lexicons,
)
from blamecheck.analysis.roles import Role, RoleResolver
from blamecheck.errors import PatternError

if not Token.has_extension("role"):
    Token.set_extension("role", default="")

_ROLE_POS = frozenset({"NOUN", "PROPN", "PRON"})
_ROLE_POS_IDS = frozenset(POS_IDS[p] for p in _ROLE_POS)
_NP_DEPS = frozenset({"det", "poss", "compound", "case", "predet", "nummod", "amod"})
_PERSON_ROLES = frozenset(
    {Role.SURVIVOR.value, Role.PERPETRATOR.value, Role.CHILD.value, Role.BOTH.value}
)
_TIME_MARKERS = frozenset({"after", "following", "until", "amid"})
_RESULT_MARKERS = frozenset({"so"})  # introduce a result, not a reason
_MAX_SUBJECT_GAP = 10  # tokens between a subject and its match still shown as one span


@dataclass(frozen=True)
class Hit:
    """A rule's match on one paragraph, in character offsets of that paragraph."""

    rule: Rule
    start: int
    end: int
    alternatives: tuple[Alternative, ...]
    subject: str | None = None
    # pieces of the flagged clause for templates: {patient}, {active}, {rest}
    slots: tuple[tuple[str, str], ...] = ()
    missing: tuple[str, ...] | None = None  # what a child-impact sentence does not name
    facts: tuple[Fact, ...] = ()  # names, dates and numbers inside the flagged words
    quoted: bool = False  # inside quotation marks: someone's own words, never rewritten
    spoken: bool = False  # a question or words addressed to someone: rewrite as speech
    sentence: tuple[int, int] = (0, 0)  # the sentence around the match, paragraph offsets
    sentence_facts: tuple[Fact, ...] = ()  # what a rewrite of the whole sentence must keep
    # how the sentence itself refers to each party ("perpetrator" -> "Mr Reid"): the only
    # people a rewrite may name
    people: tuple[tuple[str, str], ...] = ()
    flagged: tuple[int, int] = (0, 0)  # the words the rule matched, paragraph offsets
    stands_alone: bool = True  # a main clause: a template's own sentence may replace it
    # the writer's phrases in the finding outside the matched words, which a rewrite keeps
    loose: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Compiled:
    rule: Rule
    pattern: Any
    conditions: Conditions
    alternatives: tuple[Alternative, ...]


@dataclass(frozen=True)
class _FuzzyPhrase:
    compiled: _Compiled
    normalized: str
    alternatives: tuple[Alternative, ...]

    @cached_property
    def words(self) -> frozenset[str]:
        return frozenset(self.normalized.split())


class Engine:
    """Compiled matchers for a PackSet, bound to one spaCy vocabulary."""

    def __init__(self, packs: PackSet, nlp: Language):
        self.packs = packs
        self.nlp = nlp
        self._compiled: dict[str, _Compiled] = {}
        self._matcher = GatedMatcher(nlp.vocab, nlp.Defaults.stop_words)
        # the parts of co-occurrence patterns, keyed "rule#index/part"
        self._parts = GatedMatcher(nlp.vocab, nlp.Defaults.stop_words)
        self._dep_matcher = DependencyMatcher(nlp.vocab, validate=True)
        self._phrase_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._fuzzy: list[_FuzzyPhrase] = []
        # per dependency pattern: lemmas its first node needs, dependency labels it needs
        self._dep_gates: list[tuple[frozenset[str] | None, frozenset[str]]] = []
        self._causal = self._words("causal-markers")
        self._concessive = self._words("concessive-markers")
        self._coercion = self._words("coercion")
        self._causative = self._words("causative-verbs")
        self.violent_verbs = self._words("violent-verbs")
        self._non_agents = self._words("non-agents")
        self._acts = self._words("concrete-acts")
        self._effects = self._words("child-effects")
        self._violence = self._words("violence-words") | self._words("event-nouns")
        for rule in packs.rules:
            for index, pattern in enumerate(rule.patterns):
                self._compile(rule, index, pattern)

    @property
    def concrete_acts(self) -> frozenset[str]:
        """Nouns for concrete acts of his (lexicons.yaml concrete-acts)."""
        return self._acts

    @property
    def child_effects(self) -> frozenset[str]:
        """Concrete effects on a child or family functioning (lexicons.yaml child-effects)."""
        return self._effects

    def _words(self, name: str) -> frozenset[str]:
        lexicon = self.packs.lexicons.get(name)
        return frozenset(w.lower() for w in lexicon.words) if lexicon else frozenset()

    # -- compiling ------------------------------------------------------------------------

    def _compile(self, rule: Rule, index: int, pattern: Any) -> None:
        key = f"{rule.id}#{index}"
        # most specific first: the pattern's own, its practice-table row, then the rule's
        alternatives = (
            tuple(pattern.alternatives)
            + self._table_alternatives(pattern.table_row)
            + tuple(rule.alternatives)
        )
        compiled = _Compiled(
            rule=rule,
            pattern=pattern,
            conditions=pattern.conditions.merged_over(rule.conditions),
            alternatives=alternatives,
        )
        self._compiled[key] = compiled
        where = f"{rule.origin}: rule {rule.id}: field patterns.{index}"
        try:
            if isinstance(pattern, TokenPattern):
                spec = expand_lexicons(pattern.pattern, self.packs.lexicons)
                self._matcher.add(key, spec)
                if pattern.anchor is not None and pattern.anchor >= len(spec):
                    raise ValueError("anchor is past the end of the pattern")
            elif isinstance(pattern, DependencyPattern):
                spec = expand_lexicons(pattern.pattern, self.packs.lexicons)
                self._dep_matcher.add(key, [spec])
                first = spec[0].get("RIGHT_ATTRS", {}).get("LEMMA")
                lemmas = None
                if isinstance(first, dict) and isinstance(first.get("IN"), list):
                    lemmas = frozenset(str(w).lower() for w in first["IN"])
                deps = frozenset(
                    node["RIGHT_ATTRS"]["DEP"]
                    for node in spec
                    if isinstance(node.get("RIGHT_ATTRS", {}).get("DEP"), str)
                )
                self._dep_gates.append((lemmas, deps))
            elif isinstance(pattern, CooccurPattern):
                for part, options in enumerate(pattern.options()):
                    for tokens in options:
                        spec = expand_lexicons(tokens, self.packs.lexicons)
                        self._parts.add(f"{key}/{part}", spec)
            elif isinstance(pattern, PhrasePattern):
                self._phrase_matcher.add(key, [self.nlp.make_doc(p) for p in pattern.phrases])
            elif isinstance(pattern, FuzzyPattern):
                self._compile_fuzzy(compiled)
        except (ValueError, KeyError, TypeError) as exc:
            detail = " ".join(str(exc).split())[:300]
            raise PatternError(f"{where}.pattern: {detail}") from None

    def _table_alternatives(self, row: int | None) -> tuple[Alternative, ...]:
        table = self.packs.table
        return () if row is None or table is None else table.alternatives(row)

    def _compile_fuzzy(self, compiled: _Compiled) -> None:
        pattern: FuzzyPattern = compiled.pattern
        for phrase in pattern.phrases:
            self._fuzzy.append(_FuzzyPhrase(compiled, normalize(phrase)[0], compiled.alternatives))
        if pattern.table and self.packs.table is not None:
            for number, row in enumerate(self.packs.table.rows, start=1):
                alternatives = (
                    tuple(pattern.alternatives)
                    + self._table_alternatives(number)
                    + tuple(compiled.rule.alternatives)
                )
                for phrase in row.destructive:
                    self._fuzzy.append(_FuzzyPhrase(compiled, normalize(phrase)[0], alternatives))

    # -- running --------------------------------------------------------------------------

    def annotate_roles(self, tokens: Doc | Span, resolver: RoleResolver) -> None:
        """Set ``token._.role`` so token patterns can ask for a role directly."""
        doc = tokens.doc if isinstance(tokens, Span) else tokens
        offset = tokens.start if isinstance(tokens, Span) else 0
        arrays = tokens.to_array([POS, DEP]).reshape(-1, 2)
        pos, deps = arrays[:, 0].tolist(), arrays[:, 1].tolist()
        np_deps = {self.nlp.vocab.strings[d] for d in _NP_DEPS}
        for i in range(len(pos)):
            if pos[i] in _ROLE_POS_IDS:
                token = doc[offset + i]
                token._.role = resolver.role_of(token).value
        # the words of a noun phrase share its head's role, so "her partner", "the father"
        # and "Mr Reid" each match as one perpetrator mention
        for i in range(len(deps)):
            if deps[i] not in np_deps:
                continue
            token = doc[offset + i]
            head = token
            for _ in range(4):
                if head.dep_ not in _NP_DEPS or head.head is head:
                    break
                head = head.head
            if head is not token and head._.role in _PERSON_ROLES:
                token._.role = head._.role

    def _dep_gate_open(self, doc: Doc) -> bool:
        """Run the dependency matcher only if some pattern's first word is in the paragraph."""
        if not self._dep_gates:
            return False
        strings = self.nlp.vocab.strings
        arrays = doc.to_array([LOWER, LEMMA, DEP])
        lemmas = {strings[h] for h in set(arrays[:, :2].ravel().tolist())}
        deps = {strings[h] for h in set(arrays[:, 2].tolist())}
        return any(
            (words is None or not words.isdisjoint(lemmas)) and needed <= deps
            for words, needed in self._dep_gates
        )

    def run(self, doc: Doc, resolver: RoleResolver) -> list[Hit]:
        quotes = quoted_ranges(doc.text)
        hits: list[Hit] = []
        prepare = lambda sent: self.annotate_roles(sent, resolver)  # noqa: E731
        for key, start, end in self._matcher(doc, prepare):
            compiled = self._compiled[self.nlp.vocab.strings[key]]
            span = doc[start:end]
            anchor_index = compiled.pattern.anchor
            anchor = doc[start + anchor_index] if anchor_index is not None else span.root
            hit = self._check(compiled, span, anchor, resolver, quotes)
            if hit:
                hits.append(hit)
        dep_matches = self._dep_matcher(doc) if self._dep_gate_open(doc) else []
        for key, token_ids in dep_matches:
            compiled = self._compiled[self.nlp.vocab.strings[key]]
            span = doc[min(token_ids) : max(token_ids) + 1]
            hit = self._check(compiled, span, doc[token_ids[0]], resolver, quotes)
            if hit:
                hits.append(hit)
        for key, start, end in self._phrase_matcher(doc):
            compiled = self._compiled[self.nlp.vocab.strings[key]]
            span = doc[start:end]
            hit = self._check(compiled, span, span.root, resolver, quotes)
            if hit:
                hits.append(hit)
        hits.extend(self._run_cooccur(doc, resolver, quotes, prepare))
        if self._fuzzy:
            hits.extend(self._run_fuzzy(doc, resolver, quotes))
        return hits

    def _run_cooccur(
        self,
        doc: Doc,
        resolver: RoleResolver,
        quotes: list[tuple[int, int]],
        prepare: Any,
    ) -> Iterator[Hit]:
        """Sentences holding every part of a co-occurrence pattern, each part's first match."""
        found: dict[tuple[str, int], dict[int, tuple[int, int]]] = {}
        for key, start, end in self._parts(doc, prepare):
            name, part = self.nlp.vocab.strings[key].rsplit("/", 1)
            parts = found.setdefault((name, doc[start].sent.start), {})
            parts.setdefault(int(part), (start, end))
        for (name, _), parts in found.items():
            compiled = self._compiled[name]
            pattern: CooccurPattern = compiled.pattern
            if len(parts) < len(pattern.all):
                continue
            a_start, a_end = parts[pattern.anchor]
            anchor = doc[a_start:a_end].root
            span = doc[min(s for s, _ in parts.values()) : max(e for _, e in parts.values())]
            hit = self._check(compiled, span, anchor, resolver, quotes)
            if hit:
                yield hit

    def _fuzzy_candidates(self, norm: str) -> list[_FuzzyPhrase]:
        """Phrases sharing at least half their words with the sentence; others cannot score."""
        words = set(norm.split())
        return [p for p in self._fuzzy if len(p.words & words) * 2 >= len(p.words)]

    def _run_fuzzy(
        self, doc: Doc, resolver: RoleResolver, quotes: list[tuple[int, int]]
    ) -> Iterator[Hit]:
        for sent in doc.sents:
            text = sent.text
            norm, offsets = normalize(text)
            if len(norm) < 8:
                continue
            best: tuple[float, int, int, _FuzzyPhrase] | None = None
            for phrase in self._fuzzy_candidates(norm):
                threshold = phrase.compiled.pattern.threshold
                found = _fuzzy_find(phrase.normalized, norm, threshold)
                if found and (best is None or found[0] > best[0]):
                    best = (found[0], found[1], found[2], phrase)
            if best is None:
                continue
            _, n_start, n_end, phrase = best
            start = sent.start_char + offsets[n_start]
            end = sent.start_char + offsets[n_end - 1] + 1
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            # take the question mark or full stop with the question itself
            if span.end < sent.end and doc[span.end].text in {"?", "."}:
                span = doc[span.start : span.end + 1]
            hit = self._check(
                phrase.compiled, span, span.root, resolver, quotes, phrase.alternatives
            )
            if hit:
                yield hit

    # -- conditions -----------------------------------------------------------------------

    def _check(
        self,
        compiled: _Compiled,
        span: Span,
        anchor: Token,
        resolver: RoleResolver,
        quotes: list[tuple[int, int]],
        alternatives: tuple[Alternative, ...] | None = None,
    ) -> Hit | None:
        cond = compiled.conditions
        inside_quotes = any(q0 <= span.start_char and span.end_char <= q1 for q0, q1 in quotes)
        if inside_quotes and not cond.in_quotes:
            return None
        subject = grammar.clause_subject(anchor)
        if cond.subject is not None and resolver.role_of(subject) not in cond.subject:
            return None
        if cond.subject_not is not None and resolver.role_of(subject) in cond.subject_not:
            return None
        if (
            cond.person_subject
            and subject is not None
            and subject.pos_ == "NOUN"
            and resolver.role_of(subject) == Role.UNKNOWN
        ):
            return None
        if cond.object is not None and (
            resolver.role_of(grammar.clause_object(anchor)) not in cond.object
        ):
            return None
        if cond.negated is not None and grammar.is_negated(anchor) != cond.negated:
            return None
        if cond.unless_explained and self._explained(anchor, span, resolver):
            return None
        if cond.unless_attributed and self._attributed(anchor, resolver):
            return None
        if cond.with_not is not None and any(
            resolver.role_of(other) in cond.with_not for other in grammar.companions(anchor)
        ):
            return None
        if cond.agent is not None and grammar.has_agent(anchor, self._non_agents) != cond.agent:
            return None
        if cond.unless_actor and self._actor_named(anchor, span, resolver):
            return None
        if cond.unless_question and grammar.is_question(anchor.sent):
            return None
        if cond.unless_conceded and grammar.is_conceded(anchor, span):
            return None
        if cond.agent is False and grammar.is_expletive_passive(anchor):
            return None  # "It is recorded that ...": a report, not an act
        if cond.unless_generic and grammar.is_generic(span.root):
            return None
        slots: tuple[tuple[str, str], ...] = ()
        missing: tuple[str, ...] | None = None
        if cond.unless_specific is not None:
            found = specificity.assess(
                anchor.sent, resolver, self._acts, self._effects, self.violent_verbs
            )
            if found.complete and cond.unless_specific:
                return None
            slots = _specificity_slots(found)
            missing = tuple(found.lacking())
        # an agentless passive is flagged as a whole clause so that it can be rewritten actively
        parts = (
            grammar.active_parts(
                anchor, self.packs.verb_forms.past, self.packs.verb_forms.participle
            )
            if cond.agent is False
            else None
        )
        chosen = alternatives if alternatives is not None else compiled.alternatives
        spoken = grammar.is_spoken(anchor.sent)  # its facts matter only to a spoken rewrite
        people = tuple((role.value, text) for role, text in resolver.mentions(anchor.sent).items())
        matched = (span.start_char, span.end_char)
        match_span = span  # the words the rule matched, before the finding grows to a clause
        if parts is not None:
            doc = span.doc
            flagged = doc[parts.start : parts.end]
            return Hit(
                rule=compiled.rule,
                start=doc[parts.start].idx,
                end=doc[parts.end - 1].idx + len(doc[parts.end - 1].text),
                alternatives=chosen,
                slots=(("patient", parts.patient), ("active", parts.verb), ("rest", parts.rest)),
                facts=tuple(facts_in(flagged)),
                quoted=inside_quotes,
                spoken=spoken,
                sentence=(anchor.sent.start_char, anchor.sent.end_char),
                sentence_facts=tuple(facts_in(anchor.sent)) if spoken else (),
                people=people,
                flagged=matched,
            )
        if compiled.rule.span == "sentence":
            span = anchor.sent
        elif compiled.rule.span == "clause":
            span = grammar.clause_span(anchor, span)
        start, end = span.start, span.end
        subject_text = None  # only when the finding starts with it, so templates can restate it
        extend = compiled.pattern.extend_to_subject
        if extend is None:
            extend = compiled.rule.extend_to_subject
        if extend and subject is not None and subject.sent == span.sent:
            left = subject.left_edge.i
            if left < start and start - subject.i <= _MAX_SUBJECT_GAP:
                start = left
            if start == left:
                subject_text = doc_text(subject)
        doc = span.doc
        while end > start + 1 and (
            doc[end - 1].is_space or (doc[end - 1].is_punct and doc[end - 1].text not in {"?", ")"})
        ):
            end -= 1  # a page break or line end after the sentence is not the writer's wording
        while start < end - 1 and doc[start].is_space:
            start += 1
        flagged = doc[start:end]
        if compiled.rule.span == "sentence":
            matched = (flagged.start_char, flagged.end_char)  # the sentence is what is judged
        found_facts = facts_in(flagged)
        obj = _first_object(flagged)
        if obj:
            slots = (*slots, ("object", obj))
        when = " ".join(dict.fromkeys(f.carrier for f in found_facts if f.kind == "date"))
        return Hit(
            rule=compiled.rule,
            start=doc[start].idx,
            end=doc[end - 1].idx + len(doc[end - 1].text),
            alternatives=chosen,
            subject=subject_text,
            slots=(*slots, ("when", when)) if when else slots,
            missing=missing,
            facts=tuple(found_facts),
            quoted=inside_quotes,
            spoken=spoken,
            sentence=(anchor.sent.start_char, anchor.sent.end_char),
            sentence_facts=tuple(facts_in(anchor.sent)) if spoken else (),
            people=people,
            flagged=matched,
            stands_alone=grammar.stands_alone(flagged),
            loose=tuple(grammar.loose_phrases(flagged, match_span)),
        )

    def _explained(self, anchor: Token, span: Span, resolver: RoleResolver) -> bool:
        """Does the sentence give his behaviour, or her fear of it, as the reason?"""
        sent = anchor.sent
        matched = set(range(span.start, span.end))
        for token in sent:
            lower = token.lower_
            if lower in self._causal and token.dep_ in {"mark", "prep", "advmod", "agent", "amod"}:
                # "because he ...", "when he ...": the marker's clause is its head's subtree
                in_clause = token.dep_ in {"mark", "advmod"} and token.head.i > token.i
                region = token.head.subtree if in_clause else token.subtree
                if in_clause and lower in _RESULT_MARKERS and token.head.head is not token.head:
                    # "he took the keys so the children were locked out": "so" marks the
                    # result; the reason is the clause it hangs from
                    result = {t.i for t in token.head.subtree}
                    region = [t for t in token.head.head.subtree if t.i not in result]
                region = [t for t in region if t.i not in matched]
                # "after he was released" dates her act; "because he ..." gives a reason:
                # after a time marker only his threat or violence explains it
                if self._names_his_behaviour(region, resolver, lower not in _TIME_MARKERS):
                    return True
        # "she could not leave": an inability, not a choice of hers
        if grammar.is_negated(anchor) and any(
            c.dep_ == "aux" and c.lemma_.lower() in {"can", "could"} for c in anchor.children
        ):
            return True
        # "his threats meant she could not leave", "what makes you stay?": the clause is
        # the effect of something else, not her free-standing choice
        top = grammar.clause_chain(anchor)[-1]
        return (
            top.dep_ in {"ccomp", "xcomp", "advcl"} and top.head.lemma_.lower() in self._causative
        )

    def _names_his_behaviour(
        self, tokens: Any, resolver: RoleResolver, mention_explains: bool = True
    ) -> bool:
        for token in tokens:
            if token.lower_ in self._concessive:
                return False
            if (
                mention_explains
                and token.pos_ in _ROLE_POS
                and resolver.role_of(token) == Role.PERPETRATOR
            ):
                return True
            if token.lemma_.lower() in self._coercion or token.lower_ in self._coercion:
                return True
        return False

    def _actor_named(self, anchor: Token, span: Span, resolver: RoleResolver) -> bool:
        """Does the sentence say who did it: "an incident in which Mr Reid punched her"?"""
        for token in anchor.sent:
            if token.i in range(span.start, span.end) and token is not anchor:
                continue
            role = resolver.role_of(token) if token.pos_ in _ROLE_POS else Role.NONE
            if role not in (Role.PERPETRATOR, Role.SURVIVOR, Role.BOTH, Role.UNKNOWN):
                continue
            his_act = token.head.lower_ in self._violence or token.head.i in range(
                span.start, span.end
            )
            if token.dep_ == "poss" and role == Role.PERPETRATOR and his_act:
                return True  # "his violence", "Mr Reid's assault on her"
            head = token.head
            if token.dep_ == "nsubj" and head.lemma_.lower() in self.violent_verbs:
                return True
            if token.dep_ == "pobj" and head.dep_ == "agent":
                return True
        return False

    def _attributed(self, anchor: Token, resolver: RoleResolver) -> bool:
        """Is this his account or her own words, reported as theirs?"""
        verb = grammar.reporting_verb(anchor)
        if verb is None:
            return False
        speaker = grammar.clause_subject(verb)
        return resolver.role_of(speaker) in {Role.PERPETRATOR, Role.SURVIVOR}


def _first_object(span: Span) -> str | None:
    """The first direct object in the flagged words, as written ("Jack (6) and Evie (2)")."""
    for token in span:
        if token.dep_ == "dobj" and span.start <= token.head.i < span.end:
            right = min(token.right_edge.i + 1, span.end)
            # "the children from Mr Reid": the object is the noun phrase, not what follows it
            cut = [c.left_edge.i for c in token.rights if c.dep_ in {"prep", "relcl", "acl"}]
            right = min([right, *cut])
            words = [t for t in span.doc[token.left_edge.i : right] if t.dep_ != "prep"]
            if words and words[-1].i == right - 1:
                return span.doc[token.left_edge.i : right].text
            return token.text if token.pos_ in {"PROPN", "PRON"} else None
    return None


def _specificity_slots(found: specificity.Specificity) -> tuple[tuple[str, str], ...]:
    """What the sentence already says, for the Multiple Pathways rewrite frame and message."""
    slots: list[tuple[str, str]] = [("missing", found.missing())]
    if found.behaviour:
        lead = "Since" if found.behaviour_is_clause else "Because of"
        slots.append(("because", f"{lead} {found.behaviour}"))
    if found.child and found.child_confirmed:
        slots.append(("child", found.child))
        slots.append(("has", "have" if " and " in found.child else "has"))
    if found.effect and found.effect_is_noun:
        slots.append(("effect", f"[what has changed in the child's {found.effect}]"))
    return tuple(slots)


def doc_text(token: Token) -> str:
    """The mention headed by ``token`` as written: "Ms Clarke", "The mother", "She"."""
    doc = token.doc
    left = token.i
    while (
        left > 0
        and doc[left - 1].dep_ in {"compound", "det", "amod", "poss"}
        and (doc[left - 1].head.i in range(left, token.i + 1))
    ):
        left -= 1
    return doc[left : token.i + 1].text


# -- text helpers -------------------------------------------------------------------------

_QUOTE_PAIRS = {'"': '"', "'": "'"}  # typographer's quotes are read as these (readable.py)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})


def quoted_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges inside quotation marks (apostrophes in words are not quotes)."""
    ranges: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        closer = _QUOTE_PAIRS.get(ch)
        opens = closer is not None and (i == 0 or not text[i - 1].isalnum())
        if opens and closer is not None:
            j = i + 1
            while j < n:
                if text[j] == closer and (j + 1 == n or not text[j + 1].isalnum()):
                    break
                if text[j] == "\n" and j + 1 < n and text[j + 1] == "\n":
                    j = n  # a quote never runs past a paragraph
                    break
                j += 1
            if j < n:
                ranges.append((i, j + 1))
                i = j + 1
                continue
        i += 1
    return ranges


def normalize(text: str) -> tuple[str, list[int]]:
    """Lower-case words joined by single spaces, with each character's offset in ``text``.

    Apostrophes vanish ("haven't" -> "havent") so that curly, straight and missing
    apostrophes compare equal; any other non-alphanumeric run becomes one space.
    """
    cleaned = text.translate(_APOSTROPHES).lower()
    out: list[str] = []
    offsets: list[int] = []
    pending_space = False
    for i, ch in enumerate(cleaned):
        if ch.isalnum():
            if pending_space and out:
                out.append(" ")
                offsets.append(i - 1)
            pending_space = False
            out.append(ch)
            offsets.append(i)
        elif ch != "'":
            pending_space = True
    return "".join(out), offsets


def _fuzzy_find(phrase: str, text: str, threshold: float) -> tuple[float, int, int] | None:
    """Best alignment of ``phrase`` in ``text`` scoring at least ``threshold``."""
    if not phrase:
        return None
    if len(text) <= len(phrase) * 1.25:
        score = fuzz.ratio(phrase, text)
        return (score, 0, len(text)) if score >= threshold else None
    result = fuzz.partial_ratio_alignment(phrase, text, score_cutoff=threshold)
    if result is None:
        return None
    start, end = result.dest_start, result.dest_end
    # widen to whole words so a finding never starts or ends inside a word
    while start > 0 and text[start - 1] != " ":
        start -= 1
    while end < len(text) and text[end] != " ":
        end += 1
    # a partial alignment must still cover most of the phrase's words
    if fuzz.ratio(phrase, text[start:end]) < threshold - 6:
        return None
    return (result.score, start, end)
