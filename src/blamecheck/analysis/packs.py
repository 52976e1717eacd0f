"""Pattern packs: the pydantic models of the YAML rule files, and loading them with clear errors.

A rule is data and carries its own tests (positive and negative examples), in the manner of
Harper's rule files and retext-equality's YAML. The engine never needs new code for a new rule.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from enum import StrEnum
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from blamecheck.analysis.roles import Role, RoleLexicon
from blamecheck.errors import PatternError
from blamecheck.findings import Category, Severity

RULE_ID = re.compile(r"^(victim-blaming|perpetrator-agency|child-impact)/[a-z0-9]+(-[a-z0-9]+)*$")
PLACEHOLDER = re.compile(r"\[[^\[\]]+\]")
SEED_FILE = r"^\d{3}_[0-9a-f]+\.txt$"
SOURCES_FILE = "sources.yaml"


class Principle(StrEnum):
    """The three Safe & Together principles (../shared/DOMAIN.md)."""

    SAFE_AND_TOGETHER = "safe-and-together"
    PARTNER = "partner"
    INTERVENE = "intervene"

    @property
    def statement(self) -> str:
        return _PRINCIPLE_TEXT[self]


_PRINCIPLE_TEXT = {
    Principle.SAFE_AND_TOGETHER: "Keep the child safe and together with the non-offending parent.",
    Principle.PARTNER: (
        "Partner with the non-offending parent as a default: document her protective efforts "
        "and understand her decisions in the context of his behaviour."
    ),
    Principle.INTERVENE: (
        "Intervene with the perpetrator: name him as the actor, describe his pattern of "
        "coercive control, and hold him accountable in the record."
    ),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceDocument(_Strict):
    """A seed document as a reader can look it up: a file name like 003_35b6....txt means
    nothing to someone who has never seen the seed folder."""

    title: str = Field(min_length=3)
    author: str = Field(min_length=2, description="the author, or the organisation behind it")
    year: int | None = Field(
        default=None, ge=1900, le=2100, description="left out where the document gives none"
    )

    def citation(self) -> str:
        """Title, author, year: what a reader searches a library or the web for."""
        return f"{self.title} — {self.author}, {self.year or 'undated'}"


class SourceList(_Strict):
    """patterns/sources.yaml: each seed file's title, author and year, kept as data."""

    sources: dict[Annotated[str, StringConstraints(pattern=SEED_FILE)], SourceDocument]


class Source(_Strict):
    """Where a rule or an alternative comes from: a seed document and a verbatim passage.

    ``title`` is how the document is named to readers. When patterns/sources.yaml lists the
    seed, loading sets it to that entry's title, author and year, whatever the pack says.
    """

    seed: str = Field(pattern=SEED_FILE)
    passage: str = Field(min_length=10)
    title: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _cited(cls, data: Any, info: ValidationInfo) -> Any:
        documents = (info.context or {}).get("sources") or {}
        if isinstance(data, dict) and data.get("seed") in documents:
            data = {**data, "title": documents[data["seed"]].citation()}
        return data

    @property
    def reference(self) -> str:
        """The citation with the seed file in brackets, or the bare file when not listed."""
        return f"{self.title} ({self.seed})" if self.title else self.seed


