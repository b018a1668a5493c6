"""The domain model: the one contract drafter, reviewer, exporter, app and evals all speak.

Application → Scene → five parts; Finding; Report. Field names are English; the keys of
``Scene.parts`` are the Chinese short names the template uses (描述/痛点/技术方案/成效/经济性),
because those are what users, JSON exports and findings' ``section`` show.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

PartKey = Literal["描述", "痛点", "技术方案", "成效", "经济性"]
PART_KEYS: tuple[PartKey, ...] = ("描述", "痛点", "技术方案", "成效", "经济性")

# Where a finding sits: a scene part, or one of the application's own texts.
SectionKey = Literal[
    "描述", "痛点", "技术方案", "成效", "经济性", "企业简介", "项目简述", "总体情况", "实施成效"
]


class Severity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


SEVERITY_LABELS = {Severity.error: "错误", Severity.warning: "警告", Severity.info: "提示"}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class SceneParts(_Model):
    """The five parts of a scene instance, as 附件2 三（1）–（5） asks for them."""

    描述: str = Field("", description="场景实例描述：结合要素条件描述本场景做了什么，300字以内")
    痛点: str = Field("", description="解决的痛点问题描述：建设前的具体问题，300字以内")
    技术方案: str = Field(
        "", description="采用的技术方案（包括供应商）：装备、软件、集成方式与实施方，500字以内"
    )
    成效: str = Field("", description="已实施成效：用量化指标说明前后对比及统计周期，300字以内")
    经济性: str = Field("", description="经济性和可推广性：投资、收益或回收期，以及推广价值，300字以内")

    def get(self, key: PartKey) -> str:
        return getattr(self, key)

    def items(self) -> list[tuple[PartKey, str]]:
        return [(key, getattr(self, key)) for key in PART_KEYS]


class Figure(_Model):
    """A number a draft uses, and where it came from (material location or the arithmetic behind it)."""

    value: str
    source: str


class Scene(_Model):
    """One scene instance, titled 环节-场景-实例 and filed under one domain of 三、场景化建设情况."""

    domain: str = Field(
        description="领域：生产作业/生产管理/运营管理/工厂建设/研发设计，或 多环节模式创新/智慧供应链建设"
    )
    link: str = Field("", description="环节：参考指引中的环节名称，如 质量管控")
    scene: str = Field("", description="场景：参考指引中的场景名称，如 在线智能检测")
    instance: str = Field(
        "", description="场景实例名称：本企业的具体做法，如 多机协同的发动机壳体柔性加工与检测"
    )
    parts: SceneParts = Field(default_factory=SceneParts)
    # Drafting bookkeeping; empty for scenes read from a submitted document.
    gaps: list[str] = Field(default_factory=list, description="材料中缺少、草稿里标为待补的信息")
    questions: list[str] = Field(default_factory=list, description="需要向企业追问的具体问题")
    figures: list[Figure] = Field(default_factory=list)

    def as_placed(self) -> Scene:
        """A copy for the application itself: the drafting notes stay with the draft."""
        placed = self.model_copy(deep=True)
        placed.gaps, placed.questions, placed.figures = [], [], []
        return placed

    raw_title: str = Field("", description="文档中的原始标题（审查时用于定位和格式检查）")

    @model_validator(mode="before")
    @classmethod
    def _accept_title(cls, data: Any) -> Any:
        # ``title`` is derived, but JSON written by us (or by hand) carries it; keep it only if it
        # says something the three names do not.
        if isinstance(data, dict) and "title" in data:
            data = dict(data)
            title = data.pop("title") or ""
            joined = "-".join(p for p in (data.get("link"), data.get("scene"), data.get("instance")) if p)
            if title and title != joined and not data.get("raw_title"):
                data["raw_title"] = title
        return data

    @computed_field  # type: ignore[prop-decorator]
    @property
    def title(self) -> str:
        if self.raw_title:
            return self.raw_title
        return "-".join(p for p in (self.link, self.scene, self.instance) if p)

    def summary_line(self) -> str:
        """The 汇总表 form: 环节（环节名）-场景（场景名）-实例（实例名）."""
        return f"{self.link}（环节名）-{self.scene}（场景名）-{self.instance}（实例名）"


class YearFinance(_Model):
    year: int
    revenue: str = Field("", description="主营业务收入（万元），按申报书原样保存")
    profit: str = Field("", description="利润（万元），按申报书原样保存")


class Enterprise(_Model):
    """附件2 一（一）申报主体基本信息."""

    name: str = ""
    founded: str = ""
    address: str = ""
    industry: list[str] = Field(default_factory=list, description="所属行业中勾选的项")
    industry_other: str = ""
    legal_rep: str = ""
    legal_rep_title: str = ""
    contact: str = ""
    contact_title: str = ""
    contact_mobile: str = ""
    contact_email: str = ""
    finances: list[YearFinance] = Field(
        default_factory=lambda: [YearFinance(year=y) for y in (2022, 2023, 2024)]
    )
    maturity: list[str] = Field(default_factory=list, description="成熟度中勾选的项：一级…五级/其他")
    maturity_other: str = Field("", description="勾选“其他”时填写的能力证明")
    major_accident: bool | None = Field(
        None, description="近三年是否发生重大安全生产或环境事故；None 表示未勾选"
    )
    accident_name: str = ""
    profile: str = Field("", description="企业简介，500字以内")


class AttachmentItem(_Model):
    """One line of 五、相关附件: a document the notice asks for (or the writer adds), and whether it is enclosed."""

    item: str = Field(description="附件名称，如 企业上一年度审计报告")
    required: bool = Field(False, description="通知要求必须提供")
    ticked: bool = Field(False, description="撰写人已确认随申报书附上")
    note: str = Field("", description="补充说明，如 专利名称清单、报告年度")


_SECTION_FIELDS = {"项目简述": "project_summary", "总体情况": "overview", "实施成效": "results"}


class Application(_Model):
    """One 江西省先进级智能工厂项目申报书 (附件2)."""

    project_name: str = ""
    applicant: str = Field("", description="申报单位")
    recommender: str = Field("", description="推荐单位，如 南昌市工信局")
    benchmark: bool | None = Field(None, description="是否入选江西省智能制造标杆企业")
    benchmark_year: str = Field("", description="入选标杆企业的年份，如 2023")
    apply_date: str = ""
    enterprise: Enterprise = Field(default_factory=Enterprise)
    factory_name: str = ""
    project_summary: str = Field("", description="项目简述，500字以内")
    overview: str = Field("", description="二、项目总体情况")
    scenes: list[Scene] = Field(default_factory=list, description="三、场景化建设情况，按文档顺序")
    extra_texts: dict[str, str] = Field(
        default_factory=dict,
        description="三（六）（七）加分项里不按场景五部分写的叙述，按领域名（如 智慧供应链建设）",
    )
    results: str = Field("", description="四、项目实施成效")
    attachments: str = Field("", description="五、相关附件：清单之外的叙述")
    attachment_list: list[AttachmentItem] = Field(
        default_factory=list, description="五、相关附件的清单（按通知要求逐项勾选），导出为编号列表"
    )

    def scenes_in(self, domain: str) -> list[Scene]:
        return [s for s in self.scenes if s.domain == domain]

    def section_texts(self) -> dict[str, str]:
        """The application's own texts by section key (企业简介, 项目简述, 总体情况, 实施成效)."""
        return {"企业简介": self.enterprise.profile} | {
            k: getattr(self, a) for k, a in _SECTION_FIELDS.items()
        }

    def set_section_text(self, key: str, text: str) -> None:
        if key == "企业简介":
            self.enterprise.profile = text
        else:
            setattr(self, _SECTION_FIELDS[key], text)

    def covered_domains(self) -> list[str]:
        seen: list[str] = []
        for scene in self.scenes:
            if scene.domain not in seen and any(text.strip() for _, text in scene.parts.items()):
                seen.append(scene.domain)
        return seen

    def order_scenes(self, domain_order: list[str]) -> None:
        """Scenes in the notice's domain order; within a domain they keep their order (a stable sort),
        and a domain the notice does not name goes last."""
        rank: dict[str, int] = {}
        for i, name in enumerate(domain_order):
            rank.setdefault(name, i)
        self.scenes.sort(key=lambda s: rank.get(s.domain, len(domain_order)))

    def place_scene(self, draft: Scene, domain_order: list[str], replacing: str = "") -> Scene:
        """Put a drafted scene in as a section of its own, last in its domain. A section with the same
        title, or titled ``replacing`` (where this draft was placed before), gives way to it. Returns the
        placed copy: the drafting notes (gaps, questions, figures) stay with the draft."""
        placed = draft.as_placed()
        gone = {replacing, placed.title}
        self.scenes = [s for s in self.scenes if s.title not in gone] + [placed]
        self.order_scenes(domain_order)
        return placed

    def update_scene(self, title: str, draft: Scene, domain_order: list[str]) -> Scene | None:
        """The section titled ``title`` becomes ``draft`` where it stands (then moves if its domain
        changed); None when there is no such section."""
        index = next((i for i, s in enumerate(self.scenes) if s.title == title), None)
        if index is None:
            return None
        placed = draft.as_placed()
        self.scenes[index] = placed
        self.order_scenes(domain_order)
        return placed


