"""Word tables as Word lays them out: merged cells read from gridSpan / vMerge, not guessed from text.

python-docx repeats a horizontally merged cell once per grid column and has no notion of a
vertical merge's origin, and two genuinely different cells may well hold the same text (two
blank cells, two "是"). So we read the table XML: every ``w:tc`` is one cell, spanning
``gridSpan`` columns; a ``vMerge`` without ``restart`` continues the cell above it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docx.oxml.ns import qn
from docx.table import Table

from assistant.docx_io.inline import block_elements, paragraph_text, row_deleted

MAX_COLUMNS = 63  # Word's own limit; a hostile gridSpan of 10^11 must not become a 10^11-step loop


def xml_int(value: str | None, default: int, low: int = 0, high: int = MAX_COLUMNS) -> int:
    """An integer attribute as Word would read it: garbage falls back to the default, range clamped."""
    try:
        return min(high, max(low, int(value))) if value is not None else default
    except ValueError:
        return default


@dataclass
class GridCell:
    text: str
    row: int
    col: int
    colspan: int = 1
    rowspan: int = 1
    nested_tables: int = 0
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class GridRow:
    """The cells that occupy one table row, left to right; a vertically merged cell shows in every row it covers."""

    cells: list[GridCell]

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


_P = qn("w:p")


def _cell_paragraphs(tc, table: Table) -> list[str]:
    texts: list[str] = []
    nested: list = []
    for element in block_elements(tc):
        if element.tag == _P:
            texts.append(paragraph_text(element))
        else:
            nested.append(element)
    for tbl in nested:
        # Deeply nested layout tables happen in real drafts; keep their words, flattened.
        for nested_row in read_grid(Table(tbl, table)):
            texts.append("\t".join(nested_row.texts))
    return texts


def read_grid(table: Table) -> list[GridRow]:
    rows: list[GridRow] = []
    open_cells: dict[int, GridCell] = {}  # grid column → the cell a vMerge would continue
    for r, tr in enumerate(table._tbl.iterchildren(qn("w:tr"))):
        if row_deleted(tr):
            continue
        col = 0
        cells: list[GridCell] = []
        trPr = tr.find(qn("w:trPr"))
        if trPr is not None:
            before = trPr.find(qn("w:gridBefore"))
            if before is not None:
                col += xml_int(before.get(qn("w:val")), 0)
        for tc in tr.iterchildren(qn("w:tc")):
            tcPr = tc.find(qn("w:tcPr"))
            span, vmerge = 1, None
            if tcPr is not None:
                gs = tcPr.find(qn("w:gridSpan"))
                if gs is not None:
                    span = xml_int(gs.get(qn("w:val")), 1, low=1)
                vm = tcPr.find(qn("w:vMerge"))
                if vm is not None:
                    vmerge = vm.get(qn("w:val"), "continue")
            if vmerge == "continue" and col in open_cells:
                origin = open_cells[col]
                origin.rowspan += 1
                cells.append(origin)
            else:
                paragraphs = _cell_paragraphs(tc, table)
                cell = GridCell(
                    text="\n".join(paragraphs).strip(),
                    row=r,
                    col=col,
                    colspan=span,
                    nested_tables=len(list(tc.iterchildren(qn("w:tbl")))),
                    paragraphs=paragraphs,
                )
                cells.append(cell)
                for c in range(col, col + span):
                    open_cells[c] = cell
            col += span
        rows.append(GridRow(cells=cells))
    return rows


def unique_row_texts(row: GridRow, previous: GridRow | None = None) -> list[str]:
    """Texts of the cells that start in this row (a vertically merged cell is reported once)."""
    starting = [c for c in row.cells if previous is None or all(c is not p for p in previous.cells)]
    return [c.text for c in starting]
