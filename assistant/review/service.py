"""The review façade: the CLI's ``review`` and the app's 审查 tab both call ``run`` (and the app
``write_downloads``), so reading files, batch checks, the model pass and the output set live in one place.

The front ends only collect options, show progress and present the result in their own medium."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from assistant.config import Settings
from assistant.errors import AssistantError, InputError
from assistant.review.engine import BatchResult, check_summary_table, load_waivers, review_batch

Progress = Callable[[int, int, str], None]  # (files done, files in all, what is being read)


class ReviewOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    llm: bool = False  # add the model's judgement findings (needs a configured model)
    summary_table: Path | None = None  # a 推荐汇总表 whose rows are what the quota is checked on


@dataclass
class Note:
    """Something the reviewer should know about the run itself (not a finding about a draft)."""

    level: Literal["warning", "info"]
    text: str


@dataclass
class ReviewRun:
    batch: BatchResult
    notes: list[Note] = field(default_factory=list)


NOTHING_TO_REVIEW = "没有找到可审查的文件（.docx/.doc/.wps/.pdf/扫描件/.md/.json）"


def run(
    paths: Iterable[Path],
    options: ReviewOptions | None = None,
    *,
    settings: Settings | None = None,
    progress: Progress | None = None,
) -> ReviewRun:
    """Review every file under ``paths`` as one batch. Unreadable files become reports with an error;
    no file at all is the user's mistake (``InputError``)."""
    options = options or ReviewOptions()
    batch = review_batch(list(paths), progress)
    if not batch.reports:
        raise InputError(NOTHING_TO_REVIEW)
    result = ReviewRun(batch)
    if options.llm:
        result.notes += _llm_pass(batch, settings)
    if options.summary_table is not None:
        check_summary_table(batch, options.summary_table)
    return result


def _llm_pass(batch: BatchResult, settings: Settings | None) -> list[Note]:
    """The model's judgement findings appended to each report, or a plain note why not."""
    from assistant.config import get_settings
    from assistant.review.llm_pass import add_llm_findings

    settings = settings or get_settings()
    if not settings.llm_configured:
        return [Note("warning", "离线模式：未配置大模型，--llm 未执行，以下仅为规则审查结果")]
    notes = []
    for report in batch.reports:
        if report.error or report.application is None:
            continue
        name = Path(report.file).name
        try:
            waivers = load_waivers(Path(report.file))
        except AssistantError:
            waivers = []  # already reported by the rule pass
        done = add_llm_findings(report, settings, waivers)
        if done.error:
            notes.append(Note("warning", f"{name}：{done.error}"))
        if done.neutralised:
            quoted = "；".join(f"「{s[:40]}」" for s in done.neutralised)
            notes.append(
                Note(
                    "warning",
                    f"{name}：申报书中有 {len(done.neutralised)} 句疑似写给模型的指令，已不交给模型：{quoted}",
                )
            )
        if done.dropped:
            notes.append(Note("info", f"{name}：模型给出的 {len(done.dropped)} 条意见不符合要求，已舍弃"))
        if not done.error:
            source = "取自缓存" if done.cached else "已调用模型"
            notes.append(Note("info", f"{name}：模型意见 {len(done.findings)} 条（{source}）"))
    return notes


def write_downloads(batch: BatchResult, folder: Path) -> list[Path]:
    """The full set a reviewer files: the workbook, the Word and Markdown batch reports, one Word report
    per application and one 推荐汇总表 per 推荐单位 (file names cleaned of anything a path could abuse)."""
    from assistant.projects import safe_name
    from assistant.review.filing import write_batch_docx, write_filing_xlsx, write_report_docx
    from assistant.review.outputs import batch_markdown
    from assistant.summary_table import by_recommender, write_summary_xlsx

    xlsx = folder / "审查结果.xlsx"
    write_filing_xlsx(batch, xlsx)
    report = folder / "审查报告.docx"
    write_batch_docx(batch, report)
    md = folder / "审查报告.md"
    md.write_text(batch_markdown(batch), encoding="utf-8")
    written = [xlsx, report, md]
    for r in batch.reports:
        if r.application is not None:
            one = folder / f"审查报告-{safe_name(Path(r.file).stem, 'file')}.docx"
            write_report_docx(r, one)
            written.append(one)
    apps = [r.application for r in batch.reports if r.application is not None]
    for unit, group in by_recommender(apps).items():
        summary = folder / f"推荐汇总表-{safe_name(unit, 'file')}.xlsx"
        write_summary_xlsx(group, summary)
        written.append(summary)
    return written
