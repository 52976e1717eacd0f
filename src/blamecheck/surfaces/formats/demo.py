"""Trainer mode: each flagged sentence beside its constructive rewrite, with the principle.

Two renderings of the same pairs: a terminal one (side by side when the terminal is wide
enough, one above the other when not) and one self-contained HTML page for projecting and
printing. Destructive and constructive are told apart by words, symbols and border style as
well as colour, so the page works in greyscale, on a poor projector and for colour-blind
readers.
"""

from __future__ import annotations

import html
import textwrap
from dataclasses import dataclass

from blamecheck.analysis.packs import PLACEHOLDER, PackSet
from blamecheck.findings import Finding
from blamecheck.surfaces.formats.text_format import Style, sentence_bounds

_WIDE = 100  # terminal columns from which the pair is shown side by side


@dataclass(frozen=True)
class Pair:
    """One finding as a trainer shows it."""

    rule: str
    category: str
    message: str
    principle: str
    before: str  # the sentence as written
    flagged: tuple[int, int]  # the flagged words inside ``before``
    after: str | None  # the sentence with the top alternative, None when not rewritten
    changed: tuple[int, int]  # the replacement inside ``after``
    status: str | None  # complete / needs-input
    source: str | None
    quoted: bool
    ask: tuple[str, ...]  # questions for the writer, or instead of quoted words


NO_REWRITE = "Rewrite it in your own words: who did what, to whom, and with what effect."


def build_pairs(text: str, findings: list[Finding], packs: PackSet) -> list[Pair]:
    pairs: list[Pair] = []
    for finding in findings:
        left, right = sentence_bounds(text, finding.start, finding.end)
        before = text[left:right].strip()
        offset = left + (len(text[left:right]) - len(text[left:right].lstrip()))
        flagged = (finding.start - offset, finding.end - offset)
        rule = packs.by_id.get(finding.rule)
        principle = rule.principle.statement if rule else ""
        top = finding.suggestions[0] if finding.suggestions and not finding.quoted else None
        after = None
        changed = (0, 0)
        if top is not None:
            after = before[: flagged[0]] + top.replacement + before[flagged[1] :]
            changed = (flagged[0], flagged[0] + len(top.replacement))
        pairs.append(
            Pair(
                rule=finding.rule,
                category=finding.category.value,
                message=finding.message,
                principle=principle,
                before=before,
                flagged=flagged,
                after=after,
                changed=changed,
                status=top.status if top else None,
                # a bare seed file (the pivot script's) named as readers can look it up
                source=packs.reference(top.source) if top and top.source else None,
                quoted=finding.quoted,
                ask=tuple(p.text for p in finding.prompts[:2]),
            )
        )
    return pairs


# -- terminal -----------------------------------------------------------------------------


def render_terminal(pairs: list[Pair], width: int, style: Style) -> str:
    blocks = []
    for number, pair in enumerate(pairs, start=1):
        head = style.bold(f"{number}. {pair.rule}")
        before = _mark(pair.before, pair.flagged, "»", "«")
        if pair.after is not None:
            after = _mark(pair.after, pair.changed, "»", "«")
            after_label = "✓ CONSTRUCTIVE" + (
                " (fill in [ ])" if pair.status == "needs-input" else ""
            )
        elif pair.quoted:
            after = "Kept as evidence: someone's own words are not rewritten."
            if pair.ask:
                after += " Ask instead: " + pair.ask[0]
            after_label = "✓ INSTEAD"
        else:
            after = " ".join(pair.ask) or NO_REWRITE
            after_label = "✓ INSTEAD (your own words)"
        lines = [head]
        if width >= _WIDE:
            column = (width - 7) // 2
            left = textwrap.wrap(before, column) or [""]
            right = textwrap.wrap(after, column) or [""]
            lines.append(
                f"  {style.red('✗ DESTRUCTIVE'):<{column + _extra(style)}} │ "
                f"{style.green(after_label)}"
            )
            for i in range(max(len(left), len(right))):
                a = left[i] if i < len(left) else ""
                b = right[i] if i < len(right) else ""
                lines.append(f"  {a:<{column}} │ {b}")
        else:
            lines.append(f"  {style.red('✗ DESTRUCTIVE')}")
            lines.extend("    " + line for line in textwrap.wrap(before, width - 6))
            lines.append(f"  {style.green(after_label)}")
            lines.extend("    " + line for line in textwrap.wrap(after, width - 6))
        why = f"Why: {pair.message} {pair.principle}"
        lines.extend("  " + line for line in textwrap.wrap(why, max(40, width - 4)))
        if pair.source:
            lines.append(style.dim(f"  Source: {pair.source}"))
        blocks.append("\n".join(lines))
    if not blocks:
        return "No findings: nothing to demonstrate."
    return "\n\n".join(blocks)


def _extra(style: Style) -> int:
    """Width of the invisible colour codes, so that columns still line up."""
    return len(style.red("")) if style.enabled else 0


def _mark(text: str, span: tuple[int, int], left: str, right: str) -> str:
    return text[: span[0]] + left + text[span[0] : span[1]] + right + text[span[1] :]


