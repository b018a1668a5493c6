"""Whether a sentence of the material reads as 申报书 prose once its spoken words are replaced.

The offline composer pastes none that does not: a table row, a document's heading, a note to a
colleague or a signature says nothing a reviewer should read. A short noun phrase naming a built thing
("高性能计算集群") is not prose either, but what it names belongs in the part: it is collected into one
sentence of what was built. The word lists are data (``prose_words.yaml``).
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from assistant.drafting.extract import ASIDE

HERE = Path(__file__).parent
PHRASE_CHARS = 30  # a comma-free piece this short is a heading or a noun phrase, not a sentence


class ProseWords(BaseModel):
    model_config = ConfigDict(extra="forbid")

    table_residue: list[str]
    heading_end: list[str]
    writer_note: list[str]
    signature_end: list[str]
    predicate: list[str]
    built_thing_end: list[str]

    def pattern(self, name: str) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{p})" for p in getattr(self, name)))


@lru_cache(maxsize=1)
def _words() -> dict[str, re.Pattern[str]]:
    data = ProseWords.model_validate(yaml.safe_load((HERE / "prose_words.yaml").read_text(encoding="utf-8")))
    return {name: data.pattern(name) for name in ProseWords.model_fields}


_ORG_ONLY = re.compile(
    r"^[\u4e00-\u9fffA-Za-z0-9（）()'.,/ ]{2,60}?(?:有限公司|股份公司|集团|研究院|研究所)$"
)


def _bare(sentence: str) -> str:
    return sentence.strip().rstrip("。；;，, ")


_LIST_NUMBER = re.compile(r"^\d{1,2}(?=[\u4e00-\u9fff])")  # "1燃烧系统改造": a list's number, no figure


def is_phrase(sentence: str) -> bool:
    """No clause break outside its asides and short: a heading, a label or a noun phrase."""
    bare = ASIDE.sub("", _bare(sentence))
    return len(bare) <= PHRASE_CHARS and not re.search(r"[，,；;：:]", bare)


def _verb_listed(phrase: str) -> bool:
    return bool(_words()["predicate"].search(ASIDE.sub("", phrase)))


def _says_something(phrase: str) -> bool:
    """A verb or an adjective ("上传", "偏高"): the phrase is a short sentence, not a name."""
    import jieba
    import jieba.posseg  # the tagger loads its tables on first use: only when a phrase must be judged

    jieba.setLogLevel(logging.WARNING)  # its "Building prefix dict…" lines are not for the writer

    phrase = ASIDE.sub("", phrase)
    return _verb_listed(phrase) or any(
        word.flag in ("v", "a", "ad", "vd") for word in jieba.posseg.cut(phrase)
    )


def built_thing(sentence: str) -> str:
    """ "高性能计算集群。" → 高性能计算集群: a phrase naming a built thing; "" for anything else."""
    bare = _LIST_NUMBER.sub("", _bare(sentence))
    if not is_phrase(sentence) or _words()["heading_end"].search(bare) or _verb_listed(bare):
        return ""
    return bare if _words()["built_thing_end"].search(bare) else ""


def reads_as_prose(sentence: str, *, phrases_allowed: bool = False) -> bool:
    """``phrases_allowed``: a figure's phrase ("年节约电费约120万元") states a result in 成效 or 经济性."""
    bare = _bare(sentence)
    w = _words()
    if not bare or _ORG_ONLY.match(bare):
        return False
    if not phrases_allowed and is_phrase(sentence):
        numbered_heading = _LIST_NUMBER.match(bare) and not _verb_listed(bare)  # "2承办单位概况"
        if numbered_heading or built_thing(sentence) or not _says_something(bare):
            return False
    if w["heading_end"].search(bare) and not re.search(r"[，,；;]", bare):
        return False
    return not (
        w["table_residue"].search(bare) or w["writer_note"].search(bare) or w["signature_end"].search(bare)
    )


def said_to_colleague(text: str) -> bool:
    """ "这块", "合同上全称", "我写": words for a colleague, not for the reviewer."""
    return bool(_words()["writer_note"].search(text))
