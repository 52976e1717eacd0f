"""GitHub Actions workflow commands: one `::warning file=...::message` line per finding.

The runner turns each line into an annotation on the pull request's diff. Values are escaped
as the runner expects (`%`, CR and LF everywhere; `:` and `,` inside properties too).
"""

from __future__ import annotations

from blamecheck.findings import Finding, Severity
from blamecheck.surfaces.formats import FileReport

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(value: str) -> str:
    return _data(value).replace(":", "%3A").replace(",", "%2C")


def annotation(path: str, finding: Finding) -> str:
    props = ",".join(
        [
            f"file={_property(path)}",
            f"line={finding.line}",
            f"col={finding.column}",
            f"endLine={finding.end_line}",
            f"endColumn={finding.end_column}",
            f"title={_property(finding.rule)}",
        ]
    )
    return f"::{_LEVEL[finding.severity]} {props}::{_data(finding.message)}"


def render(reports: list[FileReport]) -> str:
    lines = [annotation(r.path, f) for r in reports for f in r.findings]
    return "\n".join(lines)
