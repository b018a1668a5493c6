"""The 审查 tab: a batch of applications as cities receive them, reviewed with progress; findings,
the compliance matrix, quota and ranking, the 附件3 rows and the files a reviewer files."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import gradio as gr

from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.safe_text import escape_html
from assistant.webapp import access, views

ACCEPTED = [".docx", ".doc", ".wps", ".odt", ".pdf", ".png", ".jpg", ".jpeg", ".md", ".json", ".zip"]


@contextlib.contextmanager
def shown_to_user():
    """The user's input, the configuration, the model endpoint: the person who must act reads the
    message in the page. Anything else is a bug and surfaces as one."""
    try:
        yield
    except AssistantError as err:
        raise gr.Error(escape_html(err)) from err  # toasts render HTML; messages quote file names


@dataclass
class ReviewTab:
    files: gr.File
    start: gr.Button
    summary: gr.Dataframe
    findings: gr.Dataframe
    matrix: gr.Dataframe
    quota: gr.Markdown
    ranking: gr.Dataframe
    recommend: gr.Dataframe
    downloads: gr.File

    @property
    def outputs(self) -> list[gr.components.Component]:
        return [
            self.summary,
            self.findings,
            self.matrix,
            self.quota,
            self.ranking,
            self.recommend,
            self.downloads,
        ]


def _table(label: str, headers: list[str], elem_id: str, **options) -> gr.Dataframe:
    return gr.Dataframe(
        label=label, headers=headers, interactive=False, wrap=True, elem_id=elem_id, **options
    )


def build_review_tab() -> ReviewTab:
    files = gr.File(
        label="上传申报书（可多个，或一个 .zip；.docx/.doc/.wps/.pdf/扫描件均可）",
        file_count="multiple",
        file_types=ACCEPTED,
        elem_id="review-files",
    )
    start = gr.Button("开始审查", variant="primary", elem_id="review-btn")
    summary = _table("每份申报书", views.SUMMARY_HEADERS, "review-summary")
    findings = _table(
        "审查发现（可排序、可搜索）",
        views.FINDING_HEADERS,
        "review-findings",
        show_search="filter",
        # Eight columns must fit a laptop screen; the long texts wrap instead of scrolling away.
        column_widths=["8%", "5%", "9%", "14%", "22%", "14%", "16%", "12%"],
    )
    matrix = _table(
        "合规矩阵（要素条件 1–6 与必须覆盖的领域，每份申报书）", views.MATRIX_HEADERS, "review-matrix"
    )
    quota = gr.Markdown(elem_id="review-quota")
    ranking = _table(
        "遴选排序（按推荐单位；要素条件优先，其次错误数、覆盖环节、场景等级；名额线以下与标杆企业另列）",
        views.RANK_HEADERS,
        "review-ranking",
    )
    recommend = _table("推荐汇总表（附件3）", views.RECOMMEND_HEADERS, "review-recommend")
    downloads = gr.File(
        label="下载（Excel 审查结果、Word 审查报告、Markdown、推荐汇总表）",
        file_count="multiple",
        interactive=False,
        elem_id="review-downloads",
    )
    return ReviewTab(files, start, summary, findings, matrix, quota, ranking, recommend, downloads)


def wire_review_tab(tab: ReviewTab, settings: Settings) -> None:
    def on_review(files: list[str] | None, progress=gr.Progress()) -> dict:  # noqa: B008 (Gradio's idiom)
        from assistant.review import service

        if not files:
            raise gr.Error("请上传要审查的申报书（.docx/.doc/.wps/.pdf/扫描件/.md/.json，或 .zip）")
        budget = access.RequestBudget(settings)  # the whole request, not each file, is bounded

        def step(done: int, total: int, name: str) -> None:
            budget.check_time()
            progress(done / total, desc=f"审查 {name}")

        with access.review_workspace(settings) as (workdir, outdir), shown_to_user():
            paths = access.expand_uploads(access.checked_uploads(files), workdir, settings, budget)
            if not paths:
                raise gr.Error("没有找到可审查的文件")
            progress(0, desc="审查中")
            batch = service.run(paths, settings=settings, progress=step).batch
        quota, recommend = views.review_batch_checks(batch)
        return {
            tab.summary: views.review_summary(batch),
            tab.findings: views.review_findings(batch),
            tab.matrix: views.review_matrix(batch),
            tab.quota: quota,
            tab.ranking: views.review_ranking(batch),
            tab.recommend: recommend,
            tab.downloads: [str(p) for p in service.write_downloads(batch, outdir)],
        }

    tab.start.click(on_review, inputs=tab.files, outputs=tab.outputs, api_name="review", concurrency_limit=2)
