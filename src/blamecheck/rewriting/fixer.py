"""Apply the top alternatives to a text, then check the result: the engine behind `fix`.

Fixing runs in passes, as linters with autofix do: apply every non-overlapping chosen
rewrite, analyse again, and fix what the first pass could not reach (two findings on one
clause). Three promises hold, and the fuzzer (bench/fuzz_fix.py) and the property tests check
them on generated documents:

- only flagged words change: an edit replaces exactly the words of one finding;
- nothing is left flagged on a rewrite: a rewrite that `check` still flags (and that no wider
  finding is about to replace whole) is taken back, the writer's words restored, and not
  tried again in this run;
- fixing the result again changes nothing: the passes go on until a pass has nothing to
  apply, so the result is a fixed point of the same procedure.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from blamecheck.api import Analyzer
from blamecheck.filters import inline_ignores
from blamecheck.findings import Finding, Suggestion
from blamecheck.rewriting.placeholders import Placeholder, find

MAX_PASSES = 8  # passes in one round
MAX_ROUNDS = 3  # rounds, each on the last one's output, until one changes nothing
_LF_LINES = re.compile(r"[^\n]*\n|[^\n]+")


@dataclass(frozen=True)
class Edit:
    """One replacement, in the offsets of the text it applies to; ``original`` is the
    writer's words it replaced (to take it back)."""

    start: int
    end: int
    replacement: str
    rule: str
    original: str = ""


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
    taken_back: int = 0  # rewrites taken back in all (one may be tried again and kept)
    skipped_taken_back: int = 0  # findings left because their rewrite was still flagged

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def on_rewritten_spans(self) -> list[Finding]:
        """Findings left inside rewritten text: the fixer takes such rewrites back, so this is
        empty unless something is wrong."""
        return [f for f in self.remaining if any(_overlap(f, e) for e in self.applied)]


def choose(finding: Finding, placeholders: bool) -> Suggestion | None:
    """The top-ranked alternative that may be applied: one that keeps every fact, names no one
    the writer did not (never a choice), and is complete (or, with --placeholders, has
    placeholders for the writer to fill)."""
    if finding.quoted:
        return None
    for suggestion in finding.suggestions:
        if suggestion.kind == "choice":
            continue  # a person only the writer can name: never filled in on blamecheck's say
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
        start = edit.start + shift
        original = edit.original or text[edit.start : edit.end]
        moved.append(
            Edit(start, start + len(edit.replacement), edit.replacement, edit.rule, original)
        )
        shift += len(edit.replacement) - (edit.end - edit.start)
        pos = edit.end
    out.append(text[pos:])
    return "".join(out), moved


def _overlap(finding: Finding, edit: Edit) -> bool:
    return finding.start < edit.end and edit.start < finding.end


def _wider(finding: Finding, edit: Edit) -> bool:
    """The finding holds the whole rewrite and more (a child-impact sentence around a
    rewritten actorless clause): replacing it whole is allowed."""
    return (
        finding.start <= edit.start
        and edit.end <= finding.end
        and finding.end - finding.start > edit.end - edit.start
    )


def _reported(analyzer: Analyzer, text: str) -> list[Finding]:
    """What `check` reports: inline blamecheck-disable comments are respected."""
    return inline_ignores.split(text, analyzer.analyse(text))[0]


Reported = Callable[[str], list[Finding]]


def _moved(
    regions: list[tuple[int, int]], changes: list[tuple[int, int, int]]
) -> list[tuple[int, int]]:
    """Regions of a text after replacing (start, end) spans by ``length`` characters each:
    a region around or inside a change grows or shrinks with it."""

    def place(pos: int, is_end: bool) -> int:
        delta = 0
        for start, end, length in changes:  # in order, none overlapping
            if end <= pos:
                delta += length - (end - start)
            elif start < pos:  # inside the change: to its new start, or its new end
                return start + delta + (length if is_end else 0)
            else:
                break
        return pos + delta

    return [(place(a, False), place(b, True)) for a, b in regions]


def _moved_edits(edits: list[Edit], changes: list[tuple[int, int, int]]) -> list[Edit]:
    """Rewritten spans after ``changes`` (none of which falls inside them)."""
    out = []
    for e in edits:
        ((start, end),) = _moved([(e.start, e.end)], changes)
        out.append(Edit(start, end, e.replacement, e.rule, e.original))
    return out


