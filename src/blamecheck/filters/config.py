"""A team's shared settings: `blamecheck.toml`, or `[tool.blamecheck]` in `pyproject.toml`.

Found from the checked file upward, the nearest folder with either file wins
(`blamecheck.toml` before `pyproject.toml` in the same folder; a `pyproject.toml` without a
`[tool.blamecheck]` table is passed over). Every value is validated, and a mistake is one line
that names the file, the key and what was expected.

    select = ["victim-blaming", "perpetrator-agency"]   # rule ids or categories (default: all)
    ignore = ["child-impact/generic-impact"]             # rule ids or categories
    packs = ["team-rules.yaml"]                          # extra pattern packs, from this file
    file-types = ["txt", "md", "docx"]                   # what a folder is searched for
    exclude = ["drafts/", "*.old.md"]                    # gitignore-style, from this file
    respect-gitignore = true                             # skip what git ignores in folders
    baseline = "blamecheck-baseline.json"                # findings already judged
    profile = "auto"                                     # or "case-record", "general"
    [severity]                                           # per rule id or category
    "perpetrator-agency" = "error"
    [people]                                             # the people in the case
    perpetrator = ["Tom Reid"]
    survivor = ["Sarah Clarke"]
    children = ["Liam", "Mia"]
"""

from __future__ import annotations

import tomllib
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    field_validator,
)

from blamecheck.analysis.profiles import Profile
from blamecheck.analysis.roles import Role
from blamecheck.errors import ConfigError, InputError
from blamecheck.findings import Category, Finding, Severity
from blamecheck.readers.documents import Patterns

CONFIG_NAME = "blamecheck.toml"
PYPROJECT = "pyproject.toml"
FILE_TYPES = ("txt", "md", "markdown", "docx")


def _one_or_many_schema(schema: dict[str, Any]) -> None:
    """In the JSON Schema too, one name may be written without a list."""
    items = schema.pop("items", {"type": "string"})
    schema.pop("type", None)
    schema["anyOf"] = [{"type": "string"}, {"type": "array", "items": items}]


class People(BaseModel):
    """Names of the people in the case, as the reports write them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    perpetrator: list[str] = Field(default=[], json_schema_extra=_one_or_many_schema)
    survivor: list[str] = Field(default=[], json_schema_extra=_one_or_many_schema)
    children: list[str] = Field(default=[], json_schema_extra=_one_or_many_schema)

    @field_validator("perpetrator", "survivor", "children", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    def known_names(self) -> dict[str, Role]:
        """Each person's name and role, as the role resolver takes them."""
        names: dict[str, Role] = {}
        for role, people in (
            (Role.PERPETRATOR, self.perpetrator),
            (Role.SURVIVOR, self.survivor),
            (Role.CHILD, self.children),
        ):
            names |= {" ".join(person.split()): role for person in people if person.strip()}
        return names


