"""Traditional → simplified Chinese before anything else reads the text (OpenCC's t2s dictionaries,
bundled with the ``opencc`` wheel, so it works offline). 設備管理系統 must find 设备管理."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    # Simplified text passes through unchanged; the check skips the converter for plain ASCII.
    if not text or text.isascii():
        return text
    return _converter().convert(text)
