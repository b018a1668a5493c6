"""Review rules as data: one YAML file per rule in ``assistant/review/rules/``; the id is the file name.

A rule names a check ``kind`` (implemented once in ``checks.py``), its severity, message and
suggestion templates, the clause it enforces, and the kind's parameters. Mistakes in a rule file
are reported with the file, line and allowed values.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from assistant.errors import ConfigError
from assistant.models import Severity
from assistant.review.params import NoParams

RULES_DIR = Path(__file__).parent / "rules"


_COMMON = ("id", "kind", "severity", "message", "suggestion", "clause")


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    kind: str
    severity: Severity
    message: str
    suggestion: str
    clause: str
    params: NoParams = NoParams()  # the kind's typed parameters (review/params.py)

    def param(self, name: str, default: Any = None) -> Any:
        """One parameter by name; the default is the kind's own (``default`` only for unknown names)."""
        return getattr(self.params, name, default)


def _line_of(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(f"{key}:"):
            return number
    return 1


def load_rule(path: Path) -> Rule:
    from assistant.review.checks import CHECKS, PARAMS

    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise ConfigError(
            f"规则文件 {path.name} 第{(mark.line + 1) if mark else '?'}行 YAML 格式有误"
        ) from err
    data["id"] = path.stem
    kind = str(data.get("kind", ""))
    if kind not in CHECKS:
        raise ConfigError(
            f"规则文件 {path.name} 第{_line_of(text, 'kind')}行 kind: {kind} 不存在，可选：{'、'.join(sorted(CHECKS))}"
        )
    takes = PARAMS[kind]
    extras = {k: v for k, v in data.items() if k not in _COMMON}
    try:
        typed = takes.model_validate(extras)
    except ValidationError as err:
        first = err.errors()[0]
        key = str(first["loc"][0]) if first["loc"] else kind
        allowed = "、".join([*_COMMON[1:], *takes.model_fields]) if first["type"] == "extra_forbidden" else ""
        hint = f"；kind: {kind} 可用的键：{allowed}" if allowed else ""
        raise ConfigError(
            f"规则文件 {path.name} 第{_line_of(text, key)}行 {key}：{first['msg']}{hint}"
        ) from err
    try:
        rule = Rule.model_validate({**{k: v for k, v in data.items() if k in _COMMON}, "params": typed})
    except ValidationError as err:
        first = err.errors()[0]
        key = str(first["loc"][0])
        allowed = "，可选：error、warning、info" if key == "severity" else ""
        raise ConfigError(
            f"规则文件 {path.name} 第{_line_of(text, key)}行 {key}：{first['msg']}{allowed}"
        ) from err
    return rule


@lru_cache(maxsize=4)
def load_rules(directory: Path = RULES_DIR) -> tuple[Rule, ...]:
    return tuple(load_rule(path) for path in sorted(directory.glob("*.yaml")))
