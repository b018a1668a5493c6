"""What the writer sees before exporting: sections still empty, basic information missing, no scenes,
mandatory domains uncovered, attachments not ticked, and texts over their limit.

Export is never blocked by these; the CLI prints them and the page lists them, so the writer exports
knowing what the file still lacks.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from assistant.basic_info import field_text
from assistant.drafting.guards import GAP_MARK
from assistant.models import Application
from assistant.requirements import load_requirements
from assistant.text import count_words

IssueKind = Literal["无场景", "领域未覆盖", "内容为空", "基本信息缺失", "超出字数", "附件未勾选", "待补充"]


class ExportIssue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: IssueKind
    where: str  # the section as 附件2 names it, e.g. 二、项目总体情况 or 场景2「…」（4）已实施成效
    message: str

    def line(self) -> str:
        return f"[{self.kind}] {self.where}：{self.message}"


# Fields of 一 beyond the notice's required list that the form still asks for.
_COVER_FIELDS = {
    "项目名称": lambda a: a.project_name,
    "申报单位": lambda a: a.applicant,
    "推荐单位": lambda a: a.recommender,
    "申报日期": lambda a: a.apply_date,
}


def _limit_issue(where: str, text: str, limit: int) -> ExportIssue | None:
    words = count_words(text)
    if words <= limit:
        return None
    return ExportIssue(
        kind="超出字数", where=where, message=f"{words}字，上限{limit}字，需删减{words - limit}字"
    )


def check_before_export(app: Application) -> list[ExportIssue]:
    """Everything the export would still lack or exceed, in the order of 附件2."""
    req = load_requirements()
    issues: list[ExportIssue] = []
    e = app.enterprise
    basic = "一、基本信息"
    required = {n: lambda a, n=n: field_text(a, n) for n in req.basic_fields.required}
    for name, get in {**_COVER_FIELDS, **required}.items():
        if not get(app).strip():
            issues.append(ExportIssue(kind="基本信息缺失", where=basic, message=f"{name}未填写"))
    if app.benchmark is None:
        issues.append(
            ExportIssue(kind="基本信息缺失", where=basic, message="是否入选江西省智能制造标杆企业未勾选")
        )
    elif app.benchmark and not app.benchmark_year.strip():
        issues.append(ExportIssue(kind="基本信息缺失", where=basic, message="入选标杆企业的年份未填写"))
    by_year = {f.year: f for f in e.finances}
    for year in req.finance.years:
        f = by_year.get(year)
        for label, value in (("主营业务收入", f.revenue if f else ""), ("利润", f.profit if f else "")):
            if not value.strip():
                issues.append(ExportIssue(kind="基本信息缺失", where=basic, message=f"{year}年{label}未填写"))
    if not e.maturity:
        issues.append(ExportIssue(kind="基本信息缺失", where=basic, message="智能制造能力成熟度未勾选"))
    elif req.maturity.other_option in e.maturity and not e.maturity_other.strip():
        issues.append(
            ExportIssue(kind="基本信息缺失", where=basic, message="成熟度勾选“其他”但未写明证明材料")
        )
    if e.major_accident is None:
        issues.append(ExportIssue(kind="基本信息缺失", where=basic, message="近三年是否发生重大事故未勾选"))

    texts = [
        ("企业简介", "一（一）企业简介", e.profile),
        ("项目简述", "一（二）项目简述", app.project_summary),
    ]
    for key, where, text in texts:
        if not text.strip():
            issues.append(ExportIssue(kind="内容为空", where=where, message="尚未填写"))
        elif issue := _limit_issue(where, text, req.limit_spec(key).limit):
            issues.append(issue)
    if not app.overview.strip():
        issues.append(ExportIssue(kind="内容为空", where="二、项目总体情况", message="尚未填写"))

    if not app.scenes:
        issues.append(
            ExportIssue(kind="无场景", where="三、场景化建设情况", message="申报书中还没有任何场景实例")
        )
    covered = app.covered_domains()
    for domain in req.mandatory_domains:
        if domain.name not in covered:
            issues.append(
                ExportIssue(
                    kind="领域未覆盖",
                    where=f"三{domain.section}{domain.name}",
                    message=f"尚无场景（{req.coverage_clause}）",
                )
            )
    for index, scene in enumerate(app.scenes, 1):
        name = f"场景{index}「{scene.title}」"
        for spec in req.parts:
            text = scene.parts.get(spec.key)  # type: ignore[arg-type]
            where = f"{name}{spec.heading}"
            if not text.strip():
                issues.append(ExportIssue(kind="内容为空", where=where, message="尚未填写"))
            elif issue := _limit_issue(where, text, spec.limit):
                issues.append(issue)
            if GAP_MARK in text:
                issues.append(ExportIssue(kind="待补充", where=where, message=f"仍有“{GAP_MARK}”标记"))

    if not app.results.strip():
        issues.append(ExportIssue(kind="内容为空", where="四、项目实施成效", message="尚未填写"))
    for where, text in (("二、项目总体情况", app.overview), ("四、项目实施成效", app.results)):
        if GAP_MARK in text:
            issues.append(ExportIssue(kind="待补充", where=where, message=f"仍有“{GAP_MARK}”标记"))
    if not app.attachment_list and not app.attachments.strip():
        issues.append(ExportIssue(kind="内容为空", where="五、相关附件", message="尚未列出附件"))
    for item in app.attachment_list:
        if item.required and not item.ticked:
            issues.append(
                ExportIssue(kind="附件未勾选", where="五、相关附件", message=f"{item.item}（必备）尚未勾选")
            )
    return issues
