"""五、相关附件 as lines of a document: ``1. ☑ 企业上一年度审计报告（必备）：2024年度``.

The exporters write the checklist in this form and the reader reads it back, so a ticked checklist
survives export and review unchanged.
"""

from __future__ import annotations

import re

from assistant.models import AttachmentItem

CHECKED, UNCHECKED = "☑", "□"
REQUIRED_MARK = "（必备）"
_LINE = re.compile(r"^\s*(?:\d+[.．、]\s*)?([☑□■√✔✓☐☒])\s*(\S.*)$")
_PARTS = re.compile(rf"^(.*?)({REQUIRED_MARK})?(?:：(.*))?$", re.DOTALL)


def format_attachment(number: int, item: AttachmentItem) -> str:
    mark = CHECKED if item.ticked else UNCHECKED
    required = REQUIRED_MARK if item.required else ""
    note = f"：{item.note}" if item.note else ""
    return f"{number}. {mark} {item.item}{required}{note}"


def parse_attachment(line: str) -> AttachmentItem | None:
    """The checklist item a line states, or None for any other line of 五、相关附件."""
    m = _LINE.match(line.strip())
    if not m:
        return None
    parts = _PARTS.match(m.group(2).strip())
    if not parts or not parts.group(1).strip():
        return None
    return AttachmentItem(
        item=parts.group(1).strip(),
        required=bool(parts.group(2)),
        ticked=m.group(1) not in ("□", "☐"),
        note=(parts.group(3) or "").strip(),
    )
