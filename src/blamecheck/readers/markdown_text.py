"""The prose a reader sees in a Markdown file, and where each of its characters came from.

Markdown syntax confuses the analyser: code and front matter read as sentences, URLs as words,
and emphasis inside a phrase ("she was **pushed**") splits the words a rule looks for.
``prose(text)`` gives the text a reader sees, with a paragraph break wherever Markdown has a
block, and a map back to the original so that findings are reported, and rewritten, in the
file the writer edits. Only .md files (and the editor's markdown language) come here, so a
``*`` or ``#`` is read as Markdown; prose without markup comes back unchanged, mapped 1:1.

Choices a reader of the findings may notice:

- Inline code becomes the neutral word "something" (CODE_WORD). Dropping it leaves a gap the
  parser reads as a missing word ("She was pushed by `Mr Reid`." would read as "pushed by ."
  and be flagged as violence without an actor); a pronoun-like word keeps the grammar without
  adding a name the role resolver could learn. Fenced and indented code is removed outright.
- A finding's span grows over markup opened and closed inside it, never over half a pair:
  "was pushed" in "she was **pushed**" becomes "was **pushed**", so a rewrite replaces the
  emphasis with its words; "pushed" alone stays inside the ``**`` and a rewrite keeps them.
  Markup opened outside the span and closed inside it cannot be kept whole by any span.
- Each table cell becomes its own paragraph, so cells never run together into one sentence.
- Blocks that Markdown separates without a blank line (headings, list items, table rows, a
  blockquote after text) get one, so each is its own paragraph for the analyser.
- Removed markup keeps its line breaks (an HTML comment over three lines leaves three line
  ends), so nothing removed joins the text before it to the text after it.
"""

from __future__ import annotations

import html
import re
import string
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from operator import itemgetter

from blamecheck.findings import Finding, Suggestion
from blamecheck.positions import LineIndex

CODE_WORD = "something"

_ASCII_PUNCT = frozenset(string.punctuation)
_SPECIAL = re.compile(
    r"[\\`*_~\[\]<&]|!\[|(?<![\w@/.:-])(?:https?://|ftp://|www\.)(?=[^\s<])", re.IGNORECASE
)
_URL = re.compile(r"(https?://|ftp://|www\.)[^\s<]*", re.IGNORECASE)
_URL_TRAILING = frozenset("?!.,:*_~'\"")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_ENTITY_END = re.compile(r"&[A-Za-z0-9]+;$")
_LABEL = re.compile(r"\[((?:[^\[\]\\]|\\.){0,999})\]", re.DOTALL)
_AUTOLINK = re.compile(
    r"<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>"
    r"|<[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*>"
)
_OPEN_TAG = re.compile(
    r"<([A-Za-z][A-Za-z0-9-]*)"
    r"(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s\"'=<>`]+|'[^']*'|\"[^\"]*\"))?)*\s*(/?)>"
)
_CLOSE_TAG = re.compile(r"</([A-Za-z][A-Za-z0-9-]*)\s*>")
_OTHER_HTML = re.compile(r"<\?.*?\?>|<![A-Za-z][^>]*>|<!\[CDATA\[.*?\]\]>", re.DOTALL)
_COMMENT_END = re.compile("-->")
_CODE_CLOSE = re.compile(r"</code\s*>", re.IGNORECASE)
_OPENS_HTML = re.compile(r"<!--|<(?:script|style|pre|textarea)\b", re.IGNORECASE)
_RAW_OPEN = re.compile(r"<(script|style|pre|textarea)\b", re.IGNORECASE)
# Elements whose content is not prose: removed with their content, even over blank lines.
_RAW_TAGS = frozenset({"script", "style", "pre", "textarea"})
_VOID_TAGS = frozenset(
    {"area", "base", "col", "embed", "img", "input", "link", "meta", "source", "track", "wbr"}
)
_LINE_TAGS = frozenset({"br", "hr"})
_BLOCK_TAGS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "body", "caption", "center", "dd"),
        *("details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure"),
        *("footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "html", "li"),
        *("main", "nav", "ol", "p", "section", "summary", "table", "tbody", "td", "tfoot"),
        *("th", "thead", "title", "tr", "ul"),
    }
)

