"""The writer's chat: each message is recognised (assistant.chat_intents) as new material, a fact, a
change request for a part, a scene choice or a question, and handled as that — the reply says in one
line what it was taken as, and the turn can be undone.

Shared by the Gradio app; every turn mutates the Project it is given. The app runs a turn on a copy
and applies only what the turn changed to a freshly loaded project (``apply_turn``), so edits made
in the page while the turn ran are never overwritten.
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

from assistant.chat_intents import CONFIRM_WORDS, PART_WORDS, Intent, classify
from assistant.config import Settings
from assistant.drafting.extract import extract_facts
from assistant.drafting.figures import FigureGuard
from assistant.drafting.guards import fit_to_limit, sentences_of, without_unsourced_clauses
from assistant.drafting.material import PASTED, load_material, material_from_chat
from assistant.drafting.service import CAVEAT_ASKED, DraftResult, draft_scene
from assistant.errors import AssistantError, about_file
from assistant.models import PART_KEYS, PartKey, Scene
from assistant.projects import ChatMessage, Project
from assistant.requirements import load_requirements
from assistant.safe_text import inert_markdown as inert
from assistant.scenes import load_scene_table
from assistant.text import count_words, extract_quantities
from assistant.workspace import Candidate, TurnUndo, machine_change

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
_COMPRESS = re.compile(
    PART_WORDS + r"\S*?(?:压缩|缩短|精简|删减|缩减|控制|减少|减)\s*(?:到|至|在|为)?\s*"
    r"(\d+|[零〇一二两三四五六七八九十百千]+)\s*字"
)
_SUPPLEMENT = re.compile(PART_WORDS + r"\S*?(?:补充|增加|加上|补上|写上)(.+)")
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


def _candidate_lines(candidates: list[Candidate]) -> list[str]:
    lines = []
    for i, c in enumerate(candidates, 1):
        why = f"命中：{'、'.join(c.matched[:6])}" if c.matched else "命中：语义相近（无直接命中词）"
        lines.append(f"{i}. {inert(c.label)}　{inert(why)}")
    return lines


def _draft_summary(
    result: DraftResult,
    candidates: list[Candidate] | None = None,
    project: Project | None = None,
    kept: list[str] | None = None,
) -> str:
    """``kept``: parts whose text the writer typed stays in the box; their count is of that text."""
    scene = result.scene
    req = load_requirements()
    lines = []
    if candidates:
        lines.append("**环节/场景候选**（本项目场景表；不对就在右侧“场景”中点选，或回复“选第2个”）：")
        lines += _candidate_lines(candidates)
    mode = "大模型起草" if result.mode == "online" else "离线起草（按材料中的事实组织成文，请核对）"
    # The title, questions and reasons come from the model (and so from uploaded material): shown inert.
    lines.append(f"\n**已起草：{inert(scene.title)}**（{mode}）")
    if result.mode == "online":
        lines.append(
            f"（模型调用 {result.calls} 次，输入 {result.prompt_tokens} / 输出 {result.completion_tokens} tokens）"
        )
    for spec in req.parts:
        n = count_words(scene.parts.get(spec.key))  # type: ignore[arg-type]
        if project is not None and project.draft is not None and spec.key in (kept or []):
            mine = count_words(project.draft.parts.get(spec.key))  # type: ignore[arg-type]
            lines.append(f"- {spec.key}：保留你的文字 {mine}/{spec.limit} 字（新稿 {n} 字作为建议）")
        else:
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


def _set_part(project: Project, part: str, text: str) -> None:
    """A change the writer asked for: applied (it was asked for), the old text kept for undo."""
    assert project.draft is not None
    state = project.workspace.part(part)
    state.previous, state.previous_edited = project.draft.parts.get(part), state.edited
    state.proposal = None
    setattr(project.draft.parts, part, text)


def _revise(project: Project, settings: Settings, part: PartKey, instruction: str, limit: int) -> str:
    assert project.draft is not None
    current = project.draft.parts.get(part)
    material = material_from_chat(project.material or current or "（空）")
    guard = FigureGuard(material, extract_facts(material))
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
        _set_part(project, part, text)
        notes = []
        if invented:
            notes.append(f"已删去含无来源数字（{'、'.join(c.value for c in invented)}）的句子")
        if dropped:
            notes.append("超出上限，已在句末截断")
        return f"已修改“{part}”（{count_words(text)}/{limit} 字）。" + (
            "；".join(notes) and "注意：" + "；".join(notes)
        )
    text, dropped = fit_to_limit(current, limit)
    _set_part(project, part, text)
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
    _set_part(project, part, text)
    return f"已从材料中找到 {len(hits)} 句补入“{part}”（{count_words(text)}/{spec.limit} 字）。"


def _number(token: str) -> int:
    if token.isdigit():
        return int(token)
    import cn2an

    return int(cn2an.cn2an(token, "smart"))


def _instruction(project: Project, settings: Settings, text: str) -> str:
    """A free-form change request. The model applies it to the part it names; offline we say what can
    be done, rather than treating the request as material and redrafting everything."""
    named = re.search(PART_WORDS, text)
    if settings.llm_configured and named:
        part: PartKey = _PART_NAMES[named.group(1)]  # type: ignore[assignment]
        return _revise(project, settings, part, text, load_requirements().limit_spec(part).limit)
    if settings.llm_configured:
        return "请说明要修改哪一部分（描述、痛点、技术方案、成效、经济性），例如“痛点写得更具体一些”。"
    return (
        "离线模式下无法按自由指令改写（这句话没有作为材料加入）。可以：直接在右侧编辑各部分；"
        "或说“技术方案压缩到400字以内”“成效补充人均产出”；或继续粘贴材料。连接大模型后可按任意指令修改。"
    )


def _candidates(mapping: list, material: str) -> list[Candidate]:
    from assistant.knowledge.mapping import matched_words

    table = load_scene_table()
    out = []
    for c in mapping:
        entry = table.lookup(c.scene, c.link)
        matched = matched_words(material, entry) if entry else list(getattr(c, "matched", []))
        out.append(
            Candidate(
                domain=c.domain,
                link=c.link,
                scene=c.scene,
                score=c.score,
                verified=c.verified,
                matched=matched,
            )
        )
    return out


def _install(project: Project, scene: Scene, only: list[str] | None = None) -> tuple[list[str], list[str]]:
    """Put a redraft in place. Parts the writer edited get the new text as a proposal beside theirs;
    ``only`` limits the change to those parts. Returns (applied, proposed) part names."""
    ws = project.workspace
    if ws.instance:
        scene.instance = ws.instance
    if project.draft is None:
        project.draft = scene
        for key in PART_KEYS:
            ws.part(key).proposal = None
            ws.part(key).edited = False
        return [k for k in PART_KEYS if scene.parts.get(k)], []
    draft = project.draft
    if draft.instance and scene.instance in ("", "（待命名）"):
        scene.instance = draft.instance  # a redraft from fewer notes does not unname the scene
    for name in ("domain", "link", "scene", "instance", "gaps", "questions", "figures"):
        setattr(draft, name, getattr(scene, name))
    draft.raw_title = ""
    applied, proposed = [], []
    for key in only if only is not None else PART_KEYS:
        outcome = machine_change(draft, ws, key, scene.parts.get(key))
        (applied if outcome == "applied" else proposed if outcome == "proposed" else []).append(key)
    return applied, proposed


def _installed_lines(applied: list[str], proposed: list[str]) -> list[str]:
    lines = []
    if proposed:
        lines.append(
            f"\n你改过的部分没有被覆盖：{'、'.join(proposed)}。新写法放在各自文字旁作为建议，可“采用建议”或“保留我的”。"
        )
    return lines


def _place(project: Project) -> str:
    """If the draft was already put into the application, move that section along with it (a scene
    switch changes its domain, a correction its title)."""
    ws, draft, app = project.workspace, project.draft, project.application
    if draft is None or not ws.placed_title:
        return ""
    placed = app.update_scene(ws.placed_title, draft, load_requirements().domain_order)
    if placed is None:
        return ""
    ws.placed_title = placed.title
    return f"申报书中的这一节已随之更新（{placed.domain}）。"


def _redraft(project: Project, settings: Settings, reply_lines: list[str], **choice: str) -> Iterator[str]:
    """Draft from all material (streamed), yielding progress; returns the result."""
    material = material_from_chat(project.material)
    instance = project.workspace.instance or None
    return (
        yield from _streaming(
            lambda on_token: draft_scene(material, settings, instance=instance, on_token=on_token, **choice),
            lambda partial: "\n".join([*reply_lines, f"正在起草…（已收到模型输出 {len(partial)} 字符）"]),
        )
    )


def switch_scene(project: Project, settings: Settings, link: str, scene: str) -> Iterator[str]:
    """Move the draft to (link, scene): the domain follows the 环节, the parts are redrafted for the
    new scene from the material (the writer's edits become proposals), the placed section moves."""
    req = load_requirements()
    spec = req.domain_of_link(link)
    domain = spec.name if spec else link
    entry = load_scene_table().lookup(scene, link)
    label = f"{domain} › {link} › {entry.label if entry else scene}"
    lines = [f"已改为：{label}。"]
    old_scene = project.draft.scene if project.draft is not None else ""
    if project.material.strip():
        yield "\n".join([*lines, "正在按新场景重新起草…"])
        result = yield from _redraft(project, settings, lines, domain=domain, link=link, scene=scene)
        kept = project.draft.parts if project.draft is not None else None
        # The same facts under another scene: a part the redraft says much less in keeps what it said
        # (its opening is renamed below); a part with as much or more takes the new text.
        thinner = [
            k
            for k in PART_KEYS
            if kept and count_words(result.scene.parts.get(k)) * 2 < count_words(kept.get(k))
        ]
        applied, proposed = _install(project, result.scene, only=[k for k in PART_KEYS if k not in thinner])
        lines.append(_draft_summary(result, [], project, proposed))
        lines += _installed_lines(applied, proposed)
    elif project.draft is not None:
        project.draft.domain, project.draft.link, project.draft.scene = domain, link, scene
        project.draft.raw_title = ""
    else:
        project.draft = Scene(domain=domain, link=link, scene=scene, instance=project.workspace.instance)
    _rename_in_opening(project, old_scene, scene)
    if moved := _place(project):
        lines.append(moved)
    return "\n".join(lines)


def _rename_in_opening(project: Project, old_scene: str, scene: str) -> None:
    """ "企业围绕“…”开展在线智能检测场景建设。" still names the old scene when 描述 was kept (edited, or the
    redraft had nothing to say there): the opening follows the switch."""
    draft = project.draft
    if draft is None or not old_scene or old_scene == scene:
        return
    said = f"开展{old_scene}场景建设"
    if said in draft.parts.描述:
        machine_change(
            draft, project.workspace, "描述", draft.parts.描述.replace(said, f"开展{scene}场景建设")
        )


def _scene_choice(project: Project, settings: Settings, intent: Intent) -> Iterator[str]:
    candidates = project.workspace.candidates
    if intent.index is not None:
        if not 0 < intent.index <= len(candidates):
            return f"没有第{intent.index}个候选（当前有 {len(candidates)} 个）。可在右侧“场景”下拉框中直接选择任一场景。"
        chosen = candidates[intent.index - 1]
        return (yield from switch_scene(project, settings, chosen.link, chosen.scene))
    entry = intent.entries[0]
    # A 环节 name alone: prefer the candidate under that 环节 over the table's first scene.
    same_link = [c for c in candidates if c.link == entry.link]
    if same_link and not any(c.scene == entry.name for c in candidates) and entry.name not in intent.value:
        return (yield from switch_scene(project, settings, same_link[0].link, same_link[0].scene))
    return (yield from switch_scene(project, settings, entry.link, entry.name))


def _add_to_material(project: Project, text: str) -> None:
    """What the writer sent joins the material, marked as pasted in the chat."""
    project.material = f"{project.material}\n\n【{PASTED}】\n{text}".strip()


def _fact_numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d+)?", text)


