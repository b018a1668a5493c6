"""Positioned characters → the paragraphs and tables the 申报书 parser reads (``assistant.docx_io.blocks``).

A PDF page (or an OCR'd scan) has no paragraphs or table cells, only characters at positions. We
rebuild them the way a reader's eye does:

- characters on one baseline form a line; a wide gap splits a line into segments (table cells);
- lines with several segments, and the short lines that continue their cells, form a table; its
  columns are where segments start; a row starts at a ruled line, at a vertical gap wider than
  the gap between lines inside one cell, or at a label under a label (or beside a value) that
  ended short of its column's edge — on a scan the gaps between OCR boxes say little, the labels
  say more;
- other lines join into paragraphs while each line runs to the right margin; a larger font is a
  heading, an all-bold line is bold — the same marks a .docx paragraph carries.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

from assistant.docx_io.blocks import Block, Para, TableBlock
from assistant.pdf_io.glyphs import Glyph, PageGlyphs

_SEGMENT_GAP = 0.4  # × font size: wider than a space or a font switch, narrower than a cell's padding
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,3}\s*页?(?:\s*/\s*共?\s*\d{1,3}\s*页?)?[-—–\s]*$")
# A label line ending more than this (× font size) short of the label column's edge did not wrap.
_LABEL_FULL = 0.4
_NUMBERED_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)])")
_LATIN_CHAR = re.compile(r"[0-9A-Za-z.,/%+\-_@&]")


@dataclass
class Segment:
    glyphs: list[Glyph]
    page: int

    @property
    def x0(self) -> float:
        return self.glyphs[0].x0

    @property
    def x1(self) -> float:
        return self.glyphs[-1].x1

    @property
    def top(self) -> float:
        return min(g.top for g in self.glyphs)

    @property
    def bottom(self) -> float:
        return max(g.bottom for g in self.glyphs)

    @property
    def size(self) -> float:
        return max(g.size for g in self.glyphs)

    @property
    def bold(self) -> bool:
        visible = [g for g in self.glyphs if g.text.strip()]
        return bool(visible) and all(g.bold for g in visible)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", "".join(g.text for g in self.glyphs)).strip()


@dataclass
class Line:
    segments: list[Segment]
    page: int
    # x extents of ruled lines between the previous line and this one
    rules_above: list[tuple[float, float]] = field(default_factory=list)

    @property
    def x0(self) -> float:
        return self.segments[0].x0

    @property
    def x1(self) -> float:
        return self.segments[-1].x1

    @property
    def top(self) -> float:
        return min(s.top for s in self.segments)

    @property
    def bottom(self) -> float:
        return max(s.bottom for s in self.segments)

    @property
    def size(self) -> float:
        return max(s.size for s in self.segments)

    @property
    def bold(self) -> bool:
        return all(s.bold for s in self.segments)

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.segments)


@dataclass
class _Geometry:
    left: float
    right: float
    body: float  # the most common font size
    floor: float  # the lowest text on any page: the bottom margin


def join_wrapped(a: str, b: str) -> str:
    """Two pieces of one paragraph split by a line break, joined without a space.

    Chinese needs none; a Latin token broken at the line end (MES/E RP in a narrow cell) must not
    gain one. Two English words wrapped at their space lose it, which costs at most one 字 in a count.
    """
    if not a or not b:
        return a or b
    return a + b


def _page_lines(page: PageGlyphs) -> list[Line]:
    glyphs = sorted(page.glyphs, key=lambda g: ((g.top + g.bottom) / 2, g.x0))
    rows: list[list[Glyph]] = []
    centre = 0.0
    for g in glyphs:
        c = (g.top + g.bottom) / 2
        if rows and abs(c - centre) <= 0.35 * g.size:
            rows[-1].append(g)
            centre += (c - centre) / len(rows[-1])
        else:
            rows.append([g])
            centre = c
    lines: list[Line] = []
    for row in rows:
        row.sort(key=lambda g: g.x0)
        segments: list[list[Glyph]] = [[row[0]]]
        for g in row[1:]:
            prev = segments[-1][-1]
            if g.x0 - prev.x1 > _SEGMENT_GAP * max(g.size, prev.size):
                segments.append([g])
            else:
                segments[-1].append(g)
        kept = [Segment(s, page.number) for s in segments]
        kept = [s for s in kept if s.text]
        if kept:
            lines.append(Line(kept, page.number))
    lines.sort(key=lambda line: line.top)
    for prev, line in pairwise(lines):
        line.rules_above = [(x0, x1) for y, x0, x1 in page.rules if prev.bottom - 1 <= y <= line.top + 1]
    # Page numbers and running headers carry no content; they would split a paragraph across pages.
    edge = 0.08 * page.height
    return [
        line
        for line in lines
        if not (_PAGE_NUMBER.match(line.text) and (line.top < edge or line.bottom > page.height - edge))
    ]


def _geometry(lines: list[Line]) -> _Geometry:
    sizes: Counter = Counter()
    for line in lines:
        for s in line.segments:
            sizes[round(s.size * 2) / 2] += len(s.glyphs)
    body = sizes.most_common(1)[0][0] if sizes else 12.0
    lefts = sorted(line.x0 for line in lines)
    rights = sorted(line.x1 for line in lines)
    # The margins most lines touch: a low percentile on the left, a high one on the right.
    left = lefts[len(lefts) // 20] if lefts else 0.0
    right = rights[len(rights) * 19 // 20 - 1] if len(rights) > 1 else (rights[0] if rights else 0.0)
    floor = max(line.bottom for line in lines) if lines else 0.0
    return _Geometry(left=left, right=right, body=body, floor=floor)


# -- tables ----------------------------------------------------------------------------------------


@dataclass
class _Region:
    lines: list[Line] = field(default_factory=list)

    def column_starts(self, geo: _Geometry) -> list[float]:
        starts: list[float] = []
        for line in self.lines:
            for s in line.segments:
                if s.x0 > geo.left + 0.8 * geo.body and not any(
                    abs(s.x0 - x) < 0.6 * geo.body for x in starts
                ):
                    starts.append(s.x0)
        return sorted(starts)

    def strong_starts(self, geo: _Geometry) -> list[float]:
        """Column starts several lines agree on; a centred header word (内容) is not a column."""
        starts = self.column_starts(geo)
        counts = {
            x: sum(1 for line in self.lines for s in line.segments if abs(s.x0 - x) < 0.6 * geo.body)
            for x in starts
        }
        return [x for x in starts if counts[x] >= 2] or starts

    def cut_starts(self, geo: _Geometry) -> list[float]:
        """Column starts firm enough to cut a segment that runs over them (three lines agree)."""
        starts = self.column_starts(geo)
        return [
            x
            for x in starts
            if sum(1 for line in self.lines for s in line.segments if abs(s.x0 - x) < 0.6 * geo.body) >= 3
        ]


def _belongs(line: Line, region: _Region, geo: _Geometry) -> bool:
    if line.size >= geo.body + 1 and all(other.size < geo.body + 1 for other in region.lines):
        return False  # a heading after the table
    if len(line.segments) > 1:
        return True
    starts = region.strong_starts(geo)
    if not starts:
        return False
    seg = line.segments[0]
    if any(abs(seg.x0 - x) < 0.6 * geo.body for x in starts):
        return True  # a cell's text wrapping in an inner column
    if _NUMBERED_HEADING.match(seg.text):
        return False  # 二、项目总体情况 after the table: a heading, not a wrapped label
    return seg.x0 < geo.left + 0.8 * geo.body and seg.x1 < starts[0] - 0.2 * geo.body  # a wrapped label


def _split_label(seg: Segment, starts: list[float], geo: _Geometry) -> list[Segment]:
    """An OCR line that runs from the label column over the first value column (OCR reads a label
    and its value as one line when little space parts them), cut where that column starts.

    Only OCR needs this (a text layer's segments are already cut at the gap), and only there: a
    value's own lines may run over the sub-columns other rows have (姓名 | 职务) and must not be cut.
    """
    if not starts or seg.x0 > geo.left + 0.8 * geo.body:
        return [seg]
    x = starts[0]
    if not (seg.x0 < x - seg.size < seg.x1 - seg.size):
        return [seg]
    cut = next((i for i, g in enumerate(seg.glyphs) if i and abs(g.x0 - x) < 0.6 * seg.size), None)
    if cut is None:
        return [seg]
    pieces = [Segment(seg.glyphs[:cut], seg.page), Segment(seg.glyphs[cut:], seg.page)]
    return [p for p in pieces if p.text]


def _cell_text(segments: list[Segment]) -> str:
    text = ""
    for s in sorted(segments, key=lambda s: (s.page, s.top, s.x0)):
        text = join_wrapped(text, s.text)
    return text


def _row_gap_threshold(gaps: list[float], body: float) -> float:
    """The vertical gap above which a line starts a new table row.

    Two groups (lines inside a cell, padding between rows) are split where the between-group
    variance is largest (Otsu). If no split leaves groups at least 0.2 em apart, every gap is of one
    kind: with several rows that kind must be the row padding, so every gap starts a row.
    """
    # Gaps over 1.5 em start a row whatever the rest; left in, they would be the "second group".
    values = sorted(g for g in gaps if g <= 1.5 * body)
    if not values:
        return 0.3 * body
    best, best_score = None, 0.0
    for i in range(1, len(values)):
        low, high = values[:i], values[i:]
        m_low, m_high = sum(low) / len(low), sum(high) / len(high)
        if m_high - m_low < 0.2 * body:
            continue
        score = len(low) * len(high) * (m_high - m_low) ** 2
        if score > best_score:
            best, best_score = (values[i - 1] + values[i]) / 2, score
    return best if best is not None else values[0] / 2


def _split_over_pages(
    last_row: list[tuple[Segment, int]],
    first: Segment,
    placed: list[tuple[Segment, int, list[tuple[float, float]], int]],
    bottom: float,
    geo: _Geometry,
    label_right: float = 0.0,
) -> bool:
    """The first line on a new page goes on with the last row of the page before (Word split the row).

    Only a row that filled its page to the bottom margin can have been split. Then: a first line
    with nothing in the label column continues it; one with a label does only if the label before
    ran to the column's right edge (智能制造能力成熟 | 度评估结果…), not if it ended short (联系人).
    """
    if bottom < geo.floor - 2.0 * geo.body:
        return False
    same_line = [
        c for s, c, _, _ in placed if s.page == first.page and abs(s.top - first.top) < 0.3 * geo.body
    ]
    if 0 not in same_line:
        return True
    labels = [s for s, c in last_row if c == 0]
    return bool(labels) and max(labels, key=lambda s: s.top).x1 >= label_right - _LABEL_FULL * geo.body


def _table(region: _Region, geo: _Geometry, scanned: bool) -> TableBlock:
    starts = region.column_starts(geo)
    strong = region.cut_starts(geo) if scanned else []
    columns = [geo.left, *starts]
    # segment, column, ruled lines above it (for a line's first segment), line number
    placed: list[tuple[Segment, int, list[tuple[float, float]], int]] = []
    first = region.lines[0]
    for index, line in enumerate(region.lines):
        if index and line.page != region.lines[index - 1].page and line.text == first.text:
            continue  # the header row Word repeats at the top of each page
        for n, seg in enumerate(line.segments):
            for piece in _split_label(seg, strong, geo):
                col = max(i for i, x in enumerate(columns) if x <= piece.x0 + 0.6 * geo.body or i == 0)
                placed.append((piece, col, line.rules_above if n == 0 else [], index))
    # Kept in line order (lines top to bottom, segments left to right): a row's label comes before
    # its values even when a number's baseline sits a little higher than the label's.
    # The gap between two lines of one cell, against the padding between rows: gaps between
    # consecutive segments of one column fall in two groups when cells wrap; split between them.
    gaps: list[float] = []
    last_in_column: dict[int, Segment] = {}
    for seg, col, _, _ in placed:
        prev = last_in_column.get(col)
        if prev is not None and prev.page == seg.page:
            gaps.append(max(0.0, seg.top - prev.bottom))
        last_in_column[col] = seg
    threshold = _row_gap_threshold(gaps, geo.body)
    # The label column's right edge: where wrapped labels end. Not the widest label line, which
    # may be an OCR box drawn a little wide; most label lines that wrap reach the edge.
    rights: dict[int, float] = {}
    for column in range(len(columns)):
        ends = sorted(seg.x1 for seg, col, _, _ in placed if col == column)
        rights[column] = ends[len(ends) * 4 // 5] if ends else geo.left
    label_right = rights[0]

    def ended_short(
        segment: Segment, column: int, following: Segment | None = None, slack: float = 0.0
    ) -> bool:
        room = leading_latin_width(following) if following is not None else 0.0
        return segment.x1 < rights[column] - max((_LABEL_FULL + slack) * geo.body, room)

    values_on_line: dict[int, Segment] = {}
    for seg, col, _, line_no in placed:
        if col == 1:
            values_on_line.setdefault(line_no, seg)
    rows: list[list[tuple[Segment, int]]] = []
    merged_label: set[int] = set()
    bottom, page = 0.0, 0
    # Values wrap over many lines and only a wide gap starts a row on a value (a label centred
    # in a tall row comes after the first value line); a label starts a row after a label that
    # ended short of its column's edge however small the gap (主营业务收入 under 近三年发展情况).
    # An OCR box's edges wander by a few points, so on a scan a full label's next line needs a
    # wider gap to count as a new row.
    value_gap = max(threshold, geo.body)
    label_gap = max(threshold, geo.body) if scanned else threshold
    for seg, col, ruled, line_no in placed:
        gap = seg.top - bottom
        labels = [s for s, c in rows[-1] if c == 0] if rows else []
        if not rows or seg.page != page or ruled:
            new_row = True
        elif col > 0 or not labels:
            new_row = gap > value_gap
        else:
            # After a full label, a new label still starts a row when the value beside it starts
            # on this line while the row's value ended short (故、重大环境事故 | …否, then 企业简介).
            values = [s for s, c in rows[-1] if c == 1]
            value_here = values_on_line.get(line_no)
            new_row = (
                ended_short(labels[-1], 0)
                or gap > label_gap
                # A value wraps early before a word or bracket it may not split: it must end
                # clearly short to close its row.
                or (value_here is not None and bool(values) and ended_short(values[-1], 1, value_here, 2.5))
            )
        if (
            new_row
            and rows
            and seg.page != page
            and _split_over_pages(rows[-1], seg, placed, bottom, geo, label_right)
        ):
            new_row = False
        if new_row and ruled and col > 0 and rows and all(x0 > geo.left + geo.body for x0, _ in ruled):
            merged_label.add(len(rows))  # the border stops short of the label: its cell spans this row too
        if new_row:
            rows.append([])
            bottom = seg.bottom
        bottom = max(bottom, seg.bottom) if seg.page == page or new_row else seg.bottom
        page = seg.page
        rows[-1].append((seg, col))
    table = TableBlock(page=region.lines[0].page)
    for index, row in enumerate(rows):
        cells = [_cell_text([s for s, c in row if c == i]) for i in range(len(columns))]
        if index in merged_label and not cells[0] and table.rows:
            cells[0] = table.rows[-1][0]  # as a .docx vertical merge reads: the label in each row
        while len(cells) > 1 and not cells[-1]:
            cells.pop()
        table.rows.append(cells)
    return table


# -- paragraphs ------------------------------------------------------------------------------------


def _heading_levels(lines: list[Line], geo: _Geometry, scanned: bool) -> dict[float, int]:
    # An OCR box's height varies a little with the letters in it (a line of digits, a short
    # line); only a clearly larger one is a heading.
    floor = geo.body * 1.3 if scanned else geo.body + 1
    larger = sorted({round(line.size * 2) / 2 for line in lines if line.size >= floor}, reverse=True)
    return {size: i + 1 for i, size in enumerate(larger[:6])}


def _para(line: Line, levels: dict[float, int]) -> Para:
    return Para(
        text=line.text, heading=levels.get(round(line.size * 2) / 2, 0), bold=line.bold, page=line.page
    )


def leading_latin_width(seg: Segment) -> float:
    """Width of the unbreakable run a line starts with: a Latin run (ERP、MES、1,600) up to the next
    Chinese character, or one or two Chinese characters and punctuation glued to such a run (“床、1,600”
    moves down whole: 、 may not start a line and a number is not split). Word and LibreOffice do
    not break inside it, so the line above may end that much early."""
    glyphs = seg.glyphs
    start = next((i for i, g in enumerate(glyphs[:3]) if _LATIN_CHAR.match(g.text)), None)
    if start is None or (start and not any(g.text in "、，。；：）》”" for g in glyphs[:start])):
        return 0.0
    width = 0.0
    for g in glyphs[start:]:
        if "\u4e00" <= g.text <= "\u9fff":
            break
        width = g.x1 - seg.x0
    return width


def _continues(prev: Line, line: Line, geo: _Geometry) -> bool:
    """``line`` is the next line of the paragraph ``prev`` ends: prev runs to the margin, same style."""
    size = geo.body
    if abs(prev.size - line.size) > 0.6 or prev.bold != line.bold:
        return False
    if line.x0 > geo.left + 0.6 * size:
        return False
    # A line also ends early when the next word (MES、QMS) is Latin and would not fit after it.
    if prev.x1 < geo.right - max(2.5 * size, leading_latin_width(line.segments[0]) + 0.5 * size):
        return False
    if line.page != prev.page:
        return True
    return line.top - prev.bottom <= 1.0 * size


def page_blocks(pages: list[PageGlyphs], *, scanned: bool = False) -> list[Block]:
    """The paragraphs and tables of a document's pages, in reading order; ``scanned``: glyphs from OCR."""
    lines = [line for page in pages for line in _page_lines(page)]
    if not lines:
        return []
    geo = _geometry(lines)
    levels = _heading_levels(lines, geo, scanned)
    blocks: list[Block] = []
    region: _Region | None = None
    previous: Line | None = None

    def close_region() -> None:
        nonlocal region
        if region is None:
            return
        if len(region.lines) == 1:
            # One line with a wide gap is a paragraph with spaced-out words (□是   ■否), not a table.
            blocks.append(_para(region.lines[0], levels))
        else:
            blocks.append(_table(region, geo, scanned))
        region = None

    for line in lines:
        if region is not None and _belongs(line, region, geo):
            region.lines.append(line)
            previous = None
            continue
        close_region()
        if len(line.segments) > 1:
            region = _Region([line])
            previous = None
            continue
        last = blocks[-1] if blocks else None
        if previous is not None and isinstance(last, Para) and _continues(previous, line, geo):
            last.text = join_wrapped(last.text, line.text)
        else:
            blocks.append(_para(line, levels))
        previous = line
    close_region()
    return blocks
