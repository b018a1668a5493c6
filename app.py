"""The Gradio app: 撰写 (writers), 审查 (reviewers), 知识库 (everyone). A thin shell over ``assistant``.

Run ``python app.py`` (or ``make run``). It binds 127.0.0.1:7860 unless ``GRADIO_SERVER_NAME`` /
``GRADIO_SERVER_PORT`` say otherwise; binding anywhere else requires the users file
(``ASSISTANT_USERS_FILE``) so nobody reaches the app without logging in.
"""

from __future__ import annotations

import contextlib
import os

import gradio as gr

from assistant.config import Settings, get_settings
from assistant.errors import AssistantError
from assistant.requirements import load_requirements
from assistant.safe_text import escape_html
from assistant.webapp import access, views
from assistant.webapp.knowledge_tab import build_knowledge_tab, wire_knowledge_tab
from assistant.webapp.writer import build_writer_tab, wire_writer_tab

REQ = load_requirements()


@contextlib.contextmanager
def shown_to_user():
    """The user's input, the configuration, the model endpoint: the person who must act reads the
    message in the page. Anything else is a bug and surfaces as one."""
    try:
        yield
    except AssistantError as err:
        raise gr.Error(escape_html(err)) from err  # toasts render HTML; messages quote file names


def build_app(settings: Settings | None = None) -> gr.Blocks:
    settings = settings or get_settings()

    # ---- reviewer -------------------------------------------------------------------------------------------
    def on_review(files: list[str] | None, progress=gr.Progress()):  # noqa: B008 (Gradio's idiom)
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
        downloads = [str(p) for p in service.write_downloads(batch, outdir)]
        quota, recommend = views.review_batch_checks(batch)
        return (
            views.review_summary(batch),
            views.review_findings(batch),
            views.review_matrix(batch),
            quota,
            views.review_ranking(batch),
            recommend,
            downloads,
        )

    # ---- layout -------------------------------------------------------------------------------------------------
    with gr.Blocks(title="智能工厂申报助手") as demo:
        gr.Markdown(views.banner(settings), elem_id="mode-banner")
        with gr.Tab("撰写"):
            writer = build_writer_tab()
        with gr.Tab("审查"):
            review_files = gr.File(
                label="上传申报书（可多个，或一个 .zip；.docx/.doc/.wps/.pdf/扫描件均可）",
                file_count="multiple",
                file_types=[
                    ".docx",
                    ".doc",
                    ".wps",
                    ".odt",
                    ".pdf",
                    ".png",
                    ".jpg",
                    ".jpeg",
                    ".md",
                    ".json",
                    ".zip",
                ],
                elem_id="review-files",
            )
            review_btn = gr.Button("开始审查", variant="primary", elem_id="review-btn")
            review_summary = gr.Dataframe(
                label="每份申报书",
                headers=views.SUMMARY_HEADERS,
                interactive=False,
                wrap=True,
                elem_id="review-summary",
            )
            review_table = gr.Dataframe(
                label="审查发现（可排序、可搜索）",
                headers=views.FINDING_HEADERS,
                interactive=False,
                wrap=True,
                show_search="filter",
                # Eight columns must fit a laptop screen; the long texts wrap instead of scrolling away.
                column_widths=["8%", "5%", "9%", "14%", "22%", "14%", "16%", "12%"],
                elem_id="review-findings",
            )
            review_matrix = gr.Dataframe(
                label="合规矩阵（要素条件 1–6 与必须覆盖的领域，每份申报书）",
                headers=views.MATRIX_HEADERS,
                interactive=False,
                wrap=True,
                elem_id="review-matrix",
            )
            review_quota = gr.Markdown(elem_id="review-quota")
            review_ranking = gr.Dataframe(
                label="遴选排序（按推荐单位；要素条件优先，其次错误数、覆盖环节、场景等级；名额线以下与标杆企业另列）",
                headers=views.RANK_HEADERS,
                interactive=False,
                wrap=True,
                elem_id="review-ranking",
            )
            review_recommend = gr.Dataframe(
                label="推荐汇总表（附件3）",
                headers=views.RECOMMEND_HEADERS,
                interactive=False,
                wrap=True,
                elem_id="review-recommend",
            )
            review_downloads = gr.File(
                label="下载（Excel 审查结果、Word 审查报告、Markdown、推荐汇总表）",
                file_count="multiple",
                interactive=False,
                elem_id="review-downloads",
            )
        with gr.Tab("知识库"):
            knowledge = build_knowledge_tab()

        wire_writer_tab(demo, writer, settings)
        review_btn.click(
            on_review,
            inputs=review_files,
            outputs=[
                review_summary,
                review_table,
                review_matrix,
                review_quota,
                review_ranking,
                review_recommend,
                review_downloads,
            ],
            api_name="review",
            concurrency_limit=2,
        )
        wire_knowledge_tab(knowledge, settings)
    return demo


def serve(demo: gr.Blocks, settings: Settings, host: str, port: int, **launch_options) -> None:
    """Launch as ``python app.py`` does; tests and benchmarks call this too so they see the same page
    (Gradio 6 takes the stylesheet at launch, not in the Blocks).

    Never a public share link (``GRADIO_SHARE`` or a hosted notebook would open a tunnel with no
    login); only known Host names are answered; Gradio's upload cache is emptied of old files."""
    from starlette.middleware import Middleware

    from assistant.webapp.guard import RequestGuard, allowed_hosts

    hosts = allowed_hosts(host, settings.allowed_hosts)
    users = getattr(launch_options.get("auth"), "users", None)
    launch_options["share"] = False
    age = int(settings.upload_cache_hours * 3600)
    demo.delete_cache = (max(60, age // 4), age)
    demo.queue(default_concurrency_limit=4, max_size=64)
    demo.launch(
        server_name=host,
        server_port=port,
        max_file_size=settings.max_upload_mb * 1024 * 1024,
        css=views.CSS,
        show_error=True,
        app_kwargs={"middleware": [Middleware(RequestGuard, hosts=hosts, users=users)]},
        **launch_options,
    )


def main() -> None:
    settings = get_settings()
    host = os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1")
    port = int(os.environ.get("GRADIO_SERVER_PORT", "7860"))
    auth = access.auth_for(host, settings)
    demo = build_app(settings)
    # settings.mode shows the endpoint URL with any user:password@ masked.
    print(f"智能工厂申报助手：http://{host}:{port}　{settings.mode}", flush=True)
    if auth is not None:  # off loopback: say which names the browser may use (others get 400)
        from assistant.webapp.guard import allowed_hosts

        names = "、".join(sorted(allowed_hosts(host, settings.allowed_hosts)))
        print(f"允许的访问地址：{names}（其他名称请加入 ASSISTANT_ALLOWED_HOSTS）", flush=True)
    serve(demo, settings, host, port, auth=auth)


if __name__ == "__main__":
    main()
