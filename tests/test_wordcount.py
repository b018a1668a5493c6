import pytest

from assistant.text import count, count_words

# The cases Word gives for Chinese text (issue 2), plus our conservative reading of
# half-width punctuation glued to Chinese.
WORD_TABLE = [
    ("效率提升30%", 5),
    ("效率提升30％", 6),
    ("2024年", 2),
    ("MES、ERP、WMS", 5),
    ("MES/ERP/WMS", 1),
    ("使用 Adobe Photoshop 打开图片", 8),
    ("OEE由65%提升至82%。", 8),
    ("1,200", 1),
    ("你好，世界！", 6),
    ("你好,世界!", 6),
    ("", 0),
    ("   ", 0),
    ("一次合格率由95.2%提升至99.1%", 11),
    ("ＭＥＳ系统", 5),
]


@pytest.mark.parametrize(("text", "expected"), WORD_TABLE)
def test_word_count_matches_word(text: str, expected: int) -> None:
    assert count_words(text) == expected


def test_character_counts_with_and_without_spaces() -> None:
    counts = count("使用 Adobe 打开")
    assert counts.字数 == 5
    assert counts.字符数_不计空格 == 9
    assert counts.字符数_计空格 == 11
