"""The application's own texts on the writer's page — 企业简介, 项目简述, 二、项目总体情况, 四、项目实施成效 —
each editable with its 字数 and drafted: 企业简介 from the basic information and the material gathered
in the chat, the others from the scenes placed in the application (offline from their facts; rewritten
by the model when one is configured, under the same figure guard). A draft
never overwrites what the writer typed: a box still holding the drafter's last text (or empty) takes
the new draft, any other waits beside it as a proposal to accept or reject. Also 五、相关附件 as a
checklist and the list of what an export would still lack.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import gradio as gr

from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.export_check import check_before_export
from assistant.models import Application
from assistant.projects import Project, ProjectStore, section_id
from assistant.requirements import load_requirements
from assistant.safe_text import inert_markdown
from assistant.text import count_words
from assistant.webapp import views

SECTION_KEYS = ("企业简介", "项目简述", "总体情况", "实施成效")
DRAFTED = SECTION_KEYS
HEADINGS = {
    "企业简介": "一（一）企业简介",
    "项目简述": "一（二）项目简述",
    "总体情况": "二、项目总体情况（实施背景、基础条件、总体实施架构、总体建设情况、先进性与特色）",
    "实施成效": "四、项目实施成效（创新性、经济效益与运营指标）",
}


def section_limit(key: str) -> int | None:
    try:
        return load_requirements().limit_spec(key).limit
    except KeyError:
        return None  # 二 and 四 have no limit in the notice


def section_counter(text: str, key: str, edited: bool) -> str:
    limit = section_limit(key)
    n = count_words(text or "")
    mark = '<span class="edited">✎ 您写的，起草不会覆盖</span>' if edited else ""
    if limit is None:
        return f'<span class="count ok" data-count="{n}">{n} 字</span>{mark}'
    level = "over" if n > limit else ("near" if n >= limit * 0.9 else "ok")
    return f'<span class="count {level}" data-count="{n}">{n} / {limit} 字</span>{mark}'


def questions_markdown(questions: list[str]) -> str:
    if not questions:
        return ""
    return "**起草时发现缺少、请补充：**\n" + "\n".join(f"- {inert_markdown(q)}" for q in questions)


def proposal_markdown(text: str | None, key: str) -> str:
    if text is None:
        return ""
    limit = section_limit(key)
    count = f"{count_words(text)}/{limit} 字" if limit else f"{count_words(text)} 字"
    quoted = "\n>\n".join(f"> {inert_markdown(line)}" for line in text.splitlines() if line.strip())
    return f"**起草给出的新写法**（{count}；您的文字保持不变，除非点“采用建议”）：\n\n{quoted}"


UNPLACED = (
    "- **草稿未放入** 当前场景草稿：尚未放入申报书，或放入后又有改动；导出的是申报书中已放入的版本，"
    "请先点“放入申报书”"
)


def check_markdown(app: Application, project: Project | None = None) -> str:
    """``project``: its scene draft, when it differs from what the application holds, is named too —
    the export writes the application, not the draft on screen."""
    issues = check_before_export(app)
    unplaced = [UNPLACED] if project is not None and project.draft_unplaced else []
    if not issues:
        return "\n".join(["**导出前检查**：✓ 没有缺漏或超出字数的项", *unplaced])
    # One line per kind and place (twelve missing basic fields are one line, not twelve).
    grouped: dict[tuple[str, str], list[str]] = {}
    for issue in issues:
        grouped.setdefault((issue.kind, issue.where), []).append(issue.message)
    lines = [
        f"**导出前检查**：以下 {len(grouped)} 处仍不完整（共 {len(issues)} 个缺漏；仍可导出，导出时会再列出）"
    ]
    lines += unplaced
    lines += [
        f"- **{kind}** {inert_markdown(where)}：{inert_markdown('；'.join(messages))}"
        for (kind, where), messages in grouped.items()
    ]
    return "\n".join(lines)


def attachment_choices(app: Application) -> tuple[list[tuple[str, str]], list[str]]:
    """The checklist's choices (label, item) and the ticked items."""
    from assistant.drafting.application import attachment_checklist

    items = attachment_checklist(app)
    choices = [(f"{i.item}（必备）" if i.required else i.item, i.item) for i in items]
    return choices, [i.item for i in items if i.ticked]


