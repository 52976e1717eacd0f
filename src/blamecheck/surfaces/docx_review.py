"""A reviewed copy of a Word document: one comment per finding, anchored on the flagged words,
and with --apply the top complete alternative as a tracked change, both authored "blamecheck".

The writer accepts or rejects each suggestion in Word, as a colleague's review; the original
file is never written. The copy is the original package with only the main document part,
its relationships, [Content_Types].xml and the comments part replaced, so styles, numbering,
images, headers and footers stay byte for byte what they were.

Decisions:
- Headers and footers: Word cannot anchor comments there, so a finding in one is reported
  as a notice (where, paragraph number, rule; never the words) and the part is left alone,
  with --apply too.
- --apply rewrites a finding only when its top suggestion is complete, keeps every fact and
  the words are not quoted (someone's own words are evidence), when no other finding overlaps
  it, and when its words are plain text runs side by side (not across a link, field or content
  control, and with no picture or field inside); otherwise it stays a comment, with a notice
  when only the document's structure or an overlap stood in the way.
- Fields: Word regenerates a field's result when the field is updated, and a comment anchored
  inside it would be damaged, so a comment never starts or ends inside a field. When flagged
  words start or end in one, the comment is widened to the whole field (from the run with its
  begin mark to the run with its end mark, or the whole w:fldSimple), and its reference comes
  after the field.
- A comments part that cannot be read (not comments, several of them, ids that are not
  numbers) is refused as a damaged document rather than replaced, since it holds others' words.
- python-docx: comments are made with its public `Document.comments.add_comment`, and the
  comments part is found by its relationship (`Part.part_related_by`), not through a private
  attribute. Anchoring stays here: `Document.add_comment(runs, ...)` anchors on runs only and
  puts the reference right after the last one, inside a link or field, which the decisions
  above rule out, and a comment around a tracked change starts before a w:del, not a run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import itertools
import os
import tempfile
import zipfile
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

from docx.oxml.ns import qn
from lxml import etree

from blamecheck.errors import InputError
from blamecheck.findings import Finding
from blamecheck.readers import docx_text
from blamecheck.readers.docx_text import FLD_CHAR, FLD_SIMPLE, RPR, DocxParagraph, DocxText, P, R, T
from blamecheck.surfaces.formats.text_format import plural

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from docx.parts.comments import CommentsPart

AUTHOR = "blamecheck"
INITIALS = "BC"
_CONTENT_TYPES = "[Content_Types].xml"
_COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _w(tag: str) -> str:
    return qn(f"w:{tag}")


# what a rewritten run may hold besides its formatting: text, tabs, breaks, nothing Word owns
_PLAIN_RUN_CONTENT = {
    RPR,
    T,
    _w("tab"),
    _w("br"),
    _w("cr"),
    _w("noBreakHyphen"),
    _w("softHyphen"),
    _w("lastRenderedPageBreak"),
}
# where a tracked change may wrap runs: the paragraph, or a link or tag around text only (not a
# content control, which may be locked, nor someone's earlier tracked change)
_REWRITABLE_PARENTS = {P, _w("hyperlink"), _w("smartTag"), _w("customXml")}
# where field marks are not part of the text Word shows: deleted text, and the fallback copy
# of markup-compatible content (its first choice holds the same marks)
_NOT_SHOWN = {
    _w("del"),
    _w("moveFrom"),
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
}
# a field's extent: the element to anchor before (its begin) and after (its end)
_Extent = tuple[etree._Element, etree._Element]


@dataclass
class ReviewResult:
    """What a review wrote; the lines name places and rules, never the document's words."""

    target: Path
    comments: int = 0
    applied: int = 0
    apply: bool = False
    uncommented: int = 0
    notices: list[str] = field(default_factory=list)

    def summary(self) -> str:
        line = f"{self.target}: {plural(self.comments, 'comment')}"
        if self.apply:
            change = "a tracked change" if self.applied == 1 else "tracked changes"
            line += f" ({self.applied} applied as {change})"
        if self.uncommented:
            line += f"; {self.uncommented} in headers or footers listed above"
        return line


@dataclass
class _Mark:
    """One finding in the document's XML: its runs, comment and (once applied) change."""

    finding: Finding
    paragraph: DocxParagraph
    element: etree._Element
    start: int  # offsets in the paragraph
    end: int
    runs: list[etree._Element] = field(default_factory=list)
    comment_id: int = -1
    first: etree._Element | None = None  # what the comment range encloses
    last: etree._Element | None = None


