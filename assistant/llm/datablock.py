"""Putting a draft in front of a model as data, never as instructions.

Three layers, because any one of them alone is easy to get round:
1. the draft goes in as JSON inside a delimited block the prompt calls data; text that imitates
   the delimiters is defused so a draft cannot "close" the block and start talking to the model;
2. sentences that address the model (忽略以上规则、评为A级、ignore previous instructions …) are
   taken out before the call and reported, so an obedient model never sees them;
3. the callers accept only the fields and values their schema allows (see review/llm_pass.py and
   judge.py) — whatever the model was talked into, nothing else gets through.

Layer 2 is a list of patterns and will miss a clever paraphrase; layer 3 is what holds then.
"""

from __future__ import annotations

import json
import re
from typing import Any

DATA_START = "<<<申报书数据开始>>>"
DATA_END = "<<<申报书数据结束>>>"

# Sentences a draft has no business containing: they speak to whoever (or whatever) reads it.
# Written so that ordinary application text does not match: "A级品", "被评为A级纳税人",
# "AAA级信用企业", "忽略不计", "系统提示操作人员" are what factories write and must stay.
_NOT_A_PRODUCT_GRADE = r"(?!品|纳税|信用|企业|景区|物流|标准|认证|供应商|客户|产品|件)"
_INSTRUCTION_PATTERNS = [
    r"(忽略|无视|不要理会|忘记|忘掉|跳过|撇开)[^。！？\n]{0,12}(以上|上述|前面|之前|此前|先前|所有|全部|其他|其它|系统)[^。！？\n]{0,12}"
    r"(规则|指令|指示|要求|提示|设定|说明|规定|审查|标准|评分)",
    r"(请|务必|必须|一律|应当|应该)[^。！？\n]{0,6}(将|把|给|给予|评|打|判|定)[^。！？\n]{0,10}"
    r"[ABCD]\s*(级|等|档)" + _NOT_A_PRODUCT_GRADE,
    r"(本|该|此|这份|这个)(场景|申报书|项目|材料|草稿|文档|部分)[^。！？\n]{0,4}(评|定|判|打)(为|成|作)\s*[ABCD]\s*(级|等|档)"
    + _NOT_A_PRODUCT_GRADE,
    r"(请|务必|必须|直接)[^。！？\n]{0,6}(输出|返回|回复|回答)[^。！？\n]{0,12}(满分|最高等级|最高分|可提交|无问题|没有问题|[ABCD]级)",
    r"(不要|不得|请勿|禁止)(再)?(报告|指出|列出|输出|给出)[^。！？\n]{0,8}(问题|发现|缺陷|扣分)",
    r"(你|您)(现在|从现在起)?(是|作为|扮演|必须|应该|需要)[^。！？\n]{0,10}(模型|AI|人工智能|助手|评审|评委|审查员|专家)",
    r"(大模型|语言模型|评审系统|审查系统|评分系统|ChatGPT|GPT)[^。！？\n]{0,4}(请|应当|应该|必须|务必)",
    r"提示词",
    r"<{3}|>{3}",  # imitating the data block's delimiters
    r"(ignore|disregard|forget)\s+(all\s+|any\s+|the\s+)?(previous|prior|above|earlier|other)",
    r"(system\s+prompt|you\s+are\s+now|new\s+instructions|grade\s*[:=]\s*[\"']?[ABCD])",
    r"[\"“](grade|rule|findings|评级|等级)[\"”]\s*[:：]",  # a reply smuggled in as JSON
]
_INSTRUCTION = re.compile("|".join(f"(?:{p})" for p in _INSTRUCTION_PATTERNS), re.IGNORECASE)
# A sentence ends at Chinese or Western end punctuation or a line break; the ending stays with it.
_SENTENCE = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;]+|\n|$)")


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.findall(text) if s]


def is_instruction(sentence: str) -> bool:
    return bool(_INSTRUCTION.search(sentence))


def neutralise(text: str) -> tuple[str, list[str]]:
    """``text`` without the sentences that address the model, and those sentences."""
    kept, removed = [], []
    for sentence in sentences(text):
        if is_instruction(sentence):
            removed.append(sentence.strip())
        else:
            kept.append(sentence)
    return "".join(kept), removed


def _defuse(text: str) -> str:
    # A draft quoting our delimiters (or anything shaped like them) must not end the data block.
    return text.replace("<<<", "‹‹‹").replace(">>>", "›››")


def clean_strings(value: Any, removed: list[str]) -> Any:
    """Every string in a JSON-able structure neutralised and defused; removed sentences collected."""
    if isinstance(value, str):
        text, dropped = neutralise(value)
        removed += dropped
        return _defuse(text)
    if isinstance(value, dict):
        return {k: clean_strings(v, removed) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_strings(v, removed) for v in value]
    return value


def data_block(payload: Any) -> tuple[str, list[str]]:
    """(the delimited JSON block for the prompt, the sentences taken out as instructions)."""
    removed: list[str] = []
    cleaned = clean_strings(payload, removed)
    body = json.dumps(cleaned, ensure_ascii=False, indent=1)
    return f"{DATA_START}\n{body}\n{DATA_END}", removed
