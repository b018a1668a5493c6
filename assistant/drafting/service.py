"""Drafting a scene from raw material: map it to 环节/场景, write the five parts (LLM or offline),
guard every result with the reviewer's rules and the figure guard, repair a bounded number of
times, and say plainly what is missing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from assistant.config import Settings
from assistant.drafting.compose import compose_scene
from assistant.drafting.extract import ASIDE, extract_facts
from assistant.drafting.facts import SceneFacts
from assistant.drafting.figures import FigureGuard
from assistant.drafting.guards import GAP_MARK, Violation, check_scene, enforce
from assistant.drafting.material import Material
from assistant.drafting.offline import describing_passages
from assistant.drafting.reply import scene_reply_model
from assistant.errors import InputError, LLMError
from assistant.models import PART_KEYS, Figure, Scene, SceneParts
from assistant.requirements import load_requirements
from assistant.review.rulebook import rule_named
from assistant.scenes import load_scene_table
from assistant.text import extract_quantities

MAX_REPAIRS = 2  # corrections sent back before the draft is taken as it is
MIN_STATEMENT_CHARS = 6  # shorter lines are labels or numbers, nothing to draft from
# When the only problem is a figure or two without a source, drop those sentences here (and say so)
# rather than spend another model call; more than that goes back to the model.
LOCAL_FIX_MAX_FIGURES = 2
MATERIAL_CHAR_BUDGET = 5000  # keeps the prompt near 3,000 tokens


@dataclass
class DraftResult:
    scene: Scene
    mode: Literal["online", "offline"]
    mapping: list = field(default_factory=list)  # SceneCandidate list when the scene was proposed by `map`
    citations: list[str] = field(default_factory=list)
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    remaining: list[Violation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    partial: bool = False
    cannot_draft: str = ""
    fell_back: bool = False  # the endpoint failed and the offline drafter wrote this draft
    facts: SceneFacts | None = None

    @property
    def summary_line(self) -> str:
        return self.scene.summary_line()


def _number_lines(text: str) -> str:
    lines = text.splitlines()
    numbered = "\n".join(f"{i:>3}| {line}" for i, line in enumerate(lines, 1) if line.strip())
    if len(numbered) > MATERIAL_CHAR_BUDGET:
        numbered = numbered[:MATERIAL_CHAR_BUDGET] + "\n（材料过长，其余部分未提供给模型）"
    return numbered


def resolve_scene(
    facts: SceneFacts, settings: Settings, domain: str | None, link: str | None, scene: str | None
) -> tuple[str, str, str, list]:
    """(domain, link, scene, candidates): given names win; otherwise the knowledge base proposes."""
    req = load_requirements()
    table = load_scene_table()
    if scene and not link:
        entry = table.lookup(scene)
        link = entry.link if entry else link
    if link and not domain:
        spec = req.domain_of_link(link)
        domain = spec.name if spec else domain
    if link and scene and domain:
        return domain, link, scene, []
    from assistant.knowledge.index import ensure_index
    from assistant.knowledge.mapping import map_description
    from assistant.knowledge.retriever import KnowledgeBase

    ensure_index(settings)
    kb = KnowledgeBase(settings)
    candidates = _vote_scenes(kb, describing_passages(facts), map_description)
    if link:
        candidates = [c for c in candidates if c.link == link] or candidates
    if not candidates:
        raise InputError("无法判断材料对应的环节/场景，请用 --link 与 --scene 指定")
    best = candidates[0]
    return domain or best.domain, link or best.link, scene or best.scene, candidates


VOTE_TOP = 5


def _vote_scenes(kb, passages: list[str], map_description, top: int = 3) -> list:
    """Candidates ranked by reciprocal-rank votes of every passage of the material: first the 环节
    most passages point to, then its best-voted scene; one candidate per 环节.

    A whole material is a poor query — its opening lines are usually about the company — so each
    passage of a few sentences maps on its own. Votes are pooled per 环节 before choosing the scene
    because neighbouring scenes of one 环节 split a passage's vote between them.
    """
    link_votes: dict[str, float] = {}
    scene_votes: dict[tuple[str, str], float] = {}
    best: dict[tuple[str, str], object] = {}
    for passage in passages:
        for rank, candidate in enumerate(map_description(kb, passage, top=VOTE_TOP)):
            key = (candidate.link, candidate.scene)
            link_votes[candidate.link] = link_votes.get(candidate.link, 0.0) + 1 / (rank + 1)
            scene_votes[key] = scene_votes.get(key, 0.0) + 1 / (rank + 1)
            best.setdefault(key, candidate)
    total = sum(link_votes.values()) or 1.0
    chosen = []
    for link in sorted(link_votes, key=lambda name: -link_votes[name])[:top]:
        key = max((k for k in scene_votes if k[0] == link), key=lambda k: scene_votes[k])
        chosen.append(replace(best[key], score=link_votes[link] / total))
    return chosen


def _scene_note(link: str, scene: str) -> tuple[str, list[str]]:
    entry = load_scene_table().lookup(scene, link)
    if entry is None:
        return f"场景“{scene}”不在本项目的场景表中，请按材料如实撰写。", []
    note = f"场景说明（{entry.citation}）：{entry.summary}"
    if not entry.verified:
        note += "。注意：该场景名未经2024年版指引原文核实。"
    return note, [entry.citation]


def _part_citations() -> list[str]:
    return [spec.clause for spec in load_requirements().parts]


def _scene_from(reply: Any, domain: str, link: str, scene: str) -> Scene:
    """The model's accepted reply as a Scene; the 环节 changes only to a real one."""
    parts = reply.parts
    return Scene(
        domain=domain,
        link=reply.link if reply.link in load_requirements().all_links else link,
        scene=reply.scene or scene,
        instance=reply.instance.strip(),
        parts=SceneParts(**{k: getattr(parts, k).strip() for k in PART_KEYS}),
        gaps=[g for g in reply.gaps if g.strip()],
        questions=[q for q in reply.questions if q.strip()],
    )


