"""Which part a sentence of material serves, and which lines are labels rather than statements.

Cue words plus embedding similarity to each part's purpose (``part_cues.yaml``); used by the fact
reader to give each statement its part, and by scene mapping to build passages. The offline draft
itself is composed from facts in ``compose.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from assistant.drafting.facts import SERIES, SceneFacts
from assistant.drafting.material import Sentence
from assistant.text import extract_changes, extract_quantities

CUES_FILE = Path(__file__).with_name("part_cues.yaml")
FILL_RATIO = 0.9  # leave the writer a little room under each limit
MIN_SCORE = 0.2
_NOISE = re.compile(
    r"食堂|午餐|早餐|停车|团建|下次碰头|会议室|参会|联系电话|电话[:：]|手机[:：]|微信群|请假|生日|快递"
    r"|没关系|无关|别写|不要写|不用写|顺便记|别外发|宣传材料|报价单\s*编号|编号\s*[A-Z]"
)
# A chat speaker ("陈：", "刘工：", "财务小何：") is dropped; a label ("统计周期：", "实施：") is content.
_SPEAKER = re.compile(
    r"^(?!(?:实施|供应商|投资|收益|备注|说明|目标|问题|效果|成效|指标|合计|总计)[:：])"
    r"(?:[\u4e00-\u9fff]{1,2}|[\u4e00-\u9fff]{1,3}(?:工|总|主任|经理|部长|科长|老师|师傅)|[\u4e00-\u9fff]{0,3}小[\u4e00-\u9fff])"
    r"[:：]\s*"
)
_RESULT_WORDS = re.compile(
    r"现在|目前|上线后|投用后|建成后|改造后|实施后|同比|降至|提升至|提高到|减少到|缩短到|→"
)
_PROBLEM_WORDS = re.compile(r"以前|之前|原来|过去|改造前")
# Section banners and headings of the writer's notes (=== 三、工艺部 微信 ===, 【报价】, 二、报价：) are
# labels, not statements: they never go into a part.
# The notes' own title (涂布在线检测——申报素材（质量部 整理）) and name labels (项目名称：…, which
# become the instance name) are labels too.
_HEADING = re.compile(
    r"^(?:=+[^=]*=+|【[^】]*】|[一二三四五六七八九十]+、[^，。；]{0,20}|[^，。；]{0,16}[:：]"
    r"|[^，。；]*(?:素材|申报材料|初稿|草稿|整理)[^，。；]*"
    r"|(?:场景实例名称|实例名称|场景名称|项目名称|项目编号|验收结论|所属环节|所属领域|所属场景)\s*[:：].*)。?$"
)
_BEFORE_AFTER_SPLIT = re.compile(r"[，,；;]\s*(?=(?:现在|目前|上线后|投用后|建成后|改造后|实施后))")
_ORG = re.compile(
    r"[\u4e00-\u9fffA-Za-z0-9]{2,}(?:有限公司|股份公司|公司|集团|研究院|研究所|大学|科技)|自主研发|自主开发"
)


@dataclass
class _Cues:
    purpose: str
    cues: list[str]


@lru_cache(maxsize=1)
def _part_cues() -> dict[str, _Cues]:
    raw = yaml.safe_load(CUES_FILE.read_text(encoding="utf-8"))
    return {key: _Cues(**value) for key, value in raw.items()}


# A statement longer than a whole part is not read further to place it: the encoder's time grows with the
# text, and a file of one endless line (hostile or broken) would hold the drafter for minutes.
EMBED_CHARS = 500


def _embed(texts: list[str], is_query: bool) -> np.ndarray:
    from assistant.knowledge.embeddings import E5Embeddings

    model = E5Embeddings()
    texts = [t[:EMBED_CHARS] for t in texts]
    if is_query:
        return np.array([model.embed_query(t) for t in texts])
    return np.array(model.embed_documents(texts))


def _clean(sentence: str) -> str:
    text = re.sub(r"^\s*(?:\d+[.、）)]|[（(]\d+[）)]|[-*•>▲■]+)\s*", "", sentence).strip()
    text = _SPEAKER.sub("", text)
    text = text.replace("**", "").strip(" |")
    text = re.sub(r"(?:\s*\|\s*)+", "，", text)  # a table row read as one statement
    if text and text[-1] not in "。！？；":
        text += "。"
    return text


@lru_cache(maxsize=1)
def _purpose_vectors() -> np.ndarray:
    """Each part's purpose, embedded once per process: it is the same for every material."""
    cues = _part_cues()
    return _embed([cues[k].purpose for k in cues], is_query=True)


