"""One document through the whole check: read it by its kind, give the analyser the prose a
reader sees, map the findings back, then apply what the team and the writer have silenced.

`check`, `review`, `fix` and the language server all go through here, so a finding silenced
in one is silenced in all.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from blamecheck.analysis.profiles import Profile
from blamecheck.filters import inline_ignores
from blamecheck.filters.baseline import Baseline
from blamecheck.filters.config import Config
from blamecheck.findings import SHARED_NAME_NOTICE, Finding, Findings, Severity, redacted
from blamecheck.positions import LineIndex
from blamecheck.readers.document import Document, Kind
from blamecheck.rewriting import placeholders
from blamecheck.surfaces.formats import FileReport

if TYPE_CHECKING:
    from blamecheck.analysis.roles import Role
    from blamecheck.api import Analyzer
    from blamecheck.readers.markdown_text import Prose


def analyse(
    analyzer: Analyzer, items: Iterable[tuple[Document, Config]]
) -> Iterator[tuple[Document, list[Finding]]]:
    """Findings for each document, in order, offsets into ``document.text``.

    Markdown is analysed as the prose it renders (no code, front matter or link targets), and
    any text without its invisible characters (soft hyphens, zero-width spaces), then mapped
    back to the file. All documents stream through one nlp.pipe.
    """
    order: deque[tuple[Document, Prose | None]] = deque()

    def prose() -> Iterator[tuple[str, dict[str, Role] | None, Profile]]:
        for document, config in items:
            view = document.prose()
            order.append((document, view))
            text = view.text if view is not None else document.text
            yield text, config.known_names(), config.profile

    for findings in analyzer.analyse_stream(prose()):
        document, view = order.popleft()  # memory stays flat over a long batch
        if view is not None:
            untold = getattr(findings, "untold_apart", False)
            findings = Findings(view.relocate(findings, document.text), untold_apart=untold)
        yield document, findings


RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}
PLACEHOLDER_SEVERITY = Severity.WARNING  # an unfilled gap is reported as a warning


@dataclass
class Filters:
    """Everything that decides which findings are reported for one file."""

    config: Config = field(default_factory=Config)
    ignore: frozenset[str] = frozenset()
    baseline: Baseline | None = None
    redact: bool = False
    min_severity: Severity = Severity.INFO  # --min-severity: lower ones are not reported

    def severe_enough(self, severity: Severity) -> bool:
        return RANK[severity] >= RANK[self.min_severity]


@dataclass
class Outcome:
    """One file's report and what was left out of it, and why."""

    report: FileReport
    ignored: int = 0
    baselined: int = 0
    recorded: list[Finding] = field(default_factory=list)  # for --write-baseline
    notices: list[str] = field(default_factory=list)  # about the file, never its words


def visible(document: Document, findings: list[Finding], filters: Filters) -> list[Finding]:
    """The findings that inline comments, the configuration, --ignore and --min-severity
    leave in (the severity as the configuration sets it)."""
    if document.takes_inline_comments:
        findings = inline_ignores.split(document.text, findings)[0]
    adjusted = (
        filters.config.adjust(f)
        for f in findings
        if filters.config.reports(f)
        and f.rule not in filters.ignore
        and f.category.value not in filters.ignore
    )
    return [f for f in adjusted if filters.severe_enough(f.severity)]


def finish(
    analyzer: Analyzer, document: Document, findings: list[Finding], filters: Filters
) -> Outcome:
    """Apply the filters and build the report (Word findings located by paragraph)."""
    kept = visible(document, findings, filters)
    ignored = len(findings) - len(kept)
    recorded = list(kept)
    baselined = 0
    if filters.baseline is not None:
        kept, known = filters.baseline.split(document.path, document.text, kept)
        baselined = len(known)
    gaps = placeholders.find(document.text, analyzer.packs)
    if not filters.severe_enough(PLACEHOLDER_SEVERITY):
        gaps = []
    kept = document.locate(kept)
    if filters.redact:
        kept = [redacted(f) for f in kept]
    report = FileReport(document.path, document.text, kept, gaps)
    notices = document.notices()
    if getattr(findings, "untold_apart", False):
        notices.append(f"{document.path}: {SHARED_NAME_NOTICE}")
    if document.takes_inline_comments:
        known = set(analyzer.packs.by_id) | {r.category.value for r in analyzer.packs.rules}
        lines = LineIndex(document.text)
        for offset, name in inline_ignores.unknown_names(document.text, known):
            line, column = lines.position(offset)
            notices.append(
                f"{document.path}:{line}:{column}: blamecheck comment names no rule or "
                f"category '{name}'; it silences nothing (see `blamecheck rules`)"
            )
    return Outcome(report, ignored, baselined, recorded, notices)


def reporter(analyzer: Analyzer, kind: Kind, filters: Filters) -> Callable[[str], list[Finding]]:
    """What `check` reports for a text of this kind, for `fix` to rewrite and re-check."""

    def reported(text: str) -> list[Finding]:
        document = Document("", text, kind)
        ((_, findings),) = analyse(analyzer, [(document, filters.config)])
        return visible(document, findings, filters)

    return reported
