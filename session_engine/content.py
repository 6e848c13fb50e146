"""The programme's content: scenarios.yaml and statements.yaml, validated at load time."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

STEP_TYPES = (
    "info",
    "brainstorm",
    "converge",
    "vote",
    "statements",
    "glossary",
    "preference",
    "break",
)
StepType = Literal[
    "info", "brainstorm", "converge", "vote", "statements", "glossary", "preference", "break"
]
Key = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]


class ContentError(Exception):
    """A content file is unusable; the message names the file, the entry and the problem."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    key: Key
    label: str = Field(min_length=1)


class ProfileField(_Strict):
    key: Key
    label: str = Field(min_length=1)
    options: list[Option] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_options(self) -> ProfileField:
        _require_unique([o.key for o in self.options], "options")
        return self


class Category(_Strict):
    key: Key
    label: str = Field(min_length=1)
    singular: str = ""  # one contribution of this kind ("Voordeel"), where one is typed
    hint: str = ""
    themed: bool = False

    @property
    def one(self) -> str:
        """The name of one contribution of this kind: `singular`, else the label."""
        return self.singular or self.label


class Theme(_Strict):
    key: Key
    label: str = Field(min_length=1)


class Scenario(_Strict):
    key: Key
    number: int = Field(ge=1)
    title: str = Field(min_length=1)
    short_title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    kenmerken: list[str] = Field(default_factory=list)


class AgendaStep(_Strict):
    type: StepType
    title: str = ""
    scenario: str | None = None
    text: str = ""
    timer_seconds: int | None = Field(default=None, ge=1, le=4 * 3600)
    # a vote step's columns (category keys); none: the vote's default, the first column
    categories: list[Key] | None = Field(default=None, min_length=1)


class Programme(_Strict):
    key: Key
    title: str = Field(min_length=1)
    language: Literal["nl", "en"] = "nl"
    organiser: str = ""
    question: str = ""
    context: str = ""
    goal: str = ""
    method: str = ""
    principles: list[str] = Field(default_factory=list)
    # Months after the last session until its contributions are deleted (retention.py);
    # unset: the server's RETENTION_MONTHS. 0: kept until deleted by hand.
    retention_months: int | None = Field(default=None, ge=0, le=1200)


class Statement(_Strict):
    key: Key
    text: str = Field(min_length=1, max_length=500)


class StatementsFile(_Strict):
    note: str = ""
    statements: list[Statement] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> StatementsFile:
        _require_unique([s.key for s in self.statements], "statements")
        return self


class ScenariosFile(_Strict):
    programme: Programme
    profile_fields: list[ProfileField] = Field(default_factory=list)
    categories: list[Category] = Field(min_length=1)
    themes: list[Theme] = Field(default_factory=list)
    scenarios: list[Scenario] = Field(min_length=1)
    agenda: list[AgendaStep] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> ScenariosFile:
        _require_unique([f.key for f in self.profile_fields], "profile_fields")
        _require_unique([c.key for c in self.categories], "categories")
        _require_unique([t.key for t in self.themes], "themes")
        _require_unique([s.key for s in self.scenarios], "scenarios")
        if any(c.themed for c in self.categories) and not self.themes:
            raise ValueError("themes: a category is themed but no themes are defined")
        known = {s.key for s in self.scenarios}
        for index, step in enumerate(self.agenda):
            if step.scenario is not None and step.scenario not in known:
                raise ValueError(f"agenda.{index}: unknown scenario {step.scenario!r}")
            if step.type == "brainstorm" and step.scenario is None:
                raise ValueError(f"agenda.{index}: a brainstorm step needs a scenario")
            self._check_columns(index, step)
        return self

    def _check_columns(self, index: int, step: AgendaStep) -> None:
        if step.categories is None:
            return
        if step.type != "vote":
            raise ValueError(f"agenda.{index}: only a vote step has categories")
        _require_unique(step.categories, f"agenda.{index}.categories")
        known = {c.key for c in self.categories}
        for key in step.categories:
            if key not in known:
                raise ValueError(f"agenda.{index}: unknown category {key!r}")


class Content(_Strict):
    """Everything a programme needs: scenarios, categories, themes, profile, statements."""

    scenarios_file: ScenariosFile
    statements_file: StatementsFile

    @property
    def programme(self) -> Programme:
        return self.scenarios_file.programme

    def scenario(self, key: str | None) -> Scenario | None:
        return next((s for s in self.scenarios_file.scenarios if s.key == key), None)

    def category(self, key: str) -> Category | None:
        return next((c for c in self.scenarios_file.categories if c.key == key), None)

    def theme(self, key: str) -> Theme | None:
        return next((t for t in self.scenarios_file.themes if t.key == key), None)


def _require_unique(keys: list[str], what: str) -> None:
    seen: set[str] = set()
    for index, key in enumerate(keys):
        if key in seen:
            raise ValueError(f"{what}.{index}.key: duplicate key {key!r}")
        seen.add(key)


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ContentError(f"{path}: cannot read the file ({exc.strerror})") from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ContentError(f"{path}: not valid YAML: {exc}") from exc


def _describe(path: Path, exc: ValidationError) -> ContentError:
    lines = []
    for error in exc.errors():
        entry = ".".join(str(part) for part in error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        # Cross-entry checks name their entry at the start of the message.
        lines.append(f"{path}: entry {entry}: {message}" if entry else f"{path}: entry {message}")
    return ContentError("\n".join(lines))


def load_content(scenarios_path: Path, statements_path: Path) -> Content:
    """Read and validate both content files, or raise ContentError naming file and entry."""
    parsed: dict[str, Any] = {}
    for name, path, model in (
        ("scenarios_file", scenarios_path, ScenariosFile),
        ("statements_file", statements_path, StatementsFile),
    ):
        try:
            parsed[name] = model.model_validate(_read_yaml(path))
        except ValidationError as exc:
            raise _describe(path, exc) from exc
    return Content(**parsed)
