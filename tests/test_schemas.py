"""JSON Schemas of blamecheck.toml and of the pattern packs: generated from the pydantic
models, committed under docs/schemas/, and in agreement with what blamecheck accepts."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml

from blamecheck.findings import Category

from .conftest import ROOT, invoke

SCHEMAS = ROOT / "docs" / "schemas"
KINDS = ("config", "pack")
PACKS = [ROOT / "patterns" / f"{category.value}.yaml" for category in Category]

SAMPLE_CONFIG = """\
select = ["victim-blaming", "perpetrator-agency/agentless-violence"]
ignore = ["child-impact/generic-statement"]
packs = []
file-types = ["txt", "md"]
exclude = ["drafts/", "*.old.md"]
respect-gitignore = false
profile = "case-record"

[severity]
"perpetrator-agency" = "error"
"victim-blaming/failure-to-protect" = "info"

[people]
perpetrator = ["Dean Walsh"]
survivor = "Sarah Walsh"
children = ["Liam", "Mia"]
"""


def _generated(kind: str) -> str:
    code, out, err = invoke("schema", kind)
    assert code == 0, err
    return out


def _validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("kind", KINDS)
def test_committed_schema_is_up_to_date(kind: str):
    committed = (SCHEMAS / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert committed == _generated(kind), (
        f"docs/schemas/{kind}.schema.json is out of date: run "
        f"`blamecheck schema {kind} > docs/schemas/{kind}.schema.json`"
    )


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_every_bundled_pack_validates(pack: Path):
    data = yaml.safe_load(pack.read_text(encoding="utf-8"))
    errors = [e.message for e in _validator("pack").iter_errors(data)]
    assert errors == []


def test_a_broken_pack_is_caught_by_the_schema_as_by_blamecheck(tmp_path: Path):
    data = yaml.safe_load(PACKS[0].read_text(encoding="utf-8"))
    data["rules"][0]["severity"] = "fatal"
    assert not _validator("pack").is_valid(data)
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(data), encoding="utf-8")
    code, _, err = invoke("rules", "--pack", str(broken))
    assert code == 2 and "severity" in err


def test_sample_configuration_validates_and_is_accepted(tmp_path: Path):
    assert list(_validator("config").iter_errors(tomllib.loads(SAMPLE_CONFIG))) == []
    (tmp_path / "blamecheck.toml").write_text(SAMPLE_CONFIG, encoding="utf-8")
    note = tmp_path / "visit.txt"
    note.write_text("Mother failed to protect the children.\n", encoding="utf-8")
    code, out, err = invoke("check", "-f", "json", str(note))
    assert code == 1, err
    (finding,) = json.loads(out)["files"][0]["findings"]
    assert finding["severity"] == "info"  # the configuration was read


def test_pyproject_table_validates_against_the_same_schema(tmp_path: Path):
    pyproject = '[project]\nname = "notes"\n\n[tool.blamecheck]\n' + SAMPLE_CONFIG.replace(
        "[severity]", "[tool.blamecheck.severity]"
    ).replace("[people]", "[tool.blamecheck.people]")
    table = tomllib.loads(pyproject)["tool"]["blamecheck"]
    assert list(_validator("config").iter_errors(table)) == []


@pytest.mark.parametrize(
    "setting",
    ['colour = "always"\n', 'exclude = "drafts/"\n', 'respect-gitignore = "yes"\n'],
)
def test_a_mistake_fails_the_schema_and_blamecheck_alike(tmp_path: Path, setting: str):
    assert not _validator("config").is_valid(tomllib.loads(setting))
    (tmp_path / "blamecheck.toml").write_text(setting, encoding="utf-8")
    (tmp_path / "visit.txt").write_text("Hello.\n", encoding="utf-8")
    code, _, err = invoke("check", str(tmp_path / "visit.txt"))
    assert code == 2 and "blamecheck.toml" in err and len(err.strip().splitlines()) == 1


def test_schema_command_needs_a_kind():
    code, out, err = invoke("schema", "rules")
    assert code == 2 and out == "" and "'rules' is not one of 'config', 'pack'" in err
