"""The optional LLM review pass: judgement findings the rules cannot make, added beside them.

Rules decide what is wrong by the letter of the notice; a model can say what a reviewer would —
a 痛点 that fits any factory, 成效 the scene did not produce, a pile of buzzwords. Those findings
are marked ``origin="llm"``, are warnings at most, and are only ever appended: the rule findings,
grades and verdict stay exactly what the rules computed.

The model's reply is untrusted. Only the ids of the rules with ``scope: model-judged`` (in
``review/rules/``, kind ``judgement``) and the fields of
``ModelFinding`` are read; a finding must point at a real scene and part, and its evidence must be
a quote that occurs there — anything else is dropped and counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, model_validator
from pydantic.json_schema import SkipJsonSchema

from assistant.config import Settings
from assistant.errors import LLMError
from assistant.llm.datablock import data_block
from assistant.llm.structured import CachePolicy, StructuredError, ask_structured
from assistant.models import PART_KEYS, Application, Finding, PartKey, Report, Waiver
from assistant.prompts import load_prompt
from assistant.review.rulebook import Rule, rules_in

PROMPT = "review_llm"
PROFILE_CHARS = 600  # enough for the model to tell this factory from any other
MIN_EVIDENCE_CHARS = 4  # a quote of one or two characters would match anywhere
MAX_REASON_CHARS = 120
MAX_SUGGESTION_CHARS = 200
NOT_JSON = "模型回复不是可解析的 JSON，已忽略本次模型审查"
NO_FINDINGS = "模型回复缺少 findings 列表，已忽略本次模型审查"


def load_llm_rules() -> dict[str, Rule]:
    """The categories the model may report: the rules with ``scope: model-judged``, the narrow ones
    first (fewest parts, then in the parts' order) so the model reads a specific category before the
    catch-all one that could also take its finding."""
    order = {key: i for i, key in enumerate(PART_KEYS)}
    rules = sorted(
        rules_in("model-judged"),
        key=lambda r: (len(r.params.sections), [order[k] for k in r.params.sections]),
    )
    return {r.id: r for r in rules}


class ModelFinding(BaseModel):
    """One item of the model's reply — the only fields read from it."""

    model_config = ConfigDict(extra="ignore")

    rule: str = Field(description="问题类别，只能取上面列出的 id 之一，不得自创")
    scene_index: int = Field(ge=1, description="场景序号，从1开始")
    section: PartKey = Field(description="该场景中有问题的部分")
    evidence: str = Field(
        min_length=MIN_EVIDENCE_CHARS, description="从该部分原文中逐字摘录的一句或一段，不得改写、不得拼接"
    )
    reason: str = Field("", description="一句话说明为什么有问题")
    suggestion: str = Field("", description="一句具体的修改建议")


class ModelReview(BaseModel):
    """The model's reply, read item by item: one unusable finding is dropped and counted, never
    spoiling the others."""

    model_config = ConfigDict(extra="ignore")

    findings: list[ModelFinding] = Field(description="发现的问题，每个问题一项；没有问题时为空数组")
    dropped: SkipJsonSchema[list[str]] = Field(default_factory=list)  # why each refused item was refused

    @model_validator(mode="before")
    @classmethod
    def _item_by_item(cls, data: Any, info: ValidationInfo) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
            return data  # not a list of findings at all: the schema says so
        rules = (info.context or {}).get("rules") or load_llm_rules()
        kept, dropped = [], []
        for item in data["findings"]:
            rule_id = item.get("rule") if isinstance(item, dict) else None
            if rule_id not in rules:
                dropped.append(f"未知的问题类别 {str(rule_id)[:40]!r}")
                continue
            try:
                kept.append(ModelFinding.model_validate(item))
            except ValidationError as err:
                where = ".".join(str(p) for p in err.errors()[0]["loc"])
                dropped.append(f"{rule_id}：字段 {where} 不符合要求")
        return {"findings": kept, "dropped": dropped}  # whatever "dropped" the model sent is not read


@dataclass
class LLMPassResult:
    findings: list[Finding] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # why each refused item was refused
    neutralised: list[str] = field(default_factory=list)  # draft sentences kept from the model
    calls: int = 0
    cached: bool = False
    error: str = ""


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _unquote(text: str) -> str:
    return text.strip().strip("“”\"'「」『』‘’").strip()


def _rules_text(rules: dict[str, Rule]) -> str:
    return "\n".join(
        f"- {r.id}（可用于：{'/'.join(r.params.sections)}）：{r.params.description}" for r in rules.values()
    )


def _payload(app: Application) -> dict:
    return {
        "企业": {
            "名称": app.applicant or app.enterprise.name,
            "工厂名称": app.factory_name,
            "企业简介": app.enterprise.profile[:PROFILE_CHARS],
        },
        "场景": [
            {
                "序号": i,
                "领域": scene.domain,
                "标题": scene.title,
                **{key: text for key, text in scene.parts.items()},
            }
            for i, scene in enumerate(app.scenes, 1)
        ],
    }


def findings_from(reply: ModelReview, app: Application, rules: dict[str, Rule]) -> LLMPassResult:
    """The findings that point at a real scene and part and quote it; every other one is dropped."""
    result = LLMPassResult(dropped=list(reply.dropped))
    seen: set[tuple] = set()
    for got in reply.findings:
        rule_id, rule = got.rule, rules[got.rule]
        if got.scene_index > len(app.scenes):
            result.dropped.append(f"{rule_id}：没有场景{got.scene_index}")
            continue
        if got.section not in rule.params.sections:
            result.dropped.append(f"{rule_id}：不适用于“{got.section}”")
            continue
        scene = app.scenes[got.scene_index - 1]
        evidence = _unquote(got.evidence)
        if len(_squash(evidence)) < MIN_EVIDENCE_CHARS or _squash(evidence) not in _squash(
            scene.parts.get(got.section)
        ):
            result.dropped.append(f"{rule_id}：摘录不在场景{got.scene_index}{got.section}原文中")
            continue
        key = (got.rule, got.scene_index, got.section)
        if key in seen:
            continue
        seen.add(key)
        reason = _squash(got.reason)[:MAX_REASON_CHARS]
        result.findings.append(
            Finding(
                rule=rule.id,
                severity=rule.severity,
                message=f"{rule.message}：{reason}" if reason else rule.message,
                scene_index=got.scene_index,
                scene=scene.title,
                section=got.section,
                evidence=evidence,
                suggestion=got.suggestion.strip()[:MAX_SUGGESTION_CHARS] or rule.suggestion,
                clause=rule.clause,
                origin="llm",
            )
        )
    return result


def llm_review(app: Application, settings: Settings, *, use_cache: bool = True) -> LLMPassResult:
    """Ask the configured model once for the whole application; raises LLMError if the endpoint fails."""
    rules = load_llm_rules()
    block, removed = data_block(_payload(app))
    try:
        asked = ask_structured(
            settings,
            load_prompt(PROMPT),
            ModelReview,
            variables={"rules": _rules_text(rules), "data": block},
            max_repairs=0,  # advice only, read item by item and cached by request: no second round
            cache_policy=CachePolicy(load_prompt(PROMPT).id, use=use_cache),
            context={"rules": rules},
        )
    except StructuredError as err:
        return LLMPassResult(
            error=NOT_JSON if err.stage == "json" else NO_FINDINGS,
            neutralised=removed,
            calls=err.usage.calls,
            cached=err.attempts[0].cached,
        )
    result = findings_from(asked.value, app, rules)
    result.neutralised = removed
    result.calls = asked.usage.calls
    result.cached = asked.cached
    return result


def add_llm_findings(
    report: Report, settings: Settings, waivers: list[Waiver] | None = None, *, use_cache: bool = True
) -> LLMPassResult:
    """Append the pass's findings to ``report``; the rule findings are left exactly as they were."""
    from assistant.review.engine import apply_waivers

    if report.application is None or not report.application.scenes:
        return LLMPassResult()
    try:
        result = llm_review(report.application, settings, use_cache=use_cache)
    except LLMError as err:
        return LLMPassResult(error=f"模型审查未完成（{err}），仅保留规则审查结果")
    kept, waived = apply_waivers(result.findings, waivers or [])
    result.findings = kept
    report.findings = [*report.findings, *kept]
    report.waived = [*report.waived, *waived]
    return result
