"""The JSON contract of INTERFACE.md: one object with files, findings and a summary."""

from __future__ import annotations

import json
from collections import Counter

from . import FileReport

FORMAT_VERSION = "1"


def render(reports: list[FileReport]) -> str:
    categories: Counter[str] = Counter()
    for report in reports:
        categories.update(f.category.value for f in report.findings)
    payload = {
        "version": FORMAT_VERSION,
        "files": [
            {
                "path": report.path,
                "findings": [f.model_dump(mode="json") for f in report.findings],
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
