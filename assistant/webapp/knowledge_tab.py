"""The 知识库 tab: search with citations and both scores, the scene table, adding documents."""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.safe_text import escape_html, inert_markdown
from assistant.webapp import access, views


@dataclass
class KnowledgeTab:
    query: gr.Textbox
    method: gr.Radio
    search: gr.Button
    results: gr.Dataframe
    docs: gr.File
    add_docs: gr.Button
    add_result: gr.Markdown


def build_knowledge_tab() -> KnowledgeTab:
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
        search = gr.Button("检索", scale=1, elem_id="kb-search")
    results = gr.Dataframe(
        headers=views.SEARCH_HEADERS,
        interactive=False,
        wrap=True,
        # Both scores must stay on screen next to the snippet, not behind a horizontal scroll.
        column_widths=["4%", "28%", "47%", "7%", "7%", "7%"],
        elem_id="kb-results",
    )
    gr.Markdown("### 场景表（领域 → 环节 → 场景）\n" + views.SCENE_TABLE_NOTE)
    gr.Dataframe(value=views.scene_table_rows(), headers=views.SCENE_HEADERS, interactive=False, wrap=True)
    docs = gr.File(
        label="加入文档（如官方指引全文、往年申报书）",
        file_count="multiple",
        file_types=[".docx", ".pdf", ".md", ".txt"],
    )
    add_docs = gr.Button("加入并重建索引")
    add_result = gr.Markdown()
    return KnowledgeTab(query, method, search, results, docs, add_docs, add_result)


def wire_knowledge_tab(tab: KnowledgeTab, settings: Settings) -> None:
    def on_search(query: str, method: str):
        from assistant.knowledge.retriever import KnowledgeBase

        if not query.strip():
            raise gr.Error("请输入要检索的内容", title="提示")
        try:
            hits = access.knowledge_base(settings, KnowledgeBase).search(query, k=8, method=method)
        except AssistantError as err:
            raise gr.Error(escape_html(err), title="无法检索") from err
        return views.search_results(hits)

    def on_add_documents(
        files: list[str] | None,
        request: gr.Request,
        progress=gr.Progress(),  # noqa: B008 (Gradio's idiom)
    ):
        from assistant.knowledge.index import build_index

        if not files:
            raise gr.Error("请选择要加入知识库的文件（.docx/.pdf/.md/.txt）", title="提示")
        target = access.documents_folder(settings, request)  # per user: same names never collide
        target.mkdir(parents=True, exist_ok=True)
        try:
            saved = access.save_uploads(access.checked_uploads(files), target)
        except AssistantError as err:
            raise gr.Error(escape_html(err), title="上传的文件") from err
        result = build_index(settings, lambda stage, done, total: progress(done / max(total, 1), desc=stage))
        access.reset_knowledge_base()
        skipped = "".join(f"\n- 已跳过 {inert_markdown(line)}" for line in result.skipped)
        owner = inert_markdown(access.user_of(request))
        names = "、".join(inert_markdown(p.name) for p in saved)
        return (
            f"已加入 {len(saved)} 个文件（{names}，上传者：{owner}），索引共 {result.chunks} 段"
            f"（新生成向量 {result.embedded}）。{skipped}"
        )

    inputs = [tab.query, tab.method]
    tab.search.click(on_search, inputs=inputs, outputs=tab.results, api_name="search")
    tab.query.submit(on_search, inputs=inputs, outputs=tab.results, api_name="search_submit")
    tab.add_docs.click(
        on_add_documents,
        inputs=tab.docs,
        outputs=tab.add_result,
        api_name="add_documents",
        concurrency_limit=1,
    )
