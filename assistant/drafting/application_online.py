"""The application-level texts rewritten by the model, under the same figure guard as the offline draft.

The model gets the offline draft (``application.py``) and the facts behind it and rewrites the prose;
every sentence of its reply must trace each figure to a scene, the material or a recorded derivation,
or it is dropped and listed. A reply over the limit, a reply with nothing left, or a failing endpoint
leaves the offline draft in place, with the reason in ``notes``.
"""

from __future__ import annotations

import re

from assistant.config import Settings
from assistant.drafting.application import ApplicationDraft, SectionDraft, Tracer
from assistant.drafting.facts import SceneFacts
from assistant.drafting.material import Material
from assistant.errors import LLMError
from assistant.models import Application
from assistant.requirements import load_requirements
from assistant.text import count_words

_SENTENCE = re.compile(r"[^。！？]+[。！？]?")
_SUBHEADING = re.compile(r"^[（(][一二三四五六七八九十]+[）)][^。；，]{2,18}$")


def _facts_lines(app: Application, facts: list[SceneFacts | None] | None, draft: SectionDraft) -> str:
    lines = []
    for i, (scene, f) in enumerate(zip(app.scenes, facts or [None] * len(app.scenes), strict=False), 1):
        if f is not None:
            lines += [f"场景{i}「{scene.instance or scene.title}」{line}" for line in f.summary_lines()]
    lines += [f"推算：{d.value}（{d.how}）" for d in draft.derived]
    lines += [f"{fig.value}：{fig.source}" for fig in draft.figures if not fig.source.startswith("推算")]
    return "\n".join(dict.fromkeys(lines)) or "（无）"


def polish_section(
    app: Application,
    draft: SectionDraft,
    settings: Settings,
    *,
    facts: list[SceneFacts | None] | None = None,
    material: Material | None = None,
) -> SectionDraft:
    """The section rewritten by the model when one is configured; else (or on any failure) ``draft``."""
    if not settings.llm_configured or not draft.text.strip():
        return draft
    from assistant.llm import chat
    from assistant.prompts import load_prompt

    req = load_requirements()
    guidance = {s.key: s.guidance for s in req.sections}.get(draft.key, "")
    limited = draft.key in ("企业简介", "项目简述")  # 二 and 四 have no limit in the notice
    limit = req.limit_spec(draft.key).limit if limited else None
    if limited:
        guidance = req.limit_spec(draft.key).clause
    system, user = load_prompt("draft_application_section").render(
        section=draft.key,
        guidance=guidance,
        limit=f"{limit}字" if limit else "草稿的篇幅",
        draft=draft.text,
        facts=_facts_lines(app, facts, draft),
    )
    try:
        reply = chat(settings, system, user)
    except LLMError as err:
        return draft.model_copy(update={"notes": [*draft.notes, f"大模型调用失败（{err}），保留离线草稿。"]})
    tracer = Tracer(app, material, draft.derived)
    polished = draft.model_copy(update={"figures": [], "dropped": [], "mode": "online"})
    lines = []
    for line in (x.strip() for x in reply.text.strip().splitlines()):
        if not line:
            continue
        if _SUBHEADING.match(line):
            lines.append(line)
            continue
        kept = tracer.keep(polished, [s for s in _SENTENCE.findall(line) if s.strip()])
        if kept:
            lines.append("".join(kept))
    text = "\n".join(lines)
    has_body = any(not _SUBHEADING.match(line) for line in lines)
    if not has_body:
        return draft.model_copy(
            update={"notes": [*draft.notes, "大模型的改写没有可用的句子，保留离线草稿。"]}
        )
    if limit and count_words(text) > limit:
        note = f"大模型的改写有{count_words(text)}字，超出上限{limit}字，保留离线草稿。"
        return draft.model_copy(update={"notes": [*draft.notes, note]})
    polished.text = text
    if polished.dropped:
        polished.notes = [*draft.notes, f"已删去{len(polished.dropped)}句含无出处数字的句子（见 dropped）。"]
    return polished


def polish_application_texts(
    app: Application,
    texts: ApplicationDraft,
    settings: Settings,
    *,
    facts: list[SceneFacts | None] | None = None,
    material: Material | None = None,
) -> ApplicationDraft:
    """Every drafted section through ``polish_section``; the checklist is unchanged."""
    return texts.model_copy(
        update={
            "company_profile": polish_section(
                app, texts.company_profile, settings, facts=facts, material=material
            ),
            "project_summary": polish_section(
                app, texts.project_summary, settings, facts=facts, material=material
            ),
            "overview": polish_section(app, texts.overview, settings, facts=facts, material=material),
            "results": polish_section(app, texts.results, settings, facts=facts, material=material),
        }
    )
