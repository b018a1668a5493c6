"""The 撰写 tab: a chat that understands replies, a scene picker, five protected parts, the overview.

``build_writer_tab`` lays the components out and returns them as a ``WriterTab``; ``wire_writer_tab``
connects the events. Handlers return dicts keyed by component, never positional tuples.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import gradio as gr

from assistant.chat import apply_turn, respond, snapshot, switch_scene, undo_turn
from assistant.chat_intents import TAKEN_AS
from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.models import PART_KEYS, Application
from assistant.projects import Project, ProjectStore, part_id
from assistant.requirements import load_requirements
from assistant.safe_text import escape_html, inert_markdown
from assistant.webapp import access, basic_info_form, views
from assistant.webapp.sections import Sections, check_markdown, layout_sections, sections_view, wire_sections
from assistant.workspace import accept_proposal, reject_proposal, undo_part, writer_edit

REQ = load_requirements()
PART_SPECS = {spec.key: spec for spec in REQ.parts}
MESSAGE_KEY = "assistant-unsent-message"  # localStorage key: unsent text survives a reload


@dataclass
class PartWidgets:
    key: str
    box: gr.Textbox
    counter: gr.HTML
    undo: gr.Button
    proposal_group: gr.Group
    proposal: gr.Markdown
    accept: gr.Button
    reject: gr.Button


@dataclass
class Overview:
    coverage: gr.HTML
    scenes: gr.Dataframe
    info: list[gr.components.Component]
    save_info: gr.Button
    sections: Sections
    export: gr.Button
    files: gr.File


@dataclass
class WriterTab:
    project: gr.Dropdown
    new_name: gr.Textbox
    new_btn: gr.Button
    open_file: gr.UploadButton
    chat: gr.Chatbot
    message: gr.MultimodalTextbox
    undo_turn: gr.Button
    candidates: gr.Radio
    scene_all: gr.Dropdown
    scene_pick: gr.Dropdown
    header: gr.Markdown
    parts: list[PartWidgets]
    findings: gr.Markdown
    add_scene: gr.Button
    next_scene: gr.Button
    overview: Overview
    # Per tab: the version of each part this tab last saw, so an edit based on an older text is refused
    # with both texts shown instead of silently overwriting another tab's edit.
    versions: gr.State = field(default_factory=lambda: gr.State({}))
    extra: dict = field(default_factory=dict)

    @property
    def view(self) -> list[gr.components.Component]:
        """Everything ``render`` fills: the outputs of any handler that redraws the tab."""
        parts = [c for p in self.parts for c in (p.box, p.counter, p.undo, p.proposal_group, p.proposal)]
        o = self.overview
        return [
            self.chat,
            self.candidates,
            self.scene_all,
            self.scene_pick,
            self.header,
            *parts,
            self.findings,
            o.coverage,
            o.scenes,
            *o.info,
            *o.sections.components,
        ]


def _replacing(change: Callable[[Project], Project]) -> Callable[[Project], None]:
    """``change`` returns a new project; the store's ``update`` wants the current one modified."""

    def apply(current: Project) -> None:
        new = change(current)
        for name in Project.model_fields:
            setattr(current, name, getattr(new, name))

    return apply


def _chat_of(project: Project | None) -> list[dict]:
    if project is None or not project.chat:
        return views.greeting_chat()
    # What the writer typed or pasted is shown, never rendered; replies are made inert where chat.py builds them.
    return [
        *views.greeting_chat(),
        *(
            {"role": m.role, "content": inert_markdown(m.content) if m.role == "user" else m.content}
            for m in project.chat
        ),
    ]


def render(tab: WriterTab, project: Project | None) -> dict:
    """The whole tab for a project (None: a first visit)."""
    draft = project.draft if project else None
    ws = project.workspace if project else None
    app_ = project.application if project else Application()
    current = f"{draft.link}|{draft.scene}" if draft and draft.link else None
    out: dict = {
        tab.chat: _chat_of(project),
        tab.candidates: gr.update(
            choices=views.candidate_choices(ws.candidates if ws else []),
            value=current if ws and any(f"{c.link}|{c.scene}" == current for c in ws.candidates) else None,
        ),
        tab.scene_all: gr.update(value=current),
        tab.scene_pick: gr.update(choices=views.scene_choices(app_), value=None),
        tab.header: views.draft_header(draft),
        tab.findings: views.findings_markdown(draft),
        tab.overview.coverage: views.coverage_html(app_),
        tab.overview.scenes: views.scenes_table(app_),
        **dict(zip(tab.overview.info, basic_info_form.values_of(app_, REQ), strict=True)),
        **sections_view(tab.overview.sections, project),
    }
    for p in tab.parts:
        out.update(_part_view(p, project))
    return out


