"""What a 工信局 files: a Word review report per application and one for the batch, and an Excel
workbook with one sheet per view (汇总, 合规矩阵, 场景, 审查发现) and an empty 审查意见 column for
the reviewer's own remarks.

Every cell whose text comes from a submitted document goes through ``document_cell``: one place to
keep such text from being taken as a spreadsheet formula.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.models import SEVERITY_LABELS, Finding, Report, Severity
from assistant.review.columns import FILING_COLUMNS, finding_rows
from assistant.review.compliance import compliance_matrix
from assistant.review.engine import BatchResult
from assistant.review.grading import GRADE_LABELS, scene_grades, verdict
from assistant.review.outputs import style_sheets
from assistant.review.ranking import DISCLAIMER, RANK_COLUMNS, rank_batch, ranking_rows
from assistant.safe_text import inert_workbook

REMARKS = "审查意见"
SUMMARY_COLUMNS = (
    "文件",
    "项目名称",
    "申报单位",
    "推荐单位",
    "结论",
    "错误",
    "警告",
    "提示",
    "场景数",
    "场景等级",
    "读取方式",
    REMARKS,
)


def document_cell(value: Any) -> Any:
    """A cell value from a submitted document, as written: the workbook is made inert as a whole
    just before it is saved (``safe_text.inert_workbook``), so no formula survives and no text changes."""
    return value


def _how_read(report: Report) -> str:
    suffix = Path(report.file).suffix.lower()
    if report.ocr:
        return "扫描件（OCR 识别）"
    if suffix == ".pdf":
        return "PDF 文字层"
    if suffix in (".doc", ".wps", ".odt", ".rtf"):
        return "LibreOffice 转换"
    return suffix.lstrip(".") or "—"


def summary_row(report: Report) -> list[Any]:
    name = Path(report.file).name
    if report.error or report.application is None:
        return [name, "", "", "", "无法读取", None, None, None, None, report.error or "", "", ""]
    app = report.application
    grades = scene_grades(report)
    return [
        document_cell(name),
        document_cell(app.project_name),
        document_cell(app.applicant or app.enterprise.name),
        document_cell(app.recommender),
        verdict(report),
        len(report.errors),
        len(report.warnings),
        sum(1 for f in report.findings if f.severity == Severity.info),
        len(app.scenes),
        " ".join(grades),
        _how_read(report),
        "",
    ]


def _by_severity(findings: list[Finding]) -> list[tuple[Severity, list[Finding]]]:
    return [
        (severity, [f for f in findings if f.severity == severity])
        for severity in (Severity.error, Severity.warning, Severity.info)
        if any(f.severity == severity for f in findings)
    ]


# -- Excel ------------------------------------------------------------------------------------------


def write_filing_xlsx(batch: BatchResult, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    summary = wb.active
    summary.title = "汇总"
    summary.append(list(SUMMARY_COLUMNS))
    for r in batch.reports:
        summary.append(summary_row(r))

    matrix = wb.create_sheet("合规矩阵")
    matrix.append(["文件", "申报单位", "要素条件", "判断", "依据", "条款", REMARKS])
    for r in batch.reports:
        unit = r.application.applicant if r.application else ""
        for row in compliance_matrix(r):
            matrix.append(
                [
                    document_cell(Path(r.file).name),
                    document_cell(unit),
                    row.item,
                    row.status,
                    document_cell(row.evidence),
                    row.clause,
                    "",
                ]
            )

    scenes = wb.create_sheet("场景")
    scenes.append(["文件", "申报单位", "序号", "领域", "环节", "场景", "实例", "等级", "等级含义", REMARKS])
    for r in batch.reports:
        if r.application is None:
            continue
        for index, (scene, grade) in enumerate(zip(r.application.scenes, scene_grades(r), strict=False), 1):
            scenes.append(
                [
                    document_cell(Path(r.file).name),
                    document_cell(r.application.applicant),
                    index,
                    document_cell(scene.domain),
                    document_cell(scene.link),
                    document_cell(scene.scene),
                    document_cell(scene.instance or scene.raw_title),
                    grade,
                    GRADE_LABELS.get(grade, ""),
                    "",
                ]
            )

    findings = wb.create_sheet("审查发现")
    findings.append([*FILING_COLUMNS, REMARKS])
    for row in finding_rows(batch, FILING_COLUMNS, "（批次）"):
        findings.append([document_cell(v) for v in row] + [""])

    ranking = wb.create_sheet("遴选排序")
    ranking.append([*RANK_COLUMNS, REMARKS])
    for row in ranking_rows(rank_batch(batch.reports)):
        ranking.append([document_cell(v) for v in row] + [""])
    ranking.append([DISCLAIMER])

    style_sheets(wb)
    remarks_fill = PatternFill("solid", fgColor="FFF2CC")
    for ws in wb.worksheets:
        for i, column in enumerate(ws.columns, 1):
            if column[0].value == REMARKS:
                ws.column_dimensions[get_column_letter(i)].width = 40
                for c in column[1:]:
                    c.fill = remarks_fill
    path.parent.mkdir(parents=True, exist_ok=True)
    inert_workbook(wb)
    wb.save(str(path))


# -- Word -------------------------------------------------------------------------------------------


def _report_section(doc, report: Report, level: int = 1) -> None:
    name = Path(report.file).name
    app = report.application
    doc.add_heading(f"审查报告：{app.project_name if app and app.project_name else name}", level=level)
    if report.error or app is None:
        doc.add_paragraph(f"文件：{name}")
        doc.add_paragraph(f"无法审查：{report.error}")
        return
    cover = doc.add_paragraph()
    cover.add_run(
        f"申报单位：{app.applicant or app.enterprise.name or '（未填）'}　推荐单位：{app.recommender or '（未填）'}"
        f"　文件：{name}（{_how_read(report)}）"
    )
    result = doc.add_paragraph()
    result.add_run("结论：").bold = True
    result.add_run(
        f"{verdict(report)}（错误 {len(report.errors)} 项，警告 {len(report.warnings)} 项，"
        f"提示 {sum(1 for f in report.findings if f.severity == Severity.info)} 项）"
    ).bold = True
    if report.ocr:
        doc.add_paragraph(
            "本件为扫描件，文字经 OCR 识别，可能有识别误差；发现所标页码指扫描件的页，请对照纸质件核实。"
        )

    doc.add_heading("合规矩阵", level=level + 1)
    rows = compliance_matrix(report)
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("要素条件", "判断", "依据", "条款"), strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, (row.item, row.status, row.evidence, row.clause), strict=True):
            cell.text = text

    grades = scene_grades(report)
    if app.scenes:
        doc.add_heading("场景等级", level=level + 1)
        table = doc.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("序号", "场景", "等级"), strict=True):
            cell.text = text
            cell.paragraphs[0].runs[0].bold = True
        for index, (scene, grade) in enumerate(zip(app.scenes, grades, strict=False), 1):
            cells = table.add_row().cells
            cells[0].text, cells[1].text = str(index), scene.title
            cells[2].text = f"{grade}（{GRADE_LABELS.get(grade, '')}）"

    doc.add_heading("审查发现", level=level + 1)
    if not report.findings:
        doc.add_paragraph("未发现问题。")
    for severity, findings in _by_severity(report.findings):
        doc.add_heading(f"{SEVERITY_LABELS[severity]}（{len(findings)} 项）", level=level + 2)
        for f in findings:
            item = doc.add_paragraph(style="List Number")
            where = f"{f.location()}（第{f.page}页）" if f.page else f.location()
            item.add_run(f"{where}：").bold = True
            item.add_run(f.message)
            details = [
                f"依据原文：{f.evidence}" if f.evidence else "",
                f"修改建议：{f.suggestion}",
                f"条款：{f.clause}",
            ]
            doc.add_paragraph("；".join(d for d in details if d))
    if report.waived:
        doc.add_heading("已豁免", level=level + 2)
        for f in report.waived:
            doc.add_paragraph(f"{f.rule} {f.location()}：{f.message}")


def write_report_docx(report: Report, path: Path) -> None:
    """One application's review report as a Word document."""
    import docx

    doc = docx.Document()
    _report_section(doc, report)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))


