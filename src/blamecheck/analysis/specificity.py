"""What a sentence about children names: his behaviour, a particular child, a concrete effect.

The Edinburgh audit found impact on children recorded "in generalised statements" rather than
how this perpetrator's behaviour affected this child (seed 004). A sentence is specific when
its parse shows all three: the perpetrator as the actor of a concrete verb (or the owner of a
concrete act, "his threats"), a particular child (a name, an age, "their son"), and an effect
on a child, on the mother's parenting or on family functioning, tied to them by the parse.
What is found is kept as written, so that a rewrite can reuse it instead of a placeholder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from spacy.tokens import Span, Token

from blamecheck.analysis import grammar
from blamecheck.analysis.roles import DAYS, MONTH_ABBREVIATIONS, MONTHS, Role, RoleResolver

# verbs that say nothing he did: "he is the father", "he has two children", "he said ..."
_NOT_BEHAVIOUR = frozenset(
    {
        "be", "have", "seem", "appear", "become", "feel", "say", "tell", "report", "state",
        "claim", "deny", "admit", "think", "believe", "know", "want", "love", "attend", "live",
        "work", "remain", "stay", "agree", "accept", "understand", "recognise", "recognize",
        "acknowledge", "describe", "explain", "witness", "see", "hear", "visit", "do",
        "affect", "impact", "harm", "expose", "perpetrate", "commit", "cause", "use",
        "inflict", "continue", "display", "present", "engage",
    }
)  # fmt: skip
# single children by kinship: "their son", "the baby"; plural nouns are children in general
_ONE_CHILD = frozenset(
    {"son", "daughter", "baby", "infant", "toddler", "boy", "girl", "stepson", "stepdaughter",
     "newborn", "eldest", "youngest", "oldest", "teenager"}
)  # fmt: skip
_AGE_WORDS = frozenset({"year", "years", "month", "months", "yr", "yrs"})
# capitalised words that are not people: "on 3 March", "on Friday"
_CALENDAR = MONTHS | MONTH_ABBREVIATIONS | DAYS | {"christmas", "easter"}
_CLAUSE_RIGHT = frozenset({"advcl", "conj", "cc", "punct", "mark", "relcl", "parataxis"})
_AFFECTED = frozenset({Role.CHILD, Role.SURVIVOR, Role.BOTH})
_PARTY_DEPS = grammar.SUBJECT_DEPS | {"dobj"}


@dataclass(frozen=True)
class Specificity:
    """The parts of the Multiple Pathways to Harm a sentence names, as written (None: absent)."""

    behaviour: str | None  # "Mr Reid threatened to cut Ms Clarke's throat", "Mr Reid's threats"
    behaviour_is_clause: bool  # a clause ("he smashed ...") rather than a noun ("his threats")
    child: str | None  # "Liam", "their son", "Liam and Mia"
    effect: str | None  # the effect word as written: "school", "nightmares"
    effect_is_noun: bool = False
    # every child mention is a child the document names as one, or a kinship word ("son"):
    # only then may a rewrite name them (a guessed first name could be a town or an adult)
    child_confirmed: bool = False

    @property
    def complete(self) -> bool:
        return bool(self.behaviour and self.child and self.effect)

    def lacking(self) -> list[str]:
        """The absent parts by name: behaviour, child, effect."""
        return [
            name
            for name, value in (
                ("behaviour", self.behaviour),
                ("child", self.child),
                ("effect", self.effect),
            )
            if not value
        ]

    def missing(self) -> str:
        """The absent parts in words: "which behaviour of his, which child or what effect"."""
        words = {
            "behaviour": "which behaviour of his",
            "child": "which child",
            "effect": "what effect on the child",
        }
        parts = [words[name] for name in self.lacking()]
        if len(parts) <= 1:
            return "".join(parts)
        return ", ".join(parts[:-1]) + " or " + parts[-1]


def assess(
    sentence: Span,
    resolver: RoleResolver,
    acts: frozenset[str],
    effects: frozenset[str],
    violent: frozenset[str] = frozenset(),
) -> Specificity:
    """Read the three parts off one sentence's parse and the document's name table."""
    behaviour: tuple[str, bool] | None = None
    children: list[Token] = []
    for token in sentence:
        role = resolver.role_of(token) if token.pos_ in {"NOUN", "PROPN", "PRON", "ADJ"} else None
        if behaviour is None and (role == Role.PERPETRATOR or _he_used_violence(token, violent)):
            behaviour = _behaviour(token, acts)
        if _is_particular_child(token, role, resolver) and not any(
            token.i in range(c.left_edge.i, c.right_edge.i + 1) for c in children
        ):
            children.append(token)
    named = {c.i for c in children}

    def affected(token: Token) -> bool:  # a child, the mother or the family
        return token.i in named or resolver.role_of(token) in _AFFECTED

    effect = next((t for t in sentence if _is_effect(t, effects, affected)), None)
    child = " and ".join(_mention(c) for c in children) if children else None
    return Specificity(
        behaviour=behaviour[0] if behaviour else None,
        behaviour_is_clause=bool(behaviour and behaviour[1]),
        child=child,
        effect=effect.text if effect is not None else None,
        effect_is_noun=effect is not None and effect.pos_ == "NOUN",
        child_confirmed=bool(children) and not any(_not_a_child(c, resolver) for c in children),
    )


_PLACE_PREPOSITIONS = frozenset({"in", "at", "from", "near", "outside", "to", "into"})


def _not_a_child(token: Token, resolver: RoleResolver) -> bool:
    """A first name the document never ties to a child, used as a place ("in Hull") or as
    the owner of something ("Dean's violence"): a rewrite must not name it as the child."""
    if token.pos_ != "PROPN" or resolver.role_of(token) == Role.CHILD:
        return False
    in_place = token.dep_ == "pobj" and token.head.lower_ in _PLACE_PREPOSITIONS
    return in_place or token.dep_ == "poss"


def _he_used_violence(token: Token, violent: frozenset[str]) -> bool:
    """ "he punched Ms Duffy": "he" after a named child is not the child, whatever the nearest
    mention is, when he is the subject of a violent verb against someone who is not a child."""
    if token.lower_ != "he" or token.dep_ != "nsubj":
        return False
    verb = token.head
    if verb.lemma_.lower() not in violent:
        return False
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    return not any(o.lower_ in {"him", "himself"} for o in objects)


def _behaviour(token: Token, acts: frozenset[str]) -> tuple[str, bool] | None:
    """He as the actor of a concrete verb, the agent of a passive, or the owner of an act."""
    head = token.head
    if (
        token.pos_ == "NOUN"
        and (token.lemma_.lower() in acts or token.lower_ in acts)
        and any(c.dep_ == "poss" for c in token.children)
    ):
        # "his threats", not "his domestic abuse" nor "his dad" (a person, who may act)
        owner = next(c for c in token.children if c.dep_ == "poss")
        return _behaviour(owner, acts)
    if token.dep_ == "nsubj" and head.pos_ in {"VERB", "AUX"}:
        if head.lemma_.lower() in _NOT_BEHAVIOUR or grammar.is_negated(head):
            return None
        return _clause_text(token, head), True
    if token.dep_ == "pobj" and head.lower_ == "by" and head.head.pos_ in {"VERB", "NOUN"}:
        return head.head.doc[head.head.i : token.right_edge.i + 1].text, False
    if token.dep_ == "poss" and (
        head.lemma_.lower() in acts or head.lower_ in acts or head.tag_ == "VBG"
    ):
        return head.doc[token.left_edge.i : head.right_edge.i + 1].text, False
    return None


def _clause_text(subject: Token, verb: Token) -> str:
    """Subject to the end of the verb's own complements: "Mr Reid threatened to cut ..."."""
    right = [c for c in verb.children if c.i > verb.i and c.dep_ not in _CLAUSE_RIGHT]
    end = max((c.right_edge.i for c in right), default=verb.i)
    doc = verb.doc
    while end > verb.i and doc[end].is_punct:
        end -= 1
    return doc[subject.left_edge.i : end + 1].text


