"""Sentences wrapped over lines, and Markdown that once hid its prose, checked end to end.

Each case went unchecked before: a sentence wrapped after a short first line was split as if
that line were a heading, in plain text and in Markdown; everything after an unclosed code
fence inside a block quote was read as code; a link reference definition's title on its own
line was read as prose and flagged.
"""

from __future__ import annotations

import json

from blamecheck.api import Analyzer, split_blocks
from blamecheck.readers.markdown_text import prose

from .conftest import invoke

AGENTLESS = "perpetrator-agency/agentless-violence"


def findings(text: str, *name: str) -> list[dict[str, object]]:
    """The findings of `check` on ``text`` given on standard input (named ``name``, if any)."""
    named = ("--stdin-filename", name[0]) if name else ()
    code, out, err = invoke("check", "--format", "json", *named, "-", stdin=text)
    assert code in (0, 1), err
    return json.loads(out)["files"][0]["findings"]


def test_plain_text_sentence_wrapped_after_a_short_line() -> None:
    found = findings("She was\npushed.\n")
    assert [(f["rule"], f["text"], f["line"], f["column"]) for f in found] == [
        (AGENTLESS, "She was\npushed", 1, 1)
    ]


def test_markdown_sentence_wrapped_after_a_short_line() -> None:
    md = "She was\npushed.\n"
    assert prose(md).text == "She was pushed.\n"  # a soft break is a space
    found = findings(md, "note.md")
    assert [(f["rule"], f["text"], f["line"]) for f in found] == [(AGENTLESS, "She was\npushed", 1)]


def test_unclosed_fence_in_a_quote_ends_with_the_quote() -> None:
    md = "> ```\n> old line\n\nShe was pushed.\n"
    found = findings(md, "a.md")
    assert [(f["rule"], f["text"], f["line"], f["column"]) for f in found] == [
        (AGENTLESS, "She was pushed", 4, 1)
    ]


def test_reference_definition_title_on_its_own_line_is_not_prose() -> None:
    md = (
        "Liam was quiet. See [the report].\n\n"
        "[the report]: https://example.org/report\n"
        '  "Mother failed to protect the children"\n'
    )
    assert "Mother" not in prose(md).text
    assert findings(md, "a.md") == []


def test_short_lines_that_read_as_headings_stay_headings() -> None:
    """The stricter plain-text rule joins a short line only to a lowercase continuation."""
    kept = [
        "Reason for visit\nThe referral was made on 4 March.",  # a new sentence follows
        "PLAN\nworker to visit weekly",  # capitals
        "Observations:\nthe home was warm",  # a colon
        "Ms Clarke was assaulted.\nthen she left",  # a sentence ends
    ]
    for text in kept:
        assert [b.text for b in split_blocks(text)] == [text]
    joined = split_blocks("Ms Clarke\nwas pushed.\r\nby him")  # Title Case is a name here
    assert [(b.offset, b.text) for b in joined] == [(0, "Ms Clarke was pushed.\r\nby him")]


def test_heading_before_a_wrapped_sentence(analyzer: Analyzer) -> None:
    """A heading line, then a wrapped sentence: only the wrap is joined."""
    text = "Observations\nShe was\npushed.\n"
    assert [b.text for b in split_blocks(text)] == ["Observations\nShe was pushed."]
    found = analyzer.analyse(text)
    assert [(f.rule, f.text, f.line, f.column) for f in found] == [
        (AGENTLESS, "She was\npushed", 2, 1)
    ]