def _fact(project: Project, settings: Settings, intent: Intent) -> Iterator[str]:
    """A figure or a period answering the assistant: recorded as material; only the sentences that
    use it change — the parts whose redraft now carries its numbers."""
    assert project.draft is not None
    _add_to_material(project, intent.value)
    if not project.material.strip():
        return "已记下。"
    d = project.draft
    yield "正在把这条信息放进用到它的句子…"
    result = yield from _redraft(project, settings, [], domain=d.domain, link=d.link, scene=d.scene)
    numbers = _fact_numbers(intent.value)
    using = [
        k
        for k in PART_KEYS
        if any(n in result.scene.parts.get(k) and n not in d.parts.get(k) for n in numbers)
        # a redraft that drops figures the part states was drafted from less material (a scene reopened
        # from the application keeps its text, not its notes): it never replaces the part
        and _keeps_figures(d.parts.get(k), result.scene.parts.get(k))
    ]
    if not using:
        d.questions = result.scene.questions
        return _add_fact_sentence(project, intent)
    applied, proposed = _install(project, result.scene, only=using)
    lines = [
        f"已更新用到它的部分：{'、'.join(using)}（其余部分未动）。",
        *_installed_lines(applied, proposed),
    ]
    return "\n".join(lines)


_CONFIRMED_REST = 15  # "口径没问题，可以写入。可推广性：…": more than a confirmation is material too