PERIOD_QUESTION = (
    "成效的统计周期",
    "请说明成效数据的统计周期与对比口径（如“2024年7–12月对比2023年同期”）",
)
_PERIOD_WORDS = re.compile(
    r"同比|同期|统计|期间|全年|年度|每月|每年|月均|年均|上线前|上线后|改造前|改造后|以来"
)


# The question about a doubted figure, and how a reply finds which line it asked about.
CAVEAT_QUESTION = "材料中“{text}”口径待确认，草稿未采用：请确认后告知是否写入"
CAVEAT_ASKED = re.compile(r"材料中“(?P<text>.+)”口径待确认，草稿未采用")


def _ask(scene: Scene, gap: str, question: str) -> None:
    if gap not in scene.gaps:
        scene.gaps.append(gap)
    if question not in scene.questions:
        scene.questions.append(question)


def finish(scene: Scene, guard: FigureGuard, facts: SceneFacts) -> list[Violation]:
    """Fill gaps/questions from what is still missing and record every figure's source."""
    remaining = check_scene(scene, guard, facts)
    for v in remaining:
        # What to ask is the rule's own (its drafting: block): the material lacks what the rule needs,
        # or a part is still empty.
        rule = rule_named(v.rule)
        if rule is None:
            continue  # the figure guard's findings: their sentences are dropped, nothing to ask
        question = rule.drafting.ask if not v.fixable else rule.question_for(v.part)
        if question:
            _ask(scene, question.gap, question.question)
    results = scene.parts.成效
    has_period = _PERIOD_WORDS.search(results) or any(
        q.kind in ("year", "date") for q in extract_quantities(results)
    )
    if results.strip() and not has_period:
        _ask(scene, *PERIOD_QUESTION)  # the template asks for results over a stated period
    if not scene.instance:
        scene.gaps.append("场景实例名称")
        scene.questions.append("请确认场景实例名称（建议体现对象与做法，如“××产线××检测”）")
        scene.instance = "（待命名）"
    for key, text in scene.parts.items():
        for check in guard.check(text):
            scene.figures.append(Figure(value=check.value, source=f"{key}：{check.source}"))
    return remaining


def draft_scene(
    material: Material,
    settings: Settings,
    *,
    domain: str | None = None,
    link: str | None = None,
    scene: str | None = None,
    instance: str | None = None,
    on_token: Callable[[str], None] | None = None,
    max_repairs: int = MAX_REPAIRS,
) -> DraftResult:
    if not any(len(s.text) >= MIN_STATEMENT_CHARS for s in material.sentences):
        raise InputError(
            "材料里没有可用于起草的句子（只有表头、标题或空行）：请提供建设内容、改造前后的指标、供应商与投资等信息"
        )
    facts = extract_facts(material)
    domain, link, scene_name, candidates = resolve_scene(facts, settings, domain, link, scene)
    guard = FigureGuard(material, facts)
    note, citations = _scene_note(link, scene_name)
    instance = instance or facts.instance_name or None
    if settings.llm_configured:
        job = _OnlineJob(
            material, settings, guard, facts, domain, link, scene_name, instance, candidates, note, citations
        )
        try:
            return _draft_online(job, on_token, max_repairs)
        except LLMError as err:
            # The writer keeps a draft whatever the endpoint does: the offline one, with the reason.
            result = _draft_offline(facts, guard, domain, link, scene_name, instance, candidates, citations)
            result.notes.insert(0, f"大模型调用失败（{err}），已改用离线起草。")
            result.fell_back = True
            return result
    result = _draft_offline(facts, guard, domain, link, scene_name, instance, candidates, citations)
    result.notes.append("离线起草：未配置大模型，以下内容由材料中的事实按申报书句式组织，请人工核对润色。")
    return result


