"""The audit in the terminal: one case as a practitioner reads it, or a caseload at a glance.

Plain text with no colour codes, so it reads the same piped into a file, pasted into an
email or printed. Document text is shown on one line and stripped of control characters: a
case file's words must never move the cursor or recolour a terminal.
"""

from __future__ import annotations

import textwrap
import unicodedata
from collections import Counter
from collections.abc import Iterable

from blamecheck.auditing.model import (
    CRITERIA,
    CaseAudit,
    Caseload,
    Evidence,
)

WIDTH = 100  # wrap prose here so lines stay under ~110 columns with their indent
QUOTE = 100  # evidence text is cut to this many characters
WHO_ORDER = ("survivor", "perpetrator", "agency", "child", "both-parents")
WHO_LABEL = {
    "survivor": "survivor",
    "perpetrator": "perpetrator",
    "agency": "agency",
    "child": "child",
    "both-parents": "both parents",
}
LEVEL_SHORT = {"met": "met", "partly": "partly", "not-evidenced": "not-ev"}


def clean(text: str) -> str:
    """One line of printable text: whitespace runs become one space, control characters go."""
    printable = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text
    )
    return " ".join(printable.split())


def shorten(text: str, limit: int = QUOTE) -> str:
    """The text on one line, cut at a word near ``limit`` with an ellipsis when longer."""
    flat = clean(text)
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 2 // 3:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def evidence_line(item: Evidence) -> str:
    """``YYYY-MM-DD doc:line  text``: when, where and what, as the pattern map lists it."""
    return f"{item.date or 'undated'} {clean(item.doc)}:{item.line}  {shorten(item.text)}"


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(clean(text), WIDTH, initial_indent=indent, subsequent_indent=indent) or [
        indent.rstrip()
    ]


def _counts(counter: Iterable[tuple[str, int]]) -> str:
    return ", ".join(f"{name} {n}" for name, n in counter) or "none"


def _plan_counts(by_person: dict[str, int]) -> str:
    order = [*WHO_ORDER, *sorted(set(by_person) - set(WHO_ORDER))]
    return ", ".join(f"{WHO_LABEL.get(who, who)} {by_person.get(who, 0)}" for who in order)


def render_case(case: CaseAudit) -> str:
    """One case: who, which documents, the criteria, his pattern, the plan and the map."""
    out = [f"Case: {clean(case.case)}", f"Path: {clean(case.path)}", ""]

    people = case.people
    out.append("People")
    out += _wrap(f"survivor: {', '.join(people.survivor) or 'not named'}", "  ")
    out += _wrap(f"perpetrator: {', '.join(people.perpetrator) or 'not named'}", "  ")
    out += _wrap(f"children: {', '.join(people.children) or 'none named'}", "  ")
    out.append("")

    out.append(f"Documents ({len(case.documents)})")
    for doc in case.documents:
        out.append(f"  {doc.date or 'undated':<10}  {clean(doc.path)}  ({doc.words} words)")
    out.append("")

    out.append("Safe & Together criteria")
    for criterion in case.criteria:
        out.append(f"  {criterion.id:<5} {criterion.level:<14} {clean(criterion.title)}")
        out += _wrap(criterion.reason, " " * 22)
    out.append("")

    out.append("His pattern")
    types = Counter(b.type for b in case.behaviours)
    out.append(f"  behaviours recorded: {len(case.behaviours)}")
    if types:
        out += _wrap(_counts(types.most_common()), "    ")
    if case.behaviours and not case.coercive_control_recorded:
        out.append("  no coercive control recorded, only physical incidents")
    out.append("")

    out.append("Children")
    for child in case.children:
        out.append(
            f"  {clean(child.name)}: {len(child.specific)} specific, "
            f"{len(child.generic)} generic impact statements"
        )
    if case.generic_impacts:
        out.append(f"  no child named: {len(case.generic_impacts)} generic impact statements")
    if not case.children and not case.generic_impacts:
        out.append("  no impact on a child recorded")
    out.append("")

    out.append(f"Her protective efforts: {len(case.efforts)} recorded")
    out.append("")

    out.append(f"Complicating factors ({len(case.factors)})")
    for factor in case.factors:
        out.append(f"  {factor.factor:<15} {factor.whose:<12} {factor.framing}")
    out.append("")

    plan = case.plan
    out.append(f"Plan ({len(plan.actions)} actions)")
    out.append(f"  by person: {_plan_counts(plan.by_person)}")
    out.append(f"  behaviour-change goal for him: {'yes' if plan.behaviour_change_goal else 'no'}")
    out.append(f"  safety routes: {', '.join(plan.safety_routes) or 'none'}")
    if plan.rests_on_her_alone:
        out.append("  the plan rests on her alone: her tasks outnumber his, and he has no goal")
    out.append("")

    if case.findings:
        out.append("Language findings")
        out += _wrap(_counts(sorted(case.findings.items())), "  ")
        out.append("")

    out.append("Pattern map")
    for section in case.pattern_map:
        out.append(f"{clean(section.title)}")
        for item in section.evidence:
            out.append("  " + evidence_line(item))
        for gap in section.gaps:
            out += _wrap(f"gap: {gap}", "  ")
        if not section.evidence and not section.gaps:
            out.append("  nothing recorded")
    if not case.pattern_map:
        out.append("  no pattern map")

    if case.notices:
        out.append("")
        out.append("Notices")
        for notice in case.notices:
            out += _wrap(notice, "  ")
    return "\n".join(out) + "\n"


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "-"


def render_caseload(caseload: Caseload) -> str:
    """The Edinburgh audit's questions answered for the caseload, then one line per case."""
    summary = caseload.summary
    n = summary.cases
    out = [f"Caseload: {n} case{'s' if n != 1 else ''}", ""]

    out.append(f"{'Criterion':<72}{'met':>5}{'partly':>8}{'not-ev':>8}{'met %':>7}")
    for share in summary.criteria:
        label = f"{share.id:<5} {shorten(share.title, 64)}"
        out.append(
            f"  {label:<70}{share.met:>5}{share.partly:>8}{share.not_evidenced:>8}"
            f"{_share(share.met, n):>7}"
        )
    out.append("")
    out.append(
        f"Child impacts: {summary.impacts_specific} specific, {summary.impacts_generic} generic"
    )
    out.append(f"Plan tasks: {_plan_counts(summary.plan_by_person)}")
    out.append(
        f"Cases with a behaviour-change goal for him: {summary.cases_with_change_goal} of {n}"
    )
    out.append(
        "Cases resting on separation, moving or the police, with no goal for him: "
        f"{summary.cases_resting_on_separation_moving_or_police} of {n}"
    )
    out.append(f"Cases recording only physical incidents: {summary.cases_only_physical} of {n}")
    if summary.findings:
        out += _wrap("Language findings: " + _counts(summary.findings.items()), "")
    if not caseload.cases:
        return "\n".join(out) + "\n"

    out.append("")
    out.append("Cases (levels: met, partly, not-ev = not evidenced)")
    names = [clean(case.case) for case in caseload.cases]
    column = min(16, max(len(name) for name in names))
    for name, case in zip(names, caseload.cases, strict=True):
        levels = {c.id: c.level for c in case.criteria}
        compact = " ".join(f"{cid}:{LEVEL_SHORT.get(levels.get(cid, ''), '?')}" for cid in CRITERIA)
        tail = f"{compact}  gaps {len(case.gaps)}"
        if len(name) > column:
            out.append(f"  {name}")
            out.append(f"  {'':<{column}}  {tail}")
        else:
            out.append(f"  {name:<{column}}  {tail}")
    return "\n".join(out) + "\n"
