"""English unit words after a number written the way a 申报书 writes them ("9 weeks" → "9周").

A bilingual report says "payback ≈ 1.4 years" and "16 stations"; the fact reader, the figure guard and the
drafter read "1.4年" and "16个" alike, so the unit is understood once, where the material is read.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import RootModel

UNITS_FILE = Path(__file__).with_name("english_units.yaml")


class EnglishUnits(RootModel[dict[str, list[str]]]):
    """Chinese unit → the English words for it."""


@lru_cache(maxsize=1)
def _pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    units = EnglishUnits.model_validate(yaml.safe_load(UNITS_FILE.read_text(encoding="utf-8"))).root
    chinese = {word.lower(): cn for cn, words in units.items() for word in words}
    words = sorted(chinese, key=len, reverse=True)
    number = r"(?<![\w.\-/])(\d+(?:[.,]\d+)?)"
    return re.compile(rf"{number}\s*({'|'.join(words)})\b", re.IGNORECASE), chinese


def chinese_units(text: str) -> str:
    """The text with each number's English unit word written as the Chinese unit."""
    if not re.search(r"\d\s*[A-Za-z]", text):
        return text
    pattern, chinese = _pattern()
    return pattern.sub(lambda m: f"{m[1]}{chinese[m[2].lower()]}", text)