def render_after_turn(tab: WriterTab, fresh: Project, stored: dict[str, str]) -> dict:
    """The tab after a chat turn, leaving out each part box whose stored text the turn did not change:
    the writer may be typing in it, and keystrokes not yet saved would be overwritten."""
    out = render(tab, fresh)
    for p in tab.parts:
        if p.key in stored and fresh.draft is not None and fresh.draft.parts.get(p.key) == stored[p.key]:
            del out[p.box]
    return out


def _part_view(p: PartWidgets, project: Project | None) -> dict:
    draft = project.draft if project else None
    text = draft.parts.get(p.key) if draft else ""
    state = project.workspace.part(p.key) if project else None
    limit = PART_SPECS[p.key].limit
    proposal = state.proposal if state else None
    return {
        p.box: text,
        p.counter: views.counter(text, limit, bool(state and state.edited)),
        p.undo: gr.update(interactive=bool(state and state.previous is not None)),
        p.proposal_group: gr.update(visible=proposal is not None),
        p.proposal: views.proposal_markdown(proposal, limit),
    }


def _layout_project_row() -> tuple[gr.Dropdown, gr.Textbox, gr.Button, gr.UploadButton]:
    with gr.Row(equal_height=True):
        project = gr.Dropdown(label="项目", choices=[], scale=3, elem_id="project")
        new_name = gr.Textbox(
            label="新项目名称", placeholder="如：铸造车间智能化改造", scale=2, elem_id="new-name"
        )
        new_btn = gr.Button("新建项目", scale=1, elem_id="new-project")
        open_file = gr.UploadButton(
            "打开已有申报书",
            # Last year's application is often a .doc/.wps or a PDF: the reviewer's reader opens them all.
            file_types=[".docx", ".doc", ".wps", ".odt", ".pdf", ".md", ".json"],
            scale=1,
            elem_id="open-file",
        )
    return project, new_name, new_btn, open_file


def _layout_part(key: str) -> PartWidgets:
    spec = PART_SPECS[key]
    box = gr.Textbox(label=f"{spec.heading}（≤{spec.limit}字）", lines=4, elem_id=f"part-{key}")
    with gr.Row(equal_height=True):
        counter = gr.HTML(label=f"字数-{key}", elem_id=f"count-{key}")
        undo = gr.Button("撤销本部分上一次改动", size="sm", interactive=False, elem_id=f"undo-{key}", scale=0)
    with gr.Group(visible=False, elem_id=f"proposal-{key}") as group:
        proposal = gr.Markdown(label=f"建议-{key}", elem_id=f"proposal-text-{key}")
        with gr.Row():
            # neither is pressed for the writer: her own text stays unless she takes the suggestion
            accept = gr.Button("采用建议", size="sm", elem_id=f"accept-{key}")
            reject = gr.Button("保留我的", size="sm", elem_id=f"reject-{key}")
    return PartWidgets(key, box, counter, undo, group, proposal, accept, reject)


def _layout_overview() -> Overview:
    with gr.Accordion("申报书总览、基本信息、各章节与导出", open=False, elem_id="overview"):
        with gr.Row():
            coverage = gr.HTML(label="领域覆盖", elem_id="coverage")
            scenes = gr.Dataframe(
                label="申报书中的场景",
                show_label=False,
                headers=views.SCENE_ROW_HEADERS,
                interactive=False,
                wrap=True,
                column_widths=["4%", "10%", "41%", *["9%"] * 5],
                elem_id="scenes",
                scale=3,
            )
        gr.Markdown("#### 一、基本信息")
        info = basic_info_form.build_inputs(REQ)
        save_info = gr.Button("保存基本信息", elem_id="save-info")
        sections = layout_sections()
        export = gr.Button("导出 Word（附件2版式）与汇总表行（Excel）", variant="primary", elem_id="export")
        files = gr.File(label="下载", file_count="multiple", interactive=False, elem_id="export-files")
    return Overview(coverage, scenes, info, save_info, sections, export, files)


