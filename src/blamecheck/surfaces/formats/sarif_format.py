"""SARIF 2.1.0: one log for code-scanning services (GitHub code scanning) and SARIF viewers.

The log carries every rule of the loaded packs, whether it fired or not, so a viewer can
explain any alert, and one result per finding. Positions are code points, as everywhere in
blamecheck, and the run says so (`columnKind`). With ``redacted`` the document's words stay
out: no snippets and no fixes, only positions, rule ids, the rules' own messages and a hash.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from blamecheck import __version__
from blamecheck.analysis.packs import PackSet, Rule
from blamecheck.filters.ignores import context_key
from blamecheck.findings import Finding, Severity, Suggestion
from blamecheck.positions import LineIndex
from blamecheck.rewriting.placeholders import Placeholder
from blamecheck.surfaces.formats import FileReport

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SARIF_VERSION = "2.1.0"
STDIN_URI = "stdin"
# a hash of the rule and the words around the finding (the key editor ignores use), so an
# alert keeps its identity when lines are added above it; versioned as SARIF recommends
FINGERPRINT = "blamecheck/contextHash/v1"
MAX_FIXES = 3  # the top alternatives; a viewer lists them all, more is noise
PLACEHOLDER_RULE = "unfilled-placeholder"  # no pack rule id can clash: those hold a "/"

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_SEMVER = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")


def artifact_uri(path: str) -> str:
    """A URI reference for a path as given: relative stays relative (code scanning resolves it
    against the checkout), absolute becomes file://, and "-" is standard input."""
    if path == "-":
        return STDIN_URI
    pure = PurePath(path)
    if pure.is_absolute():
        return pure.as_uri()
    # percent-encode spaces, "%", non-ASCII and a ":" that would read as a URI scheme
    return quote(pure.as_posix(), safe="/")


def _words(text: str) -> str:
    return " ".join(text.split())


def _rule_name(rule_id: str) -> str:
    """The friendly PascalCase name SARIF asks for: failure-to-protect -> FailureToProtect."""
    return "".join(part.capitalize() for part in rule_id.rsplit("/", 1)[-1].split("-"))


def _help(rule: Rule) -> str:
    """What `blamecheck explain` says, without its examples: those are sample case notes."""
    sources = "\n".join(f'- {s.reference}: "{_words(s.passage)}"' for s in rule.sources)
    return (
        f"{_words(rule.explanation)}\n\n"
        f"Principle: {rule.principle.statement}\n\n"
        f"Sources:\n{sources}\n\n"
        f"Run `blamecheck explain {rule.id}` for examples and constructive alternatives."
    )


def _descriptor(rule: Rule) -> dict[str, Any]:
    category = rule.category.value
    return {
        "id": rule.id,
        "name": _rule_name(rule.id),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.principle.statement},
        "help": {"text": _help(rule)},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"category": category, "principle": rule.principle.value, "tags": [category]},
    }


_PLACEHOLDER_DESCRIPTOR: dict[str, Any] = {
    "id": PLACEHOLDER_RULE,
    "name": "UnfilledPlaceholder",
    "shortDescription": {"text": "A [placeholder] from a blamecheck rewrite is still unfilled"},
    "fullDescription": {
        "text": "A rewrite applied with `blamecheck fix --placeholders` left a bracketed gap "
        "for facts that only the writer knows."
    },
    "help": {
        "text": "Replace the bracketed words with what happened: who did what, to whom, and "
        "how it affected the child. `blamecheck check` exits 1 until every gap is filled."
    },
    "defaultConfiguration": {"level": "warning"},
    "properties": {"tags": ["placeholder"]},
}


def _region(text: str, lines: LineIndex, start: int, end: int, snippet: bool) -> dict[str, Any]:
    """Line/column and offset forms of one span; SARIF columns are 1-based, end exclusive."""
    start_line, start_column = lines.position(start)
    end_line, end_column = lines.position(end)
    region: dict[str, Any] = {
        "startLine": start_line,
        "startColumn": start_column,
        "endLine": end_line,
        "endColumn": end_column,
        "charOffset": start,
        "charLength": end - start,
    }
    if snippet:
        region["snippet"] = {"text": text[start:end]}
    return region


def _finding_region(text: str, finding: Finding, snippet: bool) -> dict[str, Any]:
    """A finding's region from its own positions: in a Word document the line is the
    paragraph's number, and there are no character offsets (they would point into the
    text blamecheck read, not into the file)."""
    region: dict[str, Any] = {
        "startLine": finding.line,
        "startColumn": finding.column,
        "endLine": finding.end_line,
        "endColumn": finding.end_column,
    }
    if finding.paragraph is None:
        region["charOffset"] = finding.start
        region["charLength"] = finding.end - finding.start
    if snippet:
        region["snippet"] = {"text": text[finding.start : finding.end]}
    return region


