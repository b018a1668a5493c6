"""The characters of a PDF's text layer, with position, size and boldness (pdfplumber).

pdfplumber was chosen over pypdf and PyMuPDF by measurement (benchmarks/README.md, ``python -m
benchmarks formats``): it gives every character's box and font name (pypdf gives text only), and
its MIT licence suits the product (PyMuPDF is AGPL).
"""

from __future__ import annotations

from pathlib import Path

from assistant.errors import InputError
from assistant.pdf_io import unreadable_pdf
from assistant.pdf_io.glyphs import Glyph, PageGlyphs

_BOLD_WORDS = ("bold", "heavy", "black", "semibold", "demi", "黑体", "simhei")
# Below this many visible characters per page on average the PDF is a scan (or a scan with a stray
# text line such as a fax header): OCR it instead.
MIN_CHARS_PER_PAGE = 20


def _is_bold(fontname: str) -> bool:
    name = fontname.lower()
    return any(word in name for word in _BOLD_WORDS)


def _glyph(c: dict, page_height: float) -> Glyph:
    """A character in an em box on its baseline: a Latin font's box is taller or lower than a
    Chinese font's, and rows told apart by a few points of gap must not depend on the font."""
    size = float(c.get("size") or (c["bottom"] - c["top"]))
    matrix = c.get("matrix")
    baseline = page_height - float(matrix[5]) if matrix else float(c["bottom"])
    return Glyph(
        text=c["text"],
        x0=float(c["x0"]),
        x1=float(c["x1"]),
        top=baseline - 0.88 * size,
        bottom=baseline + 0.12 * size,
        size=size,
        bold=_is_bold(str(c.get("fontname", ""))),
    )


def text_layer(path: Path) -> list[PageGlyphs]:
    """Every page's characters; raises InputError for encrypted or broken files."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    try:
        with pdfplumber.open(path) as pdf:
            pages = []
            for number, page in enumerate(pdf.pages, start=1):
                glyphs = [_glyph(c, float(page.height)) for c in page.chars if c.get("upright", True)]
                rules = sorted(
                    {
                        (round(float(e["top"]), 1), round(float(e["x0"]), 1), round(float(e["x1"]), 1))
                        for e in page.edges
                        if e.get("orientation") == "h"
                    }
                )
                pages.append(
                    PageGlyphs(
                        number=number,
                        width=float(page.width),
                        height=float(page.height),
                        glyphs=glyphs,
                        rules=rules,
                    )
                )
            return pages
    except PDFPasswordIncorrect as err:
        raise InputError(f"{path.name} 是加密的 PDF，请提供未加密的版本") from err
    except InputError:
        raise
    except Exception as err:  # pdfminer raises many kinds (PSSyntaxError, KeyError…) on broken files
        raise InputError(unreadable_pdf(path.name)) from err


def has_text_layer(pages: list[PageGlyphs]) -> bool:
    visible = sum(1 for p in pages for g in p.glyphs if g.text.strip())
    return bool(pages) and visible >= MIN_CHARS_PER_PAGE * len(pages)
