"""The LLM judge: one scene graded A/B/C/D on the written rubric, as validated JSON.

The rubric (``prompts/judge_rubric.yaml``) and the prompt (``prompts/judge_scene.md``) are files,
versioned together as ``judge_version()``. The call is ``ask_structured`` with ``JudgeVerdict`` as
the contract; replies are cached by model, prompt text, input and run number
(``assistant/llm/cache.py``), so the eval's repeated runs are reproducible and free the second time. Word counts are measured here and given to the model, which cannot count reliably.

The reply is untrusted: only ``grade`` (exactly A, B, C or D), ``reasons`` and the rubric's own
criterion ids are read. A reply that does not fit is an invalid judgement, never a grade.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.config import Settings
from assistant.errors import ConfigError, LLMError
from assistant.llm.datablock import data_block, neutralise
from assistant.llm.structured import CachePolicy, Stage, StructuredError, ask_structured, read_reply
from assistant.models import Application
from assistant.paths import PROMPTS_DIR
from assistant.prompts import load_prompt
from assistant.requirements import load_requirements
from assistant.review.grading import GRADES
from assistant.text import count_words

RUBRIC_FILE = PROMPTS_DIR / "judge_rubric.yaml"
PROMPT = "judge_scene"
PROFILE_CHARS = 600
MAX_REASONS = 4
MAX_REASON_CHARS = 200

Grade = Literal["A", "B", "C", "D"]


class Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    name: str
    good: str
    poor: str


class Rubric(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int
    grades: dict[Grade, str]
    hard_requirements: list[str]
    criteria: list[Criterion]

    @property
    def criterion_ids(self) -> set[str]:
        return {c.id for c in self.criteria}

    def text(self) -> str:
        lines = ["等级："]
        lines += [f"- {g}：{self.grades[g]}" for g in GRADES]
        lines.append("硬性要求（违反任一项最高为 C）：")
        lines += [f"- {r}" for r in self.hard_requirements]
        lines.append("评分项（criteria 中的 id）：")
        lines += [f"- {c.id}（{c.name}）：好——{c.good}；差——{c.poor}" for c in self.criteria]
        return "\n".join(lines)


@lru_cache(maxsize=1)
def load_rubric(path: Path = RUBRIC_FILE) -> Rubric:
    try:
        return Rubric.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (ValidationError, yaml.YAMLError) as err:
        raise ConfigError(f"评分细则 {path.name} 格式有误：{err}") from err


def judge_version() -> str:
    return f"{load_prompt(PROMPT).id}+rubric@v{load_rubric().version}"


def _rubric_keys(schema: dict[str, Any]) -> None:
    """The criteria's keys as the rubric file names them, so the prompt lists them and never retypes them."""
    schema["properties"] = {
        c.id: {"type": "integer", "minimum": 0, "maximum": 2, "description": c.name}
        for c in load_rubric().criteria
    }


class JudgeVerdict(BaseModel):
    """The judge's reply — the only fields read from it; its descriptions are what the prompt asks for."""

    model_config = ConfigDict(extra="ignore")

    grade: Grade = Field(description="等级：A 可直接提交 / B 小修 / C 大修 / D 不可用")
    reasons: list[str] = Field(min_length=1, description=f"决定等级的理由，每条一句，1–{MAX_REASONS}条")
    criteria: dict[str, int] = Field(
        default_factory=dict,
        description="各评分项的得分：2 好，1 一般，0 差",
        json_schema_extra=_rubric_keys,
    )

    @field_validator("grade", mode="before")
    @classmethod
    def _plain_letter(cls, value: Any) -> Any:
        # " a " is still the letter A; "A+", "A级（按要求）" or "S" are not grades on this scale.
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("reasons", mode="before")
    @classmethod
    def _reason_lines(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            return value
        lines = [str(v).strip()[:MAX_REASON_CHARS] for v in value if str(v).strip()]
        return lines[:MAX_REASONS]

    @field_validator("criteria", mode="before")
    @classmethod
    def _known_scores(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return {}
        known = load_rubric().criterion_ids
        return {
            k: v for k, v in value.items() if k in known and isinstance(v, int) and not isinstance(v, bool)
        }

    @field_validator("criteria")
    @classmethod
    def _in_range(cls, value: dict[str, int]) -> dict[str, int]:
        return {k: v for k, v in value.items() if 0 <= v <= 2}


def _unusable(stage: Stage, problems: list[str]) -> str:
    if stage == "json":
        return "评审模型的回复不是可解析的 JSON"
    return f"评审模型的回复不符合约定：{problems[0] if problems else ''}"


def parse_verdict(text: str) -> JudgeVerdict:
    reading = read_reply(text, JudgeVerdict)
    if reading.value is None:
        raise LLMError(_unusable(reading.stage, reading.problems))
    return reading.value


@dataclass
class SceneJudgement:
    scene_index: int
    grade: str | None  # None when the reply was unusable
    reasons: list[str] = field(default_factory=list)
    criteria: dict[str, int] = field(default_factory=dict)
    error: str = ""
    cached: bool = False
    neutralised: list[str] = field(default_factory=list)


def scene_payload(app: Application, index: int, removed: list[str] | None = None) -> dict:
    """What the judge sees of scene ``index`` (1-based): the factory, the scene, each part with its 字数.

    Sentences taken out of the parts as instructions are added to ``removed``."""
    scene = app.scenes[index - 1]
    req = load_requirements()
    parts = {}
    for spec in req.parts:
        # Counted on the text the model will actually see, so a sentence taken out as an instruction
        # changes neither the text nor the count.
        text, dropped = neutralise(scene.parts.get(spec.key))  # type: ignore[arg-type]
        if removed is not None:
            removed += dropped
        parts[spec.key] = {"字数": count_words(text), "上限": spec.limit, "正文": text}
    return {
        "企业": {
            "名称": app.applicant or app.enterprise.name,
            "工厂名称": app.factory_name,
            "企业简介": app.enterprise.profile[:PROFILE_CHARS],
        },
        "场景": {
            "序号": index,
            "领域": scene.domain,
            "标题": scene.title,
            "环节": scene.link,
            "场景": scene.scene,
            "实例名称": scene.instance,
            "五部分": parts,
        },
    }


def judge_scene(
    app: Application, index: int, settings: Settings, *, run: int = 0, use_cache: bool = True
) -> SceneJudgement:
    """Grade one scene; an unusable reply gives ``grade=None`` with the reason, an endpoint failure raises."""
    prompt = load_prompt(PROMPT)
    removed: list[str] = []
    block, in_context = data_block(scene_payload(app, index, removed))
    removed += in_context
    result = SceneJudgement(scene_index=index, grade=None, neutralised=removed)
    try:
        asked = ask_structured(
            settings,
            prompt,
            JudgeVerdict,
            variables={"rubric": load_rubric().text(), "data": block},
            # Never coached: a grade off the scale is what an obeyed injection looks like, and a
            # correction would only teach the judge to say it in a valid letter.
            max_repairs=0,
            cache_policy=CachePolicy(judge_version(), run=run, use=use_cache),
        )
    except StructuredError as err:
        result.error, result.cached = _unusable(err.stage, err.attempts[-1].problems), err.attempts[0].cached
        return result
    verdict, result.cached = asked.value, asked.cached
    result.grade, result.reasons, result.criteria = verdict.grade, verdict.reasons, verdict.criteria
    return result


def judge_application(
    app: Application, settings: Settings, *, run: int = 0, use_cache: bool = True
) -> list[SceneJudgement]:
    return [
        judge_scene(app, i, settings, run=run, use_cache=use_cache) for i in range(1, len(app.scenes) + 1)
    ]
