"""Findings a writer has judged and silenced from the editor, and rules disabled for a workspace.

An ignore is keyed on the rule and the words around the finding, not on a line number, so it
survives edits elsewhere in the document. Only a hash of those words is kept: when the store
is saved (`.blamecheck/ignores.json` in the workspace folder), no document text reaches disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path

from blamecheck.findings import Finding

CONTEXT_WORDS = 4  # words on each side of the flagged ones that an ignore is tied to
_WORD = re.compile(r"\w+")
STORE_NAME = Path(".blamecheck") / "ignores.json"


def context_key(rule: str, text: str, finding: Finding) -> str:
    """A hash of the rule, the flagged words and a few words either side within the same
    paragraph, lower-cased: a paragraph added or changed nearby leaves it as it was."""
    before = text[max(0, finding.start - _WINDOW) : finding.start]
    after = text[finding.end : finding.end + _WINDOW]
    before = _PARAGRAPH_BREAK.split(before)[-1]
    after = _PARAGRAPH_BREAK.split(after)[0]
    return _key(rule, before, text[finding.start : finding.end], after)


_WINDOW = 120  # characters either side that hold the CONTEXT_WORDS
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")


@lru_cache(maxsize=8192)  # in memory only: an editor re-publishes the same findings often
def _key(rule: str, before: str, flagged: str, after: str) -> str:
    words = [
        *_WORD.findall(before.lower())[-CONTEXT_WORDS:],
        "|",
        *_WORD.findall(flagged.lower()),
        "|",
        *_WORD.findall(after.lower())[:CONTEXT_WORDS],
    ]
    return hashlib.sha256(f"{rule}\0{' '.join(words)}".encode()).hexdigest()[:32]


class IgnoreStore:
    """Ignores and disabled rules, kept in memory and, with a workspace folder, on disk."""

    def __init__(self, folder: Path | None = None):
        self.path = folder / STORE_NAME if folder is not None else None
        self.keys: set[str] = set()
        self.disabled: set[str] = set()
        self._load()

    def _load(self) -> None:
        if self.path is None or not self.path.is_file():
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.keys = {str(k) for k in data.get("ignored", [])}
            self.disabled = {str(r) for r in data.get("disabled_rules", [])}
        except (OSError, ValueError, AttributeError):
            self.keys, self.disabled = set(), set()  # a broken store is ignored, not fatal

    def save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(exist_ok=True)
        payload = {"ignored": sorted(self.keys), "disabled_rules": sorted(self.disabled)}
        fd, temp = tempfile.mkstemp(prefix=".ignores.", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(payload, handle, indent=2)
            os.replace(temp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise

    def ignores(self, rule: str, key: str) -> bool:
        return rule in self.disabled or key in self.keys
