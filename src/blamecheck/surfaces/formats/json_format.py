"""The JSON contract of INTERFACE.md: one object with files, findings and a summary."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from blamecheck.findings import Finding
from blamecheck.positions import LineIndex
from blamecheck.rewriting.placeholders import Placeholder
from blamecheck.surfaces.formats import FileReport

FORMAT_VERSION = "1"


def _finding(finding: Finding) -> dict[str, Any]:
    """The finding as INTERFACE.md shows it; "missing" only where a rule measures it and
    "paragraph" only for Word documents."""
    data = finding.model_dump(mode="json")
    for optional in ("missing", "paragraph"):
        if data.get(optional) is None:
            data.pop(optional, None)
    return data


def _placeholder(
    report: FileReport, placeholder: Placeholder, redacted: bool = False
) -> dict[str, Any]:
    lines = LineIndex(report.text)
    line, column = lines.position(placeholder.start)
    return {
        "line": line,
        "column": column,
        "start": placeholder.start,
        "end": placeholder.end,
        "text": "" if redacted else placeholder.text,
    }


def render(
    reports: list[FileReport], ignored: int = 0, redacted: bool = False, baselined: int = 0
) -> str:
    categories: Counter[str] = Counter()
    for report in reports:
        categories.update(f.category.value for f in report.findings)
    payload = {
        "version": FORMAT_VERSION,
        "redacted": redacted,
        "files": [
            {
                "path": report.path,
                "findings": [_finding(f) for f in report.findings],
                "placeholders": [_placeholder(report, p, redacted) for p in report.placeholders],
            }
            for report in reports
        ],
        "summary": {
            "files": len(reports),
            "findings": sum(len(r.findings) for r in reports),
            "by_category": dict(sorted(categories.items())),
            "placeholders": sum(len(r.placeholders) for r in reports),
            "ignored": ignored,
            "baselined": baselined,
        },
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)
