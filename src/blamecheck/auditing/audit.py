"""One case audited: its documents read together, items extracted, criteria assessed, the
perpetrator's pattern mapped, and `check`'s language findings counted."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from blamecheck.analysis.profiles import Profile
from blamecheck.analysis.roles import Role, RoleResolver
from blamecheck.api import Analyzer
from blamecheck.auditing import criteria
from blamecheck.auditing.extract import Extractor
from blamecheck.auditing.lexicon import AuditLexicon, load_lexicon
from blamecheck.auditing.mapping import pattern_map
from blamecheck.auditing.model import (
    COERCIVE_TYPES,
    CaseAudit,
    Child,
    Document,
    Evidence,
    People,
    Plan,
)
from blamecheck.auditing.parties import best_reading
from blamecheck.auditing.reading import ReadCase, case_files, read_case
from blamecheck.errors import InputError

NO_PEOPLE = (
    "no parent is named in it, so there is no pattern to map (the audit needs the parents "
    "named as the documents name them: 'Mr Reid', 'the father, Tom Reid', 'Sarah (mother)')"
)
_SPEECH = frozenset(
    {"say", "tell", "state", "describe", "explain", "report", "disclose", "want", "ask",
     "request", "wish", "feel", "worry", "hope", "agree", "share", "identify", "prefer"}
)  # fmt: skip
_HIM_SEEN = frozenset(
    {"say", "tell", "state", "deny", "accept", "admit", "agree", "attend", "meet", "explain",
     "acknowledge", "minimise", "minimize", "blame", "refuse", "decline", "claim", "interview",
     "speak", "arrest", "charge", "caution", "contact", "see", "assess"}
)  # fmt: skip


def cases_under(paths: Sequence[Path]) -> list[Path]:
    """The cases the paths name: a file is a case of one document; a folder of case folders
    is a caseload (loose files beside the case folders, like a README, are not a case); a
    folder holding documents and no case folder is one case."""
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if path.is_file():
            found.append(path)
            continue
        inner = [p for p in sorted(path.iterdir()) if p.is_dir() and _holds_cases(p)]
        if inner:
            found.extend(cases_under(inner))
        elif case_files(path):
            found.append(path)
        else:
            raise InputError(f"{path}: an empty folder (no documents and no case folders)")
    return found


def _holds_cases(folder: Path) -> bool:
    if folder.name.startswith("."):
        return False
    return bool(case_files(folder)) or any(p.is_dir() and _holds_cases(p) for p in folder.iterdir())


class Auditor:
    """The analyser and the audit lexicon, loaded once for a whole caseload."""

    def __init__(self, analyzer: Analyzer | None = None, lexicon: AuditLexicon | None = None):
        self.analyzer = analyzer or Analyzer()
        self.lexicon = lexicon or load_lexicon()
        # made once: a paragraph's parse keeps what each lexicon's resolver learnt from it
        self._swapped_roles = self.analyzer.packs.roles.swapped()

    def audit_all(
        self, cases: Sequence[Path], names: dict[str, Role] | None = None
    ) -> Iterator[CaseAudit | InputError]:
        for case in cases:
            try:
                yield self.audit(case, names)
            except InputError as exc:
                yield exc

    def audit(self, path: Path, names: dict[str, Role] | None = None) -> CaseAudit:
        case = read_case(path, self.analyzer, names)
        if not names:  # the team's names say who is who; otherwise the case's acts do
            case = replace(case, resolver=self._whose_acts(case))
        people = _people(case)
        if not people.survivor and not people.perpetrator:
            raise InputError(f"{path}: {NO_PEOPLE}")
        documents, findings = self._documents(case)
        words = sum(d.words for d in documents)
        extractor = Extractor(case, self.lexicon, self.analyzer.engine)
        behaviours = extractor.behaviours()
        impacts = extractor.impacts()
        efforts = extractor.efforts()
        factors = extractor.factors()
        actions = extractor.plan_actions()
        items = criteria.Items(
            behaviours=behaviours,
            impacts=impacts,
            efforts=efforts,
            factors=factors,
            actions=actions,
            her_voice=_said_by(extractor, Role.SURVIVOR, _SPEECH),
            him_seen=_said_by(extractor, Role.PERPETRATOR, _HIM_SEEN),
            blaming_per_1000_words=1000 * findings.get("victim-blaming", 0) / max(words, 1),
        )
        assessed = criteria.assess(items)
        children = _children(people, impacts)
        plan = _plan(actions)
        sections = pattern_map(people, behaviours, impacts, efforts, factors, plan, children)
        return CaseAudit(
            case=case.name,
            path=case.path,
            people=people,
            documents=tuple(documents),
            behaviours=tuple(behaviours),
            coercive_control_recorded=any(b.type in COERCIVE_TYPES for b in behaviours),
            children=tuple(children),
            generic_impacts=tuple(i for i in impacts if i.child is None),
            efforts=tuple(efforts),
            factors=tuple(factors),
            plan=plan,
            criteria=tuple(assessed),
            findings=dict(sorted(findings.items())),
            pattern_map=tuple(sections),
            gaps=tuple(g for s in sections for g in s.gaps),
            notices=tuple(case.notices),
        )

    def _whose_acts(self, case: ReadCase) -> RoleResolver:
        def acts(resolver: RoleResolver) -> list[str]:
            read = replace(case, resolver=resolver)
            found = Extractor(read, self.lexicon, self.analyzer.engine).behaviours()
            return [b.text for b in found]

        docs = [doc for document in case.documents for doc in document.docs]
        return best_reading(case.resolver, docs, self._swapped_roles, self.lexicon, acts)

    def _documents(self, case: ReadCase) -> tuple[list[Document], Counter[str]]:
        total: Counter[str] = Counter()
        shown: list[Document] = []
        for document in case.documents:
            found = self.analyzer.analyse(document.prose, None, Profile.AUTO)
            counts = Counter(f.category.value for f in found)
            total.update(counts)
            shown.append(
                Document(
                    path=document.name,
                    date=document.date,
                    words=len(document.prose.split()),
                    findings=dict(sorted(counts.items())),
                )
            )
        return shown, total


def _people(case: ReadCase) -> People:
    resolver = case.resolver
    return People(
        survivor=tuple(resolver.people(Role.SURVIVOR)),
        perpetrator=tuple(resolver.people(Role.PERPETRATOR)),
        children=tuple(resolver.people(Role.CHILD)),
    )


def _said_by(extractor: Extractor, role: Role, verbs: frozenset[str]) -> list[Evidence]:
    found: list[Evidence] = []
    for sentence in extractor.sentences:
        for token in sentence.span:
            if token.pos_ != "VERB" or token.lemma_.lower() not in verbs:
                continue
            actor = extractor.actor(token)
            passive_him = role == Role.PERPETRATOR and any(
                c.dep_ == "nsubjpass" and extractor.role(c) == role for c in token.children
            )
            if passive_him or (actor is not None and extractor.role(actor) == role):
                found.append(Evidence(**sentence.evidence()))
                break
    return found


def _children(people: People, impacts: Sequence) -> list[Child]:
    names = list(
        dict.fromkeys(
            [*(n.split()[0] for n in people.children), *(i.child for i in impacts if i.child)]
        )
    )
    out = []
    for name in names:
        mine = [i for i in impacts if i.child == name]
        out.append(
            Child(
                name=name,
                specific=tuple(i for i in mine if i.specific),
                generic=tuple(i for i in mine if not i.specific),
            )
        )
    return out


def _plan(actions: Sequence) -> Plan:
    by_person = Counter(a.who for a in actions)
    goal = any(a.behaviour_change_goal for a in actions)
    routes = tuple(dict.fromkeys(a.safety_route for a in actions if a.safety_route))
    return Plan(
        actions=tuple(actions),
        by_person=dict(sorted(by_person.items())),
        behaviour_change_goal=goal,
        safety_routes=routes,
        rests_on_her_alone=by_person["survivor"] > by_person["perpetrator"] and not goal,
    )
