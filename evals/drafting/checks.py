"""What a writer would check in a draft, against a set's hand-written gold (facts.yaml).

Used for the sets whose gold lists the instance name, implementers, before/after pairs, period,
investment, returns, payback and the figures or notes that must stay out (d13 on): no leaked field
names or brackets, the given name used, every implementer named in 技术方案, every pair and its
period in 成效, the money in 经济性, nothing superseded or unrelated.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from assistant.models import Scene
from assistant.text import extract_quantities

# Field names, Python/JSON fragments, arrows and bracket marks that must never reach a 申报书.
_LEAK = re.compile(
    r"\b[a-z]+_[a-z_]+\b|[{}\[\]<>→←]|'[^']*'\s*:|\"[^\"]*\"\s*:|【(?!待补充】)|(?<!【待补充)】|\?\?|（待命名）"
)


def material_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith("material"))


def _numbers(text: str) -> list[float]:
    """Every figure's value in one scale: 40万 and 40万元 and 四十万元 are one number."""
    return [q.value for q in extract_quantities(text) if q.kind not in ("year",)]


def _has_figure(text: str, figure: str) -> bool:
    wanted = _numbers(figure)
    if not wanted:
        return figure in text
    found = _numbers(text)
    return all(any(abs(w - f) <= max(1e-6, abs(w) * 1e-6) for f in found) for w in wanted)


def _core_name(name: str) -> str:
    """公司动力部 / 本公司设备部 / 企业信息部 → 动力部 / 设备部 / 信息部; full company names unchanged."""
    return re.sub(r"^(?:本公司|公司|企业|我们|本厂)", "", name)


def _sheet_keys(folder: Path) -> list[str]:
    import json

    import yaml

    keys: list[str] = []

    def walk(data: object) -> None:
        if isinstance(data, dict):
            for key, value in data.items():
                if re.fullmatch(r"[A-Za-z_]{4,}", str(key)):
                    keys.append(str(key))
                walk(value)
        elif isinstance(data, list):
            for item in data:
                walk(item)

    for path in material_files(folder):
        if path.suffix in (".yaml", ".yml"):
            walk(yaml.safe_load(path.read_text(encoding="utf-8")))
        elif path.suffix == ".json":
            walk(json.loads(path.read_text(encoding="utf-8")))
    return keys


def _instance_key(name: str) -> str:
    """A project's form name ("…管控系统建设项目") and the instance it names ("…管控系统") are one name: the
    trailing 建设项目/项目 says what kind of paper it was written on, not which scene it is."""
    return re.sub(r"(?:技术改造|技改|建设)?项目$", "", name.strip())


def score(scene: Scene, gold: dict[str, Any], folder: Path) -> dict[str, Any]:
    """Per check: passed (1/0) or a share; and what failed, for the report."""
    parts = dict(scene.parts.items())
    whole = "".join(parts.values())
    failures: list[str] = []
    # "【待补充：公司中文全称】" is the gap marker the prompt asks for, with what is missing said in it
    marked = re.sub(r"【待补充[^【】]{0,30}】", "", whole)
    leaks = _LEAK.findall(marked) + [k for k in _sheet_keys(folder) if k in whole]
    if leaks:
        failures.append(f"字段名/括号/箭头：{leaks[:5]}")
    instance_ok = _instance_key(scene.instance) == _instance_key(gold["instance_name"])
    if not instance_ok:
        failures.append(f"实例名：{scene.instance} ≠ {gold['instance_name']}")
    implementers = gold.get("implementers") or []
    named = [i for i in implementers if _core_name(i["name"]) in parts["技术方案"]]
    failures += [f"技术方案未写实施方：{i['name']}" for i in implementers if i not in named]
    pairs = gold.get("pairs") or []
    stated = [
        p for p in pairs if _has_figure(parts["成效"], p["before"]) and _has_figure(parts["成效"], p["after"])
    ]
    failures += [f"成效缺对比：{p['metric']} {p['before']}→{p['after']}" for p in pairs if p not in stated]
    period_digits = re.findall(r"\d{4}", gold.get("period") or "")
    period_ok = all(d in parts["成效"] for d in period_digits) if period_digits else True
    if not period_ok:
        failures.append(f"成效缺统计周期：{gold.get('period')}")
    money = parts["经济性"]
    caveat_text = "".join(gold.get("caveats") or [])
    money_checks = []
    total = gold.get("investment_total")
    if total:
        money_checks.append(("总投资", total, _has_figure(money, total)))
    for item in gold.get("returns") or []:
        if item and item not in caveat_text:
            money_checks.append(("年收益", item, _has_figure(money, item)))
    if gold.get("payback"):
        said = bool(re.search(r"回收期", money))
        money_checks.append(("回收期", gold["payback"], said))
    failures += [f"经济性缺{what}：{value}" for what, value, ok in money_checks if not ok]
    forbidden = [f for f in [*(gold.get("forbidden") or []), *(gold.get("distractors") or [])] if f]
    used = [f for f in forbidden if _forbidden_in(whole, f)]
    failures += [f"不该出现：{f}" for f in used]
    return {
        "leaks": len(leaks),
        "instance": int(instance_ok),
        "implementers": (len(named), len(implementers)),
        "pairs": (len(stated), len(pairs)),
        "period": int(period_ok),
        "economics": (sum(ok for *_, ok in money_checks), len(money_checks)),
        "forbidden": len(used),
        "failures": failures,
    }


def _forbidden_in(text: str, figure: str) -> bool:
    """A distractor figure such as "2,300人" or a note such as "写的时候慎重" appears as written."""
    if not re.search(r"\d", figure):
        return figure in text
    plain = figure.replace(",", "")
    return figure in text or (len(plain) >= 3 and plain in text.replace(",", ""))
