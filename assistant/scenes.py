"""The scene table (corpus/scenes.yaml): domain → 环节 → scenes, with aliases and verification marks.

Only the domain/环节 structure is confirmed by the notice; most scene names are unverified and
every place that shows one must show that mark (``SceneEntry.mark``).
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from assistant.errors import ConfigError
from assistant.paths import SCENES_FILE

UNVERIFIED_MARK = "（未核实）"
CITATION_SEP = " › "
# An unverified scene is cited as what it is — our table — not as the guide, whose text we do not have.
UNVERIFIED_SOURCE = "本项目场景表（环节依通知附件1 第6条；场景名未核实，非指引原文）"


def scene_citation(guide_title: str, path: list[str], verified: bool) -> str:
    """``《指引》 › 领域 › 环节 › 场景`` for a confirmed entry, the scene table for the others."""
    head = f"《{guide_title}》" if verified else UNVERIFIED_SOURCE
    return CITATION_SEP.join([head, *path])


class SceneEntry(BaseModel):
    domain: str
    link: str
    name: str
    summary: str = ""
    source: str
    verified: bool
    aliases: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list, description="常见技术与说法，本项目整理，用于检索")

    @property
    def mark(self) -> str:
        return "" if self.verified else UNVERIFIED_MARK

    @property
    def label(self) -> str:
        return f"{self.name}{self.mark}"

    @property
    def citation(self) -> str:
        return scene_citation(
            "智能制造典型场景参考指引（2024年版）", [self.domain, self.link, self.label], self.verified
        )


class GuideInfo(BaseModel):
    title: str
    issuer: str
    doc_no: str
    doc_no_source: str
    full_text_available: bool


class SceneTable(BaseModel):
    guide: GuideInfo
    sources: dict[str, str]
    entries: list[SceneEntry]
    modes: list[SceneEntry]

    def by_link(self, link: str) -> list[SceneEntry]:
        return [e for e in self.entries if e.link == link]

    def lookup(self, name: str, link: str | None = None) -> SceneEntry | None:
        """The entry a scene name (or a known alias) refers to, preferring one under ``link``."""
        name = name.strip()
        hits = [e for e in self.entries if name == e.name or name in e.aliases]
        if link:
            hits.sort(key=lambda e: e.link != link)
        return hits[0] if hits else None

    def nearest(self, name: str, n: int = 3, link: str | None = None) -> list[SceneEntry]:
        """Closest names by character overlap — to suggest when a scene name is not in the table."""
        pool = (self.by_link(link) or self.entries) if link else self.entries

        def score(entry: SceneEntry) -> float:
            return max(
                difflib.SequenceMatcher(None, name, cand).ratio() for cand in [entry.name, *entry.aliases]
            )

        return sorted(pool, key=score, reverse=True)[:n]

    @property
    def names(self) -> list[str]:
        return [e.name for e in self.entries]

    @property
    def aliases(self) -> dict[str, str]:
        return {alias: e.name for e in self.entries for alias in e.aliases}


def _load(path: Path) -> SceneTable:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise ConfigError(f"场景表 {path} 无法读取：{err}") from err
    try:
        entries = [
            SceneEntry(domain=domain, link=link, **item)
            for domain, links in raw["domains"].items()
            for link, items in links.items()
            for item in items
        ]
        modes = [
            SceneEntry(domain="多环节模式创新", link="多环节模式创新", **m) for m in raw.get("modes", [])
        ]
        return SceneTable(guide=raw["guide"], sources=raw["sources"], entries=entries, modes=modes)
    except (KeyError, TypeError, ValueError) as err:
        raise ConfigError(f"场景表 {path} 结构有误：{err}") from err


@lru_cache(maxsize=4)
def load_scene_table(path: Path = SCENES_FILE) -> SceneTable:
    return _load(path)