def write_review(
    source: Path,
    target: Path,
    document: DocxText,
    findings: list[Finding],
    *,
    apply: bool = False,
) -> ReviewResult:
    """Write the reviewed copy to ``target`` in one step; ``source`` is only read.

    ``document`` is what read_docx gave for ``source`` and ``findings`` are offsets into its
    text. The copy goes to a temporary file beside the target, then is renamed over it, so a
    failure leaves no half-written file.
    """
    source, target = Path(source), Path(target)
    if _same_file(source, target):
        raise InputError(f"{target}: the reviewed copy must not overwrite the original")
    data, word = docx_text.load(source, None)
    result = ReviewResult(target, apply=apply)
    marks = _place(word, source, document, findings, result)
    if not marks:
        _write_atomically(target, data)  # nothing to comment: the copy is the original
        return result
    _check_comments(word, source)
    _split_runs(marks)
    applied = _choose_applied(marks, result) if apply else []
    for mark in marks:
        comment = word.comments.add_comment(
            text=_comment_text(mark.finding), author=AUTHOR, initials=INITIALS
        )
        mark.comment_id = comment.comment_id
    ids = itertools.count(_max_id(word) + 1)
    date = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    for mark in applied:
        _track_change(mark, ids, date)
    extents = _field_extents(word.element.body)
    for mark in marks:
        _mark_comment(mark, extents)
    result.comments = len(marks)
    result.applied = len(applied)
    _write_atomically(target, _package(data, word))
    return result


def _same_file(source: Path, target: Path) -> bool:
    if target.resolve() == source.resolve():
        return True
    with contextlib.suppress(OSError):
        return target.exists() and os.path.samefile(source, target)
    return False


def _place(
    word: WordDocument,
    source: Path,
    document: DocxText,
    findings: list[Finding],
    result: ReviewResult,
) -> list[_Mark]:
    """Each body finding with its paragraph element; header and footer ones become notices."""
    elements = {(f.part, f.index): f.element for f in docx_text.walk(word)}
    marks: list[_Mark] = []
    checked: set[int] = set()
    for finding in sorted(findings, key=Finding.sort_key):
        paragraph, start = document.locate(finding.start)
        end = start + finding.end - finding.start
        if not paragraph.commentable:
            result.uncommented += 1
            result.notices.append(
                f"{paragraph.where}, paragraph {paragraph.number}, column {start + 1}: "
                f"{finding.rule} not commented: Word has no comments in headers and footers"
            )
            continue
        element = elements.get((paragraph.part, paragraph.index))
        if paragraph.number not in checked:
            shown = None if element is None else docx_text.paragraph_text(element)[0]
            if shown != document.text[paragraph.start : paragraph.end]:
                element = None
            checked.add(paragraph.number)
        if element is None:  # not the file read_docx read (replaced in the meantime)
            raise InputError(
                f"{source}: the document changed while it was being reviewed; run it again"
            )
        marks.append(_Mark(finding, paragraph, element, start, end))
    return marks


def _comments_store(word: WordDocument) -> CommentsPart:
    """The document's comments part: raises KeyError when it has none, ValueError when several.

    ``Document.comments`` gives the comments but not their part, whose name the copy replaces
    and declares and whose XML holds ids a tracked change must not reuse; python-docx keeps its
    own route to it private, so it is reached the public way, by the document part's
    relationship of the comments type.
    """
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    # _check_comments has refused a part of another kind before any other caller runs
    return cast("CommentsPart", word.part.part_related_by(RT.COMMENTS))


def _check_comments(word: WordDocument, source: Path) -> None:
    """Refuse, in one line, a comments part python-docx could not add a comment to."""
    from docx.parts.comments import CommentsPart

    damaged = f"{source}: damaged Word document (its comments cannot be read)"
    try:
        part = _comments_store(word)
    except KeyError:
        return  # no comments yet: a part is added
    except ValueError:  # more than one
        raise InputError(damaged) from None
    if not isinstance(part, CommentsPart) or part.element.tag != _w("comments"):
        raise InputError(damaged)
    for comment in part.element.iterchildren(_w("comment")):
        try:
            int(comment.get(_w("id"), ""))
        except ValueError:
            raise InputError(damaged) from None


