"""Structure-aware chunking for Chinese official documents, and scene-table entries as chunks.

Official documents number their outline (一、 （一） 1. （1） ① 第X条); each numbered item is
a chunk, carrying the path of numbers above it (``附件1 › 6 › （2）生产管理``) both as metadata and
inside the embedded text, so a hit can be cited and a query about "第6条" finds it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from assistant.knowledge.loaders import LoadedDocument
from assistant.knowledge.outline import OUTLINE, outline_level
from assistant.scenes import SceneTable, scene_citation

MAX_CHUNK_CHARS = 300
PATH_SEP = " › "
GUIDE_SOURCE = "scenes.yaml"

_LABEL_END = re.compile(r"[：:，,。；;（(\[]")


@dataclass
class Chunk:
    id: str
    text: str  # the passage as shown to users
    source: str  # file name
    title: str  # document title
    heading_path: list[str] = field(default_factory=list)
    kind: str = "clause"  # clause | scene
    domain: str = ""
    link: str = ""
    scene: str = ""
    verified: bool = True

    @property
    def citation(self) -> str:
        if self.kind == "scene":
            return scene_citation(self.title, self.heading_path, self.verified)
        return PATH_SEP.join([self.title, *self.heading_path])

    @property
    def embed_text(self) -> str:
        """What is embedded and BM25-indexed: the citation path first, then the passage."""
        return f"{PATH_SEP.join([self.title, *self.heading_path])}\n{self.text}"

    def metadata(self) -> dict[str, str | bool]:
        return {
            "source": self.source,
            "title": self.title,
            "heading_path": PATH_SEP.join(self.heading_path),
            "kind": self.kind,
            "domain": self.domain,
            "link": self.link,
            "scene": self.scene,
            "verified": self.verified,
        }

    @classmethod
    def from_metadata(cls, chunk_id: str, text: str, meta: dict) -> Chunk:
        path = meta.get("heading_path") or ""
        return cls(
            id=chunk_id,
            text=text,
            source=str(meta.get("source", "")),
            title=str(meta.get("title", "")),
            heading_path=path.split(PATH_SEP) if path else [],
            kind=str(meta.get("kind", "clause")),
            domain=str(meta.get("domain", "")),
            link=str(meta.get("link", "")),
            scene=str(meta.get("scene", "")),
            verified=bool(meta.get("verified", True)),
        )


def heading_label(text: str) -> str:
    """A short label for a numbered line: （2）生产管理[2]：… → （2）生产管理; 6.企业应参考… → 6."""
    for _, pattern in OUTLINE:
        if m := pattern.match(text):
            number, rest = m.group(0).strip(), text[m.end() :].strip()
            head = _LABEL_END.split(rest, maxsplit=1)[0]
            if head and len(head) <= 16:
                return f"{number}{head}"
            return number.rstrip(".．、 ")
    return text[:16]


def _chunk_id(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def _split_long(text: str) -> list[str]:
    if len(text) <= MAX_CHUNK_CHARS:
        return [text]
    # Split after sentence ends only: a table label and the instruction after it stay together.
    sentences = re.split(r"(?<=[。！？；])", text)
    pieces, current = [], ""
    for sentence in sentences:
        if current and len(current) + len(sentence) > MAX_CHUNK_CHARS:
            pieces.append(current)
            current = ""
        current += sentence
    if current:
        pieces.append(current)
    return pieces


def chunk_document(doc: LoadedDocument) -> list[Chunk]:
    stack: list[tuple[int, str]] = []  # (level, label) of the open headings
    groups: list[tuple[list[str], list[str]]] = []  # (heading path, lines)

    def open_heading(level: int, label: str) -> None:
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, label))

    for block in doc.blocks:
        text = block.text.strip()
        level = outline_level(text)
        if block.kind == "heading":
            # Markdown/Word headings rank above the numbered outline inside them.
            open_heading(
                level if level is not None else block.level, heading_label(text) if level else text[:24]
            )
            groups.append(([label for _, label in stack], [text]))
        elif level is not None and block.kind == "para":
            open_heading(level, heading_label(text))
            groups.append(([label for _, label in stack], [text]))
        else:
            if not groups:
                groups.append(([], []))
            groups[-1][1].append(text)

    chunks: list[Chunk] = []
    for path, lines in groups:
        if path and doc.title.startswith(path[0]):
            path = path[1:]  # "附件1" under a document titled "附件1 …" says nothing new
        body = "\n".join(lines).strip()
        if not body:
            continue
        for i, piece in enumerate(_split_long(body)):
            chunks.append(
                Chunk(
                    id=_chunk_id(doc.path.name, *path, str(i), piece),
                    text=piece,
                    source=doc.path.name,
                    title=doc.title,
                    heading_path=path,
                )
            )
    return chunks


def scene_chunks(table: SceneTable) -> list[Chunk]:
    """One chunk per scene of the scene table, its unverified status written into the text."""
    chunks = []
    for entry in [*table.entries, *table.modes]:
        status = (
            "已核实" if entry.verified else "未核实：名称取自2025年版指引或本项目整理，2024年版措辞可能不同"
        )
        lines = [
            f"场景：{entry.name}（{status}）",
            f"领域：{entry.domain}；环节：{entry.link}",
            f"说明：{entry.summary}",
        ]
        if entry.aliases:
            lines.append(f"常见旧称：{'、'.join(entry.aliases)}")
        if entry.keywords:
            lines.append(f"常见做法与说法：{'、'.join(entry.keywords)}")
        text = "\n".join(lines)
        chunks.append(
            Chunk(
                id=_chunk_id(GUIDE_SOURCE, entry.domain, entry.link, entry.name),
                text=text,
                source=GUIDE_SOURCE,
                title=table.guide.title,
                heading_path=[entry.domain, entry.link, entry.label],
                kind="scene",
                domain=entry.domain,
                link=entry.link,
                scene=entry.name,
                verified=entry.verified,
            )
        )
    return chunks
