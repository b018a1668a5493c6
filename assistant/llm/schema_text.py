"""What a model is told about a response model: the reply's shape, and what was wrong with a reply.

Both come from the pydantic model itself — its JSON schema and field descriptions — so the prompt
can never drift from what ``ask_structured`` validates. The text is Chinese and compact: a JSON
skeleton the model can copy, then one line per field with its type, limits and description.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ValidationError

_TYPE_NAMES = {
    "string": "字符串",
    "integer": "整数",
    "number": "数字",
    "boolean": "true/false",
    "object": "对象",
    "array": "数组",
}


def reply_format(model: type[BaseModel]) -> str:
    """The reply's shape as prompt text: a skeleton, then each field with its description."""
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})
    skeleton = json.dumps(_skeleton(schema, defs), ensure_ascii=False)
    lines = ["只输出一个 JSON 对象，不要输出其他文字。格式：", skeleton, "各字段："]
    lines += _field_lines(schema, defs, depth=0)
    return "\n".join(lines)


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """The node with a ``$ref`` followed and an optional (``X | None``) reduced to ``X``."""
    if "$ref" in node:
        target = defs[node["$ref"].rsplit("/", 1)[-1]]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    options = [o for o in node.get("anyOf", []) if o.get("type") != "null"]
    if len(options) == 1:
        rest = {k: v for k, v in node.items() if k != "anyOf"}
        node = {**_resolve(options[0], defs), **rest}
    return node


def _skeleton(node: dict[str, Any], defs: dict[str, Any]) -> Any:
    node = _resolve(node, defs)
    if "enum" in node:
        return "/".join(str(v) for v in node["enum"])
    kind = node.get("type")
    if kind == "object" and "properties" in node:
        return {name: _skeleton(sub, defs) for name, sub in node["properties"].items()}
    if kind == "object":
        values = node.get("additionalProperties")
        return {"…": _skeleton(values, defs) if isinstance(values, dict) else "…"}
    if kind == "array":
        return [_skeleton(node.get("items", {}), defs)]
    if kind in ("integer", "number"):
        return node.get("minimum", 0)
    return False if kind == "boolean" else "…"


def _type_name(node: dict[str, Any]) -> str:
    if "enum" in node:
        return "、".join(str(v) for v in node["enum"]) + " 之一"
    kind = node.get("type", "")
    if kind == "array":
        items = node.get("items", {})
        inner = _TYPE_NAMES.get(items.get("type", ""), "对象")
        return f"{inner}数组"
    return _TYPE_NAMES.get(kind, "值")


def _limits(node: dict[str, Any]) -> list[str]:
    limits = []
    if "minLength" in node:
        limits.append(f"至少{node['minLength']}个字符")
    if "minItems" in node:
        limits.append(f"至少{node['minItems']}项")
    if "maxItems" in node:
        limits.append(f"至多{node['maxItems']}项")
    if "minimum" in node and "maximum" in node:
        limits.append(f"{node['minimum']}–{node['maximum']}")
    elif "minimum" in node:
        limits.append(f"不小于{node['minimum']}")
    elif "maximum" in node:
        limits.append(f"不大于{node['maximum']}")
    return limits


def _field_lines(node: dict[str, Any], defs: dict[str, Any], depth: int) -> list[str]:
    node = _resolve(node, defs)
    if node.get("type") == "array":
        node = _resolve(node.get("items", {}), defs)  # an array of objects: describe one item
    lines = []
    for name, sub in node.get("properties", {}).items():
        sub = _resolve(sub, defs)
        head = "，".join([_type_name(sub), *_limits(sub)])
        description = sub.get("description", "")
        lines.append(f"{'  ' * depth}- {name}（{head}）" + (f"：{description}" if description else ""))
        lines += _field_lines(sub, defs, depth + 1)
    return lines


# What pydantic's error types mean, said to the model; anything else falls back to pydantic's own words.
_CORRECTIONS = {
    "missing": "缺少该字段",
    "string_type": "应为字符串",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为数组",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "literal_error": "只能取 {expected}",
    "enum": "只能取 {expected}",
    "too_short": "至少需要 {min_length} 项",
    "string_too_short": "至少需要 {min_length} 个字符",
    "too_long": "至多 {max_length} 项",
    "greater_than_equal": "应不小于 {ge}",
    "less_than_equal": "应不大于 {le}",
    "extra_forbidden": "不是约定的字段，请删去",
}


def corrections(err: ValidationError) -> list[str]:
    """One Chinese line per validation error, naming the field path (``parts.描述``, ``findings.0.section``)."""
    lines = []
    for error in err.errors(include_url=False):
        where = ".".join(str(p) for p in error["loc"])
        template = _CORRECTIONS.get(error["type"])
        if template is not None:
            try:
                ctx = {k: str(v).replace(" or ", " 或 ") for k, v in (error.get("ctx") or {}).items()}
                what = template.format(**ctx)
            except (KeyError, IndexError):
                what = error["msg"]
        elif error["type"] == "value_error":
            what = str((error.get("ctx") or {}).get("error", error["msg"]))
        else:
            what = error["msg"]
        if not where:  # about the reply as a whole (a model validator): echoing it would say nothing
            lines.append(what)
            continue
        shown = "" if error["type"] == "missing" else json.dumps(error["input"], ensure_ascii=False)[:40]
        lines.append(f"字段 {where}：{what}" + (f"（收到 {shown}）" if shown else ""))
    return lines
