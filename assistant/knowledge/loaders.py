"""Documents as a flat list of blocks (heading / paragraph / table row), whatever their format."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from docx.table import Table
from docx.text.paragraph import Paragraph

from assistant.errors import InputError
from assistant.readers import SUPPORTED_SUFFIXES, read_text

BlockKind = Literal["heading", "para", "row"]


@dataclass
class Block:
    kind: BlockKind
    text: str
    level: int = 0  # heading level when known from the format (Markdown #, Word heading style)


@dataclass
class LoadedDocument:
    path: Path
    title: str
    blocks: list[Block] = field(default_factory=list)


LOADABLE_SUFFIXES = SUPPORTED_SUFFIXES - {".csv", ".yaml", ".yml", ".json"}

# Friendly titles for the notice's files; anything else is titled by _title().
KNOWN_TITLES = {
    "notice.txt": "2025年江西省先进级智能工厂推荐工作通知",
    "annex1-requirements.txt": "附件1 先进级智能工厂要素条件",
    "annex2-application-template.txt": "附件2 江西省先进级智能工厂项目申报书（模板）",
    "annex3-summary-table.txt": "附件3 江西省先进级智能工厂项目推荐汇总表",
}

_HEADING_STYLE = re.compile(r"(?:Heading|标题)\s*(\d)")


def _docx_blocks(path: Path) -> list[Block]:
    from assistant.docx_io.open import open_docx
    from assistant.docx_io.tables import read_grid

    doc = open_docx(path)
    blocks: list[Block] = []
    for item in doc.iter_inner_content():
        if isinstance(item, Paragraph):
            text = item.text.strip()
            if not text:
                continue
            style = item.style.name if item.style is not None else ""
            m = _HEADING_STYLE.search(style or "")
            if m or style == "Title":
                blocks.append(Block("heading", text, int(m.group(1)) if m else 1))
            else:
                blocks.append(Block("para", text))
        elif isinstance(item, Table):
            previous = None
            for row in read_grid(item):
                starting = [
                    c for c in row.cells if previous is None or all(c is not p for p in previous.cells)
                ]
                texts = [c.text.replace("\n", " ") for c in starting if c.text]
                if texts:
                    blocks.append(Block("row", " | ".join(texts)))
                previous = row
    return blocks


def _markdown_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if m := re.match(r"^(#{1,6})\s+(.*)$", line):
            blocks.append(Block("heading", m.group(2).strip(), len(m.group(1))))
        elif line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                continue
            texts = [c.replace("<br>", " ") for c in cells if c]
            if texts:
                blocks.append(Block("row", " | ".join(texts)))
        else:
            blocks.append(Block("para", line.strip("*").strip() if line.startswith("**") else line))
    return blocks


def _join_vertical_labels(lines: list[str]) -> list[str]:
    """Table labels typed one character per line (企/业/简/介) become one word again."""
    out: list[str] = []
    run: list[str] = []
    for line in [*lines, ""]:
        if len(line) == 1:
            run.append(line)
            continue
        if len(run) >= 2:
            out.append("".join(run))
        else:
            out.extend(run)
        run = []
        if line:
            out.append(line)
    return out


def _plain_blocks(text: str) -> list[Block]:
    lines = _join_vertical_labels([line.strip() for line in text.splitlines() if line.strip()])
    return [Block("row" if "\t" in line else "para", re.sub(r"\t+", " | ", line)) for line in lines]


def load_document(path: Path) -> LoadedDocument:
    suffix = path.suffix.lower()
    if suffix not in LOADABLE_SUFFIXES:
        raise InputError(
            f"{path.name}：不支持的文件类型 {suffix or '（无扩展名）'}，支持 .md .txt .docx .pdf"
        )
    if suffix == ".docx":
        blocks = _docx_blocks(path)
    elif suffix in {".md", ".markdown"}:
        blocks = _markdown_blocks(read_text(path))
    else:
        blocks = _plain_blocks(read_text(path))
    if not blocks:
        raise InputError(f"{path.name}：没有可读取的文字")
    return LoadedDocument(path=path, title=_title(path, blocks), blocks=blocks)


def _title(path: Path, blocks: list[Block]) -> str:
    """The document's name in citations: its first line, unless that is an outline item
    (一、项目概况 names a section, not the document); then the file name."""
    from assistant.knowledge.outline import outline_level

    if path.name in KNOWN_TITLES:
        return KNOWN_TITLES[path.name]
    first = blocks[0].text.strip()
    if len(first) <= 40 and outline_level(first) is None:
        return first
    return path.stem
