"""The notice's requirements (corpus/requirements.yaml), loaded once and typed.

Drafter and reviewer both read limits, domains, 环节, maturity levels and quotas from here;
nothing else in the code base repeats them.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from assistant.errors import ConfigError
from assistant.paths import REQUIREMENTS_FILE


class DomainSpec(BaseModel):
    name: str
    section: str
    mandatory: bool
    links: list[str]
    goal: str
    clause: str


class ExtraSpec(BaseModel):
    name: str
    section: str
    note: str
    clause: str


class PartSpec(BaseModel):
    key: str
    label: str
    limit: int
    clause: str
    heading: str = ""


class SceneTitleSpec(BaseModel):
    pattern: str
    example: str
    clause: str


class MaturitySpec(BaseModel):
    levels: list[str]
    names: dict[str, str]
    minimum: str
    other_option: str
    standard: str
    platform: str
    clause: str

    def meets_minimum(self, level: str) -> bool:
        return level in self.levels and self.levels.index(level) >= self.levels.index(self.minimum)


class FinanceSpec(BaseModel):
    years: list[int]
    rows: list[str]
    clause: str


class AccidentSpec(BaseModel):
    question: str
    clause: str
    basis: str


class BasicFieldsSpec(BaseModel):
    clause: str
    required: list[str]


class EligibilityItem(BaseModel):
    id: int
    text: str
    clause: str


class QuotaGroup(BaseModel):
    limit: int
    units: list[str]


class QuotaSpec(BaseModel):
    clause: str
    limited: QuotaGroup
    default_limit: int
    prefectures: list[str]
    benchmark_note: str
    benchmark_remark: str
    excellence_note: str
    recommender_note: str

    def unit_of(self, recommender: str) -> str | None:
        """The 设区市 (or 赣江新区) a 推荐单位 string names, e.g. 鹰潭市工信局 → 鹰潭市."""
        text = recommender.replace(" ", "")
        for unit in self.prefectures:
            if unit in text or unit.removesuffix("市") + "工信" in text:
                return unit
        return None

    def limit_for(self, unit: str) -> int:
        return self.limited.limit if unit in self.limited.units else self.default_limit


class ChecklistItemSpec(BaseModel):
    item: str
    required: bool
    hint: str


class AttachmentsSpec(BaseModel):
    clause: str
    required: list[str]
    checklist: list[ChecklistItemSpec]


class SectionSpec(BaseModel):
    key: str
    heading: str
    guidance: str
    clause: str


class LeftoversSpec(BaseModel):
    clause: str
    phrases: list[str]


class DeadlineSpec(BaseModel):
    date: date
    text: str
    clause: str


class Requirements(BaseModel):
    version: int
    notice_title: str
    issuer: str
    issued: date
    deadline: DeadlineSpec
    submission_materials: list[dict[str, str]]
    domains: list[DomainSpec]
    coverage_clause: str
    extras: list[ExtraSpec]
    parts: list[PartSpec]
    application_texts: list[PartSpec]
    near_limit_ratio: float
    scene_title: SceneTitleSpec
    maturity: MaturitySpec
    industries: list[str]
    finance: FinanceSpec
    accident: AccidentSpec
    basic_fields: BasicFieldsSpec
    eligibility: list[EligibilityItem]
    quota: QuotaSpec
    attachments: AttachmentsSpec
    sections: list[SectionSpec]
    template_leftovers: LeftoversSpec

    @property
    def mandatory_domains(self) -> list[DomainSpec]:
        return [d for d in self.domains if d.mandatory]

    @property
    def domain_names(self) -> list[str]:
        return [d.name for d in self.domains]

    @property
    def extra_names(self) -> list[str]:
        return [e.name for e in self.extras]

    @property
    def domain_order(self) -> list[str]:
        """The order of 三、场景化建设情况: the domains, then the extra (加分项) sections."""
        return [*self.domain_names, *self.extra_names]

    def domain(self, name: str) -> DomainSpec | None:
        return next((d for d in self.domains if d.name == name), None)

    def domain_of_link(self, link: str) -> DomainSpec | None:
        return next((d for d in self.domains if link in d.links), None)

    @property
    def all_links(self) -> list[str]:
        return [link for d in self.domains for link in d.links]

    def limit_spec(self, key: str) -> PartSpec:
        """The limit for a scene part (描述…经济性) or an application text (企业简介, 项目简述)."""
        for spec in (*self.parts, *self.application_texts):
            if spec.key == key:
                return spec
        raise KeyError(key)


def _load(path: Path) -> Requirements:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise ConfigError(f"找不到要求数据文件：{path}") from err
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"第{mark.line + 1}行" if mark else ""
        raise ConfigError(f"要求数据文件 {path} {where}格式有误：{err}") from err
    try:
        return Requirements.model_validate(raw)
    except ValidationError as err:
        first = err.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"要求数据文件 {path} 的字段 {field} 有误：{first['msg']}") from err


@lru_cache(maxsize=4)
def load_requirements(path: Path = REQUIREMENTS_FILE) -> Requirements:
    return _load(path)
