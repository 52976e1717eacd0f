"""The shape of an audit: what `blamecheck audit` finds in one case and across a caseload.

One set of pydantic models serves every output (terminal, JSON, CSV, HTML) and `eval
--audit`, so a field means the same thing wherever a manager reads it. The JSON is these
models dumped as they are (`CaseAudit.model_dump(mode="json")`); the README documents it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

CRITERIA = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii")
CRITERION_TITLES = {
    "i": "Partnership with the survivor",
    "ii": "Interventions with the perpetrator",
    "iii": "Children kept safe and together with the survivor",
    "iv": "His pattern of coercive control documented",
    "v": "His actions to harm the children documented",
    "vi": "Her protective efforts documented",
    "vii": "Adverse impact on each child documented",
    "viii": "Substance use, mental health, socio-economic and cultural issues",
}
Level = Literal["met", "partly", "not-evidenced"]
BehaviourType = Literal[
    "physical",
    "sexual",
    "threats",
    "monitoring",
    "isolation",
    "economic",
    "restricting-movement",
    "undermining-parenting",
    "using-children",
    "direct-harm-to-child",
    "other-coercive",
]
# the kinds of his behaviour that are coercive control beyond physical and sexual violence
COERCIVE_TYPES = frozenset(
    {
        "threats",
        "monitoring",
        "isolation",
        "economic",
        "restricting-movement",
        "undermining-parenting",
        "using-children",
        "other-coercive",
    }
)
# his actions to harm the children (criterion v)
CHILD_HARM_TYPES = frozenset({"direct-harm-to-child", "using-children", "undermining-parenting"})
FactorKind = Literal[
    "substance-use", "mental-health", "money", "housing", "immigration", "culture", "disability"
]
Whose = Literal["survivor", "perpetrator", "unknown"]
Framing = Literal["his-cause", "her-culpability", "neutral"]
Who = Literal["survivor", "perpetrator", "agency", "child", "both-parents"]
SafetyRoute = Literal["separation", "moving", "calling-police"]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Evidence(_Frozen):
    """Words of one document that show something, and where they are."""

    doc: str  # the document's path as given, relative to the case folder when inside one
    date: str | None  # YYYY-MM-DD when the document states its date
    line: int  # 1-based line of ``start``
    start: int  # character offsets in the document's text
    end: int
    text: str  # the words as written (a sentence or a clause)


class Behaviour(Evidence):
    type: BehaviourType


class Impact(Evidence):
    child: str | None  # the child named, None for children in general
    specific: bool  # his behaviour + this child + an effect, all in the sentence
    lacking: tuple[str, ...] = ()  # which of behaviour, child, effect the sentence lacks


class Effort(Evidence):
    """Something she does to keep the children safe and well."""


class Factor(Evidence):
    factor: FactorKind
    whose: Whose
    framing: Framing


class PlanAction(Evidence):
    who: Who
    behaviour_change_goal: bool
    safety_route: SafetyRoute | None


class Criterion(_Frozen):
    id: str
    title: str
    level: Level
    reason: str  # one line: why this level
    evidence: tuple[Evidence, ...] = ()


class Child(_Frozen):
    name: str
    specific: tuple[Impact, ...] = ()
    generic: tuple[Impact, ...] = ()


class People(_Frozen):
    survivor: tuple[str, ...] = ()
    perpetrator: tuple[str, ...] = ()
    children: tuple[str, ...] = ()


class Document(_Frozen):
    path: str
    date: str | None
    words: int
    findings: dict[str, int]  # `check`'s language findings by category


class Plan(_Frozen):
    actions: tuple[PlanAction, ...] = ()
    by_person: dict[str, int] = {}  # who -> number of actions
    behaviour_change_goal: bool = False  # any action asks him to change his behaviour
    safety_routes: tuple[SafetyRoute, ...] = ()  # the routes to safety the plan rests on
    rests_on_her_alone: bool = False  # her tasks outnumber his and he has no change goal


class MapSection(_Frozen):
    """One section of the Perpetrator Pattern Mapping Tool, evidence in date order."""

    title: str
    evidence: tuple[Evidence, ...] = ()
    gaps: tuple[str, ...] = ()


class CaseAudit(_Frozen):
    case: str  # the folder's name (or the document's, for a case of one document)
    path: str
    people: People
    documents: tuple[Document, ...]
    behaviours: tuple[Behaviour, ...] = ()
    coercive_control_recorded: bool = False  # any behaviour beyond physical and sexual
    children: tuple[Child, ...] = ()
    generic_impacts: tuple[Impact, ...] = ()  # impacts that name no child
    efforts: tuple[Effort, ...] = ()
    factors: tuple[Factor, ...] = ()
    plan: Plan = Plan()
    criteria: tuple[Criterion, ...]
    findings: dict[str, int] = {}  # `check`'s findings over the case, by category
    pattern_map: tuple[MapSection, ...] = ()
    gaps: tuple[str, ...] = ()  # every gap of the map, in one list
    notices: tuple[str, ...] = ()  # what the audit could not read or decide


class CriterionShare(_Frozen):
    id: str
    title: str
    met: int
    partly: int
    not_evidenced: int


class CaseloadSummary(_Frozen):
    """The Edinburgh audit's questions over a caseload."""

    cases: int
    criteria: tuple[CriterionShare, ...]
    impacts_specific: int
    impacts_generic: int
    plan_by_person: dict[str, int]
    cases_with_change_goal: int
    cases_resting_on_separation_moving_or_police: int
    cases_only_physical: int  # behaviours recorded, none of them coercive control
    findings: dict[str, int]


class Caseload(_Frozen):
    summary: CaseloadSummary
    cases: tuple[CaseAudit, ...]
