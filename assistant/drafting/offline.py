"""The offline drafter: a deterministic first draft with no LLM.

Sentences of the material are assigned to the part they serve (cue words plus embedding similarity
to each part's purpose), sentences carrying figures and supplier names are preferred, and each
part is filled up to its limit on sentence boundaries. Every sentence is the writer's own, so
every figure is traceable by construction; what is missing becomes a precise question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from assistant.drafting.material import Material, Sentence
from assistant.models import PART_KEYS, PartKey, Scene, SceneParts
from assistant.requirements import load_requirements
from assistant.text import count_words, extract_changes, extract_quantities

CUES_FILE = Path(__file__).with_name("part_cues.yaml")
FILL_RATIO = 0.9  # leave the writer a little room under each limit
MIN_SCORE = 0.2
_NOISE = re.compile(
    r"食堂|午餐|早餐|停车|团建|下次碰头|会议室|参会|联系电话|电话[:：]|手机[:：]|微信群|请假|生日|快递"
    r"|没关系|无关|别写|不要写|不用写|顺便记|别外发|宣传材料|报价单\s*编号|编号\s*[A-Z]"
)
_SPEAKER = re.compile(r"^[\u4e00-\u9fff]{1,5}[:：]\s*")
_RESULT_WORDS = re.compile(
    r"现在|目前|上线后|投用后|建成后|改造后|实施后|同比|降至|提升至|提高到|减少到|缩短到|→"
)
_PROBLEM_WORDS = re.compile(r"以前|之前|原来|过去|改造前")
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


def _embed(texts: list[str], is_query: bool) -> np.ndarray:
    from assistant.knowledge.embeddings import E5Embeddings

    model = E5Embeddings()
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


def score_sentences(sentences: list[Sentence]) -> np.ndarray:
    """(sentences × parts) scores: cue hits plus similarity to each part's purpose."""
    cues = _part_cues()
    purposes = _embed([cues[k].purpose for k in PART_KEYS], is_query=True)
    vectors = _embed([s.text for s in sentences], is_query=False)
    similarity = vectors @ purposes.T  # e5 vectors are normalised
    similarity = (similarity - similarity.mean()) / (similarity.std() + 1e-6) * 0.15
    cue_scores = np.array(
        [[min(3, sum(c in s.text for c in cues[k].cues)) * 0.2 for k in PART_KEYS] for s in sentences]
    )
    # Before→after statements are results; "以前…" alone is a pain point; money is economics.
    results, pains, money = PART_KEYS.index("成效"), PART_KEYS.index("痛点"), PART_KEYS.index("经济性")
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
    return similarity + cue_scores


def draft_offline(material: Material, domain: str, link: str, scene: str, instance: str) -> Scene:
    req = load_requirements()
    sentences = [s for s in material.sentences if not _NOISE.search(s.text) and len(s.text) >= 6]
    parts: dict[PartKey, list[str]] = {k: [] for k in PART_KEYS}
    if sentences:
        scores = score_sentences(sentences)
        for i, sentence in enumerate(sentences):
            best = int(np.argmax(scores[i]))
            key = PART_KEYS[best]
            if scores[i][best] < MIN_SCORE:
                continue
            has_figure = any(q.is_metric for q in extract_quantities(sentence.text))
            if key in ("成效", "经济性") and not has_figure:
                continue  # results and economics without a figure add words, not evidence
            parts[key].append(_clean(sentence.text))
    filled = SceneParts()
    for spec in req.parts:
        budget = int(spec.limit * FILL_RATIO)
        chosen: list[str] = []
        candidates = parts[spec.key]  # type: ignore[index]
        # Prefer sentences with figures or named suppliers, then keep the material's order.
        ranked = sorted(
            range(len(candidates)),
            key=lambda j: (
                -(
                    any(q.is_metric for q in extract_quantities(candidates[j]))
                    or bool(_ORG.search(candidates[j]))
                ),
                j,
            ),
        )
        picked: set[int] = set()
        for j in ranked:
            if count_words("".join(candidates[k] for k in sorted(picked | {j}))) <= budget:
                picked.add(j)
        chosen = [candidates[k] for k in sorted(picked)]
        setattr(filled, spec.key, "".join(chosen))
    return Scene(domain=domain, link=link, scene=scene, instance=instance, parts=filled)
