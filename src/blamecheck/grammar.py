"""Small questions about a clause in a spaCy parse: its subject, object, negation, attribution.

Kept apart from the engine so every condition asks the same question the same way.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
# Dependencies through which a predicate shares the subject of its head.
_CLIMB_DEPS = frozenset(
    {"xcomp", "conj", "acomp", "attr", "prep", "pobj", "oprd", "pcomp", "advcl", "dobj", "ccomp"}
)
_NOMINAL = frozenset({"NOUN", "PROPN", "PRON"})
RELATIVE_PRONOUNS = frozenset({"who", "that", "which", "whom"})
REPORTING_VERBS = frozenset(
    {
        "say", "tell", "state", "claim", "allege", "report", "describe", "explain", "disclose",
        "insist", "maintain", "suggest", "feel", "believe", "think", "admit", "accept", "deny",
        "blame", "complain", "shout", "scream", "text", "write", "ask",
    }
)  # fmt: skip


def clause_chain(anchor: Token) -> list[Token]:
    """The anchor and the heads it shares a subject with, up to the one that has a subject."""
    chain = [anchor]
    token = anchor
    for _ in range(8):
        if token.dep_ in {"amod", "appos", "compound"} and token.head.pos_ in _NOMINAL:
            break
        if any(c.dep_ in SUBJECT_DEPS for c in token.children):
            break
        if token.pos_ in {"NOUN", "PROPN"} and any(c.dep_ == "poss" for c in token.children):
            break
        if token.dep_ == "ccomp" and token.pos_ in {"VERB", "AUX"}:
            break  # a reported clause without its own subject: do not borrow the speaker
        climbable = token.dep_ in _CLIMB_DEPS or token.dep_ in {"amod", "appos"}
        if not climbable or token.head is token:
            break
        token = token.head
        chain.append(token)
    return chain


def clause_subject(anchor: Token) -> Token | None:
    """Who the clause around ``anchor`` is about: its subject, or the noun described."""
    token = clause_chain(anchor)[-1]
    if token.dep_ in {"amod", "appos"} and token.head.pos_ in _NOMINAL:
        return token.head
    for child in token.children:
        if child.dep_ in SUBJECT_DEPS:
            if child.lower_ in RELATIVE_PRONOUNS and token.dep_ == "relcl":
                return token.head
            return child
    if token.pos_ in {"NOUN", "PROPN"}:
        for child in token.children:
            if child.dep_ == "poss":
                return child
    if token.dep_ == "relcl":
        return token.head
    return None


def clause_object(anchor: Token) -> Token | None:
    """The person acted on: the direct object, or the subject of a small clause ("let him in")."""
    for child in anchor.children:
        if child.dep_ in {"dobj", "dative"}:
            return child
    # "let him in", "let him back in": the parser hangs him under the particle
    for child in anchor.children:
        if child.dep_ in SUBJECT_DEPS or child.dep_ == "punct":
            continue
        for grandchild in child.subtree:
            if grandchild is not child and grandchild.dep_ in SUBJECT_DEPS | {"dobj"}:
                return grandchild
    return None


def is_negated(anchor: Token) -> bool:
    """True when the anchor's clause carries a negation ("has not left", "won't leave")."""
    for token in clause_chain(anchor):
        for child in token.children:
            if child.dep_ == "neg" or (
                child.lower_ in {"never", "no", "not", "n't", "nt"}
                and child.dep_ in {"advmod", "det"}
            ):
                return True
    return False


def reporting_verb(anchor: Token) -> Token | None:
    """The verb of speech or thought whose complement holds the anchor, if any."""
    token = anchor
    for _ in range(10):
        if token.dep_ == "ccomp" and token.head.lemma_.lower() in REPORTING_VERBS:
            return token.head
        if token.head is token:
            return None
        token = token.head
    return None


def sentence_of(token: Token) -> Span:
    return token.sent
