"""Word documents: reading what Word shows, and the reviewed copy (comments, tracked changes).

Every document is built here with python-docx; the review runs as a user runs it and the
copy is checked part by part, and once each (plain and --apply) rendered by LibreOffice.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Inches, RGBColor
from lxml import etree

from blamecheck.api import Analyzer
from blamecheck.errors import InputError
from blamecheck.findings import Finding
from blamecheck.readers.docx_text import DocxText, read_docx
from blamecheck.surfaces.docx_review import write_review

from .conftest import SAMPLE, invoke, run_cli

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SAMPLE_TEXT = SAMPLE.read_text(encoding="utf-8")
LINES = SAMPLE_TEXT.rstrip("\n").split("\n")
# parts a review may rewrite; every other part of the package must keep its bytes
REWRITTEN = {
    "[Content_Types].xml",
    "word/_rels/document.xml.rels",
    "word/document.xml",
    "word/comments.xml",
}
ASSAULT = "Ms Clarke was assaulted on 3 March 2026"
TABLE_LINES = (20, 22)  # "The couple have a volatile relationship..." and "Liam's school..."
HEADER_LINE = "Mum allowed Mr Reid back into the family home."
SLAPPED = "Ms Clarke was slapped in the kitchen on 6 April 2026."
# words said to her, whose top alternative is complete (the practice table's question): what
# --apply may write; a written sentence's rewrite has the writer's slots and never is
SAID = "You need to stop contact and seek legal advice."
YOURS = "It is your responsibility to keep your children safe."


def _line(number: int) -> str:
    return LINES[number - 1]


def _png() -> bytes:
    """A 2x2 red PNG, made by hand: no imaging library needed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _plain_docx(path: Path) -> Path:
    """The sample, one Word paragraph per line, blank lines as empty paragraphs."""
    document = docx.Document()
    for line in LINES:
        document.add_paragraph(line)
    document.save(str(path))
    return path


def _rich_docx(path: Path) -> Path:
    """The sample with what real reports have: headings, styled runs across flagged words, a
    picture, a table (with a sentence whose rewrite is complete) and a header."""
    document = docx.Document()
    emphasis = document.styles.add_style("Case Emphasis", WD_STYLE_TYPE.CHARACTER)
    emphasis.font.color.rgb = RGBColor(0x99, 0x00, 0x00)
    table_lines = {_line(n) for n in TABLE_LINES}
    for number, line in enumerate(LINES, start=1):
        if line in table_lines:
            continue
        if line in {"Reason for visit", "Observations", "Analysis", "Plan"}:
            document.add_heading(line, level=2)
        elif number == 8:
            before, after = line.split(ASSAULT)
            paragraph = document.add_paragraph(before)
            paragraph.add_run("Ms Clarke was ").italic = True
            paragraph.add_run("assaulted").bold = True
            paragraph.add_run(" on 3 March 2026")
            paragraph.add_run(after)
            said = document.add_paragraph()
            said.add_run("You need ").italic = True
            said.add_run("to stop contact").bold = True
            said.add_run(" and seek legal advice.")
        elif line.startswith("Ms Clarke presented"):
            before, after = line.split("Mother failed")
            paragraph = document.add_paragraph(before)
            paragraph.add_run("Mother failed", style="Case Emphasis")
            paragraph.add_run(after)
        else:
            document.add_paragraph(line)
        if number == 5:
            document.add_picture(io.BytesIO(_png()), width=Inches(0.5))
    table = document.add_table(rows=2, cols=2)
    table.style = "Table Grid"
    table.cell(0, 0).text = "Relationship"
    table.cell(0, 1).text = _line(TABLE_LINES[0])
    table.cell(1, 0).text = "Since the visit"
    table.cell(1, 1).text = _line(TABLE_LINES[1])
    table.cell(1, 1).add_paragraph(YOURS)
    document.sections[0].header.paragraphs[0].text = HEADER_LINE
    document.save(str(path))
    return path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _key(finding: Finding) -> tuple[str, str, int, int]:
    return (finding.rule, finding.text, finding.line, finding.column)


def _read_xml(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(name))


def _text_of(element: etree._Element) -> str:
    """Shown text of simple content: w:t, tabs and breaks, hidden runs left out."""
    out = []
    for node in element.iter(qn("w:t"), qn("w:tab"), qn("w:br")):
        run = node.getparent()
        if run.find(f"{qn('w:rPr')}/{qn('w:vanish')}") is not None:
            continue
        out.append(
            node.text or "" if node.tag == qn("w:t") else "\t" if "tab" in node.tag else "\n"
        )
    return "".join(out)


def _shown(node: etree._Element) -> str:
    if node.tag in (qn("w:t"), qn("w:delText")):
        return node.text or ""
    return "\t" if node.tag == qn("w:tab") else "\n"


