"""Mapping a writer's description of what they built to (domain, 环节, 场景) candidates."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.knowledge.retriever import KnowledgeBase, Method
from assistant.scenes import UNVERIFIED_MARK, load_scene_table


@dataclass
class SceneCandidate:
    domain: str
    link: str
    scene: str
    score: float
    citation: str
    verified: bool
    summary: str

    def to_dict(self) -> dict:
        return {
            "domain": self.domain,
            "link": self.link,
            "scene": self.scene,
            # ``scene`` stays the bare name so scripts can match scenes.yaml; this is what to show.
            "scene_label": self.scene_label,
            "score": round(self.score, 6),
            "citation": self.citation,
            "verified": self.verified,
            "summary": self.summary,
        }

    @property
    def scene_label(self) -> str:
        return f"{self.scene}{'' if self.verified else UNVERIFIED_MARK}"

    @property
    def label(self) -> str:
        return f"{self.domain} › {self.link} › {self.scene_label}"


def map_description(
    kb: KnowledgeBase, text: str, top: int = 3, method: Method = "hybrid"
) -> list[SceneCandidate]:
    """Scene candidates for a description, best first; aliases resolve to current names."""
    table = load_scene_table()
    hits = kb.search(text, k=max(top, 10), method=method, kind="scene")
    candidates: list[SceneCandidate] = []
    seen: set[tuple[str, str]] = set()
    for hit in hits:
        c = hit.chunk
        if c.domain == "多环节模式创新" or (c.link, c.scene) in seen:
            continue
        seen.add((c.link, c.scene))
        entry = table.lookup(c.scene, c.link)
        candidates.append(
            SceneCandidate(
                domain=c.domain,
                link=c.link,
                scene=c.scene,
                score=hit.score,
                citation=c.citation,
                verified=c.verified,
                summary=entry.summary if entry else "",
            )
        )
    return candidates[:top]


def rank_links(candidates: list[SceneCandidate]) -> list[str]:
    """Distinct 环节 in the order their best scene appears."""
    links: list[str] = []
    for c in candidates:
        if c.link not in links:
            links.append(c.link)
    return links