def fixable(finding: Finding) -> list[Suggestion]:
    """The alternatives a fix may offer, as `blamecheck fix` would apply them: never inside
    quotation marks (kept as evidence), never one that loses a fact, only complete ones."""
    if finding.quoted:
        return []
    chosen: dict[str, Suggestion] = {}  # SARIF wants distinct fixes; two rules may agree
    for suggestion in finding.suggestions:
        if (
            suggestion.status == "complete"
            and suggestion.keeps_facts
            and suggestion.kind != "choice"
        ):
            chosen.setdefault(suggestion.replacement, suggestion)
    return list(chosen.values())[:MAX_FIXES]


def _fix(
    location: dict[str, Any], region: dict[str, Any], suggestion: Suggestion
) -> dict[str, Any]:
    return {
        "description": {"text": suggestion.description},
        "artifactChanges": [
            {
                "artifactLocation": location,
                "replacements": [
                    {"deletedRegion": region, "insertedContent": {"text": suggestion.replacement}}
                ],
            }
        ],
    }


class _Fingerprints:
    """Context hashes, with a count for repeats in one file (the same words twice)."""

    def __init__(self, text: str):
        self.text = text
        self.seen: dict[str, int] = {}

    def __call__(self, rule: str, start: int, end: int) -> dict[str, str]:
        # from the document's own words, so a redacted run fingerprints like a full one
        words = Finding.model_construct(start=start, end=end, text=self.text[start:end])
        key = context_key(rule, self.text, words)
        self.seen[key] = self.seen.get(key, 0) + 1
        return {FINGERPRINT: f"{key}:{self.seen[key]}"}


def _results(
    report: FileReport, index: int, rule_index: dict[str, int], redacted: bool
) -> list[dict[str, Any]]:
    lines = LineIndex(report.text)
    location = {"uri": artifact_uri(report.path), "index": index}
    fingerprint = _Fingerprints(report.text)
    results: list[dict[str, Any]] = []
    for finding in report.findings:
        region = _finding_region(report.text, finding, not redacted)
        result: dict[str, Any] = {"ruleId": finding.rule}
        if finding.rule in rule_index:
            result["ruleIndex"] = rule_index[finding.rule]
        result.update(
            {
                "level": _LEVEL[finding.severity],
                "message": {"text": finding.message},
                "locations": [
                    {"physicalLocation": {"artifactLocation": location, "region": region}}
                ],
                "partialFingerprints": fingerprint(finding.rule, finding.start, finding.end),
            }
        )
        if not redacted and finding.paragraph is None:  # a Word file is not edited as text
            bare = _finding_region(report.text, finding, snippet=False)
            fixes = [_fix(location, bare, s) for s in fixable(finding)]
            if fixes:
                result["fixes"] = fixes
        properties: dict[str, Any] = {"category": finding.category.value}
        if finding.paragraph is not None:
            properties["paragraph"] = finding.paragraph
        if finding.quoted:
            properties["quoted"] = True  # someone's own words: reported, never rewritten
        result["properties"] = properties
        results.append(result)
    results.extend(
        _placeholder(report, p, lines, location, fingerprint, rule_index, redacted)
        for p in report.placeholders
    )
    return results


def _placeholder(
    report: FileReport,
    placeholder: Placeholder,
    lines: LineIndex,
    location: dict[str, Any],
    fingerprint: _Fingerprints,
    rule_index: dict[str, int],
    redacted: bool,
) -> dict[str, Any]:
    """An unfilled gap is unfinished work, like a finding: `check` exits 1 for it, so a
    code-scanning run must show why."""
    region = _region(report.text, lines, placeholder.start, placeholder.end, not redacted)
    return {
        "ruleId": PLACEHOLDER_RULE,
        "ruleIndex": rule_index[PLACEHOLDER_RULE],
        "level": "warning",
        "message": {"text": "Unfilled placeholder: replace it with the facts only you know."},
        "locations": [{"physicalLocation": {"artifactLocation": location, "region": region}}],
        "partialFingerprints": fingerprint(PLACEHOLDER_RULE, placeholder.start, placeholder.end),
    }


def render(reports: list[FileReport], packs: PackSet, redacted: bool = False) -> str:
    """One SARIF log with one run; the same input always gives the same text."""
    descriptors = [_descriptor(rule) for rule in packs.rules] + [_PLACEHOLDER_DESCRIPTOR]
    rule_index = {d["id"]: i for i, d in enumerate(descriptors)}
    driver: dict[str, Any] = {"name": "blamecheck", "version": __version__}
    if _SEMVER.match(__version__):
        driver["semanticVersion"] = __version__
    driver["rules"] = descriptors  # no informationUri: the project has no public home yet

    artifacts: list[dict[str, Any]] = []
    artifact_index: dict[str, int] = {}  # SARIF wants each artifact once
    results: list[dict[str, Any]] = []
    for report in reports:
        uri = artifact_uri(report.path)
        if uri not in artifact_index:
            artifact_index[uri] = len(artifacts)
            artifacts.append({"location": {"uri": uri}, "roles": ["analysisTarget"]})
        results.extend(_results(report, artifact_index[uri], rule_index, redacted))

    run = {
        "tool": {"driver": driver},
        "invocations": [{"executionSuccessful": True}],
        "columnKind": "unicodeCodePoints",
        "artifacts": artifacts,
        "results": results,
    }
    log = {"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}
    return json.dumps(log, ensure_ascii=False, indent=2)