def _comment_ranges(body: etree._Element) -> dict[str, str]:
    """The text between each comment's commentRangeStart and commentRangeEnd; text deleted by
    blamecheck is kept, so its tracked change reads as the old words then the new."""
    open_ids: set[str] = set()
    texts: dict[str, list[str]] = {}
    shown = (qn("w:t"), qn("w:delText"), qn("w:tab"), qn("w:br"))
    for node in body.iter():
        ident = node.get(qn("w:id"))
        if node.tag == qn("w:commentRangeStart"):
            open_ids.add(ident)
            texts[ident] = []
        elif node.tag == qn("w:commentRangeEnd"):
            open_ids.discard(ident)
        elif node.tag in shown and open_ids:
            if node.getparent().find(f"{qn('w:rPr')}/{qn('w:vanish')}") is not None:
                continue
            if node.tag == qn("w:delText") and _deleted_by(node) != "blamecheck":
                continue  # someone's earlier deletion: not shown
            for i in open_ids:
                texts[i].append(_shown(node))
    return {i: "".join(t) for i, t in texts.items()}


def _deleted_by(node: etree._Element) -> str | None:
    deletion = next(node.iterancestors(qn("w:del")), None)
    return None if deletion is None else deletion.get(qn("w:author"))


def _comments(path: Path) -> dict[str, tuple[str, str, str]]:
    """Each comment's id: (author, initials, text)."""
    root = _read_xml(path, "word/comments.xml")
    return {
        c.get(qn("w:id")): (c.get(qn("w:author")), c.get(qn("w:initials")), _text_of(c))
        for c in root.iter(qn("w:comment"))
    }


def _assert_comments_match(
    path: Path, findings: list[Finding], applied: list[Finding] | None = None
) -> None:
    """One comment per finding, by blamecheck, with its message, on exactly its words (and,
    for an applied one, on its deleted words followed by the inserted replacement)."""
    comments = {i: c for i, c in _comments(path).items() if c[0] != "SW"}  # not a colleague's
    ranges = _comment_ranges(_read_xml(path, "word/document.xml"))
    ranges = {i: r for i, r in ranges.items() if i in comments}
    assert len(comments) == len(findings) == len(ranges)
    left = list(findings)
    for ident, (author, initials, text) in comments.items():
        assert (author, initials) == ("blamecheck", "BC")
        match = next(
            f for f in left if ranges[ident] == _anchored(f, applied) and f.message in text
        )
        left.remove(match)
    assert not left


def _anchored(finding: Finding, applied: list[Finding] | None) -> str:
    if applied and finding in applied:
        return finding.text + finding.suggestions[0].replacement
    return finding.text


def _normalised(xml: bytes, accept: bool = False) -> bytes:
    """The document XML without comment anchors, split runs merged back (same w:rPr, text
    joined), and with ``accept`` the tracked changes accepted: what a reader sees."""
    root = etree.fromstring(xml)
    for node in list(root.iter(qn("w:commentRangeStart"), qn("w:commentRangeEnd"))):
        node.getparent().remove(node)
    for node in list(root.iter(qn("w:commentReference"))):
        run = node.getparent()
        run.getparent().remove(run)
    if accept:
        for node in list(root.iter(qn("w:del"))):
            node.getparent().remove(node)
        for node in list(root.iter(qn("w:ins"))):
            for child in list(node):
                node.addprevious(child)
            node.getparent().remove(node)
    for parent in list(root.iter()):
        previous = None
        for child in list(parent):
            same = previous is not None and child.tag == previous.tag == qn("w:r")
            if same and _rpr(child) == _rpr(previous):
                for node in [c for c in child if c.tag != qn("w:rPr")]:
                    previous.append(node)
                parent.remove(child)
                continue
            previous = child
    for run in root.iter(qn("w:r")):
        last = None
        for node in list(run):
            node.attrib.pop("{http://www.w3.org/XML/1998/namespace}space", None)
            if node.tag == qn("w:t") and last is not None and last.tag == qn("w:t"):
                last.text = (last.text or "") + (node.text or "")
                run.remove(node)
            else:
                last = node
    return etree.tostring(root, method="c14n")


def _rpr(run: etree._Element) -> bytes:
    properties = run.find(qn("w:rPr"))
    return b"" if properties is None else etree.tostring(properties, method="c14n")


def _body_findings(document: DocxText, findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if document.locate(f.start)[0].commentable]


