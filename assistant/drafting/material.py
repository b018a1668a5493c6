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


def split_sentences(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    for line_no, line in enumerate(text.splitlines(), 1):
        for piece in _SENTENCE_END.split(line):
            piece = piece.strip(" \t>*-|#")
            if len(piece) >= 2:
                sentences.append(Sentence(index=len(sentences) + 1, line=line_no, text=piece))
    return sentences


def _fact_sheet_text(data: object, prefix: str = "") -> list[str]:
    """A YAML/JSON fact sheet as lines ``键：值`` so figures keep their labels."""
    lines: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            label = f"{prefix}{key}"
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


def load_material(path: Path) -> Material:
    suffix = path.suffix.lower()
    raw = read_text(path)
    if suffix in (".yaml", ".yml", ".json"):
        try:
            data = json.loads(raw) if suffix == ".json" else yaml.safe_load(raw)
        except (json.JSONDecodeError, yaml.YAMLError) as err:
            raise InputError(f"{path.name} 不是有效的 {suffix[1:].upper()} 文件：{err}") from err
        raw = "\n".join(_fact_sheet_text(data))
    return material_from_text(raw, name=path.name)