# -- HTML -----------------------------------------------------------------------------------

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 24px/1.5 "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #111;
  background: #fff; margin: 0 auto; padding: 1.5rem 2rem 3rem; max-width: 1500px; }
h1 { font-size: 1.6em; margin: 0 0 .2em; }
.intro { font-size: .85em; color: #333; margin: 0 0 1.5rem; }
.pair { border-top: 3px solid #333; padding: 1rem 0 1.5rem; break-inside: avoid;
  page-break-inside: avoid; }
.pair h2 { font-size: .8em; font-weight: 600; margin: 0 0 .6rem; color: #333; }
.sides { display: grid; grid-template-columns: 1fr 1fr; gap: 1.2rem; }
.side { padding: .8rem 1rem; border-radius: 6px; }
.destructive { border: 4px dashed #a4001d; background: #fdeef0; }
.constructive { border: 4px solid #0b6b2f; background: #eaf6ee; }
.label { display: block; font-weight: 800; letter-spacing: .06em; text-transform: uppercase;
  font-size: .75em; margin-bottom: .3em; }
.destructive .label::before { content: "\\2717  "; }
.constructive .label::before { content: "\\2713  "; }
.destructive del { text-decoration: line-through; text-decoration-thickness: 3px;
  background: #f7c7ce; }
.constructive ins { text-decoration: underline; text-decoration-thickness: 3px;
  text-underline-offset: 4px; background: #c5e8d1; font-weight: 600; }
.placeholder { border: 2px dotted #111; padding: 0 .15em; font-style: italic;
  font-weight: 600; }
.why { margin: .7rem 0 0; font-size: .8em; }
.why strong { font-weight: 700; }
.source, .status { font-size: .7em; color: #333; margin: .2rem 0 0; }
@media (max-width: 900px) { .sides { grid-template-columns: 1fr; } }
@media print {
  body { font-size: 13pt; max-width: none; padding: 0; }
  .destructive, .constructive { background: none; }
  .destructive del, .constructive ins { background: none; }
  .sides { grid-template-columns: 1fr 1fr; }
}
"""


def render_html(pairs: list[Pair], title: str) -> str:
    """One page with no external assets, scripts or fonts: it opens offline anywhere."""
    items = "\n".join(_pair_html(number, pair) for number, pair in enumerate(pairs, start=1))
    if not pairs:
        items = "<p>No findings: nothing to demonstrate.</p>"
    heading = html.escape(title)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>blamecheck: {heading}</title>
<style>{_CSS}</style>
</head>
<body>
<h1>Destructive and constructive language: {heading}</h1>
<p class="intro">Each flagged sentence (✗, dashed border, struck-through words) beside a
constructive rewrite (✓, solid border, underlined words), with the Safe &amp; Together
principle it serves. Words in dotted boxes are for the writer to fill in.</p>
{items}
</body>
</html>
"""


def _pair_html(number: int, pair: Pair) -> str:
    before = _wrap_span(pair.before, pair.flagged, "del")
    if pair.after is not None:
        after = _wrap_span(pair.after, pair.changed, "ins")
        status = (
            '<p class="status">Fill in the words in dotted boxes before using it.</p>'
            if pair.status == "needs-input"
            else '<p class="status">Ready to use.</p>'
        )
        constructive = (
            f'<span class="label">Constructive</span><span class="text">{after}</span>{status}'
        )
    elif not pair.quoted:
        said = html.escape(" ".join(pair.ask) or NO_REWRITE)
        constructive = f'<span class="label">Instead</span><span class="text">{said}</span>'
    else:
        ask = f" Ask instead: “{html.escape(pair.ask[0])}”" if pair.ask else ""
        constructive = (
            '<span class="label">Instead</span><span class="text">These words are inside '
            "quotation marks: someone's own words, kept as evidence, not rewritten."
            f"{ask}</span>"
        )
    source = f'<p class="source">Source: {html.escape(pair.source)}</p>' if pair.source else ""
    destructive = f'<span class="label">Destructive</span><span class="text">{before}</span>'
    why = (
        f"<strong>Why:</strong> {html.escape(pair.message)} "
        f"<strong>Principle:</strong> {html.escape(pair.principle)}"
    )
    return f"""<section class="pair" id="finding-{number}">
<h2>{number}. {html.escape(pair.rule)}</h2>
<div class="sides">
<div class="side destructive">{destructive}</div>
<div class="side constructive">{constructive}</div>
</div>
<p class="why">{why}</p>
{source}
</section>"""


def _wrap_span(text: str, span: tuple[int, int], tag: str) -> str:
    start, end = span
    inner = _placeholders(text[start:end])
    return f"{_placeholders(text[:start])}<{tag}>{inner}</{tag}>{_placeholders(text[end:])}"


def _placeholders(text: str) -> str:
    """Escaped text with each [placeholder] boxed."""
    out = []
    pos = 0
    for match in PLACEHOLDER.finditer(text):
        out.append(html.escape(text[pos : match.start()]))
        out.append(f'<span class="placeholder">{html.escape(match.group(0))}</span>')
        pos = match.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)
