"""The prose a reader sees in a Markdown file, and where each of its characters came from.

Markdown syntax confuses the analyser: code and front matter read as sentences, URLs as words,
and emphasis inside a phrase ("she was **pushed**") splits the words a rule looks for.
``prose(text)`` gives the text a reader sees, with a paragraph break wherever Markdown has a
block, and a map back to the original so that findings are reported, and rewritten, in the
file the writer edits. Only .md files (and the editor's markdown language) come here, so a
``*`` or ``#`` is read as Markdown; prose without markup comes back unchanged, mapped 1:1.

The blocks and inlines are CommonMark's (with GitHub's tables, strikethrough, task lists and
footnotes), as pyromark (the pulldown-cmark parser) reads them: a hand-written parser drifted
from the spec exactly where findings were lost (an unclosed fence in a quote hid the rest of
the file; a reference definition's title on its own line was read as prose). pyromark gives
the source range of every event, so each character is mapped without guessing.

Choices a reader of the findings may notice:

- A line break inside a paragraph (a soft break) is a space, one for each line-end character,
  as a browser shows it: "She was\\npushed." is one sentence. A hard break (two spaces or a
  backslash at the end of the line) stays a line break.
- Inline code becomes the neutral word "something" (CODE_WORD). Dropping it leaves a gap the
  parser reads as a missing word ("She was pushed by `Mr Reid`." would read as "pushed by ."
  and be flagged as violence without an actor); a pronoun-like word keeps the grammar without
  adding a name the role resolver could learn. Fenced and indented code is removed outright.
- A finding's span grows over markup opened and closed inside it, never over half a pair:
  "was pushed" in "she was **pushed**" becomes "was **pushed**", so a rewrite replaces the
  emphasis with its words; "pushed" alone stays inside the ``**`` and a rewrite keeps them.
  Markup opened outside the span and closed inside it cannot be kept whole by any span.
- Each heading, list item and table cell is its own paragraph (a blank line is put in where
  the file has none), so cells and items never run together into one sentence.
- Link targets, autolinks and bare URLs go; link text and image descriptions stay. Raw HTML
  loses its tags and comments (and the content of script, style, pre and textarea); a block
  tag starts a new paragraph, <br> a new line.
- Removed blocks keep their line breaks (front matter or an HTML comment over three lines
  leaves three line ends), so nothing removed joins the text before it to the text after it.
"""

from __future__ import annotations

import html
import re
import string
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

import pyromark

from blamecheck.findings import Finding, Suggestion
from blamecheck.positions import LineIndex

CODE_WORD = "something"

_OPTIONS = (
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_TASKLISTS
    | pyromark.Options.ENABLE_FOOTNOTES
    | pyromark.Options.ENABLE_GFM  # "> [!NOTE]" alerts: the marker is not prose
)
# Inline tags, with _LINKS: every other Start and End opens or closes a block.
_INLINE = frozenset({"Emphasis", "Strong", "Strikethrough", "Superscript", "Subscript"})
_LINKS = frozenset({"Link", "Image"})

_ASCII_PUNCT = frozenset(string.punctuation)
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_LINE_END = re.compile(r"\r\n?|\n")
_URL_START = re.compile(r"(?<![\w@/.:-])(?:https?://|ftp://|www\.)(?=[^\s<])", re.IGNORECASE)
_URL = re.compile(r"(https?://|ftp://|www\.)[^\s<]*", re.IGNORECASE)
_URL_TRAILING = frozenset("?!.,:*_~'\"")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_ENTITY_END = re.compile(r"&[A-Za-z0-9]+;$")
_HTML_SPECIAL = re.compile(r"[<&]")
_OPEN_TAG = re.compile(
    r"<([A-Za-z][A-Za-z0-9-]*)"
    r"(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s\"'=<>`]+|'[^']*'|\"[^\"]*\"))?)*\s*(/?)>"
)
_CLOSE_TAG = re.compile(r"</([A-Za-z][A-Za-z0-9-]*)\s*>")
# comments, processing instructions, declarations, CDATA (an unclosed one runs to the end)
_OTHER_HTML = re.compile(
    r"<!---?>|<!--.*?(?:-->|\Z)|<\?.*?(?:\?>|\Z)|<![A-Za-z][^>]*>?|<!\[CDATA\[.*?(?:\]\]>|\Z)",
    re.DOTALL,
)
# Elements whose content is not prose: removed with their content.
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
_CLOSERS: dict[str, re.Pattern[str]] = {}


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
    return _Builder(text).run()


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


