"""A PDF or a page image as the block stream of ``assistant.docx_io.blocks``: text layer if it has one, OCR if not."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.docx_io.blocks import Block, Para, TableBlock
from assistant.pdf_io.glyphs import PageGlyphs
from assistant.pdf_io.layout import page_blocks
from assistant.pdf_io.ocr import IMAGE_SUFFIXES, Progress, infer_ticks, ocr_pdf, ocr_picture
from assistant.pdf_io.text_layer import has_text_layer, text_layer


@dataclass
class PdfRead:
    blocks: list[Block]
    ocr: bool  # read by OCR: the text may have recognition errors
    pages: int


def scanned_blocks(pages: list[PageGlyphs]) -> list[Block]:
    """Blocks of OCR'd pages, with the tick boxes OCR dropped put back cell by cell."""
    blocks = page_blocks(pages, scanned=True)
    for block in blocks:
        if isinstance(block, Para):
            block.text = infer_ticks(block.text)
        elif isinstance(block, TableBlock):
            block.rows = [[infer_ticks(cell) for cell in row] for row in block.rows]
    return blocks


def pdf_blocks(path: Path, progress: Progress | None = None) -> PdfRead:
    if path.suffix.lower() in IMAGE_SUFFIXES:
        pages = ocr_picture(path, progress)
        return PdfRead(scanned_blocks(pages), ocr=True, pages=len(pages))
    pages = text_layer(path)
    if has_text_layer(pages):
        if progress:
            progress(len(pages), len(pages))
        return PdfRead(page_blocks(pages), ocr=False, pages=len(pages))
    scanned = ocr_pdf(path, progress)
    return PdfRead(scanned_blocks(scanned), ocr=True, pages=len(scanned))
