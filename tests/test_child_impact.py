"""Child-impact rules: generic statements, exposure framing, the narrow incident lens, and the
specificity (his behaviour, the child, the effect) that keeps good practice clean."""

from __future__ import annotations

import json

import pytest

from blamecheck.analysis.profiles import Profile
from blamecheck.analysis.roles import RoleResolver
from blamecheck.analysis.specificity import assess

from .conftest import SAMPLE, invoke, run_cli

AUDIT = "Domestic abuse impacts on children's social and emotional development."
GOOD = "Since Mr Reid threatened to cut Ms Clarke's throat, Liam has refused to go to school."


def _child_impact(analyzer, text: str, profile: Profile = Profile.CASE_RECORD) -> list:
    """Child-impact findings of ``text`` read as a case record (strictest), unless told."""
    found = analyzer.analyse(text, profile=profile)
    return [f for f in found if f.category.value == "child-impact"]


def _assess(analyzer, text: str):
    doc = analyzer.nlp(text)
    resolver = RoleResolver(analyzer.packs.roles)
    resolver.learn([doc])
    engine = analyzer.engine
    sentence = next(iter(doc.sents))
    return assess(sentence, resolver, engine._acts, engine._effects, engine.violent_verbs)


def test_the_audit_statement_is_flagged_and_says_what_is_missing():
    proc = run_cli("check", "--format", "json", "-", stdin=AUDIT + "\n")
    assert proc.returncode == 1, proc.stderr
    (finding,) = json.loads(proc.stdout)["files"][0]["findings"]
    assert finding["rule"] == "child-impact/generic-statement"
    assert finding["text"] == AUDIT.rstrip(".")
    assert finding["missing"] == ["behaviour", "child", "effect"]
    assert "which behaviour of his, which child or what effect on the child" in finding["message"]


def test_his_behaviour_this_child_this_effect_exits_0():
    proc = run_cli("check", "-", stdin=GOOD + "\n")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings" in proc.stdout


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Domestic violence has a negative effect on children's wellbeing.", "generic-statement"),
        ("The children will have been affected by what they have lived through.", "generic"),
        ("Research shows that children who witness domestic abuse have poorer outcomes.", "gen"),
        ("The impact of the abuse on the children cannot be overstated.", "generic-statement"),
        ("The children were exposed to domestic violence.", "exposure-framing"),
        ("Liam and Mia were present during the incident.", "exposure-framing"),
        ("Both boys have grown up in a household where domestic abuse is common.", "exposure"),
        ("The children were asleep upstairs so were not affected.", "narrow-incident-lens"),
        ("Mia is too young to understand what happened.", "narrow-incident-lens"),
        ("As the children did not hear anything, there is no impact on them.", "narrow"),
    ],
)
def test_destructive_child_impact_is_flagged(analyzer, text: str, rule: str):
    findings = _child_impact(analyzer, text)
    assert len(findings) == 1, (text, findings)
    assert findings[0].rule.startswith("child-impact/" + rule)
    # the finding covers the sentence, so its rewrite frame can replace it
    assert findings[0].text == text.rstrip(".")


@pytest.mark.parametrize(
    "text",
    [
        GOOD,
        "Mr Reid's shouting at Ms Clarke every night has affected Amelia's sleep.",
        "Jayden (9) was exposed to his father's threats to burn the house down and now "
        "refuses to sleep unless his mother is in the room.",
        "Although Mia was asleep upstairs when Mr Reid kicked the door in, she has wet the bed "
        "every night since.",
        "The impact of Mr Nowak taking Ms Nowak's bank card is that their 6-year-old has had "
        "no school lunches since May.",
        # neutral, procedural: no claim about harm at all
        "The children were at school when the police attended.",
        "Mia is too young to attend nursery this year.",
        "How might that have impacted on the children?",
    ],
)
def test_specific_or_neutral_sentences_stay_clean(analyzer, text: str):
    assert _child_impact(analyzer, text) == []


@pytest.mark.parametrize(
    ("text", "behaviour", "child", "effect"),
    [
        (GOOD, "Mr Reid threatened to cut Ms Clarke's throat", "Liam", "refused"),
        ("His threats have stopped their son sleeping.", "His threats", "their son", "sleeping"),
        ("Their 6-year-old has stopped eating since Dad smashed the TV.", "Dad smashed the TV",
         "Their 6-year-old", "eating"),
        # general words are not specific: no behaviour, no particular child, effect unrelated
        (AUDIT, None, None, None),
        ("His domestic abuse has affected the children.", None, None, None),
    ],
)  # fmt: skip
def test_specificity_is_read_from_the_parse(analyzer, text, behaviour, child, effect):
    found = _assess(analyzer, text)
    assert (found.behaviour, found.child, found.effect) == (behaviour, child, effect)


