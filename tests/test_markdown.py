"""Markdown files are read as the prose a reader sees, and findings point into the file itself.

Real text through the real analyser: the sample case note as Markdown must give the findings
the plain text gives, none from front matter, code or link targets, at the right places.
"""

from __future__ import annotations

import re

import pytest

from blamecheck.api import Analyzer
from blamecheck.filters import inline_ignores
from blamecheck.findings import Finding
from blamecheck.readers.markdown_text import CODE_WORD, Prose, prose

from .conftest import SAMPLE

MARKUP = re.compile(r"[*_`~\[\]]|\([^)]*\)")


def words(text: str) -> str:
    """Text without emphasis and link markup, white space collapsed: what was flagged."""
    return " ".join(MARKUP.sub("", text).split())


def replaced(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def sample_markdown() -> str:
    """The sample case note written as Markdown, with flaggable words where none may count."""
    md = SAMPLE.read_text(encoding="utf-8")
    md = replaced(md, "CHILD PROTECTION", "# CHILD PROTECTION")
    for heading in ("Reason for visit", "Observations", "Discussion with mother", "Analysis"):
        md = replaced(md, f"\n{heading}\n", f"\n## {heading}\n\n")
    md = replaced(md, "\nPlan\n", "\n## Plan\n\n")
    md = replaced(md, "was assaulted on 3", "was **assaulted** on 3")
    md = replaced(md, "as hysterical and uncooperative", "as *hysterical and uncooperative*")
    md = replaced(md, "a volatile relationship", "a __volatile relationship__")
    md = replaced(
        md,
        "from Police Scotland",
        'from [Police Scotland](https://example.org/victim-was-assaulted "Mother failed to '
        'protect the children")',
    )
    md = replaced(
        md,
        "\n\n## Discussion",
        "\n\n```text\nMother failed to protect the children.\nShe was pushed.\n```\n"
        "\n## Discussion",
    )
    md = replaced(
        md,
        "has not acknowledged his behaviour.",
        "has not acknowledged his behaviour. The old template line "
        "`Mother failed to protect the children` is no longer used.",
    )
    return "---\ntitle: Home visit\nsummary: she was pushed\n---\n\n" + md


def relocated(analyzer: Analyzer, md: str) -> tuple[Prose, list[Finding]]:
    p = prose(md)
    return p, p.relocate(analyzer.analyse(p.text), md)


def position(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def assert_points_at_original(md: str, findings: list[Finding]) -> None:
    for f in findings:
        assert f.text == md[f.start : f.end]
        assert (f.line, f.column) == position(md, f.start)
        assert (f.end_line, f.end_column) == position(md, f.end)


def test_sample_markdown_gives_the_plain_text_findings(analyzer: Analyzer) -> None:
    md = sample_markdown()
    _, found = relocated(analyzer, md)
    expected = analyzer.analyse(SAMPLE.read_text(encoding="utf-8"))
    assert expected
    assert sorted((f.rule, words(f.text)) for f in found) == sorted(
        (f.rule, words(f.text)) for f in expected
    )
    assert_points_at_original(md, found)

    hidden = [
        (0, md.index("---\n\n", 4) + 3),  # front matter
        (md.index("```text"), md.index("```\n\n## Discussion") + 3),  # fenced code
        (md.index("(https://"), md.index('children")') + 10),  # link target and title
        (md.index("`Mother"), md.index("children`") + 9),  # inline code
    ]
    for f in found:
        assert not any(start < f.end and f.start < end for start, end in hidden), f
    # read as plain text, the hidden parts would be flagged: the check above has teeth
    raw = analyzer.analyse(md)
    for start, end in (hidden[0], hidden[1], hidden[3]):
        assert any(start < f.end and f.start < end for f in raw)
    emphasised = {words(f.text): f.text for f in found}
    assert emphasised["Ms Clarke was assaulted on 3 March 2026"] == (
        "Ms Clarke was **assaulted** on 3 March 2026"
    )
    assert emphasised["Ms Clarke presented as hysterical and uncooperative"].endswith(
        "*hysterical and uncooperative*"
    )
    assert emphasised["volatile relationship"] == "volatile relationship"  # markers stay outside


def test_sample_markdown_prose_keeps_no_markup() -> None:
    text = prose(sample_markdown()).text
    for gone in ("summary:", "```", "https://", "victim-was-assaulted", "**", "## ", "`"):
        assert gone not in text
    assert "Mother failed to protect the children." not in text
    assert f"template line {CODE_WORD} is no longer used" in text
    assert "from Police Scotland following" in text


def test_emphasis_does_not_change_detection(analyzer: Analyzer) -> None:
    plain = "Ms Clarke was pushed on 3 March 2026.\n"
    md = "Ms Clarke was **pushed** on 3 March 2026.\n"
    expected = analyzer.analyse(plain)
    _, found = relocated(analyzer, md)
    assert expected
    assert [(f.rule, words(f.text)) for f in found] == [(f.rule, f.text) for f in expected]
    assert "was **pushed** on" in found[0].text  # both markers, never half a pair
    assert_points_at_original(md, found)


def test_link_text_is_flagged_inside_the_brackets(analyzer: Analyzer) -> None:
    md = "Update.\n\n[Ms Clarke was assaulted](http://example.org).\n"
    _, found = relocated(analyzer, md)
    assert [f.rule for f in found] == ["perpetrator-agency/agentless-violence"]
    f = found[0]
    assert md.index("[") < f.start and f.end <= md.index("]")
    assert f.text == "Ms Clarke was assaulted"
    assert (f.line, f.column) == (3, 2)


# a line end between two lines of a paragraph: the analyser reads it as a space, char for char
SOFT_BREAK = re.compile(r"(?<=[^\r\n])\r?\n(?=[^\r\n])")


def test_plain_prose_maps_one_to_one() -> None:
    """Prose without markup is the text itself, mapped 1:1; only a line end inside a
    paragraph reads as spaces (one for each of its characters), so a wrapped sentence is one."""
    texts = [
        "Ms Clarke said that Mr Reid hit her. The home was warm.\n\nLiam was quiet.\n",
        "Reason for visit\nThe referral was made on 4 March 2026 (see file_ref_12).\n",
        "Scores: 5 * 3 = 15 and 2*3; Tom & Jerry; a_b_c; it costs 3 < 4.\n",
        "Windows lines\r\nstay as they are.\r\n\r\nNext paragraph.\r\n",
        "",
    ]
    sample = SAMPLE.read_text(encoding="utf-8")
    texts.append(sample[: sample.index("\nPlan\n")])  # every paragraph before the numbered list
    for text in texts:
        p = prose(text)
        assert p.text == SOFT_BREAK.sub(lambda m: " " * len(m.group()), text)
        assert [p.to_original(i) for i in range(len(text) + 1)] == list(range(len(text) + 1))
        assert p.span(0, len(text)) == (0, len(text))


def test_offsets_round_trip() -> None:
    md = (
        "# Heading *one*\n\n> quoted **bold** line\n> and [a link](http://x.org 'T') here\n\n"
        "- item _one_\n- item \\*two\\* &amp; more\n\nSee <http://x.org> and www.example.org.\n"
    )
    p = prose(md)
    assert p.text == (
        "Heading one\n\nquoted bold line and a link here\n\n"
        "item one\n\nitem *two* & more\n\nSee  and .\n"
    )
    starts = [p.to_original(i) for i in range(len(p.text))]
    assert starts == sorted(starts)
    for i, ch in enumerate(p.text):
        if ch not in "\n&":  # a paragraph break put in, or "&amp;" read as "&"
            assert md[starts[i]] == ch or (ch == " " and md[starts[i]] == "\n")  # a soft break
    assert p.to_original(p.text.index("&")) == md.index("&amp;")
    assert p.to_original(p.text.index("&") + 1, end=True) == md.index("&amp;") + 5
    assert p.to_original(len(p.text)) == len(md)
    # an end offset stops after the last kept character, before the markup that follows
    end = p.text.index("bold") + 4
    assert md[p.to_original(end, end=True) :].startswith("** line")
    with pytest.raises(IndexError):
        p.to_original(len(p.text) + 1)


def test_crlf_markdown(analyzer: Analyzer) -> None:
    lf = sample_markdown()
    crlf = lf.replace("\n", "\r\n")
    _, found_lf = relocated(analyzer, lf)
    _, found_crlf = relocated(analyzer, crlf)
    assert [(f.rule, f.text, f.line, f.column) for f in found_crlf] == [
        (f.rule, f.text, f.line, f.column) for f in found_lf
    ]
    assert_points_at_original(crlf, found_crlf)
    assert "summary:" not in prose(crlf).text


def test_front_matter_toml_and_reference_definitions(analyzer: Analyzer) -> None:
    md = (
        '+++\ntitle = "Mother failed to protect the children"\n+++\n\n'
        "Liam was quiet. See [the report][r] and [the police note].\n\n"
        "[r]: https://example.org/mother-failed-to-protect\n"
        '[the police note]: <https://example.org/she-was-pushed> "Ms Clarke was assaulted"\n'
    )
    p = prose(md)
    assert p.text.strip() == "Liam was quiet. See the report and the police note."
    assert analyzer.analyse(p.text) == []


def test_inline_code_reads_as_a_neutral_word(analyzer: Analyzer) -> None:
    md = "She said `x` and Ms Clarke was pushed by `Mr Reid` on 3 March.\n"
    p = prose(md)
    assert p.text == f"She said {CODE_WORD} and Ms Clarke was pushed by {CODE_WORD} on 3 March.\n"
    assert analyzer.analyse(p.text) == []


def test_unclosed_fence_runs_to_the_end(analyzer: Analyzer) -> None:
    md = "Liam was quiet.\n\n~~~~ text\nMother failed to protect the children.\n\nShe was pushed.\n"
    p = prose(md)
    assert p.text.strip() == "Liam was quiet."
    assert analyzer.analyse(p.text) == []


def test_fence_keeps_paragraphs_apart() -> None:
    md = "Mother said nothing\n```\ncode\n```\nabout the visit.\n"
    text = prose(md).text
    assert re.search(r"nothing\n[ \t]*\n", text)  # never one sentence across the code
    assert text.split() == ["Mother", "said", "nothing", "about", "the", "visit."]


def test_nested_list(analyzer: Analyzer) -> None:
    md = (
        "## Plan\n"
        "- Actions\n"
        "  - Ms Clarke must end the relationship and call the police if Mr Reid returns.\n"
        "  - [x] The worker will visit weekly.\n"
        "1) Liam will see the school nurse.\n"
    )
    p = prose(md)
    for marker in ("- ", "[x]", "1)", "##"):
        assert marker not in p.text
    assert re.search(r"Actions\n\s*\n\s*Ms Clarke", p.text)  # each item its own paragraph
    found = p.relocate(analyzer.analyse(p.text), md)
    assert [f.rule for f in found] == ["victim-blaming/tasks-on-survivor"]
    assert found[0].text.startswith("Ms Clarke must end the relationship")
    assert (found[0].line, found[0].column) == (3, 5)
    assert_points_at_original(md, found)


def test_table_cells_are_separate_phrases(analyzer: Analyzer) -> None:
    md = (
        "Incidents\n\n"
        "| Date | Event | Source |\n"
        "|:-----|:-----:|-------:|\n"
        "| 3 March 2026 | Ms Clarke was assaulted | Police Scotland |\n"
        "| 9 March 2026 | Core group \\| meeting | Minutes |\n"
    )
    p = prose(md)
    assert "|" not in p.text.replace("Core group | meeting", "")
    assert "-----" not in p.text
    cells = [c.strip() for c in re.split(r"\n\s*\n", p.text) if c.strip()]
    assert cells == [
        "Incidents",
        "Date",
        "Event",
        "Source",
        "3 March 2026",
        "Ms Clarke was assaulted",
        "Police Scotland",
        "9 March 2026",
        "Core group | meeting",
        "Minutes",
    ]
    found = p.relocate(analyzer.analyse(p.text), md)
    assert [(f.rule, f.text) for f in found] == [
        ("perpetrator-agency/agentless-violence", "Ms Clarke was assaulted")
    ]
    assert_points_at_original(md, found)


def test_html_comments_and_inline_ignores(analyzer: Analyzer) -> None:
    md = (
        "Liam was quiet.\n"
        "<!-- blamecheck-disable-next-line -->\n"
        "Mother failed to protect the children.\n\n"
        "<!--\nMum allowed Mr Reid back.\n\nStill a comment.\n-->\n"
        "Ms Clarke presented as <b>hysterical</b> and uncooperative.\n"
    )
    p = prose(md)
    assert "blamecheck" not in p.text and "Mum allowed" not in p.text and "<b>" not in p.text
    assert p.text.count("\n") >= md.count("\n")  # lines the comments held stay line breaks
    found = p.relocate(analyzer.analyse(p.text), md)
    assert sorted(f.rule for f in found) == [
        "victim-blaming/failure-to-protect",
        "victim-blaming/judgemental-descriptor",
    ]
    assert_points_at_original(md, found)
    failure = next(f for f in found if f.rule == "victim-blaming/failure-to-protect")
    assert failure.line == 3
    kept, silenced = inline_ignores.split(md, found)
    assert silenced == [failure]
    assert [f.rule for f in kept] == ["victim-blaming/judgemental-descriptor"]
    assert kept[0].text == "Ms Clarke presented as <b>hysterical</b> and uncooperative"


def test_relocate_needs_the_original() -> None:
    with pytest.raises(ValueError):
        prose("*a*").relocate([], "a")


def test_a_megabyte_of_markdown() -> None:
    block = (
        "# Visit {i}\n\n"
        "Ms Clarke was **assaulted** on 3 March. See [the report](http://example.org/{i}) "
        "and `code {i}`.\n"
        "- item *one* with snake_case and 5 * 3\n"
        "- item two <!-- note --> &amp; https://example.org/a_b_c.\n\n"
        "| Date | Event |\n|------|-------|\n| 3 March | she was ~~pushed~~ _hit_ |\n\n"
        "```\nMother failed to protect the children\n```\n\n"
        "> quoted \\*text\\* [ref] here\n\n[ref]: http://x.org\n"
    )
    parts: list[str] = []
    size = 0
    while size < 1_000_000:
        parts.append(block.format(i=len(parts)))
        size += len(parts[-1])
    md = "".join(parts)
    p = prose(md)
    assert 0 < len(p.text) < len(md)
    assert "Mother failed" not in p.text and "**" not in p.text and "http" not in p.text
    last = p.text.rindex("assaulted")
    start, end = p.span(last, last + len("assaulted"))
    assert md[start:end] == "assaulted"
