"""The same review results in the formats people use: JSON, Markdown, Excel, a terminal table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.models import SEVERITY_LABELS, Finding, Report
from assistant.requirements import load_requirements
from assistant.review.columns import WORKBOOK_COLUMNS, finding_rows
from assistant.review.compliance import compliance_matrix
from assistant.review.engine import BatchResult
from assistant.review.grading import GRADE_LABELS, scene_grades, verdict
from assistant.safe_text import inert_workbook, markdown_cell

FINDING_KEYS = (
    "rule",
    "severity",
    "scene_index",
    "scene",
    "section",
    "message",
    "evidence",
    "suggestion",
    "clause",
)


def finding_dict(f: Finding) -> dict[str, Any]:
    data = {key: getattr(f, key) for key in FINDING_KEYS}
    data["severity"] = f.severity.value
    if f.origin != "rule":
        data["origin"] = f.origin
    return data


def report_dict(report: Report) -> dict[str, Any]:
    data: dict[str, Any] = {
        "file": report.file,
        "ok": report.ok,
        "findings": [finding_dict(f) for f in report.findings],
    }
    if report.error:
        data["error"] = report.error
    if report.waived:
        data["waived"] = [finding_dict(f) for f in report.waived]
    if report.application is not None:
        data["verdict"] = verdict(report)
        data["scene_grades"] = scene_grades(report)
    return data


def batch_json(batch: BatchResult) -> str:
    data = [report_dict(r) for r in batch.reports]
    if batch.batch_findings:
        data.append({"file": None, "ok": False, "findings": [finding_dict(f) for f in batch.batch_findings]})
    return json.dumps(data, ensure_ascii=False, indent=1)


# Everything from a document is inert in the report: a Markdown viewer renders raw HTML.
_md_cell = markdown_cell


def report_markdown(report: Report) -> str:
    name = _md_cell(Path(report.file).name)
    lines = [f"# 审查报告：{name}", ""]
    if report.error:
        return "\n".join([*lines, f"**无法审查**：{_md_cell(report.error)}", ""])
    app = report.application
    assert app is not None
    lines += [
        f"- 申报单位：{_md_cell(app.applicant or app.enterprise.name or '（未填）')}",
        f"- 项目名称：{_md_cell(app.project_name or '（未填）')}",
        f"- 推荐单位：{_md_cell(app.recommender or '（未填）')}",
        f"- 结论：**{verdict(report)}**（错误 {len(report.errors)} 项，警告 {len(report.warnings)} 项）",
        "",
        "## 合规矩阵",
        "",
        "| 要素条件 / 领域 | 状态 | 依据 | 条款 |",
        "|---|---|---|---|",
    ]
    for row in compliance_matrix(report):
        lines.append(
            f"| {_md_cell(row.item)} | {row.status} | {_md_cell(row.evidence)} | {_md_cell(row.clause)} |"
        )
    lines += ["", "## 场景", "", "| # | 领域 | 场景标题 | 等级 |", "|---|---|---|---|"]
    for i, (scene, grade) in enumerate(zip(app.scenes, scene_grades(report), strict=True), 1):
        lines.append(
            f"| {i} | {_md_cell(scene.domain)} | {_md_cell(scene.title)} | {grade} {GRADE_LABELS[grade]} |"
        )
    lines += ["", "## 审查发现", ""]
    if not report.findings:
        lines.append("未发现问题。")
    for i, f in enumerate(report.findings, 1):
        lines += [
            f"### {i}. [{SEVERITY_LABELS[f.severity]}] {_md_cell(f.message)}",
            "",
            f"- 规则：`{f.rule}`；位置：{_md_cell(f.location())}",
            f"- 依据原文：{_md_cell(f.evidence or '—')}",
            f"- 修改建议：{_md_cell(f.suggestion)}",
            f"- 条款：{_md_cell(f.clause)}",
            "",
        ]
    if report.waived:
        lines += ["## 已豁免", ""]
        lines += [f"- `{f.rule}` {_md_cell(f.location())}：{_md_cell(f.message)}" for f in report.waived]
        lines.append("")
    return "\n".join(lines)


def batch_markdown(batch: BatchResult) -> str:
    parts = [report_markdown(r) for r in batch.reports]
    if batch.batch_findings:
        parts.append(
            "# 批次检查\n\n"
            + "\n".join(
                f"- [{SEVERITY_LABELS[f.severity]}] {_md_cell(f.message)}：{_md_cell(f.evidence)}"
                for f in batch.batch_findings
            )
        )
    return "\n\n---\n\n".join(parts) + "\n"


APPLICATION_COLUMNS = (
    "文件",
    "申报单位",
    "推荐单位",
    "结论",
    "错误",
    "警告",
    "提示",
    "已覆盖领域",
    "缺少的必须领域",
    "场景等级",
)


def application_row(report: Report) -> dict[str, Any]:
    """One application's line in every summary (Excel sheet, the app's table), keyed by column."""
    name = Path(report.file).name
    if report.error or report.application is None:
        return dict.fromkeys(APPLICATION_COLUMNS, "") | {
            "文件": name,
            "结论": "无法读取",
            "场景等级": report.error or "",
        }
    app = report.application
    covered = app.covered_domains()
    missing = [d.name for d in load_requirements().mandatory_domains if d.name not in covered]
    return {
        "文件": name,
        "申报单位": app.applicant or app.enterprise.name,
        "推荐单位": app.recommender,
        "结论": verdict(report),
        "错误": len(report.errors),
        "警告": len(report.warnings),
        "提示": sum(1 for f in report.findings if f.severity.value == "info"),
        "已覆盖领域": "、".join(covered),
        "缺少的必须领域": "、".join(missing),
        "场景等级": " ".join(scene_grades(report)),
    }


def style_sheets(wb) -> None:
    """Every sheet as an office reads it: a bold, shaded header row that stays in view, a filter,
    wrapped cells and columns as wide as their text (within limits)."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for ws in wb.worksheets:
        for cell in ws[1]:
            cell.font, cell.fill = bold, fill
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
        for i, column in enumerate(ws.columns, 1):
            width = max(len(str(c.value or "")) for c in column)
            ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, width * 1.6))
            for c in column:
                c.alignment = Alignment(wrap_text=True, vertical="top")


def write_xlsx(batch: BatchResult, path: Path) -> None:
    """An Excel workbook: every finding on one sheet, one row per application on a summary sheet."""
    from openpyxl import Workbook

    wb = Workbook()
    summary = wb.active
    summary.title = "汇总"
    summary.append(list(APPLICATION_COLUMNS))
    for r in batch.reports:
        summary.append(list(application_row(r).values()))
    sheet = wb.create_sheet("审查发现")
    sheet.append(list(WORKBOOK_COLUMNS))
    for row in finding_rows(batch, WORKBOOK_COLUMNS, "（批次）"):
        sheet.append(row)
    if any(r.waived for r in batch.reports):
        waived = wb.create_sheet("已豁免")
        waived.append(["文件", "规则", "场景序号", "部分", "说明"])
        for r in batch.reports:
            for f in r.waived:
                waived.append([Path(r.file).name, f.rule, f.scene_index, f.section, f.message])
    style_sheets(wb)
    inert_workbook(wb)  # last, so every sheet (including ones added above later) is covered
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(str(path))
