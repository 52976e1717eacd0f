"""Does a rewrite keep the sentence? Content words, who does what, one sentence, no new names.

A rewrite replaces a finding's span inside its sentence. It may restructure the flagged words,
but every other content word (noun, verb, adjective, adverb, number, name) must still be there,
each verb with the same subject ("... and she hit her head" stays hers); the result must parse
as the original did (as many sentences, no new fragment); and it may name no one the sentence
did not. Placeholders are read as a neutral phrase of their kind ("[who did this]" as
"someone") so that the parser sees the sentence a writer would end up with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc, Token

from blamecheck.analysis import grammar
from blamecheck.analysis.packs import PLACEHOLDER
from blamecheck.analysis.roles import NOMINATIVE
from blamecheck.rewriting.rewrite import PLACE_THIS

CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "ADV", "NUM"})
# verbs that carry no content of their own: "becomes violent", "has a history", "gets angry"
LIGHT_VERBS = frozenset({"be", "become", "get", "seem", "appear", "have", "do"})
# a placeholder is read as a phrase of its kind; first words decide (longest key first)
_NEUTRAL = (
    ("who does what to whom", "Mr Brown hits Ms Green"),
    ("who did this", "someone"),
    ("his name", "Mr Brown"),
    ("her name", "Ms Green"),
    ("partner's name", "Mr Brown"),
    ("child's name", "the child"),
    ("what he did, and", "hit her"),
    ("what he did", "hit her"),
    ("what he does", "hits her"),
    ("what he has done", "has hit her"),
    ("what he must stop doing", "stop hitting her"),
    ("stop what he is doing", "stop hitting her"),
    ("what she did", "called the police"),
    ("what she has done", "has called the police"),
    ("what made it feel safer", "changed the locks"),
    ("what was observed, and", "was seen crying after he hit her"),
    ("what was observed", "was seen crying"),
    ("what has changed", "sleep"),
    ("specific effect", "been unable to sleep"),
    ("support she has asked for", "counselling"),
    ("his account", "that he was provoked"),
    ("he had been drinking", "he had been drinking"),
    ("the injuries", "the injuries"),
    ("violence", "violence"),
    ("abuse", "abuse"),
)


def neutral(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The text with each placeholder read as a neutral phrase, and where those phrases are.

    "[place this: on 3 March]" is the writer's own words waiting for a place: read as nothing,
    since its words are counted as kept."""
    out: list[str] = []
    filled: list[tuple[int, int]] = []
    pos = 0
    size = 0
    for match in PLACEHOLDER.finditer(text):
        before = text[pos : match.start()]
        out.append(before)
        size += len(before)
        inner = match.group(0)[1:-1]
        phrase = _phrase_for(inner)
        if phrase == "" and out and out[-1].endswith(" "):
            out[-1] = out[-1][:-1]
            size -= 1
        out.append(phrase)
        filled.append((size, size + len(phrase)))
        size += len(phrase)
        pos = match.end()
    out.append(text[pos:])
    return "".join(out), filled


def _phrase_for(inner: str) -> str:
    low = inner.lower()
    if low.startswith(PLACE_THIS):
        return ""
    for key, phrase in _NEUTRAL:
        if low.startswith(key):
            return phrase
    return "something"


def placed_words(text: str) -> str:
    """The words inside a rewrite's placeholders: the writer's own words parked in "[place
    this: ...]" or carried in one ("[what he did that harmed Liam]"), there for her to see."""
    return " ".join(m.group(0)[1:-1] for m in PLACEHOLDER.finditer(text))


@dataclass(frozen=True)
class Verdict:
    """What one rewrite does to its sentence."""

    lost: tuple[str, ...]  # content words outside the flagged words that are gone
    moved: tuple[str, ...]  # verbs whose subject changed: "hit (she -> someone)"
    fragments: int  # new sentence fragments, or sentences split or joined, by the parser
    invented: tuple[str, ...]  # names in the rewrite that the sentence does not have
    rewritten: str  # the sentence with the rewrite in place, placeholders read neutrally

    @property
    def keeps_content(self) -> bool:
        return not self.lost and not self.moved

    @property
    def parses(self) -> bool:
        return self.fragments == 0

    @property
    def sound(self) -> bool:
        return self.keeps_content and self.parses and not self.invented


