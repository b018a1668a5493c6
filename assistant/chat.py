"""The writer's chat: each message either adds material (and drafts the scene from all material so
far) or asks to revise one part of the current draft ("技术方案压缩到400字以内", "成效补充人均产出").

Shared by the Gradio app; every turn mutates the Project, which the caller saves.
"""

from __future__ import annotations

import html
import logging
import queue
import re
import threading
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any, TypeVar

from assistant.config import Settings
from assistant.drafting.figures import FigureGuard
from assistant.drafting.guards import fit_to_limit, sentences_of, without_unsourced_clauses
from assistant.drafting.material import load_material, material_from_text
from assistant.drafting.service import DraftResult, draft_scene
from assistant.errors import AssistantError, about_file
from assistant.models import PART_KEYS, PartKey
from assistant.projects import ChatMessage, Project
from assistant.requirements import load_requirements
from assistant.text import count_words
from assistant.webapp.views import inert

logger = logging.getLogger(__name__)

_PART_NAMES = {
    "描述": "描述",
    "场景描述": "描述",
    "实例描述": "描述",
    "痛点": "痛点",
    "技术方案": "技术方案",
    "方案": "技术方案",
    "成效": "成效",
    "实施成效": "成效",
    "效果": "成效",
    "经济性": "经济性",
    "推广": "经济性",
}
_PART_WORDS = r"(描述|场景描述|实例描述|痛点|技术方案|方案|成效|实施成效|效果|经济性|推广)"
_COMPRESS = re.compile(
    _PART_WORDS + r"\S*?(?:压缩|缩短|精简|删减|缩减|控制|减少|减)\s*(?:到|至|在|为)?\s*"
    r"(\d+|[零〇一二两三四五六七八九十百千]+)\s*字"
)
# A short message that asks for a change rather than bringing facts: never added to the material.
_INSTRUCTION = re.compile(
    r"^(?:请|帮我|麻烦|把|将|再|重新|改|换|删|去掉|不要|别|写得|调整|润色|精简|改成|改为)"
    r"|(?:写得|改得|改成|改为|换成|润色|正式一些|正式一点|更正式|不要口语|口语化|重写|删掉|去掉)"
)
MAX_INSTRUCTION_CHARS = 80
_SUPPLEMENT = re.compile(_PART_WORDS + r"\S*?(?:补充|增加|加上|补上|写上)(.+)")
T = TypeVar("T")


def _streaming(
    call: Callable[[Callable[[str], None]], T], show: Callable[[str], str]
) -> Generator[str, None, T]:
    """Run ``call(on_token)`` in a thread, yield ``show(text so far)`` per token, return its result.

    The model client reports tokens through a callback; the chat is a generator the app streams
    from, so the tokens are handed over through a queue. Offline nothing streams and nothing is yielded.
    """
    tokens: queue.SimpleQueue[str | None] = queue.SimpleQueue()
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = call(tokens.put)
        except BaseException as err:  # re-raised below, in the chat's own thread
            outcome["error"] = err
        finally:
            tokens.put(None)

    threading.Thread(target=run, daemon=True, name="chat-stream").start()
    text = ""
    while (token := tokens.get()) is not None:
        text += token
        yield show(text)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


_QUESTION = re.compile(r"[？?]$|^(什么|哪些|怎么|如何|是否|能否|要不要|需不需要)")


def add_files(project: Project, files: list[Path]) -> list[str]:
    """Append uploaded files to the project's material; returns one line per file for the chat."""
    lines = []
    for path in files:
        try:
            material = load_material(path)
        except AssistantError as err:
            lines.append(f"✗ {inert(about_file(path.name, err))}")
            continue
        project.material = f"{project.material}\n\n【{path.name}】\n{material.text}".strip()
        lines.append(f"✓ 已读取 {inert(path.name)}（{len(material.text)} 字符）")
    return lines


def _draft_summary(result: DraftResult) -> str:
    scene = result.scene
    req = load_requirements()
    lines = []
    if result.mapping:
        lines.append("**环节/场景候选**（据《智能制造典型场景参考指引（2024年版）》场景表）：")
        for i, c in enumerate(result.mapping, 1):
            lines.append(f"{i}. {inert(c.label)}　出处：{inert(c.citation)}")
        if any(not c.verified for c in result.mapping):
            lines.append("　注：标“未核实”的场景名取自2025年版指引或本项目整理，请以2024年版原文为准。")
    mode = "大模型起草" if result.mode == "online" else "离线起草（材料原句挑选，请润色）"
    # The title, questions and reasons come from the model (and so from uploaded material): shown inert.
    lines.append(f"\n**已起草：{inert(scene.title)}**（{mode}）")
    if result.mode == "online":
        lines.append(
            f"（模型调用 {result.calls} 次，输入 {result.prompt_tokens} / 输出 {result.completion_tokens} tokens）"
        )
    for spec in req.parts:
        n = count_words(scene.parts.get(spec.key))  # type: ignore[arg-type]
        lines.append(f"- {spec.key}：{n}/{spec.limit} 字")
    if scene.questions:
        lines.append("\n**请补充：**")
        lines += [f"- {inert(q)}" for q in scene.questions]
    for note in result.notes:
        lines.append(f"\n> {note}")
    if result.cannot_draft:
        lines.append(f"\n无法起草：{inert(result.cannot_draft)}")
    if result.partial:
        lines.append("\n⚠️ 模型输出中断：以上草稿不完整（已保留收到的部分），请检查后重试。")
    return "\n".join(lines)


