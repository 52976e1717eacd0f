"""A case read as one file: every document parsed, one name table learnt across all of them.

The mapping tool's case example (seed 001) found the father's pattern only when every
agency's notes were read together: a name a police log binds ("Shaun DOYLE (35)") must be
known when a school note says "his dad". So the resolver learns from every document of the
case before any sentence is read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc, Span

from blamecheck.analysis.readable import readable
from blamecheck.analysis.roles import Role, RoleResolver
from blamecheck.api import Analyzer, Block, split_blocks
from blamecheck.errors import InputError
from blamecheck.positions import LineIndex
from blamecheck.readers import documents
from blamecheck.readers.document import Document, kind_of, load

SUFFIXES = (".txt", ".text", ".md", ".markdown", ".docx")
_ISO = re.compile(r"\b(20\d\d|19\d\d)-(\d\d)-(\d\d)\b")
_DMY = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](20\d\d|19\d\d)\b")
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ]
    )
}
_WORDY = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)? (" + "|".join(_MONTHS) + r") (20\d\d|19\d\d)\b", re.I
)
DATE_LINES = 6  # a document's own date is written in its first lines ("Date: 2024-02-11")


@dataclass
class CaseDocument:
    """One document of a case: its text, the prose read, and that prose parsed by paragraph."""

    name: str  # as shown: relative to the case folder
    document: Document
    prose: str
    date: str | None
    blocks: list[Block]
    docs: list[Doc]
    _to_original: object = field(default=None, repr=False)
    _lines: LineIndex | None = field(default=None, repr=False)

    def original(self, offset: int, *, end: bool = False) -> int:
        """The offset in the document's text of an offset in its prose."""
        prose = self._to_original
        return prose.to_original(offset, end=end) if prose is not None else offset  # type: ignore[attr-defined]

    def line(self, offset: int) -> int:
        if self._lines is None:
            self._lines = LineIndex(self.document.text)
        return self._lines.position(offset)[0]

    def sentences(self) -> Iterator[tuple[Block, Span]]:
        for block, doc in zip(self.blocks, self.docs, strict=True):
            for sentence in doc.sents:
                yield block, sentence


@dataclass
class ReadCase:
    name: str
    path: str
    documents: list[CaseDocument]
    resolver: RoleResolver
    notices: list[str]


def document_date(text: str) -> str | None:
    """The date a document states in its first lines, as YYYY-MM-DD, or None."""
    head = "\n".join(text.splitlines()[:DATE_LINES])
    if m := _ISO.search(head):
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    if m := _DMY.search(head):  # UK order: day/month/year
        day, month = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{m.group(3)}-{month:02d}-{day:02d}"
    if m := _WORDY.search(head):
        return f"{m.group(3)}-{_MONTHS[m.group(2).lower()]:02d}-{int(m.group(1)):02d}"
    return None


def case_files(path: Path) -> list[Path]:
    """The documents of one case: a file, or the readable files of a folder (not its
    sub-folders, which are cases of their own), in name order."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)


def read_case(
    path: Path, analyzer: Analyzer, names: dict[str, Role] | None = None, max_mb: float = 10.0
) -> ReadCase:
    """Read, parse and resolve one case; raises InputError when it holds nothing readable."""
    files = case_files(path)
    notices: list[str] = []
    loaded: list[tuple[str, Document]] = []
    base = path if path.is_dir() else path.parent
    for file in files:
        shown = str(file.relative_to(base)) if file.is_relative_to(base) else str(file)
        try:
            document = load(documents.Source(str(file)), kind_of(file.name), None, max_mb)
        except InputError as exc:
            notices.append(f"not read: {exc}")
            continue
        loaded.append((shown, document))
        notices.extend(document.notices())
    if not loaded:
        raise InputError(f"{path}: no document blamecheck can read (.txt, .md, .docx)")
    read: list[CaseDocument] = []
    for shown, document in loaded:
        prose = document.prose()
        text = prose.text if prose is not None else document.text
        blocks = split_blocks(readable(text))
        docs = list(analyzer.nlp.pipe([b.text for b in blocks]))
        read.append(
            CaseDocument(shown, document, text, document_date(document.text), blocks, docs, prose)
        )
    resolver = RoleResolver(analyzer.packs.roles, names)
    resolver.learn(doc for case_doc in read for doc in case_doc.docs)
    name = path.name if path.is_dir() else path.stem
    return ReadCase(name, str(path), read, resolver, notices)
