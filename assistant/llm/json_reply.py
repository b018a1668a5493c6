"""A model's JSON reply read tolerantly, before ``ask_structured`` (``structured.py``) validates it."""

from __future__ import annotations

import json
import re

from json_repair import loads as repair_loads

from assistant.errors import LLMError


def parse_reply(text: str) -> dict:
    """The model's JSON object, tolerating code fences, prose around it and small syntax slips."""
    cleaned = re.sub(r"^```(?:json)?|```$", "", text.strip(), flags=re.MULTILINE).strip()
    try:
        data = json.loads(cleaned)
    except json.JSONDecodeError:
        data = repair_loads(cleaned)
    if not isinstance(data, dict):
        raise LLMError("模型没有返回可解析的 JSON 对象")
    return data