def _front_matter(text: str) -> int:
    """Where the Markdown after YAML (---) or TOML (+++) front matter starts (past a
    byte-order mark, which would hide a heading on the first line from the parser).

    Only the first lines of the file are front matter, as static site generators read it
    (pyromark's metadata blocks would hide a "---" block anywhere in the file).
    """
    start = 1 if text.startswith("\ufeff") else 0
    first = text.find("\n", start)
    closers = {"---": ("---", "..."), "+++": ("+++",)}.get(text[start:first].rstrip())
    if first < 0 or closers is None:
        return start
    pos = first + 1
    while pos < len(text):
        newline = text.find("\n", pos)
        end = len(text) if newline < 0 else newline + 1
        if text[pos:end].rstrip() in closers:
            return end
        pos = end
    return start


class _Offsets:
    """pyromark's UTF-8 byte offsets as offsets in the text, from where the parsed part starts.

    Events start and end on ASCII markup or at the edge of a run of other characters, so only
    runs are recorded; the rare offset inside a run is measured by decoding that run alone.
    """

    def __init__(self, text: str, base: int) -> None:
        self.base = base
        self.encoded = b"" if text.isascii() else text.encode()
        self.starts: list[int] = []  # byte offset where each run of non-ASCII starts
        self.ends: list[int] = []  # and ends
        self.extra: list[int] = []  # bytes beyond one a character, up to each run's end
        extra = 0
        if self.encoded:
            for run in _NON_ASCII.finditer(text):
                self.starts.append(run.start() + extra)
                extra += len(run.group().encode()) - len(run.group())
                self.ends.append(run.end() + extra)
                self.extra.append(extra)

    def __call__(self, offset: int) -> int:
        if not self.ends:
            return self.base + offset
        k = bisect_right(self.ends, offset)
        before = self.extra[k - 1] if k else 0
        if k < len(self.starts) and self.starts[k] < offset:
            inside = len(self.encoded[self.starts[k] : offset].decode())
            return self.base + self.starts[k] - before + inside
        return self.base + offset - before


