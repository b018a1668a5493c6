"""The text a reader sees in a Word paragraph, including what python-docx's ``Paragraph.text`` skips.

python-docx reads only ``w:r`` and ``w:hyperlink`` children, so a tick inserted with 插入 > 符号
(``w:sym``), a checkbox content control (``w:sdt``), a tracked insertion (``w:ins``) or a field
result (``w:fldSimple``) vanish — and an option that is visibly ticked reads as unticked. This walks
the paragraph once, in document order, the way Word renders it with changes shown as final:
insertions in, deletions out.
"""

from __future__ import annotations

from collections.abc import Iterator

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"

_T, _TAB, _PTAB, _BR, _CR, _SYM, _NB_HYPHEN = (
    f"{_W}t",
    f"{_W}tab",
    f"{_W}ptab",
    f"{_W}br",
    f"{_W}cr",
    f"{_W}sym",
    f"{_W}noBreakHyphen",
)
_R, _SDT, _SDT_PR, _SDT_CONTENT = f"{_W}r", f"{_W}sdt", f"{_W}sdtPr", f"{_W}sdtContent"
_P, _TBL = f"{_W}p", f"{_W}tbl"
# Inline wrappers whose runs Word shows as ordinary text.
_INLINE_CONTAINERS = frozenset(
    f"{_W}{tag}" for tag in ("hyperlink", "ins", "moveTo", "smartTag", "fldSimple", "customXml", "dir", "bdo")
)
# Block wrappers (content controls, custom XML) around paragraphs and tables.
_BLOCK_CONTAINERS = frozenset({_SDT_CONTENT, f"{_W}customXml"})

CHECKED_BOX = "☑"
UNCHECKED_BOX = "□"

# Symbol-font glyphs writers use as tick boxes (插入 > 符号). ``w:char`` is the font's code point,
# often with Word's F0xx private-use offset; anything else in a symbol font is a picture, not text.
_SYMBOL_GLYPHS: dict[str, dict[int, str]] = {
    "wingdings": {0xFC: "✓", 0xFE: "☑", 0xFD: "☒", 0x78: "☒", 0xFB: "✗", 0xA8: "□", 0x6F: "□", 0x71: "□"},
    "wingdings 2": {0x50: "✓", 0x52: "☑", 0x53: "☒", 0x54: "☒", 0x4F: "✗", 0xA3: "□", 0x2A: "□"},
    # 插入 > 符号 in the Symbol font is also how writers type √ ± × ° ≤ ≥ μ Ω Δ in figures.
    "symbol": {
        0xD6: "√",
        0xB1: "±",
        0xB4: "×",
        0xB0: "°",
        0xA3: "≤",
        0xB3: "≥",
        0x6D: "μ",
        0x57: "Ω",
        0x44: "Δ",
    },
}


def _symbol(sym) -> str:
    font = (sym.get(f"{_W}font") or "").strip().lower()
    try:
        code = int(sym.get(f"{_W}char") or "", 16)
    except ValueError:
        return ""
    if font in _SYMBOL_GLYPHS:
        return _SYMBOL_GLYPHS[font].get(code & 0xFF if code >= 0xF000 else code, "")
    if font.startswith(("wingdings", "webdings", "symbol")) or 0xE000 <= code <= 0xF8FF:
        return ""  # a picture glyph with no Unicode meaning
    return chr(code) if 0x20 <= code <= 0x10FFFF else ""


def _checkbox(sdt) -> str | None:
    """☑/□ for a checkbox content control, None for any other content control."""
    pr = sdt.find(_SDT_PR)
    box = pr.find(f"{_W14}checkbox") if pr is not None else None
    if box is None:
        return None
    checked = box.find(f"{_W14}checked")
    if checked is None:
        return None  # no state recorded: the glyph inside says it
    value = checked.get(f"{_W14}val", "1")
    return CHECKED_BOX if value in ("1", "true", "on") else UNCHECKED_BOX


def _run_text(run, out: list[str]) -> None:
    for child in run:
        tag = child.tag
        if tag == _T:
            out.append(child.text or "")
        elif tag in (_TAB, _PTAB):
            out.append("\t")
        elif tag == _BR:
            if child.get(f"{_W}type") in (None, "textWrapping"):
                out.append("\n")
        elif tag == _CR:
            out.append("\n")
        elif tag == _SYM:
            out.append(_symbol(child))
        elif tag == _NB_HYPHEN:
            out.append("-")


def _inline_text(parent, out: list[str]) -> None:
    for child in parent:
        tag = child.tag
        if tag == _R:
            _run_text(child, out)
        elif tag in _INLINE_CONTAINERS:
            _inline_text(child, out)
        elif tag == _SDT:
            box = _checkbox(child)
            if box is not None:
                out.append(box)
                continue
            content = child.find(_SDT_CONTENT)
            if content is not None:
                _inline_text(content, out)
        # w:del / w:moveFrom (deleted text), w:pPr, bookmarks, comments: not shown as text


def paragraph_text(p) -> str:
    """The visible text of a ``w:p`` element, tracked changes accepted."""
    out: list[str] = []
    _inline_text(p, out)
    return "".join(out)


def block_elements(parent) -> Iterator:
    """The ``w:p`` and ``w:tbl`` children of a body or cell in order, looking inside content controls."""
    for child in parent:
        tag = child.tag
        if tag in (_P, _TBL):
            yield child
        elif tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from block_elements(content)
        elif tag in _BLOCK_CONTAINERS:
            yield from block_elements(child)


def row_deleted(tr) -> bool:
    """A table row deleted under 修订 (track changes) is not part of the document as shown."""
    pr = tr.find(f"{_W}trPr")
    return pr is not None and pr.find(f"{_W}del") is not None