def build_writer_tab() -> WriterTab:
    project, new_name, new_btn, open_file = _layout_project_row()
    with gr.Row():
        with gr.Column(scale=5):
            # No "share to Hugging Face" button: the product runs offline and shares nothing.
            chat = gr.Chatbot(
                label="对话",
                height=372,
                elem_id="chat",
                value=views.greeting_chat(),
                buttons=["copy", "copy_all"],
            )
            message = gr.MultimodalTextbox(
                label="粘贴材料、回答问题或提出修改（写完点“发送”；左侧回形针可上传文件）",
                placeholder="在这里粘贴材料，如：压铸线末端原来靠3名质检员目检……",
                file_count="multiple",
                file_types=[
                    ".docx",
                    ".doc",
                    ".wps",
                    ".pdf",
                    ".txt",
                    ".md",
                    ".yaml",
                    ".yml",
                    ".json",
                    ".xlsx",
                    ".csv",
                ],
                sources=["upload"],
                lines=3,
                max_lines=12,
                submit_btn="发送",
                max_plain_text_length=200_000,  # long pasted notes stay text, not a file
                elem_id="message",
            )
            undo = gr.Button("撤销上一步（对话）", size="sm", elem_id="undo-turn")
        with gr.Column(scale=6):
            with gr.Accordion("场景（不对就在这里改选）", open=True, elem_id="scene-box"):
                candidates = gr.Radio(
                    label="候选（及命中的词）",
                    info="标“（未核实）”的场景名尚未与工信部2024年版场景指引原文逐字核对，可以选用，定稿前请以指引原文为准",
                    choices=[],
                    elem_id="scene-candidates",
                )
                scene_all = gr.Dropdown(
                    label="或从全部环节/场景中选择",
                    choices=views.all_scene_choices(),
                    value=None,
                    filterable=True,
                    elem_id="scene-all",
                )
            scene_pick = gr.Dropdown(
                label="改写申报书中已有的场景（选中后载入下方编辑，改完再“放入申报书”）",
                choices=[],
                elem_id="scene-pick",
            )
            header = gr.Markdown(label="草稿", elem_id="draft-header")
            parts = [_layout_part(key) for key in PART_KEYS]
            findings = gr.Markdown(label="审查提示", elem_id="draft-findings")
            with gr.Row():
                add_scene = gr.Button("放入申报书", elem_id="add-scene")
                next_scene = gr.Button("开始下一个场景", elem_id="next-scene")
    overview = _layout_overview()
    return WriterTab(
        project, new_name, new_btn, open_file, chat, message, undo, candidates, scene_all, scene_pick,
        header, parts, findings, add_scene, next_scene, overview,
    )  # fmt: skip


class Refused(Exception):
    """A request the page cannot carry out as asked (no project yet, an unplaced draft, a file type it
    does not read): said in a warning, and nothing on the page changes."""

    def __init__(self, message: object, title: str = "提示") -> None:
        super().__init__(str(message))
        self.title = title


def _refusals_as_warnings(cls: type) -> type:
    """Every ``on_*`` handler answers a refusal with a warning toast and no updates: a raised gr.Error
    would mark every output of the event "Error", which reads as a crash."""

    def plain(handler: Callable) -> Callable:
        @functools.wraps(handler)
        def run(*args, **kwargs):
            try:
                return handler(*args, **kwargs)
            except Refused as err:
                gr.Warning(escape_html(err), title=err.title)
                return gr.skip()  # one skip leaves every output of the event as it was

        return run

    def streaming(handler: Callable) -> Callable:
        @functools.wraps(handler)
        def run(*args, **kwargs):
            try:
                yield from handler(*args, **kwargs)
            except Refused as err:
                gr.Warning(escape_html(err), title=err.title)

        return run

    for name, handler in list(vars(cls).items()):
        if name.startswith("on_") and callable(handler):
            wrap = streaming if inspect.isgeneratorfunction(handler) else plain
            setattr(cls, name, wrap(handler))
    return cls


