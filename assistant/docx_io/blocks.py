"""A document as the 申报书 parser sees it: paragraphs (with heading/bold marks) and tables.

.docx (Word, WPS, LibreOffice, pandoc) and Markdown both become this, so one parser reads all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from docx.table import Table
from docx.text.paragraph import Paragraph


@dataclass
class Para:
    text: str
    heading: int = 0  # outline level from a heading style or Markdown #, 0 for body text
    bold: bool = False


@dataclass
class TableBlock:
    rows: list[list[str]] = field(
        default_factory=list
    )  # a vertically merged cell repeats in each row it covers


Block = Para | TableBlock

_HEADING_STYLE = re.compile(r"(?:heading|标题)\s*(\d)", re.IGNORECASE)


def _is_bold(paragraph: Paragraph) -> bool:
    runs = [r for r in paragraph.runs if r.text.strip()]
    if not runs:
        return False
    style_bold = bool(paragraph.style is not None and paragraph.style.font.bold)
    return all(r.bold or (r.bold is None and style_bold) for r in runs)


def _paragraph_block(paragraph: Paragraph) -> Para | None:
    text = paragraph.text.strip()
    if not text:
        return None
    style = paragraph.style.name if paragraph.style is not None else ""
    level = 0
    if m := _HEADING_STYLE.search(style or ""):
        level = int(m.group(1))
    elif style == "Title":
        level = 1
    else:
        outline = paragraph._p.find(
            ".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}outlineLvl"
        )
        if outline is not None:
            level = (
                int(outline.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val", "8")) + 1
            )
    return Para(text=text, heading=level if level <= 6 else 0, bold=_is_bold(paragraph))


def docx_blocks(path: Path) -> list[Block]:
    from assistant.docx_io.open import open_docx
    from assistant.docx_io.tables import read_grid

    doc = open_docx(path)
    blocks: list[Block] = []
    for item in doc.iter_inner_content():
        if isinstance(item, Paragraph):
            if block := _paragraph_block(item):
                blocks.append(block)
        elif isinstance(item, Table):
            rows = [[cell.text for cell in row.cells] for row in read_grid(item)]
            blocks.append(TableBlock(rows=[r for r in rows if any(c.strip() for c in r)]))
    return blocks


def markdown_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    table: TableBlock | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("|"):
            cells = [c.strip().replace("<br>", "\n") for c in line.strip().strip("|").split("|")]
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                continue
            if table is None:
                table = TableBlock()
                blocks.append(table)
            table.rows.append(cells)
            continue
        table = None
        if not line:
            continue
        if m := re.match(r"^(#{1,6})\s+(.*)$", line):
            blocks.append(Para(text=m.group(2).strip(), heading=len(m.group(1))))
        elif m := re.fullmatch(r"\*\*(.+)\*\*", line):
            blocks.append(Para(text=m.group(1).strip(), bold=True))
        else:
            line = re.sub(r"^(\d+)\\\.", r"\1.", line)  # 1\. — a number escaped so it is not a list
            line = re.sub(r"^\\([-+*])", r"\1", line)
            blocks.append(Para(text=line))
    return blocks
