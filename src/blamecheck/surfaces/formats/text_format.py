"""Human output: `path:line:col: rule-id message`, the sentence, a caret line, suggestions."""

from __future__ import annotations

import re
from collections import Counter

from blamecheck.findings import NOTE_SOURCE, Finding
from blamecheck.positions import LineIndex
from blamecheck.surfaces.formats import FileReport

_MAX_CONTEXT = 160
_SENTENCE_END = re.compile(r"[.!?][\"”’')]*(?=\s)|\n")


class Style:
    """ANSI styling, or none at all when output is not a terminal."""

    def __init__(self, enabled: bool):
        self.enabled = enabled

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text

    def bold(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def red(self, text: str) -> str:
        return self._wrap("31", text)

    def yellow(self, text: str) -> str:
        return self._wrap("33", text)

    def cyan(self, text: str) -> str:
        return self._wrap("36", text)

    def green(self, text: str) -> str:
        return self._wrap("32", text)


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the sentence(s) holding text[start:end] begin and end."""
    left = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        left = match.end()
    found = _SENTENCE_END.search(text, max(end - 1, start))
    right = found.end() if found else len(text)
    while left < start and text[left].isspace():
        left += 1
    return left, right


def sentence_around(text: str, start: int, end: int) -> tuple[str, int, int]:
    """The sentence holding text[start:end], and the span's offsets inside it."""
    left, right = sentence_bounds(text, start, end)
    if right - left > _MAX_CONTEXT:  # keep long paragraphs readable around the span
        left = max(left, start - _MAX_CONTEXT // 3)
        right = min(right, max(end, left + _MAX_CONTEXT))
    snippet = text[left:right].rstrip().replace("\n", " ").replace("\t", " ")
    return snippet, start - left, min(end - left, len(snippet))


def location(path: str, finding: Finding, style: Style) -> str:
    """`path:line:col:`, and for a Word paragraph outside the body where it is."""
    where = f" [{finding.paragraph}]" if finding.paragraph not in (None, "body") else ""
    return style.bold(f"{path}:{finding.line}:{finding.column}:") + where


def render_finding(path: str, text: str, finding: Finding, style: Style) -> str:
    colour = style.red if finding.severity.value == "error" else style.yellow
    head = f"{location(path, finding, style)} {colour(finding.rule)} {finding.message}"
    sentence, s0, s1 = sentence_around(text, finding.start, finding.end)
    caret = " " * s0 + "^" * max(1, s1 - s0)
    lines = [head, f"    {sentence}", f"    {style.red(caret)}"]
    for suggestion in finding.suggestions[:2]:
        label = {"question": "ask", "script": "say", "choice": "your decision"}.get(
            suggestion.kind, "try"
        )
        lines.append(f"    {style.green(label + ':')} {suggestion.replacement}")
    for prompt in finding.prompts:
        if prompt.source == NOTE_SOURCE:  # no rewrite fits: say so before any question
            lines.append(f"    {style.cyan('note:')} {prompt.text}")
    asked = [p for p in finding.prompts if p.source != NOTE_SOURCE]
    if asked:
        lines.append(f"    {style.cyan('find out:')} {asked[0].text}")
    return "\n".join(lines)


def render(
    reports: list[FileReport],
    style: Style,
    ignored: int = 0,
    redacted: bool = False,
    baselined: int = 0,
) -> str:
    blocks: list[str] = []
    categories: Counter[str] = Counter()
    for report in reports:
        for finding in report.findings:
            if redacted:  # positions, rule and message: no sentence, no rewrite
                blocks.append(
                    f"{location(report.path, finding, style)} {finding.rule} {finding.message}"
                )
            else:
                blocks.append(render_finding(report.path, report.text, finding, style))
            categories[finding.category.value] += 1
    total = sum(categories.values())
    files = len(reports)
    file_word = "file" if files == 1 else "files"
    gaps = sum(len(r.placeholders) for r in reports)
    left = f"; {plural(gaps, 'unfilled placeholder')} to complete" if gaps else ""
    if ignored:
        left += f"; {ignored} ignored"
    if baselined:
        left += f"; {baselined} in the baseline"
    if total:
        detail = ", ".join(f"{name}: {count}" for name, count in sorted(categories.items()))
        noun = "finding" if total == 1 else "findings"
        summary = style.bold(f"{total} {noun} in {files} {file_word} ({detail}){left}")
        busiest = most_findings(reports)
        if files > 1 and busiest:
            summary += "\nMost findings: " + ", ".join(f"{p} ({n})" for p, n in busiest)
        blocks.append(summary)
    else:
        blocks.append(f"No findings in {files} {file_word}{left}.")
    return "\n\n".join(blocks)


def most_findings(reports: list[FileReport], top: int = 5) -> list[tuple[str, int]]:
    """The files with the most findings, most first (ties in path order)."""
    counted = [(r.path, len(r.findings)) for r in reports if r.findings]
    return sorted(counted, key=lambda pn: (-pn[1], pn[0]))[:top]


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def placeholder_notices(report: FileReport, redacted: bool = False) -> list[str]:
    """One line per unfilled placeholder, so that none is forgotten: path:line:col: text."""
    lines = LineIndex(report.text)
    out = []
    for placeholder in report.placeholders:
        line, column = lines.position(placeholder.start)
        shown = "" if redacted else f" {placeholder.text}"
        out.append(f"{report.path}:{line}:{column}: unfilled placeholder{shown}")
    return out
