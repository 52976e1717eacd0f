"""Renderers: each turns findings into one output format and does nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field

from blamecheck.findings import Finding
from blamecheck.rewriting.placeholders import Placeholder


@dataclass
class FileReport:
    """The findings of one linted file, and its text for showing context."""

    path: str
    text: str
    findings: list[Finding] = field(default_factory=list)
    placeholders: list[Placeholder] = field(default_factory=list)  # unfilled, from a rewrite