@dataclass
class SectionWidgets:
    key: str
    box: gr.Textbox
    counter: gr.HTML
    questions: gr.Markdown
    proposal_group: gr.Group
    proposal: gr.Markdown
    accept: gr.Button | None
    reject: gr.Button | None

    @property
    def shown(self) -> list[gr.components.Component]:
        return [self.box, self.counter, self.questions, self.proposal_group, self.proposal]


@dataclass
class Sections:
    widgets: list[SectionWidgets]
    draft: gr.Button
    attachments: gr.CheckboxGroup
    check: gr.Markdown
    # Per tab: the version of each section this tab last saw, so an edit based on an older text is
    # refused (with both texts shown) instead of silently replacing another tab's change.
    versions: gr.State

    @property
    def components(self) -> list[gr.components.Component]:
        return [*(c for w in self.widgets for c in w.shown), self.attachments, self.check]

    def widget(self, key: str) -> SectionWidgets:
        return next(w for w in self.widgets if w.key == key)


def _layout_section(key: str) -> SectionWidgets:
    limit = section_limit(key)
    label = f"{HEADINGS[key]}（≤{limit}字）" if limit else HEADINGS[key]
    box = gr.Textbox(label=label, lines=6, max_lines=20, elem_id=f"section-{key}")
    counter = gr.HTML(label=f"字数-{key}", elem_id=f"section-count-{key}")
    questions = gr.Markdown(label=f"待补充-{key}", elem_id=f"section-questions-{key}")
    accept = reject = None
    with gr.Group(visible=False, elem_id=f"section-proposal-{key}") as group:
        proposal = gr.Markdown(label=f"章节建议-{key}", elem_id=f"section-proposal-text-{key}")
        if key in DRAFTED:
            with gr.Row():
                accept = gr.Button("采用建议", size="sm", variant="primary", elem_id=f"section-accept-{key}")
                reject = gr.Button("保留我的", size="sm", elem_id=f"section-reject-{key}")
    return SectionWidgets(key, box, counter, questions, group, proposal, accept, reject)


def layout_sections() -> Sections:
    with gr.Row(equal_height=False):
        gr.Markdown(
            "#### 申报书各章节（企业简介由基本信息和对话中的材料起草，项目简述、二、四由已放入申报书的场景起草；"
            "您写的不会被覆盖）"
        )
        draft = gr.Button("起草全部章节", variant="secondary", scale=0, elem_id="draft-sections")
    widgets = []
    for row in (("企业简介", "项目简述"), ("总体情况", "实施成效")):
        with gr.Row():
            for key in row:
                with gr.Column():
                    widgets.append(_layout_section(key))
    attachments = gr.CheckboxGroup(
        label="五、相关附件（勾选已随申报书附上的材料）", choices=[], elem_id="attachments"
    )
    check = gr.Markdown(label="导出前检查", elem_id="export-check")
    return Sections(widgets, draft, attachments, check, gr.State({}))


def section_view(w: SectionWidgets, project: Project | None) -> dict:
    app = project.application if project else Application()
    state = project.workspace.sections.get(w.key) if project else None
    text = app.section_texts()[w.key]
    edited = bool(text.strip()) and (state is None or text != state.machine) and w.key in DRAFTED
    proposal = state.proposal if state else None
    return {
        w.box: text,
        w.counter: section_counter(text, w.key, edited),
        w.questions: questions_markdown(state.questions if state else []),
        w.proposal_group: gr.update(visible=proposal is not None),
        w.proposal: proposal_markdown(proposal, w.key),
    }


def sections_view(sections: Sections, project: Project | None) -> dict:
    app = project.application if project else Application()
    choices, ticked = attachment_choices(app)
    out: dict = {
        sections.attachments: gr.update(choices=choices, value=ticked),
        sections.check: check_markdown(app, project),
    }
    for w in sections.widgets:
        out.update(section_view(w, project))
    return out


