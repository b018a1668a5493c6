"""The figure guard: every number in a draft must come from the writer's material.

A draft figure passes if it is a figure of the material (same value, compatible unit), or follows
by simple arithmetic — difference, ratio, percentage change, sum — from a *related* pair in the
material: the before/after values of one indicator (由A提升至B, 从A减少到B), or two figures of the
same dimension in one sentence (the parts of one total, an investment and its yearly saving).
Arithmetic over any two numbers of the material is deliberately not allowed: with thirty numbers
that would accept about a third of all figures by chance.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass

from assistant.drafting.facts import ONE_OFF, QUOTE_VOID, SceneFacts
from assistant.drafting.material import Material
from assistant.text.quantities import Quantity, extract_changes, extract_quantities

_INVESTMENT_WORDS = re.compile(r"总投资|投资|投入|合计|总计|共计|一共|总共|报价|造价|费用")
_RETURN_WORDS = re.compile(r"节约|节省|效益|收益|增收|减少损失|损失减少|降本|省下|少花|一年|每年|年均|全年")
# A line stating more figures than this is a table or a list of unrelated facts, not one comparison.
MAX_FIGURES_PER_LINE = 4
_DURATION_SECONDS = {
    "年": 365 * 86400,
    "个月": 30 * 86400,
    "月": 30 * 86400,
    "周": 7 * 86400,
    "天": 86400,
    "个工作日": 86400,
    "小时": 3600,
    "个小时": 3600,
    "h": 3600,
    "hr": 3600,
    "hrs": 3600,
    "分钟": 60,
    "min": 60,
    "秒": 1,
    "秒钟": 1,
    "s": 1,
}


def _first_figure(text: str) -> Quantity | None:
    """The figure of a pair's value, a bare number (a table cell "32") included."""
    found = [q for q in extract_quantities(text) if q.is_metric or q.kind == "plain"]
    return found[0] if found else None


def _first_metric(text: str) -> Quantity | None:
    found = [q for q in extract_quantities(text) if q.is_metric]
    return found[0] if found else None


# One unit, two spellings: 千瓦时 and kWh measure alike (the value is already in the unit as written).
_UNIT_ALIASES = {"千瓦时": "kWh", "度": "kWh", "kwh": "kWh", "立方米": "m³", "平方米": "m²", "㎡": "m²",
                 "吨": "t", "公斤": "kg", "千克": "kg", "米": "m", "毫米": "mm", "千米": "km"}  # fmt: skip


def dimension(q: Quantity) -> str:
    """What a figure measures, coarsely: figures compare only within one dimension."""
    if q.kind in ("percent", "fraction"):
        return "percent"
    if q.kind == "points":
        return "points"
    if q.kind == "measure":
        unit = _UNIT_ALIASES.get(q.unit.lstrip("万亿"), q.unit.lstrip("万亿"))
        return "measure:" + unit.lstrip("千")
    return q.kind  # money, count, duration, multiple, year, date, plain


_PER_HUNDRED = {"‰": 0.1, "‱": 0.01}  # 千分之八 is 0.8%, 万分之五 0.05%


def base_value(q: Quantity) -> float:
    if q.kind == "duration":
        return q.value * _DURATION_SECONDS.get(q.unit, 1)
    return q.value * _PER_HUNDRED.get(q.unit, 1.0)


def _decimals(q: Quantity) -> int:
    digits = "".join(ch for ch in q.text if ch.isdigit() or ch == ".")
    return len(digits.split(".", 1)[1]) if "." in digits else 0


def _tolerance(q: Quantity) -> float:
    """Half a unit of the last digit shown (``26%`` covers 25.5–26.5), in base units."""
    step = 10 ** (-_decimals(q)) / 2
    scale = base_value(q) / q.value if q.value else 1.0
    if q.kind == "money" and q.text.endswith(("万元", "万")):
        scale = 1e4
    if q.kind == "money" and "亿" in q.text:
        scale = 1e8
    return step * scale + 1e-9


def _date_key(text: str) -> str:
    """2024年4月 / 2024-04 / 2024.4 all name the same month."""
    return "-".join(str(int(n)) for n in re.findall(r"\d+", text))


@dataclass
class Allowed:
    dimension: str
    value: float  # in base units
    source: str
    raw: float | None = None  # the number as written, for figures stated in the material
    unit: str = ""  # as written, so 1套 is traced to a 1套 of the material rather than to a 1台