def _outside(start: int, end: int, cuts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of start..end that no cut (sorted, apart) covers."""
    if not cuts:
        return [(start, end)]
    parts: list[tuple[int, int]] = []
    for a, b in cuts:
        if b <= start or a >= end:
            continue
        if a > start:
            parts.append((start, a))
        start = max(start, b)
    if start < end:
        parts.append((start, end))
    return parts


def _closer(name: str) -> re.Pattern[str]:
    pattern = _CLOSERS.get(name)
    if pattern is None:
        pattern = _CLOSERS[name] = re.compile(rf"</{name}\s*>", re.IGNORECASE)
    return pattern


class _Builder:
    """The prose of a Markdown file, written from pyromark's events in one pass.

    Text is copied from the source. What lies between two pieces of text (markup, a link's
    target, a removed block) is a gap: between blocks only its line ends are kept; inside a
    paragraph each of its line-end characters becomes a space and the rest goes.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.out = _Out(text)
        self.pos = 0  # the source before this is written
        self.inline = False  # inside the text of a paragraph, heading, item or cell
        self.seen_text = False
        self.newlines = 0  # line ends written since the last word
        self.hidden = 0  # inside code or an autolink: nothing is prose
        self.skip_to = 0  # an inline <script>, <pre>, ... element runs to here
        self.blocks: list[int] = []  # the end of each open block
        self.last_end = 0  # the end of the last text or inline markup read
        self.pending: list[tuple[int, int, str]] = []  # adjacent text, for bare URLs
        self.spans: list[tuple[str, int, int]] = []  # open emphasis and links
        self.tags: list[tuple[str, int, int]] = []  # open inline HTML tags of this block
        self.html: list[tuple[int, int]] | None = None  # the lines of an HTML block

    def run(self) -> Prose:
        text = self.text
        body = _front_matter(text)
        offsets = _Offsets(text[body:], body)
        ascii_only = not offsets.ends
        for event, where in pyromark.events_with_range(text[body:], options=_OPTIONS):
            if ascii_only:
                start, end = where["start"] + body, where["end"] + body
            else:
                start, end = offsets(where["start"]), offsets(where["end"])
            if isinstance(event, str):  # SoftBreak, HardBreak, Rule
                if event == "SoftBreak":
                    self._soft_break(start, end)
                elif event == "HardBreak":
                    self._hard_break(start, end)
                continue
            kind, value = next(iter(event.items()))
            if kind == "Text":
                self._text(start, end, value)
            elif kind == "Start" or kind == "End":
                tag = value if isinstance(value, str) else next(iter(value))
                if kind == "End":
                    self._end(tag, start, end)
                elif tag in _LINKS:
                    self._start_link(tag, value[tag]["link_type"], start)
                else:
                    self._start(tag, start, end)
            elif kind == "Code":
                self._code(start, end)
            elif kind == "InlineHtml":
                self._inline_html(start, end)
            elif kind == "Html" and self.html is not None:
                self.html.append((start, end))
            # FootnoteReference, TaskListMarker: markup, left out with the gap they are in
        self._close_text()
        self._gap(len(text))
        return self.out.build()

    # -- writing ----------------------------------------------------------------------------

    def _copy(self, start: int, end: int) -> None:
        if start < end:
            self.out.copy(start, end)
            if self.text[end - 1].isspace():
                self._wrote(self.text[start:end])
            else:
                self.newlines, self.seen_text = 0, True

    def _insert(self, text: str, start: int, end: int) -> None:
        self.out.insert(text, start, end)
        self._wrote(text)

    def _wrote(self, chunk: str) -> None:
        """Count the line ends since the last word, to know whether a blank line is needed."""
        if not chunk:
            return
        if not chunk[-1].isspace():
            self.newlines, self.seen_text = 0, True
            return
        words = chunk.rstrip()
        if words:
            self.newlines, self.seen_text = chunk.count("\n", len(words)), True
        else:
            self.newlines += chunk.count("\n")

    def _gap(self, until: int) -> None:
        """Leave out the source from ``pos`` to ``until``, keeping its line ends between blocks
        and turning each line-end character into a space inside a paragraph."""
        start, self.pos = self.pos, until
        text = self.text
        if start >= until or (
            text.find("\n", start, until) < 0 and text.find("\r", start, until) < 0
        ):
            return
        for line_end in _LINE_END.finditer(text, start, until):
            if self.inline:
                for i in range(line_end.start(), line_end.end()):
                    self._insert(" ", i, i + 1)
            else:
                self._copy(line_end.start(), line_end.end())

    def _enter(self, start: int) -> None:
        """Write the gap before text at ``start``, opening a paragraph if none is open: a blank
        line before it, so that the analyser never reads two blocks as one."""
        if self.pending:
            self._flush()
        self._gap(start)
        if not self.inline:
            if self.seen_text and self.newlines < 2:
                self._insert("\n" * (2 - self.newlines), start, start)
            self.inline = True

    def _close_text(self) -> None:
        if self.pending:
            self._flush()
        self.inline = False

    def _flush(self) -> None:
        """Write the pending run of adjacent text without its bare URLs (GitHub links them;
        their words are no prose)."""
        pieces = self.pending
        if not pieces:
            return
        self.pending = []
        text = self.text
        cuts = self._urls(pieces[0][0], pieces[-1][1])
        for start, end, value in pieces:
            if end - start == len(value) and text.startswith(value, start):
                if not cuts:
                    self._copy(start, end)
                    continue
                for a, b in _outside(start, end, cuts):
                    self._copy(a, b)
            elif not any(a < end and start < b for a, b in cuts):
                self._insert(value, start, end)  # an entity, read

    def _urls(self, start: int, end: int) -> list[tuple[int, int]]:
        """Bare URLs (GitHub's extended autolinks) in start..end, without the punctuation
        that follows them."""
        text = self.text
        found: list[tuple[int, int]] = []
        for scheme in _URL_START.finditer(text, start, end):
            p = scheme.start()
            if found and p < found[-1][1]:
                continue
            match = _URL.match(text, p, end)
            assert match is not None
            stop = match.end()
            while stop > p:
                ch = text[stop - 1]
                unbalanced = ch == ")" and text.count("(", p, stop) < text.count(")", p, stop)
                if ch in _URL_TRAILING or unbalanced:
                    stop -= 1
                elif ch == ";" and (entity := _ENTITY_END.search(text, p, stop)):
                    stop = entity.start()
                else:
                    break
            if stop > match.end(1):  # not a scheme or "www." with nothing after it
                found.append((p, stop))
        return found

    # -- events -----------------------------------------------------------------------------

    def _text(self, start: int, end: int, value: str) -> None:
        if self.hidden or start < self.skip_to:
            return
        if not (self.pending and self.pending[-1][1] == start):
            text = self.text
            if (
                self.pos < start
                and text[start - 1] == "\\"
                and value[:1] in _ASCII_PUNCT
                and text.startswith(value[:1], start)
            ):
                self.out.pairs.append((start - 1, start, start, start + 1))  # an escape
            self._enter(start)
        self.pending.append((start, end, value))
        self.pos = self.last_end = end

    def _soft_break(self, start: int, end: int) -> None:
        """A line end inside a paragraph: a space for each of its characters, so a sentence
        wrapped over two lines is one sentence and offsets still map one to one."""
        if self.hidden or start < self.skip_to:
            return
        self._enter(start)
        for i in range(start, end):
            self._insert(" ", i, i + 1)
        self.pos = end

    def _hard_break(self, start: int, end: int) -> None:
        """Two spaces or a backslash at a line end: the writer's line break stays."""
        if self.hidden or start < self.skip_to:
            return
        self._enter(start)
        self._copy(start + 1 if self.text[start] == "\\" else start, end)
        self.pos = end

    def _code(self, start: int, end: int) -> None:
        if self.hidden or start < self.skip_to:
            return
        self._enter(start)
        self._insert(CODE_WORD, start, end)
        self.pos = self.last_end = end

    def _start(self, tag: str, start: int, end: int) -> None:
        if tag in _INLINE:
            self.spans.append((tag, start, start))
            return
        self._close_text()
        self.blocks.append(end)
        self.tags = []
        if tag in ("CodeBlock", "MetadataBlock"):
            self.hidden += 1
        elif tag == "HtmlBlock":
            self.html = []

    def _start_link(self, tag: str, link_type: str, start: int) -> None:
        if link_type in ("Autolink", "Email"):  # <https://...>: the target is all there is
            self.hidden += 1
            self.spans.append(("Autolink", start, start))
        else:
            self.spans.append((tag, start, start + (2 if tag == "Image" else 1)))

    def _end(self, tag: str, start: int, end: int) -> None:
        if tag in _INLINE or tag in _LINKS:
            kind, opened, inner = self.spans.pop()
            if kind == "Autolink":
                self.hidden -= 1
            elif not self.hidden and start >= self.skip_to:
                if kind in _LINKS:  # "[" or "![" with "](target)", "][label]" or "]"
                    closer = max(self.last_end, inner)
                    self.out.pairs.append((opened, inner, closer, end))
                else:
                    width = 2 if self.text.startswith(("**", "__", "~~"), start) else 1
                    self.out.pairs.append((start, start + width, end - width, end))
            self.last_end = end
            return
        self._close_text()
        if self.blocks:
            self.blocks.pop()
        self.tags = []
        if tag in ("CodeBlock", "MetadataBlock"):
            self.hidden -= 1
            self._gap(end)
        elif tag == "HtmlBlock":
            self._html_block(self.html or [])
            self.html = None
            self._close_text()

    # -- HTML -------------------------------------------------------------------------------

    def _inline_html(self, start: int, end: int) -> None:
        """A tag or comment inside a paragraph. <script>, <style>, <pre> and <textarea> go
        with their content, <code>...</code> reads as CODE_WORD."""
        if self.hidden or start < self.skip_to:
            return
        text = self.text
        if closing := _CLOSE_TAG.match(text, start, end):
            self._tag(closing.group(1).lower(), start, end, closing=True)
            return
        opening = _OPEN_TAG.match(text, start, end)
        if opening is None:
            return  # a comment, declaration or processing instruction: markup
        name = opening.group(1).lower()
        if name in _RAW_TAGS or name == "code":
            block_end = max(self.blocks[-1] if self.blocks else len(text), end)
            found = _closer(name).search(text, end, block_end)
            if name in _RAW_TAGS or found is not None:
                stop = found.end() if found is not None else block_end
                if name == "code":
                    self._enter(start)
                    self._insert(CODE_WORD, start, stop)
                    self.pos = self.last_end = stop
                self.skip_to = stop
                return
        self._tag(name, start, end, closing=False, empty=bool(opening.group(2)))

    def _tag(self, name: str, start: int, end: int, *, closing: bool, empty: bool = False) -> None:
        """Remove an HTML tag: a block tag ends the text (the next is a new paragraph), <br>
        is a line break, and an inline tag pairs with its closing tag."""
        if name in _LINE_TAGS:
            self._enter(start)
            self._insert("\n", start, end)
            self.pos = end
        elif name in _BLOCK_TAGS:
            self._close_text()
        elif closing:
            for k in range(len(self.tags) - 1, -1, -1):
                if self.tags[k][0] == name:
                    _, open_start, open_end = self.tags[k]
                    self.out.pairs.append((open_start, open_end, start, end))
                    del self.tags[k:]
                    break
        elif not empty and name not in _VOID_TAGS:
            self.tags.append((name, start, end))

    def _html_block(self, lines: list[tuple[int, int]]) -> None:
        """The words of a raw HTML block, as a browser shows them (its lines are given without
        the quote or list markers around them)."""
        if not lines:
            return
        text = self.text
        v = "".join(text[a:b] for a, b in lines)
        starts: list[int] = []
        total = 0
        for a, b in lines:
            starts.append(total)
            total += b - a

        def orig(x: int) -> int:
            k = bisect_right(starts, x) - 1
            return lines[k][0] + x - starts[k]

        def words(a: int, b: int) -> None:
            k = bisect_right(starts, a) - 1
            while a < b:
                stop = min(b, starts[k] + lines[k][1] - lines[k][0])
                self._html_words(orig(a), orig(stop - 1) + 1)
                a, k = stop, k + 1

        i = plain = 0
        while found := _HTML_SPECIAL.search(v, i):
            p = found.start()
            if v[p] == "&":
                entity = _ENTITY.match(v, p)
                i = p + 1
                if entity is not None:
                    words(plain, p)
                    decoded = html.unescape(entity.group())
                    s, e = orig(p), orig(entity.end() - 1) + 1
                    self._enter(s)
                    self._insert(decoded, s, e)
                    self.pos = self.last_end = e
                    i = plain = entity.end()
                continue
            words(plain, p)
            plain = p
            stop = self._html_markup(v, p, orig)
            i = p + 1 if stop is None else stop
            plain = p if stop is None else stop
        words(plain, len(v))

    def _html_markup(self, v: str, p: int, orig: Callable[[int], int]) -> int | None:
        """The tag, comment or raw element at ``p`` of an HTML block's text: where it ends,
        or None if "<" starts none."""
        if other := _OTHER_HTML.match(v, p):
            return other.end()
        if closing := _CLOSE_TAG.match(v, p):
            self._tag(closing.group(1).lower(), orig(p), orig(closing.end() - 1) + 1, closing=True)
            return closing.end()
        opening = _OPEN_TAG.match(v, p)
        if opening is None:
            return None
        name = opening.group(1).lower()
        if name in _RAW_TAGS or name == "code":
            found = _closer(name).search(v, opening.end())
            if name in _RAW_TAGS:
                return found.end() if found is not None else len(v)
            if found is not None:
                s, e = orig(p), orig(found.end() - 1) + 1
                self._enter(s)
                self._insert(CODE_WORD, s, e)
                self.pos = self.last_end = e
                return found.end()
        start, end = orig(p), orig(opening.end() - 1) + 1
        self._tag(name, start, end, closing=False, empty=bool(opening.group(2)))
        return opening.end()

    def _html_words(self, start: int, end: int) -> None:
        """Text of one line of an HTML block; its line end is left to the gap."""
        text = self.text
        while end > start and text[end - 1] in "\r\n":
            end -= 1
        if start >= end:
            return
        if not text[start:end].strip():
            if self.inline:  # a space between two inline elements keeps their words apart
                self._gap(start)
                self._copy(start, end)
                self.pos = end
            return
        self._enter(start)
        self._copy(start, end)
        self.pos = self.last_end = end
