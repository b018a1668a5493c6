"""A drafted scene for people (Markdown) and programs (JSON)."""

from __future__ import annotations

import json

from assistant.drafting.service import DraftResult
from assistant.requirements import load_requirements
from assistant.text import count_words


def draft_dict(result: DraftResult) -> dict:
    data = result.scene.model_dump(exclude={"raw_title"})
    data["summary_line"] = result.summary_line
    data["mode"] = result.mode
    data["citations"] = result.citations
    data["notes"] = result.notes
    data["remaining_problems"] = [
        {"rule": v.rule, "part": v.part, "message": v.message} for v in result.remaining
    ]
    data["llm"] = {
        "calls": result.calls,
        "prompt_tokens": result.prompt_tokens,
        "completion_tokens": result.completion_tokens,
        "partial": result.partial,
    }
    if result.mapping:
        data["mapping"] = [c.to_dict() for c in result.mapping]
    if result.cannot_draft:
        data["cannot_draft"] = result.cannot_draft
    return data


def draft_json(result: DraftResult) -> str:
    return json.dumps(draft_dict(result), ensure_ascii=False, indent=1)


def draft_markdown(result: DraftResult) -> str:
    scene = result.scene
    mode = "在线（大模型）" if result.mode == "online" else "离线（按材料事实组织成文，请核对）"
    lines = [
        f"# {scene.title}",
        "",
        f"- 领域：{scene.domain}　撰写方式：{mode}",
        f"- 汇总表行：{result.summary_line}",
    ]
    if result.cannot_draft:
        lines += ["", f"**无法起草**：{result.cannot_draft}"]
    for spec in load_requirements().parts:
        text = scene.parts.get(spec.key)  # type: ignore[arg-type]
        lines += ["", f"## {spec.heading}（{count_words(text)}/{spec.limit}字）", "", text or "（空）"]
    if scene.gaps or scene.questions:
        lines += ["", "## 需要企业补充"]
        lines += [f"- 缺：{g}" for g in scene.gaps]
        lines += [f"- 问：{q}" for q in scene.questions]
    facts = result.facts
    if facts and (facts.excluded or facts.caveats or facts.superseded):
        lines += ["", "## 材料中未采用的内容"]
        lines += [f"- {n.text}（{n.reason}，{n.source}）" for n in facts.caveats]
        lines += [f"- {f}（已被更正或作废的数字）" for f in facts.superseded]
        lines += [f"- {n.text}（{n.reason}，{n.source}）" for n in facts.excluded]
    if scene.figures:
        lines += ["", "## 数字来源"]
        lines += [f"- {f.value}：{f.source}" for f in scene.figures]
    if result.notes:
        lines += ["", "## 说明"] + [f"- {n}" for n in result.notes]
    if result.citations:
        lines += ["", "## 依据"] + [f"- {c}" for c in result.citations]
    return "\n".join(lines) + "\n"
