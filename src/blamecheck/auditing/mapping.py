"""The Perpetrator Pattern Mapping Tool's four sections (seed 001), filled with the sentences
of every document of a case in date order, and the gaps the tool is meant to show."""

from __future__ import annotations

from collections.abc import Sequence

from blamecheck.auditing.model import (
    CHILD_HARM_TYPES,
    COERCIVE_TYPES,
    Behaviour,
    Child,
    Effort,
    Evidence,
    Factor,
    Impact,
    MapSection,
    People,
    Plan,
)

SECTIONS = (
    "His pattern of coercive control and actions taken to harm the children",
    "His pattern mapped onto child and family functioning",
    "His pattern mapped onto substance use, mental health, socio-economic and other factors",
    "Implications for practice",
)
_ROUTE_WORDS = {
    "separation": "separation",
    "moving": "moving home",
    "calling-police": "calling the police",
}


def in_date_order(items: Sequence[Evidence]) -> tuple[Evidence, ...]:
    """Dated documents first, oldest first; undated after, in file order; then by place."""
    return tuple(sorted(items, key=lambda e: (e.date is None, e.date or "", e.doc, e.start)))


def pattern_map(
    people: People,
    behaviours: Sequence[Behaviour],
    impacts: Sequence[Impact],
    efforts: Sequence[Effort],
    factors: Sequence[Factor],
    plan: Plan,
    children: Sequence[Child],
) -> list[MapSection]:
    him = people.perpetrator[0] if people.perpetrator else "him"
    her = people.survivor[0] if people.survivor else "her"
    gaps: list[str] = []
    if not behaviours:
        gaps.append(f"no behaviour of {him} is recorded with him as the actor")
    elif not any(b.type in COERCIVE_TYPES for b in behaviours):
        gaps.append("only physical incidents recorded: no pattern of coercive control")
    if not any(b.type in CHILD_HARM_TYPES for b in behaviours):
        gaps.append(f"no action of {him} towards the children recorded")
    first = MapSection(title=SECTIONS[0], evidence=in_date_order(behaviours), gaps=tuple(gaps))

    gaps = []
    for child in children:
        if not child.specific and not child.generic:
            gaps.append(f"no impact on {child.name} recorded")
        elif not child.specific:
            gaps.append(
                f"only general statements about {child.name}: no behaviour of his tied to an effect"
            )
    if not children and not impacts:
        gaps.append("no impact on any child recorded")
    if not efforts:
        gaps.append(f"none of {her}'s efforts to protect and care for the children recorded")
    second = MapSection(
        title=SECTIONS[1], evidence=in_date_order([*impacts, *efforts]), gaps=tuple(gaps)
    )

    gaps = []
    for factor in factors:
        if factor.framing == "her-culpability":
            gaps.append(
                f"her {factor.factor.replace('-', ' ')} read as her failing, not mapped to him"
            )
        elif factor.framing == "his-cause" and factor.whose == "perpetrator":
            gaps.append(f"his {factor.factor.replace('-', ' ')} written as the cause of his abuse")
    third = MapSection(
        title=SECTIONS[2], evidence=in_date_order(factors), gaps=tuple(dict.fromkeys(gaps))
    )

    gaps = []
    if not plan.actions:
        gaps.append("no plan recorded")
    else:
        if not plan.behaviour_change_goal:
            gaps.append(f"no behaviour-change goal for {him}")
        if plan.safety_routes and not plan.behaviour_change_goal:
            routes = ", ".join(_ROUTE_WORDS[r] for r in plan.safety_routes)
            gaps.append(f"safety rests on {routes}")
        if plan.rests_on_her_alone:
            gaps.append(f"more tasks rest on {her} than on {him}")
    fourth = MapSection(title=SECTIONS[3], evidence=in_date_order(plan.actions), gaps=tuple(gaps))
    return [first, second, third, fourth]