def place_draft(project: Project, key: str, text: str, questions: list[str]) -> bool:
    """Put a drafted text in its box, or beside it as a proposal when the box holds the writer's
    own text. True when the box itself changed."""
    state = project.workspace.section(key)
    state.questions = list(questions)
    current = project.application.section_texts()[key]
    if not text.strip() or current == text:
        return False
    if not current.strip() or current == state.machine:
        project.application.set_section_text(key, text)
        state.machine, state.proposal = text, None
        return True
    state.proposal = None if text == state.rejected else text  # what the writer turned down stays down
    return False


class SectionHandlers:
    """The sections' events; ``store`` gives the request's project store."""

    def __init__(self, settings: Settings, sections: Sections, store: Callable) -> None:
        self.settings, self.sections, self.store = settings, sections, store

    def _store(self, request: gr.Request | None) -> ProjectStore:
        return self.store(request)

    def _load(self, project_id: str | None, request: gr.Request | None) -> Project | None:
        if not project_id:
            return None
        try:
            return self._store(request).load(project_id)
        except AssistantError:  # a project deleted, or of another user: nothing to show
            return None

    def on_edit(
        self, key: str, project_id: str | None, text: str, versions: dict | None, request: gr.Request
    ) -> dict:
        # Fires also when the app fills the box (which records the version this tab now shows); only a
        # real difference from the stored text is saved.
        w = self.sections.widget(key)
        text = text or ""
        versions = dict(versions or {})
        project = self._load(project_id, request)
        if project is None:
            return {w.counter: section_counter(text, key, False), self.sections.versions: versions}
        slot, part = f"{project_id}/{section_id(key)}", section_id(key)
        seen, refused = versions.get(slot), None

        def change(current: Project) -> None:
            nonlocal refused
            stored = current.application.section_texts()[key]
            if seen is not None and seen != current.part_versions.get(part, 0) and stored != text:
                refused = stored  # another tab changed this section since this one last saw it
            else:
                current.application.set_section_text(key, text)

        if project.application.section_texts()[key] != text:
            project = self._store(request).update(project.id, change)
        versions[slot] = project.part_versions.get(part, 0)
        if refused is not None:
            views.warn_stale_edit(HEADINGS[key], refused, text)
        # Never the box itself: while the writer types, a reply carrying the text this event saw would
        # overwrite the keystrokes made since (characters, even figures, lost).
        view = {c: v for c, v in section_view(w, project).items() if c is not w.box}
        return {
            **view,
            self.sections.check: check_markdown(project.application, project),
            self.sections.versions: versions,
        }

    def _seen(self, versions: dict | None, project: Project) -> dict:
        """This tab's versions after it showed ``project``'s sections (its own draft or choice)."""
        seen = dict(versions or {})
        for key in SECTION_KEYS:
            seen[f"{project.id}/{section_id(key)}"] = project.part_versions.get(section_id(key), 0)
        return seen

    def on_draft(self, project_id: str | None, versions: dict | None, request: gr.Request) -> dict:
        from assistant.drafting.application import (
            attachment_checklist,
            draft_application_texts,
            facts_of_scene,
        )
        from assistant.drafting.application_online import polish_section
        from assistant.drafting.facts import SceneFacts
        from assistant.drafting.material import material_from_chat

        project = self._load(project_id, request)
        if project is None:
            raise gr.Error("请先新建或选择一个项目", title="提示")
        app = project.application
        if not app.scenes:
            gr.Warning("申报书中还没有场景：先把起草好的场景“放入申报书”，再起草各章节", title="提示")
        # The scenes' facts once, for the offline draft and for the model's rewrite (cached per text).
        facts: list[SceneFacts | None] = [facts_of_scene(s, i) for i, s in enumerate(app.scenes, 1)]
        material = material_from_chat(project.all_material) if project.all_material else None
        texts = draft_application_texts(app, facts, material)
        drafts = {
            d.key: polish_section(app, d, self.settings, facts=facts, material=material)
            for d in texts.sections()
        }
        changed: list[str] = []

        def change(current: Project) -> None:
            for key in DRAFTED:
                d = drafts[key]
                if place_draft(current, key, d.text, [*d.questions, *d.notes]):
                    changed.append(key)
            current.application.attachment_list = attachment_checklist(current.application)

        fresh = self._store(request).update(project.id, change)
        proposed = [k for k in DRAFTED if fresh.workspace.section(k).proposal is not None]
        note = f"已写入：{'、'.join(changed) or '无'}"
        if proposed:
            note += f"；您写过的 {'、'.join(proposed)} 未覆盖，新写法在框下等您采用或保留"
        gr.Info(note, title="起草完成")
        return {**sections_view(self.sections, fresh), self.sections.versions: self._seen(versions, fresh)}

    def on_action(
        self, key: str, action: str, project_id: str | None, versions: dict | None, request: gr.Request
    ) -> dict:
        if self._load(project_id, request) is None:
            raise gr.Error("请先新建或选择一个项目", title="提示")

        def change(current: Project) -> None:
            state = current.workspace.section(key)
            if action == "accept" and state.proposal is not None:
                current.application.set_section_text(key, state.proposal)
                state.machine = state.proposal
            elif action == "reject":
                state.rejected = state.proposal
            state.proposal = None

        fresh = self._store(request).update(project_id, change)
        w = self.sections.widget(key)
        return {
            **section_view(w, fresh),
            self.sections.check: check_markdown(fresh.application, fresh),
            self.sections.versions: self._seen(versions, fresh),
        }

    def on_attachments(self, project_id: str | None, ticked: list[str] | None, request: gr.Request) -> dict:
        from assistant.drafting.application import attachment_checklist

        if self._load(project_id, request) is None:
            raise gr.Error("请先新建或选择一个项目", title="提示")
        chosen = set(ticked or [])

        def change(current: Project) -> None:
            items = attachment_checklist(current.application)
            for item in items:
                item.ticked = item.item in chosen
            current.application.attachment_list = items

        fresh = self._store(request).update(project_id, change)
        return {self.sections.check: check_markdown(fresh.application, fresh)}


