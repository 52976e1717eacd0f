"""The words `audit` reads a case for, from patterns/audit.yaml, validated on load.

Rules are data: which verbs are his acts of which kind, what counts as her protective effort,
an effect on a child, a complicating factor or a plan's route to safety is kept in YAML so a
reviewer can read and change it without reading Python.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from blamecheck.analysis.packs import default_patterns_dir, load_model
from blamecheck.auditing.model import BehaviourType, FactorKind, SafetyRoute

AUDIT_FILE = "audit.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BehaviourEntry(_Strict):
    """Verbs of one type of his behaviour; with ``objects``, only when one of those words is
    among the verb's dependents; with ``with_child``, only when a child is its object."""

    type: BehaviourType
    verbs: frozenset[str]
    objects: frozenset[str] = frozenset()
    with_child: bool = False


class Refusals(_Strict):
    """Verbs of permission his refusal of which is his act ("does not allow her out")."""

    type: BehaviourType
    verbs: frozenset[str]


class Efforts(_Strict):
    verbs: frozenset[str]
    suppositions: frozenset[str]
    refusals: frozenset[str]
    reports: frozenset[str]
    needs_object: dict[str, frozenset[str]] = {}
    adjectives: frozenset[str] = frozenset()
    routines: frozenset[str] = frozenset()  # "when Jade leaves": present tense, not an act
    calls: frozenset[str] = frozenset()  # "Call from Kerry LYNCH": her call, a log's noun
    care_states: frozenset[str] = frozenset()  # "the children were clean": her care, seen
    homes: frozenset[str] = frozenset()  # what care_states are said of, with the children


class Impacts(_Strict):
    effects: frozenset[str]
    harm_words: frozenset[str]
    generic_nouns: frozenset[str]
    domains: frozenset[str] = frozenset()  # areas of a child's life, effects only when troubled
    trouble: frozenset[str] = frozenset()  # what makes them one: "stopped", "late", "not"


class Factors(_Strict):
    kinds: dict[FactorKind, frozenset[str]]
    cause_words: frozenset[str]
    culpability_words: frozenset[str]


class Plan(_Strict):
    headings: frozenset[str]
    agency_words: frozenset[str]
    change_verbs: frozenset[str]
    change_objects: frozenset[str]
    routes: dict[SafetyRoute, frozenset[str]]


class AuditLexicon(_Strict):
    behaviours: tuple[BehaviourEntry, ...]
    behaviour_adjectives: dict[BehaviourType, frozenset[str]]
    behaviour_nouns: dict[BehaviourType, frozenset[str]]
    reporting_verbs: frozenset[str]
    denial_verbs: frozenset[str]
    refusals: Refusals
    benign_verbs: frozenset[str]
    benign_with_things: frozenset[str]
    telling_verbs: frozenset[str]
    asking_verbs: frozenset[str]
    copulas: frozenset[str]
    unreal_auxiliaries: frozenset[str]
    intent_verbs: frozenset[str]
    not_acts: dict[str, frozenset[str]]
    evidence_words: frozenset[str]
    efforts: Efforts
    impacts: Impacts
    factors: Factors
    plan: Plan


@cache
def load_lexicon(directory: Path | None = None) -> AuditLexicon:
    """patterns/audit.yaml (or the wheel's copy); a problem in it is one PatternError line."""
    return load_model((directory or default_patterns_dir()) / AUDIT_FILE, AuditLexicon)
