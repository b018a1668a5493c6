"""The findings table, specified once: what each column holds, and which columns each output shows.

The terminal table, the web table and the two workbooks all build their rows here, so a column is
renamed or added in one place. Cells hold the draft's own text; each output makes it safe for its
medium (Rich markup escaped on the terminal, workbooks made inert as a whole before saving)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.models import SEVERITY_LABELS, Finding, Severity

BATCH_LOCATION = "批次"  # where a finding about the whole batch sits

# Which columns each output shows, in order; every header must be a key of ``finding_cells``.
TERMINAL_COLUMNS = ("级别", "规则", "位置", "问题", "修改建议")
WEB_COLUMNS = ("文件", "级别", "规则", "位置", "问题", "依据原文", "修改建议", "条款")
WORKBOOK_COLUMNS = (
    "文件",
    "级别",
    "规则",
    "场景序号",
    "场景",
    "部分",
    "问题",
    "依据原文",
    "修改建议",
    "条款",
)
FILING_COLUMNS = (
    "文件",
    "级别",
    "规则",
    "页",
    "场景序号",
    "场景",
    "部分",
    "问题",
    "依据原文",
    "修改建议",
    "条款",
)

# Severity on the terminal; bold marks a batch-level line.
SEVERITY_STYLES = {Severity.error: "red", Severity.warning: "yellow", Severity.info: "cyan"}


def finding_cells(file: str, f: Finding, *, batch: bool = False) -> dict[str, Any]:
    """Every column's value for one finding; ``file`` is the report's file (or a label for the batch)."""
    return {
        "文件": file if batch else Path(file).name,
        "级别": SEVERITY_LABELS[f.severity],
        "规则": f.rule,
        "页": None if batch else f.page,
        "场景序号": None if batch else f.scene_index,
        "场景": None if batch else f.scene,
        "部分": None if batch else f.section,
        "位置": BATCH_LOCATION if batch else f.location(),
        "问题": f.message,
        "依据原文": f.evidence,
        "修改建议": f.suggestion,
        "条款": f.clause,
    }


def finding_row(columns: tuple[str, ...], file: str, f: Finding, *, batch: bool = False) -> list[Any]:
    cells = finding_cells(file, f, batch=batch)
    return [cells[c] for c in columns]


def finding_rows(batch_result, columns: tuple[str, ...], batch_label: str) -> list[list[Any]]:
    """One row per finding of every report, then the batch's own findings under ``batch_label``."""
    rows = [finding_row(columns, r.file, f) for r in batch_result.reports for f in r.findings]
    rows += [finding_row(columns, batch_label, f, batch=True) for f in batch_result.batch_findings]
    return rows