@dataclass
class FigureCheck:
    figure: Quantity
    ok: bool
    source: str  # where in the material, or the arithmetic that derives it
    derived: bool = False  # True when accepted by arithmetic rather than stated in the material

    @property
    def value(self) -> str:
        return self.figure.text


_SHARE_WORDS = re.compile(r"其中|占|比例|比重")


def _shares(quantities: list[Quantity], where: str) -> list[Allowed]:
    """A part over its whole, when one sentence states both (…共3,412条，其中215条…占6.3%)."""
    metric = [q for q in quantities if q.is_metric and q.kind not in ("percent", "points", "fraction")]
    if len(metric) > MAX_FIGURES_PER_LINE:
        return []
    out = []
    for a, b in itertools.permutations(metric, 2):
        if dimension(a) == dimension(b) and 0 < a.value < b.value:
            out.append(Allowed("percent", a.value / b.value * 100, f"{a.text}占{b.text}的比例（{where}）"))
    return out


_TOTAL_WORDS = re.compile(r"合计|共计|总计|一共|总共|加起来|分别|其中|累计")


def _derived(a: Quantity, b: Quantity, where: str, sums: bool = False, payback: bool = True) -> list[Allowed]:
    """Simple arithmetic on one related pair (a = before/first, b = after/second)."""
    da, db = dimension(a), dimension(b)
    va, vb = base_value(a), base_value(b)
    out: list[Allowed] = []
    if da != db:
        return out
    label = f"{a.text}与{b.text}（{where}）"
    # Shares (a/b as a percentage) are left out on purpose: with percentage changes they would cover
    # most two-digit percentages of a rich material and let invented ones through.
    out.append(Allowed("points" if da == "percent" else da, abs(va - vb), f"{label}之差"))
    if sums and da != "percent":  # only figures a total is made of add up; a before and an after do not
        out.append(Allowed(da, va + vb, f"{label}之和"))
    if va:
        change = abs(vb - va) / va * 100
        out.append(Allowed("percent", change, f"由{a.text}到{b.text}的变化幅度（{where}）"))
        out.append(Allowed("multiple", vb / va, f"{b.text}是{a.text}的倍数（{where}）"))
    if vb:
        out.append(Allowed("multiple", va / vb, f"{a.text}是{b.text}的倍数（{where}）"))
        if da == "money" and payback:  # an investment over its yearly saving: the payback period in years
            out.append(
                Allowed(
                    "duration", va / vb * _DURATION_SECONDS["年"], f"{a.text}÷{b.text}的回收期（{where}）"
                )
            )
    if va and da == "money" and payback:
        out.append(
            Allowed("duration", vb / va * _DURATION_SECONDS["年"], f"{b.text}÷{a.text}的回收期（{where}）")
        )
    return out


_WAN_CONTEXT = re.compile(r"_wan\b|\bwan\b|万元|（万）|\(万\)|单位[:：]?\s*万")


def _comparable(allowed: Allowed, dim: str) -> bool:
    """Same dimension; or an amount in 元 against a bare 万/亿 count the writer wrote ("省了40万")."""
    if allowed.dimension == dim:
        return True
    return {allowed.dimension, dim} == {"money", "count"} and allowed.unit == ""


def _parent_keys(material: Material, sentence) -> str:
    """The keys a fact sheet's line is nested under ("annual_benefit_wan:" above "  labor: 72"), by
    indentation in the file as written; empty for a line that is not indented."""
    line = material.raw_lines.get(sentence.key, "")
    indent = len(line) - len(line.lstrip(" "))
    keys = []
    for n in range(sentence.line - 1, 0, -1):
        if indent == 0:
            break
        above = material.raw_lines.get((sentence.file, n), "")
        depth = len(above) - len(above.lstrip(" "))
        if above.strip() and depth < indent and above.rstrip().endswith(":"):
            keys.append(above.strip())
            indent = depth
    return " ".join(keys)


_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4}


def _months_named(word: str) -> set[int]:
    """ "上半年" → 1–6, "三季度"/"Q3" → 7–9: "2024年上半年" in the material supports "2024年1—6月"."""
    if word.startswith(("上", "下")):
        return set(range(1, 7)) if word.startswith("上") else set(range(7, 13))
    quarter = _QUARTER.get(word[0]) or int(word[-1])
    return set(range(3 * quarter - 2, 3 * quarter + 1))


_FIRST_DAY = re.compile(r"((?:19|20)\d{2})年(\d{1,2})月\d{1,2}日\s*(?:[—–~～-]|至|到)\s*$")


