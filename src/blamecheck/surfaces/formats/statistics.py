"""`check --statistics`: how often each rule fired instead of each finding, as
`ruff check --statistics` does, to see where a team's writing habits lie before reading them
one by one. No document words: counts, rule ids, categories and severities only.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from blamecheck.surfaces.formats import FileReport
from blamecheck.surfaces.formats.json_format import FORMAT_VERSION
from blamecheck.surfaces.formats.text_format import plural

PLACEHOLDER_RULE = "unfilled-placeholder"


@dataclass(frozen=True)
class Row:
    count: int
    rule: str
    category: str
    severity: str


def rows(reports: list[FileReport]) -> list[Row]:
    """One row per rule (and severity, where configurations differ), most frequent first."""
    counted: Counter[tuple[str, str, str]] = Counter()
    for report in reports:
        counted.update((f.rule, f.category.value, f.severity.value) for f in report.findings)
        if report.placeholders:
            counted[(PLACEHOLDER_RULE, "-", "warning")] += len(report.placeholders)
    return sorted(
        (Row(n, rule, category, severity) for (rule, category, severity), n in counted.items()),
        key=lambda row: (-row.count, row.rule, row.severity),
    )


def _total(reports: list[FileReport]) -> str:
    total = plural(sum(len(r.findings) for r in reports), "finding")
    gaps = sum(len(r.placeholders) for r in reports)
    return total + (f" and {plural(gaps, 'unfilled placeholder')}" if gaps else "")


def render_text(reports: list[FileReport], ignored: int = 0, baselined: int = 0) -> str:
    table = rows(reports)
    files = plural(len(reports), "file")
    left = "".join(
        f"; {n} {what}" for n, what in ((ignored, "ignored"), (baselined, "in the baseline")) if n
    )
    if not table:
        return f"No findings in {files}{left}."
    count_width = len(str(table[0].count))
    rule_width = max(len(row.rule) for row in table)
    category_width = max(len(row.category) for row in table)
    lines = [
        f"{row.count:>{count_width}}  {row.rule:<{rule_width}}  "
        f"{row.category:<{category_width}}  {row.severity}"
        for row in table
    ]
    lines.append(f"Total: {_total(reports)} in {files}{left}")
    return "\n".join(lines)


def render_json(reports: list[FileReport], ignored: int = 0, baselined: int = 0) -> str:
    payload = {
        "version": FORMAT_VERSION,
        "statistics": [
            {
                "rule": row.rule,
                "category": row.category,
                "severity": row.severity,
                "count": row.count,
            }
            for row in rows(reports)
        ],
        "summary": {
            "files": len(reports),
            "findings": sum(len(r.findings) for r in reports),
            "placeholders": sum(len(r.placeholders) for r in reports),
            "ignored": ignored,
            "baselined": baselined,
        },
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)
