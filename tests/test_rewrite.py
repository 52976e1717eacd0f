"""The rewrite engine on real sentences: facts kept, placeholders where facts are missing,
grammar, quoted words left alone, and spoken sentences answered with speech."""

from __future__ import annotations

import json
import re

import pytest

from blamecheck.analysis import facts
from blamecheck.api import CANNOT_FIT, Analyzer

from .conftest import ROOT, SAMPLE

# names, dates and numbers read with a regular expression, independently of blamecheck's own
# fact finder: titles with surnames, capitalised first names, months, years and other numbers
_INDEPENDENT_FACTS = re.compile(
    r"\b(?:Mr|Ms|Mrs|Miss|Dr) [A-Z][a-z]+|\b(?:January|February|March|April|June|July|"
    r"August|September|October|November|December|Monday|Mondays)\b|\b\d+\b|"
    r"\b(?:Liam|Mia|Sarah|Tom|Glasgow|Jade|Kyle|Shane|Priya|Dean)\b"
)


def _top(analyzer: Analyzer, text: str, rule: str | None = None):
    findings = [f for f in analyzer.analyse(text) if rule is None or f.rule == rule]
    assert findings, text
    return findings[0]


def _corpus_positives() -> list[str]:
    texts = []
    for path in sorted((ROOT / "corpus").glob("*/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                example = json.loads(line)
                if example.get("expected"):
                    texts.append(example["text"])
    return texts


def test_every_finding_in_the_corpus_has_an_alternative_that_keeps_its_facts(analyzer):
    texts = _corpus_positives()
    assert len(texts) > 600
    problems = []
    for text, findings in zip(texts, analyzer.analyse_many(texts), strict=True):
        for finding in findings:
            if finding.quoted:
                assert not finding.suggestions
                continue
            if not finding.suggestions:
                # no alternative fits without changing the rest of the sentence: the note
                if CANNOT_FIT not in [p.text for p in finding.prompts]:
                    problems.append(f"no alternative and no note: {finding.rule}: {text}")
                continue
            top = finding.suggestions[0].replacement
            for fact in _INDEPENDENT_FACTS.findall(finding.text):
                if fact not in top:
                    problems.append(f"lost {fact!r}: {finding.text!r} -> {top!r}")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    ("text", "rule", "expected", "status"),
    [
        # the actor is named elsewhere in the note: still a placeholder (he is a choice)
        (
            "Mr Reid punched Ms Clarke in March. Ms Clarke was assaulted on 3 March.",
            "perpetrator-agency/agentless-violence",
            "[who did this] assaulted Ms Clarke on 3 March",
            "needs-input",
        ),
        # nobody named: the actor is a placeholder, never a guess
        (
            "She was pushed down the stairs on Friday.",
            "perpetrator-agency/agentless-violence",
            "[who did this] pushed her down the stairs on Friday",
            "needs-input",
        ),
        # a continuous passive stays continuous, and a thing is never taken for the actor
        (
            "The children were hit by flying glass. She is being controlled.",
            "perpetrator-agency/agentless-violence",
            "[who did this] is controlling her",
            "needs-input",
        ),
        (
            "Ms Clarke has been hit.",
            "perpetrator-agency/agentless-violence",
            "[who did this] has hit Ms Clarke",
            "needs-input",
        ),
        # a pronoun subject is lower case inside the rewrite, and the date keeps its preposition
        (
            "Mr Reid hit Ms Clarke. She failed to protect the children on 3 March.",
            "victim-blaming/failure-to-protect",
            "[his name] [what he did that harmed the children] on 3 March; she [what she did to "
            "keep them safe]",
            "needs-input",
        ),
        (
            "Mum allowed Mr Reid back into the family home in January.",
            "victim-blaming/allowed-exposure",
            "Mr Reid [what he did] in January; Mum [what made it feel safer to her] "
            "[place this: into the family home]",
            "needs-input",
        ),
        (
            "Ms Clarke must end the relationship with Mr Reid by Friday.",
            "victim-blaming/tasks-on-survivor",
            "Mr Reid must [stop what he is doing] by Friday; Ms Clarke will be offered "
            "[support she has asked for]",
            "needs-input",
        ),
    ],
)
def test_rewrites_restructure_the_clause_and_keep_its_facts(analyzer, text, rule, expected, status):
    finding = _top(analyzer, text, rule)
    top = finding.suggestions[0]
    assert top.replacement == expected
    assert top.status == status
    assert top.keeps_facts


def test_a_rewrite_puts_a_lost_fact_back_with_its_own_phrase(analyzer):
    finding = _top(
        analyzer,
        "Ms Clarke invited Mr Reid back into the home for Liam's birthday.",
        "victim-blaming/allowed-exposure",
    )
    top = finding.suggestions[0].replacement
    assert "for Liam's birthday" in top and top.count("birthday") == 1
    assert top.endswith("[place this: into the home]")  # the writer's phrase, to be placed
    assert "Ms Clarke" in top and "Mr Reid" in top


def test_the_fact_finder_reads_names_dates_and_numbers_but_not_abbreviations(analyzer):
    doc = analyzer.nlp("On 3 March 2026 Mr Reid hit Ms Clarke twice in Glasgow; the DA unit")
    found = {(f.text, f.kind) for f in facts.facts_in(doc[:])}
    assert ("3 March 2026", "date") in found
    assert ("Mr Reid", "name") in found and ("Ms Clarke", "name") in found
    assert ("Glasgow", "name") in found
    assert not any(text == "DA" for text, _ in found)
    assert facts.kept(facts.Fact("Liam", "name", "Liam"), "for Liam's birthday")
    assert not facts.kept(facts.Fact("3", "number", "3"), "on 13 March")


def test_quoted_words_are_kept_as_evidence_and_the_finding_says_so(analyzer):
    text = SAMPLE.read_text(encoding="utf-8")
    quoted = [f for f in analyzer.analyse(text) if f.quoted]
    assert [f.text for f in quoted] == ["Why did you let him in?"]
    finding = quoted[0]
    assert finding.suggestions == []
    assert "inside quotation marks" in finding.message
    # the constructive question still shows, for the writer's next interview
    assert finding.prompts[0].text == "What made it feel safer to have him in the house?"


def test_a_spoken_question_gets_questions_first_and_the_pivot_script(analyzer):
    finding = _top(analyzer, "Mr Reid hit her. Why did you go back to him?")
    assert finding.text == "Why did you go back to him?"  # the whole question is replaced
    kinds = [s.kind for s in finding.suggestions]
    assert kinds[0] == "question"
    assert finding.suggestions[0].replacement == "Tell me what makes you stay in the relationship?"
    assert "003_35b675b3f07ac556.txt" in (finding.suggestions[0].source or "")
    script = next(s for s in finding.suggestions if s.kind == "script")
    # validate the concern, redirect to his behaviour, return to the concern about the mother
    turns = re.split(r"(?<=[.?])\s+", script.replacement)
    assert len(turns) == 3
    # the script names no one the question does not: "him" is "he"
    assert "worry" in turns[0] and "he" in turns[1].split() and "keep them safe" in turns[2]
    assert "Mr Reid" not in script.replacement
    assert script.source.endswith("(001_52b1b3c0576f0f34.txt)")
    assert kinds.index("script") > kinds.index("question")


def test_a_written_statement_gets_statements_and_questions_become_prompts(analyzer):
    finding = _top(analyzer, "Ms Clarke chose to stay in the relationship.")
    assert all(s.kind in {"rewrite", "statement"} for s in finding.suggestions)
    assert not any(s.replacement.endswith("?") for s in finding.suggestions)
    assert "What’s safer about staying in the relationship?" in [p.text for p in finding.prompts]


def test_a_paraphrase_of_a_table_row_gets_that_rows_constructive_lines(analyzer):
    finding = _top(analyzer, "Why do you keep choosing him over the kids?")
    offered = [s.replacement for s in finding.suggestions]
    assert "Tell me what makes you stay in the relationship?" in offered[:2]


def test_a_noun_phrase_is_never_replaced_by_a_clause(analyzer):
    """ "There was [what he did] in the kitchen" is no sentence: the note asks for her words."""
    finding = _top(analyzer, "There was an altercation in the kitchen.")
    assert finding.text == "an altercation"
    assert finding.suggestions == []
    assert CANNOT_FIT in [p.text for p in finding.prompts]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr Walsh punched her. Mrs Walsh was assaulted on 3 March.",
            "Mr Walsh assaulted Mrs Walsh on 3 March",
        ),
        (
            "Family: Ms Sarah Walsh (mother), Mr Dean Walsh (father). Mr Walsh punched her. "
            "Ms Walsh was assaulted on 3 March.",
            "Mr Walsh assaulted Ms Walsh on 3 March",
        ),
        ("Dean Walsh punched her. Ms Walsh was assaulted on 3 March.", None),
        ("Ms Clarke hit him. He was pushed.", None),
    ],
)
def test_a_shared_surname_never_makes_her_the_actor(analyzer, text: str, expected: str | None):
    """The couple share a surname: the rewrite leaves [who did this], and he may be offered as
    the writer's choice; never her."""
    (finding,) = [f for f in analyzer.analyse(text) if f.rule.endswith("agentless-violence")]
    top = finding.suggestions[0]
    assert top.status == "needs-input" and "[who did this]" in top.replacement
    choices = [s.replacement for s in finding.suggestions if s.kind == "choice"]
    if expected is None:
        assert not any(c.startswith(("Ms", "Mrs", "She", "Ms Clarke")) for c in choices)
    else:
        assert choices == [expected]
