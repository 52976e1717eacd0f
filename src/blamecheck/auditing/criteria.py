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
# victim-blaming findings of `check` per 1,000 words of the file: a file that blames her
# this little can still be a partnership with her (i) and keep the children safe with her
# (iii); one that blames her this much documents neither her efforts in full (vi) nor a
# plan that keeps the children with her (iii). Set on the dev half (Edinburgh audit:
# blame of the mother and a plan resting on her went together).
FEW_BLAMING = 2.0
MANY_BLAMING = 5.0
# a plan holds him to account when it sets him goals of change, not one line among many
# (set on the dev half: one goal went with "partly" three times in four)
GOALS_HELD_TO_ACCOUNT = 2
# the full impact on each child is documented when more than one statement ties his
# behaviour to a named child and an effect; one such statement among generic ones is "partly"
# (set on the dev half: one specific statement went with "partly" three times in four)
SPECIFIC_IMPACTS = 2


@dataclass
class Items:
    behaviours: Sequence[Behaviour]
    impacts: Sequence[Impact]
    efforts: Sequence[Effort]
    factors: Sequence[Factor]
    actions: Sequence[PlanAction]
    her_voice: Sequence[Evidence]  # sentences that record what she said, wants or asked
    him_seen: Sequence[Evidence]  # sentences where an agency spoke with him or he answered
    blaming_per_1000_words: float = 0.0  # victim-blaming findings of `check` in the file


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
    if not voice and not items.efforts:
        return _criterion("i", "not-evidenced", "her view is not recorded", [])
    if len(voice) >= 3 and items.efforts and items.blaming_per_1000_words <= FEW_BLAMING:
        return _criterion(
            "i",
            "met",
            "her view and her efforts are recorded, and the file does not blame her",
            voice,
        )
    return _criterion(
        "i",
        "partly",
        "her view is recorded, but it is thin or the file's language blames her",
        voice or list(items.efforts),
    )


def _perpetrator(items: Items) -> Criterion:
    goals = [a for a in items.actions if a.behaviour_change_goal]
    his = [a for a in items.actions if a.who == "perpetrator"]
    if len(goals) >= GOALS_HELD_TO_ACCOUNT:
        return _criterion("ii", "met", "behaviour-change goals are set for him", goals)
    if goals or his or items.him_seen:
        return _criterion(
            "ii",
            "partly",
            "he is seen or referred, with at most one behaviour-change goal",
            [*goals, *his, *items.him_seen],
        )
    return _criterion("ii", "not-evidenced", "no intervention with him is recorded", [])


def _together(items: Items) -> Criterion:
    routes = [a for a in items.actions if a.safety_route]
    support = [a for a in items.actions if a.who == "agency" and not a.safety_route]
    goals = [a for a in items.actions if a.behaviour_change_goal]
    if not items.actions:
        return _criterion("iii", "not-evidenced", "no plan is recorded", [])
    if items.blaming_per_1000_words >= MANY_BLAMING:
        return _criterion(
            "iii",
            "not-evidenced",
            "the file's language blames her; the plan does not keep the children with her",
            routes or list(items.actions),
        )
    if routes:
        return _criterion(
            "iii", "partly", "safety rests on separation, moving or the police", routes
        )
    if goals and support and items.blaming_per_1000_words <= FEW_BLAMING:
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
    if len(items.efforts) >= 3 and items.blaming_per_1000_words < MANY_BLAMING:
        return _criterion(
            "vi", "met", f"{len(items.efforts)} protective efforts of hers recorded", items.efforts
        )
    if items.efforts:
        return _criterion(
            "vi",
            "partly",
            "few of her protective efforts are recorded, or the file's language blames her",
            items.efforts,
        )
    return _criterion("vi", "not-evidenced", "none of her protective efforts is recorded", [])


def _impact(items: Items) -> Criterion:
    specific = [i for i in items.impacts if i.specific]
    if len(specific) >= SPECIFIC_IMPACTS:
        return _criterion(
            "vii", "met", "the effect of his behaviour on a named child is recorded", specific
        )
    if items.impacts:
        return _criterion(
            "vii",
            "partly",
            "child impact recorded only generally, or once for a named child",
            specific + [i for i in items.impacts if not i.specific],
        )
    return _criterion("vii", "not-evidenced", "no effect on any child is recorded", [])


def _intersections(items: Items) -> Criterion:
    """Her issues read in the light of his abuse ("her anxiety since the assaults") are the
    criterion's aim; her issues as culpability, or his as the cause of his abuse, its
    failure. Met: factors recorded with none of the failure; partly: both; not evidenced:
    only the failure, or no factor at all."""
    if not items.factors:
        return _criterion("viii", "not-evidenced", "no complicating factor is recorded", [])
    blaming = [
        f
        for f in items.factors
        if f.framing == "her-culpability" or (f.framing == "his-cause" and f.whose == "perpetrator")
    ]
    in_context = [f for f in items.factors if f.framing == "his-cause" and f.whose == "survivor"]
    if not blaming:
        return _criterion(
            "viii",
            "met",
            "complicating factors recorded without blame",
            in_context or items.factors,
        )
    if in_context:
        return _criterion(
            "viii",
            "partly",
            "some of her issues are read in the light of his abuse, others as blame",
            [*in_context, *blaming],
        )
    return _criterion(
        "viii",
        "not-evidenced",
        "her issues are read as culpability or his as the cause, never in context",
        blaming,
    )
