"""The 基本信息 table of 附件2 一, as data (``corpus/basic_info.yaml``): each row's label, the label
variants a reader accepts, what kind of value it holds and which model fields it fills.

The reader, the basic-info check, the export check and the exporters all read this one table, so
a row is added or renamed in one place. Paths are checked against the model when the table loads:
a misspelt field fails at once with the row it is on."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from assistant.errors import ConfigError
from assistant.models import Application, Enterprise, YearFinance
from assistant.paths import BASIC_INFO_FILE

Kind = Literal["text", "choices", "person", "years", "finance", "accident"]
# Which fields each kind needs: a person row names its sub-fields (姓名/职务/手机/邮箱) itself.
_FIELD_KEYS: dict[str, set[str]] = {
    "text": {"value"},
    "choices": {"value", "other"},
    "finance": {"value"},
    "years": set(),
    "accident": set(),
}
PERSON_KEYS = ("姓名", "职务", "手机", "邮箱")
_MODELS: dict[str, type[BaseModel]] = {"enterprise": Enterprise}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldRef(_Strict):
    name: str  # what the user is told is missing, e.g. 法人代表姓名
    path: str  # dotted attribute path on Application (on YearFinance for a finance row)


class Row(_Strict):
    label: str | None = None
    match: tuple[str, ...] = ()
    kind: Kind
    options: Literal["industries", "maturity"] | None = None
    fields: dict[str, FieldRef] = {}

    @model_validator(mode="after")
    def _consistent(self) -> Row:
        if self.label is None and self.kind != "accident":
            raise ValueError(
                "label is required (only the accident row takes its label from requirements.yaml)"
            )
        if not self.match and self.label is None:
            raise ValueError("match is required when there is no label")
        allowed = set(PERSON_KEYS) if self.kind == "person" else _FIELD_KEYS[self.kind]
        if unknown := set(self.fields) - allowed:
            raise ValueError(
                f"fields {sorted(unknown)} not allowed for kind {self.kind}; allowed: {sorted(allowed)}"
            )
        if (self.kind == "choices") != (self.options is not None):
            raise ValueError("options is given exactly for kind choices")
        for f in self.fields.values():
            _check_path(YearFinance if self.kind == "finance" else Application, f.path)
        return self

    @property
    def prefixes(self) -> tuple[str, ...]:
        return self.match or (self.label,)  # type: ignore[return-value]

    def matches(self, label: str) -> bool:
        return label.startswith(self.prefixes)


def _check_path(model: type[BaseModel], path: str) -> None:
    *parents, last = path.split(".")
    for part in parents:
        if part not in model.model_fields or part not in _MODELS:
            raise ValueError(f"{path}: {part} is not a section of {model.__name__}")
        model = _MODELS[part]
    if last not in model.model_fields:
        raise ValueError(f"{path}: {model.__name__} has no field {last}")


class BasicInfoTable(_Strict):
    clause: str
    rows: tuple[Row, ...]

    def row_for(self, label: str) -> Row | None:
        """The first row whose label (or a variant) the cell's label starts with."""
        return next((r for r in self.rows if r.matches(label)), None)

    def of_kind(self, kind: Kind) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.kind == kind)

    def field(self, name: str) -> FieldRef:
        for row in self.rows:
            for f in row.fields.values():
                if f.name == name and row.kind != "finance":
                    return f
        raise KeyError(name)


def get_value(app: Application, path: str) -> Any:
    target: Any = app
    for part in path.split("."):
        target = getattr(target, part)
    return target


def set_value(app: Any, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    target = app
    for part in parents:
        target = getattr(target, part)
    setattr(target, last, value)


def field_text(app: Application, name: str) -> str:
    """A named field as text (ticked options joined with 、): what the basic-info check reads."""
    value = get_value(app, basic_info_table().field(name).path)
    return "、".join(value) if isinstance(value, list) else str(value or "")


@lru_cache(maxsize=2)
def basic_info_table(path: Path = BASIC_INFO_FILE) -> BasicInfoTable:
    try:
        return BasicInfoTable.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except ValidationError as err:
        raise ConfigError(f"{path} 有误：{err}") from err
