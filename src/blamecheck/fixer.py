"""Apply the top alternatives to a text, then check the result: the engine behind `fix`.

Fixing runs in passes, as linters with autofix do: apply every non-overlapping chosen
rewrite, analyse again, and fix what the first pass could not reach (two findings on one
clause). A rewritten span is not rewritten again unless a wider finding replaces it whole (a
child-impact sentence around an actorless event), and the passes are bounded; the final
check then says whether any finding is left on a rewritten span, which would be a bug.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field

from . import inline_ignores
from .api import Analyzer
from .findings import Finding, Suggestion
from .placeholders import Placeholder, find

MAX_PASSES = 4


@dataclass(frozen=True)
class Edit:
    """One replacement, in the offsets of the text it applies to."""

    start: int
    end: int
    replacement: str
    rule: str


@dataclass
class FixResult:
    original: str
    text: str
    applied: list[Edit] = field(default_factory=list)  # offsets in the final text
    remaining: list[Finding] = field(default_factory=list)
    placeholders: list[Placeholder] = field(default_factory=list)
    skipped_quoted: int = 0
    skipped_needs_input: int = 0
    skipped_losing: int = 0

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def on_rewritten_spans(self) -> list[Finding]:
        """Findings left inside rewritten text: the rewrite engine promised there would be none."""
        return [
            f
            for f in self.remaining
            if any(f.start < e.start + len(e.replacement) and e.start < f.end for e in self.applied)
        ]


def choose(finding: Finding, placeholders: bool) -> Suggestion | None:
    """The top-ranked alternative that may be applied: one that keeps every fact, and is
    complete (or, with --placeholders, has placeholders for the writer to fill)."""
    if finding.quoted:
        return None
    for suggestion in finding.suggestions:
        if not suggestion.keeps_facts:
            continue  # never apply a rewrite that would lose a name, date or number
        if suggestion.status == "complete" or placeholders:
            return suggestion
    return None


def apply_edits(text: str, edits: list[Edit]) -> tuple[str, list[Edit]]:
    """The text with non-overlapping edits applied, and each edit at its new offset."""
    out: list[str] = []
    moved: list[Edit] = []
    pos = 0
    shift = 0
    for edit in sorted(edits, key=lambda e: e.start):
        out.append(text[pos : edit.start])
        out.append(edit.replacement)
        moved.append(
            Edit(
                edit.start + shift,
                edit.start + shift + len(edit.replacement),
                edit.replacement,
                edit.rule,
            )
        )
        shift += len(edit.replacement) - (edit.end - edit.start)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out), moved


def _shift(done: list[Edit], edits: list[Edit]) -> list[Edit]:
    """Earlier rewritten spans, moved by the edits of a later pass (which never overlap them)."""
    out = []
    for span in done:
        delta = sum(len(e.replacement) - (e.end - e.start) for e in edits if e.end <= span.start)
        out.append(Edit(span.start + delta, span.end + delta, span.replacement, span.rule))
    return out


def _reported(analyzer: Analyzer, text: str) -> list[Finding]:
    """What `check` reports: inline blamecheck-disable comments are respected."""
    return inline_ignores.split(text, analyzer.analyse(text))[0]


Reported = Callable[[str], list[Finding]]


def fix_text(
    analyzer: Analyzer,
    text: str,
    placeholders: bool = False,
    reported: Reported | None = None,
) -> FixResult:
    """Rewrite every finding that has an applicable alternative; check the result.

    ``reported`` gives the findings `check` would report for a text (its kind, the team's
    configuration, inline comments); by default the plain analysis with inline comments.
    """
    reported = reported or (lambda t: _reported(analyzer, t))
    result = FixResult(original=text, text=text)
    done: list[Edit] = []  # rewritten spans, in the current text's offsets
    findings = reported(text)
    for _ in range(MAX_PASSES):
        edits: list[Edit] = []
        for finding in findings:
            if any(
                finding.start < d.end
                and d.start < finding.end
                and not (
                    finding.start <= d.start
                    and d.end <= finding.end
                    and finding.end - finding.start > d.end - d.start
                )
                for d in done
            ):
                continue  # never rewrite a rewrite, unless a wider finding replaces it whole
            if any(finding.start < e.end and e.start < finding.end for e in edits):
                continue  # overlaps an edit of this pass: the next pass looks again
            suggestion = choose(finding, placeholders)
            if suggestion is None:
                continue
            edits.append(Edit(finding.start, finding.end, suggestion.replacement, finding.rule))
        if not edits:
            break
        new_text, moved = apply_edits(text, edits)
        kept = [d for d in done if not any(e.start <= d.start and d.end <= e.end for e in edits)]
        done = _shift(kept, edits) + moved
        text = new_text
        findings = reported(text)
    result.text = text
    result.applied = sorted(done, key=lambda e: e.start)
    result.remaining = findings
    result.skipped_quoted = sum(1 for f in findings if f.quoted)
    unapplied = [
        f for f in findings if not f.quoted and f.suggestions and choose(f, placeholders) is None
    ]
    # every alternative would lose something of the flagged words (a fact, a link target)
    result.skipped_losing = sum(
        1 for f in unapplied if not any(s.keeps_facts for s in f.suggestions)
    )
    result.skipped_needs_input = len(unapplied) - result.skipped_losing
    result.placeholders = find(text, analyzer.packs)
    return result


def unified_diff(path: str, before: str, after: str) -> str:
    """A unified diff as `git diff` and `patch` read it, with the text's own line endings."""
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=f"a/{path}" if path != "-" else "a/stdin",
        tofile=f"b/{path}" if path != "-" else "b/stdin",
    )
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)
