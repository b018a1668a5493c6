"""A document as the 申报书 parser sees it: paragraphs (with heading/bold marks) and tables.

.docx (Word, WPS, LibreOffice, pandoc), Markdown and PDF pages (``assistant.pdf_io.layout``) all become
this, so one parser reads all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from docx.table import Table

from assistant.docx_io.inline import block_elements, paragraph_text
from assistant.docx_io.tables import xml_int


@dataclass
class Para:
    text: str
    heading: int = 0  # outline level from a heading style or Markdown #, 0 for body text
    bold: bool = False
    # Numbered by Word's own list numbering (w:numPr on the paragraph or its style): the number a
    # reader sees — 二、 （1） — is not in the text, so the words alone must identify the heading.
    numbered: bool = False
    page: int = 0  # 1-based page it starts on, when read from a PDF or a scan; 0 otherwise


@dataclass
class TableBlock:
    rows: list[list[str]] = field(
        default_factory=list
    )  # a vertically merged cell repeats in each row it covers
    page: int = 0


Block = Para | TableBlock

_HEADING_STYLE = re.compile(r"(?:heading|标题)\s*(\d)", re.IGNORECASE)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P = f"{_W}p"


class _StyleIndex:
    """Paragraph style name and boldness by style id, read once per document.

    python-docx's ``paragraph.style`` searches every style for the default on each call, which
    made reading a 申报书 ten times slower than opening it.
    """

    def __init__(self, doc) -> None:
        self.names: dict[str, str] = {}
        self.bold: dict[str, bool] = {}
        own_numbering: dict[str, bool | None] = {}
        based_on: dict[str, str] = {}
        self.default = ""
        for style in doc.styles.element.findall(f"{_W}style"):
            style_id = style.get(f"{_W}styleId", "")
            name = style.find(f"{_W}name")
            self.names[style_id] = name.get(f"{_W}val", "") if name is not None else ""
            b = style.find(f"{_W}rPr/{_W}b")
            self.bold[style_id] = b is not None and b.get(f"{_W}val", "true") not in ("0", "false")
            own_numbering[style_id] = _numbering(style.find(f"{_W}pPr"))
            parent = style.find(f"{_W}basedOn")
            if parent is not None:
                based_on[style_id] = parent.get(f"{_W}val", "")
            if style.get(f"{_W}type") == "paragraph" and style.get(f"{_W}default") in ("1", "true"):
                self.default = style_id
        # 多级列表 is usually attached to Heading 1–3 (or a style based on them), not to each paragraph.
        self.numbered: dict[str, bool] = {}
        for style_id in own_numbering:
            current, seen = style_id, set()
            while current and current not in seen and own_numbering.get(current) is None:
                seen.add(current)
                current = based_on.get(current, "")
            self.numbered[style_id] = bool(own_numbering.get(current))

    def of(self, p) -> str:
        p_style = p.find(f"{_W}pPr/{_W}pStyle")
        return p_style.get(f"{_W}val", "") if p_style is not None else self.default


def _numbering(ppr) -> bool | None:
    """True/False if ``w:pPr`` sets list numbering on or off (numId 0 switches it off), None if silent."""
    num_id = ppr.find(f"{_W}numPr/{_W}numId") if ppr is not None else None
    if num_id is None:
        return None
    return num_id.get(f"{_W}val", "0") != "0"


def _is_bold(p, style_bold: bool) -> bool:
    """Every run with visible text is bold (directly, or through the paragraph style)."""
    seen = False
    for run in p.iter(f"{_W}r"):
        text = "".join(t.text or "" for t in run.iter(f"{_W}t"))
        if not text.strip():
            continue
        seen = True
        b = run.find(f"{_W}rPr/{_W}b")
        bold = style_bold if b is None else b.get(f"{_W}val", "true") not in ("0", "false")
        if not bold:
            return False
    return seen


def _paragraph_block(p, styles: _StyleIndex) -> Para | None:
    text = paragraph_text(p).strip()
    if not text:
        return None
    style_id = styles.of(p)
    style = styles.names.get(style_id, "")
    level = 0
    if m := _HEADING_STYLE.search(style):
        level = int(m.group(1))
    elif style.lower() == "title":
        level = 1
    else:
        outline = p.find(f".//{_W}outlineLvl")
        if outline is not None:
            level = xml_int(outline.get(f"{_W}val"), 8, high=9) + 1
    numbered = _numbering(p.find(f"{_W}pPr"))
    return Para(
        text=text,
        heading=level if level <= 6 else 0,
        bold=_is_bold(p, styles.bold.get(style_id, False)),
        numbered=styles.numbered.get(style_id, False) if numbered is None else numbered,
    )


def docx_blocks(path: Path) -> list[Block]:
    from assistant.docx_io.open import open_docx
    from assistant.docx_io.tables import read_grid

    doc = open_docx(path)
    styles = _StyleIndex(doc)
    blocks: list[Block] = []
    # Not doc.iter_inner_content(): it skips paragraphs and tables inside block content controls.
    for element in block_elements(doc.element.body):
        if element.tag == _P:
            if block := _paragraph_block(element, styles):
                blocks.append(block)
        else:
            rows = [[cell.text for cell in row.cells] for row in read_grid(Table(element, doc))]
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