@_refusals_as_warnings
class WriterHandlers:
    """The tab's event handlers over one settings object; each loads the project it acts on."""

    def __init__(self, settings: Settings, tab: WriterTab) -> None:
        self.settings, self.tab = settings, tab

    def store(self, request: gr.Request | None) -> ProjectStore:
        return ProjectStore(self.settings.data_dir, access.user_of(request))

    def load(self, project_id: str | None, request: gr.Request | None) -> Project | None:
        if not project_id:
            return None
        try:
            return self.store(request).load(project_id)
        except AssistantError:
            return None

    def require(self, project_id: str | None, request: gr.Request | None) -> Project:
        project = self.load(project_id, request)
        if project is None:
            raise Refused("请先新建或选择一个项目", title="提示")
        return project

    def project_choices(self, request: gr.Request | None, value: str | None) -> dict:
        items = self.store(request).list()
        return {self.tab.project: gr.update(choices=[(n, pid) for pid, n, _ in items], value=value)}

    # ---- project -------------------------------------------------------------------------------------
    def on_load(self, request: gr.Request) -> dict:
        items = self.store(request).list()
        current = items[0][0] if items else None
        return {**self.project_choices(request, current), **render(self.tab, self.load(current, request))}

    def on_select(self, project_id: str | None, request: gr.Request) -> dict:
        return render(self.tab, self.load(project_id, request))

    def on_new(self, name: str, request: gr.Request) -> dict:
        if not (name or "").strip():  # a list of 未命名项目 tells the writer nothing about which is which
            raise Refused("请先在“新项目名称”里填写名称（如：铸造车间智能化改造），再点“新建项目”")
        project = self.store(request).create(name.strip())
        return {
            **self.project_choices(request, project.id),
            self.tab.new_name: "",
            **render(self.tab, project),
        }

    def on_open(self, file: str | None, request: gr.Request) -> dict:
        if not file:
            raise Refused("请先选择一个申报书文件（.docx/.doc/.wps/.pdf/.md/.json）", title="提示")
        s = self.store(request)
        try:
            project = s.import_application(Path(file))
        except AssistantError as err:
            raise Refused(err, title="无法打开") from err
        scenes = project.application.scenes
        if scenes:  # straight into the editor: improving it is why it was opened
            project.draft = scenes[0].model_copy(deep=True)
            project.workspace.placed_title = project.draft.title
            for (
                key
            ) in PART_KEYS:  # the opened text is the writer's own: a redraft proposes, never replaces it
                project.workspace.part(key).edited = bool(project.draft.parts.get(key).strip())
            s.save(project)
        shown = f"，共{len(scenes)}个场景，编辑区已载入第一个场景" if scenes else "，未识别到场景"
        gr.Info(escape_html(f"已打开“{project.name}”{shown}"), title="已打开")
        return {**self.project_choices(request, project.id), **render(self.tab, project)}

    # ---- chat ----------------------------------------------------------------------------------------
    def on_send(self, project_id: str | None, message: dict | None, request: gr.Request):
        """Stream the reply; at the end apply only what the turn changed to the project as stored now,
        so an edit typed in the page while the assistant worked is kept."""
        s = self.store(request)
        text = (message or {}).get("text") or ""
        files = [str(f) for f in (message or {}).get("files") or []]
        if not text.strip() and not files:
            raise Refused("请先输入或粘贴内容，或上传文件", title="提示")
        project = self.load(project_id, request) or s.create("我的申报项目")
        try:
            paths = access.checked_uploads(files, allowed=access.MATERIAL_SUFFIXES)
        except AssistantError as err:
            raise Refused(err, title="上传的文件") from err
        before, work = project.model_copy(deep=True), project.model_copy(deep=True)
        shown = [*_chat_of(project), {"role": "user", "content": inert_markdown(text or "（上传文件）")}]
        shown.append({"role": "assistant", "content": "…"})
        for reply in respond(work, self.settings, text, paths):
            if work.chat[-1].role == "assistant":
                # The finished reply ("已起草…") shows in the same render as the draft it describes:
                # shown earlier, the writer starts typing into a box the draft is about to fill.
                continue
            shown[-1]["content"] = reply
            yield {self.tab.chat: shown}
        # Applied inside one transaction to the project as stored now (another tab's edit is kept).
        fresh, stored = self._apply_turn(s, project.id, before, work)
        yield {
            **self.project_choices(request, fresh.id),
            self.tab.message: gr.MultimodalTextbox(value=None),
            **render_after_turn(self.tab, fresh, stored),
        }

    @staticmethod
    def _apply_turn(s: ProjectStore, project_id: str, before: Project, work: Project) -> tuple[Project, dict]:
        """Apply the turn; also return each part's text as stored just before it was applied."""
        stored: dict[str, str] = {}

        def change(current: Project) -> Project:
            stored.update({k: current.draft.parts.get(k) for k in PART_KEYS} if current.draft else {})
            return apply_turn(before, work, current)

        return s.update(project_id, _replacing(change)), stored

    def on_undo_turn(self, project_id: str | None, request: gr.Request) -> dict:
        project = self.require(project_id, request)
        message = undo_turn(project)
        self.store(request).save(project)
        gr.Info(escape_html(message), title="撤销")
        return render(self.tab, project)

    # ---- parts ---------------------------------------------------------------------------------------
    def on_edit(
        self, key: str, project_id: str | None, text: str, versions: dict | None, request: gr.Request
    ) -> dict:
        # Runs on every change of the box, including when the app itself fills it (loading a project,
        # a chat reply); only a real difference from the stored text is the writer's edit.
        project = self.load(project_id, request)
        p = next(w for w in self.tab.parts if w.key == key)
        versions = dict(versions or {})
        if project is None or project.draft is None:
            return {p.counter: views.counter(text, PART_SPECS[key].limit, False), self.tab.versions: versions}
        slot, part = f"{project_id}/{part_id(None, key)}", part_id(None, key)
        seen, refused = versions.get(slot), None

        def change(current: Project) -> None:
            nonlocal refused
            stored_text = current.draft.parts.get(key) if current.draft else ""
            if seen is not None and seen != current.part_versions.get(part, 0) and stored_text != text:
                refused = stored_text  # another tab changed this part since this one last saw it
            elif current.draft is not None:
                writer_edit(current.draft, current.workspace, key, text)

        if project.draft.parts.get(key) != text:
            # Re-read and written in one transaction: an edit of another part in another tab stays.
            project = self.store(request).update(project.id, change)
        versions[slot] = project.part_versions.get(part, 0)
        if refused is not None:
            views.warn_stale_edit(key, refused, text)
        # Never the box itself: while the writer types, a reply carrying the text this event saw would
        # overwrite the keystrokes made since (characters, even figures, lost).
        view = {c: v for c, v in _part_view(p, project).items() if c is not p.box}
        return {
            **view,
            self.tab.findings: views.findings_markdown(project.draft),
            self.tab.header: views.draft_header(project.draft),  # a question the edit answered goes
            self.tab.versions: versions,
        }

    def on_part_action(self, key: str, action: str, project_id: str | None, request: gr.Request) -> dict:
        project = self.require(project_id, request)
        if project.draft is None:
            raise Refused("还没有草稿", title="提示")
        ws = project.workspace
        done = {
            "accept": lambda: accept_proposal(project.draft, ws, key),
            "reject": lambda: reject_proposal(ws, key),
            "undo": lambda: undo_part(project.draft, ws, key),
        }[action]()
        if done:
            self.store(request).save(project)
        p = next(w for w in self.tab.parts if w.key == key)
        return {**_part_view(p, project), self.tab.findings: views.findings_markdown(project.draft)}

    # ---- scenes --------------------------------------------------------------------------------------
    def on_switch_scene(self, project_id: str | None, choice: str | None, request: gr.Request):
        if not choice or "|" not in choice:
            yield {}
            return
        project = self.require(project_id, request)
        draft = project.draft
        if draft is not None and f"{draft.link}|{draft.scene}" == choice:
            yield {}
            return
        link, scene = choice.split("|", 1)
        before, work = project.model_copy(deep=True), project.model_copy(deep=True)
        from assistant.projects import ChatMessage

        work.workspace.undo = snapshot(work, TAKEN_AS["scene"])  # the picker's switch can be undone too
        steps = switch_scene(work, self.settings, link, scene)
        while True:  # the progress lines are yielded; the full reply is the generator's return value
            try:
                shown = next(steps)
            except StopIteration as done:
                reply = done.value
                break
            yield {self.tab.chat: [*_chat_of(project), {"role": "assistant", "content": shown}]}
        work.chat.append(ChatMessage(role="assistant", content=reply))
        fresh, stored = self._apply_turn(self.store(request), project.id, before, work)
        yield render_after_turn(self.tab, fresh, stored)

    def on_pick_scene(self, project_id: str | None, index: int | None, request: gr.Request) -> dict:
        project = self.load(project_id, request)
        if project is None or index is None or not 0 <= index < len(project.application.scenes):
            return {}
        if project.draft_unplaced:
            raise Refused(
                "当前草稿还有没放入申报书的内容：请先点“放入申报书”，再改写已有的场景", title="提示"
            )
        fresh = self.store(request).update(project.id, lambda current: current.reopen_scene(index))
        return render(self.tab, fresh)

    def on_add_scene(self, project_id: str | None, request: gr.Request) -> dict:
        project = self.require(project_id, request)
        if project.draft is None:
            raise Refused("还没有草稿：先在对话中提供材料", title="提示")
        draft = project.application.place_scene(
            project.draft, REQ.domain_order, replacing=project.workspace.placed_title
        )
        project.workspace.placed_title = draft.title
        self.store(request).save(project)
        gr.Info(
            f"已放入申报书：{escape_html(draft.title)}。要写另一个场景，请点“开始下一个场景”再粘贴它的材料",
            title="完成",
        )
        return render(self.tab, project)

    def on_next_scene(self, project_id: str | None, request: gr.Request) -> dict:
        project = self.require(project_id, request)
        if project.draft_unplaced:
            raise Refused("当前草稿还有没放入申报书的内容：请先点“放入申报书”，以免丢失", title="提示")
        count = len(project.application.scenes)

        def change(current: Project) -> None:
            from assistant.projects import ChatMessage

            current.start_next_scene()
            current.chat.append(
                ChatMessage(
                    role="assistant",
                    content=f"申报书中已有 {count} 个场景。请粘贴或上传下一个场景的材料，我会单独起草它。",
                )
            )

        fresh = self.store(request).update(project.id, change)
        return render(self.tab, fresh)

    def on_clear_chat(self, project_id: str | None, request: gr.Request) -> None:
        """The chat's 清空对话 clears the conversation kept with the project too (material, draft and
        application stay): a reload shows what the writer cleared, not the old exchange."""
        project = self.load(project_id, request)
        if project is None:
            return

        def change(current: Project) -> None:
            current.chat = []

        self.store(request).update(project.id, change)

    # ---- overview ------------------------------------------------------------------------------------
    def on_save_info(self, request: gr.Request, project_id: str | None, *values) -> dict:
        # ``request`` first: Gradio passes it by position, so after ``*values`` it never arrived (the
        # button crashed on every click); tests/test_app.py saves and finds the values in the .docx.
        self.require(project_id, request)
        # One transaction on the project as stored now: a section typed meanwhile is kept.
        fresh = self.store(request).update(
            project_id, lambda current: basic_info_form.apply_values(current.application, REQ, list(values))
        )
        gr.Info("基本信息已保存", title="完成")
        o = self.tab.overview
        return {
            o.coverage: views.coverage_html(fresh.application),
            o.sections.check: check_markdown(fresh.application, fresh),
        }

    def on_export(self, project_id: str | None, request: gr.Request) -> dict:
        from assistant.drafting.assemble import export_application

        project = self.require(project_id, request)
        s = self.store(request)
        docx_path = s.unique_export(project, project.name, ".docx")
        xlsx_path = s.unique_export(project, f"{project.name}-汇总表行", ".xlsx")
        issues = export_application(project.application, docx=docx_path, summary=xlsx_path)
        if project.draft_unplaced:  # what is on screen is not what was written to the file
            gr.Warning(
                "导出的是申报书中已放入的版本；当前场景草稿尚未放入或放入后又有改动，未写进文件。"
                "如需导出，请先点“放入申报书”再导出。",
                duration=20,
                title="草稿未放入",
            )
        if issues:  # exported anyway: the writer knows what the file still lacks
            shown = "<br>".join(escape_html(issue.line()) for issue in issues)
            gr.Warning(f"已导出；以下 {len(issues)} 项仍不完整：<br>{shown}", duration=20, title="已导出")
        else:
            gr.Info("已导出，导出前检查没有发现缺漏", title="完成")
        o = self.tab.overview
        return {
            o.files: [str(docx_path), str(xlsx_path)],
            o.sections.check: check_markdown(project.application, project),
        }