class _Fixing:
    """The text being fixed, its rewritten spans and the rewrites taken back."""

    def __init__(self, text: str, placeholders: bool, reported: Reported):
        self.text = text
        self.placeholders = placeholders
        self.reported = reported
        self.done: list[Edit] = []  # rewritten spans, in the current text's offsets
        self.refused: set[tuple[str, str]] = set()  # (rule, words) taken back once
        self.taken_back = 0
        self.findings = reported(text)
        # what the writer's check flagged, followed through the edits: a later pass rewrites
        # only there (a rewrite can change how a neighbouring sentence is parsed, and words
        # `check` never reported are never the fixer's to change)
        self.flagged = [(f.start, f.end) for f in self.findings]

    def plan(self) -> list[Edit]:
        """This pass's rewrites: findings with an applicable alternative, none overlapping
        another, none inside a rewrite unless it replaces that rewrite whole."""
        edits: list[Edit] = []
        for finding in self.findings:
            if (finding.rule, finding.text) in self.refused:
                continue
            if not self._within_flagged(finding):
                continue  # words the check never flagged: left as written
            inner = [d for d in self.done if _overlap(finding, d)]
            if any(not _wider(finding, d) for d in inner):
                continue  # never rewrite a rewrite, unless a wider finding replaces it whole
            if any(_overlap(finding, e) for e in edits):
                continue  # overlaps an edit of this pass: the next pass looks again
            suggestion = choose(finding, self.placeholders)
            if suggestion is None:
                continue
            original = self.text[finding.start : finding.end]
            for d in sorted(inner, key=lambda d: d.start, reverse=True):
                at = d.start - finding.start  # the writer's words under the inner rewrite
                original = original[:at] + d.original + original[at + d.end - d.start :]
            edits.append(
                Edit(finding.start, finding.end, suggestion.replacement, finding.rule, original)
            )
        return edits

    def _within_flagged(self, finding: Finding) -> bool:
        """Every word of the finding is one `check` flagged at first, or one `fix` wrote."""
        spans = sorted([*self.flagged, *((d.start, d.end) for d in self.done)])
        pos = finding.start
        for a, b in spans:
            if b <= pos:
                continue
            if a > pos and self.text[pos:a].strip():
                return False
            pos = max(pos, b)
            if pos >= finding.end:
                return True
        return not self.text[pos : finding.end].strip()

    def intruders(self) -> list[Edit]:
        """Rewrites next to a finding that `check` did not make on the writer's text: a
        rewrite can change how its neighbour is parsed. The nearest rewrite of each such
        finding is the one to take back, until no such finding is left."""
        out: list[Edit] = []
        for f in self.findings:
            if any(f.start < b and a < f.end for a, b in self.flagged):
                continue
            if any(_overlap(f, d) for d in self.done):
                continue
            if (f.rule, f.text) in self.refused:
                continue
            # the rewrite nearest to it, in its paragraph if there is one there (a name a
            # rewrite brings in can change who "he" is anywhere in the document)
            near = [
                d
                for d in self.done
                if "\n\n" not in self.text[min(d.end, f.end) : max(d.start, f.start)]
            ] or self.done
            if near:
                out.append(min(near, key=lambda d: min(abs(d.start - f.end), abs(f.start - d.end))))
        return list(dict.fromkeys(out))

    def apply(self, edits: list[Edit]) -> None:
        changes = sorted((e.start, e.end, len(e.replacement)) for e in edits)
        self.flagged = _moved(self.flagged, changes)
        new_text, moved = apply_edits(self.text, edits)
        kept = [
            d for d in self.done if not any(e.start <= d.start and d.end <= e.end for e in edits)
        ]
        shifted = _moved_edits(kept, changes)
        self.text, self.done = new_text, sorted(shifted + moved, key=lambda d: d.start)
        self.findings = self.reported(self.text)

    def stale(self, final: bool = False) -> list[Edit]:
        """Rewrites `check` still flags, other than by a wider finding about to replace them
        (once the passes have run out, ``final``, nothing more is about to come)."""
        out = []
        for d in self.done:
            for f in self.findings:
                if not _overlap(f, d):
                    continue
                coming = (
                    not final
                    and _wider(f, d)
                    and (f.rule, f.text) not in self.refused
                    and choose(f, self.placeholders) is not None
                    and self._within_flagged(f)
                )
                if not coming:
                    out.append(d)
                    break
        return out

    def take_back(self, edits: list[Edit], final: bool = False) -> None:
        """Put the writer's words back where these rewrites stand, and never try them again."""
        for d in sorted(edits, key=lambda d: d.start, reverse=True):
            change = [(d.start, d.end, len(d.original))]
            self.flagged = _moved(self.flagged, change)
            self.text = self.text[: d.start] + d.original + self.text[d.end :]
            self.done = _moved_edits([x for x in self.done if x != d], change)
            self.refused.add((d.rule, d.original))
            self.taken_back += 1
        self.findings = self.reported(self.text)
        if final:  # a finding on restored words stays reported, but is not to be replaced
            for f in self.findings:
                self.refused.add((f.rule, f.text))


