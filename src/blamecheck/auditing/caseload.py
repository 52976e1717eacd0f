"""A caseload's summary: the Edinburgh audit's questions asked of every case at once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from blamecheck.auditing.model import (
    CRITERIA,
    CRITERION_TITLES,
    CaseAudit,
    Caseload,
    CaseloadSummary,
    CriterionShare,
)


def summarise(cases: Sequence[CaseAudit]) -> Caseload:
    """Counts over the cases, in the order given (folder-name order from `audit`)."""
    shares = []
    for cid in CRITERIA:
        levels = Counter(c.level for case in cases for c in case.criteria if c.id == cid)
        shares.append(
            CriterionShare(
                id=cid,
                title=CRITERION_TITLES[cid],
                met=levels["met"],
                partly=levels["partly"],
                not_evidenced=levels["not-evidenced"],
            )
        )
    by_person: Counter[str] = Counter()
    findings: Counter[str] = Counter()
    for case in cases:
        by_person.update(case.plan.by_person)
        findings.update(case.findings)
    summary = CaseloadSummary(
        cases=len(cases),
        criteria=tuple(shares),
        impacts_specific=sum(len(ch.specific) for case in cases for ch in case.children),
        impacts_generic=sum(
            len(case.generic_impacts) + sum(len(ch.generic) for ch in case.children)
            for case in cases
        ),
        plan_by_person=dict(sorted(by_person.items())),
        cases_with_change_goal=sum(case.plan.behaviour_change_goal for case in cases),
        cases_resting_on_separation_moving_or_police=sum(
            bool(case.plan.safety_routes) and not case.plan.behaviour_change_goal for case in cases
        ),
        cases_only_physical=sum(
            bool(case.behaviours) and not case.coercive_control_recorded for case in cases
        ),
        findings=dict(sorted(findings.items())),
    )
    return Caseload(summary=summary, cases=tuple(cases))
