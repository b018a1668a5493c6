"""A draft revised in place, read as it now stands.

Writers pass a draft around and mark it up: struck text (``~~62小时~~38小时``, ``<del>…</del>``) is deleted,
and a reviewer's comment in brackets (``【批注-张工：…】``) speaks about the text, it is not part of it. A
comment that asks for its paragraph to go (``这段删掉``) takes the paragraph with it, unless the paragraph
already shows that deletion as struck text; alone on its line, a comment that says 下面这段删掉 takes the
paragraph below. Line numbers stay as they were, so every fact keeps its source.
"""

from __future__ import annotations

import re

_STRUCK = re.compile(r"~~.+?~~|<(del|s|strike)>.*?</\1>", re.DOTALL)
_COMMENT = re.compile(r"【\s*(?:批注|评论|审阅|修订意见)[^】]*】|\[\s*(?:批注|评论|审阅)[^\]]*\]")
_PARAGRAPH_GOES = re.compile(
    r"(?:这段|此段|本段|整段|这一段|该段)?(?:删掉|删除|删去|去掉|不要了)|(?:跟|与)(?:本)?场景(?:没关系|无关)"
)


_BELOW = re.compile(r"下面|以下|下一段|下段")
# A heading, a bold label, a numbered item or another comment: the paragraph below a comment has ended.
_NEW_SECTION = re.compile(r"\s*(?:#|\*\*|\d+\s*[.、]|[一二三四五六七八九十]+、|【)")


def as_revised(text: str) -> str:
    """The text with struck passages deleted and comments taken out; a paragraph a comment deletes is empty."""
    if not _STRUCK.search(text) and not _COMMENT.search(text):
        return text
    lines = []
    next_goes = False  # "【批注：下面这段删掉】" on a line of its own takes the paragraph below it
    for line in text.split("\n"):
        comments = _COMMENT.findall(line)
        struck = bool(_STRUCK.search(line))
        kept = _COMMENT.sub("", _STRUCK.sub("", line))
        if next_goes and line.strip() and not _NEW_SECTION.match(line):
            lines.append("")
            continue
        next_goes = False
        if not struck and any(_PARAGRAPH_GOES.search(c) for c in comments):
            next_goes = not kept.strip() and any(_BELOW.search(c) for c in comments)
            kept = ""
        lines.append("" if comments and not re.search(r"[\w\d]", kept) else kept.rstrip())
    return "\n".join(lines)
