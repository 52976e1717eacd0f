"""Criteria i-viii of the Safe & Together implementation guide (seed 002), each read as met,
partly met or not evidenced from the items a case file yields.

The levels follow the audit set's guide (corpus/cases/LABELLING.md): met when the file shows
it clearly in at least one document, partly when it shows some of it or only generically,
not evidenced when nothing shows it. The thresholds were set on the dev half only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from blamecheck.auditing.model import (
    CHILD_HARM_TYPES,
    COERCIVE_TYPES,
    CRITERION_TITLES,
    Behaviour,
    Criterion,
    Effort,
    Evidence,
    Factor,
    Impact,
    Level,
    PlanAction,
)

EVIDENCE_SHOWN = 4  # sentences kept as a criterion's evidence


@dataclass
class Items:
    behaviours: Sequence[Behaviour]
    impacts: Sequence[Impact]
    efforts: Sequence[Effort]
    factors: Sequence[Factor]
    actions: Sequence[PlanAction]
    her_voice: Sequence[Evidence]  # sentences that record what she said, wants or asked
    him_seen: Sequence[Evidence]  # sentences where an agency spoke with him or he answered


def _criterion(cid: str, level: Level, reason: str, evidence: Sequence[Evidence]) -> Criterion:
    return Criterion(
        id=cid,
        title=CRITERION_TITLES[cid],
        level=level,
        reason=reason,
        evidence=tuple(evidence[:EVIDENCE_SHOWN]) if level != "not-evidenced" else (),
    )


def assess(items: Items) -> list[Criterion]:
    return [
        _partnership(items),
        _perpetrator(items),
        _together(items),
        _pattern(items),
        _harm_to_children(items),
        _efforts(items),
        _impact(items),
        _intersections(items),
    ]


def _partnership(items: Items) -> Criterion:
    voice = list(items.her_voice)
    her_tasks = [a for a in items.actions if a.who == "survivor"]
    his_tasks = [a for a in items.actions if a.who == "perpetrator"]
    if not voice and not items.efforts:
        return _criterion("i", "not-evidenced", "her view is not recorded", [])
    if len(voice) >= 3 and items.efforts and len(her_tasks) <= max(1, len(his_tasks)):
        return _criterion(
            "i", "met", "her view is recorded and the plan does not rest on her", voice
        )
    return _criterion(
        "i",
        "partly",
        "her view is recorded, but the plan rests on her or her view is thin",
        voice or list(items.efforts),
    )


def _perpetrator(items: Items) -> Criterion:
    goals = [a for a in items.actions if a.behaviour_change_goal]
    his = [a for a in items.actions if a.who == "perpetrator"]
    if goals:
        return _criterion("ii", "met", "a behaviour-change goal is set for him", goals)
    if his or items.him_seen:
        return _criterion(
            "ii",
            "partly",
            "he is seen or referred, with no behaviour-change goal",
            [*his, *items.him_seen],
        )
    return _criterion("ii", "not-evidenced", "no intervention with him is recorded", [])


def _together(items: Items) -> Criterion:
    routes = [a for a in items.actions if a.safety_route]
    support = [a for a in items.actions if a.who == "agency" and not a.safety_route]
    goals = [a for a in items.actions if a.behaviour_change_goal]
    if not items.actions:
        return _criterion("iii", "not-evidenced", "no plan is recorded", [])
    if routes and not goals:
        return _criterion(
            "iii",
            "not-evidenced" if len(routes) >= 2 else "partly",
            "safety rests on separation, moving or the police",
            routes,
        )
    if goals and support:
        return _criterion(
            "iii",
            "met",
            "the plan keeps the children with her and works on his behaviour",
            [*goals, *support],
        )
    return _criterion(
        "iii",
        "partly",
        "the plan supports the family but sets him no change",
        support or list(items.actions),
    )


def _pattern(items: Items) -> Criterion:
    coercive = [b for b in items.behaviours if b.type in COERCIVE_TYPES]
    kinds = {b.type for b in coercive}
    if len(kinds) >= 2:
        return _criterion(
            "iv", "met", f"coercive control recorded ({', '.join(sorted(kinds))})", coercive
        )
    if items.behaviours:
        return _criterion(
            "iv",
            "partly",
            "mostly physical incidents; little coercive control",
            [*coercive, *items.behaviours],
        )
    return _criterion(
        "iv", "not-evidenced", "none of his behaviour is recorded with him as the actor", []
    )


def _harm_to_children(items: Items) -> Criterion:
    harm = [b for b in items.behaviours if b.type in CHILD_HARM_TYPES]
    if len(harm) >= 2:
        return _criterion("v", "met", "his actions towards the children are recorded", harm)
    if harm:
        return _criterion("v", "partly", "one action of his towards the children is recorded", harm)
    return _criterion("v", "not-evidenced", "no action of his towards the children is recorded", [])


def _efforts(items: Items) -> Criterion:
    if len(items.efforts) >= 3:
        return _criterion(
            "vi", "met", f"{len(items.efforts)} protective efforts of hers recorded", items.efforts
        )
    if items.efforts:
        return _criterion(
            "vi", "partly", "few of her protective efforts are recorded", items.efforts
        )
    return _criterion("vi", "not-evidenced", "none of her protective efforts is recorded", [])


def _impact(items: Items) -> Criterion:
    specific = [i for i in items.impacts if i.specific]
    if specific:
        return _criterion(
            "vii", "met", "the effect of his behaviour on a named child is recorded", specific
        )
    if items.impacts:
        return _criterion("vii", "partly", "child impact recorded only generally", items.impacts)
    return _criterion("vii", "not-evidenced", "no effect on any child is recorded", [])


def _intersections(items: Items) -> Criterion:
    if not items.factors:
        return _criterion("viii", "not-evidenced", "no complicating factor is recorded", [])
    blaming = [
        f
        for f in items.factors
        if f.framing == "her-culpability" or (f.framing == "his-cause" and f.whose == "perpetrator")
    ]
    if blaming:
        return _criterion(
            "viii", "partly", "her issues read as culpability or his as the cause", blaming
        )
    return _criterion("viii", "met", "complicating factors recorded without blame", items.factors)