def _draft_offline(
    facts: SceneFacts,
    guard: FigureGuard,
    domain: str,
    link: str,
    scene_name: str,
    instance: str | None,
    candidates: list,
    citations: list[str],
) -> DraftResult:
    drafted = compose_scene(facts, domain, link, scene_name, instance or facts.title)
    result = DraftResult(scene=drafted, mode="offline", mapping=candidates, citations=citations, facts=facts)
    result.notes += enforce(drafted, guard, facts)
    result.remaining = finish(drafted, guard, facts)
    stated = "".join(drafted.parts.get(k) for k in PART_KEYS)
    for note in facts.caveats:
        said = ASIDE.sub("", note.text)  # "（…，6个月）" says which months, no value
        figures = [q.text for q in extract_quantities(said) if q.is_metric]
        if figures and all(f in stated for f in figures):
            continue  # the draft states these figures from other lines: there is nothing to confirm
        _ask(drafted, "口径待确认的数字", CAVEAT_QUESTION.format(text=note.text))
    if not any(s.role == "经济性" for s in facts.statements) and drafted.parts.经济性:
        _ask(drafted, "可推广性", "请说明本场景做法在行业内的可推广性（如同类企业、同类产线可复制之处）")
    return result


@dataclass
class _OnlineJob:
    """What an online draft works from, resolved once by ``draft_scene``."""

    material: Material
    settings: Settings
    guard: FigureGuard
    facts: SceneFacts
    domain: str
    link: str
    scene_name: str
    instance: str | None
    candidates: list
    note: str
    citations: list[str]


def _draft_online(job: _OnlineJob, on_token: Callable[[str], None] | None, max_repairs: int) -> DraftResult:
    from assistant.llm.structured import StructuredError, ask_structured
    from assistant.prompts import load_prompt

    spec = load_requirements().domain(job.domain)
    if job.instance:
        hint = f"场景实例名称请用：{job.instance}"
    elif job.facts.title:  # the notes' own title: a lead the model may shorten or sharpen, not an order
        hint = f"材料标题为“{job.facts.title}”，场景实例名称请据此拟定（体现对象与做法）。"
    else:
        hint = "场景实例名称请根据材料拟定。"
    result = DraftResult(
        scene=Scene(domain=job.domain, link=job.link, scene=job.scene_name),
        facts=job.facts,
        mode="online",
        mapping=job.candidates,
        citations=[*job.citations, *([spec.clause] if spec else []), *_part_citations()],
    )

    def as_scene(reply: Any) -> Scene:
        drafted = _scene_from(reply, job.domain, job.link, job.scene_name)
        if job.instance:
            drafted.instance = job.instance
        return drafted

    def guarded(reply: Any) -> list[str]:
        """The reviewer's rules and the figure guard, as corrections for the model."""
        if reply.cannot_draft:
            return []
        violations = [v for v in check_scene(as_scene(reply), job.guard, job.facts) if v.fixable]
        if all(v.rule == "invented-figure" for v in violations) and len(violations) <= LOCAL_FIX_MAX_FIGURES:
            return []  # enforce() below drops those sentences and records it
        return [v.message for v in violations]

    try:
        asked = ask_structured(
            job.settings,
            load_prompt("draft_scene"),
            scene_reply_model(),
            variables={
                "domain": job.domain,
                "link": job.link,
                "scene": job.scene_name,
                "scene_note": job.note,
                "domain_goal": f"{spec.goal}（{spec.clause}）" if spec else "",
                "material": _number_lines(job.material.text),
                "instance_hint": hint,
            },
            validators=[guarded],
            max_repairs=max_repairs,
            on_token=on_token,
            repair_prompt=load_prompt("draft_repair"),
        )
        reply, usage = asked.value, asked.usage
    except StructuredError as err:
        if err.value is None:
            raise  # never a usable draft: draft_scene falls back to the offline one
        reply, usage = err.value, err.usage  # still failing the guards: enforce() below fixes what is left
    result.calls, result.partial = usage.calls, usage.partial
    result.prompt_tokens, result.completion_tokens = usage.prompt_tokens, usage.completion_tokens
    if reply.cannot_draft:
        result.cannot_draft = reply.reason or "模型认为材料不足以撰写"
        result.scene.questions = list(reply.questions)
        return result
    drafted = as_scene(reply)
    result.notes += enforce(drafted, job.guard, job.facts)
    result.scene = drafted
    result.remaining = finish(drafted, job.guard, job.facts)
    if any(GAP_MARK in text for _, text in drafted.parts.items()):
        result.notes.append("草稿中标有“【待补充】”的位置需要企业补充材料。")
    return result