def _convert_with_libreoffice(docx_path: Path, tmp_path: Path) -> Path:
    """LibreOffice opens the copy and renders it to PDF (a fresh profile: no shared state),
    with the comments it read exported as PDF annotations."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed; cannot check the copy renders")
    out_dir = tmp_path / "pdf"
    out_dir.mkdir(exist_ok=True)
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            'pdf:writer_pdf_Export:{"ExportNotes":{"type":"boolean","value":"true"}}',
            "--outdir",
            str(out_dir),
            str(docx_path),
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )
    pdf = out_dir / (docx_path.stem + ".pdf")
    assert pdf.exists() and pdf.stat().st_size > 1000, "LibreOffice did not render the copy"
    assert pdf.read_bytes().startswith(b"%PDF")
    return pdf


# --- reading -------------------------------------------------------------------------------


def test_docx_findings_match_the_text_file(tmp_path: Path, analyzer: Analyzer):
    """One Word paragraph per line: the same findings, positions and all, as the .txt."""
    document = read_docx(_plain_docx(tmp_path / "note.docx"))
    expected = analyzer.analyse(SAMPLE_TEXT)
    found = document.relocate(analyzer.analyse(document.text))
    assert [_key(f) for f in found] == [_key(f) for f in expected]
    strip = {"start", "end", "paragraph"}  # offsets are into each file's own text
    assert {f.paragraph for f in found} == {"body"}
    assert [f.model_dump(exclude=strip) for f in found] == [
        f.model_dump(exclude=strip) for f in expected
    ]
    for finding in found:
        assert document.text[finding.start : finding.end] == finding.text
        paragraph, offset = document.locate(finding.start)
        assert paragraph.where == "body" and paragraph.number == finding.line
        assert offset + 1 == finding.column


def test_check_reads_docx_like_the_text_file(tmp_path: Path, analyzer: Analyzer):
    path = _plain_docx(tmp_path / "note.docx")
    proc = run_cli("check", "--format", "json", str(path))
    assert proc.returncode == 1, proc.stderr
    (report,) = json.loads(proc.stdout)["files"]
    found = [(f["rule"], f["text"], f["line"], f["column"]) for f in report["findings"]]
    assert found == [_key(f) for f in analyzer.analyse(SAMPLE_TEXT)]


def test_table_and_header_findings_know_their_place(tmp_path: Path, analyzer: Analyzer):
    """Table cells are read in body order (nested and merged cells once), headers after."""
    table_lines = [_line(n) for n in TABLE_LINES]
    document = docx.Document()
    for line in LINES:
        if line == table_lines[0]:
            table = document.add_table(rows=3, cols=3)
            table.cell(0, 0).text = "Relationship"
            table.cell(0, 2).text = line
            merged = table.cell(1, 0).merge(table.cell(1, 1))
            merged.text = "Worker's note"
            tall = table.cell(1, 2).merge(table.cell(2, 2))
            tall.text = "Seen twice"
            nested = table.cell(2, 0).add_table(rows=1, cols=1)
            nested.cell(0, 0).text = table_lines[1]
        elif line == table_lines[1]:
            continue
        elif line.startswith("Ms Clarke chose to stay"):
            document.sections[0].header.paragraphs[0].text = line
        else:
            document.add_paragraph(line)
    # a second section whose header is linked to the first: read once, not twice
    document.add_section()
    document.add_paragraph("Next page.")
    path = tmp_path / "table.docx"
    document.save(str(path))

    read = read_docx(path)
    assert read.text.count("Worker's note") == 1 and read.text.count("Seen twice") == 1
    assert read.text.count("chose to stay") == 1
    found = read.relocate(analyzer.analyse(read.text))
    expected = analyzer.analyse(SAMPLE_TEXT)
    assert Counter((f.rule, f.text) for f in found) == Counter((f.rule, f.text) for f in expected)
    places = {f.text: read.locate(f.start)[0] for f in found}
    assert places["volatile relationship"].where == "table 1, row 1, cell 3"
    generic = "Domestic abuse impacts on children's social and emotional development"
    assert places[generic].where == "table 1, row 3, cell 1 > table 1, row 1, cell 1"
    chose = next(text for text in places if text.startswith("Ms Clarke chose to stay"))
    header = places[chose]
    assert (header.where, header.story, header.commentable) == (
        "header (section 1)",
        "header",
        False,
    )
    assert header.number == read.paragraphs[-1].number  # headers come after the whole body
    assert [p.number for p in read.paragraphs] == list(range(1, len(read.paragraphs) + 1))


def test_text_is_what_word_shows(tmp_path: Path, analyzer: Analyzer):
    """Links, insertions, fields' results, content controls and tags are read; deletions,
    field codes and hidden text are not. Comments still land on exactly the flagged words,
    beside a colleague's earlier comment, which is kept."""
    document = docx.Document()
    told = document.add_paragraph("Ms Clarke told me that Mr Reid punched her in the face.")
    document.add_comment(told.runs, "Check the date.", author="SW", initials="SW")
    tricky = parse_xml(
        f"<w:p {nsdecls('w')}>"
        '<w:r><w:t xml:space="preserve">Mum </w:t></w:r>'
        '<w:hyperlink w:anchor="top"><w:r><w:t>allowed Mr Reid</w:t></w:r></w:hyperlink>'
        '<w:r><w:t xml:space="preserve"> back into the </w:t></w:r>'
        '<w:del w:id="901" w:author="SW"><w:r><w:delText>old </w:delText></w:r></w:del>'
        '<w:ins w:id="902" w:author="SW"><w:r><w:t>family</w:t></w:r></w:ins>'
        '<w:r><w:t xml:space="preserve"> home</w:t></w:r>'
        "<w:r><w:rPr><w:vanish/></w:rPr><w:t>HIDDEN</w:t></w:r>"
        '<w:r><w:t>.</w:t><w:tab/><w:t xml:space="preserve">Seen on </w:t></w:r>'
        '<w:fldSimple w:instr=" DATE "><w:r><w:t>6 April 2026</w:t></w:r></w:fldSimple>'
        '<w:r><w:br/><w:t xml:space="preserve">Page </w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        '<w:r><w:t>2</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:sdt><w:sdtPr/><w:sdtContent><w:r><w:t xml:space="preserve"> signed</w:t></w:r>'
        "</w:sdtContent></w:sdt>"
        '<w:smartTag w:uri="urn:x" w:element="place"><w:r>'
        '<w:t xml:space="preserve"> at Falkirk</w:t></w:r></w:smartTag>'
        "</w:p>"
    )
    document.add_paragraph("")._p.addnext(tricky)
    linked = document.add_paragraph("You need to ")
    linked._p.append(
        parse_xml(
            f'<w:hyperlink {nsdecls("w")} w:anchor="top"><w:r><w:t>stop contact</w:t></w:r>'
            "</w:hyperlink>"
        )
    )
    linked.add_run(" and seek legal advice.")
    document.add_paragraph(YOURS)
    source = tmp_path / "tricky.docx"
    document.save(str(source))

    read = read_docx(source)
    assert read.text.split("\n\n") == [
        "Ms Clarke told me that Mr Reid punched her in the face.",
        "",
        "Mum allowed Mr Reid back into the family home.\tSeen on 6 April 2026\nPage 2 signed"
        " at Falkirk",
        SAID,
        YOURS,
    ]
    findings = analyzer.analyse(read.text)
    assert {f.text for f in findings} >= {
        "Mum allowed Mr Reid back into the family home",
        SAID,
        YOURS,
    }
    target = tmp_path / "tricky.reviewed.docx"
    result = write_review(source, target, read, findings, apply=True)
    assert result.comments == len(findings)
    assert _comments(target).pop("0") == ("SW", "SW", "Check the date.")
    _assert_comments_match(target, findings, [f for f in findings if f.text == YOURS])
    # the rewrite across a link stays a comment, and the notice says why, without the words
    assert result.applied == 1
    (notice,) = result.notices
    assert notice.startswith("paragraph 4, column 1: victim-blaming/practice-table")
    assert "link" in notice and "contact" not in notice
    accepted = etree.fromstring(_normalised(_zip_read(target, "word/document.xml"), accept=True))
    paragraphs = [_text_of(p) for p in accepted.iter(qn("w:p"))]
    assert paragraphs[-1] == "Both parents are equally responsible for keeping children safe."
    assert paragraphs[-2] == SAID


