"""Lines and columns by the LSP specification (positions.py), the command line's line and
column numbers on the same lines, and the two pygls behaviours the language server works
around: when one of the pygls tests here fails, pygls has changed, and the server's own
document copy (server._Protocol.lsp_text_document__did_change) may no longer be needed."""

from __future__ import annotations

import json

import pytest
from lsprotocol import types
from pygls.workspace import PositionCodec, TextDocument

from blamecheck.positions import LineIndex, apply_change, encoding_of
from tests.conftest import invoke

PYTHON_ONLY_LINE_ENDS = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("separator", PYTHON_ONLY_LINE_ENDS)
def test_only_lf_crlf_and_cr_end_a_line(separator: str):
    text = f"one{separator}two\nthree\r\nfour\rfive"
    lines = LineIndex(text)
    assert lines.lsp_position(text.index("two")) == {"line": 0, "character": 4}
    assert lines.lsp_position(text.index("three")) == {"line": 1, "character": 0}
    assert lines.lsp_position(text.index("four")) == {"line": 2, "character": 0}
    assert lines.lsp_position(text.index("five")) == {"line": 3, "character": 0}
    assert lines.offset(1, 0) == text.index("three")
    assert lines.position(text.index("two")) == (1, 5)


def test_columns_in_the_negotiated_units():
    text = "😀 é x\n"
    lines = LineIndex(text)
    x = text.index("x")
    assert lines.lsp_position(x)["character"] == 5  # UTF-16: the emoji is two units
    assert lines.lsp_position(x, "utf-8")["character"] == 8
    assert lines.lsp_position(x, "utf-32")["character"] == 4
    assert lines.offset(0, 5) == lines.offset(0, 8, "utf-8") == lines.offset(0, 4, "utf-32") == x
    assert lines.offset(0, 1) == 0  # inside the emoji's two units: its start


def test_a_lone_surrogate_is_one_utf16_unit():
    text = "a\ud800b"
    assert LineIndex(text).lsp_position(2) == {"line": 0, "character": 2}
    assert LineIndex(text).offset(0, 2) == 2


def test_positions_past_the_end_are_clamped_as_the_specification_says():
    text = "short\nline two\n"
    lines = LineIndex(text)
    assert lines.offset(0, 99) == 5  # past the end of its line: the end of the line
    assert lines.offset(1, 99) == text.index("\n", 6)
    assert lines.offset(9, 0) == len(text)  # past the last line: the end of the text
    assert apply_change(text, (0, 5), (0, 99), "!", "utf-16") == "short!\nline two\n"
    assert apply_change(text, (7, 0), (8, 0), "end", "utf-16") == text + "end"


def test_encoding_names():
    assert encoding_of(types.PositionEncodingKind.Utf8) == "utf-8"
    assert encoding_of("utf-32") == "utf-32"
    assert encoding_of(None) == "utf-16"


def test_the_command_line_counts_lines_as_editors_do():
    """A form feed inside line 1 (a page break from pdftotext) does not start a new line."""
    text = "Visit notes\x0cseen at home.\nMother failed to protect the children.\n"
    code, out, _ = invoke("check", "--format", "json", "-", stdin=text)
    assert code == 1
    (finding,) = json.loads(out)["files"][0]["findings"]
    assert (finding["line"], finding["column"]) == (2, 1)


def test_pygls_still_splits_its_documents_at_python_line_ends():
    """Canary: pygls's TextDocument counts a form feed as a line end, which the LSP does not.
    If this fails, pygls follows the specification now."""
    document = TextDocument("file:///notes.txt", "a\x0cb\nc\n")
    assert len(document.lines) == 3


def test_pygls_still_writes_clamped_columns_into_the_edit():
    """Canary: converting a position past the end of a (pygls) line changes the caller's
    Position object, so an edit's parameters are wrong after pygls has looked at them."""
    position = types.Position(line=0, character=9)
    PositionCodec().position_from_client_units(["a\x0c", "b\n"], position)
    assert position.character != 9


def test_the_library_api_reads_past_a_lone_surrogate_and_a_nul():
    """Issue 20: `api.analyse` never raises on a Python string; the rest is still checked."""
    from blamecheck import api

    text = "Pasted \ud800 text.\x00 Mother failed to protect the children."
    findings = api.analyse(text)
    flagged = [f.text for f in findings if f.rule == "victim-blaming/failure-to-protect"]
    assert flagged == ["Mother failed to protect the children"]
    assert all(text[f.start : f.end] == f.text for f in findings)
