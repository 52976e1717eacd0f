"""Small questions about a clause in a spaCy parse: its subject, object, negation, attribution.

Kept apart from the engine so every condition asks the same question the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from blamecheck.analysis.roles import TITLE_WORDS

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
        # "Mr Ngata's refusal to let him visit": the owner of the noun is the one who acts
        owned_noun = token.dep_ == "acl" and any(c.dep_ == "poss" for c in token.head.children)
        climbable = token.dep_ in _CLIMB_DEPS or token.dep_ in {"amod", "appos"} or owned_noun
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


_DENYING_VERBS = frozenset({"refuse", "decline", "stop", "cease", "forbid"})


def is_negated(anchor: Token) -> bool:
    """True when the anchor's clause carries a negation ("has not left", "won't leave").

    A finite verb joined by "and" has its own polarity: in "did not follow the plan and
    allowed him back" the second verb is not negated ("did not follow and allow" shares it)."""
    chain = clause_chain(anchor)
    for i, token in enumerate(chain):
        if i and chain[i - 1].dep_ == "conj" and chain[i - 1].tag_ in {"VBD", "VBZ", "VBP"}:
            break
        # "refused to let him in", "stopped allowing contact": the verb's content is denied
        if token.dep_ == "xcomp" and token.head.lemma_.lower() in _DENYING_VERBS:
            return True
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


def has_agent(verb: Token, non_agents: frozenset[str] = frozenset()) -> bool:
    """A passive that says who did it: "was pushed by Mr Reid", not "grabbed by the throat"."""
    for child in verb.children:
        if child.dep_ in {"agent", "prep"} and child.lower_ == "by":
            for obj in child.children:
                if obj.dep_ != "pobj" or obj.pos_ not in _NOMINAL:
                    continue
                # "by a phone that his father threw": the instrument names who used it
                if obj.lower_ not in non_agents or any(
                    t.dep_ == "nsubj" for t in obj.subtree if t is not obj
                ):
                    return True
    return False


def is_question(sentence: Span) -> bool:
    """A sentence that ends with a question mark (closing quotes and brackets aside)."""
    for token in reversed(sentence):
        if token.text in {'"', "”", "’", "'", ")", "]"} or token.is_space:
            continue
        return token.text.endswith("?")
    return False


_SECOND_PERSON = frozenset({"you", "your", "yours", "yourself", "you're"})


def is_spoken(sentence: Span) -> bool:
    """A question, or words addressed to someone ("You need to..."): rewrite it as speech."""
    if is_question(sentence):
        return True
    return any(t.lower_ in _SECOND_PERSON for t in sentence)


def clause_span(anchor: Token, match: Span) -> Span:
    """The clause that a restructuring rewrite replaces: the match, out to the end of the
    clause it belongs to, but not into a following clause with its own subject ("..., and
    the children were present")."""
    head = clause_chain(anchor)[-1]
    right = max(match.end - 1, head.i)
    sentence = anchor.sent
    for child in head.children:
        if child.i <= head.i or child.dep_ in {"punct", "cc"}:
            continue
        if child.dep_ in {"conj", "parataxis"} and any(
            c.dep_ in SUBJECT_DEPS for c in child.children
        ):
            break
        right = max(right, child.right_edge.i)
    start = min(match.start, head.i)
    subject = clause_subject(anchor)
    if subject is not None and subject.sent == sentence and subject.i < start:
        start = subject.left_edge.i  # "Stacey winds Dean up": the clause starts with her
    end = min(right + 1, sentence.end)
    return match.doc[start:end]


def stands_alone(span: Span) -> bool:
    """The span is a main clause ("Mother failed to protect the children") or a noun phrase
    ("the couple's violence"), not a clause inside another ("a concern that she cannot ...",
    "If she lets him back, ..."): only those may be replaced by a template's own words."""
    heads = [
        t
        for t in span
        if t.dep_ not in {"punct", "cc"}
        and (t.head.i == t.i or not span.start <= t.head.i < span.end)
    ]
    if len(heads) != 1:
        return False
    head = heads[0]
    if head.pos_ in {"NOUN", "PROPN"} and head.dep_ != "ROOT":
        return True  # a noun phrase: a template's noun phrase may stand in it (then checked)
    if any(c.dep_ == "mark" for c in head.children):
        return False
    if head.dep_ == "ROOT":
        return True
    own_subject = any(c.dep_ in SUBJECT_DEPS | {"expl"} for c in head.children)
    return head.dep_ in {"conj", "parataxis"} and own_subject and head.head.dep_ == "ROOT"


_NOT_PHRASES = frozenset(
    {"det", "aux", "auxpass", "neg", "punct", "cc", "mark", "case", "predet", "expl"}
)
_CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "ADV", "NUM"})


