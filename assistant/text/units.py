"""Unit words as material says them, written the way a 申报书 writes them.

A bilingual report says "payback ≈ 1.4 years" and "16 stations"; a voice transcript says "1.92个方每平米" and
"正负八度". The fact reader, the figure guard and the drafter read "1.4年", "1.92立方米/平方米" and "±八℃"
alike, so a unit is understood once, where the material is read (``assistant/text/unit_words.yaml``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel

WORDS_FILE = Path(__file__).with_name("unit_words.yaml")


class UnitWords(BaseModel):
    english: dict[str, list[str]]  # Chinese unit → the English words for it
    spoken: list[tuple[str, str]]  # regex → replacement


@lru_cache(maxsize=1)
def _tables() -> tuple[re.Pattern[str], dict[str, str], list[tuple[re.Pattern[str], str]]]:
    words = UnitWords.model_validate(yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8")))
    chinese = {word.lower(): cn for cn, english in words.english.items() for word in english}
    alternatives = "|".join(sorted(chinese, key=len, reverse=True))
    # "S7-1500 units" is a model name: a number glued to letters, a dash or a slash keeps its word.
    english = re.compile(rf"(?<![\w.\-/])(\d+(?:[.,]\d+)?)\s*({alternatives})\b", re.IGNORECASE)
    spoken = [(re.compile(pattern), replacement) for pattern, replacement in words.spoken]
    return english, chinese, spoken


def written_units(text: str) -> str:
    """The text with each unit said in English or in speech written as the 申报书's unit."""
    english, chinese, spoken = _tables()
    if re.search(r"\d\s*[A-Za-z]", text):
        text = english.sub(lambda m: f"{m[1]}{chinese[m[2].lower()]}", text)
    for pattern, replacement in spoken:
        text = pattern.sub(replacement, text)
    return text
