"""How official documents number their outline (一、 （一） 1. （1） ① 第X条): the rank of a numbered line.

Shared by the loaders (which use it to tell headings in PDFs) and the chunker; below both.
"""

from __future__ import annotations

import re

# (level, pattern): a lower level is a higher outline rank.
OUTLINE: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(r"^附件\s*\d+\s*$")),
    (2, re.compile(r"^第[一二三四五六七八九十百零]+[章节条]")),
    (2, re.compile(r"^[一二三四五六七八九十]+、")),
    (3, re.compile(r"^[（(][一二三四五六七八九十]+[）)]")),
    (4, re.compile(r"^\d{1,2}\s?[\.．、](?!\d)")),
    (4, re.compile(r"^注\s*[:：]")),
    (5, re.compile(r"^[（(]\d{1,2}[）)]")),
    (5, re.compile(r"^\[\d{1,2}\]")),
    (6, re.compile(r"^[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]")),
]


def outline_level(text: str) -> int | None:
    for level, pattern in OUTLINE:
        if pattern.match(text):
            return level
    return None