def _split_runs(marks: list[_Mark]) -> None:
    """Cut runs at every finding's edges, then note each finding's runs.

    All cuts come first, so that the runs noted afterwards are the ones left in the document.
    """
    by_paragraph: dict[int, list[_Mark]] = {}
    for mark in marks:
        by_paragraph.setdefault(mark.paragraph.number, []).append(mark)
    for group in by_paragraph.values():
        p = group[0].element
        for offset in sorted({o for mark in group for o in (mark.start, mark.end)}):
            _cut(p, offset)
        pieces = docx_text.paragraph_text(p)[1]
        for mark in group:
            runs: list[etree._Element] = []
            for piece in pieces:
                if mark.start <= piece.start and piece.end <= mark.end and piece.run not in runs:
                    runs.append(piece.run)
            mark.runs = runs


def _cut(p: etree._Element, offset: int) -> None:
    """Make ``offset`` of the paragraph's text a run boundary, formatting unchanged."""
    pieces = docx_text.paragraph_text(p)[1]
    for piece in pieces:
        if piece.start < offset < piece.end:  # inside a w:t
            _split_text(piece.node, offset - piece.start)
            _split_run_after(piece.run, piece.node)
            return
    for piece in pieces:
        if piece.end == offset:
            _split_run_after(piece.run, piece.node)
            break
    for piece in docx_text.paragraph_text(p)[1]:
        if piece.start == offset:
            _split_run_before(piece.run, piece.node)
            break


def _split_text(node: etree._Element, at: int) -> None:
    """Two w:t side by side in the same run: the text before ``at`` and the text after."""
    text = node.text or ""
    tail = deepcopy(node)
    node.text, tail.text = text[:at], text[at:]
    for half in (node, tail):
        half.set(_XML_SPACE, "preserve")
    node.addnext(tail)


def _split_run_after(run: etree._Element, node: etree._Element) -> None:
    content = [child for child in run if child.tag != RPR]
    _split_run(run, content.index(node) + 1)


def _split_run_before(run: etree._Element, node: etree._Element) -> None:
    content = [child for child in run if child.tag != RPR]
    _split_run(run, content.index(node))


def _split_run(run: etree._Element, at: int) -> None:
    """Move the run's content from position ``at`` on into a new run right after it, with a
    copy of its formatting (w:rPr) and attributes; nothing to do at either end."""
    content = [child for child in run if child.tag != RPR]
    if not 0 < at < len(content):
        return
    twin = run.makeelement(run.tag, dict(run.attrib))
    properties = run.find(RPR)
    if properties is not None:
        twin.append(deepcopy(properties))
    for child in content[at:]:
        twin.append(child)
    run.addnext(twin)


def _choose_applied(marks: list[_Mark], result: ReviewResult) -> list[_Mark]:
    """The findings to write as tracked changes (see the module's decisions)."""
    chosen = []
    for mark in marks:
        finding = mark.finding
        top = finding.suggestions[0] if finding.suggestions else None
        if top is None or finding.quoted or top.status != "complete" or not top.keeps_facts:
            continue
        reason = _why_not_rewritable(mark, marks)
        if reason is None:
            chosen.append(mark)
        else:
            result.notices.append(
                f"paragraph {mark.paragraph.number}, column {mark.start + 1}: {finding.rule} "
                f"not applied as a tracked change ({reason}); it has a comment"
            )
    return chosen


def _why_not_rewritable(mark: _Mark, marks: list[_Mark]) -> str | None:
    if any(
        other is not mark
        and other.paragraph.number == mark.paragraph.number
        and other.start < mark.end
        and mark.start < other.end
        for other in marks
    ):
        return "another finding overlaps its words"
    if not mark.runs:
        return "its words are not plain text"
    parent = mark.runs[0].getparent()
    pieces = docx_text.paragraph_text(mark.element)[1]
    if (
        parent is None
        or parent.tag not in _REWRITABLE_PARENTS
        or any(run.getparent() is not parent for run in mark.runs)
        or any(p.in_field for p in pieces if p.run in mark.runs)
    ):
        return "its words span a link, field, content control or earlier tracked change"
    if any(child.tag not in _PLAIN_RUN_CONTENT for run in mark.runs for child in run):
        return "its words hold a picture, field or other object"
    return None