class Conditions(_Strict):
    """Checks on a match after it is found. Unset fields inherit from the rule's conditions."""

    subject: list[Role] | None = Field(
        default=None, description="the clause subject's role must be one of these"
    )
    subject_not: list[Role] | None = Field(
        default=None, description="the clause subject's role must not be one of these"
    )
    object: list[Role] | None = Field(
        default=None, description="the person acted on must have one of these roles"
    )
    negated: bool | None = Field(
        default=None, description="true: the clause must be negated; false: must not be"
    )
    in_quotes: bool | None = Field(
        default=None, description="true: also match inside quotation marks (quoted words)"
    )
    unless_explained: bool | None = Field(
        default=None,
        description="skip when the sentence gives his behaviour or her fear as the reason",
    )
    with_not: list[Role] | None = Field(
        default=None,
        description="skip when the match is 'with' or 'between' someone of these roles",
    )
    agent: bool | None = Field(
        default=None, description="false: skip a passive that says who did it ('by Mr Reid')"
    )
    unless_actor: bool | None = Field(
        default=None,
        description="skip when the sentence names who did it (subject of a violent verb, "
        "'by X', or 'his')",
    )
    unless_specific: bool | None = Field(
        default=None,
        description="true: skip a sentence that names his behaviour, a particular child and "
        "an effect, else say in {missing} which are absent; false: flag it anyway, but still "
        "fill the rewrite frame from what it names",
    )
    unless_attributed: bool | None = Field(
        default=None,
        description="skip his account or her own words reported as theirs ('he said she ...')",
    )
    person_subject: bool | None = Field(
        default=None,
        description="skip a clause whose subject is a thing, not a person or a name "
        "('domestic abuse places children at risk')",
    )
    unless_conceded: bool | None = Field(
        default=None,
        description="skip a match the sentence concedes and moves past ('Although Erin is "
        "too young to understand, she ...', '... too young to be aware, but he ...')",
    )
    unless_question: bool | None = Field(
        default=None, description="skip questions: a question asks for facts, it claims none"
    )
    unless_generic: bool | None = Field(
        default=None,
        description="skip generic claims about the world: a bare plural ('abusive "
        "relationships', 'households where violence occurs') rather than this family",
    )

    def merged_over(self, base: Conditions) -> Conditions:
        own = self.model_dump(exclude_unset=True, exclude_none=True)
        return base.model_copy(update=own)


class Alternative(_Strict):
    """A constructive alternative: a template over the match, or a verbatim line from a seed.

    Template fields: {subject} (the clause subject as written), {Subject} (capitalised),
    {perpetrator} (the person the document names as the father or partner, else a
    placeholder), {match} (the flagged words). Square brackets mark what only the writer knows.
    """

    text: str = Field(min_length=3)
    # rewrite and question replace the span; a prompt is a question for the writer to answer
    # before rewriting ("How might that have impacted on the child?"); guidance is not shown
    # a script is spoken: several sentences a worker can say (the "pivot to the perpetrator")
    kind: Literal["rewrite", "question", "script", "prompt", "guidance"] = "rewrite"
    requires_subject: bool = False
    description: str | None = None
    source: Source | None = None

    @property
    def needs_input(self) -> bool:
        return bool(PLACEHOLDER.search(self.text))


class _PatternBase(_Strict):
    conditions: Conditions = Conditions()
    extend_to_subject: bool | None = Field(
        default=None,
        description="flag the clause from its subject (default: the rule's setting)",
    )
    alternatives: list[Alternative] = []
    table_row: int | None = Field(
        default=None, ge=1, description="practice-table row whose constructive column applies"
    )