def _part_handler(h: WriterHandlers, key: str, action: str) -> Callable:
    # Explicit parameters: Gradio finds ``request`` by its annotation, which *args would hide.
    def handler(project_id: str | None, request: gr.Request) -> dict:
        return h.on_part_action(key, action, project_id, request)

    handler.__name__ = f"on_{action}_{key}"
    return handler


def _edit_handler(h: WriterHandlers, key: str) -> Callable:
    def handler(project_id: str | None, text: str, versions: dict | None, request: gr.Request) -> dict:
        return h.on_edit(key, project_id, text, versions, request)

    handler.__name__ = f"on_edit_{key}"
    return handler


_SAVE_MESSAGE_JS = f"(v) => {{ localStorage.setItem('{MESSAGE_KEY}', (v && v.text) || ''); }}"
_RESTORE_MESSAGE_JS = f"() => ({{text: localStorage.getItem('{MESSAGE_KEY}') || '', files: []}})"


def wire_writer_tab(demo: gr.Blocks, tab: WriterTab, settings: Settings) -> None:
    h = WriterHandlers(settings, tab)
    view, project = tab.view, tab.project
    demo.load(h.on_load, outputs=[project, *view], api_name="load")
    # The unsent message comes back from the browser's own storage: nothing typed is lost on reload.
    # .change, not .input (which this component does not send while typing); a successful send
    # empties the box, and so the stored copy.
    demo.load(None, outputs=tab.message, js=_RESTORE_MESSAGE_JS, api_name="restore_message")
    tab.message.change(None, inputs=tab.message, js=_SAVE_MESSAGE_JS, api_name="keep_message")
    project.input(h.on_select, inputs=project, outputs=view, api_name="select_project")
    tab.new_btn.click(
        h.on_new, inputs=tab.new_name, outputs=[project, tab.new_name, *view], api_name="new_project"
    )
    tab.open_file.upload(
        h.on_open, inputs=tab.open_file, outputs=[project, *view], api_name="open_application"
    )
    tab.message.submit(
        h.on_send,
        inputs=[project, tab.message],
        outputs=[project, tab.message, *view],
        api_name="send",
        concurrency_limit=settings.llm_concurrency,
        concurrency_id="llm",
    )
    tab.undo_turn.click(h.on_undo_turn, inputs=project, outputs=view, api_name="undo_turn")
    tab.chat.clear(h.on_clear_chat, inputs=project, outputs=None, api_name="clear_chat")
    for p in tab.parts:
        # .change, not .input: Gradio's textbox sends .input from the key handler with the text
        # before the keystroke, and not at all for a paste or drop, so the count would lag.
        part_outputs = [p.box, p.counter, p.undo, p.proposal_group, p.proposal, tab.findings]
        p.box.change(
            _edit_handler(h, p.key),
            inputs=[project, p.box, tab.versions],
            outputs=[*(c for c in part_outputs if c is not p.box), tab.header, tab.versions],
            api_name=f"edit_{p.key}",
            show_progress="hidden",
        )
        for button, action in ((p.accept, "accept"), (p.reject, "reject"), (p.undo, "undo")):
            button.click(
                _part_handler(h, p.key, action),
                inputs=project,
                outputs=part_outputs,
                api_name=f"{action}_{p.key}",
            )
    for picker, name in ((tab.candidates, "choose_candidate"), (tab.scene_all, "choose_scene")):
        picker.input(
            h.on_switch_scene,
            inputs=[project, picker],
            outputs=view,
            api_name=name,
            concurrency_limit=settings.llm_concurrency,
            concurrency_id="llm",
            trigger_mode="once",  # a click on the list can fire twice; one switch is enough
        )
    tab.scene_pick.input(
        h.on_pick_scene, inputs=[project, tab.scene_pick], outputs=view, api_name="pick_scene"
    )
    tab.add_scene.click(h.on_add_scene, inputs=project, outputs=view, api_name="add_scene")
    tab.next_scene.click(h.on_next_scene, inputs=project, outputs=view, api_name="next_scene")
    o = tab.overview
    check = o.sections.check
    o.save_info.click(
        h.on_save_info, inputs=[project, *o.info], outputs=[o.coverage, check], api_name="save_info"
    )
    o.export.click(h.on_export, inputs=project, outputs=[o.files, check], api_name="export")
    wire_sections(o.sections, project, settings, h.store)
