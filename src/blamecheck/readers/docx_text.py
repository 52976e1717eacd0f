"""Reading a Word .docx as blamecheck sees it: the text Word shows, one analyser paragraph per
Word paragraph, and the way back from an offset to the Word paragraph and its runs.

Read, in this order: the body (paragraphs and table cells interleaved as they appear, nested
tables too, a merged cell once), then each section's headers, then its footers (default,
first-page, even-page: every one the section references, shown or not, since its words are
still in the file). A header or footer linked to the previous section has no reference of its
own and is not read again; one without any text is skipped, so it does not shift numbering.
Not read: footnotes, endnotes, comments, text boxes and text inside drawings, which Word keeps
in other stories; findings there could not be anchored in the body anyway.

The text is what Word shows with tracked changes accepted as they stand: inserted text (w:ins,
w:moveTo) yes, deleted text (w:del, w:moveFrom) no; hyperlinks, smart tags, custom XML and
content controls (w:sdt) by their content; fields by their result, never their code; hidden
text (w:vanish set on the run) no. A line break or carriage return is "\\n", a tab "\\t".

The review (docx_review) re-opens the file and walks it with the same functions, so a
paragraph is found again by its part and its index in that part's walk.
"""

from __future__ import annotations

import bisect
import io
import os
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from blamecheck.errors import InputError
from blamecheck.findings import Finding
from blamecheck.readers.documents import read_bytes

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from docx.opc.part import Part

# the separator between Word paragraphs in the text: a blank line, so each is its own block
PARAGRAPH_SEPARATOR = "\n\n"
# a .docx is mostly compressed XML; more than this many times the size limit once unzipped is
# a zip bomb or not a report
_EXPANSION_LIMIT = 20
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# the stream that an encrypted (password-protected) .docx keeps inside its OLE container
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


P, R, T, TBL, TR, TC = _w("p"), _w("r"), _w("t"), _w("tbl"), _w("tr"), _w("tc")
RPR = _w("rPr")
SDT, SDT_CONTENT, CUSTOM_XML = _w("sdt"), _w("sdtContent"), _w("customXml")
FLD_CHAR, FLD_SIMPLE = _w("fldChar"), _w("fldSimple")
_TAB_LIKE = {_w("tab"), _w("ptab")}
_BREAK_LIKE = {_w("br"), _w("cr")}
_NB_HYPHEN = _w("noBreakHyphen")
_VANISH = _w("vanish")
# run containers whose content Word shows (w:del and w:moveFrom are left out on purpose)
_SHOWN = {
    _w("hyperlink"),
    _w("smartTag"),
    CUSTOM_XML,
    _w("ins"),
    _w("moveTo"),
    _w("dir"),
    _w("bdo"),
}
_HEADER_TYPES = (("default", ""), ("first", "first-page "), ("even", "even-page "))
_STORY_ROOTS = {_w("hdr"), _w("ftr")}
_CONTENT_TYPES, _PACKAGE_RELS = "[Content_Types].xml", "_rels/.rels"


@dataclass(frozen=True)
class Piece:
    """A stretch of a paragraph's text and the run child it comes from (w:t, w:tab, w:br...).

    ``in_field`` marks a field's result: shown, but Word may regenerate it, so never rewritten.
    """

    start: int
    end: int
    run: etree._Element
    node: etree._Element
    in_field: bool


@dataclass(frozen=True)
class DocxParagraph:
    """One Word paragraph: where its text starts in DocxText.text and how to find it again."""

    number: int  # 1-based, document order over all parts
    start: int
    end: int
    where: str  # "body", "table 1, row 2, cell 3", "header (section 1)"...
    story: str  # "body", "header" or "footer"
    part: str  # the part's name in the package, "/word/document.xml"
    index: int  # the paragraph's position in that part's walk

    @property
    def commentable(self) -> bool:
        """Word anchors comments in the body only, not in headers and footers."""
        return self.story == "body"