class TokenPattern(_PatternBase):
    """A spaCy Matcher pattern; ``anchor`` is the index of the token whose clause is checked."""

    kind: Literal["tokens"]
    pattern: list[dict[str, Any]] = Field(min_length=1)
    anchor: int | None = Field(default=None, ge=0)

    @field_validator("pattern")
    @classmethod
    def _valid_for_spacy(cls, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        from spacy.schemas import validate_token_pattern

        problems = validate_token_pattern(value)
        if problems:
            raise ValueError(problems[0].replace("[pattern -> ", "[token "))
        return value


class DependencyPattern(_PatternBase):
    """A spaCy DependencyMatcher pattern; its first node is the anchor."""

    kind: Literal["dependency"]
    pattern: list[dict[str, Any]] = Field(min_length=1)


class AnyOf(_Strict):
    """A co-occurrence part that any one of several token patterns satisfies."""

    any: list[list[dict[str, Any]]] = Field(min_length=1)


class CooccurPattern(_PatternBase):
    """Token patterns that must all occur in one sentence, in any order.

    For claims whose parts come in any order ("domestic abuse harms children", "children
    who live with domestic abuse are harmed"). ``anchor`` picks the part whose clause the
    conditions read; the finding covers the whole sentence, or only the parts found.
    """

    kind: Literal["cooccur"]
    all: list[list[dict[str, Any]] | AnyOf] = Field(min_length=2)
    anchor: int = Field(default=0, ge=0)

    @field_validator("all")
    @classmethod
    def _valid_for_spacy(cls, value: list[Any]) -> list[Any]:
        from spacy.schemas import validate_token_pattern

        for index, part in enumerate(value):
            options = part.any if isinstance(part, AnyOf) else [part]
            for option in options:
                if not option:
                    raise ValueError(f"part {index} is empty")
                problems = validate_token_pattern(option)
                if problems:
                    problem = problems[0].replace("[pattern -> ", "[token ")
                    raise ValueError(f"part {index}: {problem}")
        return value

    def options(self) -> list[list[list[dict[str, Any]]]]:
        """Each part as its list of alternative token patterns."""
        return [part.any if isinstance(part, AnyOf) else [part] for part in self.all]

    @model_validator(mode="after")
    def _anchor_in_range(self) -> CooccurPattern:
        if self.anchor >= len(self.all):
            raise ValueError(f"anchor {self.anchor} is past the last part ({len(self.all) - 1})")
        return self


class PhrasePattern(_PatternBase):
    """Exact phrases, compared case-insensitively token by token."""

    kind: Literal["phrases"]
    phrases: list[str] = Field(min_length=1)


class FuzzyPattern(_PatternBase):
    """Phrases matched with rapidfuzz, for paraphrases and misspellings of fixed questions.

    With ``table: true`` the phrases are the destructive column of the practice table and
    each row's constructive column is offered for its own row.
    """

    kind: Literal["fuzzy"]
    phrases: list[str] = []
    table: bool = False
    threshold: float = Field(default=88, ge=50, le=100)

    @model_validator(mode="after")
    def _has_phrases(self) -> FuzzyPattern:
        if not self.phrases and not self.table:
            raise ValueError("a fuzzy pattern needs phrases or table: true")
        return self


Pattern = Annotated[
    TokenPattern | DependencyPattern | CooccurPattern | PhrasePattern | FuzzyPattern,
    Field(discriminator="kind"),
]


class Examples(_Strict):
    """Sentences the rule must flag (positive) and must leave alone (negative)."""

    positive: list[str] = Field(min_length=1)
    negative: list[str] = Field(min_length=1)


class Rule(_Strict):
    id: str
    severity: Severity = Severity.WARNING
    summary: str = Field(min_length=10, description="one line for `blamecheck rules`")
    message: str = Field(min_length=10)
    explanation: str = Field(min_length=40)
    principle: Principle
    sources: list[Source] = Field(min_length=1)
    conditions: Conditions = Conditions()
    extend_to_subject: bool = Field(
        default=True,
        description="a finding starts at the clause subject ('Mother failed to protect')",
    )
    span: Literal["match", "clause", "sentence"] = Field(
        default="match",
        description="a finding covers the matched words; the clause they belong to, when its "
        "rewrite restructures the clause; or the whole sentence",
    )
    documents: Literal["any", "case-record"] = Field(
        default="any",
        description="case-record: the rule reads claims about one family, and is off in "
        "general prose (policy, research, legislation; see profiles.py)",
    )
    yields_to: list[Category] = Field(
        default=[],
        description="drop a finding of this rule that overlaps a finding of these categories: "
        "one finding per destructive phrase, where the other already asks for the same thing",
    )
    patterns: list[Pattern] = Field(min_length=1)
    alternatives: list[Alternative] = Field(min_length=1)
    examples: Examples

    _origin: Path | None = PrivateAttr(default=None)

    @field_validator("id")
    @classmethod
    def _id_form(cls, value: str) -> str:
        if not RULE_ID.match(value):
            raise ValueError(
                "must be CATEGORY/NAME in lower case with hyphens, CATEGORY one of "
                "victim-blaming, perpetrator-agency, child-impact"
            )
        return value

    @property
    def category(self) -> Category:
        return Category(self.id.split("/", 1)[0])

    @property
    def origin(self) -> Path | None:
        return self._origin


class Pack(_Strict):
    """One YAML file of rules, all of one category."""

    category: Category
    description: str
    rules: list[Rule] = Field(min_length=1)

    @model_validator(mode="after")
    def _rules_in_category(self) -> Pack:
        for rule in self.rules:
            if rule.category != self.category:
                raise ValueError(f"rule {rule.id} is not in this pack's category {self.category}")
        return self


class Lexicon(_Strict):
    description: str
    source: str
    words: list[str] = Field(min_length=1)


class LexiconFile(_Strict):
    lexicons: dict[str, Lexicon]


class VerbForms(_Strict):
    """Irregular past tenses for active rewrites of passives (patterns/verb-forms.yaml)."""

    past: dict[str, str] = {}
    participle: dict[str, str] = Field(
        default={}, description="-ing forms that double a consonant: control -> controlling"
    )


class TableRow(_Strict):
    destructive: list[str] = Field(min_length=1)
    constructive: list[str] = Field(min_length=1)


TABLE_DESCRIPTION = "Constructive Practice column of the practice table"


class PivotScript(_Strict):
    """The seeds' "pivot to the perpetrator" script, as three templates said in turn."""

    source: Source
    validate_concern: str = Field(min_length=10, description="1. validate the concern")
    redirect: str = Field(min_length=10, description="2. redirect it to his behaviour")
    return_to_mother: str = Field(min_length=10, description="3. return to the concern")


class PracticeTable(_Strict):
    """The Destructive / Constructive practice table, verbatim from its source."""

    title: str
    source: Source
    rows: list[TableRow] = Field(min_length=1)
    pivot_script: PivotScript | None = None

    def alternatives(self, row: int) -> tuple[Alternative, ...]:
        """The constructive column of one row (1-based), verbatim and attributed."""
        title = self.source.title or self.title  # the document's citation, when listed
        source = Source(seed=self.source.seed, passage=self.source.passage, title=title)
        return tuple(
            Alternative(
                text=line,
                kind="question" if line.rstrip().endswith("?") else "rewrite",
                description=TABLE_DESCRIPTION,
                source=source,
            )
            for line in self.rows[row - 1].constructive
        )


# -- loading ------------------------------------------------------------------------------


def default_patterns_dir() -> Path:
    """patterns/ in a source checkout, or the copy inside an installed wheel."""
    checkout = Path(__file__).resolve().parents[3] / "patterns"
    if checkout.is_dir():
        return checkout
    return Path(str(resources.files("blamecheck") / "_data" / "patterns"))


_M = TypeVar("_M", bound=BaseModel)


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PatternError(f"{path}: cannot read pattern file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise PatternError(f"{path}: pattern file is not valid UTF-8") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "unknown line"
        problem = getattr(exc, "problem", None) or "syntax error"
        raise PatternError(f"{path}: not valid YAML at {where}: {problem}") from None


def _describe_error(path: Path, raw: Any, exc: ValidationError) -> str:
    """file: rule ID: field path: what was expected (first error only, one line)."""
    err = exc.errors()[0]
    loc = list(err["loc"])
    where = ""
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        rule_id = None
        with contextlib.suppress(KeyError, IndexError, TypeError, AttributeError):
            rule_id = raw["rules"][loc[1]].get("id")
        where = f"rule {rule_id or '#' + str(loc[1] + 1)}: "
        loc = loc[2:]
    # drop the discriminator tag pydantic inserts into union locations ("tokens", "fuzzy")
    tags = {"tokens", "dependency", "cooccur", "phrases", "fuzzy"}
    field = ".".join(str(p) for p in loc if p not in tags)
    field = field or "(top level)"
    extra = f" (found {len(exc.errors())} problems)" if len(exc.errors()) > 1 else ""
    return f"{path}: {where}field {field}: {err['msg']}{extra}"


class PackSet:
    """Every pack, lexicon and table the engine runs, loaded and validated together."""

    def __init__(
        self,
        packs: list[Pack],
        lexicons: dict[str, Lexicon],
        table: PracticeTable | None,
        roles: RoleLexicon,
        verb_forms: VerbForms | None = None,
        sources: dict[str, SourceDocument] | None = None,
    ):
        self.packs = packs
        self.lexicons = lexicons
        self.table = table
        self.roles = roles
        self.verb_forms = verb_forms or VerbForms()
        self.sources = sources or {}

    def reference(self, seed: str) -> str:
        """A seed file name as readers can look it up: "Title — author, year (seed file)".
        Anything that is not a listed seed file is returned as it is."""
        document = self.sources.get(seed)
        return f"{document.citation()} ({seed})" if document is not None else seed

    @cached_property
    def rules(self) -> list[Rule]:
        return [rule for pack in self.packs for rule in pack.rules]

    @cached_property
    def by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.rules}

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    @classmethod
    def load(cls, directory: Path | None = None, extra: list[Path] | None = None) -> PackSet:
        """Load patterns/ plus any extra pack files or folders, failing on the first problem."""
        directory = directory or default_patterns_dir()
        if not directory.is_dir():
            raise PatternError(f"{directory}: pattern folder not found")
        roles = load_model(directory / "roles.yaml", RoleLexicon)
        sources_path = directory / SOURCES_FILE
        sources = load_model(sources_path, SourceList).sources if sources_path.exists() else {}
        cited = {"sources": sources}  # every Source of a seed listed there names its document
        lex_path = directory / "lexicons.yaml"
        lexicons = load_model(lex_path, LexiconFile).lexicons if lex_path.exists() else {}
        table_path = directory / "practice-table.yaml"
        table = load_model(table_path, PracticeTable, cited) if table_path.exists() else None
        forms_path = directory / "verb-forms.yaml"
        verb_forms = load_model(forms_path, VerbForms) if forms_path.exists() else None
        # one pack per category, named after it; other YAML files here are data the packs use
        pack_files = [directory / f"{c.value}.yaml" for c in Category]
        pack_files = [path for path in pack_files if path.exists()]
        for path in extra or []:
            if path.is_dir():
                pack_files.extend(sorted(path.glob("*.yaml")))
            elif path.exists():
                pack_files.append(path)
            else:
                raise PatternError(f"{path}: pattern pack not found")
        packs = [_load_pack(path, cited) for path in pack_files]
        seen: dict[str, Path] = {}
        for pack in packs:
            for rule in pack.rules:
                if rule.id in seen:
                    raise PatternError(
                        f"{rule.origin}: rule {rule.id}: field id: "
                        f"already defined in {seen[rule.id]}"
                    )
                seen[rule.id] = rule.origin or Path("?")
                for i, pattern in enumerate(rule.patterns):
                    _check_references(rule, i, pattern, lexicons, table)
        return cls(packs, lexicons, table, roles, verb_forms, sources)


def load_model(path: Path, model: type[_M], context: dict[str, Any] | None = None) -> _M:
    """Read and validate one YAML file; any problem becomes one PatternError line."""
    raw = _read_yaml(path)
    try:
        return model.model_validate(raw, context=context)
    except ValidationError as exc:
        raise PatternError(_describe_error(path, raw, exc)) from None


def _load_pack(path: Path, context: dict[str, Any] | None = None) -> Pack:
    pack = load_model(path, Pack, context)
    for rule in pack.rules:
        rule._origin = path
    return pack


def _check_references(
    rule: Rule,
    index: int,
    pattern: Any,
    lexicons: dict[str, Lexicon],
    table: PracticeTable | None,
) -> None:
    where = f"{rule.origin}: rule {rule.id}: field patterns.{index}"
    if pattern.table_row is not None or getattr(pattern, "table", False):
        if table is None:
            raise PatternError(f"{where}: refers to the practice table, which is not loaded")
        if pattern.table_row is not None and pattern.table_row > len(table.rows):
            raise PatternError(f"{where}.table_row: the table has only {len(table.rows)} rows")
    if isinstance(pattern, TokenPattern | DependencyPattern | CooccurPattern):
        is_cooccur = isinstance(pattern, CooccurPattern)
        spec = pattern.options() if is_cooccur else pattern.pattern
        for name in _lexicon_refs(spec):
            if name not in lexicons:
                field = "all" if is_cooccur else "pattern"
                raise PatternError(f"{where}.{field}: unknown lexicon @{name}")


def _lexicon_refs(value: Any) -> Iterator[str]:
    if isinstance(value, str) and value.startswith("@"):
        yield value[1:]
    elif isinstance(value, dict):
        for item in value.values():
            yield from _lexicon_refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _lexicon_refs(item)


def expand_lexicons(value: Any, lexicons: dict[str, Lexicon]) -> Any:
    """Replace "@name" inside IN / NOT_IN lists with the lexicon's words."""
    if isinstance(value, dict):
        return {k: expand_lexicons(v, lexicons) for k, v in value.items()}
    if isinstance(value, list):
        out: list[Any] = []
        for item in value:
            if isinstance(item, str) and item.startswith("@"):
                out.extend(lexicons[item[1:]].words)
            else:
                out.append(expand_lexicons(item, lexicons))
        return out
    if isinstance(value, str) and value.startswith("@"):
        return list(lexicons[value[1:]].words)
    return value
