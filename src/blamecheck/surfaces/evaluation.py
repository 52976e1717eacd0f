"""Precision and recall of the rules on the labelled corpus, per rule, category and register.

A corpus example lists the findings it should produce as labels: a rule id, a category, or
alternatives joined with "|" when either rule is right. An example with no labels is clean.
Each label is matched to at most one finding and each finding to at most one label.

Examples modelled on public documents carry the register they imitate (judgment, police, ...)
and the address of the document; those written for the rules have the register "in-house".
The register table is what tells memory from generalisation.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from blamecheck.analysis import facts
from blamecheck.analysis.profiles import Profile
from blamecheck.api import Analyzer
from blamecheck.errors import InputError
from blamecheck.findings import Category, Finding
from blamecheck.rewriting.rewrite_quality import harper_linter, judge

SPLITS = ("dev", "test")
IN_HOUSE = "in-house"
# registers whose documents are records about one family: their sentences are checked as a
# case record would be; the rest (inspections, guidance, news, policy and research) as the
# document itself says (profiles.py: general prose when it names no family and reads like
# research or law); an inspection report is about a service, not the record of one family
CASE_RECORD_REGISTERS = frozenset({IN_HOUSE, "case-record", "judgment", "case-review", "police"})


def profile_of(register: str) -> Profile:
    return Profile.CASE_RECORD if register in CASE_RECORD_REGISTERS else Profile.AUTO


class Example(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    expected: list[str] = []
    near_miss: list[str] = Field(
        default=[], description="rules a clean example looks like but must not trigger"
    )
    notes: str = ""
    # "register" is a BaseModel method, so the field takes another name and keeps the key
    register_name: str = Field(default=IN_HOUSE, alias="register", pattern=r"^[a-z][a-z-]*$")
    source: str = Field(default="", description="address of the public document it models")
    clean_kind: str = Field(default="", description="what kind of clean sentence it is")


@dataclass(frozen=True)
class LoadedExample:
    example: Example
    split: str
    file: str


# corpus/ beside src/ in a source checkout; the labelled corpus is not in the wheel (it is most
# of its size and only `eval` reads it), so an installed blamecheck has no default
CHECKOUT_CORPUS = Path(__file__).resolve().parents[3] / "corpus"
NO_CORPUS = (
    "the labelled corpus is not installed with blamecheck: run `blamecheck eval` in a source "
    "checkout (pip install -e .), or give the checkout's corpus folder: "
    "blamecheck eval path/to/blamecheck/corpus"
)


def default_corpus_dir() -> Path:
    """The checkout's corpus/, or one clear line saying how to get one."""
    if CHECKOUT_CORPUS.is_dir():
        return CHECKOUT_CORPUS
    raise InputError(NO_CORPUS)


