"""The caseload as CSV: one row per case, for the spreadsheet a service manager keeps.

Counts rather than sentences, so the file can be shared for an audit without the families'
words in it. Case names come from folder names, which anyone can choose, so a cell that a
spreadsheet would read as a formula is defused with a leading apostrophe.
"""

from __future__ import annotations

import csv
import io

from blamecheck.auditing.model import CRITERIA, CaseAudit, Caseload

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list for CSV injection
_PLAN = ("survivor", "perpetrator", "agency", "child", "both-parents")

BASE_COLUMNS = (
    "case",
    "path",
    "documents",
    "dates",
    *(f"criterion_{cid}" for cid in CRITERIA),
    "behaviours",
    "coercive_control_recorded",
    "impacts_specific",
    "impacts_generic",
    "efforts",
    "factors",
    *(f"plan_{who.replace('-', '_')}" for who in _PLAN),
    "behaviour_change_goal",
    "safety_routes",
    "gaps",
)


def defuse(cell: str) -> str:
    """The cell as text a spreadsheet shows but never evaluates."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _dates(case: CaseAudit) -> str:
    dates = sorted(doc.date for doc in case.documents if doc.date)
    return f"{dates[0]}..{dates[-1]}" if dates else ""


def _row(case: CaseAudit, categories: list[str]) -> dict[str, str | int]:
    levels = {c.id: c.level for c in case.criteria}
    row: dict[str, str | int] = {
        "case": case.case,
        "path": case.path,
        "documents": len(case.documents),
        "dates": _dates(case),
        **{f"criterion_{cid}": levels.get(cid, "") for cid in CRITERIA},
        "behaviours": len(case.behaviours),
        "coercive_control_recorded": str(case.coercive_control_recorded).lower(),
        "impacts_specific": sum(len(ch.specific) for ch in case.children),
        "impacts_generic": len(case.generic_impacts) + sum(len(ch.generic) for ch in case.children),
        "efforts": len(case.efforts),
        "factors": len(case.factors),
        **{f"plan_{who.replace('-', '_')}": case.plan.by_person.get(who, 0) for who in _PLAN},
        "behaviour_change_goal": str(case.plan.behaviour_change_goal).lower(),
        "safety_routes": ";".join(case.plan.safety_routes),
        "gaps": len(case.gaps),
        **{f"findings_{cat}": case.findings.get(cat, 0) for cat in categories},
    }
    return {k: defuse(v) if isinstance(v, str) else v for k, v in row.items()}


def caseload_csv(caseload: Caseload) -> str:
    """Header and one row per case, with ``\\r\\n`` line ends as the csv module writes them."""
    categories = sorted({cat for case in caseload.cases for cat in case.findings})
    columns = [*BASE_COLUMNS, *(f"findings_{cat}" for cat in categories)]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    for case in caseload.cases:
        writer.writerow(_row(case, categories))
    return buffer.getvalue()
