"""Document text made harmless before it reaches a reviewer's spreadsheet, browser or Markdown viewer.

Applicants write the names, titles and paragraphs we show back. In Excel a cell starting with
``= + - @`` (or a tab / carriage return, for CSV round trips) can become a live formula — a DDE
command or a HYPERLINK that leaks the sheet; in HTML and Markdown a ``<img src=…>`` makes the
reviewer's browser fetch a URL of the applicant's choosing. Every output that carries document
text goes through one of the functions here.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.workbook import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def is_formula_like(value: Any) -> bool:
    """True for text a spreadsheet might evaluate (full-width signs too: Excel's IME accepts ＝SUM…)."""
    return isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_STARTS)


def excel_cell(cell: Cell) -> bool:
    """Keep ``cell``'s text exactly but make Excel treat it as text: string type (never a formula) and
    the quote prefix, Excel's own apostrophe, so editing the cell later does not revive it either.
    True if the cell needed it."""
    if not is_formula_like(cell.value):
        return False
    cell.data_type = "s"
    cell.quotePrefix = True
    return True


def inert_workbook(wb: Workbook) -> int:
    """Apply :func:`excel_cell` to every cell of every sheet, just before saving; the number changed.

    One pass over the finished workbook rather than a wrapper at each ``append``: a sheet added
    later is covered without anyone remembering to."""
    changed = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                changed += excel_cell(cell)
    return changed


def escape_html(text: object) -> str:
    """Text for an HTML context (toasts, HTML components, attributes): no tags, no entities of ours."""
    return html.escape("" if text is None else str(text), quote=True)


def inert_markdown(text: object) -> str:
    """Text for a Markdown context: no HTML, and no ``[…](…)`` links or ``![…](…)`` images."""
    # Quotes stay as typed: they only matter inside attributes, which Markdown text never is.
    return html.escape("" if text is None else str(text), quote=False).replace("[", "［").replace("]", "］")


def markdown_cell(text: object) -> str:
    """One cell of a Markdown table or one line of a list: inert and kept on one line."""
    return inert_markdown(text).replace("|", "｜").replace("\r", " ").replace("\n", " ")


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_text(text: object) -> str:
    """Text for the terminal (Rich): no escape sequences (ESC … can retitle the window or forge a
    link), and no ``[link=…]`` or style markup taken from the document."""
    from rich.markup import escape

    return escape(_CONTROL.sub("", "" if text is None else str(text)))