def _track_change(mark: _Mark, ids: Iterator[int], date: str) -> None:
    """Wrap the flagged runs in w:del (text becomes w:delText) and add the replacement in a
    w:ins right after, as a run with the first flagged run's formatting."""
    from docx.oxml import OxmlElement

    attributes = {_w("author"): AUTHOR, _w("date"): date}
    groups: list[list[etree._Element]] = []
    for run in mark.runs:  # runs side by side share one w:del; anything between splits them
        previous = run.getprevious()
        if groups and previous is not None and previous is groups[-1][-1]:
            groups[-1].append(run)
        else:
            groups.append([run])
    deletions = []
    for group in groups:
        deletion = OxmlElement("w:del", {_w("id"): str(next(ids)), **attributes})
        group[0].addprevious(deletion)
        for run in group:
            deletion.append(run)
            for text in run.iter(T):
                text.tag = _w("delText")
                text.set(_XML_SPACE, "preserve")
        deletions.append(deletion)
    insertion = OxmlElement("w:ins", {_w("id"): str(next(ids)), **attributes})
    new_run = OxmlElement("w:r")
    properties = mark.runs[0].find(RPR)
    if properties is not None:
        new_run.append(deepcopy(properties))
    _append_text(new_run, mark.finding.suggestions[0].replacement)
    insertion.append(new_run)
    deletions[-1].addnext(insertion)
    mark.first, mark.last = deletions[0], insertion


def _append_text(run: etree._Element, text: str) -> None:
    """Text as Word keeps it: w:t pieces, with w:tab and w:br for tabs and line breaks."""
    from docx.oxml import OxmlElement

    for i, line in enumerate(text.split("\n")):
        if i:
            run.append(OxmlElement("w:br"))
        for j, chunk in enumerate(line.split("\t")):
            if j:
                run.append(OxmlElement("w:tab"))
            if chunk:
                node = OxmlElement("w:t")
                node.text = chunk
                node.set(_XML_SPACE, "preserve")
                run.append(node)


def _field_extents(root: etree._Element) -> dict[etree._Element, _Extent]:
    """Each run or simple field inside a complex field (in its code or result, or holding one
    of its marks), mapped to the outermost such field's begin and end runs.

    Fields may nest and may run across paragraphs, so the whole story is walked in order; a
    field never ended (a damaged file) is left out, as are marks in deleted text.
    """
    extents: dict[etree._Element, _Extent] = {}
    depth = 0
    inside: list[etree._Element] = []  # what the outermost open field holds so far
    for element in root.iter(R, FLD_SIMPLE):
        if any(ancestor.tag in _NOT_SHOWN for ancestor in element.iterancestors()):
            continue
        if depth:
            inside.append(element)
        if element.tag != R:
            continue
        for mark in element.iterchildren(FLD_CHAR):
            kind = mark.get(_w("fldCharType"))
            if kind == "begin":
                if not depth:
                    inside = [element]
                depth += 1
            elif kind == "end" and depth:
                depth -= 1
                if not depth:
                    extents.update(dict.fromkeys(inside, (inside[0], element)))
    return extents


def _outside_fields(
    node: etree._Element, extents: dict[etree._Element, _Extent], side: int
) -> etree._Element:
    """What to anchor at instead of ``node`` so that the comment starts (side 0) or ends (side
    1) outside every field: the outermost simple field around it, or the outermost complex
    field's begin or end run, whichever is further out; ``node`` itself when in none."""
    seen: set[etree._Element] = set()
    while node not in seen:
        seen.add(node)
        target = node
        for ancestor in node.iterancestors():
            if ancestor.tag == P:
                break
            if ancestor.tag == FLD_SIMPLE:
                target = ancestor  # the last one met is the outermost
        extent = extents.get(target)
        if extent is not None:
            target = extent[side]
        if target is node:
            break
        node = target
    return node


def _fields_after(node: etree._Element, holder: etree._Element) -> bool:
    """Whether ``holder``, an ancestor of ``node``, has a field mark after ``node``."""
    while node is not holder and node.getparent() is not None:
        for sibling in node.itersiblings():
            if next(sibling.iter(FLD_CHAR, FLD_SIMPLE), None) is not None:
                return True
        node = node.getparent()
    return False