def _confirm(project: Project, settings: Settings, intent: Intent) -> Iterator[str]:
    """The writer confirms figures the assistant asked about: their lines lose the words that doubted
    them, and the scene is redrafted from the material so confirmed."""
    from assistant.drafting.extract import without_doubt

    assert project.draft is not None
    asked = [m["text"] for q in project.draft.questions if (m := CAVEAT_ASKED.search(q))]
    numbers = [set(_fact_numbers(a)) for a in asked]
    lines, confirmed = project.material.splitlines(), 0
    for i, line in enumerate(lines):
        said = set(_fact_numbers(line))
        if any(n and n <= said for n in numbers) and without_doubt(line) != line:
            lines[i], confirmed = without_doubt(line), confirmed + 1
    rest = CONFIRM_WORDS.sub("", intent.value).strip(" ，,。；;")
    if not confirmed:
        return "没有在材料中找到要确认的那一行；请直接把确认后的数字和统计口径发过来。"
    project.material = "\n".join(lines)
    if len(rest) >= _CONFIRMED_REST:
        _add_to_material(project, rest)
    d = project.draft
    yield "正在按确认后的数字重新起草…"
    result = yield from _redraft(project, settings, [], domain=d.domain, link=d.link, scene=d.scene)
    applied, proposed = _install(project, result.scene)
    return "\n".join(
        [
            f"已确认{confirmed}处口径，去掉了材料中“待确认”的说法并重新起草。",
            _draft_summary(result, [], project, proposed),
            *_installed_lines(applied, proposed),
        ]
    )


