"""One shape for every kind of input: the text blamecheck read, the prose the analyser reads,
and the way back from a finding in that prose to the place a writer sees in the source.

Only this module tells text, Markdown and Word apart; everything after it asks the Document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from blamecheck.errors import InputError
from blamecheck.positions import LineIndex
from blamecheck.readers import documents

if TYPE_CHECKING:
    from blamecheck.findings import Finding
    from blamecheck.readers.docx_text import DocxText
    from blamecheck.readers.markdown_text import Prose


class Kind(StrEnum):
    TEXT = "text"
    MARKDOWN = "markdown"
    DOCX = "docx"


_SUFFIX_KINDS = {
    ".txt": Kind.TEXT,
    ".text": Kind.TEXT,
    ".md": Kind.MARKDOWN,
    ".markdown": Kind.MARKDOWN,
    ".docx": Kind.DOCX,
}


def kind_of(name: str) -> Kind:
    """The kind a file name says; anything unknown is read as plain text."""
    return _SUFFIX_KINDS.get(Path(name).suffix.lower(), Kind.TEXT)


def kind_of_language(language_id: str) -> Kind:
    """The kind an editor's language id says (editors send no Word documents)."""
    return Kind.MARKDOWN if language_id == "markdown" else Kind.TEXT


@dataclass
class Document:
    """What blamecheck read: ``text`` is what finding offsets refer to (for Word, the
    paragraphs' text, one analyser paragraph per Word paragraph)."""

    path: str
    text: str
    kind: Kind
    codec: str = "utf-8"
    docx: DocxText | None = None

    def prose(self) -> Prose | None:
        """The prose a reader sees, with its map back to ``text``; None: read ``text`` as is.

        Markdown loses code, front matter and link targets; any kind loses invisible
        characters (soft hyphens, zero-width spaces) that would hide a word from the rules.
        """
        from blamecheck.readers.markdown_text import plain, prose

        return prose(self.text) if self.kind == Kind.MARKDOWN else plain(self.text)

    @property
    def takes_inline_comments(self) -> bool:
        """Whether a writer can silence a finding with a blamecheck comment in the text
        (Word has its own comments, which the review writes and does not read)."""
        return self.kind != Kind.DOCX

    def locate(self, findings: list[Finding]) -> list[Finding]:
        """Findings placed where the writer sees them: a Word paragraph's number and column."""
        return self.docx.relocate(findings) if self.docx is not None else findings

    def notices(self) -> list[str]:
        """What the reader could not read, about the file and never its words."""
        notices = []
        if self.docx is not None and self.docx.unread:
            notices.append(
                f"{self.path}: not checked: {', '.join(self.docx.unread)} (blamecheck "
                "reads the body, tables, headers and footers)"
            )
        if self.kind == Kind.MARKDOWN:
            # only a comment that opens a line starts an HTML block that runs to the end;
            # "<!--" inside a paragraph is text (CommonMark), and the rest is still read
            opened = _unclosed_comment_block(self.text)
            if opened is not None:
                line, column = LineIndex(self.text).position(opened)
                notices.append(
                    f"{self.path}:{line}:{column}: an HTML comment opened here is never "
                    "closed; nothing after it is checked"
                )
        return notices


def _unclosed_comment_block(text: str) -> int | None:
    """Where the last HTML comment that opens a line (up to three spaces in) and is never
    closed begins, or None."""
    for match in reversed(list(_COMMENT_OPENING.finditer(text))):
        start = match.end() - 4
        if text.find("-->", start + 4) < 0:
            return start
        return None
    return None


_COMMENT_OPENING = re.compile(r"^ {0,3}<!--", re.MULTILINE)


def load(source: documents.Source, kind: Kind, encoding: str | None, max_mb: float) -> Document:
    """Read one source as its kind; raises InputError with a one-line reason."""
    if kind == Kind.DOCX:
        from blamecheck.readers.docx_text import read_docx

        if source.is_stdin:
            raise InputError("standard input: Word documents must be given as a file path")
        docx = read_docx(source.path, max_mb)
        return Document(source.path, docx.text, kind, docx=docx)
    text, codec = documents.read_with_encoding(source, encoding, max_mb)
    return Document(source.path, text, kind, codec)
