"""Review rules as data: one YAML file per rule in ``assistant/review/rules/``; the id is the file name.

A rule names a check ``kind`` (registered once in ``kinds.py``), the ``scope`` that decides in which
stage it runs, its severity, message and suggestion templates, the clause it enforces, the kind's
parameters, and optionally what it means to the drafter. How to add one: ``rules/README.md``. Mistakes in a rule file
are reported with the file, line and allowed values.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from assistant.errors import ConfigError
from assistant.models import PartKey, Severity
from assistant.review import batch, checks  # noqa: F401  (registers the check kinds)
from assistant.review.kinds import KINDS, SCOPES, Scope
from assistant.review.params import NoParams

RULES_DIR = Path(__file__).parent / "rules"


_COMMON = ("id", "kind", "scope", "severity", "message", "suggestion", "clause", "label", "drafting")


class Question(BaseModel):
    """What the drafter asks the writer when the rule still fires on a draft."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    gap: str  # what is missing, in a few words (listed under the draft)
    question: str


class Drafting(BaseModel):
    """What a rule means to the drafter. Only read after a draft is written: nothing here reaches the
    drafting prompt."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Every drafted scene is checked with this rule: all its findings, or its errors only.
    guards: Literal["all", "errors"] | None = None
    # The material fact without which the model cannot fix the finding: when the material lacks it the
    # model is not asked again (that would invite invention) and the writer is asked ``ask`` instead.
    needs: Literal["supplier", "results", "money"] | None = None
    ask: Question | None = None
    # Per part the rule fires on (an empty part): what to ask; a rule id asks that rule's ``ask``.
    ask_by_part: dict[PartKey, Question | str] = {}


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    kind: str
    scope: Scope
    severity: Severity
    message: str
    suggestion: str
    clause: str
    label: str = ""  # a short name where findings are listed by type (the batch's lines on the console)
    drafting: Drafting = Drafting()
    params: NoParams = NoParams()  # the kind's typed parameters (review/params.py)

    def param(self, name: str, default: Any = None) -> Any:
        """One parameter by name; the default is the kind's own (``default`` only for unknown names)."""
        return getattr(self.params, name, default)

    def question_for(self, part: str | None) -> Question | None:
        """What the drafter asks when this rule still fires on ``part`` (references already resolved)."""
        by_part = self.drafting.ask_by_part.get(part) if part else None  # type: ignore[call-overload]
        return by_part if isinstance(by_part, Question) else None


def _line_of(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(f"{key}:"):
            return number
    return 1


def _line_with(text: str, needle: str) -> int:
    return next((n for n, line in enumerate(text.splitlines(), 1) if needle in line), 1)


_ALLOWED = {
    "severity": "，可选：error、warning、info",
    "scope": f"，可选：{'、'.join(SCOPES)}",
}


def load_rule(path: Path) -> Rule:
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
    if kind not in KINDS:
        raise ConfigError(
            f"规则文件 {path.name} 第{_line_of(text, 'kind')}行 kind: {kind} 不存在，可选：{'、'.join(sorted(KINDS))}"
        )
    takes = KINDS[kind].params
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
        raise ConfigError(
            f"规则文件 {path.name} 第{_line_of(text, key)}行 {key}：{first['msg']}{_ALLOWED.get(key, '')}"
        ) from err
    _check_consistent(rule, path, text)
    return rule


def _check_consistent(rule: Rule, path: Path, text: str) -> None:
    """What a rule's fields allow only together: its kind serves its scope, and so on."""

    def fail(key: str, problem: str) -> ConfigError:
        return ConfigError(f"规则文件 {path.name} 第{_line_of(text, key)}行 {key}：{problem}")

    scopes = KINDS[rule.kind].scopes
    if rule.scope not in scopes:
        raise fail("scope", f"kind: {rule.kind} 的规则只能是 scope: {'、'.join(scopes)}")
    if rule.scope == "model-judged" and rule.severity == Severity.error:
        raise fail("severity", "模型给出的发现最多是 warning，不能是 error")
    if rule.drafting.guards and rule.scope != "scene":
        raise fail("drafting", "只有 scope: scene 的规则能检查起草的单个场景（guards）")
    if rule.drafting.ask and not rule.drafting.needs:
        raise fail("drafting", "ask 需要配 needs：材料缺少哪项时才向撰写人提问")


def _resolve_questions(rules: tuple[Rule, ...], directory: Path) -> tuple[Rule, ...]:
    """``ask_by_part`` entries that name a rule take that rule's question (so its text lives once)."""
    by_id = {r.id: r for r in rules}
    resolved = []
    for rule in rules:
        by_part = dict(rule.drafting.ask_by_part)
        for part, ask in by_part.items():
            if isinstance(ask, str):
                other = by_id.get(ask)
                if other is None or other.drafting.ask is None:
                    path = directory / f"{rule.id}.yaml"
                    line = _line_with(path.read_text(encoding="utf-8"), ask)
                    raise ConfigError(
                        f"规则文件 {path.name} 第{line}行 drafting.ask_by_part.{part}：{ask} 不是有 drafting.ask 的规则"
                    )
                by_part[part] = other.drafting.ask
        if by_part != rule.drafting.ask_by_part:
            rule = rule.model_copy(
                update={"drafting": rule.drafting.model_copy(update={"ask_by_part": by_part})}
            )
        resolved.append(rule)
    return tuple(resolved)


@lru_cache(maxsize=4)
def load_rules(directory: Path = RULES_DIR) -> tuple[Rule, ...]:
    """Every rule, whatever its scope; each stage runs the rules of its scopes."""
    rules = tuple(load_rule(path) for path in sorted(directory.glob("*.yaml")))
    return _resolve_questions(rules, directory)


def rules_in(*scopes: Scope) -> tuple[Rule, ...]:
    return tuple(r for r in load_rules() if r.scope in scopes)


def rule_named(rule_id: str) -> Rule | None:
    return next((r for r in load_rules() if r.id == rule_id), None)


def questions_for_empty_parts() -> dict[str, str]:
    """The drafter's questions asked because a part was empty (section-missing's ``ask_by_part``), by the
    part they ask for: once the writer has written that part, the question is answered."""
    # A question another rule also asks (改造前后的量化指标) stays open until that rule is satisfied.
    asked_elsewhere = {rule.drafting.ask.question for rule in load_rules() if rule.drafting.ask}
    return {
        question.question: part
        for rule in load_rules()
        if rule.kind == "required-parts"
        for part, question in rule.drafting.ask_by_part.items()
        if isinstance(question, Question) and question.question not in asked_elsewhere
    }