class RewriteChecker:
    """Checks rewrites with the same spaCy pipeline that found them."""

    def __init__(self, nlp: Language):
        self.nlp = nlp

    def check(
        self,
        sentence: str,
        span: tuple[int, int],
        flagged: tuple[int, int],
        replacement: str,
        whole_lines: bool = False,
    ) -> Verdict:
        """``span`` is what the replacement replaces and ``flagged`` the words the rule matched,
        both as offsets into ``sentence``. ``whole_lines``: the replacement is a line quoted
        whole from the practice table, which may be two sentences."""
        return self.check_all(sentence, span, flagged, [(replacement, whole_lines)])[0]

    def check_all(
        self,
        sentence: str,
        span: tuple[int, int],
        flagged: tuple[int, int],
        replacements: list[tuple[str, bool]],
    ) -> list[Verdict]:
        """Every alternative of one finding, parsed in one batch (the parser is the cost)."""
        s, e = span
        starts = not sentence[:s].strip() or sentence[:s].rstrip()[-1] in ".!?"
        prepared = []
        for replacement, _ in replacements:
            filled, fills = neutral(replacement)
            if filled and starts:
                filled = filled[:1].upper() + filled[1:]  # a writer fills it as a sentence start
            prepared.append((filled, fills, sentence[:s] + filled + sentence[e:]))
        before, *afters = self.nlp.pipe([sentence, *(new for _, _, new in prepared)])
        replaced = before.char_span(s, e, alignment_mode="expand")
        # a noun phrase is replaced by a noun phrase, a clause by a clause: "remains in an
        # abusive relationship" cannot take "[his name] [what he does] to her"
        noun_slot = (
            replaced is not None and replaced.root.pos_ in _NOMINAL and replaced.root.dep_ != "ROOT"
        )
        shapes = (
            [
                next(iter(d.sents)).root.pos_ in _NOMINAL
                for d in self.nlp.pipe(f for f, _, _ in prepared)
            ]
            if noun_slot
            else [True] * len(prepared)
        )
        return [
            self._verdict(sentence, span, flagged, replacement, whole, before, after, fit, made)
            for (replacement, whole), after, fit, made in zip(
                replacements, afters, shapes, prepared, strict=True
            )
        ]

    def _verdict(
        self,
        sentence: str,
        span: tuple[int, int],
        flagged: tuple[int, int],
        replacement: str,
        whole_lines: bool,
        before: Doc,
        after: Doc,
        fits: bool,
        made: tuple[str, list[tuple[int, int]], str],
    ) -> Verdict:
        s, e = span
        if whole_lines:  # the table's own line answers the whole line the finding flags
            flagged = span
        filled, fills, new = made
        delta = len(filled) - (e - s)
        fill_ranges = [(s + a, s + b) for a, b in fills]
        region = (s, s + len(filled))
        used: set[int] = set()
        parked = set(re.findall(r"\w+", placed_words(replacement).lower()))
        lost: list[str] = []
        moved: list[str] = []
        for token in before:
            if token.pos_ not in CONTENT_POS or (not token.is_alpha and not token.like_num):
                continue
            if token.pos_ == "VERB" and token.lemma_.lower() in LIGHT_VERBS:
                continue
            if flagged[0] <= token.idx < flagged[1]:
                continue
            twin = _twin(token, after, s, e, delta, region, fill_ranges, used)
            if twin is None:
                if set(re.findall(r"\w+", token.lower_)) <= parked:
                    continue
                lost.append(token.text)
                continue
            if token.pos_ == "VERB" and not _same_subject(token, twin, flagged):
                moved.append(token.text)
        fragments = max(0, _fragments(after) - _fragments(before))
        fragments += 0 if whole_lines else _split(before, after)
        fragments += 0 if fits or not filled.strip() else 1
        return Verdict(
            lost=tuple(lost),
            moved=tuple(moved),
            fragments=fragments,
            invented=_invented(sentence, after, region, fill_ranges),
            rewritten=new,
        )


_NOMINAL = frozenset({"NOUN", "PROPN", "PRON"})


def _twin(
    token: Token,
    after: Doc,
    s: int,
    e: int,
    delta: int,
    region: tuple[int, int],
    fills: list[tuple[int, int]],
    used: set[int],
) -> Token | None:
    """The same word in the rewritten sentence: at its shifted place outside the replaced
    span, or the first unused word of the same form inside the replacement."""
    if token.idx < s or token.idx >= e:
        at = token.idx if token.idx < s else token.idx + delta
        for candidate in after:
            if candidate.idx == at and candidate.lower_ == token.lower_:
                used.add(candidate.i)
                return candidate
    for candidate in after:
        if candidate.i in used or not region[0] <= candidate.idx < region[1]:
            continue
        if any(a <= candidate.idx < b for a, b in fills):
            continue
        if candidate.lower_ == token.lower_ or candidate.lemma_.lower() == token.lemma_.lower():
            used.add(candidate.i)
            return candidate
    if token.idx < s or token.idx >= e:  # tokenised differently: the same word anywhere
        for candidate in after:
            if candidate.i not in used and candidate.lower_ == token.lower_:
                used.add(candidate.i)
                return candidate
    return None


def _who(token: Token | None) -> str | None:
    if token is None:
        return None
    return NOMINATIVE.get(token.lower_, token.lower_).lower()


def _same_subject(token: Token, twin: Token, flagged: tuple[int, int]) -> bool:
    """A verb outside the flagged words keeps who does it and who it is done to: "... and
    hit her head" stays hers; "was pushed and kicked" may become "pushed and kicked her"."""
    subject = grammar.clause_subject(token)
    if subject is None:
        return True
    was = _who(subject)
    if subject.dep_ != "nsubjpass":
        return _who(grammar.clause_subject(twin)) == was
    # done to her: still done to her, as the subject of a passive or the object of an act
    now = grammar.clause_subject(twin)
    if _who(now) == was:  # "was pushed and hit her head": she still hit her head
        return True
    for verb in (twin, *(t for t in twin.ancestors if twin.dep_ == "conj")):
        if _who(grammar.clause_object(verb)) == was:
            return True
    return False


def _fragments(doc: Doc) -> int:
    """Sentences whose root is not a verb with a subject (or an imperative, or a list)."""
    count = 0
    for sent in doc.sents:
        root = sent.root
        if root.pos_ in {"VERB", "AUX"}:
            continue
        if any(c.dep_ in grammar.SUBJECT_DEPS | {"expl"} for c in root.children):
            continue
        count += 1
    return count


def _split(before: Doc, after: Doc) -> int:
    """A rewrite that breaks one sentence into two (or joins two) is not the writer's shape."""
    return abs(len(list(after.sents)) - len(list(before.sents)))


def _invented(
    sentence: str, after: Doc, region: tuple[int, int], fills: list[tuple[int, int]]
) -> tuple[str, ...]:
    """Proper names in the replacement, outside placeholders, that the sentence lacks."""
    out: list[str] = []
    for token in after:
        if not region[0] <= token.idx < region[1]:
            continue
        if any(a <= token.idx < b for a, b in fills):
            continue
        if token.pos_ == "PROPN" and token.is_title and token.text not in sentence:
            out.append(token.text)
    return tuple(out)
