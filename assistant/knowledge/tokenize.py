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


@lru_cache(maxsize=1)
def _tokenizer() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    req = load_requirements()
    table = load_scene_table()
    words = {*req.domain_names, *req.all_links, *table.names, *table.aliases}
    for entry in table.entries:
        words.update(k for k in entry.keywords if len(k) >= 2)
    for word in words:
        tok.add_word(word, freq=20000)
    return tok


def tokenize(text: str) -> list[str]:
    tokens = []
    for token in _tokenizer().cut_for_search(text.lower()):
        token = token.strip()
        if token and token not in _STOP and _KEEP.search(token):
            tokens.append(token)
    return tokens
