"""A .docx as plain text in reading order: paragraphs and table rows, cells joined by tabs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from docx.document import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from assistant.docx_io.inline import block_elements, paragraph_text
from assistant.docx_io.open import open_docx

_P = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"


def iter_blocks(doc: Document) -> Iterator[Paragraph | Table]:
    """Body paragraphs and tables in document order, including those inside content controls."""
    for element in block_elements(doc.element.body):
        yield Paragraph(element, doc) if element.tag == _P else Table(element, doc)


def table_rows(table: Table) -> list[list[str]]:
    """Cell texts per row, each merged cell once, read from the table XML by ``read_grid`` — not
    python-docx's ``row.cells``, which trusts ``gridSpan`` (a hostile value loops or raises)."""
    from assistant.docx_io.tables import read_grid

    return [[cell.text.strip() for cell in row.cells] for row in read_grid(table)]


def docx_text(path: Path) -> str:
    doc = open_docx(path)
    lines: list[str] = []
    for block in iter_blocks(doc):
        if isinstance(block, Paragraph):
            # paragraph_text, not block.text: symbols, checkboxes and tracked insertions count too.
            lines.append(paragraph_text(block._p))
        else:
            lines.extend("\t".join(cells) for cells in table_rows(block))
    return "\n".join(lines)
