"""GitLab Code Quality: the JSON array of issues a merge request widget and the pipeline's
Code Quality tab read (the Code Climate issue format, with the fields GitLab requires).

Every issue has a description, a check_name (the rule id), a severity on GitLab's scale, the
file's path with the lines and columns of the flagged words, and a fingerprint that stays the
same while the flagged words and their neighbours do, so GitLab can tell a new issue from an
old one. Nothing of the document's text is written: the description is the rule's own
message, and the fingerprint is a hash.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path, PurePath
from typing import Any

from blamecheck.filters.ignores import context_key
from blamecheck.findings import Finding, Severity
from blamecheck.positions import LineIndex
from blamecheck.surfaces.formats import FileReport

ENGINE = "blamecheck"
PLACEHOLDER_CHECK = "unfilled-placeholder"
# GitLab's scale is info, minor, major, critical, blocker; blamecheck's error is a serious
# matter of wording, not a security hole or a broken build
SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}
CATEGORIES = ["Clarity"]  # the Code Climate category for wording that misleads its reader


class _Fingerprints:
    """A hash of the rule, the path and the words around the flagged words (the key editor
    ignores use), with a count for the same words twice in one file."""

    def __init__(self, path: str, text: str):
        self.path = path
        self.text = text
        self.seen: dict[str, int] = {}

    def __call__(self, rule: str, start: int, end: int) -> str:
        words = Finding.model_construct(start=start, end=end, text=self.text[start:end])
        key = context_key(rule, self.text, words)
        self.seen[key] = self.seen.get(key, 0) + 1
        identity = f"{rule}\0{self.path}\0{key}\0{self.seen[key]}"
        return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def repo_path(path: str) -> str:
    """The path as GitLab matches it to the merge request's files: relative to the checkout
    (the current folder in a pipeline), with forward slashes and no leading "./"."""
    if path == "-":
        return path
    given = Path(path)
    if given.is_absolute():
        try:
            given = given.relative_to(Path.cwd())
        except ValueError:
            return given.as_posix()  # outside the checkout: nothing better to give
    return PurePath(os.path.normpath(given)).as_posix()


def _location(path: str, begin: tuple[int, int], end: tuple[int, int]) -> dict[str, Any]:
    return {
        "path": repo_path(path),
        "positions": {
            "begin": {"line": begin[0], "column": begin[1]},
            "end": {"line": end[0], "column": end[1]},
        },
    }


def _issue(
    check: str, description: str, severity: str, fingerprint: str, location: dict[str, Any]
) -> dict[str, Any]:
    return {
        "type": "issue",
        "engine_name": ENGINE,
        "check_name": check,
        "description": description,
        "categories": CATEGORIES,
        "severity": severity,
        "fingerprint": fingerprint,
        "location": location,
    }


def issues(report: FileReport) -> list[dict[str, Any]]:
    """One file's issues: its findings, then its unfilled placeholders."""
    fingerprint = _Fingerprints(report.path, report.text)
    found = [
        _issue(
            finding.rule,
            f"{finding.rule}: {finding.message}",
            SEVERITY[finding.severity],
            fingerprint(finding.rule, finding.start, finding.end),
            _location(
                report.path,
                (finding.line, finding.column),
                (finding.end_line, finding.end_column),
            ),
        )
        for finding in report.findings
    ]
    lines = LineIndex(report.text)
    for gap in report.placeholders:
        found.append(
            _issue(
                PLACEHOLDER_CHECK,
                "Unfilled placeholder: replace it with the facts only you know.",
                SEVERITY[Severity.WARNING],
                fingerprint(PLACEHOLDER_CHECK, gap.start, gap.end),
                _location(report.path, lines.position(gap.start), lines.position(gap.end)),
            )
        )
    return found


def render(reports: list[FileReport]) -> str:
    """The Code Quality report: a JSON array, empty when nothing was found."""
    return json.dumps([i for r in reports for i in issues(r)], ensure_ascii=False, indent=2)