_QUOTE = re.compile(r"[ ]{0,3}>[ \t]?")
_MARKER = re.compile(r"([-+*]|(\d{1,9})[.)])([ \t]+|$)")
_TASK = re.compile(r"\[[ xX]\](?:[ \t]+|$)")
_FENCE = re.compile(r"[ ]{0,3}(`{3,}(?=[^`]*$)|~{3,})")
_FENCE_CLOSE = re.compile(r"[ \t>]*(`{3,}|~{3,})[ \t]*$")
_THEMATIC = re.compile(r"[ ]{0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_SETEXT = re.compile(r"[ ]{0,3}(?:=+|-+)[ \t]*$")
_ATX = re.compile(r"[ ]{0,3}#{1,6}(?:[ \t]+|$)")
_DEF = re.compile(
    r"[ ]{0,3}\[(?!\^)(?:[^\[\]\\]|\\.)+\]:[ \t]*(?:<[^>\n]*>|\S+)"
    r"(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^)\n]*\)))?[ \t]*$"
)
_DEF_LABEL = re.compile(r"^[ \t>]*\[(?!\^)((?:[^\[\]\\\n]|\\.)+)\]:", re.MULTILINE)
_FOOTNOTE_DEF = re.compile(r"[ ]{0,3}\[\^[^\]\s]+\]:[ \t]*")
_DELIMITER_ROW = re.compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_QUOTES_PREFIX = re.compile(r"(?:[ ]{0,3}>[ \t]?)*")
_BACKTICKS: dict[int, re.Pattern[str]] = {}


@dataclass(frozen=True)
class Prose:
    """What a reader of a Markdown file sees, with the original offset of every character.

    The map is a list of runs: a run either copies original[src_start:src_end] character for
    character, or is text put in for markup (a paragraph break for a table pipe, CODE_WORD for
    a code span) that stands for the whole of original[src_start:src_end].
    """

    text: str
    source_length: int
    _starts: tuple[int, ...] = field(repr=False, compare=False)
    _src_starts: tuple[int, ...] = field(repr=False, compare=False)
    _src_ends: tuple[int, ...] = field(repr=False, compare=False)
    _copied: tuple[bool, ...] = field(repr=False, compare=False)
    _mark_starts: tuple[int, ...] = field(repr=False, compare=False)
    _marks: tuple[tuple[int, int, int, int], ...] = field(repr=False, compare=False)
    _source_text: str = field(default="", repr=False, compare=False)

    def to_original(self, offset: int, *, end: bool = False) -> int:
        """The original offset of prose offset ``offset``, for 0 <= offset <= len(text).

        As a start (the default) it is where the character at ``offset`` came from; as an
        end (``end=True``, and always for ``len(text)``) it is just after the character before
        ``offset``, so a span never takes in the markup that follows its last word.
        """
        if not 0 <= offset <= len(self.text):
            raise IndexError(f"offset {offset} outside 0..{len(self.text)}")
        if not self._starts:
            return 0
        if end or offset == len(self.text):
            if offset == 0:
                return self._src_starts[0]
            i = bisect_right(self._starts, offset - 1) - 1
            if self._copied[i]:
                return self._src_starts[i] + offset - self._starts[i]
            return self._src_ends[i]
        i = bisect_right(self._starts, offset) - 1
        if self._copied[i]:
            return self._src_starts[i] + offset - self._starts[i]
        return self._src_starts[i]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of prose[start:end], whole for a rewrite to replace.

        It takes in markup next to its ends only when the other half of the pair is inside
        the span (``**`` of "was **pushed**", a backslash escaping its first character), so
        replacing it never leaves half a pair behind and never drops markup around it.
        """
        first = self.to_original(start)
        if end <= start:
            return first, first
        last = self.to_original(end, end=True)
        before = self.to_original(start, end=True) if start else 0
        after = self.to_original(end) if end < len(self.text) else self.source_length
        lo, hi = first, last
        marks = self._marks
        i = bisect_left(self._mark_starts, before)
        while i < len(marks) and marks[i][0] < first:
            mark_start, _, partner_start, partner_end = marks[i]
            if partner_start >= first and partner_end <= last:
                lo = min(lo, mark_start)
            i += 1
        i = bisect_left(self._mark_starts, last)
        while i < len(marks) and marks[i][0] < after:
            _, mark_end, partner_start, partner_end = marks[i]
            if partner_start >= first and partner_end <= last:
                hi = max(hi, mark_end)
            i += 1
        return lo, hi

    def relocate(self, findings: list[Finding], original: str) -> list[Finding]:
        """Findings on ``text`` as findings on ``original``: offsets, lines, columns, text.

        Suggestions are kept as they are: each replaces the whole of the relocated span.
        """
        if len(original) != self.source_length:
            raise ValueError("relocate() needs the text prose() was made from")

        lines = LineIndex(original)
        moved: list[Finding] = []
        for finding in findings:
            start, end = self.span(finding.start, finding.end)
            line, column = lines.position(start)
            end_line, end_column = lines.position(end)
            moved.append(
                finding.model_copy(
                    update={
                        "start": start,
                        "end": end,
                        "line": line,
                        "column": column,
                        "end_line": end_line,
                        "end_column": end_column,
                        "text": original[start:end],
                        "suggestions": self._faithful(finding, original[start:end]),
                    }
                )
            )
        moved.sort(key=Finding.sort_key)
        return moved

    def _code_spans(self, start: int, end: int) -> list[str]:
        """The original code spans (backticks and all) that CODE_WORD stands for in
        prose[start:end], in order."""
        found: list[str] = []
        i = max(0, bisect_right(self._starts, start) - 1)
        while i < len(self._starts) and self._starts[i] < end:
            if not self._copied[i] and self._starts[i] >= start:
                found.append(self._source_text[self._src_starts[i] : self._src_ends[i]])
            i += 1
        return [code for code in found if code.lstrip().startswith(("`", "<code", "<CODE"))]

    def _faithful(self, finding: Finding, flagged: str) -> list[Suggestion]:
        """The suggestions, true to the file: each CODE_WORD a code span stood for is put
        back as the code span, and a suggestion that would still drop something of the flagged
        markup (a link's target, inline HTML, code it cannot place) is marked as not keeping
        the facts, so that `fix` never applies it. Emphasis markers alone may go."""
        codes = self._code_spans(finding.start, finding.end)
        prose_words = _essence(self.text[finding.start : finding.end])
        kept = _essence(flagged)
        out: list[Suggestion] = []
        for suggestion in finding.suggestions:
            replacement = suggestion.replacement
            if codes and replacement.count(CODE_WORD) == len(codes):
                for code in codes:
                    replacement = replacement.replace(CODE_WORD, code, 1)
                words = prose_words
                for code in codes:
                    words = words.replace(_essence(CODE_WORD), _essence(code), 1)
            else:
                words = prose_words
            faithful = words == kept
            update: dict[str, object] = {"replacement": replacement}
            if not faithful:
                update["keeps_facts"] = False
            out.append(suggestion.model_copy(update=update))
        return out


def _essence(text: str) -> str:
    """Text without emphasis markers, invisible characters and white space: what a rewrite
    must carry over."""
    return _INVISIBLE.sub("", re.sub(r"[\s*_~]+", "", text))


# soft hyphen, zero-width space and joiners, word joiner, byte-order mark: pasted from Word or
# PDF, invisible on screen, and enough to hide a word from the rules
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]+")


def plain(text: str) -> Prose | None:
    """Plain text as the analyser should read it, when it holds invisible characters (None
    when it holds none: it is read as it is)."""
    if not _INVISIBLE.search(text):
        return None
    out = _Out(text)
    out.copy(0, len(text))
    return out.build()


def prose(text: str) -> Prose:
    """The prose of Markdown ``text`` and its map back to ``text``. Linear in the length."""
    return _Parser(text).run()


class _Out:
    """The prose being written, run by run, with the original range of each run."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.parts: list[str] = []
        self.starts: list[int] = []
        self.src_starts: list[int] = []
        self.src_ends: list[int] = []
        self.copied: list[bool] = []
        self.length = 0
        self.pairs: list[tuple[int, int, int, int]] = []

    def copy(self, start: int, end: int) -> None:
        if start >= end:
            return
        hidden = _INVISIBLE.search(self.source, start, end)
        if hidden is not None:  # copied around: the analyser reads "pushed", not "pu-shed"
            self.copy(start, hidden.start())
            self.copy(hidden.end(), end)
            return
        if self.copied and self.copied[-1] and self.src_ends[-1] == start:
            self.src_ends[-1] = end
        else:
            self._run(start, end, copied=True)
        self.parts.append(self.source[start:end])
        self.length += end - start

    def insert(self, text: str, start: int, end: int) -> None:
        """Text that stands for original[start:end] (which may be empty)."""
        if text:
            self._run(start, end, copied=False)
            self.parts.append(text)
            self.length += len(text)

    def _run(self, start: int, end: int, *, copied: bool) -> None:
        self.starts.append(self.length)
        self.src_starts.append(start)
        self.src_ends.append(end)
        self.copied.append(copied)

    def build(self) -> Prose:
        marks = sorted(
            [(a0, a1, b0, b1) for a0, a1, b0, b1 in self.pairs]
            + [(b0, b1, a0, a1) for a0, a1, b0, b1 in self.pairs]
        )
        return Prose(
            text="".join(self.parts),
            source_length=len(self.source),
            _starts=tuple(self.starts),
            _src_starts=tuple(self.src_starts),
            _src_ends=tuple(self.src_ends),
            _copied=tuple(self.copied),
            _mark_starts=tuple(m[0] for m in marks),
            _marks=tuple(marks),
            _source_text=self.source,
        )


def _label(raw: str) -> str:
    """A link label as Markdown compares them: case and runs of white space do not count."""
    return " ".join(raw.split()).casefold()


def _indent(text: str, pos: int, end: int) -> tuple[int, int]:
    """Columns of leading blanks (tabs to the next stop of 4) and where the rest begins."""
    width = 0
    while pos < end:
        ch = text[pos]
        if ch == " ":
            width += 1
        elif ch == "\t":
            width += 4 - width % 4
        else:
            break
        pos += 1
    return width, pos


def _pipes(text: str, start: int, end: int) -> list[int]:
    """Positions of the cell-separating pipes of a table row (escaped pipes are text)."""
    found: list[int] = []
    i = text.find("|", start, end)
    while i >= 0:
        if i == start or text[i - 1] != "\\":
            found.append(i)
        i = text.find("|", i + 1, end)
    return found


def _cells(text: str, start: int, end: int) -> tuple[int, int, list[int]]:
    """A row without its outer pipes and blanks, and the pipes between its cells."""
    while start < end and text[start] in " \t":
        start += 1
    while end > start and text[end - 1] in " \t":
        end -= 1
    if start < end and text[start] == "|":
        start += 1
    if end > start and text[end - 1] == "|" and (end - 2 < start or text[end - 2] != "\\"):
        end -= 1
    return start, end, _pipes(text, start, end)


def _is_punct(ch: str) -> bool:
    if ch in _ASCII_PUNCT:
        return True
    return ord(ch) > 127 and unicodedata.category(ch)[0] in "PS"


def _backticks(count: int) -> re.Pattern[str]:
    pattern = _BACKTICKS.get(count)
    if pattern is None:
        pattern = _BACKTICKS[count] = re.compile(rf"(?<!`)`{{{count}}}(?!`)")
    return pattern


class _Parser:
    """Markdown blocks, line by line; the inline markup of each block goes to _Inline."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.out = _Out(text)
        self.defs = frozenset(_label(m.group(1)) for m in _DEF_LABEL.finditer(text))
        self.para: list[tuple[int, int]] = []  # original ranges of the open paragraph's lines
        self.html_end: re.Pattern[str] | None = None  # inside a comment or <pre> until this
        self.fence: tuple[str, int] | None = None
        self.table = 0  # 1: the delimiter row is next; 2: in the table's rows
        self.item_indent: int | None = None  # content column of the list item we are in
        self.quote_depth = 0
        self.prev_blank = True
        self.prev_content = False  # the last line written holds prose
        self.break_next = False  # the line before was a heading

    def run(self) -> Prose:
        lines = self._lines()
        for i in range(self._front_matter(lines), len(lines)):
            self._line(lines, i)
        self._flush()
        return self.out.build()

    def _lines(self) -> list[tuple[int, int, int]]:
        """(start, end of content without CR LF, start of the next line) for every line."""
        text, n = self.text, len(self.text)
        lines: list[tuple[int, int, int]] = []
        start = 0
        while start < n:
            newline = text.find("\n", start)
            end, after = (n, n) if newline < 0 else (newline, newline + 1)
            if end > start and text[end - 1] == "\r":
                end -= 1
            lines.append((start, end, after))
            start = after
        return lines

    def _front_matter(self, lines: list[tuple[int, int, int]]) -> int:
        """The number of lines of YAML (---) or TOML (+++) front matter, removed."""
        if not lines:
            return 0
        text = self.text
        start, end, _ = lines[0]
        if text.startswith("\ufeff"):
            start += 1
        opener = text[start:end].rstrip()
        closers = {"---": ("---", "..."), "+++": ("+++",)}.get(opener)
        if closers is None:
            return 0
        for j in range(1, len(lines)):
            line_start, line_end, _ = lines[j]
            if text[line_start:line_end].rstrip() in closers:
                self.out.copy(lines[0][0], start)  # a byte-order mark stays
                for k in range(j + 1):
                    self._eol(lines[k][1], lines[k][2])
                return j + 1
        return 0

    def _eol(self, end: int, after: int) -> None:
        """The line break of a line whose content is removed."""
        self.out.copy(end, after)
        self.prev_content = False

    def _flush(self) -> None:
        if self.para:
            self._inline(self.para)
            self.para = []

    def _new_block(self, at: int) -> None:
        """Close the open paragraph; make sure a blank line separates what comes next."""
        self._flush()
        if self.prev_content:
            self.out.insert("\n", at, at)
            self.prev_content = False

    def _line(self, lines: list[tuple[int, int, int]], i: int) -> None:
        text = self.text
        start, end, after = lines[i]
        if self.html_end is not None:
            self._inside_html(start, end, after)
            return
        if self.fence is not None:
            close = _FENCE_CLOSE.match(text, start, end)
            if (
                close
                and close.group(1)[0] == self.fence[0]
                and len(close.group(1)) >= self.fence[1]
            ):
                self.fence = None
            self._eol(end, after)
            return

        pos, depth = start, 0
        while quote := _QUOTE.match(text, pos, end):
            pos, depth = quote.end(), depth + 1
        indent, first = _indent(text, pos, end)
        if first >= end:  # a blank line
            self._flush()
            self.out.copy(pos, after)
            self.table, self.break_next, self.quote_depth = 0, False, depth
            self.prev_blank, self.prev_content = True, False
            return
        if (
            self.item_indent is not None
            and self.prev_blank
            and indent < self.item_indent
            and not _MARKER.match(text, first, end)
        ):
            self.item_indent = None
        if not self.para and self.table == 0 and indent >= (self.item_indent or 0) + 4:
            self._eol(end, after)  # an indented code block
            self.prev_blank = False
            return
        self._block(lines, i, pos, depth)
        self.quote_depth = depth
        self.prev_blank = False

    def _inside_html(self, start: int, end: int, after: int) -> None:
        """A line inside an HTML comment or raw element: removed up to where it closes."""
        assert self.html_end is not None
        close = self.html_end.search(self.text, start, end)
        if close is None:
            self._eol(end, after)
            return
        self.html_end = None
        if self.text[close.end() : end].strip():
            self._paragraph_line(close.end(), end, after)
        else:
            self._eol(end, after)

    def _list_markers(self, pos: int, end: int) -> tuple[int, bool]:
        """Skip the list markers (and a task box) that open a line: where content starts."""
        text = self.text
        base, item = pos, False
        while True:
            indent, first = _indent(text, pos, end)
            marker = _MARKER.match(text, first, end)
            if marker is None or _THEMATIC.match(text, pos, end):
                return pos, item
            column = pos - base + indent
            empty = marker.end() >= end
            if not item:
                if self.item_indent is None:
                    if indent > 3:
                        return pos, item
                    ordinal = marker.group(2)
                    if self.para and (empty or (ordinal is not None and int(ordinal) != 1)):
                        return pos, item  # cannot interrupt a paragraph
                elif column >= self.item_indent + 4:
                    return pos, item
            gap, _ = _indent(text, marker.start(3), marker.end(3))
            gap = 1 if empty or gap > 4 else gap
            self.item_indent = column + len(marker.group(1)) + gap
            pos, item = marker.end(), True
            if task := _TASK.match(text, pos, end):
                pos = task.end()

    def _block(self, lines: list[tuple[int, int, int]], i: int, pos: int, depth: int) -> None:
        """A non-blank line outside code: which block it opens or continues."""
        text = self.text
        _, end, after = lines[i]
        if self.table == 1:  # the delimiter row
            self.table = 2
            self._eol(end, after)
            return
        pos, item = self._list_markers(pos, end)
        if item and text[pos:end].strip() == "":
            self._new_block(pos)
            self._eol(end, after)
            return
        if fence := _FENCE.match(text, pos, end):
            self._flush()
            self.table = 0
            self.fence = (fence.group(1)[0], len(fence.group(1)))
            self._eol(end, after)
            return
        if (
            self.para
            and not item
            and self.table == 0
            and depth == self.quote_depth
            and _SETEXT.match(text, pos, end)
        ):
            self._flush()  # the paragraph was a heading; its underline goes
            self._eol(end, after)
            return
        if _THEMATIC.match(text, pos, end):
            self._flush()
            self.table = 0
            self._eol(end, after)
            return
        if heading := _ATX.match(text, pos, end):
            self.table = 0
            self._new_block(pos)
            self._heading(heading.end(), end)
            self._eol(end, after)
            self.prev_content = self.break_next = True
            return
        if not self.para and not item and _DEF.match(text, pos, end):
            self._eol(end, after)  # a link reference definition
            return
        if self.table == 2 and not item and depth >= self.quote_depth:
            self._row(pos, end, after)
            return
        self.table = 0
        if (
            "|" in text[pos:end]
            and i + 1 < len(lines)
            and self._delimiter_row(pos, end, lines[i + 1])
        ):
            self._new_block(pos)
            self._row(pos, end, after)
            self.table = 1
            return
        footnote = _FOOTNOTE_DEF.match(text, pos, end)
        if footnote:
            pos = footnote.end()
        if item or footnote or self.break_next or depth > self.quote_depth:
            self._new_block(pos)
        self.break_next = False
        self._paragraph_line(pos, end, after)

    def _paragraph_line(self, pos: int, end: int, after: int) -> None:
        """Add a line to the open paragraph.

        A line that opens an HTML comment (or <pre>, <script>, ...) and does not close it ends
        the paragraph there, so that the lines after it are read as inside the comment.
        """
        self.para.append((pos, after))
        self.prev_content = True
        line = self.text[pos:end]
        if "<" in line and _OPENS_HTML.search(line):
            comment = line.rfind("<!--")
            raw = _RAW_OPEN.findall(line)
            if (comment >= 0 and "-->" not in line[comment + 4 :]) or any(
                not re.search(rf"</{name}\s*>", line, re.IGNORECASE) for name in raw
            ):
                self._flush()

    def _delimiter_row(self, pos: int, end: int, following: tuple[int, int, int]) -> bool:
        """Whether the next line makes this one the header row of a table (GFM)."""
        text = self.text
        start, next_end, _ = following
        quotes = _QUOTES_PREFIX.match(text, start, next_end)
        start = quotes.end() if quotes else start
        row = text[start:next_end]
        if "-" not in row or "|" not in row or not _DELIMITER_ROW.match(text, start, next_end):
            return False
        return len(_cells(text, pos, end)[2]) == len(_cells(text, start, next_end)[2])

    def _heading(self, start: int, end: int) -> None:
        """An ATX heading's words, without its closing run of #."""
        text = self.text
        while end > start and text[end - 1] in " \t":
            end -= 1
        hashes = end
        while hashes > start and text[hashes - 1] == "#":
            hashes -= 1
        if hashes < end and (hashes == start or text[hashes - 1] in " \t"):
            end = hashes
            while end > start and text[end - 1] in " \t":
                end -= 1
        self._inline([(start, end)])

    def _row(self, pos: int, end: int, after: int) -> None:
        """A table row: each cell its own paragraph."""
        if self.prev_content:
            self.out.insert("\n", pos, pos)
        start, stop, pipes = _cells(self.text, pos, end)
        cell = start
        for pipe in pipes:
            self._inline([(cell, pipe)])
            self.out.insert("\n\n", pipe, pipe + 1)
            cell = pipe + 1
        self._inline([(cell, stop)])
        self._eol(end, after)
        self.prev_content = True

    def _inline(self, runs: list[tuple[int, int]]) -> None:
        """Write the prose of one paragraph, heading or cell (original ranges, in order)."""
        runs = [(s, e) for s, e in runs if e > s]
        if not runs:
            return
        text, out = self.text, self.out
        v = "".join(text[s:e] for s, e in runs)
        if not _SPECIAL.search(v):
            for s, e in runs:
                out.copy(s, e)
            return
        scan = _Inline(v, self.defs)
        scan.run()
        if scan.html_end is not None:
            self.html_end = scan.html_end
        offsets: list[int] = []
        total = 0
        for s, e in runs:
            offsets.append(total)
            total += e - s

        def orig(x: int) -> int:
            k = bisect_right(offsets, x) - 1
            return runs[k][0] + x - offsets[k]

        def keep(a: int, b: int) -> None:
            k = bisect_right(offsets, a) - 1
            while a < b:
                s, e = runs[k]
                stop = min(b, offsets[k] + e - s)
                out.copy(s + a - offsets[k], s + stop - offsets[k])
                a, k = stop, k + 1

        pos = 0
        for a, b, replacement in sorted(scan.removals, key=itemgetter(0)):
            if b <= pos:
                continue
            a = max(a, pos)
            keep(pos, a)
            if replacement is None:
                newline = v.find("\n", a, b)
                while newline >= 0:
                    keep(newline, newline + 1)
                    newline = v.find("\n", newline + 1, b)
            else:
                out.insert(replacement, orig(a), orig(b - 1) + 1)
            pos = b
        keep(pos, len(v))
        for (a0, a1), (b0, b1) in scan.pairs:
            out.pairs.append((orig(a0), orig(a1 - 1) + 1, orig(b0), orig(b1 - 1) + 1))


@dataclass(slots=True)
class _Delimiter:
    char: str
    start: int  # first character not yet used
    count: int  # characters not yet used
    length: int  # the run's length, for the rule of three
    can_open: bool
    can_close: bool


@dataclass(slots=True)
class _Bracket:
    pos: int
    width: int  # 1 for "[", 2 for "!["
    delimiter: int  # how many emphasis delimiters came before it
    active: bool = True


class _Inline:
    """The inline markup of one block of text (CommonMark and GFM, in one pass).

    Collects what to remove (with what stands for it, if anything) and the pairs of markup
    that belong together, as offsets in the block's text.
    """

    def __init__(self, v: str, defs: frozenset[str]) -> None:
        self.v = v
        self.n = len(v)
        self.defs = defs
        self.removals: list[tuple[int, int, str | None]] = []
        self.pairs: list[tuple[tuple[int, int], tuple[int, int]]] = []
        self.delimiters: list[_Delimiter] = []
        self.brackets: list[_Bracket] = []
        self.tags: list[tuple[str, int, int]] = []
        self.html_end: re.Pattern[str] | None = None
        self.no_closer: set[int] = set()  # backtick run lengths with no closing run left

    def run(self) -> None:
        v, pos = self.v, 0
        while found := _SPECIAL.search(v, pos):
            p, c = found.start(), v[found.start()]
            if c == "\\":
                pos = self._escape(p)
            elif c == "`":
                pos = self._code(p)
            elif c in "*_~":
                pos = self._delimiter_run(p)
            elif c == "[":
                self.brackets.append(_Bracket(p, 1, len(self.delimiters)))
                pos = p + 1
            elif c == "!":
                self.brackets.append(_Bracket(p, 2, len(self.delimiters)))
                pos = p + 2
            elif c == "]":
                pos = self._close_bracket(p)
            elif c == "<":
                pos = self._angle(p)
            elif c == "&":
                pos = self._entity(p)
            else:
                pos = self._url(p)
        self._emphasis(0)

    def _remove(self, start: int, end: int, replacement: str | None = None) -> None:
        self.removals.append((start, end, replacement))

    def _escape(self, p: int) -> int:
        v = self.v
        if p + 1 < self.n and v[p + 1] in _ASCII_PUNCT:
            self._remove(p, p + 1)
            self.pairs.append(((p, p + 1), (p + 1, p + 2)))
            return p + 2
        if v.startswith("\n", p + 1) or v.startswith("\r\n", p + 1):
            self._remove(p, p + 1)  # a hard line break
        return p + 1

    def _code(self, p: int) -> int:
        v = self.v
        e = p
        while e < self.n and v[e] == "`":
            e += 1
        count = e - p
        if count in self.no_closer:
            return e
        close = _backticks(count).search(v, e)
        if close is None:
            self.no_closer.add(count)
            return e
        self._remove(p, close.end(), CODE_WORD)
        return close.end()

    def _delimiter_run(self, p: int) -> int:
        v, c = self.v, self.v[p]
        e = p + 1
        while e < self.n and v[e] == c:
            e += 1
        count = e - p
        if c == "~" and count > 2:
            return e
        before = v[p - 1] if p else "\n"
        after = v[e] if e < self.n else "\n"
        before_space, after_space = before.isspace(), after.isspace()
        before_punct, after_punct = _is_punct(before), _is_punct(after)
        left = not after_space and (not after_punct or before_space or before_punct)
        right = not before_space and (not before_punct or after_space or after_punct)
        if c == "_":
            can_open = left and (not right or before_punct)
            can_close = right and (not left or after_punct)
        else:
            can_open, can_close = left, right
        if can_open or can_close:
            self.delimiters.append(_Delimiter(c, p, count, count, can_open, can_close))
        return e

    def _emphasis(self, bottom: int) -> None:
        """Pair emphasis delimiters above ``bottom`` (CommonMark's process emphasis)."""
        delims = self.delimiters
        openers_bottom: dict[tuple[str, bool, int], int] = {}
        i = bottom
        while i < len(delims):
            closer = delims[i]
            if not closer.can_close or closer.count == 0:
                i += 1
                continue
            key = (closer.char, closer.can_open, closer.length % 3)
            j = i - 1
            floor = openers_bottom.get(key, bottom)
            while j >= floor:
                opener = delims[j]
                if (
                    opener.char == closer.char
                    and opener.can_open
                    and opener.count > 0
                    and self._compatible(opener, closer)
                ):
                    break
                j -= 1
            if j < floor:
                openers_bottom[key] = i
                i += 1
                continue
            opener = delims[j]
            if closer.char == "~":
                used = closer.count
            else:
                used = 2 if opener.count >= 2 and closer.count >= 2 else 1
            a0 = opener.start + opener.count - used
            b0 = closer.start
            self._remove(a0, a0 + used)
            self._remove(b0, b0 + used)
            self.pairs.append(((a0, a0 + used), (b0, b0 + used)))
            opener.count -= used
            closer.start += used
            closer.count -= used
            for between in delims[j + 1 : i]:
                between.count = 0
            if closer.count == 0:
                i += 1

    @staticmethod
    def _compatible(opener: _Delimiter, closer: _Delimiter) -> bool:
        if opener.char == "~":
            return opener.length == closer.length
        both = opener.length + closer.length
        return not (
            (opener.can_close or closer.can_open)
            and both % 3 == 0
            and not (opener.length % 3 == 0 and closer.length % 3 == 0)
        )

    def _close_bracket(self, p: int) -> int:
        if not self.brackets:
            return p + 1
        opener = self.brackets[-1]
        if not opener.active:
            self.brackets.pop()
            return p + 1
        v, n = self.v, self.n
        inner = opener.pos + opener.width
        label = v[inner + 1 : p]
        if (
            opener.width == 1
            and v.startswith("^", inner)
            and label
            and not any(ch.isspace() for ch in label)
        ):
            self._remove(opener.pos, p + 1)  # a footnote reference
            del self.delimiters[opener.delimiter :]
            self.brackets.pop()
            return p + 1
        tail = -1
        if p + 1 < n and v[p + 1] == "(":
            tail = self._link_tail(p + 1)
        if tail < 0 and p + 1 < n and v[p + 1] == "[":
            ref = _LABEL.match(v, p + 1)
            if ref:
                tail = ref.end()
        if tail < 0 and _label(v[inner:p]) in self.defs:
            tail = p + 1
        self.brackets.pop()
        if tail < 0:
            return p + 1
        self._remove(opener.pos, inner)
        self._remove(p, tail)
        self.pairs.append(((opener.pos, inner), (p, tail)))
        self._emphasis(opener.delimiter)
        del self.delimiters[opener.delimiter :]
        if opener.width == 1:  # no links inside links
            for earlier in self.brackets:
                if earlier.width == 1:
                    earlier.active = False
        return tail

    def _link_tail(self, p: int) -> int:
        """The end of an inline link's "(destination "title")" at ``p``, or -1."""
        v, n = self.v, self.n
        i = p + 1
        while i < n and v[i].isspace():
            i += 1
        if i < n and v[i] == "<":
            i += 1
            while i < n and v[i] not in "<>\n":
                i += 2 if v[i] == "\\" else 1
            if i >= n or v[i] != ">":
                return -1
            i += 1
        else:
            depth = 0
            while i < n:
                ch = v[i]
                if ch == "\\":
                    i += 2
                    continue
                if ch.isspace() or ord(ch) < 32:
                    break
                if ch == "(":
                    depth += 1
                elif ch == ")":
                    if depth == 0:
                        break
                    depth -= 1
                i += 1
            if depth or i > n:
                return -1
        j = i
        while j < n and v[j].isspace():
            j += 1
        if j > i and j < n and v[j] in "\"'(":
            close = ")" if v[j] == "(" else v[j]
            j += 1
            while j < n and v[j] != close:
                j += 2 if v[j] == "\\" else 1
            if j >= n:
                return -1
            j += 1
            while j < n and v[j].isspace():
                j += 1
        return j + 1 if j < n and v[j] == ")" else -1

    def _angle(self, p: int) -> int:
        v = self.v
        if v.startswith("<!--", p):
            if v.startswith(">", p + 4) or v.startswith("->", p + 4):
                end = v.find(">", p + 4) + 1
            else:
                close = v.find("-->", p + 4)
                if close < 0:
                    self._remove(p, self.n)
                    self.html_end = _COMMENT_END
                    return self.n
                end = close + 3
            self._remove(p, end)
            return end
        if match := _AUTOLINK.match(v, p):
            self._remove(p, match.end())
            return match.end()
        if match := _CLOSE_TAG.match(v, p):
            self._tag(match.group(1).lower(), p, match.end(), closing=True)
            return match.end()
        if match := _OPEN_TAG.match(v, p):
            name = match.group(1).lower()
            if name in _RAW_TAGS:
                ending = re.compile(rf"</{name}\s*>", re.IGNORECASE)
                close = ending.search(v, match.end())
                if close is None:
                    self._remove(p, self.n)
                    self.html_end = ending
                    return self.n
                self._remove(p, close.end())
                return close.end()
            if name == "code" and (close := _CODE_CLOSE.search(v, match.end())):
                self._remove(p, close.end(), CODE_WORD)
                return close.end()
            self._tag(name, p, match.end(), closing=False, empty=bool(match.group(2)))
            return match.end()
        if match := _OTHER_HTML.match(v, p):
            self._remove(p, match.end())
            return match.end()
        return p + 1

    def _tag(self, name: str, start: int, end: int, *, closing: bool, empty: bool = False) -> None:
        """Remove an HTML tag: a block tag leaves a paragraph break, <br> a line break."""
        if name in _LINE_TAGS:
            self._remove(start, end, "\n")
        elif name in _BLOCK_TAGS:
            self._remove(start, end, "\n\n")
        else:
            self._remove(start, end)
            if closing:
                for k in range(len(self.tags) - 1, -1, -1):
                    if self.tags[k][0] == name:
                        _, open_start, open_end = self.tags[k]
                        self.pairs.append(((open_start, open_end), (start, end)))
                        del self.tags[k:]
                        break
            elif not empty and name not in _VOID_TAGS:
                self.tags.append((name, start, end))

    def _entity(self, p: int) -> int:
        match = _ENTITY.match(self.v, p)
        if match is None:
            return p + 1
        decoded = html.unescape(match.group())
        if decoded != match.group():
            self._remove(p, match.end(), decoded)
        return match.end()

    def _url(self, p: int) -> int:
        """A bare URL (GFM's extended autolinks), without the punctuation that follows it."""
        v = self.v
        match = _URL.match(v, p)
        assert match is not None
        end = match.end()
        while end > p:
            ch = v[end - 1]
            unbalanced = ch == ")" and v.count("(", p, end) < v.count(")", p, end)
            if ch in _URL_TRAILING or unbalanced:
                end -= 1
            elif ch == ";" and (entity := _ENTITY_END.search(v, p, end)):
                end = entity.start()
            else:
                break
        if end <= match.end(1):
            return p + 1  # a scheme or "www." with nothing after it
        self._remove(p, end)
        return end
