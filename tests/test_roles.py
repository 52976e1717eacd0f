"""Role resolution: who the subject is decides whether a sentence blames her."""

from __future__ import annotations

import pytest

from blamecheck.analysis.grammar import clause_subject
from blamecheck.analysis.roles import Role, RoleResolver


def _subject_role(analyzer, text: str, verb: str) -> Role:
    docs = list(analyzer.nlp.pipe([text]))
    resolver = RoleResolver(analyzer.packs.roles)
    resolver.learn(docs)
    doc = docs[0]
    anchor = [t for t in doc if t.text == verb][-1]
    return resolver.role_of(clause_subject(anchor))


@pytest.mark.parametrize(
    ("text", "verb", "role"),
    [
        ("Mother failed to protect the children.", "failed", Role.SURVIVOR),
        ("Mum chose to stay.", "chose", Role.SURVIVOR),
        ("Ms Clarke chose to stay.", "chose", Role.SURVIVOR),
        ("Mr Reid failed to attend.", "failed", Role.PERPETRATOR),
        ("She failed to attend.", "failed", Role.SURVIVOR),
        ("He failed to attend.", "failed", Role.PERPETRATOR),
        ("Both parents attended the meeting.", "attended", Role.BOTH),
        ("Mum and Dad argued.", "argued", Role.BOTH),
        ("The couple argued.", "argued", Role.BOTH),
        ("Her partner left.", "left", Role.PERPETRATOR),
        ("His ex-partner left.", "left", Role.SURVIVOR),
        ("The social worker visited.", "visited", Role.PROFESSIONAL),
        ("I visited the home.", "visited", Role.PROFESSIONAL),
        ("Sarah Clarke (mother) lives with Liam. Sarah chose to stay.", "chose", Role.SURVIVOR),
        ("The father, Tom Reid, left. Tom returned.", "returned", Role.PERPETRATOR),
        ("Liam (7) was at school. Liam cried.", "cried", Role.CHILD),
        ("The mother, Jade Walsh, chose to stay.", "chose", Role.SURVIVOR),
        ("Our daughter Amy was upset and she cried.", "cried", Role.CHILD),
        ("Jade went out.", "went", Role.UNKNOWN),
        # a form's labels, a bracket after the name, a relational noun with its owner
        ("Mother: Grace Mwangi. Father: Tom Blackwood. Tom left.", "left", Role.PERPETRATOR),
        ("Victim: Priya Sharma. Priya stayed.", "stayed", Role.SURVIVOR),
        ("He said 'Darren' (his mum's boyfriend) hit him. Darren left.", "left", Role.PERPETRATOR),
        ("She named her ex-partner, Ryan Hale. Ryan came back.", "came", Role.PERPETRATOR),
        # a first name takes the role of the surname it is written with
        (
            "Mr Bailey was arrested. Marcus BAILEY (29) was in the kitchen. Marcus left.",
            "left",
            Role.PERPETRATOR,
        ),
        # a child's surname is not bound to the child: it is a parent's too
        (
            "Child: Noah Blackwood (8 months). Mr Blackwood left. Blackwood returned.",
            "returned",
            Role.PERPETRATOR,
        ),
        # "he" after a child only mentioned, whose gender the case never gives, is not the child
        (
            "Mr Reid's anger since Noah's birth shows a pattern. He has cut her off.",
            "cut",
            Role.PERPETRATOR,
        ),
        # ...but a child the case writes as a boy still is
        (
            "Noah (6) cried for his dad. I spoke with Noah. He said he was scared.",
            "said",
            Role.CHILD,
        ),
        ("Why did you let him in?", "let", Role.SURVIVOR),
    ],
)
def test_subject_roles(analyzer, text, verb, role):
    assert _subject_role(analyzer, text, verb) == role


def test_the_document_names_its_people(analyzer):
    text = "Ms Sarah Clarke and Mr Tom Reid have two children, Liam (7) and Mia (4)."
    resolver = RoleResolver(analyzer.packs.roles)
    resolver.learn(analyzer.nlp.pipe([text]))
    assert resolver.named(Role.PERPETRATOR) == ["Mr Reid"]
    assert resolver.named(Role.SURVIVOR) == ["Ms Clarke"]
    assert resolver.named(Role.CHILD) == ["Liam", "Mia"]
