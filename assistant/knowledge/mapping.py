"""Mapping a writer's description of what they built to (domain, 环节, 场景) candidates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.knowledge.retriever import KnowledgeBase, Method
from assistant.scenes import UNVERIFIED_MARK, SceneEntry, load_scene_table
from assistant.text.simplify import to_simplified

# Below this relative margin between the first candidate and the best of another 环节 the pick is a coin toss: the page asks.
# Chosen on the odd-numbered half of evals/retrieval (suite.py _margin_metrics; the eval checks they agree).
CLOSE_MARGIN = 0.30


@dataclass
class SceneCandidate:
    domain: str
    link: str
    scene: str
    score: float
    citation: str
    verified: bool
    summary: str
    matched: list[str] = field(default_factory=list)  # words of the text that point to this scene
    named: bool = False  # the text names the scene (or an alias) outright

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
            "matched": self.matched,
            "named": self.named,
        }

    @property
    def scene_label(self) -> str:
        return f"{self.scene}{'' if self.verified else UNVERIFIED_MARK}"

    @property
    def label(self) -> str:
        return f"{self.domain} › {self.link} › {self.scene_label}"


def matched_words(text: str, entry: SceneEntry) -> list[str]:
    """The scene's name, aliases, 环节 and keywords that occur in the text — why it matched."""
    text = to_simplified(text).lower()
    words = [entry.name, *entry.aliases, entry.link, *entry.keywords]
    return list(dict.fromkeys(w for w in words if w and w.lower() in text))


def named_scenes(text: str) -> list[SceneEntry]:
    """Scenes whose exact name or alias the text contains, longest name first ("在线智能检测")."""
    text = to_simplified(text)
    table = load_scene_table()
    found = [
        (max(len(n) for n in [e.name, *e.aliases] if n in text), e) for e in table.entries if _names(e, text)
    ]
    return [e for _, e in sorted(found, key=lambda item: -item[0])]


def _names(entry: SceneEntry, text: str) -> bool:
    return any(n in text for n in [entry.name, *entry.aliases])


def _candidate(entry: SceneEntry, score: float, text: str, named: bool = False) -> SceneCandidate:
    return SceneCandidate(
        domain=entry.domain,
        link=entry.link,
        scene=entry.name,
        score=score,
        citation=entry.citation,
        verified=entry.verified,
        summary=entry.summary,
        matched=matched_words(text, entry),
        named=named,
    )


def margin(candidates: list[SceneCandidate]) -> float:
    """How far the first candidate leads the best one under another 环节, relative to its score: 1 when
    nothing else competes, 0 when tied. Two scenes of one 环节 do not make the 环节 doubtful."""
    if not candidates:
        return 0.0
    first = candidates[0]
    rival = next((c for c in candidates[1:] if c.link != first.link), None)
    if rival is None or first.named:
        return 1.0
    return 0.0 if first.score <= 0 else max(0.0, (first.score - rival.score) / first.score)


def is_close(candidates: list[SceneCandidate]) -> bool:
    return len(candidates) > 1 and margin(candidates) < CLOSE_MARGIN


# Overviews list several activities: "一是…；二是…", "同时…", "此外…", numbered lines.
_ACTIVITY_SPLIT = re.compile(
    r"(?:^|[。；;\n])\s*(?:[一二三四五六七八九十]是|此外|另外|同时|其次|最后|[（(]?\d+[)）.、])"
)


def activities(text: str) -> list[str]:
    """Parts of an overview that each describe one activity; a single-activity text comes back whole."""
    text = to_simplified(text)
    starts = [m.start() for m in _ACTIVITY_SPLIT.finditer(text)]
    pieces = [text[a:b].strip("。；;\n ") for a, b in zip([0, *starts], [*starts, len(text)], strict=True)]
    pieces = [p for p in pieces if len(p) >= 8]
    return pieces if len(pieces) >= 2 else [text]


def map_description(
    kb: KnowledgeBase, text: str, top: int = 3, method: Method = "hybrid"
) -> list[SceneCandidate]:
    """Scene candidates for a description, best first; aliases resolve to current names. A scene the
    text names outright comes first whatever the retrieval says."""
    table = load_scene_table()
    text = to_simplified(text)
    hits = kb.search(text, k=max(top, 10), method=method, kind="scene")
    candidates: list[SceneCandidate] = []
    seen: set[tuple[str, str]] = set()
    for entry in named_scenes(text):
        seen.add((entry.link, entry.name))
        candidates.append(_candidate(entry, hits[0].score if hits else 1.0, text, named=True))
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
                matched=matched_words(text, entry) if entry else [],
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


def map_text(kb: KnowledgeBase, text: str, top: int = 3, method: Method = "hybrid") -> list[SceneCandidate]:
    """Like ``map_description``, but an overview of several activities is split first and each
    activity's best scene becomes a candidate (in the order the activities appear): a scene describes
    one activity, and which one to write is the writer's choice."""
    pieces = activities(text)
    if len(pieces) < 2:
        return map_description(kb, text, top=top, method=method)
    found: list[SceneCandidate] = []
    for piece in pieces:
        best = map_description(kb, piece, top=1, method=method)
        if best and all((c.link, c.scene) != (best[0].link, best[0].scene) for c in found):
            found.append(best[0])
    # Each activity is a separate answer, not a ranking: equal standing, so the margin reads 0 (ask).
    for c in found:
        c.score = max(c.score for c in found)
    return found[: max(top, len(found))]