def _keeps_figures(current: str, redrafted: str) -> bool:
    said = {q.value for q in extract_quantities(redrafted)}
    return all(q.value in said for q in extract_quantities(current) if q.is_metric)


_ECONOMICS = re.compile(r"万元|亿元|投资|收益|节约|节省|回收期|成本")


def _add_fact_sentence(project: Project, intent: Intent) -> str:
    """The redraft found no sentence for the fact: the writer's own sentence is added where such a
    fact belongs (money → 经济性, anything else → 成效), as a proposal if the writer edited that part."""
    assert project.draft is not None
    key = "经济性" if _ECONOMICS.search(intent.value) else "成效"
    sentence = intent.value.strip().rstrip("。") + "。"
    current = project.draft.parts.get(key)
    if sentence in current:
        return f"“{key}”里已经有这句话了。"
    text, dropped = fit_to_limit(current + sentence, load_requirements().limit_spec(key).limit)
    if dropped:
        return f"已记入材料；“{key}”已接近字数上限，放不下这句。请先精简“{key}”，或说明替换哪一句。"
    outcome = machine_change(project.draft, project.workspace, key, text)
    if outcome == "proposed":
        return f"已记入材料；您改过“{key}”，加上这句的写法放在旁边作为建议。"
    return f"已把这句加到“{key}”末尾（其余部分未动），可按需调整位置。"


def _instance(project: Project, intent: Intent) -> str:
    assert project.draft is not None
    project.workspace.instance = intent.value
    project.draft.instance = intent.value
    project.draft.raw_title = ""
    # The question that asked for the name is answered: it leaves the 待补充 list now, not at a redraft.
    project.draft.gaps = [g for g in project.draft.gaps if g != "场景实例名称"]
    project.draft.questions = [q for q in project.draft.questions if not q.startswith("请确认场景实例名称")]
    moved = _place(project)
    return f"场景实例名称已改为“{inert(intent.value)}”，标题现为：{inert(project.draft.title)}。正文未改动。{moved}"


