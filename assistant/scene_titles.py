"""Scene titles: the template's 环节-场景-实例 form, read tolerantly and judged strictly in one place."""

from __future__ import annotations

import re

# Numbering writers put before a title: 1.  1、 （1） (1) ① 场景一： 场景1： 实例2： 例：
_NUMBERING = re.compile(
    r"^\s*(?:(?:场景|实例|案例)\s*[0-9一二三四五六七八九十]+\s*[:：、.．]?|例\s*[:：]|[（(]\s*[0-9一二三四五六七八九十]+\s*[）)]"
    r"|[0-9]{1,2}\s*[.．、](?!\d)|[①②③④⑤⑥⑦⑧⑨⑩])\s*"
)
# The template's annotations inside its example title.
_ANNOTATION = re.compile(
    r"[（(](?:环节名称|环节名|参考指引中场景名称|场景名称|场景名|场景实例名称|实例名称|实例名)[）)]"
)
_DASHES = re.compile(r"\s*(?:——|—|–|－|-|―)\s*")


def strip_numbering(text: str) -> str:
    return _NUMBERING.sub("", text, count=1).strip()


def split_title(title: str) -> list[str]:
    """The segments of a title, annotations removed: 质量管控—在线智能检测-X → [质量管控, 在线智能检测, X]."""
    clean = _ANNOTATION.sub("", title).strip()
    return [seg.strip() for seg in _DASHES.split(clean) if seg.strip()]


def title_parts(title: str) -> tuple[str, str, str] | None:
    """(环节, 场景, 实例) if the title has the 环节-场景-实例 form, else None."""
    segments = split_title(title)
    if len(segments) < 3:
        return None
    return segments[0], segments[1], "-".join(segments[2:])