# words a note can start with that the tagger may take for a first name ("Assessment completed")
_DOCUMENT_WORDS = frozenset(
    [
        "assessment",
        "referral",
        "report",
        "plan",
        "review",
        "update",
        "visit",
        "note",
        "meeting",
        "conference",
        "summary",
        "analysis",
        "outcome",
        "action",
        "observation",
        "observations",
        "discussion",
    ]
)


def _is_particular_child(token: Token, role: Role | None, resolver: RoleResolver) -> bool:
    """A named child ("Liam"), an aged one ("their 6-year-old"), or one by kinship ("son")."""
    lower = token.lower_
    if token.pos_ == "PROPN":
        if role == Role.CHILD:
            return True
        # a first name the document has not tied to an adult, used as a person
        return (
            role == Role.UNKNOWN
            and token.is_title
            and lower not in _CALENDAR
            and not (token.is_sent_start and lower in _DOCUMENT_WORDS)
            and token.dep_ in {"nsubj", "nsubjpass", "poss", "dobj", "pobj", "conj", "appos"}
            and not _has_title(token, resolver)
            and not any(c.dep_ == "compound" for c in token.children)
        )
    if lower == "old" and any(c.lower_ in _AGE_WORDS for c in token.subtree):
        return True  # "the 6-year-old"
    if role == Role.CHILD and token.pos_ == "NOUN":
        if lower in _ONE_CHILD:
            return True
        return _aged(token)
    return False


def _aged(token: Token) -> bool:
    """ "the children, aged 4 and 7", "her son (3)": a number right after the mention."""
    doc = token.doc
    after = [t.lower_ for t in doc[token.i + 1 : token.i + 4]]
    return any(w.isdigit() for w in after) and (
        "aged" in after or "(" in after[:1] or after[:1] == [","]
    )


def _has_title(token: Token, resolver: RoleResolver) -> bool:
    doc = token.doc
    return token.i > 0 and doc[token.i - 1].lower_.rstrip(".") in resolver.titles


def _mention(token: Token) -> str:
    doc = token.doc
    if token.lower_ == "old":  # "the 6-year-old": the whole phrase
        return doc[token.left_edge.i : token.i + 1].text
    left = token.i
    while (
        left > 0
        and doc[left - 1].dep_ in {"poss", "det", "compound", "amod", "nummod"}
        and (doc[left - 1].head.i == token.i)
    ):
        left -= 1
    return doc[left : token.i + 1].text


def _is_effect(token: Token, effects: frozenset[str], affected: Callable[[Token], bool]) -> bool:
    """An effect word tied by the parse to a child, the mother or the family."""
    if token.lower_ not in effects and token.lemma_.lower() not in effects:
        return False
    # "Liam's sleep", "her parenting", "the family's rent"
    for child in token.children:
        if child.dep_ == "poss" and affected(child):
            return True
    # "Liam has refused to go to school", "she cannot buy food": the clause's subject
    subject = grammar.clause_subject(token)
    if subject is not None and affected(subject):
        return True
    # "it has meant that Mia wets the bed", "his threats have stopped their son sleeping":
    # a child as subject or object of the effect's clause
    head = token
    for _ in range(6):
        if any(c.dep_ in _PARTY_DEPS and affected(c) for c in head.children):
            return True
        if head.head is head:
            break
        head = head.head
    return False