@dataclass(frozen=True)
class DocxText:
    """A Word document's text as the analyser reads it, with its paragraphs' places."""

    text: str
    paragraphs: tuple[DocxParagraph, ...]
    unread: tuple[str, ...] = ()  # what holds text but is not read: "2 footnotes", "1 text box"

    def locate(self, offset: int) -> tuple[DocxParagraph, int]:
        """The paragraph holding a code-point offset of ``text``, and the offset within it.

        An end offset (exclusive) at a paragraph's end stays in that paragraph.
        """
        if not self.paragraphs or not 0 <= offset <= len(self.text):
            raise ValueError("offset outside the document's text")
        i = bisect.bisect_right(self.paragraphs, offset, key=lambda p: p.start) - 1
        paragraph = self.paragraphs[max(i, 0)]
        return paragraph, min(max(offset - paragraph.start, 0), paragraph.end - paragraph.start)

    def relocate(self, findings: Iterable[Finding]) -> list[Finding]:
        """Copies whose line is the Word paragraph's number and column the place in it.

        start and end stay offsets into ``text``, the file's text as blamecheck read it.
        """
        out = []
        for finding in findings:
            first, column = self.locate(finding.start)
            last, end_column = self.locate(finding.end)
            update = {
                "line": first.number,
                "column": column + 1,
                "end_line": last.number,
                "end_column": end_column + 1,
                "paragraph": first.where,
            }
            out.append(finding.model_copy(update=update))
        return out


@dataclass(frozen=True)
class Located:
    """A paragraph element found by the walk, with its story, part and label."""

    story: str
    part: str
    index: int
    where: str
    element: etree._Element


def read_docx(path: str | os.PathLike[str], max_mb: float = 50.0) -> DocxText:
    """The text of a .docx, each Word paragraph its own analyser paragraph (see the module).

    Raises InputError, one line naming the file, for a missing, oversized, encrypted, older
    (.doc) or damaged file, or one that is not a Word document.
    """
    _, document = load(path, max_mb)
    pieces: list[str] = []
    paragraphs: list[DocxParagraph] = []
    pos = 0
    for number, found in enumerate(walk(document), start=1):
        if paragraphs:
            pieces.append(PARAGRAPH_SEPARATOR)
            pos += len(PARAGRAPH_SEPARATOR)
        text = paragraph_text(found.element)[0]
        paragraphs.append(
            DocxParagraph(
                number=number,
                start=pos,
                end=pos + len(text),
                where=found.where,
                story=found.story,
                part=found.part,
                index=found.index,
            )
        )
        pieces.append(text)
        pos += len(text)
    return DocxText("".join(pieces), tuple(paragraphs), _unread(document))


_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_STORIES = {
    "footnotes.xml": ("footnote", "footnotes"),
    "endnotes.xml": ("endnote", "endnotes"),
}


def _has_text(element: etree._Element) -> bool:
    return any((t.text or "").strip() for t in element.iter(_w("t")))


def _unread(document: WordDocument) -> tuple[str, ...]:
    """Counts of the places with text that blamecheck does not read, so that a clean result
    is not taken for a checked footnote or text box."""
    counts = {"footnote": 0, "endnote": 0, "text box": 0}
    for part in document.part.package.iter_parts():
        element = getattr(part, "_element", None)
        if element is None:
            try:
                element = etree.fromstring(part.blob)
            except (etree.XMLSyntaxError, ValueError):
                continue
        name = str(part.partname).rsplit("/", 1)[-1]
        if name in _STORIES:
            tag, _ = _STORIES[name]
            counts[tag] += sum(
                1
                for note in element.iter(_w(tag))
                if note.get(_w("type"), "normal") == "normal" and _has_text(note)
            )
        elif name == "document.xml" or name.startswith(("header", "footer")):
            counts["text box"] += sum(
                1
                for box in element.iter(_w("txbxContent"))
                if _has_text(box) and not any(a.tag == _MC_FALLBACK for a in box.iterancestors())
            )
    return tuple(
        f"{n} {kind if n == 1 else kind + 'es' if kind.endswith('x') else kind + 's'}"
        for kind, n in counts.items()
        if n
    )


