"""The one output contract: every surface (CLI, JSON, editor, docx) only renders these models."""

from __future__ import annotations

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

    def sort_key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.rule)
