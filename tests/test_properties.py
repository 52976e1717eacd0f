"""Properties that must hold for any document (Hypothesis, with few examples so CI stays
quick; bench/fuzz_fix.py runs thousands): positions by the LSP's line ends, incremental
analysis equal to a fresh one, `fix` twice equal to `fix` once and changing only flagged
words, outputs that parse with offsets that match their text, Word originals never touched."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from bench.fuzz_fix import changed_words, lost_words
from bench.fuzz_fix import documents as fuzz_documents
from bench.reports import corpus_sentences
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from blamecheck.api import Analyzer, ParagraphCache
from blamecheck.findings import Finding
from blamecheck.positions import LineIndex, apply_change
from blamecheck.readers.document import Kind
from blamecheck.rewriting.fixer import fix_text
from blamecheck.surfaces import linting
from blamecheck.surfaces.formats import FileReport, github_format, json_format, sarif_format

_SOME = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
# every line end Python knows: only the first three are line ends to the LSP
SEPARATORS = [
    "\n",
    "\r\n",
    "\r",
    "\x0c",
    "\x0b",
    "\x1c",
    "\x1d",
    "\x1e",
    "\x85",
    "\u2028",
    "\u2029",
]
_POOL = corpus_sentences()[::7]  # flagged and clean sentences of every category
sentences = st.sampled_from(_POOL)
joins = st.sampled_from([" ", " ", "\n", "\n\n", "\r\n", "\r\n\r\n", *SEPARATORS])
odd = st.sampled_from(["", "", "", "é", "😀", "\x00", "\u0301", "\ud800", "\u00ad"])


@st.composite
def documents(draw: st.DrawFn, allow_odd: bool = True) -> str:
    parts = []
    for sentence in draw(st.lists(sentences, min_size=1, max_size=5)):
        if allow_odd:
            at = draw(st.integers(0, len(sentence)))
            sentence = sentence[:at] + draw(odd) + sentence[at:]
        parts += [sentence, draw(joins)]
    return "".join(parts)


def _lsp_lines(text: str) -> list[int]:
    """Line starts by the LSP specification, found independently of positions.py."""
    starts, i = [0], 0
    while i < len(text):
        if text[i] == "\r" and text[i + 1 : i + 2] == "\n":
            i += 2
            starts.append(i)
            continue
        i += 1
        if text[i - 1] in "\r\n":
            starts.append(i)
    return starts


@given(
    st.lists(st.sampled_from([*SEPARATORS, "a", "é", "😀", "\ud800", " "]), max_size=40).map(
        "".join
    )
)
def test_positions_count_only_the_lsp_line_ends_and_round_trip(text: str):
    lines = LineIndex(text)
    starts = _lsp_lines(text)
    for offset in range(len(text) + 1):
        if 0 < offset < len(text) and text[offset - 1 : offset + 1] == "\r\n":
            continue  # between the CR and LF of one line end: no position of its own
        line = max(i for i, s in enumerate(starts) if s <= offset)
        units = len(text[starts[line] : offset].encode("utf-16-le", "surrogatepass")) // 2
        assert lines.lsp_position(offset) == {"line": line, "character": units}
        assert lines.offset(line, units) == offset
        assert lines.position(offset) == (line + 1, offset - starts[line] + 1)
        for encoding in ("utf-8", "utf-32"):
            position = lines.lsp_position(offset, encoding)
            assert lines.offset(position["line"], position["character"], encoding) == offset


@st.composite
def edit_scripts(draw: st.DrawFn) -> tuple[str, list[tuple[int, int, str]]]:
    text = draw(documents())
    edits = []
    for _ in range(draw(st.integers(1, 5))):
        a = draw(st.integers(0, 10_000))
        b = draw(st.integers(0, 40))
        new = draw(
            st.sampled_from(
                ["", "She was pushed. ", " Mother failed to protect them.", *SEPARATORS, "😀", "x"]
            )
        )
        edits.append((a, b, new))
    return text, edits


def _key(finding: Finding) -> tuple[object, ...]:
    return (
        finding.rule,
        finding.start,
        finding.end,
        finding.text,
        finding.message,
        tuple(s.replacement for s in finding.suggestions),
    )


@_SOME
@given(edit_scripts())
def test_incremental_edits_give_the_findings_of_the_final_text(analyzer: Analyzer, script):
    """What the language server does on each change (its own copy of the text, edited by LSP
    positions, and the paragraph cache) equals analysing the final text from scratch."""
    text, edits = script
    cache = ParagraphCache()
    analyzer.analyse_cached(text, cache)
    for a, length, new in edits:
        lines = LineIndex(text)
        start = min(a, len(text))
        end = min(start + length, len(text))
        p0, p1 = lines.lsp_position(start), lines.lsp_position(end)
        expected = text[:start] + new + text[end:]
        text = apply_change(
            text, (p0["line"], p0["character"]), (p1["line"], p1["character"]), new, "utf-16"
        )
        if not (text[start - 1 : start + 1] == "\r\n" or expected[end - 1 : end + 1] == "\r\n"):
            assert text == expected
        found = analyzer.analyse_cached(text, cache)
    assert [_key(f) for f in found] == [_key(f) for f in analyzer.analyse(text)]
    for f in found:
        assert 0 <= f.start < f.end <= len(text) and text[f.start : f.end] == f.text
        assert not f.text[0].isspace() and not f.text[-1].isspace()


@_SOME
@given(documents(allow_odd=False), st.booleans())
def test_fix_twice_is_fix_once_and_changes_only_flagged_words(
    analyzer: Analyzer, text: str, fill: bool
):
    reported = linting.reporter(analyzer, Kind.TEXT, linting.Filters())
    seen: list[list[Finding]] = []

    def recording(t: str) -> list[Finding]:
        found = reported(t)
        seen.append(found)
        return found

    once = fix_text(analyzer, text, placeholders=fill, reported=recording)
    assert fix_text(analyzer, once.text, placeholders=fill, reported=reported).text == once.text
    _, written = changed_words(text, once.text)
    assert lost_words(text, once.text, [(f.start, f.end) for f in seen[0]]) == 0
    left = reported(once.text)
    assert not [f for f in left if any(f.start < e and s < f.end for s, e in written)]
    assert once.on_rewritten_spans() == []


_GITHUB = re.compile(
    r"^::(error|warning|notice) file=(.*?),line=(\d+),col=(\d+),"
    r"endLine=(\d+),endColumn=(\d+),title=([^:]*)::(.*)$"
)


def _line_column(text: str, offset: int) -> tuple[int, int]:
    starts = _lsp_lines(text)
    line = max(i for i, s in enumerate(starts) if s <= offset)
    return line + 1, offset - starts[line] + 1


@_SOME
@given(documents())
def test_outputs_parse_and_their_offsets_match_their_text(analyzer: Analyzer, text: str):
    findings = analyzer.analyse(text)
    report = FileReport("notes.txt", text, findings)
    data = json.loads(json_format.render([report]))
    (file,) = data["files"]
    assert len(file["findings"]) == len(findings)
    for item in file["findings"]:
        assert text[item["start"] : item["end"]] == item["text"]
        assert (item["line"], item["column"]) == _line_column(text, item["start"])
        assert (item["end_line"], item["end_column"]) == _line_column(text, item["end"])
    sarif = json.loads(sarif_format.render([report], analyzer.packs))
    results = sarif["runs"][0]["results"]
    assert len(results) == len(findings)
    for result, finding in zip(results, sorted(findings, key=Finding.sort_key), strict=True):
        region = result["locations"][0]["physicalLocation"]["region"]
        assert (region["startLine"], region["startColumn"]) == _line_column(text, finding.start)
        assert (region["endLine"], region["endColumn"]) == _line_column(text, finding.end)
    annotations = [line for line in github_format.render([report]).splitlines() if line]
    assert len(annotations) == len(findings)
    for line, finding in zip(annotations, findings, strict=True):
        match = _GITHUB.match(line)
        assert match is not None
        assert (int(match[3]), int(match[4])) == _line_column(text, finding.start)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("apply", [False, True])
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(paragraphs=st.lists(documents(allow_odd=False), min_size=1, max_size=4))
def test_review_never_changes_the_original_word_file(
    analyzer: Analyzer, tmp_path: Path, apply: bool, paragraphs: list[str]
):
    import docx

    from blamecheck.readers.docx_text import read_docx
    from blamecheck.surfaces.docx_review import write_review

    source = tmp_path / "report.docx"
    word = docx.Document()
    for paragraph in paragraphs:
        # Word keeps no control characters in a paragraph's text
        word.add_paragraph(re.sub(r"[\x00-\x08\x0b-\x1f\x85\u2028\u2029]", " ", paragraph))
    word.save(str(source))
    before = _sha(source)
    document = read_docx(source)
    findings = analyzer.analyse(document.text)
    write_review(source, tmp_path / "reviewed.docx", document, findings, apply=apply)
    assert _sha(source) == before
    assert (tmp_path / "reviewed.docx").stat().st_size > 0


def test_the_fuzzer_finds_nothing_on_a_sample_of_its_documents():
    """bench/fuzz_fix.py in small (the README gives the 2,000-document run): no crash, no
    second run that changes anything, no lost word, no finding left on a rewrite."""
    from bench.fuzz_fix import run

    counts = run(60, seed=20, placeholders=[False, True])
    assert counts.pop("documents") == 120
    assert counts == {"crashes": 0, "not idempotent": 0, "lost words": 0, "left on rewrites": 0}


def test_a_wider_finding_that_never_came_does_not_keep_a_rewrite_under_it(analyzer):
    """Fuzz seed 3, document 28: a rewrite inside a child-impact sentence was kept because
    the sentence's own rewrite was "about to replace it" when the passes ran out."""
    text = fuzz_documents(29, 3)[28]
    reported = linting.reporter(analyzer, Kind.TEXT, linting.Filters())
    once = fix_text(analyzer, text, placeholders=True, reported=reported)
    _, written = changed_words(text, once.text)
    assert once.on_rewritten_spans() == []
    assert not [
        f for f in reported(once.text) if any(f.start < e and s < f.end for s, e in written)
    ]
