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
from blamecheck.surfaces.audit_set import Case, CaseLabels, Quote

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


@dataclass(frozen=True)
class Item:
    """One extracted or labelled item, where it is written."""

    doc: str
    start: int
    end: int
    text: str
    type: str | None = None  # a behaviour's type
    specific: bool | None = None  # whether an impact is specific

    @classmethod
    def of(cls, source: Evidence | Quote, start: int, end: int, text: str) -> Item:
        """The item an extracted or labelled one stands for, its type or specificity kept."""
        return cls(
            source.doc,
            start,
            end,
            text,
            getattr(source, "type", None),
            getattr(source, "specific", None),
        )


@dataclass(frozen=True)
class Answer:
    """What one reader of a case says of it: the audit, or a second auditor."""

    levels: dict[str, str]
    items: dict[str, list[Item]]


def answer_of_audit(audit: CaseAudit) -> Answer:
    impacts = [
        *audit.generic_impacts,
        *(i for c in audit.children for i in (*c.specific, *c.generic)),
    ]
    kinds: dict[str, Sequence[Evidence]] = {
        "behaviours": audit.behaviours,
        "impacts": impacts,
        "protective_efforts": audit.efforts,
        "complicating_factors": audit.factors,
        "plan_actions": audit.plan.actions,
    }
    return Answer(
        levels={c.id: c.level for c in audit.criteria},
        items={
            kind: [Item.of(e, e.start, e.end, e.text) for e in found]
            for kind, found in kinds.items()
        },
    )


def answer_of_labels(case: Case, labels: CaseLabels) -> Answer:
    """A second auditor's labels read as an answer, each quote where it first occurs."""
    items: dict[str, list[Item]] = {}
    for kind in ITEM_KINDS:
        items[kind] = []
        for q in getattr(labels, kind):
            start = case.documents[q.doc].find(q.quote)
            items[kind].append(Item.of(q, start, start + len(q.quote), q.quote))
    return Answer(levels={c: labels.criteria[c].level.value for c in CRITERIA}, items=items)


def _ranges(case: Case, quote: Quote) -> list[tuple[int, int]]:
    text = case.documents[quote.doc]
    found, start = [], text.find(quote.quote)
    while start >= 0:
        found.append((start, start + len(quote.quote)))
        start = text.find(quote.quote, start + 1)
    return found


def _overlaps(item: Item, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(item.start < end and start < item.end for start, end in ranges)


def score(pairs: Sequence[tuple[Case, Answer]]) -> AuditScore:
    """Each answer against the case's (first) labels."""
    result = AuditScore()
    for case, answer in pairs:
        result.cases += 1
        labels = case.labels
        got = answer.levels
        for cid in CRITERIA:
            want = labels.criteria[cid].level.value
            result.agree[cid] += got.get(cid) == want
            key = (want, got.get(cid, "?"))
            result.confusion[cid][key] = result.confusion[cid].get(key, 0) + 1
        for kind in ITEM_KINDS:
            wanted: list[Quote] = list(getattr(labels, kind))
            items = answer.items[kind]
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
                        )
                    if kind == "impacts":
                        result.specific_compared += 1
                        result.specific_agree += any(
                            getattr(q, "specific", None) == item.specific for q in hits
                        )
                else:
                    s.extras.append((labels.case, item.doc, item.text))
            for q, r in label_ranges:
                if any(item.doc == q.doc and _overlaps(item, r) for item in items):
                    s.found += 1
                else:
                    s.misses.append((labels.case, q.doc, q.quote))
    return result


def second_auditor(cases: Sequence[Case]) -> AuditScore | None:
    """The second auditor against the first, on the cases labelled twice (None if none)."""
    pairs = [(c, answer_of_labels(c, c.second)) for c in cases if c.second is not None]
    return score(pairs) if pairs else None


def meets_targets(result: AuditScore) -> bool:
    return all(result.agreement(c) >= TARGETS["agreement"] for c in CRITERIA) and all(
        result.items[k].precision >= TARGETS["precision"]
        and result.items[k].recall >= TARGETS["recall"]
        for k in TARGET_KINDS
    )


def _figures(result: AuditScore) -> dict[str, object]:
    return {
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
    }


def as_dict(result: AuditScore, split: str, second: AuditScore | None = None) -> dict[str, object]:
    """The figures as JSON: what a dashboard or a regression check reads. ``second_auditor``
    is the second auditor scored against the first on the cases labelled twice (or null)."""
    return {
        "split": split,
        **_figures(result),
        "targets": TARGETS,
        "targets_met": meets_targets(result),
        "second_auditor": None if second is None else _figures(second),
    }


def report(
    result: AuditScore,
    split: str,
    directory: Path,
    errors: bool = False,
    second: AuditScore | None = None,
) -> str:
    """The figures as a table; with a second auditor, their figures in a column beside the
    audit's, as the ceiling two careful people reach on the same files."""
    side = f"  second auditor ({second.cases} cases)" if second else ""
    lines = [
        f"audit set {directory}/{split}: {result.cases} cases",
        "",
        f"criterion  agreement{side}",
    ]
    for cid in CRITERIA:
        other = f"  {second.agreement(cid):>9.2f}" if second else ""
        lines.append(f"  {cid:<8} {result.agreement(cid):>9.2f}{other}")
    side = "  second auditor P / R" if second else ""
    lines += ["", f"items                 precision  recall  (extracted/labelled){side}"]
    for kind in ITEM_KINDS:
        s = result.items[kind]
        counts = f"({s.predicted}/{s.labelled})"
        other = ""
        if second:
            o = second.items[kind]
            other = f"  {o.precision:>14.2f} / {o.recall:.2f}"
        lines.append(
            f"  {kind:<20} {s.precision:>9.2f}  {s.recall:>6.2f}  {counts:<21}{other}".rstrip()
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