def write_batch_docx(batch: BatchResult, path: Path) -> None:
    """The batch's report: an overview table, the batch checks (名额, 重复申报), then each application."""
    import docx

    doc = docx.Document()
    doc.add_heading("先进级智能工厂申报书审查报告（本批）", level=0)
    readable = [r for r in batch.reports if r.application is not None]
    doc.add_paragraph(
        f"本批 {len(batch.reports)} 份：可提交 {sum(1 for r in readable if verdict(r) == '可提交')} 份，"
        f"需修改 {sum(1 for r in readable if verdict(r) == '需修改')} 份，"
        f"不符合申报条件 {sum(1 for r in readable if verdict(r) == '不符合申报条件')} 份，"
        f"无法读取 {len(batch.reports) - len(readable)} 份。"
    )
    columns = ("项目名称", "申报单位", "结论", "错误", "警告", "提示", "场景等级")
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, columns, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for r in batch.reports:
        row = dict(zip(SUMMARY_COLUMNS, summary_row(r), strict=True))
        cells = table.add_row().cells
        for cell, key in zip(cells, columns, strict=True):
            value = row[key]
            cell.text = "" if value is None else str(value).lstrip("'")
    doc.add_heading("批次检查", level=1)
    if batch.batch_findings:
        for f in batch.batch_findings:
            doc.add_paragraph(f"［{SEVERITY_LABELS[f.severity]}］{f.message}：{f.evidence}（{f.clause}）")
    else:
        doc.add_paragraph("推荐名额与重复申报：未发现问题。")
    rows = ranking_rows(rank_batch(batch.reports))
    if rows:
        doc.add_heading("遴选排序（参考）", level=1)
        doc.add_paragraph(DISCLAIMER)
        table = doc.add_table(rows=1, cols=len(RANK_COLUMNS) - 1)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, RANK_COLUMNS[:-1], strict=True):
            cell.text = text
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row[:-1], strict=True):
                cell.text = "" if value is None else str(value)
    for r in batch.reports:
        doc.add_page_break()
        _report_section(doc, r, level=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