def _change(project: Project, settings: Settings, text: str) -> str:
    compress, supplement = _COMPRESS.search(text), _SUPPLEMENT.search(text)
    if compress:
        part: PartKey = _PART_NAMES[compress.group(1)]  # type: ignore[assignment]
        limit = min(_number(compress.group(2)), load_requirements().limit_spec(part).limit)
        return _revise(project, settings, part, text, limit)
    if supplement:
        part = _PART_NAMES[supplement.group(1)]  # type: ignore[assignment]
        return _supplement(project, settings, part, supplement.group(2))
    return _instruction(project, settings, text)


def _question(project: Project, settings: Settings, text: str, reply_lines: list[str]) -> Iterator[str]:
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
    lines = [html.escape(answer.text).replace("](", "] (")]  # no HTML, links or images
    if answer.online and answer.hits:  # the [n] markers mean nothing without their sources
        cited = sorted({int(n) for n in re.findall(r"\[(\d+)\]", answer.text)})
        lines += [
            f"[{n}] 出处：{inert(answer.hits[n - 1].citation)}" for n in cited if 0 < n <= len(answer.hits)
        ]
    if answer.partial:
        lines.append("⚠️ 回答不完整：模型输出中断，以上是已收到的部分，可重新提问。")
    return "\n".join(lines)


def _is_activity(piece: str) -> bool:
    """Something the factory did, not a note on it: "另外返工…口径待确认", "那个说法别写" and a minute's
    "3. 仓库AGV的事，会上决定不报在这个场景。下次会议：12月5日" open with a line the reader sets aside;
    "会议纪要（11月28日）" says nothing."""
    from assistant.drafting.extract import set_aside_reason
    from assistant.drafting.prose_fit import reads_as_prose

    sentences = [s for s in re.split(r"[。\n]", piece) if s.strip()]
    if not sentences or set_aside_reason(sentences[0]):
        return False
    return any(reads_as_prose(s) for s in sentences)


def _activity_lines(project: Project, settings: Settings, text: str) -> list[str]:
    """An overview of several activities: each is mapped on its own and the writer picks one to write."""
    from assistant.knowledge.index import ensure_index
    from assistant.knowledge.mapping import activities, map_description
    from assistant.knowledge.retriever import KnowledgeBase

    pieces = [piece for piece in activities(text) if _is_activity(piece)]
    if len(pieces) < 2:
        return []
    ensure_index(settings)
    kb = KnowledgeBase(settings)
    per_piece = [(p, map_description(kb, p, top=1)) for p in pieces]
    found = _candidates([m[0] for _, m in per_piece if m], project.material)
    distinct = list({(c.link, c.scene): c for c in found}.values())
    if len({c.link for c in distinct}) < 2:
        return []
    project.workspace.candidates = distinct
    lines = [
        "这段材料讲了几件不同的事，一个场景只写一件。按下面的候选分别对应（回复“选第N个”决定先写哪一个）："
    ]
    for piece, mapped in (pm for pm in per_piece if pm[1]):
        lines.append(f"- “{inert(piece[:30])}…” → {inert(mapped[0].label)}")
    return [*lines, *_candidate_lines(distinct)]


def _map(settings: Settings, text: str) -> list:
    from assistant.knowledge.index import ensure_index
    from assistant.knowledge.mapping import map_description
    from assistant.knowledge.retriever import KnowledgeBase

    ensure_index(settings)
    return map_description(KnowledgeBase(settings), text, top=3)


def _material(project: Project, settings: Settings, text: str, reply_lines: list[str]) -> Iterator[str]:
    from assistant.knowledge.mapping import is_close, named_scenes

    if text:
        _add_to_material(project, text)
    if not project.material.strip():
        return "请粘贴材料或上传文件（报告、供应商方案、数据表），我来对应环节/场景并起草五个部分。"
    yield "\n".join([*reply_lines, "正在对应环节/场景并起草…"])
    draft, lines = project.draft, []
    choice = {"domain": draft.domain, "link": draft.link, "scene": draft.scene} if draft else {}
    named = named_scenes(text) if not draft else []
    if len(named) == 1:  # the writer named the scene outright: that is the choice, not a vote
        choice = {"link": named[0].link, "scene": named[0].name}
        lines.append(f"材料中写明了场景“{named[0].label}”，按它起草。")
        project.workspace.candidates = _candidates(_map(settings, text), project.material)
    activity = _activity_lines(project, settings, text) if not draft and not named else []
    if activity and project.workspace.candidates:
        # The reply offers the activities' scenes as 第1、第2个: the draft is the first of them, not a
        # mapping of the whole text, which may land on a scene none of the activities is about.
        first = project.workspace.candidates[0]
        choice = {"link": first.link, "scene": first.scene}
        activity.append("已先按第1个起草；要写另一个，请回复“选第N个”。")
    result = yield from _redraft(project, settings, reply_lines, **choice)
    if result.mapping and not activity:
        project.workspace.candidates = _candidates(result.mapping, project.material)
    applied, proposed = _install(project, result.scene)
    lines += activity
    lines.append(_draft_summary(result, [] if activity else project.workspace.candidates, project, proposed))
    if not activity and result.mapping and is_close(result.mapping):
        first, second = result.mapping[0], result.mapping[1]
        lines.append(
            f"\n❓ 前两个候选很接近（{first.link}›{first.scene} 与 {second.link}›{second.scene}），"
            "已先按第1个起草。是哪一个？请回复“选第2个”或在右侧“场景”中点选。"
        )
    lines += _installed_lines(applied, proposed)
    return "\n".join(lines)


