"""Prompt templates kept as files in prompts/: YAML front matter, then ``## system`` and ``## user``.

Rendering is strict: a variable the template uses but the caller did not give is an error, and
so is a variable given but unused (it usually means a typo in the template).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.errors import ConfigError
from assistant.paths import PROMPTS_DIR

_SECTION = re.compile(r"^## (system|user)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    variables: tuple[str, ...]
    system: str
    user: str

    @property
    def id(self) -> str:
        return f"{self.name}@v{self.version}"

    def fields(self) -> set[str]:
        names = set()
        for text in (self.system, self.user):
            names.update(f for _, f, _, _ in string.Formatter().parse(text) if f)
        return names

    def render(self, **values: str) -> tuple[str, str]:
        used = self.fields()
        missing = used - values.keys()
        unused = values.keys() - used
        if missing or unused:
            raise ConfigError(f"提示词 {self.id} 变量不符：缺少 {sorted(missing)}，多余 {sorted(unused)}")
        return self.system.format(**values), self.user.format(**values)


def _parse(path: Path) -> Prompt:
    text = path.read_text(encoding="utf-8")
    m = re.match(r"^---\n(.*?)\n---\n(.*)$", text, re.DOTALL)
    if not m:
        raise ConfigError(f"提示词文件 {path} 缺少开头的 --- 元数据块")
    meta = yaml.safe_load(m.group(1)) or {}
    parts = _SECTION.split(m.group(2))
    sections = {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    if "user" not in sections:
        raise ConfigError(f"提示词文件 {path} 缺少 ## user 段")
    prompt = Prompt(
        name=str(meta.get("name", path.stem)),
        version=str(meta.get("version", "1")),
        variables=tuple(meta.get("variables", [])),
        system=sections.get("system", ""),
        user=sections["user"],
    )
    if set(prompt.variables) != prompt.fields():
        raise ConfigError(
            f"提示词文件 {path} 声明的变量 {sorted(prompt.variables)} 与正文 {sorted(prompt.fields())} 不一致"
        )
    return prompt


@lru_cache(maxsize=32)
def load_prompt(name: str, directory: Path = PROMPTS_DIR) -> Prompt:
    path = directory / f"{name}.md"
    if not path.exists():
        raise ConfigError(f"找不到提示词文件：{path}")
    return _parse(path)


def all_prompts(directory: Path = PROMPTS_DIR) -> list[Prompt]:
    return [_parse(p) for p in sorted(directory.glob("*.md")) if p.name != "README.md"]
