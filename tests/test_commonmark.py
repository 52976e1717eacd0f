"""prose() reads Markdown as CommonMark does: for every example of the CommonMark spec, the
words a reader sees in the reference HTML are the words prose() gives, and every character of
the prose comes from the same character of the source.

The examples are read at test time from an installed copy of the spec's examples (spec.json,
as the spec's own `test/spec_tests.py --dump-tests` writes it); the repository keeps none. No
Python package ships it, so the test looks where a system package puts it: Debian's
golang-github-yuin-goldmark-dev (CommonMark 0.30, 652 examples), or the file named by
BLAMECHECK_COMMONMARK_SPEC.

What a reader sees, read from the reference HTML: the text of every element, image
descriptions (alt) included, entities decoded; not code blocks (<pre>) nor the content of
<script>, <style> and <textarea>; an inline <code> element as the one word CODE_WORD (what
prose() puts for it); not the text of an autolink, which is its own target.
"""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest

from blamecheck.readers.markdown_text import CODE_WORD, prose

SPEC_PLACES = (
    Path("/usr/share/gocode/src/github.com/yuin/goldmark/_test/spec.json"),  # Debian, Ubuntu
)
HIDDEN = frozenset({"pre", "script", "style", "textarea"})

# Where blamecheck reads GitHub's Markdown, not CommonMark's, on purpose: what GitHub shows.
# Where prose() differs from the reference on purpose, or the check cannot judge: each must
# still differ (strict), so a change that makes one agree is seen.
DIFFERENT = {
    96: "blamecheck reads a file opening with ---...--- as YAML front matter, as GitHub does",
    148: "a <pre> left open over a blank line: its first lines are raw HTML (code), the "
    "Markdown paragraph after the blank line is prose",
    180: "the check's HTML parser, as a browser, ends <?php ... ?> at its first '>'",
    **dict.fromkeys(
        (601, 607, 610), "a bare URL in text: GitHub links it, and its words are no prose"
    ),
    **dict.fromkeys(
        (625, 626), "an HTML comment holding '--' or '<!-->': pyromark reads CommonMark 0.31.2"
    ),
}


def spec_file() -> Path | None:
    named = os.environ.get("BLAMECHECK_COMMONMARK_SPEC")
    for place in (Path(named),) if named else SPEC_PLACES:
        if place.is_file():
            return place
    return None


def examples() -> list[object]:
    found = spec_file()
    if found is None:
        return [
            pytest.param(
                None,
                marks=pytest.mark.skip(
                    reason="no CommonMark spec.json installed: apt-get install "
                    "golang-github-yuin-goldmark-dev, or set BLAMECHECK_COMMONMARK_SPEC"
                ),
                id="no-spec",
            )
        ]
    params: list[object] = []
    for example in json.loads(found.read_text(encoding="utf-8")):
        number = example["example"]
        marks = []
        if number in DIFFERENT:
            marks.append(pytest.mark.xfail(strict=True, reason=DIFFERENT[number]))
        params.append(pytest.param(example, marks=marks, id=f"example-{number}"))
    return params


class _Seen(HTMLParser):
    """The text of an HTML fragment as a reader sees it (see the module's docstring)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.code = 0
        self.link: list[tuple[str, int]] = []  # open <a>: its target, where its text starts

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self.hidden += 1
        elif tag == "code" and not self.hidden:
            if not self.code:
                self.parts.append(f" {CODE_WORD} ")
            self.code += 1
        elif tag == "img" and not self.hidden and not self.code:
            self.parts.append(dict(attrs).get("alt") or "")
        elif tag == "a":
            self.link.append((dict(attrs).get("href") or "", len(self.parts)))
        else:
            self.parts.append(" ")  # another element: words never run across it

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag == "code" and self.code:
            self.code -= 1
        elif tag == "a" and self.link:
            target, start = self.link.pop()
            shown = "".join(self.parts[start:])
            if shown and unquote(target) in (unquote(shown), f"mailto:{shown}"):
                del self.parts[start:]  # an autolink
        else:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.hidden and not self.code:
            self.parts.append(data)


def seen(fragment: str) -> str:
    reader = _Seen()
    reader.feed(fragment)
    reader.close()
    return "".join(reader.parts)


def squeezed(text: str) -> str:
    """Text without white space: line breaks, paragraph breaks and soft breaks differ."""
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("example", examples())
def test_prose_is_what_the_reader_sees(example: dict[str, object]) -> None:
    md, reference = str(example["markdown"]), str(example["html"])
    p = prose(md)
    assert squeezed(p.text) == squeezed(seen(reference))

    previous = 0
    for i, ch in enumerate(p.text):
        if ch.isspace():
            continue  # a soft break's space, a paragraph break put in
        at = p.to_original(i)
        assert at >= previous, f"prose character {i} maps back before the one before it"
        previous = at
        put_in = md.startswith(("`", "&"), at) or md[at : at + 5].lower() == "<code"
        assert md[at] == ch or put_in, f"prose {ch!r} at {i} maps to source {md[at]!r} at {at}"
