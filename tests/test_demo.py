"""Trainer mode: the practice table, and the demonstration in the terminal and as one HTML
page that opens offline in headless Chromium with each pair side by side."""

from __future__ import annotations

import re
from pathlib import Path

from blamecheck.analysis.packs import PackSet

from .conftest import (
    SAMPLE,
    chromium_dom,
    chromium_screenshot,
    headless_chromium,
    invoke,
    run_cli,
)

TABLE = PackSet.load().table
assert TABLE is not None


def test_practice_shows_both_columns_of_every_row_and_the_source():
    code, out, _ = invoke("practice")
    assert code == 0
    rows = [line.split("│") for line in out.splitlines() if "│" in line]
    left = " ".join(" ".join(r[0].replace("✗", " ").split()) for r in rows)
    right = " ".join(" ".join(r[1].replace("✓", " ").split()) for r in rows)
    for row in TABLE.rows:
        for line in row.destructive:
            assert " ".join(line.split()) in left
        for line in row.constructive:
            assert " ".join(line.split()) in right
    assert "003_35b675b3f07ac556.txt" in out
    assert "DESTRUCTIVE PRACTICE" in left and "CONSTRUCTIVE PRACTICE" in right
    assert "Pivot to the perpetrator" in out and "001_52b1b3c0576f0f34.txt" in out


def test_practice_names_its_sources_by_title_author_and_file():
    packs = PackSet.load()
    code, out, _ = invoke("practice")
    assert code == 0
    falkirk = packs.sources["003_35b675b3f07ac556.txt"]
    source_line = next(line for line in out.splitlines() if line.startswith("Source: "))
    assert source_line == f"Source: {falkirk.citation()} (003_35b675b3f07ac556.txt)"
    companion = packs.sources["001_52b1b3c0576f0f34.txt"]
    assert f"Pivot to the perpetrator, from {companion.citation()} (001_" in out


def test_practice_as_json_is_the_table_verbatim():
    import json

    _code, out, _ = invoke("practice", "--format", "json")
    payload = json.loads(out)
    assert payload["source"]["seed"] == "003_35b675b3f07ac556.txt"
    document = payload["source"]["document"]
    assert document["author"].startswith("Falkirk") and document["title"]
    assert payload["source"]["reference"].endswith("(003_35b675b3f07ac556.txt)")
    assert payload["rows"] == [r.model_dump() for r in TABLE.rows]


def test_demo_in_a_narrow_terminal_stacks_each_pair(analyzer):
    proc = run_cli("demo", str(SAMPLE), env={"COLUMNS": "80"})
    assert proc.returncode == 1
    findings = analyzer.analyse(SAMPLE.read_text(encoding="utf-8"))
    assert proc.stdout.count("✗ DESTRUCTIVE") == len(findings)
    assert "»Ms Clarke was assaulted on 3 March 2026«" in proc.stdout
    assert "»[who did this] assaulted Ms Clarke on 3 March 2026«" in proc.stdout
    assert "✓ INSTEAD (your own words)" in proc.stdout  # where no rewrite fits
    assert "Kept as evidence" in proc.stdout  # the quoted question
    assert "Principle" not in proc.stdout or "Intervene with the perpetrator" in proc.stdout


def test_demo_in_a_wide_terminal_puts_the_pair_side_by_side():
    proc = run_cli("demo", str(SAMPLE), env={"COLUMNS": "140"})
    header = next(line for line in proc.stdout.splitlines() if "✗ DESTRUCTIVE" in line)
    assert "│" in header and header.index("✗") < header.index("✓ CONSTRUCTIVE")


def _html(tmp_path: Path) -> tuple[Path, str]:
    out = tmp_path / "demo.html"
    proc = run_cli("demo", str(SAMPLE), "--html", str(out))
    assert proc.returncode == 1
    assert f"wrote {out}" in proc.stderr
    return out, out.read_text(encoding="utf-8")


