"""Findings a team has already judged, so that only new ones are reported.

A baseline records, for each file, each finding's rule and a hash of its words and the few
words either side (the same key the editor's "ignore here" uses), counted. A finding matches
while its wording and its neighbours stay the same, wherever the paragraph moves in the file.
The file holds paths, rule ids and hashes only: no words of any report.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from blamecheck.errors import ConfigError
from blamecheck.filters.ignores import context_key
from blamecheck.findings import Finding
from blamecheck.readers.documents import write_atomically

FORMAT_VERSION = 1


def _name(path: str, folder: Path) -> str:
    """A file's name in the baseline: relative to the baseline's folder when it can be."""
    if path == "-":
        return "-"
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(folder.resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


@dataclass
class Baseline:
    """The recorded findings, by file, as counts of (rule, key)."""

    path: Path
    files: dict[str, Counter[tuple[str, str]]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Baseline:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(
                f"{path}: no such baseline (create it with --write-baseline {path})"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or exc.__class__.__name__
            raise ConfigError(f"{path}: cannot read the baseline ({reason})") from None
        except ValueError:
            raise ConfigError(f"{path}: not a blamecheck baseline (invalid JSON)") from None
        if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
            raise ConfigError(f"{path}: not a blamecheck baseline (expected version 1)")
        files: dict[str, Counter[tuple[str, str]]] = {}
        try:
            for name, entries in data.get("files", {}).items():
                files[name] = Counter((str(e["rule"]), str(e["key"])) for e in entries)
        except (AttributeError, KeyError, TypeError):
            raise ConfigError(f"{path}: files: expected lists of {{rule, key}} entries") from None
        return cls(path, files)

    def split(
        self, path: str, text: str, findings: list[Finding]
    ) -> tuple[list[Finding], list[Finding]]:
        """The findings that are new, and those the baseline already holds."""
        left = Counter(self.files.get(_name(path, self.path.parent), Counter()))
        new: list[Finding] = []
        known: list[Finding] = []
        for finding in findings:
            key = (finding.rule, context_key(finding.rule, text, finding))
            if left[key] > 0:
                left[key] -= 1
                known.append(finding)
            else:
                new.append(finding)
        return new, known


class BaselineWriter:
    """Gathers every file's findings, then writes the baseline in one step."""

    def __init__(self, path: Path):
        self.path = path
        self.files: dict[str, list[dict[str, str]]] = {}

    def add(self, path: str, text: str, findings: list[Finding]) -> None:
        entries = [{"rule": f.rule, "key": context_key(f.rule, text, f)} for f in findings]
        if entries:
            self.files[_name(path, self.path.parent)] = entries

    @property
    def count(self) -> int:
        return sum(len(entries) for entries in self.files.values())

    def write(self) -> None:
        payload = {
            "version": FORMAT_VERSION,
            "tool": "blamecheck",
            "files": dict(sorted(self.files.items())),
        }
        write_atomically(str(self.path), json.dumps(payload, indent=2) + "\n", "utf-8", new=True)
