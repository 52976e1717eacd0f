"""The audit set: case folders labelled by hand, as `corpus/cases/LABELLING.md` describes.

Loading validates what a score would otherwise trust silently: every key and value the guide
allows, every quote found word for word in the document it names, each case on one side only.
`blamecheck eval --audit` scores `blamecheck audit` against these labels, and a second
auditor's labels (where a case has them) against the first.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from blamecheck.auditing.model import (
    CRITERIA,
    BehaviourType,
    FactorKind,
    Framing,
    SafetyRoute,
    Who,
)
from blamecheck.errors import InputError

DOCUMENT_SUFFIXES = (".txt", ".md")
SECOND_LABELS = "labels.second.json"


class Level(StrEnum):
    MET = "met"
    PARTLY = "partly"
    NOT_EVIDENCED = "not-evidenced"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Quote(_Strict):
    """Words of one document, one sentence or less, that a program can find again."""

    doc: str
    quote: str = Field(min_length=3)


class Criterion(_Strict):
    level: Level
    evidence: tuple[Quote, ...] = ()


class People(_Strict):
    survivor: tuple[str, ...]
    perpetrator: tuple[str, ...]
    children: tuple[str, ...]


class Behaviour(Quote):
    type: BehaviourType


class Impact(Quote):
    child: str | None
    specific: bool


class ComplicatingFactor(Quote):
    factor: FactorKind
    whose: Literal["survivor", "perpetrator"]  # an auditor always decides; the audit may not
    framing: Framing


class PlanAction(Quote):
    who: Who
    behaviour_change_goal: bool
    safety_route: SafetyRoute | None


class CaseLabels(_Strict):
    """What a careful auditor extracts from one family's file."""

    case: str
    people: People
    criteria: dict[str, Criterion]
    behaviours: tuple[Behaviour, ...] = ()
    impacts: tuple[Impact, ...] = ()
    protective_efforts: tuple[Quote, ...] = ()
    complicating_factors: tuple[ComplicatingFactor, ...] = ()
    plan_actions: tuple[PlanAction, ...] = ()

    @model_validator(mode="after")
    def _every_criterion(self) -> CaseLabels:
        if set(self.criteria) != set(CRITERIA):
            raise ValueError(f"criteria must be exactly {', '.join(CRITERIA)}")
        for name, criterion in self.criteria.items():
            if criterion.level != Level.NOT_EVIDENCED and not criterion.evidence:
                raise ValueError(f"criterion {name}: '{criterion.level}' needs evidence")
        return self

    def quotes(self) -> list[Quote]:
        """Every quote the labels rest on, criteria evidence first."""
        found: list[Quote] = [q for c in self.criteria.values() for q in c.evidence]
        for items in (
            self.behaviours,
            self.impacts,
            self.protective_efforts,
            self.complicating_factors,
            self.plan_actions,
        ):
            found.extend(items)
        return found


class Case(BaseModel):
    """One case folder: its documents (name to text, in file-name order) and its labels."""

    model_config = ConfigDict(frozen=True)

    folder: Path
    documents: dict[str, str]
    labels: CaseLabels
    # a second auditor's labels of the same file, made without seeing the first
    # (labels.second.json): how far two careful auditors agree is the ceiling of any score
    second: CaseLabels | None = None


def load_case(folder: Path) -> Case:
    """Read and check one case folder; raises InputError naming the file and the problem."""
    documents = {
        path.name: path.read_text(encoding="utf-8")
        for path in sorted(folder.iterdir())
        if path.suffix in DOCUMENT_SUFFIXES
    }
    labels = _read_labels(folder / "labels.json", documents)
    second_path = folder / SECOND_LABELS
    second = _read_labels(second_path, documents) if second_path.exists() else None
    return Case(folder=folder, documents=documents, labels=labels, second=second)


def _read_labels(path: Path, documents: dict[str, str]) -> CaseLabels:
    try:
        labels = CaseLabels.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise InputError(f"{path}: no labels") from None
    except (json.JSONDecodeError, ValidationError) as exc:
        first = str(exc).splitlines()[0 if isinstance(exc, json.JSONDecodeError) else 1 : 3]
        raise InputError(f"{path}: {' '.join(s.strip() for s in first)}") from None
    if labels.case != path.parent.name:
        raise InputError(f"{path}: case '{labels.case}' is not the folder's name")
    for quote in labels.quotes():
        text = documents.get(quote.doc)
        if text is None:
            raise InputError(f"{path}: names a document it does not hold: {quote.doc}")
        if quote.quote not in text:
            raise InputError(f"{path}: a quote is not word for word in {quote.doc}")
    return labels


def load_split(directory: Path, split: str) -> list[Case]:
    """Every case folder of one side of the audit set, in name order."""
    root = directory / split
    if not root.is_dir():
        raise InputError(f"{root}: no such folder (the audit set has dev/ and test/)")
    return [load_case(folder) for folder in sorted(root.iterdir()) if folder.is_dir()]