def load(path: str | os.PathLike[str], max_mb: float | None) -> tuple[bytes, WordDocument]:
    """The file's bytes and its python-docx Document; every refusal is one InputError line.

    The bytes are read once, so what is parsed and what a review copies are the same file.
    """
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    name = str(path)
    if Path(name).is_dir():
        raise InputError(f"{name}: is a folder")
    data = read_bytes(name, max_mb)
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_STREAM in data:
            raise InputError(
                f"{name}: password-protected (encrypted); save an unprotected copy and try again"
            )
        raise InputError(
            f"{name}: not a Word .docx document (an older .doc file? save it as .docx)"
        )
    if not data.startswith(b"PK"):
        raise InputError(f"{name}: not a Word .docx document")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            expanded = sum(info.file_size for info in archive.infolist())
            if any(info.flag_bits & 0x1 for info in archive.infolist()):
                raise InputError(f"{name}: password-protected (encrypted zip); save it unprotected")
    except zipfile.BadZipFile:
        raise InputError(f"{name}: not a Word .docx document (damaged zip archive)") from None
    if max_mb is not None and expanded > _EXPANSION_LIMIT * max_mb * 1048576:
        raise InputError(
            f"{name}: expands to {expanded / 1048576:.0f} MB when unzipped, "
            f"over {_EXPANSION_LIMIT} times the {max_mb:g} MB limit"
        )
    try:
        document = Document(io.BytesIO(data))
    except etree.XMLSyntaxError:
        raise InputError(f"{name}: damaged Word document (its XML cannot be read)") from None
    except KeyError:
        if {_CONTENT_TYPES, _PACKAGE_RELS} <= names:  # a package whose relationship has no part
            raise InputError(
                f"{name}: damaged Word document (a part it refers to is missing)"
            ) from None
        raise InputError(f"{name}: not a Word .docx document") from None
    except (PackageNotFoundError, ValueError):
        # no main part, or another Office format (.xlsx, .dotx, .docm)
        raise InputError(f"{name}: not a Word .docx document") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
        raise InputError(
            f"{name}: damaged Word document (its zip archive cannot be read)"
        ) from None
    if document.element.tag != _w("document"):
        raise InputError(
            f"{name}: not a Word .docx document in the usual format (Strict Open XML?); "
            "save it as a Word Document (.docx)"
        )
    if document.element.body is None:  # Word itself reports such a file as unreadable
        raise InputError(f"{name}: damaged Word document (no body)")
    return data, document


def walk(document: WordDocument) -> Iterator[Located]:
    """Every paragraph read, in the order of the text: the body, then headers and footers."""
    body_part = str(document.part.partname)
    body = document.element.body  # never None from load(), which refuses a file without one
    for index, (element, where) in enumerate(_blocks(body, "body", "") if body is not None else ()):
        yield Located("body", body_part, index, where, element)
    for story, label, part in _header_footer_parts(document):
        found = list(_blocks(part.element, label, f"{label}, "))
        if not any(paragraph_text(element)[0].strip() for element, _ in found):
            continue  # an empty header or footer: nothing to read, nothing to number
        for index, (element, where) in enumerate(found):
            yield Located(story, str(part.partname), index, where, element)