def test_a_calendar_word_is_not_a_child(analyzer):
    found = _assess(analyzer, "Mia was asleep upstairs on 3 March so was not affected.")
    assert found.child == "Mia"


def test_missing_parts_are_named_and_the_frame_keeps_what_the_sentence_says(analyzer):
    text = "Liam witnessed the incident in which Mr Reid threatened to kill his mother."
    (finding,) = _child_impact(analyzer, text)
    assert finding.missing == ["effect"]
    assert finding.message.endswith("but not what effect on the child.")
    frame = finding.suggestions[0]
    assert frame.replacement == (
        "Since Mr Reid threatened to kill his mother, Liam has "
        "[specific effect on school, sleep, friends, health or home]"
    )
    assert frame.status == "needs-input"


def test_the_frame_offers_the_documents_children_and_names_him(analyzer):
    findings = analyzer.analyse(SAMPLE.read_text(encoding="utf-8"))
    exposure = next(f for f in findings if f.rule == "child-impact/exposure-framing")
    # no one the sentence does not name: the document's people are the writer's choices
    assert exposure.suggestions[0].replacement.startswith(
        "Since [his name] [what he did], [child's name] has ["
    )
    choice = exposure.suggestions[1]
    assert choice.kind == "choice"
    assert choice.replacement.startswith("Since Mr Reid [what he did], [child's name] has [")
    narrow = next(f for f in findings if f.rule == "child-impact/narrow-incident-lens")
    assert "Mia has [" in narrow.suggestions[0].replacement
    assert "whether or not Mia saw or heard it" in narrow.suggestions[0].replacement


def test_seed_questions_are_prompts_not_replacements(analyzer):
    (finding,) = _child_impact(analyzer, AUDIT)
    assert finding.prompts[0].text == "How might that have impacted on the child?"
    assert "001_52b1b3c0576f0f34.txt" in (finding.prompts[0].source or "")
    assert all("?" not in s.replacement for s in finding.suggestions)
    code, out, _ = invoke("check", "-", stdin=AUDIT)
    assert code == 1 and "find out: How might that have impacted on the child?" in out


def test_active_exposing_is_not_exposure_framing(analyzer):
    # his act is named; "Mother exposed ..." belongs to victim-blaming, not here
    assert _child_impact(analyzer, "He exposed the children to his violence.") == []
    rules = {f.rule for f in analyzer.analyse("Mother has exposed the girls to domestic abuse.")}
    assert rules == {"victim-blaming/allowed-exposure"}


def test_his_account_reported_as_his_is_not_flagged(analyzer):
    text = "Mr Reid said the children were asleep so they were not affected."
    assert _child_impact(analyzer, text) == []


RESEARCH = "Research shows that children who witness domestic abuse have poorer outcomes."
POLICY = (
    "Section 3 of the Act treats a child who sees or hears domestic abuse as a victim of it. "
    "Children who live with domestic abuse are at greater risk of emotional harm. "
    "Practitioners should record how each child is affected."
)


def test_general_prose_is_not_a_case_records_generic_claim(analyzer):
    # a policy paragraph names no family and reads like law and research: left alone
    assert _child_impact(analyzer, POLICY, Profile.AUTO) == []
    assert _child_impact(analyzer, RESEARCH, Profile.AUTO) == []
    # the same words in a record that names the family are the generic claim
    record = "Ms Clarke and Mr Reid have two children, Liam and Mia. " + RESEARCH
    (finding,) = _child_impact(analyzer, record, Profile.AUTO)
    assert finding.rule == "child-impact/generic-statement"
    # the configuration decides when told: a case file, or a folder of policy papers
    assert len(_child_impact(analyzer, POLICY, Profile.CASE_RECORD)) >= 1
    assert _child_impact(analyzer, record, Profile.GENERAL) == []
    # a one-line textbook claim with no sign of research or law is still read as a record
    assert len(_child_impact(analyzer, AUDIT, Profile.AUTO)) == 1


def test_profile_in_the_configuration(tmp_path):
    (tmp_path / "blamecheck.toml").write_text('profile = "general"\n', encoding="utf-8")
    note = tmp_path / "note.txt"
    note.write_text("Ms Clarke has two children. " + AUDIT + "\n", encoding="utf-8")
    code, out, _ = invoke("check", str(note))
    assert code == 0, out
    (tmp_path / "blamecheck.toml").write_text('profile = "case-record"\n', encoding="utf-8")
    code, out, _ = invoke("check", str(tmp_path / "note.txt"))
    assert code == 1 and "generic-statement" in out
    (tmp_path / "blamecheck.toml").write_text('profile = "policy"\n', encoding="utf-8")
    code, _, err = invoke("check", str(note))
    assert code == 2 and "profile" in err and len(err.strip().splitlines()) == 1
