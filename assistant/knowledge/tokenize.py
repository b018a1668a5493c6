"""jieba tokens for BM25: search mode, with the notice's domain/环节 names and the scene names as words."""

from __future__ import annotations

import logging
import re
from functools import lru_cache

import jieba

from assistant.requirements import load_requirements
from assistant.scenes import load_scene_table

_KEEP = re.compile(r"[\w\u4e00-\u9fff]")
# Function words that match everywhere and mean nothing for retrieval.
_STOP = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "等",
        "在",
        "是",
        "为",
        "对",
        "将",
        "把",
        "被",
        "由",
        "从",
        "到",
        "至",
        "中",
        "上",
        "下",
        "也",
        "都",
        "就",
        "我们",
        "我",
        "你",
        "他",
        "她",
        "它",
        "这",
        "那",
        "一个",
        "进行",
        "通过",
        "实现",
        "开展",
        "相关",
        "以及",
        "其",
        "之",
    ]
)


@lru_cache(maxsize=4)
def _tokenizer(dictionary: str | None = None) -> jieba.Tokenizer:
    """jieba with our domain words. ``dictionary``: an index's own vocabulary (see ``vocabulary``),
    a few thousand words that load in milliseconds where jieba's 350,000 take most of a second."""
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer(dictionary) if dictionary else jieba.Tokenizer()
    for word in _domain_words():
        tok.add_word(word, freq=DOMAIN_FREQ)
    return tok


DOMAIN_FREQ = 20000


@lru_cache(maxsize=1)
def _domain_words() -> frozenset[str]:
    req = load_requirements()
    table = load_scene_table()
    words = {*req.domain_names, *req.all_links, *table.names, *table.aliases}
    for entry in table.entries:
        words.update(k for k in entry.keywords if len(k) >= 2)
    return frozenset(words)


def tokenize(text: str, dictionary: str | None = None) -> list[str]:
    tokens = []
    for token in _tokenizer(dictionary).cut_for_search(text.lower()):
        token = token.strip()
        if token and token not in _STOP and _KEEP.search(token):
            tokens.append(token)
    return tokens


def vocabulary(texts: list[str]) -> list[str]:
    """Dictionary lines ("word freq") for every word jieba's full dictionary finds in ``texts``.

    BM25 scores only words that occur in the indexed texts, so a tokenizer that knows just those
    words ranks the same; it is written beside the index and used when querying it."""
    full = _tokenizer(None)
    full.check_initialized()
    words: dict[str, int] = {}
    for text in texts:
        for token in full.cut_for_search(text.lower()):
            token = token.strip()
            if token and not any(ch.isspace() for ch in token) and _KEEP.search(token):
                words[token] = max(int(full.FREQ.get(token) or 0), 1)
    for word in _domain_words():
        if not any(ch.isspace() for ch in word):
            words[word.lower()] = DOMAIN_FREQ
    return [f"{word} {freq}" for word, freq in sorted(words.items())]