def _zip_read(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


# --- the reviewed copy ----------------------------------------------------------------------


def test_review_comments_every_finding_and_changes_nothing_else(tmp_path: Path, analyzer: Analyzer):
    source = _rich_docx(tmp_path / "report.docx")
    before = _sha(source)
    target = tmp_path / "report.reviewed.docx"
    proc = run_cli("review", str(source), "-o", str(target))
    assert proc.returncode == 1, proc.stderr
    assert target.exists() and _sha(source) == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]

    document = read_docx(source)
    findings = analyzer.analyse(document.text)
    body = _body_findings(document, findings)
    assert len(body) == len(findings) - 1  # the header's one
    _assert_comments_match(target, body)

    # the notices and the summary name places and rules, never the document's words
    header = next(f for f in findings if f not in body)
    place = document.locate(header.start)[0]
    lines = proc.stderr.strip().splitlines()
    assert lines == [
        f"blamecheck: header (section 1), paragraph {place.number}, column 1: {header.rule} "
        "not commented: Word has no comments in headers and footers",
        f"blamecheck: {target}: {len(body)} comments; 1 in headers or footers listed above",
    ]
    assert not any(f.text in proc.stderr for f in findings)

    # the body reads as before once the comments are taken away, formatting and all
    assert _normalised(_zip_read(target, "word/document.xml")) == _normalised(
        _zip_read(source, "word/document.xml")
    )
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target) as copy:
        assert set(copy.namelist()) == set(original.namelist()) | {"word/comments.xml"}
        assert any(name.startswith("word/media/") for name in original.namelist())
        for name in set(original.namelist()) - REWRITTEN:
            assert copy.read(name) == original.read(name), name
        types = copy.read("[Content_Types].xml").decode()
        assert "wordprocessingml.comments+xml" in types
    rels_before = _relationships(source)
    rels_after = _relationships(target)
    assert rels_before <= rels_after
    assert [r for r in rels_after - rels_before if r[1].endswith("/comments")]

    pdf = _convert_with_libreoffice(target, tmp_path)
    assert _annotation_authors(pdf) == ["blamecheck"] * len(body)  # LibreOffice read them all


def _annotation_authors(pdf: Path) -> list[str]:
    """Authors of the PDF's comment annotations (LibreOffice writes /T as UTF-16 hex)."""
    authors = []
    for raw in re.findall(rb"/T\s*<FEFF([0-9A-Fa-f]+)>", pdf.read_bytes()):
        authors.append(bytes.fromhex(raw.decode()).decode("utf-16-be").split(",")[0])
    return authors