def test_demo_html_is_one_self_contained_page(tmp_path, analyzer):
    _, page = _html(tmp_path)
    assert page.startswith("<!DOCTYPE html>")
    # nothing to fetch: no scripts, links, images, fonts or remote addresses
    for forbidden in (
        "<script",
        "<link",
        "<img",
        "<iframe",
        "url(",
        "@import",
        "http://",
        "https://",
    ):
        assert forbidden not in page, forbidden
    findings = analyzer.analyse(SAMPLE.read_text(encoding="utf-8"))
    assert page.count('<section class="pair"') == len(findings)
    # destructive and constructive are told apart by words and symbols, not only colour
    assert page.count('<span class="label">Destructive</span>') == len(findings)
    rewritten = [f for f in findings if f.suggestions and not f.quoted]
    assert page.count('<span class="label">Constructive</span>') == len(rewritten)
    assert page.count('<span class="label">Instead</span>') == len(findings) - len(rewritten)
    assert "<del>Ms Clarke was assaulted on 3 March 2026</del>" in page
    assert (
        '<ins><span class="placeholder">[who did this]</span> assaulted Ms Clarke on 3 March 2026'
        "</ins>" in page
    )
    assert '<span class="placeholder">[what he did]</span>' in page
    assert "@media print" in page
    assert "Intervene with the perpetrator" in page


_MEASURE = """<script>
const rows = [];
for (const pair of document.querySelectorAll('section.pair')) {
  const d = pair.querySelector('.destructive').getBoundingClientRect();
  const c = pair.querySelector('.constructive').getBoundingClientRect();
  rows.push([d.left, d.top, d.width, c.left, c.top, c.width].map(Math.round).join(','));
}
document.body.setAttribute('data-layout', rows.join(';'));
</script>"""


def test_demo_page_opens_offline_in_chromium_with_each_pair_side_by_side(tmp_path, analyzer):
    """Issue 5, done when: the page opens offline in Chromium with each pair side by side."""
    page_path, page = _html(tmp_path)
    measured = tmp_path / "measured.html"
    measured.write_text(page.replace("</body>", _MEASURE + "</body>"), encoding="utf-8")
    command = headless_chromium(tmp_path / "profile", "1400,1000")
    dom = chromium_dom(command, measured)
    layout = re.search(r'data-layout="([^"]*)"', dom)
    assert layout, "the page did not render"
    rows = [tuple(int(v) for v in row.split(",")) for row in layout.group(1).split(";")]
    findings = analyzer.analyse(SAMPLE.read_text(encoding="utf-8"))
    assert len(rows) == len(findings)
    for d_left, d_top, d_width, c_left, c_top, c_width in rows:
        assert c_left >= d_left + d_width  # constructive to the right of destructive
        assert c_top == d_top  # on the same row
        assert d_width > 400 and c_width > 400  # readable columns, not squeezed
    # and a screenshot of the untouched page, as the README shows
    shot = tmp_path / "demo.png"
    chromium_screenshot(command, page_path, shot)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one


def test_demo_refuses_a_folder(tmp_path):
    code, _, err = invoke("demo", str(tmp_path))
    assert code == 2
    assert err.count("\n") == 1 and "one file" in err


def test_demo_on_a_word_document_says_what_demo_reads(tmp_path):
    report = tmp_path / "report.docx"
    report.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    code, out, err = invoke("demo", str(report))
    assert code == 2 and out == ""
    assert err.strip() == (
        f"blamecheck: error: {report}: demo reads text and Markdown files (.txt, .md); "
        "for a Word document use `blamecheck review FILE.docx -o COPY.docx`"
    )
    assert "binary" not in err


def test_demo_on_another_binary_file_says_what_demo_reads(tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.7\n" + b"\x00" * 64)
    code, out, err = invoke("demo", str(scan))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert f"{scan}: not a text file; demo reads text and Markdown files (.txt, .md)" in err


def test_demo_names_the_source_document(tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("Why did you let him in?\n", encoding="utf-8")
    proc = run_cli("demo", str(note), env={"COLUMNS": "200"})
    assert proc.returncode == 1
    falkirk = PackSet.load().sources["003_35b675b3f07ac556.txt"]
    assert f"Source: {falkirk.citation()} (003_35b675b3f07ac556.txt)" in proc.stdout