class Settings(BaseModel):
    """The validated contents of one configuration file (blamecheck.toml, or the
    [tool.blamecheck] table of pyproject.toml)."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, title="blamecheck configuration"
    )

    select: list[str] = Field(
        default=[], description="rule ids or categories to report (default: all)"
    )
    ignore: list[str] = Field(default=[], description="rule ids or categories not to report")
    severity: dict[str, Literal["error", "warning", "info"]] = Field(
        default={}, description="a severity per rule id or category (a rule's wins)"
    )
    packs: list[str] = Field(
        default=[], description="extra pattern packs (files or folders), from this file's folder"
    )
    file_types: list[str] = Field(
        default=list(FILE_TYPES),
        alias="file-types",
        min_length=1,
        description="the kinds of file a folder is searched for",
    )
    exclude: list[str] = Field(
        default=[],
        description="gitignore-style patterns, from this file's folder, of files and folders "
        "to leave out when a folder is checked (added to the defaults: .git, node_modules, "
        "virtual environments, hidden files)",
    )
    respect_gitignore: StrictBool = Field(
        default=True,
        alias="respect-gitignore",
        description="leave out, when a folder is checked, what git's ignore files leave out",
    )
    baseline: str | None = Field(default=None, description="findings already judged (JSON)")
    people: People = People()
    profile: Profile = Profile.AUTO

    @field_validator("exclude")
    @classmethod
    def _valid_patterns(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                Patterns(Path(), [pattern])
            except InputError:
                raise ValueError(f"'{pattern}' is not a valid gitignore-style pattern") from None
        return value

    @field_validator("file_types")
    @classmethod
    def _known_types(cls, value: list[str]) -> list[str]:
        cleaned = [v.lower().lstrip(".") for v in value]
        unknown = [v for v in cleaned if v not in FILE_TYPES]
        if unknown:
            raise ValueError(f"'{unknown[0]}' is not one of {', '.join(FILE_TYPES)}")
        return cleaned


class Config:
    """Settings and the file they came from (None: no file, the defaults)."""

    def __init__(self, settings: Settings | None = None, path: Path | None = None):
        self.settings = settings or Settings()
        self.path = path

    @property
    def folder(self) -> Path:
        return self.path.parent if self.path is not None else Path.cwd()

    @property
    def packs(self) -> tuple[Path, ...]:
        """Extra packs, relative to the configuration file."""
        return tuple((self.folder / p).resolve() for p in self.settings.packs)

    @property
    def baseline(self) -> Path | None:
        return self.folder / self.settings.baseline if self.settings.baseline else None

    @property
    def suffixes(self) -> tuple[str, ...]:
        return tuple(f".{t}" for t in self.settings.file_types)

    @cached_property
    def _exclude(self) -> Patterns | None:
        return Patterns(self.folder, self.settings.exclude) if self.settings.exclude else None

    def excluded(self, path: Path, is_dir: bool) -> bool:
        """Whether ``exclude`` leaves this file or folder out of a folder's walk."""
        return self._exclude is not None and bool(self._exclude.decides(path, is_dir))

    def known_names(self) -> dict[str, Role] | None:
        return self.settings.people.known_names() or None

    @property
    def profile(self) -> Profile:
        return self.settings.profile

    def check_rules(self, rule_ids: set[str]) -> None:
        """Every rule id or category named must exist in the loaded packs."""
        known = rule_ids | {c.value for c in Category}
        for key in ("select", "ignore", "severity"):
            for name in getattr(self.settings, key):
                if name not in known:
                    raise ConfigError(
                        f"{self.describe()}: {key}: unknown rule or category '{name}' "
                        "(see `blamecheck rules`)"
                    )

    def describe(self) -> str:
        if self.path is None:
            return "configuration"
        return f"{self.path}" + (" [tool.blamecheck]" if self.path.name == PYPROJECT else "")

    def reports(self, finding: Finding) -> bool:
        """Whether select/ignore leave this finding in."""
        names = {finding.rule, finding.category.value}
        if self.settings.select and not names & set(self.settings.select):
            return False
        return not names & set(self.settings.ignore)

    def adjust(self, finding: Finding) -> Finding:
        """The finding with the configured severity (a rule's setting wins over its category's)."""
        chosen = self.settings.severity.get(finding.rule) or self.settings.severity.get(
            finding.category.value
        )
        if chosen is None or chosen == finding.severity.value:
            return finding
        return finding.model_copy(update={"severity": Severity(chosen)})


def find(start: Path) -> Config:
    """The configuration that applies to a file or folder: the nearest one above it."""
    folder = start if start.is_dir() else start.parent
    return _find_in(folder.resolve())


@lru_cache(maxsize=256)
def _find_in(folder: Path) -> Config:
    for candidate in (folder, *folder.parents):
        own = candidate / CONFIG_NAME
        if own.is_file():
            return load(own)
        project = candidate / PYPROJECT
        if project.is_file():
            table = _read_toml(project).get("tool", {}).get("blamecheck")
            if table is not None:
                return _validated(table, project)
    return Config()


def forget() -> None:
    """Read configuration files afresh from now on (a new run, or a file that changed)."""
    _find_in.cache_clear()


def load(path: Path) -> Config:
    """One configuration file, given by the user or found; errors name the file and key."""
    if path.is_dir():
        raise ConfigError(f"{path}: is a folder; give its blamecheck.toml or pyproject.toml")
    if not path.is_file():
        raise ConfigError(f"{path}: no such configuration file")
    data = _read_toml(path)
    if path.name == PYPROJECT:
        data = data.get("tool", {}).get("blamecheck", {})
    return _validated(data, path)


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc.__class__.__name__
        raise ConfigError(f"{path}: cannot read ({reason})") from None


def _validated(data: object, path: Path) -> Config:
    where = path if path.name != PYPROJECT else f"{path} [tool.blamecheck]"
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a table of settings")
    try:
        return Config(Settings.model_validate(data), path)
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(part) for part in error["loc"]) or "(top level)"
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown setting"
        raise ConfigError(f"{where}: {key}: {message}") from None