def _revise(project: Project, settings: Settings, part: PartKey, instruction: str, limit: int) -> str:
    assert project.draft is not None
    current = project.draft.parts.get(part)
    guard = FigureGuard(material_from_text(project.material or current or "（空）"))
    if settings.llm_configured:
        from assistant.llm import chat
        from assistant.prompts import load_prompt

        label = load_requirements().limit_spec(part).label
        system, user = load_prompt("revise_part").render(
            part_label=label,
            limit=str(limit),
            current=current,
            instruction=instruction,
            material=project.material[:5000],
        )
        reply = chat(settings, system, user)
        text = reply.text.strip()
        invented = guard.invented(text)
        if invented:
            kept = [
                s if not guard.invented(s) else without_unsourced_clauses(s, guard)
                for s in sentences_of(text)
            ]
            text = "".join(kept)
        text, dropped = fit_to_limit(text, limit)
        setattr(project.draft.parts, part, text)
        project.confirmed[part] = False
        notes = []
        if invented:
            notes.append(f"已删去含无来源数字（{'、'.join(c.value for c in invented)}）的句子")
        if dropped:
            notes.append("超出上限，已在句末截断")
        return f"已修改“{part}”（{count_words(text)}/{limit} 字）。" + (
            "；".join(notes) and "注意：" + "；".join(notes)
        )
    text, dropped = fit_to_limit(current, limit)
    setattr(project.draft.parts, part, text)
    project.confirmed[part] = False
    return f"离线模式：已按句子删减“{part}”至 {count_words(text)} 字（上限 {limit}）" + (
        f"，删去 {len(dropped)} 句。" if dropped else "。"
    )


def _supplement(project: Project, settings: Settings, part: PartKey, what: str) -> str:
    assert project.draft is not None
    spec = load_requirements().limit_spec(part)
    what = what.strip("。，, ")
    if settings.llm_configured:
        return _revise(
            project,
            settings,
            part,
            f"补充{what}（只用材料中的数字，没有就写【待补充】并说明需要什么）",
            spec.limit,
        )
    keyword = re.sub(r"的|数据|指标|情况|数字", "", what)[:6]
    hits = [s for s in sentences_of(project.material) if keyword and keyword in s]
    if not hits:
        question = f"材料中没有找到“{what}”的相关内容：请提供改造前后的{what}及统计周期。"
        if question not in project.draft.questions:
            project.draft.questions.append(question)
        return question
    current = project.draft.parts.get(part)
    text, _ = fit_to_limit(current + "".join(hits), spec.limit)
    setattr(project.draft.parts, part, text)
    project.confirmed[part] = False
    return f"已从材料中找到 {len(hits)} 句补入“{part}”（{count_words(text)}/{spec.limit} 字）。"


def _number(token: str) -> int:
    if token.isdigit():
        return int(token)
    import cn2an

    return int(cn2an.cn2an(token, "smart"))


def _looks_like_instruction(text: str) -> bool:
    """A short request to change the draft — not facts: no figure in it, and worded as a request."""
    from assistant.text import has_metric

    return (
        bool(text)
        and len(text) <= MAX_INSTRUCTION_CHARS
        and not has_metric(text)
        and bool(_INSTRUCTION.search(text))
    )


def _instruction(project: Project, settings: Settings, text: str) -> str:
    """A free-form change request. The model applies it to the part it names; offline we say what can
    be done, rather than treating the request as material and redrafting everything."""
    named = re.search(_PART_WORDS, text)
    if settings.llm_configured and named:
        part: PartKey = _PART_NAMES[named.group(1)]  # type: ignore[assignment]
        return _revise(project, settings, part, text, load_requirements().limit_spec(part).limit)
    if settings.llm_configured:
        return "请说明要修改哪一部分（描述、痛点、技术方案、成效、经济性），例如“痛点写得更具体一些”。"
    return (
        "离线模式下无法按自由指令改写（这句话没有作为材料加入）。可以：直接在右侧编辑各部分；"
        "或说“技术方案压缩到400字以内”“成效补充人均产出”；或继续粘贴材料。连接大模型后可按任意指令修改。"
    )


