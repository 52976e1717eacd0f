"""The one output contract: every surface (CLI, JSON, editor, docx) only renders these models."""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum, StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Category(StrEnum):
    """The three families of destructive language; the ids are part of the JSON interface."""

    VICTIM_BLAMING = "victim-blaming"
    PERPETRATOR_AGENCY = "perpetrator-agency"
    CHILD_IMPACT = "child-impact"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class ExitStatus(IntEnum):
    """Exit codes shared by every command (see INTERFACE.md)."""

    CLEAN = 0
    FOUND = 1
    FAILED = 2


class Suggestion(BaseModel):
    """A replacement for the whole flagged span, with where it comes from."""

    model_config = ConfigDict(frozen=True)

    replacement: str
    description: str
    source: str | None = None
    status: str = Field(
        default="complete",
        description="'complete' when ready to use, 'needs-input' when it holds [placeholders]",
    )
    kind: str = Field(
        default="rewrite",
        description="'rewrite' (a statement), 'question' or 'script' (words to say), or "
        "'choice': the rewrite with a person the document names in the slot the writer left "
        "without one; only the writer may choose it, so nothing applies it automatically",
    )
    keeps_facts: bool = Field(
        default=True,
        description="every name, date and number of the flagged words is in the replacement",
    )


NOTE_SOURCE = "blamecheck"  # a prompt that is blamecheck's note to the writer, not a question


class Prompt(BaseModel):
    """A question that helps the writer find the facts a rewrite needs; not a replacement."""

    model_config = ConfigDict(frozen=True)

    text: str
    source: str | None = None


class Finding(BaseModel):
    """One flagged span. Offsets are 0-based code points; lines and columns 1-based."""

    rule: str
    category: Category
    severity: Severity
    message: str
    line: int
    column: int
    end_line: int
    end_column: int
    start: int
    end: int
    text: str
    suggestions: list[Suggestion] = Field(default_factory=list)
    prompts: list[Prompt] = Field(
        default_factory=list,
        description="questions from the source documents that help find the missing facts",
    )
    quoted: bool = Field(
        default=False,
        description="inside quotation marks: someone's own words, kept as evidence, not rewritten",
    )
    paragraph: str | None = Field(
        default=None,
        description="Word documents only: where the paragraph is ('body', 'table 1, row 2, "
        "cell 3', 'header (section 1)'); line is then the paragraph's number",
    )
    missing: list[str] | None = Field(
        default=None,
        description="child-impact only: which of behaviour, child and effect the sentence "
        "does not name",
    )

    def sort_key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.rule)


def redacted(finding: Finding) -> Finding:
    """The finding without the document's words: positions, rule, category and message only.

    Messages are the rules' own words (the only field filled in, "{missing}", names parts of
    the Multiple Pathways frame, never the document's words).
    """
    return finding.model_copy(update={"text": "", "suggestions": [], "prompts": []})


class Findings(list[Finding]):
    """A text's findings, and whether it names two people by one name that nothing tells
    apart (parents who share a surname): then no rewrite can offer either of them as a
    choice, and the writer is told once how to declare them (`[people]` in blamecheck.toml)."""

    def __init__(self, findings: Iterable[Finding] = (), untold_apart: bool = False):
        super().__init__(findings)
        self.untold_apart = untold_apart


SHARED_NAME_NOTICE = (
    "two people in it share a name (a surname, most often) and it is written without a title, "
    "first name or role that says who is meant; blamecheck cannot tell them apart there. "
    'Declare them under [people] in blamecheck.toml, e.g. perpetrator = ["Tom Hughes"] and '
    'survivor = ["Sarah Hughes"]'
)