def score_sentences(sentences: list[Sentence]) -> tuple[list[str], np.ndarray]:
    """The cue file's keys (the five parts, then the texts a scene must not take, such as 企业简介) and
    (sentences × keys) scores: cue hits plus similarity to each key's purpose."""
    cues = _part_cues()
    keys = list(cues)
    purposes = _purpose_vectors()
    vectors = _embed([s.text for s in sentences], is_query=False)
    similarity = vectors @ purposes.T  # e5 vectors are normalised
    similarity = (similarity - similarity.mean()) / (similarity.std() + 1e-6) * 0.15
    cue_scores = np.array(
        [[min(3, sum(c in s.text for c in cues[k].cues)) * 0.2 for k in keys] for s in sentences]
    )
    # Before→after statements are results; "以前…" alone is a pain point; money is economics; a named
    # supplier or implementer belongs to the technical solution, which must name it.
    results, pains, money = keys.index("成效"), keys.index("痛点"), keys.index("经济性")
    solution = keys.index("技术方案")
    for i, sentence in enumerate(sentences):
        text = sentence.text
        quantities = [q for q in extract_quantities(text) if q.is_metric]
        table_pair = "|" in text and len(quantities) == 2 and len({(q.kind, q.unit) for q in quantities}) == 1
        if (
            extract_changes(text)
            or table_pair
            or (_PROBLEM_WORDS.search(text) and _RESULT_WORDS.search(text))
        ):
            cue_scores[i][results] += 1.0
        elif _RESULT_WORDS.search(text) and quantities:
            cue_scores[i][results] += 0.6
        elif _PROBLEM_WORDS.search(text):
            cue_scores[i][pains] += 0.4
        if any(q.kind == "money" for q in quantities):
            cue_scores[i][money] += 0.5
        if _ORG.search(text):
            cue_scores[i][solution] += 0.8
        if _is_period(text):
            cue_scores[i][results] += 1.0
    return keys, similarity + cue_scores


def describing_passages(facts: SceneFacts, sentences_per_passage: int = 3) -> list[str]:
    """The scene's statements as passages of a few each, labels and chatter already left out by the
    fact reader: what the drafter maps to 环节/场景, one vote per passage."""
    usable = [s.text for s in facts.statements if len(s.text) >= 8]
    usable += [f"{p.metric}由{p.before}变为{p.after}" for p in facts.pairs]
    usable += [f"{i.system}" for i in facts.implementers if len(i.system) >= 4]
    # A month-by-month log is no statement of the draft, yet its columns (非计划停机, 故障次数) say what the scene is about
    usable += [n.text for n in facts.caveats if n.reason == SERIES]
    step = sentences_per_passage
    passages = ["。".join(usable[i : i + step])[:EMBED_CHARS] for i in range(0, len(usable), step)]
    return passages or [facts.instance_name or "智能工厂场景"]


_PERIOD_CUE = re.compile(r"统计周期|统计口径|统计期间|对比|同比|同期")


def _is_period(text: str) -> bool:
    """A statement of the period results are measured over (统计周期：2023年全年对比2024年全年)."""
    return bool(_PERIOD_CUE.search(text)) and any(
        q.kind in ("year", "date") for q in extract_quantities(text)
    )


_TITLE_WORDS = re.compile(
    r"^关于.{0,20}材料|的材料（|素材|申报材料|初稿|草稿|整理|汇总|记录|纪要|口述|碰头会|聊天"
)
MAX_TITLE_CHARS = 40


def is_label(text: str) -> bool:
    """A banner, heading, name label or the notes' own title line: never a statement of a part."""
    text = text.strip()
    if _HEADING.match(text):
        return True
    return (
        len(text) <= MAX_TITLE_CHARS
        and bool(_TITLE_WORDS.search(text))
        and not any(q.is_metric for q in extract_quantities(text))
    )
