"""PDF libraries compared on our own PDFs, and OCR seconds per page.

PDFs: the review eval's samples as pandoc .docx, exported to PDF by LibreOffice (evals/review/render.py).
For each library, on the same files:
- seconds per page to get the text;
- reading order: share of the .docx's paragraphs found whole, in one piece, in the extracted text
  (a paragraph cut by a table cell or a line of the next column is not);
- table cells: share of the basic-information table's cells found whole (a wrapped cell whose
  lines come out interleaved with the next cell's is not).
pypdf and PyMuPDF give text in reading order of their own; pdfplumber gives characters with
boxes, which ``assistant.pdf_io.layout`` turns into paragraphs and table rows (counted both raw
and through that layout). PyMuPDF is not a dependency (AGPL); it is measured when installed.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from assistant.docx_io.blocks import Para, TableBlock, docx_blocks
from evals.review.render import SCAN_CASES, render_all
from evals.review.suite import load_cases

N_PDFS = 8
OCR_PAGES = 2
_WS = re.compile(r"\s+")


def _flat(text: str) -> str:
    return _WS.sub("", text)


def _truth(docx: Path) -> tuple[list[str], list[str]]:
    paragraphs, cells = [], []
    table_seen = False
    for block in docx_blocks(docx):
        if isinstance(block, Para):
            if len(block.text) >= 20:
                paragraphs.append(_flat(block.text))
        elif not table_seen:
            table_seen = True  # the basic-information table
            cells += [_flat(c) for row in block.rows for c in row if len(_flat(c)) >= 4]
    return paragraphs, cells


def _pypdf(path: Path) -> tuple[str, int]:
    from pypdf import PdfReader

    reader = PdfReader(path)
    return "\n".join(p.extract_text() or "" for p in reader.pages), len(reader.pages)


def _pdfplumber_raw(path: Path) -> tuple[str, int]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\n".join(p.extract_text() or "" for p in pdf.pages), len(pdf.pages)


def _pdfplumber_layout(path: Path) -> tuple[str, int]:
    from assistant.pdf_io.layout import page_blocks
    from assistant.pdf_io.text_layer import text_layer

    pages = text_layer(path)
    parts: list[str] = []
    for block in page_blocks(pages):
        if isinstance(block, TableBlock):
            parts += ["\n".join(row) for row in block.rows]
        else:
            parts.append(block.text)
    return "\n".join(parts), len(pages)


def _pymupdf(path: Path) -> tuple[str, int]:
    import pymupdf

    with pymupdf.open(path) as doc:
        return "\n".join(page.get_text() for page in doc), len(doc)


def _score(items: list[str], text: str) -> float:
    """Share of ``items`` found whole in the text with all white space removed: a paragraph wrapped
    over lines still counts; one cut by another cell's or column's words does not."""
    flat = _flat(text)
    return sum(1 for item in items if item in flat) / len(items) if items else 1.0


def main() -> None:
    cases = load_cases()[:N_PDFS]
    rendered = render_all([(c["id"], c["draft"]) for c in cases])
    files = [(rendered[c["id"]]["pdf"], rendered[c["id"]]["docx-pandoc"]) for c in cases]
    truths = [_truth(docx) for _, docx in files]
    libraries = {
        "pypdf": _pypdf,
        "pdfplumber（extract_text）": _pdfplumber_raw,
        "pdfplumber + 版面还原（本项目）": _pdfplumber_layout,
        "PyMuPDF": _pymupdf,
    }
    print(f"{len(files)} 份 PDF（LibreOffice 导出，评测样本 {cases[0]['id']}–{cases[-1]['id']}）")
    print(f"{'库':<28}{'秒/页':>8}{'段落完整':>10}{'表格单元格完整':>14}")
    for name, extract in libraries.items():
        try:
            seconds = pages = 0.0
            para_scores, cell_scores = [], []
            for (pdf, _), (paragraphs, cells) in zip(files, truths, strict=True):
                start = time.perf_counter()
                text, n = extract(pdf)
                seconds += time.perf_counter() - start
                pages += n
                para_scores.append(_score(paragraphs, text))
                cell_scores.append(_score(cells, text))
        except ImportError:
            print(f"{name:<28}未安装")
            continue
        para = sum(para_scores) / len(para_scores)
        cell = sum(cell_scores) / len(cell_scores)
        print(f"{name:<28}{seconds / pages:>8.3f}{para:>10.1%}{cell:>14.1%}")

    from assistant.pdf_io.ocr import DPI, ocr_pdf

    scan = rendered[SCAN_CASES[0]].get("pdf-scan") if SCAN_CASES[0] in rendered else None
    if scan is None:
        scan = render_all([(c["id"], c["draft"]) for c in load_cases() if c["id"] == SCAN_CASES[0]])[
            SCAN_CASES[0]
        ]["pdf-scan"]
    import shutil
    import tempfile

    import pypdfium2 as pdfium

    with tempfile.TemporaryDirectory() as tmp:
        # The first pages only, to keep the run short: a cover with a seal, then the tables.
        part = Path(tmp) / "scan.pdf"
        source = pdfium.PdfDocument(str(scan))
        target = pdfium.PdfDocument.new()
        target.import_pages(source, list(range(min(OCR_PAGES, len(source)))))
        target.save(str(part))
        source.close()
        target.close()
        ocr_pdf(part)  # load the models once, outside the timing
        start = time.perf_counter()
        pages = ocr_pdf(part)
        elapsed = time.perf_counter() - start
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"OCR（RapidOCR，{DPI} dpi，{len(pages)} 页）：每页 {elapsed / len(pages):.1f} 秒")