def snapshot(project: Project, taken_as: str) -> TurnUndo:
    """What “撤销上一步” restores after the change about to be made."""
    ws = project.workspace
    return TurnUndo(
        taken_as=taken_as,
        material=project.material,
        past_material=project.past_material,
        draft=project.draft.model_copy(deep=True) if project.draft else None,
        parts={k: v.model_copy() for k, v in ws.parts.items()},
        candidates=[c.model_copy() for c in ws.candidates],
        instance=ws.instance,
        scenes=[s.model_copy(deep=True) for s in project.application.scenes],
        placed_title=ws.placed_title,
    )


def undo_turn(project: Project) -> str:
    """Put back what the last chat turn changed (its chat lines stay, with a note)."""
    undo = project.workspace.undo
    if undo is None:
        return "没有可撤销的对话操作。"
    ws = project.workspace
    project.material, project.draft = undo.material, undo.draft
    project.past_material = undo.past_material
    ws.parts, ws.candidates, ws.instance = undo.parts, undo.candidates, undo.instance
    project.application.scenes, ws.placed_title = undo.scenes, undo.placed_title
    ws.undo = None
    message = f"已撤销上一步（{undo.taken_as.split('：')[0]}），草稿与材料恢复原样。"
    project.chat.append(ChatMessage(role="assistant", content=message))
    return message


def _dispatch(
    project: Project, settings: Settings, intent: Intent, text: str, reply_lines: list[str]
) -> Iterator[str]:
    if intent.kind == "question":
        return (yield from _question(project, settings, text, reply_lines))
    if intent.kind == "scene":
        intent.value = text
        return (yield from _scene_choice(project, settings, intent))
    if intent.kind == "instance":
        return _instance(project, intent)
    if intent.kind in ("figure", "period"):
        return (yield from _fact(project, settings, intent))
    if intent.kind == "correction":
        return (yield from _correction(project, settings, text))
    if intent.kind == "change":
        return _change(project, settings, text)
    if intent.kind == "profile":
        return _profile(project, text)
    if intent.kind == "confirm":
        return (yield from _confirm(project, settings, intent))
    return (yield from _material(project, settings, text, reply_lines))


_NEW_FIGURE = re.compile(
    # "应为每年节约约78万元": a few words may stand between the cue and the figure
    r"(?:实际是|实际为|应该是|应是|应为|改为|改成|更正为|是)[^，。；\d]{0,8}?约?(?P<new>\d[\d,.]*\s*(?:万元|万|亿元|元|%|个百分点|[\u4e00-\u9fff]{0,2}))"
)
_LABELS = r"合计|总投资|投资|年收益|收益|效益|回收期|节约"
_RETURN_LABELS = {"年收益", "收益", "效益", "节约"}
_LEADING_NUMBER = re.compile(r"^[\d,.]+")


def _digits_of(figure: str) -> str:
    found = re.match(r"\D*([\d,.]+)", figure)
    return found.group(1).replace(",", "") if found else ""