def fix_text(
    analyzer: Analyzer,
    text: str,
    placeholders: bool = False,
    reported: Reported | None = None,
) -> FixResult:
    """Rewrite every finding that has an applicable alternative; check the result.

    ``reported`` gives the findings `check` would report for a text (its kind, the team's
    configuration, inline comments); by default the plain analysis with inline comments.

    A rewrite taken back in one round may hold once its neighbours are rewritten, so rounds
    repeat on their own output until one changes nothing: `fix` on its output is a no-op.
    """
    reported = reported or (lambda t: _reported(analyzer, t))
    result = _fix_round(analyzer, text, placeholders, reported)
    for _ in range(MAX_ROUNDS - 1):
        if not result.skipped_taken_back:
            break  # nothing left that a new round would try: the text is already stable
        again = _fix_round(analyzer, result.text, placeholders, reported)
        if again.text == result.text:
            break
        earlier = _moved_edits(result.applied, _input_changes(again.applied))
        kept = [
            e
            for e in earlier
            if not any(e.start < a.end and a.start < e.end for a in again.applied)
        ]
        again.applied = sorted([*kept, *again.applied], key=lambda d: d.start)
        again.original = text
        again.taken_back += result.taken_back
        result = again
    return result


def _input_changes(applied: list[Edit]) -> list[tuple[int, int, int]]:
    """The (start, end, new length) of each edit in the text it was applied to, from its
    place in the text it produced."""
    changes, delta = [], 0
    for e in sorted(applied, key=lambda d: d.start):
        start = e.start - delta
        changes.append((start, start + len(e.original), e.end - e.start))
        delta += (e.end - e.start) - len(e.original)
    return changes


def _fix_round(analyzer: Analyzer, text: str, placeholders: bool, reported: Reported) -> FixResult:
    """One round: passes to a fixed point, with rewrites still flagged taken back."""
    state = _Fixing(text, placeholders, reported)
    for _ in range(MAX_PASSES):
        stale = state.stale() or state.intruders()
        if stale:
            state.take_back(stale)
        edits = state.plan()
        if not edits:
            if not stale:
                break
            continue
        state.apply(edits)
    while stale := state.stale(final=True) or state.intruders():  # out of passes: back
        state.take_back(stale, final=True)
    findings = state.findings
    result = FixResult(original=text, text=state.text)
    result.applied = list(state.done)
    result.remaining = findings
    result.taken_back = state.taken_back
    result.skipped_quoted = sum(1 for f in findings if f.quoted)
    unapplied = [
        f for f in findings if not f.quoted and f.suggestions and choose(f, placeholders) is None
    ]
    # every alternative would lose something of the flagged words (a fact, a link target)
    result.skipped_losing = sum(
        1 for f in unapplied if not any(s.keeps_facts for s in f.suggestions)
    )
    result.skipped_needs_input = len(unapplied) - result.skipped_losing
    result.skipped_taken_back = sum(
        1 for f in findings if not f.quoted and choose(f, placeholders) is not None
    )
    result.placeholders = find(state.text, analyzer.packs)
    return result


def _diff_lines(text: str) -> list[str]:
    """Lines as `git diff` and `patch` count them: ended by LF only (a form feed or a lone
    CR inside a line is part of it)."""
    return _LF_LINES.findall(text)


def unified_diff(path: str, before: str, after: str) -> str:
    """A unified diff as `git diff` and `patch` read it, with the text's own line endings."""
    lines = difflib.unified_diff(
        _diff_lines(before),
        _diff_lines(after),
        fromfile=f"a/{path}" if path != "-" else "a/stdin",
        tofile=f"b/{path}" if path != "-" else "b/stdin",
    )
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)
