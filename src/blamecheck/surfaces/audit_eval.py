"""`blamecheck eval --audit`: the audit against the hand-labelled case folders.

An extracted item counts as found when its words overlap a labelled quote of the same kind
in the same document (labels are clauses or sentences, the audit gives clauses or
sentences): precision is the share of extracted items that overlap a label, recall the share
of labels overlapped by an item. Criteria are compared level for level (met, partly, not
evidenced); agreement is the share of cases where the audit gives the auditor's level.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from blamecheck.auditing.model import CRITERIA, CaseAudit, Evidence
from blamecheck.surfaces.audit_set import Case, Quote

ITEM_KINDS = ("behaviours", "impacts", "protective_efforts", "complicating_factors", "plan_actions")
TARGETS = {"agreement": 0.85, "precision": 0.9, "recall": 0.8}  # issue 17, on the test half
TARGET_KINDS = ("behaviours", "impacts", "protective_efforts")


@dataclass
class ItemScore:
    predicted: int = 0
    correct: int = 0  # extracted items that overlap a label
    labelled: int = 0
    found: int = 0  # labels overlapped by an extracted item
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # case, doc, quote
    extras: list[tuple[str, str, str]] = field(default_factory=list)  # case, doc, text

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.labelled if self.labelled else 1.0


@dataclass
class AuditScore:
    cases: int = 0
    items: dict[str, ItemScore] = field(
        default_factory=lambda: {k: ItemScore() for k in ITEM_KINDS}
    )
    agree: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CRITERIA, 0))
    confusion: dict[str, dict[tuple[str, str], int]] = field(
        default_factory=lambda: {c: {} for c in CRITERIA}
    )
    type_agree: int = 0  # behaviours whose type matches the label they overlap
    type_compared: int = 0
    specific_agree: int = 0
    specific_compared: int = 0

    def agreement(self, criterion: str) -> float:
        return self.agree[criterion] / self.cases if self.cases else 1.0


def audit_items(audit: CaseAudit) -> dict[str, list[Evidence]]:
    impacts = [
        *audit.generic_impacts,
        *(i for c in audit.children for i in (*c.specific, *c.generic)),
    ]
    return {
        "behaviours": list(audit.behaviours),
        "impacts": impacts,
        "protective_efforts": list(audit.efforts),
        "complicating_factors": list(audit.factors),
        "plan_actions": list(audit.plan.actions),
    }


def _ranges(case: Case, quote: Quote) -> list[tuple[int, int]]:
    text = case.documents[quote.doc]
    found, start = [], text.find(quote.quote)
    while start >= 0:
        found.append((start, start + len(quote.quote)))
        start = text.find(quote.quote, start + 1)
    return found


def _overlaps(item: Evidence, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(item.start < end and start < item.end for start, end in ranges)


def score(pairs: Sequence[tuple[Case, CaseAudit]]) -> AuditScore:
    result = AuditScore()
    for case, audit in pairs:
        result.cases += 1
        labels = case.labels
        got = {c.id: c.level for c in audit.criteria}
        for cid in CRITERIA:
            want = labels.criteria[cid].level.value
            result.agree[cid] += got.get(cid) == want
            key = (want, got.get(cid, "?"))
            result.confusion[cid][key] = result.confusion[cid].get(key, 0) + 1
        predicted = audit_items(audit)
        for kind in ITEM_KINDS:
            wanted: list[Quote] = list(getattr(labels, kind))
            items = predicted[kind]
            s = result.items[kind]
            label_ranges = [(q, _ranges(case, q)) for q in wanted]
            s.predicted += len(items)
            s.labelled += len(wanted)
            for item in items:
                hits = [q for q, r in label_ranges if q.doc == item.doc and _overlaps(item, r)]
                if hits:
                    s.correct += 1
                    if kind == "behaviours":
                        result.type_compared += 1
                        result.type_agree += any(
                            getattr(q, "type", None) == item.type for q in hits
                        )  # type: ignore[attr-defined]
                    if kind == "impacts":
                        result.specific_compared += 1
                        result.specific_agree += any(
                            getattr(q, "specific", None) == item.specific
                            for q in hits  # type: ignore[attr-defined]
                        )
                else:
                    s.extras.append((labels.case, item.doc, item.text))
            for q, r in label_ranges:
                if any(item.doc == q.doc and _overlaps(item, r) for item in items):
                    s.found += 1
                else:
                    s.misses.append((labels.case, q.doc, q.quote))
    return result


def meets_targets(result: AuditScore) -> bool:
    return all(result.agreement(c) >= TARGETS["agreement"] for c in CRITERIA) and all(
        result.items[k].precision >= TARGETS["precision"]
        and result.items[k].recall >= TARGETS["recall"]
        for k in TARGET_KINDS
    )


def as_dict(result: AuditScore, split: str) -> dict[str, object]:
    """The figures as JSON: what a dashboard or a regression check reads."""
    return {
        "split": split,
        "cases": result.cases,
        "criteria": {c: round(result.agreement(c), 4) for c in CRITERIA},
        "items": {
            kind: {
                "precision": round(s.precision, 4),
                "recall": round(s.recall, 4),
                "extracted": s.predicted,
                "labelled": s.labelled,
            }
            for kind, s in result.items.items()
        },
        "targets": TARGETS,
        "targets_met": meets_targets(result),
    }


def report(result: AuditScore, split: str, directory: Path, errors: bool = False) -> str:
    lines = [f"audit set {directory}/{split}: {result.cases} cases", "", "criterion  agreement"]
    for cid in CRITERIA:
        lines.append(f"  {cid:<8} {result.agreement(cid):.2f}")
    lines += ["", "items                 precision  recall  (extracted/labelled)"]
    for kind in ITEM_KINDS:
        s = result.items[kind]
        lines.append(
            f"  {kind:<20} {s.precision:>9.2f}  {s.recall:>6.2f}  ({s.predicted}/{s.labelled})"
        )
    if result.type_compared:
        lines.append(
            "  behaviour type agrees with the label: "
            f"{result.type_agree / result.type_compared:.2f}"
        )
    if result.specific_compared:
        lines.append(
            f"  impact specific/generic agrees with the label: "
            f"{result.specific_agree / result.specific_compared:.2f}"
        )
    lines.append(
        f"targets (agreement >= {TARGETS['agreement']}, behaviours, impacts and efforts at "
        f"P >= {TARGETS['precision']}, R >= {TARGETS['recall']}): "
        f"{'met' if meets_targets(result) else 'not met'}"
    )
    if errors:
        for kind, s in result.items.items():
            lines += ["", f"{kind}: missed"]
            lines += [f"  {case} {doc}: {quote}" for case, doc, quote in s.misses]
            lines += [f"{kind}: extracted, not labelled"]
            lines += [f"  {case} {doc}: {text}" for case, doc, text in s.extras]
        for cid in CRITERIA:
            wrong = {k: n for k, n in result.confusion[cid].items() if k[0] != k[1]}
            if wrong:
                shown = ", ".join(f"{want}->{got} x{n}" for (want, got), n in sorted(wrong.items()))
                lines.append(f"criterion {cid} (labelled->audit): {shown}")
    return "\n".join(lines)