def _correction(project: Project, settings: Settings, text: str) -> Iterator[str]:
    """A wrong figure named with the right one replaces it where the draft states it; with only the
    right one, the figure after the label the message names (合计, 总投资…) in the part it names. The
    message joins the material either way, so a redraft reads the correction too."""
    from assistant.drafting.extract import corrections, void_figures
    from assistant.text import extract_quantities

    assert project.draft is not None
    new = _NEW_FIGURE.search(text)
    pairs = dict(corrections(text))
    if new:
        pairs.update({old: new.group("new").strip() for old in void_figures(text) if old not in pairs})
    if pairs:  # the wrong figure is named: a redraft reads the line as a correction, not as new material
        _add_to_material(project, text)
    done: list[str] = []
    said_as = text
    for key in PART_KEYS:
        current = project.draft.parts.get(key)
        changed = current
        for old, right in pairs.items():
            value = next(iter(extract_quantities(old)), None)
            for q in reversed(extract_quantities(changed)):
                same_kind = (
                    q.kind == value.kind or {q.kind, value.kind} <= {"money", "count"} if value else False
                )
                # "1460写错了，应为730": a bare number names the figure the draft writes as 1460万元
                said_bare = (
                    value is not None and value.kind == "plain" and _digits_of(q.text) == _digits_of(old)
                )
                if value is not None and ((same_kind and q.value == value.value) or said_bare):
                    changed = changed[: q.start] + _as_written_like(q.text, right) + changed[q.end :]
        named = _PART_NAMES.get(next((m for m in re.findall(PART_WORDS, text)), ""), "")
        if not pairs and new and key == named and (label := re.search(_LABELS, text)):
            at = changed.find(label.group(0))
            if at < 0 and label.group(0) in _RETURN_LABELS:
                # "年收益写错了": the draft may say 每年…约86万元; only one yearly figure can be meant
                yearly = [m.start() for m in re.finditer(r"每年|年节约|年收益|年效益", changed)]
                at = yearly[0] if len(yearly) == 1 else -1
            q = next((q for q in extract_quantities(changed[at:]) if q.is_metric), None) if at >= 0 else None
            if q is not None:
                start = at + q.start
                right = _as_written_like(q.text, new.group("new").strip())
                changed = changed[:start] + right + changed[at + q.end :]
                # Kept in the material as the wrong figure and the right one, so a redraft reads a
                # correction ("应为每年节约约78万元" alone would read as one more yearly return).
                wrong = next(  # as the material writes it ("86万"), so the redraft replaces it there
                    (
                        m.text
                        for m in extract_quantities(project.material)
                        if m.kind == q.kind and m.value == q.value
                    ),
                    q.text,
                )
                wrong = wrong.lstrip("约")
                unit = _LEADING_NUMBER.sub("", wrong)  # the right figure in the wrong one's form: 78万
                said_as = f"{wrong}写错了，应为{_digits_of(right)}{unit}"
        if changed != current:
            _set_part(project, key, changed)
            done.append(key)
    if not done and (said := _SAID_WRONG.search(text)):
        # "成效里的2023年1月写错了，应为2023年1月—12月": a period or date is put right word for word
        wrong = re.sub(rf"^{PART_WORDS}(?:里的|中的|的|里|中)?", "", said.group("old")).strip('“”" ')
        right = said.group("new").strip('“”" 。')
        for key in PART_KEYS:
            current = project.draft.parts.get(key)
            if re.search(r"\d", wrong) and wrong in current and right not in current:
                _set_part(project, key, current.replace(wrong, right))
                done.append(key)
    if done:
        if not pairs:
            _add_to_material(project, said_as)
        lines = [f"已按更正改了“{'”“'.join(done)}”中的数字，并把这句记入材料；其余内容未动。"]
        money = project.draft.parts.经济性
        if "经济性" in done and re.search(r"合计|回收期", money):
            # A corrected cost or return changes the sums built on it: the 经济性 the facts give now.
            d = project.draft
            result = yield from _redraft(project, settings, [], domain=d.domain, link=d.link, scene=d.scene)
            if result.scene.parts.经济性 and result.scene.parts.经济性 != money:
                applied, proposed = _install(project, result.scene, only=["经济性"])
                done_how = "已重新计算" if applied else "的新算法放在“经济性”旁作为建议"
                lines += [f"合计与回收期按更正后的数字{done_how}。", *_installed_lines(applied, proposed)]
        return "\n".join(lines)
    if pairs:
        return "已把更正记入材料（重新起草时采用）；草稿里没找到要改的那个数字，请直接在相应部分修改。"
    # Kept out of the material: a correction naming no wrong figure would be read as a new figure.
    return (
        "没有找到要改的数字，这句未记入材料。请写明原来的数字和正确的数字，"
        "如“经济性里的86万写错了，应为78万”，或直接在相应部分修改。"
    )


