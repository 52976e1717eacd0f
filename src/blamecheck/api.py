"""analyse(text) -> findings: the one entry point every surface uses."""

from __future__ import annotations

import dataclasses
import re
from collections import deque
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from spacy.tokens import Doc, Token

from blamecheck.analysis import profiles
from blamecheck.analysis.engine import Engine, Hit
from blamecheck.analysis.facts import missing
from blamecheck.analysis.packs import PackSet
from blamecheck.analysis.pipeline import HEADING_MAX_CHARS, load_pipeline
from blamecheck.analysis.practice import similar_rows
from blamecheck.analysis.profiles import Profile
from blamecheck.analysis.readable import in_writers_quotes, readable
from blamecheck.analysis.roles import Role, RoleResolver, name_of
from blamecheck.findings import NOTE_SOURCE, Finding, Findings, Prompt, Suggestion
from blamecheck.positions import LineIndex
from blamecheck.rewriting.rewrite import QUOTED_NOTE, Facts, alternatives_for, choices_for, fill
from blamecheck.rewriting.rewrite_check import RewriteChecker

# spaCy refuses texts over nlp.max_length; paragraphs longer than this are cut at line
# or sentence boundaries so that memory stays flat on very large inputs.
MAX_BLOCK_CHARS = 20_000
BATCH_CHARS = 40_000  # characters parsed at once: bounds the parser's memory
_BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*\n")
_SOFT_BREAK = re.compile(r"(?<=[.!?;:])\s+|\n")


@dataclass(frozen=True)
class Block:
    """A paragraph of the input and where it starts in the whole text."""

    offset: int
    text: str


def split_blocks(text: str) -> list[Block]:
    """Paragraphs (blank-line separated), each at most MAX_BLOCK_CHARS long, with the line
    ends of sentences wrapped after a short line read as spaces (`_unwrapped`)."""
    blocks: list[Block] = []
    pos = 0
    for match in [*_BLANK_LINES.finditer(text), None]:
        end = match.start() if match else len(text)
        _append_block(blocks, text, pos, end)
        if match:
            pos = match.end()
    return [Block(b.offset, _unwrapped(b.text)) for b in blocks]


# A line followed by a line that starts with a letter: (the line, its line end, the letter)
_BEFORE_LETTER = re.compile(r"^([^\n]*?)(\r?\n)(?=[ \t]*([^\W\d_]))", re.MULTILINE)
# Ends that already tell the pipeline a sentence ends or goes on (its _CLOSERS, and ?!).
_NOT_HEADING_ENDS = frozenset(".,;:-–—([{/&?!")


def _unwrapped(block: str) -> str:
    """The block with each line end that wraps a sentence after a short line as spaces.

    The pipeline (analysis/pipeline.py) starts a sentence after any short line without closing
    punctuation, taking it for a heading ("Reason for visit"). A short line is a heading only
    when it reads like one: the next line starts a new sentence (anything but a lowercase
    letter), or the line is in capitals ("PLAN"), or it ends with a colon. Title Case is no
    sign, since names are ("Ms Clarke / was pushed"). So when the next line starts with a
    lowercase letter, the sentence goes on ("She was / pushed."): the line end is read as
    spaces, one for each of its characters, so every offset still maps. A line followed by a
    blank line is a block of its own (split_blocks) and stays a heading.
    """
    if "\n" not in block:
        return block

    def join(match: re.Match[str]) -> str:
        line, end = match.group(1), match.group(2)
        words = line.strip()
        if (
            not match.group(3).islower()
            or not words
            or len(words) > HEADING_MAX_CHARS
            or words[-1] in _NOT_HEADING_ENDS
            or words.isupper()
        ):
            return match.group()
        return line + " " * len(end)

    return _BEFORE_LETTER.sub(join, block)