def _mark_comment(mark: _Mark, extents: dict[etree._Element, _Extent]) -> None:
    """commentRangeStart before the words, commentRangeEnd after them, then the reference run
    (after the link or control that holds the last words, so the reference stays plain);
    widened to whole fields where the words start or end in one (see the module)."""
    from docx.oxml import OxmlElement

    first = mark.first if mark.first is not None else mark.runs[0]
    last = mark.last if mark.last is not None else mark.runs[-1]
    first = _outside_fields(first, extents, 0)
    last = _outside_fields(last, extents, 1)
    ident = {_w("id"): str(mark.comment_id)}
    first.addprevious(OxmlElement("w:commentRangeStart", ident))
    end = OxmlElement("w:commentRangeEnd", ident)
    last.addnext(end)
    reference = OxmlElement("w:r")
    style = OxmlElement("w:rStyle", {_w("val"): "CommentReference"})
    properties = OxmlElement("w:rPr")
    properties.append(style)
    reference.append(properties)
    reference.append(OxmlElement("w:commentReference", ident))
    # the paragraph holding the range's end: a field across paragraphs may end in a later one
    paragraph = next(last.iterancestors(P), mark.element)
    holder = last
    while holder.getparent() is not None and holder.getparent() is not paragraph:
        holder = holder.getparent()
    if holder is last or _fields_after(last, holder):
        end.addnext(reference)  # leaving the holder would step into a field
    else:
        holder.addnext(reference)


def _comment_text(finding: Finding) -> str:
    """The message, the ranked alternatives with where they come from, the first prompt."""
    lines = [_one_line(finding.message)]
    if finding.suggestions:
        lines.append("Alternatives:")
        for rank, suggestion in enumerate(finding.suggestions, start=1):
            origin = "; ".join(x for x in (suggestion.description, suggestion.source) if x)
            shown = _one_line(suggestion.replacement)
            lines.append(f"{rank}. {shown} ({_one_line(origin)})" if origin else f"{rank}. {shown}")
    if finding.prompts:
        prompt = finding.prompts[0]
        origin = f" ({_one_line(prompt.source)})" if prompt.source else ""
        lines.append(f"Find out: {_one_line(prompt.text)}{origin}")
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _max_id(word: WordDocument) -> int:
    """The largest w:id in the document and its comments, so new change ids are unique."""
    found = [-1]
    for root in (word.element, _comments_store(word).element):
        for element in root.iter():
            with contextlib.suppress(TypeError, ValueError):
                found.append(int(element.get(_w("id"))))
    return max(found)


def _package(original: bytes, word: WordDocument) -> bytes:
    """The original package with the changed parts swapped in, other entries as they were."""
    main = word.part
    comments = _comments_store(word)
    rebuilt = io.BytesIO()
    word.save(rebuilt)
    replaced = {
        main.partname.membername,
        main.partname.rels_uri.membername,
        comments.partname.membername,
    }
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(original)) as source,
        zipfile.ZipFile(rebuilt) as new,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        names = set(source.namelist())
        for info in source.infolist():
            if info.filename == _CONTENT_TYPES:
                payload = _content_types(source.read(info), str(comments.partname))
            elif info.filename in replaced:
                payload = new.read(info.filename)
            else:
                payload = source.read(info)
            entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            stored = info.compress_type == zipfile.ZIP_STORED
            entry.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            archive.writestr(entry, payload)
        for name in sorted(replaced - names):
            archive.writestr(name, new.read(name))
    return out.getvalue()


def _content_types(data: bytes, comments_partname: str) -> bytes:
    """The original [Content_Types].xml with an Override for the comments part if missing."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(data, parser)
    overrides = root.findall(f"{{{_CT_NS}}}Override")
    if any(o.get("PartName", "").lower() == comments_partname.lower() for o in overrides):
        return data
    override = etree.SubElement(root, f"{{{_CT_NS}}}Override")
    override.set("PartName", comments_partname)
    override.set("ContentType", _COMMENTS_TYPE)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _write_atomically(target: Path, data: bytes) -> None:
    """Write beside the target, then rename over it: the target is whole or untouched."""
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise InputError(f"{target}: cannot write ({exc.strerror or 'error'})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, target.stat().st_mode & 0o7777 if target.exists() else 0o644)
        os.replace(temp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError):
            raise InputError(f"{target}: cannot write ({exc.strerror or 'error'})") from None
        raise
