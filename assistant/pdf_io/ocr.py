"""Scanned pages (a PDF without a text layer, or .png/.jpg photos) read by OCR, offline.

RapidOCR (``rapidocr-onnxruntime``) runs PaddleOCR's PP-OCR models on onnxruntime; the models ship
inside its wheel, so nothing is downloaded at run time. PDF pages are rasterised with pypdfium2
(a wheel, no system package). Each text line OCR finds becomes glyphs spread over its box, and the
same layout code as for a text-layer PDF turns them into paragraphs and tables.

A red seal (公章) stamped over text would be read as text or hide it: red ink is whitened before
OCR, which leaves black print standing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from assistant.errors import InputError
from assistant.pdf_io import unreadable_pdf
from assistant.pdf_io.glyphs import PageGlyphs, spread

TICK_MARKS = "☑■√✔✓▣☒✅●"
_RULE_CHARS = {"|", "丨", "｜", "│"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff"}
# 200 dpi: at 150 the text detector merges close lines of 小四 print and loses them; time grows
# with the pixel count (benchmarks/README.md has seconds per page).
DPI = 200
MAX_PAGES = 60  # a 申报书 is 10–40 pages; past this it is not one, and OCR would take too long
Progress = Callable[[int, int], None]  # (pages done, pages in all)


@lru_cache(maxsize=1)
def _engine() -> Any:
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as err:  # pragma: no cover - a dependency of the package
        raise InputError(
            "扫描件需要 OCR，但未安装 rapidocr-onnxruntime（pip install rapidocr-onnxruntime）"
        ) from err
    # No text-direction classifier: it turned whole bold lines (a scene title) upside down, which
    # then read as nothing; a 申报书 scan is upright, and the classifier only knows 0° or 180° anyway.
    return RapidOCR(use_cls=False)


@lru_cache(maxsize=1)
def _options() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The template's tick-box options: (口 before an option, an option with what stands before it)."""
    from assistant.requirements import load_requirements

    req = load_requirements()
    options = [*req.industries, *req.maturity.levels, req.maturity.other_option, "是", "否", "其他"]
    alternatives = "|".join(re.escape(o) for o in sorted(set(options), key=len, reverse=True))
    return re.compile(rf"口(?=\s*(?:{alternatives}))"), re.compile(rf"(?P<option>{alternatives})")


def normalise_ocr_text(text: str) -> str:
    """One OCR line: an empty box □ read as the character 口 before an option is a box again; a
    circled part number is set from the part label after it."""
    box_as_kou, _ = _options()
    text = box_as_kou.sub("□", text)
    text = _part_number(text)
    return text.replace("（ ", "（").replace(" ）", "）")


def infer_ticks(text: str) -> str:
    """A whole cell or paragraph of a scan: a filled box ■ that OCR did not read at all, put back.

    In a row of options where the others have their □, an option standing after something that is
    not a box (三级 in “□二级三级□四级”, 否 in “□是（事故名称：）否”) had one, and it is the ticked
    one. Not at the very start: there is nothing before it to tell.
    """
    _, option = _options()
    # In “是否入选…标杆企业：□是☑否” the label's own 是否 are not options: look after the colon.
    head, colon, tail = text.partition("：")
    if colon and not any(box in head for box in ("□", "☐", *TICK_MARKS)):
        return head + colon + infer_ticks(tail)
    matches = list(option.finditer(text))

    def mark_before(m: re.Match[str]) -> str:
        head = text[: m.start("option")].rstrip()
        return head[-1] if head else ""

    boxed = [m for m in matches if mark_before(m) in ("□", "☐")]
    if len(boxed) >= 2 or (len(boxed) == 1 and len(matches) == 2):
        for m in reversed(matches):
            before = mark_before(m)
            if before and before not in ("□", "☐") and before not in TICK_MARKS:
                text = f"{text[: m.start('option')]}■{text[m.start('option') :]}"
    return text


# The template's part labels, in order: a circled number before one of them is that part's number,
# whatever OCR made of it (⑤ is often read as ③).
_PART_LABELS = ("场景实例描述", "解决的痛点问题描述", "采用的技术方案", "已实施成效", "经济性和可推广性")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨"


def _part_number(text: str) -> str:
    for n, label in enumerate(_PART_LABELS):
        if text[1:].startswith(label) and text[:1] in _CIRCLED:
            return _CIRCLED[n] + text[1:]
    return text


def _without_red(image):  # PIL.Image -> numpy array
    import numpy as np

    rgb = np.asarray(image.convert("RGB")).copy()
    r, g, b = (rgb[..., i].astype(int) for i in range(3))
    # Seal ink and its pink anti-aliased rim; black print under the seal stays dark and is kept.
    red = (r > 100) & (r - np.maximum(g, b) > 30)
    rgb[red] = 255
    return rgb


def ocr_image(image, number: int, scale: float = 1.0) -> PageGlyphs:
    """One page image as glyphs, in points (pixels ÷ ``scale``) so sizes compare with a text layer."""
    pixels = _without_red(image)
    result, _ = _engine()(pixels)
    height, width = pixels.shape[:2]
    page = PageGlyphs(number=number, width=width / scale, height=height / scale)
    for box, text, _score in result or []:
        xs = [p[0] / scale for p in box]
        ys = [p[1] / scale for p in box]
        text = normalise_ocr_text(str(text).strip())
        if not text:
            continue
        top, bottom = min(ys), max(ys)
        # A table's vertical rule read as | between a label and its value: drop it, leaving a gap
        # where the border was, so the layout cuts the line into two cells there.
        glyphs = spread(text, min(xs), max(xs), top, bottom, size=bottom - top)
        page.glyphs += [g for g in glyphs if g.text not in _RULE_CHARS]
    return page


def _page_count_check(path: Path, count: int) -> None:
    if count > MAX_PAGES:
        raise InputError(f"{path.name} 有 {count} 页，超过扫描件识别上限 {MAX_PAGES} 页")


def ocr_pdf(path: Path, progress: Progress | None = None, dpi: int = DPI) -> list[PageGlyphs]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as err:
        raise InputError(unreadable_pdf(path.name)) from err
    try:
        total = len(pdf)
        _page_count_check(path, total)
        scale = dpi / 72
        pages: list[PageGlyphs] = []
        for index in range(total):
            image = pdf[index].render(scale=scale).to_pil()
            pages.append(ocr_image(image, index + 1, scale))
            if progress:
                progress(index + 1, total)
        return pages
    finally:
        pdf.close()


def ocr_picture(path: Path, progress: Progress | None = None) -> list[PageGlyphs]:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.load()
            # A photo's DPI is unknown: take it as the rasterising DPI, so font sizes come out alike.
            page = ocr_image(image, 1, DPI / 72)
    except (UnidentifiedImageError, OSError) as err:
        raise InputError(f"{path.name} 不是有效的图片文件") from err
    if progress:
        progress(1, 1)
    return [page]