def _second_day(text: str, q: Quantity) -> str:
    """ "2025年6月24日—26日": the 26 is 2025年6月26日, its year and month said once before it."""
    if text[q.end : q.end + 1] != "日" or not (first := _FIRST_DAY.search(text[: q.start])):
        return ""
    return f"{first[1]}年{first[2]}月{q.text}日" if q.text.isdigit() else ""


class FigureGuard:
    """Built once per material and its facts; checks any number of drafts."""

    def __init__(self, material: Material, facts: SceneFacts | None = None) -> None:
        self.allowed: list[Allowed] = []
        self.texts: dict[str, str] = {}  # year/date text → where
        self.year_months: dict[int, tuple[set[int], str]] = {}  # year → months named beside it, where
        by_line: dict[tuple[str, int], list[Quantity]] = {}
        total_lines = {s.key for s in material.sentences if _TOTAL_WORDS.search(s.text)}
        # Lines the writer set aside and figures a correction made void support nothing.
        set_aside = [n.text for n in facts.excluded if n.reason not in (ONE_OFF, QUOTE_VOID)] if facts else []
        # A superseded quotation's rows lose their prices, not their specifications (臂展1.4m).
        priced_out = [n.text for n in facts.excluded if n.reason == QUOTE_VOID] if facts else []
        void = set(facts.superseded) if facts else set()
        for sentence in material.sentences:
            if any(sentence.text.rstrip("。") in text for text in set_aside):
                continue
            quantities = [q for q in extract_quantities(sentence.text) if q.text not in void]
            if any(sentence.text.rstrip("。") in text for text in priced_out):
                quantities = [q for q in quantities if q.kind not in ("money", "plain")]
            for dotted in re.finditer(r"((?:19|20)\d{2})\.(\d{1,2})(?!\d)", sentence.text):  # 2025.3
                seen = self.year_months.setdefault(int(dotted.group(1)), (set(), sentence.where))
                seen[0].add(int(dotted.group(2)))
            for m in re.finditer(
                r"(?<![\d.])(?:19|20)\d{2}\.\d{1,2}\s*[–—~-]\s*(?:(?:19|20)\d{2}\.)?(\d{1,2})", sentence.text
            ):
                year = int(m.group(0)[:4])
                self.year_months.setdefault(year, (set(), sentence.where))[0].update(
                    range(
                        int(m.group(0)[5:].split("–")[0].split("—")[0].split("-")[0].split("~")[0] or 1),
                        int(m.group(1)) + 1,
                    )
                )
            for year in {int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", sentence.text)}:
                months = {
                    int(m)
                    for m in re.findall(
                        r"(?<!\d)(\d{1,2})(?=\s*(?:[、,，—–~-]\s*\d{1,2}\s*)?月)", sentence.text
                    )
                }
                months |= {
                    int(m)
                    for m in re.findall(r"(?<!\d)(\d{1,2})\s*[、,，—–~-]\s*\d{1,2}\s*月", sentence.text)
                }
                # "2025年3、4、5三个月": months listed after the year
                for listed in re.finditer(
                    rf"{year}\s*年\s*((?:\d{{1,2}}\s*[、,，]\s*)+\d{{1,2}})", sentence.text
                ):
                    months |= {int(n) for n in re.findall(r"\d+", listed.group(1))}
                for half in re.finditer(
                    rf"{year}\s*年\s*(?:度)?\s*(上半年|下半年|[一二三四1-4]季度|Q[1-4])", sentence.text
                ):
                    months |= _months_named(half.group(1))
                known = self.year_months.setdefault(year, (set(), sentence.where))
                known[0].update(m for m in months if 1 <= m <= 12)
            by_line.setdefault(sentence.key, []).extend(
                q for q in quantities if q.kind not in ("year", "date", "plain")
            )
            for q in quantities:
                if q.kind in ("year", "date"):
                    # 2024-04-01 in the material also supports "2024年4月" in the draft.
                    parts = _date_key(q.text).split("-")
                    for n in range(1, len(parts) + 1):  # 2024-01-01 also supports "2024年"
                        self.texts.setdefault("-".join(parts[:n]), sentence.where)
                    if len(parts) >= 2 and 1 <= int(parts[1]) <= 12:  # 2025-03~2025-08 is "2025年3月—8月"
                        self.year_months.setdefault(int(parts[0]), (set(), sentence.where))[0].add(
                            int(parts[1])
                        )
                unit = q.unit
                if (
                    q.kind == "plain"
                    and (
                        _WAN_CONTEXT.search(sentence.text)
                        or _WAN_CONTEXT.search(_parent_keys(material, sentence))
                        # "实际投资构成（万元）：A 498；B 386；…": the line's heading speaks for each of its sentences
                        or _WAN_CONTEXT.search(material.raw_lines.get(sentence.key, "")[:40])
                    )
                ):
                    unit = "万"  # the line, or the key it is listed under, says its bare numbers are in 万元
                self.allowed.append(
                    Allowed(dimension(q), base_value(q), f"{sentence.where}：{q.text}", q.value, unit)
                )
            for change in extract_changes(sentence.text):
                self.allowed += _derived(change.before, change.after, sentence.where)
            if _SHARE_WORDS.search(sentence.text):
                self.allowed += _shares(quantities, sentence.where)
        # With facts, the payback is the one the facts relate (total investment ÷ yearly returns); the
        # ratio of every money pair would cover a range of payback periods by chance.
        paybacks = facts is None
        if paybacks:
            self._investment_pairs(material)
        # Figures of one dimension on one short line are parts of one total or one comparison.
        for (file, line), metric in by_line.items():
            if len(metric) > MAX_FIGURES_PER_LINE:
                continue
            where = f"{file}第{line}行" if file else f"材料第{line}行"
            for a, b in itertools.combinations(metric, 2):
                if dimension(a) == dimension(b):
                    self.allowed += _derived(a, b, where, sums=(file, line) in total_lines, payback=paybacks)
        if facts:
            self._from_facts(facts)

    def _from_facts(self, facts: SceneFacts) -> None:
        """What the facts relate wherever the material states it: the two values of one indicator (also
        across lines and sheets), the parts of one investment or of the yearly returns, and the payback;
        and the figure a correction says is right ("应为82%，不是78%")."""
        for right in facts.corrected.values():
            if q := _first_figure(right):
                self.allowed.append(
                    Allowed(dimension(q), base_value(q), f"材料中的更正：{right}", q.value, q.unit)
                )
        for pair in facts.pairs:
            a, b = _first_figure(pair.before), _first_figure(pair.after)
            if a and b:
                self.allowed += _derived(a, b, f"{pair.metric}（{pair.source}）")
                for q in (a, b):
                    self.allowed.append(
                        Allowed(dimension(q), base_value(q), f"{pair.source}：{q.text}", q.value, q.unit)
                    )
        for group, label in ((facts.investment_items, "投资各项"), (facts.returns, "各项年收益")):
            amounts = [q for a in group if (q := _first_metric(a.amount))]
            if len(amounts) >= 2 and {q.kind for q in amounts} <= {"money", "count"}:
                total = sum(q.value for q in amounts)
                self.allowed.append(Allowed("money", total, f"{label}之和"))
        invest = _first_metric(facts.investment_total.amount) if facts.investment_total else None
        if invest is None and facts.investment_items:
            amounts = [q for a in facts.investment_items if (q := _first_metric(a.amount))]
            invest = (
                amounts[0].model_copy(update={"value": sum(q.value for q in amounts)}) if amounts else None
            )
        gains = [q for a in facts.returns if (q := _first_metric(a.amount))]
        gain_total = _first_metric(facts.returns_total.amount) if facts.returns_total else None
        gain_value = gain_total.value if gain_total else sum(q.value for q in gains)
        if invest and gain_value:
            # A saving net of what it cost ("省了920万元，扣除投入380万元后净节约540万元").
            self.allowed.append(Allowed("money", abs(gain_value - invest.value), "年收益与投资之差"))
            self.allowed.append(
                Allowed(
                    "duration", invest.value / gain_value * _DURATION_SECONDS["年"], "总投资÷年收益的回收期"
                )
            )
            counted = sum(q.value for q in gains)
            if gains and not math.isclose(counted, gain_value, rel_tol=1e-6):
                # a stated 合计 that still holds a doubted return: the payback over the returns that stand
                self.allowed.append(
                    Allowed(
                        "duration",
                        invest.value / counted * _DURATION_SECONDS["年"],
                        "总投资÷各项年收益之和的回收期",
                    )
                )

    def _investment_pairs(self, material: Material) -> None:
        """An investment and its yearly return are a related pair wherever they are stated: their ratio is
        the payback period. Only money stated next to investment words pairs with money stated next to
        return words, so this adds a handful of values, not every ratio of the material."""
        investments: list[tuple[Quantity, str]] = []
        returns: list[tuple[Quantity, str]] = []
        for sentence in material.sentences:
            for q in extract_quantities(sentence.text):
                if q.kind != "money":
                    continue
                before = sentence.text[max(0, q.start - 4) : q.start]
                after = sentence.text[q.end : q.end + 3]
                # A sentence about yearly benefit states returns, unless a figure is itself called 投资.
                if (
                    _RETURN_WORDS.search(sentence.text) and not _INVESTMENT_WORDS.search(before)
                ) or after.startswith(("/年", "／年", "每年")):
                    returns.append((q, sentence.where))
                elif _INVESTMENT_WORDS.search(sentence.text):
                    investments.append((q, sentence.where))
        for (inv, where_inv), (ret, where_ret) in itertools.product(investments, returns):
            if ret.value:
                self.allowed.append(
                    Allowed(
                        "duration",
                        inv.value / ret.value * _DURATION_SECONDS["年"],
                        f"投资{inv.text}（{where_inv}）÷年收益{ret.text}（{where_ret}）的回收期",
                    )
                )

    def check(self, text: str) -> list[FigureCheck]:
        """Every figure of ``text`` with its source, or why it has none."""
        results = []
        for q in extract_quantities(text):
            said = _second_day(text, q) or q.text
            if q.kind in ("year", "date") or said != q.text:
                where = self.texts.get(_date_key(said)) or self._months_of_year(said)
                results.append(FigureCheck(q, where is not None, where or "材料中没有这个年份/日期"))
                continue
            results.append(self._match(q))
        return results

    def _months_of_year(self, text: str) -> str | None:
        """ "2024年11月" when the material wrote "去年（2024年）11月", "2024年1—2月" for "2024年1、2月": the
        year and every month named stand in one sentence of the material."""
        numbers = [int(n) for n in re.findall(r"\d+", text)]
        if numbers and numbers[0] <= 12:  # a month without its year: named beside some year of the material
            return next((where for months, where in self.year_months.values() if numbers[0] in months), None)
        if not numbers or numbers[0] < 1900:
            return None
        # "2025年9月10日" names one month and a day; "2024年1—2月" two months
        named = numbers[1:2] if "日" in text or re.search(r"\d{4}-\d{1,2}-\d{1,2}", text) else numbers[1:3]
        year, months = numbers[0], [n for n in named if 1 <= n <= 12]
        seen = self.year_months.get(year)
        if seen and months and all(m in seen[0] for m in months):
            return seen[1]
        return None

    def _match(self, q: Quantity) -> FigureCheck:
        dim, value, tol = dimension(q), base_value(q), _tolerance(q)
        # A figure stated in the material beats an arithmetic explanation of it, and one stated with the
        # same unit beats one that merely has the same value and dimension.
        for allowed in sorted(self.allowed, key=lambda a: (a.raw is None, a.unit != q.unit)):
            if _comparable(allowed, dim) and math.isclose(allowed.value, value, rel_tol=1e-9, abs_tol=tol):
                return FigureCheck(q, True, allowed.source, derived=allowed.raw is None)
            # A bare number on either side (a table cell "5", a draft's "提升至82") matches as written.
            if (
                (dim == "plain" or allowed.dimension == "plain")
                and allowed.raw is not None
                and math.isclose(allowed.raw, q.value, rel_tol=1e-9, abs_tol=1e-9)
            ):
                return FigureCheck(q, True, allowed.source)
            # The difference of two bare numbers whose unit a sibling field names (改造前1085, 改造后1012,
            # unit: kWh/t) is the draft's "降低73千瓦时/吨"; money and shares keep their own scales.
            if (
                allowed.dimension == "plain"
                and allowed.raw is None
                and q.kind not in ("money", "percent", "points")
                and math.isclose(allowed.value, q.value, rel_tol=1e-9, abs_tol=1e-9)
            ):
                return FigureCheck(q, True, allowed.source, derived=True)
            # A bare number stated in 万 by its line or key ("cost_wan: 252", "金额（万元）", "315, 万元")
            # is the draft's "252万元".
            if (
                allowed.dimension == "plain"
                and allowed.raw is not None
                and q.kind == "money"
                and allowed.unit == "万"
                and math.isclose(allowed.raw * 1e4, q.value, rel_tol=1e-9, abs_tol=1.0)
            ):
                return FigureCheck(q, True, allowed.source)
        return FigureCheck(q, False, "材料中找不到，也不能由材料中相关的一对数字算出")

    def invented(self, text: str) -> list[FigureCheck]:
        return [c for c in self.check(text) if not c.ok]