def load_corpus(
    directory: Path,
    splits: Iterable[str],
    known_rules: set[str],
    registers: set[str] | None = None,
) -> list[LoadedExample]:
    """Every example of the chosen splits (and registers, if given), each label checked
    against the known rules."""
    if not directory.is_dir():
        raise InputError(f"{directory}: corpus folder not found")
    known = known_rules | {c.value for c in Category}
    loaded: list[LoadedExample] = []
    for split in splits:
        for path in sorted((directory / split).glob("*.jsonl")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if not line.strip():
                    continue
                where = f"{path}:{number}"
                try:
                    example = Example.model_validate(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise InputError(f"{where}: not valid JSON ({exc.msg})") from None
                except ValidationError as exc:
                    err = exc.errors()[0]
                    field_name = ".".join(str(p) for p in err["loc"]) or "(line)"
                    raise InputError(f"{where}: field {field_name}: {err['msg']}") from None
                for label in [*example.expected, *example.near_miss]:
                    for option in label.split("|"):
                        if option not in known:
                            raise InputError(f"{where}: unknown rule or category '{option}'")
                if registers is None or example.register_name in registers:
                    loaded.append(LoadedExample(example, split, str(path)))
    if not loaded:
        chosen = f" and register {', '.join(sorted(registers))}" if registers else ""
        raise InputError(f"{directory}: no examples found for split {', '.join(splits)}{chosen}")
    return loaded


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None
        return 2 * p * r / (p + r)

    def as_dict(self) -> dict[str, float | int | None]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


@dataclass
class Error:
    kind: str  # "missed" or "false-positive"
    example: LoadedExample
    label: str
    flagged: str | None = None


@dataclass
class RewriteCounts:
    """How well the rewrite engine serves a category's findings (quoted findings aside)."""

    findings: int = 0
    quoted: int = 0  # kept as evidence: never rewritten, so not counted below
    with_alternative: int = 0
    top_complete: int = 0
    top_keeps_facts: int = 0
    # the top rewrites of written sentences (words to say aloud are judged as speech, not here)
    rewrites: int = 0
    grammatical: int = 0  # no new error by Harper or the parser
    harper_checked: bool = False
    content_kept: int = 0  # every content word outside the finding, in its role
    recheck_clean: int = 0  # `check` flags nothing on the rewritten words
    invented: int = 0  # names of people the sentence did not name (must be 0)

    def _share(self, part: int) -> float | None:
        whole = self.findings - self.quoted
        return part / whole if whole else None

    def _of_rewrites(self, part: int) -> float | None:
        return part / self.rewrites if self.rewrites else None

    def as_dict(self) -> dict[str, float | int | None]:
        return {
            "findings": self.findings,
            "quoted": self.quoted,
            "with_alternative": self._share(self.with_alternative),
            "top_complete": self._share(self.top_complete),
            "top_keeps_facts": self._share(self.top_keeps_facts),
            "top_rewrites": self.rewrites,
            "grammatical": self._of_rewrites(self.grammatical) if self.harper_checked else None,
            "content_kept": self._of_rewrites(self.content_kept),
            "recheck_clean": self._of_rewrites(self.recheck_clean),
            "invented_actors": self.invented,
        }


@dataclass
class RegisterCounts:
    """One register's figures at category level, and how its clean sentences fare."""

    examples: int = 0
    words: int = 0
    findings: int = 0
    clean: int = 0
    clean_flagged: int = 0
    categories: dict[str, Counts] = field(default_factory=dict)

    @property
    def overall(self) -> Counts:
        total = Counts()
        for counts in self.categories.values():
            total.tp += counts.tp
            total.fp += counts.fp
            total.fn += counts.fn
        return total

    @property
    def clean_flagged_share(self) -> float | None:
        return self.clean_flagged / self.clean if self.clean else None

    @property
    def per_thousand_words(self) -> float | None:
        return 1000 * self.findings / self.words if self.words else None

    def as_dict(self) -> dict[str, object]:
        return {
            "examples": self.examples,
            "words": self.words,
            "findings": self.findings,
            "clean": self.clean,
            "clean_flagged": self.clean_flagged,
            "clean_flagged_share": self.clean_flagged_share,
            "findings_per_1000_words": self.per_thousand_words,
            "overall": self.overall.as_dict(),
            "categories": {k: v.as_dict() for k, v in sorted(self.categories.items())},
        }


@dataclass
class Report:
    splits: list[str]
    examples: int
    rules: dict[str, Counts] = field(default_factory=dict)
    categories: dict[str, Counts] = field(default_factory=dict)
    rewrites: dict[str, RewriteCounts] = field(default_factory=dict)
    registers: dict[str, RegisterCounts] = field(default_factory=dict)
    errors: list[Error] = field(default_factory=list)
    rewrite_errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "splits": self.splits,
            "examples": self.examples,
            "rules": {k: v.as_dict() for k, v in sorted(self.rules.items())},
            "categories": {k: v.as_dict() for k, v in sorted(self.categories.items())},
            "rewrites": {k: v.as_dict() for k, v in sorted(self.rewrites.items())},
            "registers": {k: v.as_dict() for k, v in sorted(self.registers.items())},
        }


def _category_of(label: str) -> str:
    return label.split("/", 1)[0]


def _assign(
    labels: list[list[str]], findings: list[Finding], exact: bool
) -> tuple[list[int | None], set[int]]:
    """Match labels to findings one to one; ``exact`` compares rule ids, else categories."""
    used: set[int] = set()
    assignment: list[int | None] = []
    for options in labels:
        chosen = None
        for option in options:
            for i, finding in enumerate(findings):
                if i in used:
                    continue
                if "/" in option and exact:
                    hit = finding.rule == option
                else:
                    hit = finding.category.value == _category_of(option)
                if hit:
                    chosen = i
                    break
            if chosen is not None:
                break
        if chosen is not None:
            used.add(chosen)
        assignment.append(chosen)
    return assignment, used


def evaluate(analyzer: Analyzer, examples: list[LoadedExample], splits: list[str]) -> Report:
    report = Report(splits=splits, examples=len(examples))
    for rule in analyzer.packs.rules:
        report.rules[rule.id] = Counts()
        report.categories.setdefault(rule.category.value, Counts())
    all_findings = analyzer.analyse_stream(
        (e.example.text, None, profile_of(e.example.register_name)) for e in examples
    )
    rewritten: list[tuple[str, int, int, RewriteCounts]] = []
    for loaded, findings in zip(examples, all_findings, strict=True):
        rewritten += _count_rewrites(analyzer, report, loaded.example.text, findings)
        labels = [label.split("|") for label in loaded.example.expected]
        # rule level
        assignment, used = _assign(labels, findings, exact=True)
        for options, chosen in zip(labels, assignment, strict=True):
            if chosen is not None:
                report.rules.setdefault(findings[chosen].rule, Counts()).tp += 1
            elif "/" in options[0]:
                report.rules.setdefault(options[0], Counts()).fn += 1
        for i, finding in enumerate(findings):
            if i not in used:
                report.rules.setdefault(finding.rule, Counts()).fp += 1
        # category level, overall and for the example's register
        register = report.registers.setdefault(loaded.example.register_name, RegisterCounts())
        register.examples += 1
        register.words += len(loaded.example.text.split())
        register.findings += len(findings)
        if not labels:
            register.clean += 1
            register.clean_flagged += bool(findings)
        assignment, used = _assign(labels, findings, exact=False)
        for options, chosen in zip(labels, assignment, strict=True):
            category = _category_of(options[0])
            tables = (report.categories, register.categories)
            if chosen is not None:
                for table in tables:
                    table.setdefault(category, Counts()).tp += 1
            else:
                for table in tables:
                    table.setdefault(category, Counts()).fn += 1
                report.errors.append(Error("missed", loaded, "|".join(options)))
        for i, finding in enumerate(findings):
            if i not in used:
                for table in (report.categories, register.categories):
                    table.setdefault(finding.category.value, Counts()).fp += 1
                report.errors.append(Error("false-positive", loaded, finding.rule, finding.text))
    _recheck(analyzer, rewritten, report.rewrite_errors)
    return report


def _recheck(
    analyzer: Analyzer,
    rewritten: list[tuple[str, int, int, RewriteCounts]],
    errors: list[str],
) -> None:
    """Each top rewrite in place, placeholders as written (as `fix --placeholders` leaves
    them), checked again: nothing may be flagged on the rewritten words."""
    again = analyzer.analyse_stream((text, None, Profile.CASE_RECORD) for text, *_ in rewritten)
    for (text, start, end, counts), findings in zip(rewritten, again, strict=True):
        still = [f for f in findings if f.start < end and start < f.end]
        counts.recheck_clean += not still
        for finding in still:
            errors.append(
                f"still flagged {finding.rule} on {finding.text!r}: {' '.join(text.split())}"
            )


def _count_rewrites(
    analyzer: Analyzer, report: Report, text: str, findings: list[Finding]
) -> list[tuple[str, int, int, RewriteCounts]]:
    """Alternatives offered, and how good the top one is (rewrite_quality.py); returns each
    written sentence's top rewrite in place, for checking again.

    The facts are read afresh from the flagged words, not taken from the engine's own flag.
    """
    out: list[tuple[str, int, int, RewriteCounts]] = []
    for finding in findings:
        counts = report.rewrites.setdefault(finding.category.value, RewriteCounts())
        counts.findings += 1
        if finding.quoted:
            counts.quoted += 1
            continue
        if not finding.suggestions:
            continue
        counts.with_alternative += 1
        top = finding.suggestions[0]
        counts.top_complete += top.status == "complete"
        doc = analyzer.nlp(finding.text)
        lost = facts.missing(facts.facts_in(doc[:]), top.replacement)
        counts.top_keeps_facts += not lost
        if top.kind not in {"rewrite", "statement"}:
            continue  # a question or script to say aloud replaces a question
        judged = judge(analyzer.checker, text, finding, tuple(f.text for f in lost))
        counts.rewrites += 1
        counts.harper_checked = harper_linter() is not None
        counts.grammatical += judged.grammatical
        counts.content_kept += judged.verdict.keeps_content and not judged.facts_lost
        counts.invented += len(judged.names_invented)
        new = text[: finding.start] + top.replacement + text[finding.end :]
        out.append((new, finding.start, finding.start + len(top.replacement), counts))
        if judged.verdict.sound and judged.grammatical:
            continue
        report.rewrite_errors.append(
            f"{finding.rule}: {' '.join(text.split())} -> {top.replacement} "
            f"(lost {list(judged.verdict.lost) + list(judged.facts_lost)}, "
            f"moved {list(judged.verdict.moved)}, fragments {judged.verdict.fragments}, "
            f"harper {list(judged.harper_new)}, invented {list(judged.names_invented)})"
        )
    return out


def _fmt(value: float | None) -> str:
    return "   -" if value is None else f"{value:.2f}"


_SHORT = {"victim-blaming": "VB", "perpetrator-agency": "PA", "child-impact": "CI"}


def _pair(counts: Counts | None) -> str:
    if counts is None:
        return "   -/-   "
    return f"{_fmt(counts.precision)}/{_fmt(counts.recall)}"


def _register_table(report: Report) -> list[str]:
    """Per register: precision/recall overall and per category (category level), the share of
    clean sentences with any finding, and findings per 1,000 words."""
    if not report.registers:
        return []
    width = max(len("register"), *(len(k) for k in report.registers))
    categories = [c.value for c in Category]
    heads = "  ".join(f"{_SHORT.get(c, c) + ' p/r':>9}" for c in categories)
    lines = [
        "per register (category level; p/r = precision/recall):",
        f"{'register':<{width}}  {'examples':>8}  {'all p/r':>9}  {heads}  "
        f"{'clean':>5} {'flagged':>7}  {'per 1k words':>12}",
    ]
    for name, reg in sorted(report.registers.items()):
        cells = "  ".join(f"{_pair(reg.categories.get(c)):>9}" for c in categories)
        share = reg.clean_flagged_share
        flagged = "     -" if share is None else f"{100 * share:5.1f}%"
        per_k = reg.per_thousand_words
        lines.append(
            f"{name:<{width}}  {reg.examples:>8}  {_pair(reg.overall):>9}  {cells}  "
            f"{reg.clean:>5} {flagged:>7}  {'-' if per_k is None else f'{per_k:.1f}':>12}"
        )
    lines.append("")
    return lines


def render_text(report: Report, show_errors: bool) -> str:
    lines = [
        f"Evaluated {report.examples} examples (split: {', '.join(report.splits)})",
        "",
    ]
    width = max((len(k) for k in report.rules), default=10)
    header = (
        f"{'rule':<{width}}  {'tp':>4} {'fp':>4} {'fn':>4}  {'prec':>5} {'recall':>6} {'f1':>5}"
    )
    for title, table in (("per rule", report.rules), ("per category", report.categories)):
        lines.append(f"{title}:")
        lines.append(header.replace("rule", "name" if table is report.categories else "rule", 1))
        for name, counts in sorted(table.items()):
            lines.append(
                f"{name:<{width}}  {counts.tp:>4} {counts.fp:>4} {counts.fn:>4}  "
                f"{_fmt(counts.precision):>5} {_fmt(counts.recall):>6} {_fmt(counts.f1):>5}"
            )
        lines.append("")
    lines += _register_table(report)
    lines.append("rewrites (findings inside quotation marks are kept as evidence, not rewritten):")
    lines.append(
        f"{'name':<{width}}  {'found':>5} {'quoted':>6}  {'has alt':>7} {'complete':>8} "
        f"{'keeps facts':>11}"
    )
    for name, rw in sorted(report.rewrites.items()):
        shares = rw.as_dict()
        lines.append(
            f"{name:<{width}}  {rw.findings:>5} {rw.quoted:>6}  "
            f"{_fmt(shares['with_alternative']):>7} {_fmt(shares['top_complete']):>8} "
            f"{_fmt(shares['top_keeps_facts']):>11}"
        )
    lines.append("")
    lines.append(
        "top rewrites of written sentences (grammatical: no new error by Harper or the parser, "
        "placeholders read neutrally; content kept: every content word outside the finding, "
        "in its role; invented: people named that the sentence does not name):"
    )
    lines.append(
        f"{'name':<{width}}  {'top rewrites':>12} {'grammatical':>11} {'content kept':>12} "
        f"{'re-check clean':>14} {'invented':>8}"
    )
    for name, rw in sorted(report.rewrites.items()):
        shares = rw.as_dict()
        lines.append(
            f"{name:<{width}}  {rw.rewrites:>12} {_fmt(shares['grammatical']):>11} "
            f"{_fmt(shares['content_kept']):>12} {_fmt(shares['recheck_clean']):>14} "
            f"{rw.invented:>8}"
        )
    if any(rw.rewrites and not rw.harper_checked for rw in report.rewrites.values()):
        lines.append("(grammar needs Harper: pip install 'blamecheck[dev]' or harper-py)")
    lines.append("")
    if show_errors:
        if not report.errors:
            lines.append("No errors.")
        for problem in report.rewrite_errors:
            lines.append(f"REWRITE {problem}")
        for error in report.errors:
            text = " ".join(error.example.example.text.split())
            if error.kind == "missed":
                lines.append(f"MISSED {error.example.example.id} [{error.label}]: {text}")
            else:
                lines.append(
                    f"FALSE+ {error.example.example.id} [{error.label}] "
                    f'flagged "{error.flagged}": {text}'
                )
    return "\n".join(lines).rstrip() + "\n"