_SAID_WRONG = re.compile(
    r"(?P<old>[^，。；]{2,40}?)(?:写错了|写错|错了|不对|有误)[，,]?\s*(?:应为|应该是|改为|改成|实际是)\s*(?P<new>[^。；]{1,40})"
)


def _as_written_like(old: str, new: str) -> str:
    """ "120万元" corrected by "100万" stays "100万元": the draft's unit, the writer's number."""
    number = re.match(r"[\d,.]+", new.strip())
    if number and re.fullmatch(r"[\d,.]+\s*(?:万|万元|元|亿元)?", new.strip()) and re.match(r"[\d,.]+", old):
        return number.group(0) + old[re.match(r"[\d,.]+", old).end() :]
    return new


def _profile(project: Project, text: str) -> str:
    """The company's own story is for 一（一）企业简介, not for the scene being written."""
    project.past_material = f"{project.past_material}\n\n{text}".strip()
    return "已记下企业情况；在“申报书各章节”点“起草全部章节”时用于起草企业简介。当前场景草稿未改动。"


def respond(
    project: Project, settings: Settings, text: str, files: list[Path] | None = None
) -> Iterator[str]:
    """One chat turn. Yields the assistant's reply as it grows; the project is updated in place."""
    from assistant.text.simplify import to_simplified

    text = to_simplified((text or "").strip())
    project.chat.append(ChatMessage(role="user", content=text or "（上传文件）"))
    reply_lines = add_files(project, files or [])
    asked = project.draft is not None and any(CAVEAT_ASKED.search(q) for q in project.draft.questions)
    intent = (
        classify(text, project.draft is not None, asked) if text or not reply_lines else Intent("material")
    )
    head = f"**理解为：{intent.taken_as}**" + (
        "" if intent.kind == "question" else "（不对可点“撤销上一步”）"
    )
    reply_lines.insert(0, head)
    yield "\n".join(reply_lines)
    if intent.kind != "question":
        project.workspace.undo = snapshot(project, intent.taken_as)
    try:
        reply_lines.append((yield from _dispatch(project, settings, intent, text, reply_lines)))
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


def apply_turn(before: Project, after: Project, fresh: Project) -> Project:
    """Apply to ``fresh`` (the project as stored now) only what a turn changed between ``before`` and
    ``after``. A part the writer edited in the page while the turn ran keeps the writer's text and
    gets the turn's text as a proposal."""
    fresh.chat += after.chat[len(before.chat) :]
    for name in ("material", "past_material"):  # appended to by turns; an undo puts an older text back
        was, now = getattr(before, name), getattr(after, name)
        if now != was:
            added = now[len(was) :] if now.startswith(was) else None
            setattr(fresh, name, getattr(fresh, name) + added if added is not None else now)
    ws_after, ws_fresh = after.workspace, fresh.workspace
    for name in ("candidates", "undo", "instance", "placed_title"):
        if getattr(ws_after, name) != getattr(before.workspace, name):
            setattr(ws_fresh, name, getattr(ws_after, name))
    if after.application.scenes != before.application.scenes:
        fresh.application.scenes = after.application.scenes
    if after.draft == before.draft and ws_after.parts == before.workspace.parts:
        return fresh
    if fresh.draft is None or before.draft is None or after.draft is None:
        fresh.draft, ws_fresh.parts = after.draft, ws_after.parts
        return fresh
    for name in ("domain", "link", "scene", "instance", "raw_title", "gaps", "questions", "figures"):
        setattr(fresh.draft, name, getattr(after.draft, name))
    for key in PART_KEYS:
        old, new, now = before.draft.parts.get(key), after.draft.parts.get(key), fresh.draft.parts.get(key)
        state_changed = ws_after.part(key) != before.workspace.part(key)
        if old == new and not state_changed:
            continue
        if now == old:  # untouched in the page meanwhile: the turn's text and state win
            setattr(fresh.draft.parts, key, new)
            ws_fresh.parts[key] = ws_after.part(key).model_copy()
        elif new != old:  # the writer typed meanwhile: theirs stays, the turn's text waits beside it
            ws_fresh.part(key).proposal, ws_fresh.part(key).edited = new, True
    return fresh