def _keep_confirmed(project: Project, result: DraftResult) -> list[str]:
    """Install a fresh draft, keeping the parts the writer confirmed: a redraft never overwrites
    text a person has accepted. Returns the kept part names."""
    old, confirmed = project.draft, project.confirmed
    kept = []
    if old is not None:
        for key in PART_KEYS:
            if confirmed.get(key) and old.parts.get(key).strip():
                setattr(result.scene.parts, key, old.parts.get(key))
                kept.append(key)
    project.draft = result.scene
    project.confirmed = {k: k in kept for k in PART_KEYS}
    return kept


def respond(
    project: Project, settings: Settings, text: str, files: list[Path] | None = None
) -> Iterator[str]:
    """One chat turn. Yields the assistant's reply as it grows; the project is updated in place."""
    text = (text or "").strip()
    project.chat.append(ChatMessage(role="user", content=text or "（上传文件）"))
    reply_lines = add_files(project, files or [])
    if reply_lines:
        yield "\n".join(reply_lines)
    compress, supplement = _COMPRESS.search(text), _SUPPLEMENT.search(text)
    try:
        if project.draft is not None and compress:
            part: PartKey = _PART_NAMES[compress.group(1)]  # type: ignore[assignment]
            limit = min(_number(compress.group(2)), load_requirements().limit_spec(part).limit)
            reply_lines.append(_revise(project, settings, part, text, limit))
        elif project.draft is not None and supplement:
            part = _PART_NAMES[supplement.group(1)]  # type: ignore[assignment]
            reply_lines.append(_supplement(project, settings, part, supplement.group(2)))
        elif text and _QUESTION.search(text) and len(text) < 60:
            from assistant.knowledge.answer import ask
            from assistant.knowledge.index import ensure_index
            from assistant.knowledge.retriever import KnowledgeBase

            ensure_index(settings)
            kb = KnowledgeBase(settings)
            # Streamed to the writer as it arrives; the final reply keeps only the cited sentences.
            answer = yield from _streaming(
                lambda on_token: ask(kb, settings, text, on_token=on_token),
                lambda partial: "\n".join([*reply_lines, html.escape(partial).replace("](", "] (")]),
            )
            reply_lines.append(html.escape(answer.text).replace("](", "] ("))  # no HTML, links or images
            if answer.online and answer.hits:  # the [n] markers mean nothing without their sources
                cited = sorted({int(n) for n in re.findall(r"\[(\d+)\]", answer.text)})
                reply_lines += [
                    f"[{n}] 出处：{inert(answer.hits[n - 1].citation)}"
                    for n in cited
                    if 0 < n <= len(answer.hits)
                ]
            if answer.partial:
                reply_lines.append("⚠️ 回答不完整：模型输出中断，以上是已收到的部分，可重新提问。")
        elif project.draft is not None and _looks_like_instruction(text):
            reply_lines.append(_instruction(project, settings, text))
        else:
            if text:
                project.material = f"{project.material}\n\n{text}".strip()
            if not project.material.strip():
                reply_lines.append(
                    "请粘贴材料或上传文件（报告、供应商方案、数据表），我来对应环节/场景并起草五个部分。"
                )
            else:
                yield "\n".join([*reply_lines, "正在对应环节/场景并起草…"])
                draft = project.draft
                keep_choice = (
                    {"domain": draft.domain, "link": draft.link, "scene": draft.scene} if draft else {}
                )
                material = material_from_text(project.material)
                result = yield from _streaming(
                    lambda on_token: draft_scene(material, settings, on_token=on_token, **keep_choice),
                    lambda partial: "\n".join(
                        [*reply_lines, f"正在起草…（已收到模型输出 {len(partial)} 字符）"]
                    ),
                )
                kept = _keep_confirmed(project, result)
                reply_lines.append(_draft_summary(result))
                if kept:
                    reply_lines.append(f"\n已人工确认的部分保持不变：{'、'.join(kept)}。")
    except AssistantError as err:
        reply_lines.append(f"⚠️ {inert(str(err))}（已保存的草稿与对话不受影响）")
    except Exception as err:
        # A bug must not cost the writer this turn: the message and the draft stay, the error is named.
        if settings.debug:
            raise
        logger.exception("chat turn failed")
        reply_lines.append(
            f"⚠️ 内部错误（{type(err).__name__}），本次请求未完成；已保存的草稿与对话不受影响，可重试。"
        )
    reply = "\n".join(reply_lines)
    project.chat.append(ChatMessage(role="assistant", content=reply))
    yield reply