def _relationships(path: Path) -> set[tuple[str, str, str]]:
    root = _read_xml(path, "word/_rels/document.xml.rels")
    return {(r.get("Id"), r.get("Type"), r.get("Target")) for r in root}


def test_review_apply_writes_tracked_changes(tmp_path: Path, analyzer: Analyzer):
    source = _rich_docx(tmp_path / "report.docx")
    before = _sha(source)
    target = tmp_path / "applied.docx"
    proc = run_cli("review", str(source), "-o", str(target), "--apply")
    assert proc.returncode == 1, proc.stderr
    assert _sha(source) == before

    document = read_docx(source)
    findings = analyzer.analyse(document.text)
    body = _body_findings(document, findings)
    applied = [
        f
        for f in body
        if f.suggestions
        and f.suggestions[0].status == "complete"
        and f.suggestions[0].keeps_facts
        and not f.quoted
        and not any(o is not f and o.start < f.end and f.start < o.end for o in findings)
    ]
    assert {f.text for f in applied} == {SAID, YOURS}
    assert proc.stderr.strip().splitlines()[-1] == (
        f"blamecheck: {target}: {len(body)} comments (2 applied as tracked changes); "
        "1 in headers or footers listed above"
    )
    _assert_comments_match(target, body, applied)

    xml = _zip_read(target, "word/document.xml")
    root = etree.fromstring(xml)
    insertions = list(root.iter(qn("w:ins")))
    deletions = list(root.iter(qn("w:del")))
    assert len(insertions) == 2 and len(deletions) >= 2
    for change in insertions + deletions:
        assert change.get(qn("w:author")) == "blamecheck" and change.get(qn("w:date"))
    ids = [int(n.get(qn("w:id"))) for n in insertions + deletions]
    ids += [int(i) for i in _comments(target)]
    assert len(ids) == len(set(ids))
    assert not [t for d in deletions for t in d.iter(qn("w:t"))]  # deleted text is w:delText
    # the flagged words ran over three runs (italic, bold, plain): one w:del holds them all,
    # and the replacement takes the first run's formatting
    (assault,) = [d for d in deletions if "stop contact" in "".join(d.itertext())]
    assert len(assault.findall(qn("w:r"))) == 3
    inserted = assault.getnext()
    assert inserted.tag == qn("w:ins")
    assert inserted.find(f"{qn('w:r')}/{qn('w:rPr')}/{qn('w:i')}") is not None

    # accepting every change gives the text with the replacements and nothing else changed
    accepted = etree.fromstring(_normalised(xml, accept=True))
    shown = [_text_of(p) for p in accepted.find(qn("w:body")).iter(qn("w:p"))]
    expected = document.text
    for finding in sorted(applied, key=lambda f: f.start, reverse=True):
        replacement = finding.suggestions[0].replacement
        expected = expected[: finding.start] + replacement + expected[finding.end :]
    body_paragraphs = [p for p in document.paragraphs if p.story == "body"]
    assert "\n\n".join(shown) == expected[: len(expected) - _header_length(document)]
    assert len(shown) == len(body_paragraphs)
    assert SAID not in "".join(shown) and "What can we do to help you feel safer?" in "".join(shown)
    assert ASSAULT in "".join(shown)  # a written rewrite has slots only the writer fills

    _convert_with_libreoffice(target, tmp_path)


def _header_length(document: DocxText) -> int:
    """Characters of document.text after the body (separator included)."""
    first = next(p for p in document.paragraphs if p.story != "body")
    return len(document.text) - first.start + 2


def test_review_without_findings_copies_the_file(tmp_path: Path, analyzer: Analyzer):
    source = tmp_path / "clean.docx"
    document = docx.Document()
    document.add_paragraph("Mr Reid attended the core group meeting on 9 March 2026.")
    document.save(str(source))
    read = read_docx(source)
    assert analyzer.analyse(read.text) == []
    result = write_review(source, tmp_path / "copy.docx", read, [])
    assert (tmp_path / "copy.docx").read_bytes() == source.read_bytes()
    assert (result.comments, result.notices) == (0, [])
    assert result.summary() == f"{tmp_path / 'copy.docx'}: 0 comments"
    with pytest.raises(InputError, match="must not overwrite the original"):
        write_review(source, source, read, [])


def test_the_python_docx_comments_api_review_relies_on():
    """The review uses python-docx's public comments API and reaches the comments part by its
    relationship, not by the document part's private attribute; this fails first if
    python-docx renames any of it."""
    from docx.comments import Comment
    from docx.parts.comments import CommentsPart

    from blamecheck.surfaces.docx_review import _comments_store

    document = docx.Document()
    with pytest.raises(KeyError):
        _comments_store(document)  # none yet: the review adds one
    comment = document.comments.add_comment(text="one\ntwo", author="blamecheck", initials="BC")
    assert isinstance(comment, Comment) and isinstance(comment.comment_id, int)
    assert (comment.author, comment.initials, comment.text) == ("blamecheck", "BC", "one\ntwo")
    part = _comments_store(document)
    assert isinstance(part, CommentsPart) and str(part.partname) == "/word/comments.xml"
    (element,) = part.element.iterchildren(qn("w:comment"))
    assert element.get(qn("w:id")) == str(comment.comment_id)
    assert [c.comment_id for c in document.comments] == [comment.comment_id]


