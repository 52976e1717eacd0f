"""Inline comments that silence findings a writer has judged, in text and Markdown alike:

    <!-- blamecheck-disable -->                 every rule, until blamecheck-enable
    <!-- blamecheck-disable RULE, CATEGORY -->  those rules, until enabled again
    <!-- blamecheck-enable [RULE, ...] -->      back on (all, or those named)
    <!-- blamecheck-disable-line [RULE, ...] --> the line the comment is on
    <!-- blamecheck-disable-next-line [RULE, ...] --> the line after it

A rule is named by its id or its category. Silenced findings are counted, never hidden
without a trace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from blamecheck.findings import Finding
from blamecheck.positions import LineIndex

_COMMENT = re.compile(
    r"<!--\s*blamecheck-(disable-next-line|disable-line|disable|enable)\b([^>]*?)-->",
    re.IGNORECASE,
)
ALL = "*"


@dataclass(frozen=True)
class Region:
    start: int
    end: int
    rules: frozenset[str]  # rule ids or categories; "*" for every rule


def _names(raw: str) -> frozenset[str]:
    names = frozenset(n for n in re.split(r"[\s,]+", raw.strip()) if n)
    return names or frozenset({ALL})


def regions(text: str) -> list[Region]:
    """Where each rule is switched off, as character ranges of ``text``."""
    out: list[Region] = []
    open_since: dict[str, int] = {}
    lines = LineIndex(text)  # lines as editors count them, so "next line" is theirs
    for match in _COMMENT.finditer(text):
        kind, names = match.group(1).lower(), _names(match.group(2))
        first, last = lines.line_of(match.start()), lines.line_of(match.end())
        if kind == "disable-line":
            out.append(Region(lines.starts[first], lines.content_end(last), names))
        elif kind == "disable-next-line":
            if last + 1 < len(lines.starts):
                out.append(Region(lines.starts[last + 1], lines.content_end(last + 1), names))
        elif kind == "disable":
            for name in names:
                open_since.setdefault(name, match.end())
        else:  # enable
            for name in list(open_since) if ALL in names else names:
                if name in open_since:
                    out.append(Region(open_since.pop(name), match.start(), frozenset({name})))
    out.extend(Region(start, len(text), frozenset({n})) for n, start in open_since.items())
    return out


def unknown_names(text: str, known: set[str]) -> list[tuple[int, str]]:
    """Rule names in the comments that no rule or category has (a typo silences nothing),
    with the offset of the comment naming them."""
    if "blamecheck-" not in text:
        return []
    return [
        (match.start(), name)
        for match in _COMMENT.finditer(text)
        for name in sorted(_names(match.group(2)))
        if name != ALL and name not in known
    ]


def split(text: str, findings: list[Finding]) -> tuple[list[Finding], list[Finding]]:
    """The findings to report, and those an inline comment silences."""
    found = regions(text) if "blamecheck-" in text else []
    if not found:
        return findings, []
    kept: list[Finding] = []
    silenced: list[Finding] = []
    for finding in findings:
        names = {ALL, finding.rule, finding.category.value}
        covered = any(r.start <= finding.start < r.end and names & r.rules for r in found)
        (silenced if covered else kept).append(finding)
    return kept, silenced
