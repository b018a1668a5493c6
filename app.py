"""The Gradio app: 撰写 (writers), 审查 (reviewers), 知识库 (everyone). A thin shell over ``assistant``.

Run ``python app.py`` (or ``make run``). It binds 127.0.0.1:7860 unless ``GRADIO_SERVER_NAME`` /
``GRADIO_SERVER_PORT`` say otherwise; binding anywhere else requires the users file
(``ASSISTANT_USERS_FILE``) so nobody reaches the app without logging in.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import gradio as gr

from assistant.chat import respond
from assistant.config import Settings, get_settings
from assistant.errors import AssistantError
from assistant.models import PART_KEYS, Application
from assistant.projects import Project, ProjectStore
from assistant.requirements import load_requirements
from assistant.webapp import access, views

REQ = load_requirements()
PART_SPECS = {spec.key: spec for spec in REQ.parts}


@contextlib.contextmanager
def shown_to_user():
    """The user's input, the configuration, the model endpoint: the person who must act reads the
    message in the page. Anything else is a bug and surfaces as one."""
    try:
        yield
    except AssistantError as err:
        raise gr.Error(str(err)) from err


def _store(settings: Settings, request: gr.Request | None) -> ProjectStore:
    return ProjectStore(settings.data_dir, access.user_of(request))


def build_app(settings: Settings | None = None) -> gr.Blocks:
    settings = settings or get_settings()

    def store(request: gr.Request | None) -> ProjectStore:
        return _store(settings, request)

    def load_project(project_id: str | None, request: gr.Request) -> Project | None:
        if not project_id:
            return None
        try:
            return store(request).load(project_id)
        except AssistantError:
            return None

    # ---- writer -------------------------------------------------------------------------------------------
    def project_view(project: Project | None):
        draft = project.draft if project else None
        parts = [draft.parts.get(k) if draft else "" for k in PART_KEYS]
        confirmed = [bool(project and project.confirmed.get(k)) for k in PART_KEYS]
        chat = [{"role": m.role, "content": m.content} for m in project.chat] if project else []
        app_ = project.application if project else Application()
        return (
            chat,
            views.draft_header(draft),
            *parts,
            *[
                views.counter(p, PART_SPECS[k].limit, c)
                for k, p, c in zip(PART_KEYS, parts, confirmed, strict=True)
            ],
            *confirmed,
            views.findings_markdown(draft),
            views.coverage_html(app_),
            views.scenes_table(app_),
            *views.basic_info_values(app_),
            scene_choices(app_),
        )

    def scene_choices(app_: Application):
        return gr.update(choices=views.scene_choices(app_), value=None)

    view_size = len(project_view(None))

    def on_load(request: gr.Request):
        items = store(request).list()
        choices = [(f"{name}", pid) for pid, name, _ in items]
        current = items[0][0] if items else None
        return gr.update(choices=choices, value=current), *project_view(load_project(current, request))

    def on_select(project_id: str | None, request: gr.Request):
        return project_view(load_project(project_id, request))

    def on_new(name: str, request: gr.Request):
        project = store(request).create(name or "未命名项目")
        items = store(request).list()
        return (
            gr.update(choices=[(n, pid) for pid, n, _ in items], value=project.id),
            "",
            *project_view(project),
        )

    def on_open(file: str | None, request: gr.Request):
        if not file:
            raise gr.Error("请先选择一个申报书文件（.docx/.md/.json）")
        try:
            project = store(request).import_application(Path(file))
        except AssistantError as err:
            raise gr.Error(str(err)) from err
        if project.application.scenes:  # straight into the editor: improving it is why it was opened
            project.draft = project.application.scenes[0].model_copy(deep=True)
            store(request).save(project)
        items = store(request).list()
        return gr.update(choices=[(n, pid) for pid, n, _ in items], value=project.id), *project_view(project)

    def on_send(project_id: str | None, message: str, files: list[str] | None, request: gr.Request):
        s = store(request)
        project = load_project(project_id, request) or s.create("我的申报项目")
        with shown_to_user():
            paths = access.checked_uploads(files or [])
        history = [{"role": m.role, "content": m.content} for m in project.chat]
        shown = [
            *history,
            {"role": "user", "content": message or "（上传文件）"},
            {"role": "assistant", "content": "…"},
        ]
        saved = None
        for reply in respond(project, settings, message, paths):
            shown[-1]["content"] = reply
            state = (len(project.chat), len(project.material), id(project.draft))
            if state != saved:  # the turn changed the project: save it (nothing lost mid-turn), redraw
                s.save(project)
                saved = state
                yield gr.update(), shown, "", None, *project_view(project)[1:]
            else:  # a streamed token: only the chat moves
                yield gr.skip(), shown, gr.skip(), gr.skip(), *[gr.skip()] * (view_size - 1)
        s.save(project)
        items = s.list()
        yield (
            gr.update(choices=[(n, pid) for pid, n, _ in items], value=project.id),
            *project_view(project)[:1],
            "",
            None,
            *project_view(project)[1:],
        )

    def on_edit(project_id: str | None, key: str, text: str, request: gr.Request):
        # Runs on every change of the box, including when the app itself fills it (loading a
        # project, a chat reply); only a real difference from the saved text is an edit.
        project = load_project(project_id, request)
        if project is None or project.draft is None:
            return views.counter(text, PART_SPECS[key].limit, False), views.findings_markdown(None)
        if project.draft.parts.get(key) != text:
            setattr(project.draft.parts, key, text)
            project.confirmed[key] = False
            store(request).save(project)
        confirmed = bool(project.confirmed.get(key))
        return views.counter(text, PART_SPECS[key].limit, confirmed), views.findings_markdown(project.draft)

    def on_confirm(project_id: str | None, key: str, value: bool, request: gr.Request):
        project = load_project(project_id, request)
        text = project.draft.parts.get(key) if project and project.draft else ""
        if project is not None:
            project.confirmed[key] = bool(value)
            store(request).save(project)
        return views.counter(text, PART_SPECS[key].limit, bool(value))

    def edit_handler(key: str):
        def handler(project_id: str | None, text: str, request: gr.Request):
            return on_edit(project_id, key, text, request)

        return handler

    def confirm_handler(key: str):
        def handler(project_id: str | None, value: bool, request: gr.Request):
            return on_confirm(project_id, key, value, request)

        return handler

    def on_pick_scene(project_id: str | None, index: int | None, request: gr.Request):
        project = load_project(project_id, request)
        if project is None or index is None or not 0 <= index < len(project.application.scenes):
            return project_view(project)[1:-1]
        project.draft = project.application.scenes[index].model_copy(deep=True)
        project.confirmed = {k: False for k in PART_KEYS}
        store(request).save(project)
        return project_view(project)[1:-1]

    def on_add_scene(project_id: str | None, request: gr.Request):
        project = load_project(project_id, request)
        if project is None or project.draft is None:
            raise gr.Error("还没有草稿：先在对话中提供材料")
        draft = project.draft.model_copy(deep=True)
        draft.gaps, draft.questions, draft.figures = [], [], []
        scenes = [s for s in project.application.scenes if s.title != draft.title]
        order = [*REQ.domain_names, *REQ.extra_names]
        scenes.append(draft)
        scenes.sort(key=lambda s: order.index(s.domain) if s.domain in order else len(order))
        project.application.scenes = scenes
        store(request).save(project)
        gr.Info(f"已放入申报书：{draft.title}")
        return (
            views.coverage_html(project.application),
            views.scenes_table(project.application),
            scene_choices(project.application),
        )

    def on_save_info(project_id: str | None, *values, request: gr.Request):
        project = load_project(project_id, request)
        if project is None:
            raise gr.Error("请先新建或选择一个项目")
        views.apply_basic_info(project.application, values)
        store(request).save(project)
        gr.Info("基本信息已保存")
        return views.coverage_html(project.application)

    def on_export(project_id: str | None, request: gr.Request):
        from assistant.docx_io.writer import export_docx
        from assistant.summary_table import write_summary_xlsx

        project = load_project(project_id, request)
        if project is None:
            raise gr.Error("请先新建或选择一个项目")
        s = store(request)
        docx_path = export_docx(project.application, s.unique_export(project, project.name, ".docx"))
        xlsx_path = s.unique_export(project, f"{project.name}-汇总表行", ".xlsx")
        write_summary_xlsx([project.application], xlsx_path)
        return [str(docx_path), str(xlsx_path)]

    # ---- reviewer -------------------------------------------------------------------------------------------
    def on_review(files: list[str] | None, progress=gr.Progress()):  # noqa: B008 (Gradio's idiom)
        from assistant.review.engine import review_batch
        from assistant.review.filing import write_batch_docx, write_filing_xlsx, write_report_docx
        from assistant.review.outputs import batch_markdown
        from assistant.summary_table import write_summary_xlsx

        if not files:
            raise gr.Error("请上传要审查的申报书（.docx/.doc/.wps/.pdf/扫描件/.md/.json，或 .zip）")
        workdir = Path(tempfile.mkdtemp(prefix="review-"))
        with shown_to_user():
            paths = access.expand_uploads(access.checked_uploads(files), workdir)
        if not paths:
            raise gr.Error("没有找到可审查的文件")
        progress(0, desc="审查中")
        batch = review_batch(paths, lambda done, total, name: progress(done / total, desc=f"审查 {name}"))
        xlsx = workdir / "审查结果.xlsx"
        write_filing_xlsx(batch, xlsx)
        report = workdir / "审查报告.docx"
        write_batch_docx(batch, report)
        md = workdir / "审查报告.md"
        md.write_text(batch_markdown(batch), encoding="utf-8")
        downloads = [str(xlsx), str(report), str(md)]
        for r in batch.reports:  # and one Word report per application, to file with it
            if r.application is not None:
                one = workdir / f"审查报告-{access.safe_name(Path(r.file).stem, 'file')}.docx"
                write_report_docx(r, one)
                downloads.append(str(one))
        apps = [r.application for r in batch.reports if r.application is not None]
        for unit, group in views.by_recommender(apps).items():  # one 汇总表 per 推荐单位
            summary = workdir / f"推荐汇总表-{access.safe_name(unit, 'file')}.xlsx"
            write_summary_xlsx(group, summary)
            downloads.append(str(summary))
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

    # ---- knowledge base -------------------------------------------------------------------------------------
    def on_search(query: str, method: str):
        from assistant.knowledge.retriever import KnowledgeBase

        if not query.strip():
            raise gr.Error("请输入要检索的内容")
        try:
            hits = access.knowledge_base(settings, KnowledgeBase).search(query, k=8, method=method)
        except AssistantError as err:
            raise gr.Error(str(err)) from err
        return views.search_results(hits)

    def on_add_documents(files: list[str] | None, progress=gr.Progress()):  # noqa: B008 (Gradio's idiom)
        from assistant.knowledge.index import build_index, user_documents_dir

        if not files:
            raise gr.Error("请选择要加入知识库的文件（.docx/.pdf/.md/.txt）")
        target = user_documents_dir(settings)
        target.mkdir(parents=True, exist_ok=True)
        with shown_to_user():
            saved = access.save_uploads(access.checked_uploads(files), target)
        result = build_index(settings, lambda stage, done, total: progress(done / max(total, 1), desc=stage))
        access.reset_knowledge_base()
        skipped = "".join(f"\n- 已跳过 {line}" for line in result.skipped)
        return f"已加入 {len(saved)} 个文件，索引共 {result.chunks} 段（新生成向量 {result.embedded}）。{skipped}"

    # ---- layout -------------------------------------------------------------------------------------------------
    with gr.Blocks(title="智能工厂申报助手") as demo:
        gr.Markdown(views.banner(settings), elem_id="mode-banner")
        with gr.Tab("撰写"):
            with gr.Row():
                project = gr.Dropdown(label="项目", choices=[], scale=3, elem_id="project")
                new_name = gr.Textbox(label="新项目名称", placeholder="如：铸造车间智能化改造", scale=2)
                new_btn = gr.Button("新建项目", scale=1)
                open_file = gr.File(
                    label="打开已有申报书继续完善", file_types=[".docx", ".md", ".json"], scale=2
                )
            with gr.Row():
                with gr.Column(scale=5):
                    chat = gr.Chatbot(label="对话", height=520, elem_id="chat")
                    message = gr.Textbox(
                        label="粘贴材料，或提出修改要求（如“技术方案压缩到400字以内”）",
                        lines=4,
                        elem_id="message",
                    )
                    uploads = gr.File(label="上传材料（.docx/.pdf/.txt/.md/.yaml）", file_count="multiple")
                    send = gr.Button("发送", variant="primary", elem_id="send")
                with gr.Column(scale=6):
                    scene_pick = gr.Dropdown(
                        label="改写申报书中已有的场景（选中后载入下方编辑，改完再“放入申报书”）",
                        choices=[],
                        elem_id="scene-pick",
                    )
                    header = gr.Markdown(elem_id="draft-header")
                    boxes, counters, checks = [], [], []
                    for key in PART_KEYS:
                        spec = PART_SPECS[key]
                        boxes.append(
                            gr.Textbox(
                                label=f"{spec.heading}（≤{spec.limit}字）", lines=5, elem_id=f"part-{key}"
                            )
                        )
                        with gr.Row():
                            counters.append(gr.HTML(elem_id=f"count-{key}"))
                            checks.append(
                                gr.Checkbox(label="已人工确认", value=False, elem_id=f"confirm-{key}")
                            )
                    findings = gr.Markdown(elem_id="draft-findings")
                    add_scene = gr.Button("放入申报书", elem_id="add-scene")
            with gr.Accordion("申报书总览与导出", open=False):
                with gr.Row():
                    coverage = gr.HTML(elem_id="coverage")
                    scenes_df = gr.Dataframe(
                        headers=views.SCENE_ROW_HEADERS,
                        interactive=False,
                        wrap=True,
                        column_widths=["4%", "10%", "41%", *["9%"] * 5],
                        elem_id="scenes",
                        scale=3,
                    )
                info_inputs = views.basic_info_inputs(REQ)
                save_info = gr.Button("保存基本信息")
                export_btn = gr.Button(
                    "导出 Word（附件2版式）与汇总表行（Excel）", variant="primary", elem_id="export"
                )
                export_files = gr.File(
                    label="下载", file_count="multiple", interactive=False, elem_id="export-files"
                )
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
            with gr.Row():
                query = gr.Textbox(
                    label="检索通知、要素条件与场景表",
                    placeholder="如：生产管理要写哪些环节？",
                    scale=4,
                    elem_id="kb-query",
                )
                method = gr.Radio(
                    [("混合", "hybrid"), ("关键词 BM25", "bm25"), ("向量", "dense")],
                    value="hybrid",
                    label="方法",
                    scale=1,
                )
                search_btn = gr.Button("检索", scale=1, elem_id="kb-search")
            results = gr.Dataframe(
                headers=views.SEARCH_HEADERS,
                interactive=False,
                wrap=True,
                # Both scores must stay on screen next to the snippet, not behind a horizontal scroll.
                column_widths=["4%", "28%", "47%", "7%", "7%", "7%"],
                elem_id="kb-results",
            )
            gr.Markdown("### 场景表（领域 → 环节 → 场景）\n" + views.SCENE_TABLE_NOTE)
            gr.Dataframe(
                value=views.scene_table_rows(), headers=views.SCENE_HEADERS, interactive=False, wrap=True
            )
            docs = gr.File(
                label="加入文档（如官方指引全文、往年申报书）",
                file_count="multiple",
                file_types=[".docx", ".pdf", ".md", ".txt"],
            )
            add_docs = gr.Button("加入并重建索引")
            add_docs_result = gr.Markdown()

        view_outputs = [
            chat,
            header,
            *boxes,
            *counters,
            *checks,
            findings,
            coverage,
            scenes_df,
            *info_inputs,
            scene_pick,
        ]
        demo.load(on_load, outputs=[project, *view_outputs], api_name="load")
        project.change(on_select, inputs=project, outputs=view_outputs, api_name="select_project")
        new_btn.click(
            on_new, inputs=new_name, outputs=[project, new_name, *view_outputs], api_name="new_project"
        )
        open_file.upload(
            on_open, inputs=open_file, outputs=[project, *view_outputs], api_name="open_application"
        )
        send.click(
            on_send,
            inputs=[project, message, uploads],
            outputs=[project, chat, message, uploads, *view_outputs[1:]],
            api_name="send",
            concurrency_limit=settings.llm_concurrency,
            concurrency_id="llm",
        )
        for key, box, counter_html, check in zip(PART_KEYS, boxes, counters, checks, strict=True):
            # .change, not .input: Gradio's textbox sends .input from the key handler with the text
            # before the keystroke, and not at all for a paste or drop, so the count would lag.
            box.change(
                edit_handler(key),
                inputs=[project, box],
                outputs=[counter_html, findings],
                api_name=f"edit_{key}",
                show_progress="hidden",
            )
            check.input(
                confirm_handler(key),
                inputs=[project, check],
                outputs=counter_html,
                api_name=f"confirm_{key}",
                show_progress="hidden",
            )
        scene_pick.input(
            on_pick_scene, inputs=[project, scene_pick], outputs=view_outputs[1:-1], api_name="pick_scene"
        )
        add_scene.click(
            on_add_scene, inputs=project, outputs=[coverage, scenes_df, scene_pick], api_name="add_scene"
        )
        save_info.click(on_save_info, inputs=[project, *info_inputs], outputs=coverage, api_name="save_info")
        export_btn.click(on_export, inputs=project, outputs=export_files, api_name="export")
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
        search_btn.click(on_search, inputs=[query, method], outputs=results, api_name="search")
        query.submit(on_search, inputs=[query, method], outputs=results, api_name="search_submit")
        add_docs.click(
            on_add_documents,
            inputs=docs,
            outputs=add_docs_result,
            api_name="add_documents",
            concurrency_limit=1,
        )
    return demo


def serve(demo: gr.Blocks, settings: Settings, host: str, port: int, **launch_options) -> None:
    """Launch as ``python app.py`` does; tests and benchmarks call this too so they see the same page
    (Gradio 6 takes the stylesheet at launch, not in the Blocks)."""
    demo.queue(default_concurrency_limit=4, max_size=64)
    demo.launch(
        server_name=host,
        server_port=port,
        max_file_size=settings.max_upload_mb * 1024 * 1024,
        css=views.CSS,
        show_error=True,
        **launch_options,
    )


def main() -> None:
    settings = get_settings()
    host = os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1")
    port = int(os.environ.get("GRADIO_SERVER_PORT", "7860"))
    auth = access.auth_for(host, settings)
    demo = build_app(settings)
    print(f"智能工厂申报助手：http://{host}:{port}　{settings.mode}", flush=True)
    serve(demo, settings, host, port, auth=auth)


if __name__ == "__main__":
    main()
