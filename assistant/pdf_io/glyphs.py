"""Positioned characters: what a PDF text layer and OCR both give, before any layout is guessed."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field


@dataclass
class Glyph:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool = False


@dataclass
class PageGlyphs:
    number: int  # 1-based page number, for findings ("第3页")
    width: float
    height: float
    glyphs: list[Glyph] = field(default_factory=list)
    # Horizontal rules (table borders) on the page as (y, x0, x1); a table row never crosses one,
    # and one that stops short of the label column means that label cell is merged over two rows.
    rules: list[tuple[float, float, float]] = field(default_factory=list)


def char_weight(ch: str) -> float:
    """Relative advance width: full-width (CJK, full-width punctuation) 1, half-width 0.5."""
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.5


def spread(text: str, x0: float, x1: float, top: float, bottom: float, size: float) -> list[Glyph]:
    """Glyphs for a run of text known only as a box (an OCR line): width shared by character weight."""
    weights = [char_weight(ch) for ch in text]
    total = sum(weights) or 1.0
    unit = (x1 - x0) / total
    glyphs: list[Glyph] = []
    x = x0
    for ch, w in zip(text, weights, strict=True):
        glyphs.append(Glyph(ch, x, x + w * unit, top, bottom, size))
        x += w * unit
    return glyphs
