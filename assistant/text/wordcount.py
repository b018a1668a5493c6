"""字数 exactly as Microsoft Word counts it, via the ``office-wordcount`` library.

Word's rule for Chinese text: every CJK character and every full-width character or punctuation
mark is one 字; every run of consecutive half-width, non-space characters (``30%``, ``2024``,
``1,200``, ``MES/ERP``) is one 字; spaces count nothing.

Where sources disagree — half-width punctuation glued to Chinese, as in ``你好,世界!`` — we take
the reading that counts more (each half-width run between Chinese characters is its own 字, so that
example is 6): a limit checked on the higher count never lets an over-long part through.
"""

from __future__ import annotations

from pydantic import BaseModel
from word_count import count_characters, count_characters_with_space
from word_count import count_words as _word_count


class Counts(BaseModel):
    字数: int
    字符数_不计空格: int
    字符数_计空格: int


def count_words(text: str) -> int:
    """Word's 字数."""
    return _word_count(text) if text else 0


def count_chars(text: str, with_spaces: bool = False) -> int:
    """Word's 字符数 (不计空格 by default)."""
    if not text:
        return 0
    return count_characters_with_space(text) if with_spaces else count_characters(text)


def count(text: str) -> Counts:
    return Counts(
        字数=count_words(text),
        字符数_不计空格=count_chars(text),
        字符数_计空格=count_chars(text, with_spaces=True),
    )
