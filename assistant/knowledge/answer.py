"""Answering a question from retrieved passages only; every sentence tied to a citation.

Offline, the answer is the top passages themselves. Online, the model writes an answer from
those passages; sentences without a valid [n] marker are dropped, and when nothing relevant was
retrieved the fixed reply NO_ANSWER is given without calling the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.config import Settings
from assistant.knowledge.retriever import Hit, KnowledgeBase
from assistant.scenes import UNVERIFIED_MARK, load_scene_table

NO_ANSWER = "资料中没有找到依据"
# e5 similarities sit high: on this corpus unrelated questions (天气、菜谱、股票) top out near 0.86,
# questions about the notice start near 0.88. A passage is relevant if its dense similarity clears
# MIN_DENSE, or BM25 ranks it near the top and dense agrees it is close.
MIN_DENSE = 0.875
MIN_DENSE_WITH_BM25 = 0.85
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?(?:\s*\[\d+\])*")


@dataclass
class Answer:
    question: str
    text: str
    hits: list[Hit]
    online: bool
    dropped_sentences: list[str] = field(default_factory=list)
    partial: bool = False
    tokens: int = 0


def relevant(hits: list[Hit]) -> list[Hit]:
    return [
        h
        for h in hits
        if (h.dense_score or 0) >= MIN_DENSE
        or (h.bm25_rank is not None and h.bm25_rank <= 3 and (h.dense_score or 0) >= MIN_DENSE_WITH_BM25)
    ]


def format_passages(hits: list[Hit]) -> str:
    return "\n\n".join(f"[{i}] 出处：{h.citation}\n{h.chunk.text}" for i, h in enumerate(hits, 1))


def keep_cited_sentences(text: str, n_passages: int) -> tuple[str, list[str]]:
    kept, dropped = [], []
    for sentence in (s.strip() for s in _SENTENCE.findall(text)):
        if not sentence:
            continue
        refs = [int(r) for r in re.findall(r"\[(\d+)\]", sentence)]
        if refs and all(1 <= r <= n_passages for r in refs):
            kept.append(sentence)
        else:
            dropped.append(sentence)
    return "".join(kept), dropped


@lru_cache(maxsize=1)
def _scene_names() -> tuple[re.Pattern[str], frozenset[str]]:
    table = load_scene_table()
    entries = [*table.entries, *table.modes]
    # Every name in the pattern, longest first, so an unverified name inside a longer verified one
    # is left alone; only unverified matches get the mark.
    names = sorted({e.name for e in entries}, key=len, reverse=True)
    pattern = re.compile("(" + "|".join(map(re.escape, names)) + ")(?!（未核实)")
    return pattern, frozenset(e.name for e in entries if not e.verified)


def mark_unverified(text: str) -> str:
    """The model writes scene names bare; every unverified one shown to users carries its mark."""
    pattern, unverified = _scene_names()
    return pattern.sub(lambda m: m.group(1) + (UNVERIFIED_MARK if m.group(1) in unverified else ""), text)


def ask(kb: KnowledgeBase, settings: Settings, question: str, k: int = 5, on_token=None) -> Answer:
    hits = relevant(kb.search(question, k=k))
    if not hits:
        return Answer(question, NO_ANSWER, [], online=settings.llm_configured)
    if not settings.llm_configured:
        return Answer(question, format_passages(hits), hits, online=False)
    from assistant.llm import chat
    from assistant.prompts import load_prompt

    system, user = load_prompt("ask").render(
        question=question, passages=format_passages(hits), no_answer=NO_ANSWER
    )
    reply = chat(settings, system, user, on_token=on_token)
    if NO_ANSWER in reply.text:
        return Answer(
            question, NO_ANSWER, hits, online=True, tokens=reply.prompt_tokens + reply.completion_tokens
        )
    text, dropped = keep_cited_sentences(mark_unverified(reply.text), len(hits))
    return Answer(
        question,
        text or NO_ANSWER,
        hits,
        online=True,
        dropped_sentences=dropped,
        partial=reply.partial,
        tokens=reply.prompt_tokens + reply.completion_tokens,
    )