def _edit(h: SectionHandlers, key: str) -> Callable:
    # Explicit parameters: Gradio finds ``request`` by its annotation, which *args would hide.
    def handler(project_id: str | None, text: str, versions: dict | None, request: gr.Request) -> dict:
        return h.on_edit(key, project_id, text, versions, request)

    handler.__name__ = f"on_edit_section_{key}"
    return handler


def _action(h: SectionHandlers, key: str, action: str) -> Callable:
    def handler(project_id: str | None, versions: dict | None, request: gr.Request) -> dict:
        return h.on_action(key, action, project_id, versions, request)

    handler.__name__ = f"on_{action}_section_{key}"
    return handler


def wire_sections(sections: Sections, project: gr.Dropdown, settings: Settings, store: Callable) -> None:
    h = SectionHandlers(settings, sections, store)
    for w in sections.widgets:
        outputs = [*w.shown, sections.check]
        w.box.change(
            _edit(h, w.key),
            inputs=[project, w.box, sections.versions],
            outputs=[*(c for c in outputs if c is not w.box), sections.versions],
            api_name=f"edit_section_{w.key}",
            show_progress="hidden",
        )
        for button, action in ((w.accept, "accept"), (w.reject, "reject")):
            if button is not None:
                button.click(
                    _action(h, w.key, action),
                    inputs=[project, sections.versions],
                    outputs=[*outputs, sections.versions],
                    api_name=f"{action}_section_{w.key}",
                )
    sections.draft.click(
        h.on_draft,
        inputs=[project, sections.versions],
        outputs=[*sections.components, sections.versions],
        api_name="draft_sections",
        concurrency_limit=settings.llm_concurrency,
        concurrency_id="llm",
    )
    sections.attachments.input(
        h.on_attachments,
        inputs=[project, sections.attachments],
        outputs=sections.check,
        api_name="save_attachments",
    )
