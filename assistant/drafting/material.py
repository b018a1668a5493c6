"""The writer's raw material: text from any file (or a YAML/JSON fact sheet), split into located sentences."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from assistant.errors import InputError
from assistant.readers import read_text

_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])|\n+")


@dataclass
class Sentence:
    index: int  # 1-based, in reading order
    line: int  # 1-based line of the material it starts on
    text: str

    @property
    def where(self) -> str:
        return f"材料第{self.line}行"


@dataclass
class Material:
    text: str
    sentences: list[Sentence]
    name: str = "材料"


_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}")  # a Markdown table's |---|---| line


def _cells(line: str) -> list[str] | None:
    """The cells of a table row (Markdown ``| a | b |`` or a Word table read as ``a\tb``), else None."""
    if "\t" in line:
        cells = [c.strip() for c in line.split("\t")]
    elif line.strip().startswith("|") and line.count("|") >= 3:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
    else:
        return None
    return cells if len([c for c in cells if c]) >= 2 else None


def _table_rows_as_statements(lines: list[str]) -> list[str]:
    """Table rows rewritten as statements that keep their column headers.

    A row ``库存准确率 | 96.5% | 99.9%`` under ``指标 | 改造前 | 改造后`` says nothing about which value
    came first; ``库存准确率：改造前96.5%，改造后99.9%`` does, and reads as prose in a draft. The header
    row itself (no figures in it) and Markdown rule lines become empty, keeping line numbers intact.
    """
    from assistant.text import extract_quantities

    out = list(lines)
    header: list[str] | None = None
    for i, line in enumerate(lines):
        cells = _cells(line)
        if cells is None:
            header = None
            continue
        if _TABLE_RULE.match(line):
            out[i] = ""
            continue
        if header is None and not any(q.is_metric for q in extract_quantities(" ".join(cells[1:]))):
            header, out[i] = cells, ""
            continue
        names = header if header and len(header) == len(cells) else [""] * len(cells)
        if names[0] in _ROW_NUMBER_HEADERS:  # 序号 1, 2, 3… labels nothing
            cells, names = cells[1:], names[1:]
        # "label，…" rather than "label：…": a short label before a colon reads as a speaker's name.
        said = [_cell_statement(n, v) for n, v in zip(names[1:], cells[1:], strict=True) if v]
        out[i] = "，".join([cells[0], *said] if cells[0] else said)
    return out


_ROW_NUMBER_HEADERS = {"序号", "编号", "序", "No", "NO", "No.", "#"}
_UNIT_IN_HEADER = re.compile(r"^(.+?)[（(]([^）)]{1,8})[）)]$")
_BARE_NUMBER = re.compile(r"^[\d,.]+$")


def _cell_statement(name: str, value: str) -> str:
    """``金额（万元）`` + ``1,850`` → ``金额1,850万元``: the header's unit goes with a bare number."""
    unit = _UNIT_IN_HEADER.match(name)
    if unit and _BARE_NUMBER.match(value):
        return f"{unit.group(1)}{value}{unit.group(2)}"
    return f"{name}{value}"


def split_sentences(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    for line_no, line in enumerate(_table_rows_as_statements(text.splitlines()), 1):
        for piece in _SENTENCE_END.split(line):
            piece = piece.strip(" \t>*-|#")
            if len(piece) >= 2:
                sentences.append(Sentence(index=len(sentences) + 1, line=line_no, text=piece))
    return sentences


_BEFORE_KEYS = ("改造前", "实施前", "建设前", "上线前", "以前", "原来", "before")
_AFTER_KEYS = ("改造后", "实施后", "建设后", "上线后", "现在", "目前", "after")
# Labels that group facts rather than name one: "指标·库存周转天数" says no more than "库存周转天数".
# The value is what each grouped label still needs ("平台软件" under 供应商 → "平台软件供应商").
_GROUP_KEYS = {
    "指标": "",
    "数据": "",
    "效果": "",
    "成效": "",
    "运行数据": "",
    "做法": "",
    "建设内容": "",
    "投资": "",
    "收益": "",
    "供应商": "供应商",
    "实施单位": "实施单位",
}


def _comparison(label: str, value: dict) -> str | None:
    """``{改造前: 42天, 改造后: 26天}`` under a label → ``库存周转天数由改造前42天变为改造后26天``."""
    before = next((value[k] for k in value if str(k).lower() in _BEFORE_KEYS), None)
    after = next((value[k] for k in value if str(k).lower() in _AFTER_KEYS), None)
    if before is None or after is None:
        return None
    return f"{label}由改造前{before}变为改造后{after}"


def _fact_sheet_text(data: object, prefix: str = "") -> list[str]:
    """A YAML/JSON fact sheet as lines ``键：值`` so figures keep their labels."""
    lines: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            label = f"{prefix}{key}"
            if isinstance(value, dict) and (said := _comparison(str(key), value)):
                lines.append(said)
                continue
            if str(key) in _GROUP_KEYS and isinstance(value, dict):
                suffix = _GROUP_KEYS[str(key)]
                lines += _fact_sheet_text({f"{k}{suffix}": v for k, v in value.items()}, prefix)
                continue
            if str(key) in _GROUP_KEYS and isinstance(value, list):
                lines += _fact_sheet_text(value, prefix)
                continue
            if isinstance(value, dict | list):
                lines += _fact_sheet_text(value, f"{label}·")
            else:
                lines.append(f"{label}：{value}")
    elif isinstance(data, list):
        for item in data:
            lines += _fact_sheet_text(item, prefix)
    else:
        lines.append(f"{prefix.rstrip('·')}：{data}" if prefix else str(data))
    return lines


def material_from_text(text: str, name: str = "材料") -> Material:
    if not text.strip():
        raise InputError("材料为空：请粘贴文字或上传文件（.txt/.md/.docx/.pdf/.yaml/.json）")
    return Material(text=text, sentences=split_sentences(text), name=name)


def _where(err: Exception) -> str:
    """Where a JSON/YAML file broke, in one line: the parsers' own messages span several."""
    line = getattr(err, "lineno", None)
    mark = getattr(err, "problem_mark", None)
    if mark is not None:
        line = mark.line + 1
    return f"第{line}行附近格式有误" if line else "格式有误"


def load_material(path: Path) -> Material:
    suffix = path.suffix.lower()
    raw = read_text(path)
    if suffix in (".yaml", ".yml", ".json"):
        try:
            data = json.loads(raw) if suffix == ".json" else yaml.safe_load(raw)
        except (json.JSONDecodeError, yaml.YAMLError) as err:
            raise InputError(f"{path.name} 不是有效的 {suffix[1:].upper()} 文件（{_where(err)}）") from err
        raw = "\n".join(_fact_sheet_text(data))
    return material_from_text(raw, name=path.name)