def loose_phrases(finding: Span, match: Span) -> list[tuple[str, tuple[str, ...]]]:
    """The writer's phrases in ``finding`` outside the matched words: what hangs off the
    matched words and the words that govern them ("despite professional advice", "to the
    flat"), each with its content words. A template that restates the clause must keep these,
    or leave them to be placed."""
    inside = range(finding.start, finding.end)
    matched = set(range(match.start, match.end))
    spine = set(matched)
    for i in matched:
        spine.update(a.i for a in finding.doc[i].ancestors if a.i in inside)
    out: list[tuple[str, tuple[str, ...]]] = []
    for i in sorted(spine):
        for child in finding.doc[i].children:
            if child.i in spine or child.i not in inside or child.dep_ in _NOT_PHRASES:
                continue
            words = [t for t in child.subtree if t.i in inside and t.i not in matched]
            content = tuple(t.lower_ for t in words if t.pos_ in _CONTENT_POS and t.is_alpha)
            if not content:
                continue
            out.append((finding.doc[words[0].i : words[-1].i + 1].text, content))
    return out


_CONCESSIVE = frozenset({"although", "though", "despite", "while", "whilst", "albeit"})
_CONTRAST = frozenset({"but", "however", "yet", "nevertheless", "nonetheless"})


def is_conceded(anchor: Token, span: Span) -> bool:
    """The sentence grants the match and moves past it: the match is in an "although" clause,
    or a "but" / "however" follows it in the same sentence."""
    for token in (anchor, *anchor.ancestors):
        if any(c.dep_ == "mark" and c.lower_ in _CONCESSIVE for c in token.children):
            return True
        if token.dep_ == "advcl" and token.head.i > token.i:
            break
    sentence = anchor.sent
    return any(t.lower_ in _CONTRAST for t in sentence.doc[span.end : sentence.end])


def is_expletive_passive(verb: Token) -> bool:
    """ "It is recorded that the child ...": the passive's subject is an empty "it"."""
    patient = passive_subject(verb)
    return (
        patient is not None
        and patient.lower_ == "it"
        and any(c.dep_ in {"ccomp", "csubjpass"} for c in verb.children)
    )


_DETERMINING = frozenset({"det", "poss", "nummod", "predet"})


def is_generic(token: Token) -> bool:
    """A claim about the world, not this family: the noun, or the noun a relative clause around
    it describes, is a bare plural ("abusive relationships", "households where DV occurs")."""
    if token.dep_ in _RELATIVE:
        return _bare_plural(token.head)
    if _bare_plural(token):
        return True
    clause = next((a for a in token.ancestors if a.dep_ in _RELATIVE), None)
    return clause is not None and _bare_plural(clause.head)


_RELATIVE = frozenset({"relcl", "acl"})


def _bare_plural(token: Token) -> bool:
    return token.tag_ in {"NNS", "NNPS"} and not any(c.dep_ in _DETERMINING for c in token.children)


def companions(anchor: Token) -> list[Token]:
    """Who a noun or verb is "with" or "between": "a disagreement with the school"."""
    found: list[Token] = []
    for child in anchor.children:
        if child.dep_ == "prep" and child.lower_ in {"with", "between", "among", "amongst"}:
            for obj in child.children:
                if obj.dep_ == "pobj":
                    found.append(obj)
                    found.extend(obj.conjuncts)
    return found