# --- refusals ---------------------------------------------------------------------------------


def _assert_one_line_error(proc: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith("blamecheck: error: ")
    for part in expected:
        assert part in line


def test_review_refuses_a_renamed_text_file(tmp_path: Path):
    fake = tmp_path / "note.docx"
    fake.write_text(SAMPLE_TEXT, encoding="utf-8")
    proc = run_cli("review", str(fake), "-o", str(tmp_path / "out.docx"))
    _assert_one_line_error(proc, str(fake), "not a Word .docx document")
    assert "Clarke" not in proc.stderr and not (tmp_path / "out.docx").exists()


def test_review_refuses_a_missing_file(tmp_path: Path):
    proc = run_cli("review", str(tmp_path / "gone.docx"), "-o", str(tmp_path / "out.docx"))
    _assert_one_line_error(proc, "gone.docx", "no such file")


def test_review_refuses_to_overwrite_the_original(tmp_path: Path):
    source = _plain_docx(tmp_path / "note.docx")
    before = _sha(source)
    proc = run_cli("review", str(source), "-o", str(source))
    _assert_one_line_error(proc, "must not overwrite the original")
    assert _sha(source) == before


def _corrupt_xml(path: Path) -> None:
    data = _zip_read(_plain_docx(path.with_name("good.docx")), "word/document.xml")
    with (
        zipfile.ZipFile(path.with_name("good.docx")) as good,
        zipfile.ZipFile(path, "w") as bad,
    ):
        for info in good.infolist():
            payload = good.read(info)
            bad.writestr(
                info, data[: len(data) // 2] if info.filename.endswith("t.xml") else payload
            )


def _write(path: Path, data: bytes) -> None:
    path.write_bytes(data)


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: _write(p, OLE + b"\x00" * 512), "an older .doc file"),
        (
            lambda p: _write(p, OLE + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64),
            "password-protected",
        ),
        (lambda p: _write(p, b"PK\x03\x04 not really a zip"), "not a Word .docx document"),
        (lambda p: _zip_with(p, {"hello.txt": b"hi"}), "not a Word .docx document"),
        (_corrupt_xml, "XML cannot be read"),
        (lambda p: p.mkdir(), "is a folder"),
    ],
    ids=["doc", "encrypted", "broken-zip", "other-zip", "corrupt-xml", "folder"],
)
def test_read_docx_refusals_are_one_line(
    tmp_path: Path, make: Callable[[Path], object], expected: str
):
    path = tmp_path / "in.docx"
    make(path)
    with pytest.raises(InputError) as caught:
        read_docx(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and expected in message and "\n" not in message


def test_read_docx_size_limit(tmp_path: Path):
    path = _plain_docx(tmp_path / "note.docx")
    with pytest.raises(InputError, match=r"over the 0\.001 MB limit"):
        read_docx(path, max_mb=0.001)


def _zip_with(path: Path, entries: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)


def test_relocate_keeps_offsets_into_the_text(tmp_path: Path, analyzer: Analyzer):
    document = read_docx(_plain_docx(tmp_path / "note.docx"))
    (first, *_) = analyzer.analyse(document.text)
    (moved,) = document.relocate([first])
    assert (moved.start, moved.end) == (first.start, first.end)
    assert moved.line == 8 and moved.column == 117
    paragraph, offset = document.locate(first.end)
    assert paragraph.number == 8 and offset == moved.end_column - 1


def test_review_refuses_a_document_changed_since_it_was_read(tmp_path: Path, analyzer: Analyzer):
    source = _plain_docx(tmp_path / "note.docx")
    read = read_docx(source)
    findings = analyzer.analyse(read.text)
    replaced = docx.Document()
    replaced.add_paragraph("Another report.")
    replaced.save(str(source))
    with pytest.raises(InputError, match="changed while it was being reviewed"):
        write_review(source, tmp_path / "out.docx", read, findings)
    assert not (tmp_path / "out.docx").exists()


# --- damaged documents --------------------------------------------------------------------------

_RELS = "word/_rels/document.xml.rels"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _altered(path: Path, changes: dict[str, bytes | None]) -> Path:
    """A one-paragraph report with a header, its entries replaced, added or (None) dropped."""
    good = path.with_name("base.docx")
    document = docx.Document()
    document.add_paragraph(SLAPPED)
    document.sections[0].header.paragraphs[0].text = HEADER_LINE
    document.save(str(good))
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as damaged:
        for info in source.infolist():
            if info.filename not in changes:
                damaged.writestr(info, source.read(info))
        for name, payload in changes.items():
            if payload is not None:
                damaged.writestr(name, payload)
    return path


def _with_relationship(
    path: Path, kind: str, target: str, extra: dict[str, bytes | None] | None = None
) -> Path:
    """The report with its header relationship pointed at ``target`` (kind "header"), or a
    new relationship of that kind added."""
    base = _altered(path.with_name("plain.docx"), {})
    rels = _read_xml(base, _RELS)
    found = [r for r in rels if r.get("Type") == f"{_RT}/{kind}"]
    if found:
        found[0].set("Target", target)
    else:
        etree.SubElement(rels, f"{{{_REL_NS}}}Relationship", Id="rId99", Type=f"{_RT}/{kind}")
        rels[-1].set("Target", target)
    return _altered(path, {_RELS: etree.tostring(rels), **(extra or {})})


def _png_content_types(path: Path) -> bytes:
    types = _zip_read(_altered(path.with_name("types.docx"), {}), "[Content_Types].xml")
    return types.replace(b"</Types>", b'<Default Extension="png" ContentType="image/png"/></Types>')


def _damaged_tables(path: Path) -> Path:
    """A table with no rows, rows with no cells, a cell with no paragraph, an empty content
    control: nothing there to read, and no reason to stop."""
    body = (
        f"<w:document {nsdecls('w')}><w:body><w:tbl/><w:tbl><w:tr/><w:tr><w:tc/>"
        f"<w:tc><w:p><w:r><w:t>{SLAPPED}</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
        "<w:sdt/><w:customXml/><w:p/></w:body></w:document>"
    )
    return _altered(path, {"word/document.xml": body.encode()})


def test_a_word_document_without_a_body_is_refused_in_one_line(tmp_path: Path):
    """No w:body is a damaged file (Word will not open it): one line, exit 2, no copy."""
    empty = f'<w:document xmlns:w="{W}"></w:document>'.encode()
    path = _altered(tmp_path / "nobody.docx", {"word/document.xml": empty})
    with pytest.raises(InputError, match=r"damaged Word document \(no body\)"):
        read_docx(path)
    _assert_one_line_error(
        run_cli("check", str(path)), str(path), "damaged Word document (no body)"
    )
    out = tmp_path / "out.docx"
    proc = run_cli("review", str(path), "-o", str(out))
    _assert_one_line_error(proc, str(path), "damaged Word document (no body)")
    assert "internal error" not in proc.stderr and not out.exists()


def _header_part_missing(path: Path) -> Path:
    return _altered(path, {"word/header1.xml": None})


def _header_is_a_picture(path: Path) -> Path:
    extra = {"word/media/x.png": _png(), "[Content_Types].xml": _png_content_types(path)}
    return _with_relationship(path, "header", "media/x.png", extra)


def _header_reference_to_nothing(path: Path) -> Path:
    xml = _zip_read(_altered(path.with_name("plain.docx"), {}), "word/document.xml")
    return _altered(path, {"word/document.xml": xml.replace(b'r:id="rId', b'r:id="gone')})


def _comments_of_another_kind(path: Path) -> Path:
    return _with_relationship(path, "comments", "styles.xml")


MISSING_PART = "damaged Word document (a part it refers to is missing)"
BAD_COMMENTS = "damaged Word document (its comments cannot be read)"


@pytest.mark.parametrize(
    ("make", "read_as", "review_error"),
    [
        (_damaged_tables, f"{SLAPPED}\n\n", None),  # the table's one cell, the empty paragraph
        (_header_part_missing, None, MISSING_PART),
        (_header_is_a_picture, SLAPPED, None),  # the "header" is skipped
        (_header_reference_to_nothing, SLAPPED, None),
        (_comments_of_another_kind, f"{SLAPPED}\n\n{HEADER_LINE}", BAD_COMMENTS),
    ],
    ids=["tables", "missing-part", "header-is-a-picture", "dangling-reference", "comments"],
)
def test_damaged_parts_are_read_around_or_refused_in_one_line(
    tmp_path: Path, make: Callable[[Path], Path], read_as: str | None, review_error: str | None
):
    """Damage in a table, a header reference or the comments part never ends in an internal
    error: what can be read around is read (a header that is not one is skipped), the rest is
    one line naming the file. ``read_as`` None: the file is refused as missing a part."""
    path = make(tmp_path / "damaged.docx")
    check_error = MISSING_PART if read_as is None else None
    out = tmp_path / "out.docx"
    for args, error in (
        (("check", str(path)), check_error),
        (("review", str(path), "-o", str(out)), review_error),
    ):
        code, _, err = invoke(*args)
        assert "internal error" not in err and "Traceback" not in err
        if error is None:
            assert code == 1, err  # the body's one finding, read as usual
            assert "error" not in err
        else:
            assert code == 2
            (line,) = err.strip().splitlines()
            assert line.startswith(f"blamecheck: error: {path}: ") and error in line
    assert out.exists() == (review_error is None)  # a refused review writes nothing
    if read_as is not None:
        assert read_docx(path).text == read_as


# --- fields -------------------------------------------------------------------------------------


def _run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def _field(code: str, result: str | None) -> str:
    """A complex field: begin, its code, then (unless None) separate and its result, end."""
    parts = ['<w:r><w:fldChar w:fldCharType="begin"/></w:r>', code]
    if result is not None:
        parts += ['<w:r><w:fldChar w:fldCharType="separate"/></w:r>', _run(result)]
    return "".join([*parts, '<w:r><w:fldChar w:fldCharType="end"/></w:r>'])


def _code(instruction: str) -> str:
    return f'<w:r><w:instrText xml:space="preserve">{instruction}</w:instrText></w:r>'


# paragraphs whose flagged words start or end inside a field's result
FIELD_PARAGRAPHS = [
    _run("Ms Clarke told me that Mr Reid punched her in the face."),
    _run("She was ") + _field(_code(" MERGEFIELD act "), "slapped") + _run("."),
    _field(_code(" MERGEFIELD client "), "Ms Clarke")
    + _run(" was slapped in the kitchen on 6 April 2026."),
    _run("She was ")
    + f'<w:fldSimple w:instr=" MERGEFIELD act ">{_run("punched")}</w:fldSimple>'
    + _run("."),
    # a field inside another's code: the comment goes around the outer one
    _run("She was ")
    + _field(
        _code(" IF ") + _field(_code(" MERGEFIELD x "), None) + _code(' = 1 "a" "b" '), "kicked"
    )
    + _run("."),
    # words said to her, whose alternative is complete: --apply would take in the field
    _run("You need to ")
    + _field(_code(" MERGEFIELD act "), "stop contact")
    + _run(" and seek legal advice."),
]


def _fields_docx(path: Path) -> Path:
    document = docx.Document()
    body = document.element.body
    for paragraph in FIELD_PARAGRAPHS:
        body.insert(len(body) - 1, parse_xml(f"<w:p {nsdecls('w')}>{paragraph}</w:p>"))
    document.save(str(path))
    return path


def _anchors_in_fields(root: etree._Element) -> list[str]:
    """Comment marks between a field's begin and its end, or inside a w:fldSimple."""
    anchors = {qn("w:commentRangeStart"), qn("w:commentRangeEnd"), qn("w:commentReference")}
    depth, inside = 0, []
    for node in root.iter():
        if node.tag == qn("w:fldChar"):
            kind = node.get(qn("w:fldCharType"))
            depth += 1 if kind == "begin" else -1 if kind == "end" else 0
        elif node.tag in anchors and (
            depth or next(node.iterancestors(qn("w:fldSimple")), None) is not None
        ):
            inside.append(f"{etree.QName(node).localname} {node.get(qn('w:id'))}")
    assert depth == 0
    return inside


@pytest.mark.parametrize("apply", [False, True], ids=["comments", "apply"])
def test_review_keeps_comments_out_of_fields(tmp_path: Path, analyzer: Analyzer, apply: bool):
    """Word rewrites a field's result when the field is updated, so a comment on words that
    start or end in one takes in the whole field (its code is not shown, so the comment still
    reads as the flagged words), its reference after the field; --apply leaves them comments."""
    source = _fields_docx(tmp_path / "merge.docx")
    target = tmp_path / "merge.reviewed.docx"
    proc = run_cli("review", str(source), "-o", str(target), *(["--apply"] if apply else []))
    assert proc.returncode == 1, proc.stderr

    document = read_docx(source)
    findings = analyzer.analyse(document.text)
    flagged = {f.text for f in findings}
    assert flagged >= {
        "She was slapped",
        "Ms Clarke was slapped in the kitchen on 6 April 2026",
        "She was punched",
        "She was kicked",
    }
    root = _read_xml(target, "word/document.xml")
    assert _anchors_in_fields(root) == []
    _assert_comments_match(target, findings)  # one comment each, reading as the flagged words
    position = {node: i for i, node in enumerate(root.iter())}
    ends = {n.get(qn("w:id")): position[n] for n in root.iter(qn("w:commentRangeEnd"))}
    for reference in root.iter(qn("w:commentReference")):  # after its range, so the field's end
        assert position[reference] > ends[reference.get(qn("w:id"))]
    assert read_docx(target).text == document.text  # the words and fields are all still there
    assert _normalised(_zip_read(target, "word/document.xml")) == _normalised(
        _zip_read(source, "word/document.xml")
    )
    if apply:
        # the one complete alternative takes in a field: a comment, with a notice (the written
        # sentences' rewrites have slots only the writer fills, so --apply leaves them)
        notices = [line for line in proc.stderr.splitlines() if "not applied" in line]
        assert [n.split(",")[0] for n in notices] == ["blamecheck: paragraph 6"]
        assert all("field" in n and "Clarke" not in n for n in notices)
        assert "(0 applied as tracked changes)" in proc.stderr
        assert not list(root.iter(qn("w:ins"))) and not list(root.iter(qn("w:del")))
