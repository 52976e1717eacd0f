"""Offsets to lines and columns, and back, as the LSP specification and editors count them.

One place owns line ends: LF, CRLF and a lone CR, and nothing else. Python's
``str.splitlines`` also breaks at form feed, vertical tab, U+001C-U+001E, U+0085, U+2028 and
U+2029; `pdftotext` puts a form feed between pages and Word exports keep them, so a document
holding one would have every position after it off by a line. pygls's own document model
splits that way (``TextDocument.lines``), so the language server keeps its documents here,
and tests/test_positions.py fails the day pygls changes.

Columns sent to an editor are in the negotiated units (UTF-16 by default; UTF-8 or UTF-32
when offered); the command line prints 1-based code-point columns on the same lines.
"""

from __future__ import annotations

import bisect
import re
from typing import Literal

Encoding = Literal["utf-8", "utf-16", "utf-32"]
LINE_END = re.compile(r"\r\n|\r|\n")


def _units(text: str, encoding: Encoding) -> int:
    """Length of ``text`` in code units (a lone surrogate counts as one UTF-16 unit)."""
    if encoding == "utf-32" or text.isascii():
        return len(text)
    if encoding == "utf-8":
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class LineIndex:
    """A text's line starts, for positions in either direction."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0, *(m.end() for m in LINE_END.finditer(text))]

    def line_of(self, offset: int) -> int:
        """The 0-based line an offset is on."""
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def content_end(self, line: int) -> int:
        """Where the line's own characters end, before its line end."""
        if line + 1 < len(self.starts):
            end = self.starts[line + 1]
            return end - 2 if self.text.startswith("\r\n", end - 2) else end - 1
        return len(self.text)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based line and code-point column, as the command line prints them."""
        offset = min(max(0, offset), len(self.text))
        line = self.line_of(offset)
        return line + 1, offset - self.starts[line] + 1

    def lsp_position(self, offset: int, encoding: Encoding = "utf-16") -> dict[str, int]:
        """The LSP position (0-based line, column in ``encoding`` units) of an offset."""
        offset = min(max(0, offset), len(self.text))
        line = self.line_of(offset)
        start = self.starts[line]
        return {"line": line, "character": _units(self.text[start:offset], encoding)}

    def offset(self, line: int, character: int, encoding: Encoding = "utf-16") -> int:
        """The offset of an LSP position. As the specification says, a column past the end
        of its line means the end of the line; a line past the end means the end of the text;
        a column inside a character that takes two units means the start of that character."""
        if line < 0:
            return 0
        if line >= len(self.starts):
            return len(self.text)
        start, end = self.starts[line], self.content_end(line)
        if character <= 0:
            return start
        if encoding == "utf-32":
            return min(start + character, end)
        counted = 0
        for i in range(start, end):
            counted += _units(self.text[i], encoding)
            if counted > character:
                return i
            if counted == character:
                return i + 1
        return end


def apply_change(
    text: str, start: tuple[int, int], end: tuple[int, int], new_text: str, encoding: Encoding
) -> str:
    """``text`` with the range from ``start`` to ``end`` (LSP line, character pairs) replaced."""
    lines = LineIndex(text)
    lo, hi = lines.offset(*start, encoding), lines.offset(*end, encoding)
    if hi < lo:
        lo, hi = hi, lo
    return text[:lo] + new_text + text[hi:]


def encoding_of(kind: object) -> Encoding:
    """The negotiated position encoding as one of the three names (UTF-16 when unknown)."""
    value = str(getattr(kind, "value", kind) or "").lower()
    return value if value in ("utf-8", "utf-32") else "utf-16"  # type: ignore[return-value]