def _append_block(blocks: list[Block], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while end - start > MAX_BLOCK_CHARS:
        cut = start + MAX_BLOCK_CHARS
        window = text[start:cut]
        breaks = [m.end() for m in _SOFT_BREAK.finditer(window)]
        stop = start + breaks[-1] if breaks and breaks[-1] > MAX_BLOCK_CHARS // 2 else cut
        blocks.append(Block(start, text[start:stop]))
        start = stop
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        blocks.append(Block(start, text[start:end]))


@dataclass
class ParagraphCache:
    """One document's paragraphs, parsed and matched, by their text. In memory only."""

    docs: dict[str, Doc] = field(default_factory=dict)
    hits: dict[tuple[str, Hashable], list[Hit]] = field(default_factory=dict)
    offers: dict[tuple[str, int, int, str, Hashable], _Offer] = field(default_factory=dict)

    def prune(self, keep: set[str]) -> None:
        """Forget paragraphs the document no longer has, so memory follows the document."""
        for text in set(self.docs) - keep:
            del self.docs[text]
        for key in [k for k in self.hits if k[0] not in keep]:
            del self.hits[key]
        for key in [k for k in self.offers if k[0] not in keep]:
            del self.offers[key]


class Analyzer:
    """The pipeline, the packs and the compiled engine, built once and reused."""

    def __init__(self, packs: PackSet | None = None):
        self.packs = packs or PackSet.load()
        self.nlp = load_pipeline()
        self.engine = Engine(self.packs, self.nlp)
        self.checker = RewriteChecker(self.nlp)
        self._priority = {rule.id: i for i, rule in enumerate(self.packs.rules)}

    def analyse(
        self,
        text: str,
        known_names: dict[str, Role] | None = None,
        profile: Profile = Profile.AUTO,
    ) -> list[Finding]:
        return next(iter(self.analyse_many([text], known_names, profile)))

    def analyse_cached(
        self,
        text: str,
        cache: ParagraphCache,
        known_names: dict[str, Role] | None = None,
        profile: Profile = Profile.AUTO,
    ) -> list[Finding]:
        """Findings for an edited text, parsing and matching only the paragraphs that changed.

        The cache, held in memory by the caller (the language server, one per document),
        keeps each paragraph's parse and rule matches and is pruned here to the paragraphs the
        text still has. Roles are still learnt over the whole document, and a paragraph's
        matches are reused only while what the name table says about its words is the same.
        """
        blocks = split_blocks(readable(text))
        fresh = [b.text for b in blocks if b.text not in cache.docs]
        for block_text, doc in zip(fresh, self.nlp.pipe(fresh), strict=True):
            cache.docs[block_text] = doc
        docs = [cache.docs[b.text] for b in blocks]
        cache.prune({b.text for b in blocks})
        return self._analyse_docs(text, blocks, docs, known_names, profile, cache)

    def analyse_many(
        self,
        texts: Iterable[str],
        known_names: dict[str, Role] | None = None,
        profile: Profile = Profile.AUTO,
    ) -> Iterator[list[Finding]]:
        """Findings for each text, in order."""
        return self.analyse_stream((text, known_names, profile) for text in texts)

    def analyse_stream(
        self,
        items: Iterable[tuple[str, dict[str, Role] | None, Profile]],
        batch_size: int = 64,
    ) -> Iterator[list[Finding]]:
        """Findings for each (text, known names, profile), in order, all paragraphs of all texts
        streamed through one nlp.pipe: a folder of reports is parsed in full batches, and
        texts are read only as the pipe asks for them.

        Any Python string is accepted: what the engine cannot read (a lone surrogate, NUL) is
        read as a space (`readable`), and each finding's text is the caller's own."""
        pending: deque[tuple[str, list[Block], dict[str, Role] | None, Profile]] = deque()
        docs: list[Doc] = []

        def paragraphs() -> Iterator[str]:
            for text, names, profile in items:
                blocks = split_blocks(readable(text))
                pending.append((text, blocks, names, profile))
                yield from (b.text for b in blocks)

        def ready() -> Iterator[list[Finding]]:
            # the oldest text is complete once the pipe has given back all its paragraphs
            while pending and len(docs) >= len(pending[0][1]):
                text, blocks, names, profile = pending.popleft()
                mine = docs[: len(blocks)]
                del docs[: len(blocks)]
                yield self._analyse_docs(text, blocks, mine, names, profile)

        for doc in self._parse(paragraphs(), batch_size):
            docs.append(doc)
            yield from ready()
        yield from ready()

    def _parse(self, texts: Iterable[str], batch_size: int) -> Iterator[Doc]:
        """nlp.pipe in batches of at most ``batch_size`` paragraphs and BATCH_CHARS characters:
        the parser's memory follows the characters of a batch, so a report of very long
        paragraphs must not go through in one batch of dozens of them."""
        group: list[str] = []
        size = 0
        for text in texts:
            group.append(text)
            size += len(text)
            if len(group) >= batch_size or size >= BATCH_CHARS:
                yield from self.nlp.pipe(group, batch_size=len(group))
                group, size = [], 0
        if group:
            yield from self.nlp.pipe(group, batch_size=len(group))

    def _analyse_docs(
        self,
        text: str,
        blocks: list[Block],
        docs: list[Doc],
        known_names: dict[str, Role] | None,
        profile: Profile,
        cache: ParagraphCache | None = None,
    ) -> list[Finding]:
        resolver = RoleResolver(self.packs.roles, known_names)
        resolver.learn(docs)
        hits: list[tuple[Block, Hit]] = []
        for block, doc in zip(blocks, docs, strict=True):
            names = resolver.fingerprint(doc) if cache is not None else None
            found = cache.hits.get((block.text, names)) if cache is not None else None
            if found is None:
                found = self.engine.run(doc, resolver)
                if cache is not None:
                    cache.hits[(block.text, names)] = found
            hits.extend((block, hit) for hit in found)
        if any(hit.rule.documents == "case-record" for _, hit in hits):
            # only then does it matter what kind of document this is (read on every edit)
            family = any(resolver.named(r) for r in (Role.SURVIVOR, Role.PERPETRATOR, Role.CHILD))
            sentences = (sentence for doc in docs for sentence in doc.sents)
            if profiles.resolve(profile, sentences, family) == Profile.GENERAL:
                hits = [(b, hit) for b, hit in hits if hit.rule.documents != "case-record"]
        untold = resolver.untold_apart(docs) if hits else frozenset()
        actors = tuple(a for a in self._actors(docs, resolver) if a.lower() not in untold)
        findings = self._findings(text, self._dedupe(hits), resolver, actors, cache)
        return Findings(findings, untold_apart=bool(findings and untold))

    def _actors(self, docs: list[Doc], resolver: RoleResolver) -> tuple[str, ...]:
        """The people the document names as using violence ("Mr Reid punched her"), the ones it
        calls the perpetrator first: choices for the writer, never filled in on their own."""
        actors: dict[str, str] = {}
        for shown in resolver.named(Role.PERPETRATOR):
            actors.setdefault(shown.split()[-1].lower(), shown)
        for doc in docs:
            for person in self._violent_subjects(doc):
                role = resolver.role_of(person)
                if role not in (Role.PERPETRATOR, Role.UNKNOWN) or person.pos_ != "PROPN":
                    continue  # never her, a child or a worker; "he" is not a name
                shown = resolver.display_of(person, Role.PERPETRATOR) or name_of(person)
                actors.setdefault(shown.split()[-1].lower(), shown)
        return tuple(actors.values())

    def _offer(self, paragraph: str, hit: Hit, people: _People) -> _Offer:
        """The message and ranked alternatives of one hit, from the rewrite engine."""
        flagged = paragraph[hit.start : hit.end]
        said = dict(hit.people)  # only the people the sentence itself names fill a rewrite
        facts = Facts(
            subject=hit.subject,
            perpetrator=said.get(Role.PERPETRATOR.value),
            survivor=said.get(Role.SURVIVOR.value),
            child=said.get(Role.CHILD.value),
            children=said.get(Role.CHILD.value),
            match=flagged,
            stands_alone=hit.stands_alone,
            loose=hit.loose,
            slots=hit.slots,
            # a spoken question is replaced whole: the whole sentence's names must stay
            facts=hit.sentence_facts if hit.spoken and not hit.quoted else hit.facts,
            quoted=hit.quoted,
            spoken=hit.spoken,
        )
        sentence = paragraph[hit.sentence[0] : hit.sentence[1]]
        rows = similar_rows(self.packs.table, flagged if hit.quoted else sentence)
        offered = alternatives_for(hit.alternatives, facts, self.packs.table, rows)
        message = fill(hit.rule.message, facts) or hit.rule.message
        suggestions = offered.suggestions
        if not hit.spoken and not hit.quoted:
            if _ARTICLE_BEFORE.search(paragraph[hit.sentence[0] : hit.start]) and any(
                s.kind == "rewrite" for s in suggestions
            ):
                # "an [abusive relationship]" -> "a relationship in which ...": the article
                # agrees with the rewrite, or goes where the rewrite starts with a name
                hit, suggestions = _with_article(paragraph, hit, suggestions)
            suggestions, notes = self._sound(paragraph, hit, suggestions)
            prompts = [*offered.prompts, *notes]
        else:
            prompts = offered.prompts
        if suggestions:
            candidates = {
                "actor": people.actors,
                "perpetrator": people.perpetrators,
                "survivor": people.survivors,
                "child": people.children,
            }
            choices = choices_for(suggestions[0], candidates)
            suggestions = [suggestions[0], *choices, *suggestions[1:]]
        start, end = hit.start, hit.end
        if hit.spoken and not hit.quoted and suggestions and suggestions[0].kind != "rewrite":
            # said, not written: a question replaces the whole question it answers
            start, end = _spoken_bounds(paragraph, hit.sentence, hit.start, hit.end)
            before, after = paragraph[start : hit.start], paragraph[hit.end : end]
            suggestions = [
                s.model_copy(update={"keeps_facts": not missing(hit.sentence_facts, s.replacement)})
                if s.kind != "rewrite"
                else s.model_copy(update={"replacement": before + s.replacement + after})
                for s in suggestions
            ]
        return _Offer(
            start=start,
            end=end,
            message=message + QUOTED_NOTE if hit.quoted else message,
            suggestions=suggestions,
            prompts=prompts,
        )

    def _sound(
        self, paragraph: str, hit: Hit, suggestions: list[Suggestion]
    ) -> tuple[list[Suggestion], list[Prompt]]:
        """The rewrites that keep the sentence (every other content word, who does what, its
        shape, no new name); the others become a note, never a broken or false sentence."""
        s0, s1 = hit.sentence
        sentence = paragraph[s0:s1]
        span = (hit.start - s0, hit.end - s0)
        flagged = (hit.flagged[0] - s0, hit.flagged[1] - s0)
        follows = paragraph[hit.end : hit.end + 1]
        trimmed = []
        for suggestion in suggestions:
            if follows and follows in ".!?" and suggestion.replacement.endswith(follows):
                # the sentence's own full stop stays: a line quoted whole brings its own
                text = suggestion.replacement[:-1].rstrip()
                suggestion = suggestion.model_copy(update={"replacement": text})
            trimmed.append(suggestion)
        # a line of the practice table is quoted whole (kind "statement")
        verdicts = self.checker.check_all(
            sentence, span, flagged, [(s.replacement, s.kind == "statement") for s in trimmed]
        )
        sound = [s for s, v in zip(trimmed, verdicts, strict=True) if v.sound]
        still = self._still_flagged(sentence, span, [s.replacement for s in sound])
        kept = [s for s, flagged_again in zip(sound, still, strict=True) if not flagged_again]
        notes = [] if kept else [Prompt(text=CANNOT_FIT, source=NOTE_SOURCE)]
        return kept, notes

    def _still_flagged(
        self, sentence: str, span: tuple[int, int], replacements: list[str]
    ) -> list[bool]:
        """Would `check` flag each rewrite itself, placeholders as written (as `fix
        --placeholders` leaves them)? Then it is no alternative."""
        news = [sentence[: span[0]] + r + sentence[span[1] :] for r in replacements]
        out = []
        for replacement, doc in zip(replacements, self.nlp.pipe(news), strict=True):
            resolver = RoleResolver(self.packs.roles)
            resolver.learn([doc])
            end = span[0] + len(replacement)
            hits = self.engine.run(doc, resolver)
            out.append(any(hit.start < end and span[0] < hit.end for hit in hits))
        return out

    def _violent_subjects(self, doc: Doc) -> list[Token]:
        """Subjects and agents of violent verbs in one paragraph, kept with its parse so that
        a cached paragraph is not walked again on every edit."""
        found = doc.user_data.get("blamecheck_violent_subjects")
        if found is None:
            violent = self.engine.violent_verbs
            found = []
            for token in doc:
                if token.pos_ != "VERB" or token.lemma_.lower() not in violent:
                    continue
                found += [c.i for c in token.children if c.dep_ == "nsubj"]
                found += [g.i for c in token.children if c.dep_ == "agent" for g in c.children]
            doc.user_data["blamecheck_violent_subjects"] = found
        return [doc[i] for i in found]

    def _dedupe(self, hits: list[tuple[Block, Hit]]) -> list[tuple[Block, Hit]]:
        """One finding per overlapping stretch of a category: the earlier rule in its pack wins.
        A finding whose rule yields to another category gives way to an overlapping finding
        of it, and its stretch goes back to the rest of its own category."""
        ordered = sorted(
            hits,
            key=lambda bh: (
                self._priority.get(bh[1].rule.id, 1 << 30),
                -(bh[1].end - bh[1].start),
                bh[0].offset + bh[1].start,
                # the same stretch matched by two patterns: the one that matched more words,
                # whatever order the matchers gave them in (rewrites keep the words outside)
                -(bh[1].flagged[1] - bh[1].flagged[0]),
                bh[1].flagged[0],
                tuple(a.text for a in bh[1].alternatives),
            ),
        )
        kept: list[tuple[Block, Hit]] = []
        # hits overlap only within one paragraph, so compare within (paragraph, category)
        taken: dict[tuple[int, str], list[Hit]] = {}
        for block, hit in ordered:
            others = taken.setdefault((block.offset, hit.rule.category.value), [])
            if not any(_overlap(hit, o) for o in others):
                others.append(hit)
                kept.append((block, hit))
        yielded = {id(hit) for block, hit in kept if _yields(block, hit, taken)}
        if not yielded:
            return kept
        return self._dedupe([(b, hit) for b, hit in hits if id(hit) not in yielded])

    def _findings(
        self,
        text: str,
        hits: list[tuple[Block, Hit]],
        resolver: RoleResolver,
        actors: tuple[str, ...] = (),
        cache: ParagraphCache | None = None,
    ) -> list[Finding]:
        lines = LineIndex(text)
        people = _People(
            perpetrators=tuple(resolver.named(Role.PERPETRATOR)),
            survivors=tuple(resolver.named(Role.SURVIVOR)),
            children=tuple(resolver.named(Role.CHILD)),
            actors=actors,
        )
        findings: list[Finding] = []
        for block, hit in hits:
            key = (block.text, hit.start, hit.end, hit.rule.id, people)
            offer = cache.offers.get(key) if cache is not None else None
            if offer is None:
                offer = self._offer(block.text, hit, people)
                if cache is not None:
                    cache.offers[key] = offer
            start, end = block.offset + offer.start, block.offset + offer.end
            while end > start and (text[end - 1].isspace() or text[end - 1] == "\x00"):
                end -= 1  # never end on white space (a NUL is read as a space)
            written = text[start:end]
            suggestions = offer.suggestions
            if written != block.text[offer.start : offer.end]:  # typographer's quotes
                suggestions = [
                    s.model_copy(update={"replacement": in_writers_quotes(s.replacement, written)})
                    for s in suggestions
                ]
            line, column = lines.position(start)
            end_line, end_column = lines.position(end)
            findings.append(
                Finding(
                    rule=hit.rule.id,
                    category=hit.rule.category,
                    severity=hit.rule.severity,
                    message=offer.message,
                    line=line,
                    column=column,
                    end_line=end_line,
                    end_column=end_column,
                    start=start,
                    end=end,
                    text=written,
                    suggestions=suggestions,
                    prompts=offer.prompts,
                    quoted=hit.quoted,
                    missing=list(hit.missing) if hit.missing is not None else None,
                )
            )
        findings.sort(key=Finding.sort_key)
        return findings


@dataclass(frozen=True)
class _People:
    """Who the whole document names: what a finding's rewrites may fill in."""

    perpetrators: tuple[str, ...]
    survivors: tuple[str, ...]
    children: tuple[str, ...]
    actors: tuple[str, ...]  # who the document names as using violence


@dataclass(frozen=True)
class _Offer:
    """A finding's span within its paragraph, message and alternatives (offsets relative)."""

    start: int
    end: int
    message: str
    suggestions: list[Suggestion]
    prompts: list[Prompt]


_ARTICLE_BEFORE = re.compile(r"(?:^|\s)(an?|the)\s+$", re.IGNORECASE)


def _with_article(
    paragraph: str, hit: Hit, suggestions: list[Suggestion]
) -> tuple[Hit, list[Suggestion]]:
    """The hit widened over the article before it, each rewrite given the article it needs."""
    found = _ARTICLE_BEFORE.search(paragraph[: hit.start])
    assert found is not None
    article = found.group(1)

    def needed(text: str) -> str:
        first = text[:1]
        if first == "[" or first.isupper():
            return ""  # "[his name]'s violence", "Mr Reid's violence": no article
        if article.lower() == "the":
            return article
        chosen = "an" if first.lower() in "aeiou" else "a"
        return chosen.capitalize() if article[0].isupper() else chosen

    rewrites = [s for s in suggestions if s.kind == "rewrite"]
    if needed(rewrites[0].replacement) == article:
        # the writer's article fits the top rewrite: the finding stays as it is, and a
        # rewrite that would need another article is not offered
        return hit, [
            s for s in suggestions if s.kind != "rewrite" or needed(s.replacement) == article
        ]
    start = found.start(1)
    adjusted = []
    for suggestion in suggestions:
        text = suggestion.replacement
        if suggestion.kind != "rewrite":
            text = paragraph[start : hit.start] + text
        else:
            text = f"{needed(text)} {text}".lstrip()
        adjusted.append(suggestion.model_copy(update={"replacement": text}))
    return dataclasses.replace(hit, start=start), adjusted


CANNOT_FIT = (
    "Rewrite this in your own words: no alternative of blamecheck's fits this sentence without "
    "changing what the rest of it says. Name who did what, to whom, and with what effect."
)
_OPENING = "\"'(["  # typographer's quotes are read as these (readable.py)
_CLOSING = "\"')]"


def _spoken_bounds(text: str, sentence: tuple[int, int], start: int, end: int) -> tuple[int, int]:
    """The sentence around a spoken finding, without spaces or quotation marks at its edges."""
    s0, s1 = sentence
    while s0 < start and (text[s0].isspace() or text[s0] in _OPENING):
        s0 += 1
    while s1 > end and (text[s1 - 1].isspace() or text[s1 - 1] in _CLOSING):
        s1 -= 1
    return min(s0, start), max(s1, end)


@cache
def _default_analyzer() -> Analyzer:
    return Analyzer()


def get_analyzer(extra_packs: tuple[Path, ...] = ()) -> Analyzer:
    """The process-wide analyser; extra pack files make a separate one, also kept."""
    if not extra_packs:
        return _default_analyzer()
    return _analyzer_with(tuple(dict.fromkeys(Path(p).resolve() for p in extra_packs)))


@cache
def _analyzer_with(extra_packs: tuple[Path, ...]) -> Analyzer:
    return Analyzer(PackSet.load(extra=list(extra_packs)))


def analyse(text: str) -> list[Finding]:
    """Lint one text with the bundled packs."""
    return _default_analyzer().analyse(text)


def _overlap(hit: Hit, other: Hit) -> bool:
    return hit.start < other.end and other.start < hit.end


def _yields(block: Block, hit: Hit, taken: dict[tuple[int, str], list[Hit]]) -> bool:
    """Whether a finding gives way to an overlapping one of a category its rule yields to."""
    return any(
        _overlap(hit, other)
        for category in hit.rule.yields_to
        for other in taken.get((block.offset, category.value), [])
    )
