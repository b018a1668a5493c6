"""A copy of a reviewed .docx with every finding attached as a Word comment at its location.

The reviewer can send the marked-up copy straight back to the enterprise. The original file is
never modified, and an existing output file is never overwritten silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from assistant.application_reader import norm, part_heading
from assistant.errors import InputError
from assistant.models import SEVERITY_LABELS, Finding, Report
from assistant.scene_titles import strip_numbering

AUTHOR = "申报助手审查"

_APP_LABELS = {
    "企业简介": "企业简介",
    "项目简述": "项目简述",
    "总体情况": "二、项目总体情况",
    "实施成效": "四、项目实施成效",
}
_RULE_LABELS = {
    "finance-incomplete": "近三年发展情况",
    "maturity-level": "智能制造能力成熟度",
    "major-accident": "企业近三年是否发生",
    "basic-info-missing": "企业名称",
    "domain-coverage": "三、场景化建设情况",
}


def _paragraphs(doc) -> Iterator[Paragraph]:
    """Every paragraph in reading order, table cells included (merged cells once)."""

    def walk_table(table: Table) -> Iterator[Paragraph]:
        # Each w:tc once, straight from the XML: python-docx's row.cells trusts gridSpan, which a
        # hostile file sets to garbage (ValueError) or to 10^11 (an endless loop).
        from docx.oxml.ns import qn
        from docx.table import _Cell

        for tr in table._tbl.iterchildren(qn("w:tr")):
            for tc in tr.iterchildren(qn("w:tc")):
                cell = _Cell(tc, table)
                yield from cell.paragraphs
                for nested in cell.tables:
                    yield from walk_table(nested)

    for item in doc.iter_inner_content():
        if isinstance(item, Paragraph):
            yield item
        else:
            yield from walk_table(item)


def _anchor_run(paragraph: Paragraph):
    runs = [r for r in paragraph.runs if r.text]
    if runs:
        return runs
    return [paragraph.add_run(" ")]


def _locate(paragraphs: list[Paragraph], report: Report, f: Finding) -> Paragraph:
    texts = [norm(p.text) for p in paragraphs]
    app = report.application
    if f.scene_index is not None and app is not None and 0 < f.scene_index <= len(app.scenes):
        # Scene titles in document order: find this one after the previous ones.
        start = 0
        anchor = None
        for scene in app.scenes[: f.scene_index]:
            title = norm(strip_numbering(scene.title))
            for i in range(start, len(paragraphs)):
                if title and title in texts[i] and len(texts[i]) <= len(title) + 12:
                    anchor, start = i, i + 1
                    break
        if anchor is not None:
            if f.section:
                for i in range(anchor + 1, len(paragraphs)):
                    found = part_heading(paragraphs[i].text.strip(), True)
                    if found and found[0] == f.section:
                        return paragraphs[i]
            return paragraphs[anchor]
    label = _APP_LABELS.get(f.section or "") or _RULE_LABELS.get(f.rule)
    if label:
        for i, text in enumerate(texts):
            if text.startswith(norm(label)):
                return paragraphs[i]
    return next((p for p in paragraphs if p.text.strip()), paragraphs[0])


def annotate_docx(source: Path, report: Report, target: Path, *, overwrite: bool = False) -> int:
    """Write ``target``: ``source`` with one comment per finding. Returns the number of comments."""
    if source.resolve() == target.resolve():
        raise InputError("批注副本不能覆盖原文件，请换一个输出目录")
    if target.exists() and not overwrite:
        raise InputError(f"{target} 已存在；如需覆盖请加 --overwrite")
    doc = docx.Document(str(source))
    paragraphs = list(_paragraphs(doc))
    if not paragraphs:
        paragraphs = [doc.add_paragraph("")]
    for f in report.findings:
        paragraph = _locate(paragraphs, report, f)
        text = (
            f"【{SEVERITY_LABELS[f.severity]}·{f.rule}】{f.message}\n建议：{f.suggestion}\n依据：{f.clause}"
        )
        doc.add_comment(
            _anchor_run(paragraph), text=re.sub(r"\s+\n", "\n", text), author=AUTHOR, initials="审"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    doc.save(str(tmp))
    tmp.replace(target)
    return len(report.findings)
