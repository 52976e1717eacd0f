"""The caseload audit as one HTML page a service manager reads on screen and prints.

Self-contained on purpose: inline CSS and inline SVG (which in HTML5 needs no namespace
address), no script, no font and no address of any kind, so the page opens offline, can be
mailed as one file and leaks nothing about the families to a third party. Every word taken
from a case file is HTML-escaped. Charts carry their numbers as text and use fills of
different lightness, so they read in greyscale print and never rely on colour alone.
"""

from __future__ import annotations

import html
import re
from collections import Counter

from blamecheck.auditing.model import (
    CRITERIA,
    CaseAudit,
    Caseload,
    CaseloadSummary,
    Criterion,
    Evidence,
    MapSection,
)

_CAP = 600  # characters of one piece of evidence shown; the rest is in the document
_WHO = (
    ("survivor", "Survivor"),
    ("perpetrator", "Perpetrator"),
    ("agency", "Agency"),
    ("child", "Child"),
    ("both-parents", "Both parents"),
)
_LEVEL_TEXT = {"met": "met", "partly": "partly", "not-evidenced": "not evidenced"}
# dark, mid and light: three fills that stay apart when printed in greyscale
_FILL = {"met": "#1d4e74", "partly": "#7aa6c8", "not-evidenced": "#f2f2f2"}
_INK = {"met": "#ffffff", "partly": "#111111", "not-evidenced": "#111111"}

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 16px/1.5 "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #111;
  background: #fff; margin: 0 auto; padding: 1.5rem 2rem 3rem; max-width: 1100px;
  overflow-wrap: break-word; }