class Finding(_Model):
    """One problem found in a draft, located and explained, citing the clause it enforces."""

    rule: str
    severity: Severity
    message: str
    scene_index: int | None = Field(None, description="场景在文档中的序号（从1开始）；与场景无关时为空")
    scene: str | None = Field(None, description="场景标题")
    section: SectionKey | None = None
    evidence: str = ""
    suggestion: str = ""
    clause: str = ""
    origin: Literal["rule", "llm"] = "rule"
    page: int | None = Field(None, description="PDF 或扫描件中所在页（从1开始）；其他格式为空")
    ocr: bool = Field(False, description="来自 OCR 识别的文字：可能有识别误差，需对照原件")
    eligibility: bool = Field(
        False, description="该问题意味着企业不满足要素条件（写作无法弥补），如发生重大事故、成熟度低于二级"
    )

    def location(self) -> str:
        where = []
        if self.scene_index is not None:
            where.append(f"场景{self.scene_index}「{self.scene or ''}」")
        if self.section:
            where.append(self.section)
        return " · ".join(where) or "全文"


class Waiver(_Model):
    rule: str
    scene_index: int | None = None
    section: SectionKey | None = None
    reason: str


class Report(_Model):
    """The review of one file."""

    file: str
    ok: bool
    findings: list[Finding] = Field(default_factory=list)
    waived: list[Finding] = Field(default_factory=list)
    error: str | None = Field(None, description="文件无法读取时的原因；此时 findings 为空")
    application: Application | None = None
    ocr: bool = Field(False, description="申报书是扫描件，文字由 OCR 识别")

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == Severity.error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == Severity.warning]
