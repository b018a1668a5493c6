"""Retrieval eval: hand-written colloquial queries → gold 环节/场景, and notice questions → gold passage.

Hybrid, BM25-only and dense-only are measured side by side on one index built in a temporary
data directory, so the user's own index is never touched.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml

from assistant.config import Settings
from assistant.knowledge.index import build_index
from assistant.knowledge.mapping import map_description, rank_links
from assistant.knowledge.retriever import KnowledgeBase

HERE = Path(__file__).parent
METHODS = ("hybrid", "bm25", "dense")


def _rank_of(items: list[str], gold: set[str]) -> int | None:
    for i, item in enumerate(items, 1):
        if item in gold:
            return i
    return None


def _summarise(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    return {
        "hit@1": sum(1 for r in ranks if r == 1) / n,
        "hit@3": sum(1 for r in ranks if r is not None and r <= 3) / n,
        "mrr": sum(1 / r for r in ranks if r is not None) / n,
    }


def evaluate(kb: KnowledgeBase) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    queries = yaml.safe_load((HERE / "queries.yaml").read_text(encoding="utf-8"))
    clauses = yaml.safe_load((HERE / "clauses.yaml").read_text(encoding="utf-8"))
    metrics: dict[str, Any] = {"queries": len(queries), "clause_questions": len(clauses)}
    misses: list[dict[str, Any]] = []
    for method in METHODS:
        link_ranks, scene_ranks = [], []
        for q in queries:
            candidates = map_description(kb, q["query"], top=10, method=method)
            link_rank = _rank_of(rank_links(candidates), {q["link"]})
            scene_rank = _rank_of([c.scene for c in candidates], set(q["scenes"]))
            link_ranks.append(link_rank)
            scene_ranks.append(scene_rank)
            if method == "hybrid" and (link_rank is None or link_rank > 3):
                misses.append(
                    {"id": q["id"], "query": q["query"], "gold": q["link"], "got": rank_links(candidates)[:3]}
                )
        for level, ranks in (("link", link_ranks), ("scene", scene_ranks)):
            for name, value in _summarise(ranks).items():
                metrics[f"{method}.{level}.{name}"] = round(value, 4)
        clause_ranks = []
        for c in clauses:
            hits = kb.search(c["query"], k=10, method=method, kind="clause")
            ok = [h.chunk.source == c["source"] and c["expect"] in h.chunk.text for h in hits]
            clause_ranks.append(ok.index(True) + 1 if True in ok else None)
        for name, value in _summarise(clause_ranks).items():
            metrics[f"{method}.clause.{name}"] = round(value, 4)
    for single in ("bm25", "dense"):
        metrics[f"hybrid.link.mrr_vs_{single}"] = round(
            metrics["hybrid.link.mrr"] - metrics[f"{single}.link.mrr"], 4
        )
        metrics[f"hybrid.link.hit3_vs_{single}"] = round(
            metrics["hybrid.link.hit@3"] - metrics[f"{single}.link.hit@3"], 4
        )
    return metrics, misses


def run(settings: Settings, offline: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="eval-retrieval-") as tmp:
        eval_settings = settings.model_copy(update={"data_dir": Path(tmp), "chroma_url": None})
        build_index(eval_settings)
        metrics, misses = evaluate(KnowledgeBase(eval_settings))
    metrics["hybrid_misses"] = misses
    return metrics
