"""The JSON contract of INTERFACE.md: one object with files, findings and a summary."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from ..findings import Finding
from . import FileReport

FORMAT_VERSION = "1"


def _finding(finding: Finding) -> dict[str, Any]:
    """The finding as INTERFACE.md shows it; "missing" only where a rule measures it."""
    data = finding.model_dump(mode="json")
    if data.get("missing") is None:
        data.pop("missing", None)
    return data


def render(reports: list[FileReport]) -> str:
    categories: Counter[str] = Counter()
    for report in reports:
        categories.update(f.category.value for f in report.findings)
    payload = {
        "version": FORMAT_VERSION,
        "files": [
            {
                "path": report.path,
                "findings": [_finding(f) for f in report.findings],
            }
            for report in reports
        ],
        "summary": {
            "files": len(reports),
            "findings": sum(len(r.findings) for r in reports),
            "by_category": dict(sorted(categories.items())),
        },
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)