def _header_footer_parts(document: WordDocument) -> Iterator[tuple[str, str, Part]]:
    """Each section's own headers, then footers; a part linked to the previous section has
    no reference in this section, and a part referenced twice is read once. A reference to
    no part, or to a part that is not a header or footer (a picture, the styles), is skipped."""
    seen: set[str] = set()
    related = document.part.related_parts
    for number, sect_pr in enumerate(document.element.sectPr_lst, start=1):
        for story in ("header", "footer"):
            references = sect_pr.findall(_w(f"{story}Reference"))
            for kind, adjective in _HEADER_TYPES:
                for reference in references:
                    if reference.get(_w("type"), "default") != kind:
                        continue
                    part = related.get(reference.get(f"{{{_R}}}id", ""))
                    if part is None or str(part.partname) in seen:
                        continue
                    root = getattr(part, "element", None)  # a binary part has no XML
                    if root is None or root.tag not in _STORY_ROOTS:
                        continue
                    seen.add(str(part.partname))
                    yield story, f"{adjective}{story} (section {number})", part


def _unwrapped(container: etree._Element) -> Iterator[etree._Element]:
    """Children, with content controls and custom XML around blocks, rows or cells opened."""
    for child in container:
        if child.tag == SDT:
            content = child.find(SDT_CONTENT)
            if content is not None:
                yield from _unwrapped(content)
        elif child.tag == CUSTOM_XML:
            yield from _unwrapped(child)
        else:
            yield child


def _blocks(
    container: etree._Element, where: str, table_prefix: str
) -> Iterator[tuple[etree._Element, str]]:
    """Paragraphs of a body, header, footer or cell, table cells in place, with labels."""
    tables = 0
    for child in _unwrapped(container):
        if child.tag == P:
            yield child, where
        elif child.tag == TBL:
            tables += 1
            rows = [row for row in _unwrapped(child) if row.tag == TR]
            for row_number, row in enumerate(rows, start=1):
                # one w:tc per cell as Word shows it: a merged cell is one element
                cells = [cell for cell in _unwrapped(row) if cell.tag == TC]
                for cell_number, cell in enumerate(cells, start=1):
                    label = f"{table_prefix}table {tables}, row {row_number}, cell {cell_number}"
                    yield from _blocks(cell, label, f"{label} > ")


def paragraph_text(p: etree._Element) -> tuple[str, list[Piece]]:
    """What Word shows of one paragraph, and where each character comes from."""
    builder = _TextBuilder()
    builder.inline(p, in_field=False)
    return "".join(builder.parts), builder.pieces


class _TextBuilder:
    """Collects a paragraph's shown text in order; a field's state lasts to its end."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pieces: list[Piece] = []
        self.pos = 0
        self.fields: list[bool] = []  # one per open complex field: True while in its code

    def inline(self, container: etree._Element, in_field: bool) -> None:
        for child in container:
            tag = child.tag
            if tag == R:
                self.run(child, in_field)
            elif tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    self.inline(content, in_field)
            elif tag == FLD_SIMPLE:
                self.inline(child, in_field=True)
            elif tag in _SHOWN:
                self.inline(child, in_field)

    def run(self, r: etree._Element, in_field: bool) -> None:
        hidden = _is_hidden(r)
        for child in r:
            tag = child.tag
            if tag == FLD_CHAR:
                kind = child.get(_w("fldCharType"))
                if kind == "begin":
                    self.fields.append(True)
                elif kind == "separate" and self.fields:
                    self.fields[-1] = False
                elif kind == "end" and self.fields:
                    self.fields.pop()
                continue
            if hidden or any(self.fields):
                continue  # hidden text, or a field's code (in any open field)
            if tag == T:
                shown = child.text or ""
            elif tag in _TAB_LIKE:
                shown = "\t"
            elif tag in _BREAK_LIKE:
                shown = "\n"
            elif tag == _NB_HYPHEN:
                shown = "-"
            else:
                continue
            if shown:
                end = self.pos + len(shown)
                field = in_field or bool(self.fields)
                self.pieces.append(Piece(self.pos, end, r, child, field))
                self.parts.append(shown)
                self.pos = end


def _is_hidden(r: etree._Element) -> bool:
    properties = r.find(RPR)
    vanish = properties.find(_VANISH) if properties is not None else None
    return vanish is not None and vanish.get(_w("val"), "true") not in {"0", "false", "off"}
