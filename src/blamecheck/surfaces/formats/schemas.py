"""JSON Schemas of the files users write by hand, generated from the pydantic models that
validate them, so an editor can complete and check blamecheck.toml or a pattern pack as it is
typed (Even Better TOML, the YAML language server) and the schema cannot drift from the code.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from blamecheck.analysis.packs import Pack
from blamecheck.filters.config import Settings

DIALECT = "https://json-schema.org/draft/2020-12/schema"  # what pydantic generates


KINDS: dict[str, tuple[type[BaseModel], str, str]] = {
    "config": (
        Settings,
        "blamecheck configuration",
        "blamecheck.toml, or the [tool.blamecheck] table of pyproject.toml.",
    ),
    "pack": (
        Pack,
        "blamecheck pattern pack",
        "A YAML file of rules, all of one category (patterns/*.yaml, or a pack given with "
        "--pack or `packs` in blamecheck.toml).",
    ),
}


def schema(kind: str) -> dict[str, Any]:
    """The schema of ``kind`` (one of KINDS), with the dialect pydantic writes it in."""
    model, title, description = KINDS[kind]
    generated = model.model_json_schema(by_alias=True)
    generated.pop("title", None)
    generated.pop("description", None)
    return {"$schema": DIALECT, "title": title, "description": description, **generated}


def render(kind: str) -> str:
    """The schema as docs/schemas/ holds it: two-space indents, ending in a newline."""
    return json.dumps(schema(kind), ensure_ascii=False, indent=2) + "\n"