def passive_subject(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "nsubjpass":
            return child
    return None


_OBJECT_PRONOUNS = {"she": "her", "he": "him", "they": "them", "i": "me", "we": "us", "who": "whom"}
_DROP_RIGHT = frozenset({"punct", "cc", "conj", "agent", "mark"})


@dataclass(frozen=True)
class ActiveParts:
    """A passive clause taken apart for an active rewrite: "[actor] {verb} {patient}{rest}"."""

    start: int  # token index where the rewritten stretch begins (the patient's left edge)
    end: int  # token index one past its end
    patient: str
    verb: str
    rest: str


def _participle(lemma: str) -> str:
    """ "follow" -> "following", "abuse" -> "abusing", "tie" -> "tying" (doublings are data)."""
    if lemma.endswith("ie"):
        return lemma[:-2] + "ying"
    if lemma.endswith("e") and not lemma.endswith(("ee", "ye", "oe")):
        return lemma[:-1] + "ing"
    return lemma + "ing"


def active_parts(
    verb: Token, past_forms: dict[str, str], participles: dict[str, str] | None = None
) -> ActiveParts | None:
    """The pieces of a passive ("Ms Clarke was assaulted on 3 March") for an active rewrite."""
    patient = passive_subject(verb)
    if patient is None or patient.i > verb.i:
        return None
    if _borrowed_subject(verb):
        return None
    aux = [c for c in verb.children if c.dep_ in {"aux", "auxpass"} and c.i < verb.i]
    aux_words = [a.lower_ for a in aux]
    lemma = verb.lemma_.lower()
    if any(w in {"has", "have", "had", "'s", "'ve", "'d"} for w in aux_words):
        perfect = next(a.text for a in aux if a.lower_ in {"has", "have", "had"})
        form = f"{perfect} {verb.text.lower()}"
    elif any(a.tag_ == "MD" for a in aux):
        modal = next(a.text for a in aux if a.tag_ == "MD")
        form = f"{modal.lower()} {lemma}"
    elif "being" in aux_words and any(
        w in {"is", "are", "am", "'re", "was", "were"} for w in aux_words
    ):
        # "she is being followed" -> "[who did this] is following her"
        be = "was" if any(w in {"was", "were"} for w in aux_words) else "is"
        form = f"{be} {(participles or {}).get(lemma) or _participle(lemma)}"
    elif any(w in {"is", "are", "am", "'re"} for w in aux_words):
        form = _third_person(lemma)
    else:
        form = past_forms.get(lemma) or (
            verb.text.lower() if verb.text.lower().endswith("ed") else lemma + "ed"
        )
    doc = verb.doc
    patient_tokens = doc[patient.left_edge.i : patient.right_edge.i + 1]
    if len(patient_tokens) == 1 and patient.lower_ in _OBJECT_PRONOUNS:
        patient_text = _OBJECT_PRONOUNS[patient.lower_]
    elif (
        patient_tokens[0].pos_ in {"DET", "NOUN", "ADJ", "NUM"}
        or (patient_tokens[0].pos_ == "PRON" and patient_tokens[0].dep_ == "poss")
    ) and patient_tokens[0].lower_.rstrip(".") not in TITLE_WORDS:  # "Ms Cowie's jaw" keeps "Ms"
        patient_text = patient_tokens.text[:1].lower() + patient_tokens.text[1:]
    else:
        patient_text = patient_tokens.text
    right = [c for c in verb.children if c.i > verb.i and c.dep_ not in _DROP_RIGHT]
    end = verb.i + 1
    if right:
        end = max(c.right_edge.i for c in right) + 1
    while end > verb.i + 1 and doc[end - 1].is_punct:
        end -= 1
    rest = doc[verb.i + 1 : end].text
    tail, end = _shared_subject_tail(verb, patient, patient_text, end, past_forms)
    return ActiveParts(
        start=patient.left_edge.i,
        end=end,
        patient=patient_text,
        verb=form,
        rest=((" " + rest) if rest else "") + tail,
    )


def _borrowed_subject(verb: Token) -> bool:
    """Whether a passive takes its subject from a clause that is not a passive of the same
    subject: "was pregnant at the time and was struck", "she reported having been punched".
    Rewriting it actively would fold the words between into the finding and lose them."""
    if any(c.dep_ == "nsubjpass" for c in verb.children):
        return False
    if any(c.dep_ == "aux" and c.lower_ == "having" for c in verb.children):
        return True
    if verb.dep_ == "conj":
        head = verb.head
        return not (head.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in head.children))
    return False


def _shared_subject_tail(
    verb: Token, patient: Token, patient_text: str, end: int, past_forms: dict[str, str]
) -> tuple[str, int]:
    """A verb joined to the passive that shares its subject keeps it: "She was raped and did
    not report it" -> "... raped her and she did not report it"; "she was pushed and kicked"
    -> "... pushed her and kicked her". Returns the words to add and the new end."""
    doc = verb.doc
    joined = [
        c
        for c in verb.children
        if c.dep_ == "conj"
        and c.pos_ in {"VERB", "AUX"}
        and c.i >= end
        and not any(g.dep_ in SUBJECT_DEPS for g in c.children)
    ]
    if not joined:
        return "", end
    conj = joined[0]
    cc = next((c for c in verb.children if c.dep_ == "cc" and end <= c.i < conj.i), None)
    last = conj.right_edge.i
    while last > conj.i and doc[last].is_punct:
        last -= 1
    link = f" {cc.text}" if cc is not None else ","
    own_aux = any(c.dep_ in {"aux", "auxpass"} for c in conj.children)
    if conj.tag_ == "VBN" and not own_aux:  # the same passive: "pushed and kicked"
        lemma = conj.lemma_.lower()
        active = past_forms.get(lemma) or conj.text.lower()
        words = doc[conj.i + 1 : last + 1].text
        return f"{link} {active} {patient_text}" + (f" {words}" if words else ""), last + 1
    subject = doc[patient.left_edge.i : patient.right_edge.i + 1].text
    if patient.pos_ == "PRON" and patient.lower_ != "i":
        subject = subject.lower()  # "She was raped ..." -> "... and she did not report it"
    return f"{link} {subject} {doc[conj.left_edge.i : last + 1].text}", last + 1


def _third_person(lemma: str) -> str:
    if lemma.endswith(("s", "sh", "ch", "x", "z", "o")):
        return lemma + "es"
    if lemma.endswith("y") and len(lemma) > 1 and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ies"
    return lemma + "s"