h1 { font-size: 1.7em; margin: 0 0 .2em; }
h2 { font-size: 1.35em; margin: 1.6em 0 .4em; border-bottom: 2px solid #111; }
h3 { font-size: 1.1em; margin: 1.3em 0 .4em; }
h4 { font-size: 1em; margin: 1em 0 .3em; }
.count { font-size: 1.1em; font-weight: 600; margin: 0; }
.note { font-size: .9em; color: #333; border-left: 4px solid #555; padding: .3em .8em;
  background: #f6f6f6; }
.empty { font-size: 1.1em; font-style: italic; }
figure { margin: 1.2em 0; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-weight: 600; margin-bottom: .4em; }
svg { display: block; max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; margin: .5em 0 1em; font-size: .92em; }
th, td { border: 1px solid #999; padding: .3em .5em; text-align: left; vertical-align: top; }
thead th { background: #e8e8e8; }
td.num, th.num { text-align: right; }
.level-met { font-weight: 700; background: #dbe8f2; }
.level-partly { font-style: italic; background: #eef4f9; }
.level-not-evidenced { font-weight: 700; text-decoration: underline dotted;
  background: #fff; outline: 2px dashed #555; outline-offset: -4px; }
.path { font-family: ui-monospace, Consolas, monospace; font-size: .85em; color: #333; }
.criteria td:last-child, ul.evidence, li.gap, .path { overflow-wrap: anywhere; }
#caseload-table { font-size: .85em; }
#caseload-table th[scope="row"] { min-width: 9em; }
ul.evidence { margin: .3em 0 0; padding-left: 1.2em; font-size: .88em; color: #222; }
.where { font-family: ui-monospace, Consolas, monospace; font-size: .9em; color: #444; }
ul.gaps { list-style: none; padding: 0; margin: .4em 0; }
li.gap { border-left: 6px solid #8a5a00; background: #fff3d4; padding: .25em .6em;
  margin: .25em 0; }
li.gap strong { text-transform: uppercase; letter-spacing: .04em; font-size: .85em; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2em 1em; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.notices li { font-style: italic; }
section.case { margin-top: 2.5em; }
@page { margin: 15mm; }
@media print {
  body { font-size: 10.5pt; max-width: none; padding: 0; }
  section.case { break-before: page; page-break-before: always; }
  tr, li, figure { break-inside: avoid; page-break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  .note, li.gap, thead th, .level-met, .level-partly { background: none; }
}
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _cap(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _CAP else flat[: _CAP - 1].rstrip() + "…"


def _pct(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "0%"


def _slugs(cases: tuple[CaseAudit, ...]) -> list[str]:
    """One unique id per case, from its name: folder names may repeat in other places."""
    seen: Counter[str] = Counter()
    out = []
    for case in cases:
        base = re.sub(r"[^a-z0-9]+", "-", case.case.lower()).strip("-") or "case"
        seen[base] += 1
        out.append(f"case-{base}" if seen[base] == 1 else f"case-{base}-{seen[base]}")
    return out


# -- charts ---------------------------------------------------------------------------------


def _svg(width: int, height: int, label: str, title: str, body: list[str]) -> str:
    return (
        f'<svg role="img" aria-label="{_e(label)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'font-family="Segoe UI, Roboto, Helvetica Neue, Arial, sans-serif" font-size="14">'
        f"<title>{_e(title)}</title>" + "".join(body) + "</svg>"
    )


def _figure(fid: str, caption: str, svg: str) -> str:
    return f'<figure id="{fid}">\n<figcaption>{_e(caption)}</figcaption>\n{svg}\n</figure>'


def _criteria_chart(summary: CaseloadSummary) -> str:
    bar, row, top = 520, 50, 34
    width, height = 880, top + row * len(summary.criteria) + 4
    body = []
    for i, level in enumerate(("met", "partly", "not-evidenced")):
        x = i * 170
        body.append(
            f'<rect x="{x}" y="4" width="18" height="18" fill="{_FILL[level]}" stroke="#333"/>'
            f'<text x="{x + 24}" y="18">{_LEVEL_TEXT[level]}</text>'
        )
    spoken = []
    n = summary.cases
    for index, share in enumerate(summary.criteria):
        y = top + index * row
        body.append(f'<text x="0" y="{y + 14}" font-weight="600">{_e(share.id)}. ')
        body.append(f"{_e(share.title)}</text>")
        x = 0.0
        parts = (
            ("met", share.met),
            ("partly", share.partly),
            ("not-evidenced", share.not_evidenced),
        )
        for level, count in parts:
            w = bar * count / n if n else 0.0
            if w > 0:
                body.append(
                    f'<rect x="{x:.2f}" y="{y + 20}" width="{w:.2f}" height="22" '
                    f'fill="{_FILL[level]}"><title>{_e(share.id)} {_LEVEL_TEXT[level]}: '
                    f"{count} of {n}</title></rect>"
                )
                if w >= 26:
                    body.append(
                        f'<text x="{x + w / 2:.2f}" y="{y + 36}" text-anchor="middle" '
                        f'fill="{_INK[level]}" font-weight="600">{count}</text>'
                    )
            x += w
        body.append(
            f'<rect x="0" y="{y + 20}" width="{bar}" height="22" fill="none" stroke="#333"/>'
        )
        counts = (
            f"met {share.met} · partly {share.partly} · not evidenced {share.not_evidenced} "
            f"({_pct(share.met, n)} met)"
        )
        body.append(f'<text x="{bar + 10}" y="{y + 36}" font-size="13">{counts}</text>')
        spoken.append(
            f"{share.id} {share.title}: {share.met} met, {share.partly} partly, "
            f"{share.not_evidenced} not evidenced"
        )
    label = f"Criteria i to viii across {n} case{'s' if n != 1 else ''}. " + "; ".join(spoken)
    return _svg(width, height, label, "Safe & Together criteria across the caseload", body)


def _bars(rows: list[tuple[str, int, str]], label_width: int) -> tuple[list[str], int, int]:
    """Horizontal bars, one per (label, value, fill), with the number beside each bar."""
    bar, row = 480, 36
    top = max((value for _, value, _ in rows), default=0) or 1
    body = []
    for index, (label, value, fill) in enumerate(rows):
        y = 6 + index * row
        w = bar * value / top
        body.append(f'<text x="0" y="{y + 18}">{_e(label)}</text>')
        body.append(
            f'<rect x="{label_width}" y="{y + 2}" width="{w:.2f}" height="22" fill="{fill}" '
            f'stroke="#333"><title>{_e(label)}: {value}</title></rect>'
        )
        body.append(
            f'<text x="{label_width + w + 8:.2f}" y="{y + 18}" font-weight="600">{value}</text>'
        )
    return body, label_width + bar + 60, 6 + row * len(rows) + 4


def _impacts_chart(summary: CaseloadSummary) -> str:
    specific, generic = summary.impacts_specific, summary.impacts_generic
    total = specific + generic
    rows = [
        (f"Specific ({_pct(specific, total)})", specific, _FILL["met"]),
        (f"Generic ({_pct(generic, total)})", generic, _FILL["not-evidenced"]),
    ]
    body, width, height = _bars(rows, 150)
    label = (
        f"Child-impact statements: {specific} specific (his behaviour, a named child and the "
        f"effect), {generic} generic"
    )
    return _svg(width, height, label, "Specific and generic child-impact statements", body)


def _plan_chart(summary: CaseloadSummary) -> str:
    by = summary.plan_by_person
    rows = [(name, by.get(who, 0), _FILL["partly"]) for who, name in _WHO]
    body, width, height = _bars(rows, 130)
    label = "Plan tasks by person: " + ", ".join(f"{name} {value}" for name, value, _ in rows)
    return _svg(width, height, label, "Plan tasks by person", body)


# -- tables and sections --------------------------------------------------------------------


def _level_cell(level: str | None) -> str:
    if level is None:
        return '<td class="level level-none">not assessed</td>'
    return f'<td class="level level-{_e(level)}">{_e(_LEVEL_TEXT.get(level, level))}</td>'


def _caseload_table(caseload: Caseload, slugs: list[str]) -> str:
    titles = {s.id: s.title for s in caseload.summary.criteria}
    head = "".join(
        f'<th scope="col" title="{_e(titles.get(cid, ""))}">{cid}</th>' for cid in CRITERIA
    )
    rows = []
    for case, slug in zip(caseload.cases, slugs, strict=True):
        levels = {c.id: c.level for c in case.criteria}
        cells = "".join(_level_cell(levels.get(cid)) for cid in CRITERIA)
        rows.append(
            f'<tr><th scope="row"><a href="#{slug}">{_e(case.case)}</a></th>{cells}'
            f'<td class="num">{len(case.documents)}</td><td class="num">{len(case.gaps)}</td></tr>'
        )
    return (
        '<table id="caseload-table">\n<thead><tr><th scope="col">Case</th>'
        f'{head}<th scope="col" class="num">Docs</th><th scope="col" class="num">Gaps</th>'
        "</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"
    )


def _where(item: Evidence) -> str:
    return f"{item.date or 'undated'} · {item.doc}:{item.line}"


def _evidence_list(items: tuple[Evidence, ...]) -> str:
    if not items:
        return ""
    lis = "".join(
        f'<li><span class="where">{_e(_where(item))}</span> “{_e(_cap(item.text))}”</li>'
        for item in items
    )
    return f'<ul class="evidence">{lis}</ul>'


def _criteria_table(criteria: tuple[Criterion, ...]) -> str:
    rows = "\n".join(
        f"<tr><td>{_e(c.id)}</td><td>{_e(c.title)}</td>{_level_cell(c.level)}"
        f"<td>{_e(c.reason)}{_evidence_list(c.evidence)}</td></tr>"
        for c in criteria
    )
    return (
        '<table class="criteria">\n<thead><tr><th scope="col">Id</th><th scope="col">'
        'Criterion</th><th scope="col">Level</th><th scope="col">Why, and the evidence</th>'
        f"</tr></thead>\n<tbody>\n{rows}\n</tbody>\n</table>"
    )


def _map_section(section: MapSection) -> str:
    parts = [f"<h4>{_e(section.title)}</h4>"]
    parts.append(_evidence_list(section.evidence) or "<p>Nothing recorded.</p>")
    if section.gaps:
        gaps = "".join(f'<li class="gap"><strong>Gap:</strong> {_e(g)}</li>' for g in section.gaps)
        parts.append(f'<ul class="gaps">{gaps}</ul>')
    return '<div class="map-section">' + "\n".join(parts) + "</div>"


def _facts(case: CaseAudit) -> str:
    types = Counter(b.type for b in case.behaviours).most_common()
    behaviours = ", ".join(f"{t} {n}" for t, n in types) or "none recorded"
    if case.behaviours and not case.coercive_control_recorded:
        behaviours += " (no coercive control recorded, only physical incidents)"
    children = [
        f"{child.name}: {len(child.specific)} specific, {len(child.generic)} generic"
        for child in case.children
    ]
    if case.generic_impacts:
        children.append(f"no child named: {len(case.generic_impacts)} generic")
    factors = ", ".join(f"{f.factor} ({f.whose}, {f.framing})" for f in case.factors)
    plan = case.plan
    by = ", ".join(f"{name.lower()} {plan.by_person.get(who, 0)}" for who, name in _WHO)
    facts = [
        ("His behaviours", behaviours),
        ("Child impacts", "; ".join(children) or "none recorded"),
        ("Her protective efforts", str(len(case.efforts))),
        ("Complicating factors", factors or "none recorded"),
        ("Plan tasks", by),
        ("Behaviour-change goal for him", "yes" if plan.behaviour_change_goal else "no"),
        ("Safety routes", ", ".join(plan.safety_routes) or "none"),
    ]
    if plan.rests_on_her_alone:
        facts.append(("Plan", "rests on her alone: her tasks outnumber his, no goal for him"))
    items = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts)
    return f'<dl class="facts">{items}</dl>'


def _case_section(case: CaseAudit, slug: str) -> str:
    people = case.people
    who = (
        f"<p><strong>Survivor:</strong> {_e(', '.join(people.survivor) or 'not named')}. "
        f"<strong>Perpetrator:</strong> {_e(', '.join(people.perpetrator) or 'not named')}. "
        f"<strong>Children:</strong> {_e(', '.join(people.children) or 'none named')}.</p>"
    )
    docs = "\n".join(
        f"<tr><td>{_e(d.date or 'undated')}</td><td>{_e(d.path)}</td>"
        f'<td class="num">{d.words}</td><td class="num">{sum(d.findings.values())}</td></tr>'
        for d in case.documents
    )
    documents = (
        '<table class="documents"><thead><tr><th scope="col">Date</th><th scope="col">'
        'Document</th><th scope="col" class="num">Words</th><th scope="col" class="num">'
        f"Language findings</th></tr></thead>\n<tbody>\n{docs}\n</tbody></table>"
    )
    sections = "\n".join(_map_section(s) for s in case.pattern_map) or "<p>No pattern map.</p>"
    findings = "".join(f"<li>{_e(cat)}: {n}</li>" for cat, n in sorted(case.findings.items()))
    findings_html = f"<ul>{findings}</ul>" if findings else "<p>No language findings.</p>"
    notices = ""
    if case.notices:
        items = "".join(f"<li>{_e(n)}</li>" for n in case.notices)
        notices = f'<h3>Notices</h3>\n<ul class="notices">{items}</ul>'
    return f"""<section class="case" id="{slug}">
<h2>{_e(case.case)}</h2>
<p class="path">{_e(case.path)}</p>
{who}
<h3>Documents</h3>
{documents}
<h3>Safe &amp; Together criteria</h3>
{_criteria_table(case.criteria)}
<h3>At a glance</h3>
{_facts(case)}
<h3>His pattern: the map</h3>
{sections}
<h3>Language findings</h3>
{findings_html}
{notices}
</section>"""


def caseload_html(caseload: Caseload, title: str = "Case-file audit") -> str:
    """The whole page: summary charts, the table of cases, then one section per case."""
    summary = caseload.summary
    n = len(caseload.cases)
    slugs = _slugs(caseload.cases)
    if n:
        overview = "\n".join(
            [
                "<h2>Caseload</h2>",
                _figure(
                    "chart-criteria",
                    f"Criteria i–viii: met, partly met and not evidenced, as shares of {n} "
                    f"case{'s' if n != 1 else ''}",
                    _criteria_chart(summary),
                ),
                _figure(
                    "chart-impacts",
                    "Child-impact statements: specific (his behaviour, a named child and the "
                    "effect) and generic",
                    _impacts_chart(summary),
                ),
                _figure("chart-plan", "Plan tasks by person", _plan_chart(summary)),
                "<h2>Cases</h2>",
                _caseload_table(caseload, slugs),
            ]
        )
    else:
        overview = '<p class="empty">No cases were audited: there is nothing to chart.</p>'
    cases = "\n".join(_case_section(c, s) for c, s in zip(caseload.cases, slugs, strict=True))
    heading = _e(title)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{heading}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>{heading}</h1>
<p class="count">{n} case{"s" if n != 1 else ""}</p>
<p class="note">Each case file is read against the Safe &amp; Together criteria i–viii and
his pattern is mapped from what the documents say. The levels (met, partly, not evidenced)
are this tool's reading of the words on the page, not a judgement of the practice or of the
family: a person who knows the case should check each one against the evidence shown.</p>
</header>
<main>
{overview}
{cases}
</main>
</body>
</html>
"""
