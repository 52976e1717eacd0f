"""Who uses abuse in a case, weighed from the acts its own documents record.

The role resolver's defaults follow the common case the Safe & Together Model describes: he
uses abuse, she is the survivor. Some files record otherwise: a woman using abuse against a
man ("his wife had thrown a mug at him"), or one of two women against the other. Read with
the defaults, such a file shows almost no acts of the person using abuse and counts her acts
as protective efforts. Two other readings are weighed, each kept only on clear evidence:

- **the gendered words swapped** (mother, Mrs, she use abuse; father, Mr, he survive) when
  the file records her violence or threats against him and little or none of his against
  her, and more abusive acts under the swap than under the defaults;
- **a couple of one gender** (two adults titled "Ms", none "Mr") when naming one of them as
  the person using abuse gives clearly more abusive acts than the defaults or the reverse.

Names the team configures are authoritative: no reading is weighed then.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable

from spacy.tokens import Doc, Token

from blamecheck.analysis.roles import Role, RoleLexicon, RoleResolver
from blamecheck.auditing.lexicon import AuditLexicon

MIN_ACTS = 3  # a reading other than the defaults shows at least this many abusive acts
MARGIN = 2.0  # ... and this many times those of the reading it replaces
# between the two adults of a one-gender couple, already a strong prior (titled alike),
# the acts that name their doer decide at a smaller margin (set on the dev half)
PAIR_MARGIN = 1.5
MIN_ATTACKS = 2  # a woman's attacks or threats on a man the file records before a swap
MAX_ADULTS = 3  # titled adults of one gender weighed in pairs; more are professionals
_WORD = re.compile(r"[^\W\d_]+")
_TARGET_PREPS = frozenset({"at", "against", "into", "onto", "on", "towards", "toward", "over"})


def best_reading(
    default: RoleResolver,
    docs: list[Doc],
    swapped: RoleLexicon,
    lexicon: AuditLexicon,
    acts: Callable[[RoleResolver], list[str]],
) -> RoleResolver:
    """The resolver to audit the case with: ``default`` (the defaults, learnt from
    ``docs``) unless the case's own words clearly say otherwise. ``acts`` gives the text of
    each abusive act extracted under a resolver."""
    base = len(acts(default))
    genders = _Genders(docs, default)
    attacks = _attacks(docs, genders, _attack_verbs(lexicon))
    hers, his = attacks["female"], attacks["male"]
    if hers >= MIN_ATTACKS and hers >= MARGIN * his:
        reading = _learnt(RoleResolver(swapped), docs)
        if _clearly_more(len(acts(reading)), base):
            return reading
    for gender in ("female", "male"):
        adults = genders.adults[gender]
        other = genders.adults["male" if gender == "female" else "female"]
        if other or not 2 <= len(adults) <= MAX_ADULTS:
            continue
        words = {full: set(full.lower().split()) for full in adults.values()}
        mentioned = Counter(
            full for doc in docs for t in doc for full, ws in words.items() if t.lower_ in ws
        )
        counted: dict[str, tuple[int, RoleResolver]] = {}
        for uses in words:
            # the survivor is the other adult the file speaks of most (not a professional)
            survives = max((w for w in words if w != uses), key=lambda w: mentioned[w])
            names = {uses: Role.PERPETRATOR, survives: Role.SURVIVOR}
            reading = _learnt(RoleResolver(default.lex, names, same_gender=True), docs)
            # with one gender, "she" tells nobody apart: weigh the acts whose first named
            # adult is the one read as using abuse ("Kerry reads Nomvula's messages")
            named = sum(_first_named(text, words) == uses for text in acts(reading))
            counted[uses] = (named, reading)
        ranked = sorted(counted.items(), key=lambda kv: kv[1][0], reverse=True)
        (uses, (found, reading)), runner_up = ranked[0], ranked[1][1][0]
        if _clearly_more(found, base) and _clearly_more(found, runner_up, PAIR_MARGIN):
            return reading
    return default


def _first_named(text: str, words: dict[str, set[str]]) -> str | None:
    """The adult (by full name) whose name comes first in ``text``."""
    for word in _WORD.findall(text.lower()):
        for full, ws in words.items():
            if word in ws:
                return full
    return None


def _clearly_more(found: int, than: int, margin: float = MARGIN) -> bool:
    return found >= MIN_ACTS and found >= margin * than and found > than


def _learnt(resolver: RoleResolver, docs: list[Doc]) -> RoleResolver:
    resolver.learn(docs)
    return resolver


def _attack_verbs(lexicon: AuditLexicon) -> frozenset[str]:
    """Verbs of violence and threat that need no object word to be abuse: the physical and
    threat entries of the audit lexicon, less the verbs that are also care ("hold")."""
    kinds = {"physical", "threats"}
    verbs = {v for e in lexicon.behaviours if e.type in kinds and not e.objects for v in e.verbs}
    return frozenset(verbs - lexicon.benign_verbs)


class _Genders:
    """The gender each mention of an adult carries in the case's own words: a pronoun, a
    gendered noun ("his wife", "the mother") or a name written after a title ("Ms Pryce",
    "Rhiannon Pryce" once "Ms Pryce" is written). Names the resolver bound are not used: a
    role is what the swap is deciding."""

    def __init__(self, docs: list[Doc], default: RoleResolver):
        self.words: dict[str, str] = {}
        for party in (default.lex.survivor, default.lex.perpetrator):
            gendered = [w for w in party.nouns if w not in party.ungendered]
            for word in (*party.pronouns, *gendered):
                self.words[word.lower()] = party.gender
        self.adults = {g: _titled_adults(docs, default, g) for g in ("female", "male")}
        self.names: dict[str, str] = {}
        shared: set[str] = set()
        for gender, adults in self.adults.items():
            for surname, full in adults.items():
                for word in {surname, *full.lower().split()}:
                    if self.names.get(word, gender) != gender:
                        shared.add(word)  # "Mr" and "Ms Reid": the surname tells neither
                    self.names[word] = gender
        for word in shared:
            del self.names[word]

    def of(self, token: Token) -> str | None:
        word = self.words.get(token.lower_)  # "Mum threw it at Dad": PROPN to the parser
        if word is None and token.pos_ == "PROPN":
            return self.names.get(token.lower_)
        return word


def _attacks(docs: Iterable[Doc], genders: _Genders, verbs: frozenset[str]) -> Counter[str]:
    """How many attacks or threats a woman is written doing to a man, and a man to a woman
    ("his wife had thrown a mug at him", "Mr Kerr pushed Ms Brooks"), by the attacker's
    gender."""
    found: Counter[str] = Counter()
    for doc in docs:
        for verb in doc:
            if verb.pos_ != "VERB" or verb.lemma_.lower() not in verbs:
                continue
            if any(c.dep_ == "neg" for c in verb.children):
                continue  # "Dad didn't do anything"
            actor = _subject(verb)
            doer = genders.of(actor) if actor is not None else None
            if doer is None:
                continue
            if any(genders.of(t) not in (None, doer) for t in _targets(verb)):
                found[doer] += 1
    return found


def _subject(verb: Token) -> Token | None:
    for _ in range(4):
        for child in verb.children:
            if child.dep_ == "nsubj":
                return child
            if child.dep_ == "agent":
                return next((g for g in child.children if g.dep_ == "pobj"), None)
        if verb.dep_ not in ("conj", "xcomp") or verb.head.i == verb.i:
            return None
        verb = verb.head
    return None


def _targets(verb: Token) -> list[Token]:
    """Whom an attack lands on: its object, a person after "at", "against", "into", or the
    owner of what it lands on ("pinned her arms")."""
    found = [c for c in verb.children if c.dep_ in ("dobj", "dative")]
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ in _TARGET_PREPS:
            found += [g for g in prep.children if g.dep_ == "pobj"]
    return found + [g for t in found for g in t.children if g.dep_ == "poss"]


def _titled_adults(docs: list[Doc], default: RoleResolver, gender: str) -> dict[str, str]:
    """The surnames written after a title of ``gender`` ("Ms Pryce", "Ms Okafor") that the
    defaults do not bind to a child or a professional, each with its fullest written name
    ("Rhiannon Pryce"), keyed by surname in lower case."""
    titles = {
        t.lower()
        for party in (default.lex.survivor, default.lex.perpetrator)
        if party.gender == gender
        for t in party.titles
    }
    surnames: dict[str, str] = {}
    for doc in docs:
        for token in doc[1:]:
            if token.pos_ != "PROPN" or doc[token.i - 1].lower_ not in titles:
                continue
            end = token.i
            while end + 1 < len(doc) and doc[end + 1].pos_ == "PROPN" and doc[end + 1].is_alpha:
                end += 1  # "Ms Carla Vance": the surname ends the run
            surname = doc[end]
            if not surname.is_alpha or len(surname) < 2:
                continue  # "Ms A.": an initial names nobody apart
            if default.names.get(surname.lower_) in (Role.CHILD, Role.PROFESSIONAL):
                continue
            surnames.setdefault(surname.lower_, surname.text.title())
    full = dict(surnames)
    for doc in docs:
        for token in doc[1:]:
            before = doc[token.i - 1]
            if (
                token.lower_ in surnames
                and before.pos_ == "PROPN"
                and before.is_title
                and before.is_alpha
                and before.lower_.rstrip(".") not in default.titles
                and before.lower_ not in surnames
            ):
                full[token.lower_] = f"{before.text} {surnames[token.lower_]}"
    return full
