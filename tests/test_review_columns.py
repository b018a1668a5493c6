"""The findings table is specified once (assistant/review/columns.py); every output reads it."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from assistant.models import Finding, Severity
from assistant.review import columns
from assistant.review.engine import BatchResult
from assistant.review.filing import write_filing_xlsx
from assistant.review.outputs import write_xlsx
from assistant.webapp import views

VIEWS = {
    "terminal": columns.TERMINAL_COLUMNS,
    "web": columns.WEB_COLUMNS,
    "workbook": columns.WORKBOOK_COLUMNS,
    "filing": columns.FILING_COLUMNS,
}


def _finding(**extra) -> Finding:
    return Finding(rule="length-limit", severity=Severity.error, message="超出", clause="附件2", **extra)


def test_every_view_names_columns_the_spec_fills() -> None:
    cells = columns.finding_cells("a/b.docx", _finding())
    for name, view in VIEWS.items():
        assert set(view) <= set(cells), name
        assert len(set(view)) == len(view), name


def test_a_batch_finding_has_no_place_in_a_draft() -> None:
    f = _finding(scene_index=2, scene="x", section="成效")
    one = columns.finding_cells("dir/草稿.docx", f)
    whole = columns.finding_cells("（批次）", f, batch=True)
    assert (one["文件"], one["位置"], one["场景序号"]) == ("草稿.docx", "场景2「x」 · 成效", 2)
    assert (whole["文件"], whole["位置"], whole["场景序号"]) == ("（批次）", "批次", None)


def test_the_web_table_and_both_workbooks_use_the_spec(tmp_path: Path) -> None:
    from assistant.models import Report

    batch = BatchResult(
        reports=[Report(file=str(tmp_path / "甲.docx"), ok=False, findings=[_finding(scene_index=1)])],
        batch_findings=[_finding()],
    )
    assert list(columns.WEB_COLUMNS) == views.FINDING_HEADERS
    rows = views.review_findings(batch)
    assert [r[0] for r in rows] == ["甲.docx", "（本批）"] and all(
        len(r) == len(views.FINDING_HEADERS) for r in rows
    )
    for writer, view, extra in (
        (write_xlsx, columns.WORKBOOK_COLUMNS, 0),
        (write_filing_xlsx, columns.FILING_COLUMNS, 1),
    ):
        path = tmp_path / f"{writer.__name__}.xlsx"
        writer(batch, path)
        sheet = openpyxl.load_workbook(path)["审查发现"]
        header = [c.value for c in sheet[1]]
        assert header[: len(view)] == list(view) and len(header) == len(view) + extra
        assert sheet.cell(2, view.index("级别") + 1).value == "错误"
        assert sheet.cell(3, 1).value == "（批次）"
