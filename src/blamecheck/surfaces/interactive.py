"""`fix --interactive`: one finding at a time, in a plain terminal (no curses, no colour needed).

For each finding: the sentence, the flagged words marked with carets, the ranked alternatives
numbered. Answer with a number to accept that alternative (Enter takes the first), `s` to skip,
`e` to type your own words, `q` to stop and keep what was accepted so far. The accepted
changes are applied together and the result is checked again, as `fix` does.
"""

from __future__ import annotations

import sys

from blamecheck.api import Analyzer
from blamecheck.findings import Finding
from blamecheck.rewriting.fixer import Edit, FixResult, Reported, apply_edits
from blamecheck.rewriting.placeholders import find
from blamecheck.surfaces.formats.text_format import sentence_around

HELP = "number = accept, Enter = 1, s = skip, e = edit, q = quit"


def _ask(prompt: str) -> str | None:
    """One answer line; None at end of input (treated as quit)."""
    sys.stdout.write(prompt)
    sys.stdout.flush()
    line = sys.stdin.readline()
    return None if line == "" else line.strip()


def _show(path: str, text: str, finding: Finding, number: int, total: int) -> None:
    sentence, s0, s1 = sentence_around(text, finding.start, finding.end)
    print(f"\n[{number}/{total}] {path}:{finding.line}:{finding.column}  {finding.rule}")
    print(f"  {finding.message}")
    print(f"  {sentence}")
    print(f"  {' ' * s0}{'^' * max(1, s1 - s0)}")
    for i, suggestion in enumerate(finding.suggestions, start=1):
        note = "  (fill in the [brackets])" if suggestion.status == "needs-input" else ""
        if suggestion.kind == "choice":
            note = f"  ({suggestion.description})" + note
        print(f"  {i}) {suggestion.replacement}{note}")
    for prompt in finding.prompts[:2]:
        print(f"  ? {prompt.text}")


def review(
    analyzer: Analyzer,
    path: str,
    text: str,
    placeholders: bool = True,
    reported: Reported | None = None,
) -> FixResult:
    """Walk through the findings of one text; return the text with the accepted changes."""
    reported = reported or analyzer.analyse
    findings = reported(text)
    edits: list[Edit] = []
    for number, finding in enumerate(findings, start=1):
        if any(finding.start < e.end and e.start < finding.end for e in edits):
            print(f"\n[{number}/{len(findings)}] skipped: overlaps a change you accepted")
            continue
        _show(path, text, finding, number, len(findings))
        if finding.quoted:
            print("  (inside quotation marks: kept as evidence, not rewritten)")
        answer = _next_answer(finding)
        if answer == "quit":
            break
        if answer is not None:
            edits.append(Edit(finding.start, finding.end, answer, finding.rule))
    new_text, moved = apply_edits(text, edits)
    remaining = reported(new_text) if edits else findings
    result = FixResult(original=text, text=new_text, applied=moved, remaining=remaining)
    result.skipped_quoted = sum(1 for f in remaining if f.quoted)
    result.placeholders = find(new_text, analyzer.packs)
    return result


def _next_answer(finding: Finding) -> str | None:
    """The replacement the user chose, None to skip, or "quit"."""
    options = [] if finding.quoted else finding.suggestions
    while True:
        answer = _ask(f"  [{HELP}] > " if options else "  [s = skip, q = quit] > ")
        if answer is None or answer.lower() == "q":
            return "quit"
        if answer.lower() == "s" or (answer == "" and not options):
            return None
        if answer == "" and options:
            return options[0].replacement  # never a choice: choices follow the top rewrite
        if answer.isdigit() and 1 <= int(answer) <= len(options):
            return options[int(answer) - 1].replacement
        if answer.lower() == "e" and not finding.quoted:
            typed = _ask("  your words for the marked span (Enter = skip) > ")
            if typed is None:
                return "quit"
            return typed or None
        if answer.isdigit() and options:
            print(f"  there are {len(options)} alternatives: answer 1 to {len(options)}")
            continue
        print(f"  please answer with {HELP}" if options else "  please answer s or q")
