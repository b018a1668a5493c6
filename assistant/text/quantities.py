"""The figures a Chinese text states: numbers with their units, and before→after changes.

Used by the reviewer (is 成效 quantified? does 经济性 give money?) and by the drafter's figure
guard (does every figure of a draft come from the writer's material?). Chinese numerals are
read with ``cn2an``. A year or a date is recorded but is not a metric; neither are list numbers,
clause numbers, standard codes, model names (``S7-1500``, ``5G``) or maturity levels (``二级``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

import cn2an
from pydantic import BaseModel

Kind = Literal[
    "percent",
    "points",
    "fraction",
    "multiple",
    "money",
    "count",
    "duration",
    "measure",
    "year",
    "date",
    "plain",
]
METRIC_KINDS: frozenset[str] = frozenset(
    {"percent", "points", "fraction", "multiple", "money", "count", "duration", "measure"}
)

# Full-width digits and signs become half-width one for one, so offsets stay valid.
_FULLWIDTH = str.maketrans("０１２３４５６７８９％．，＋－／：", "0123456789%.,+-/:")

_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
# "四十七万一年" is 四十七万 a year: a 一 before a time word starts the next words, it is no digit.
_CHINESE = rf"(?:(?![万千亿]一[年天月周日季])[{_CN_DIGITS}])+(?:点[{_CN_DIGITS}]+)?"

# Units, longest first within each kind so 万元 wins over 万.
_UNITS: list[tuple[Kind, list[str]]] = [
    ("points", ["个百分点", "百分点"]),
    ("percent", ["%", "‰", "‱"]),
    ("money", ["亿元", "万元", "千元", "元", "万美元", "美元"]),
    (
        "duration",
        [
            "个工作日",
            "年",
            "个小时",
            "小时",
            "分钟",
            "秒钟",
            "秒",
            "个月",
            "天",
            "周",
            "hrs",
            "hr",
            "h",
            "min",
            "s",
        ],
    ),
    (
        "count",
        [
            "人次",
            "人",
            "名",
            "台套",
            "台",
            "套",
            "条",
            "个",
            "项",
            "件",
            "pcs",
            "PCS",
            "批次",
            "批",
            "次",
            "起",
            "单",
            "家",
            "种",
            "款",
            "张",
            "颗",
            "只",
            "块",
            "把",
            "辆",
            "道",
            "类",
            "处",
            "型",
            "工位",
            "岗位",
            "根",
            "份",
            "炉",
            "锭",
            "托",
            "箱",
            "罐",
            "卷",
            "匹",
            "盘",
            "片",
            "瓶",
            "袋",
            "桶",
            "组",
            "笔",
            "层",
            "座",
            "栋",
            "间",
            "所",
            "户",
        ],
    ),
    (
        "measure",
        [
            "万平方米",
            "平方米",
            "m²",
            "㎡",
            "立方米",
            "m³",
            "吨",
            "t",
            "千克",
            "公斤",
            "kg",
            "克",
            "g",
            "千瓦时",
            "kWh",
            "度",
            "千瓦",
            "kW",
            "兆瓦",
            "MW",
            "米",
            "mm",
            "μm",
            "um",
            "cm",
            "km",
            "m",
            "℃",
            "dB",
            "GB",
            "TB",
            "Mbps",
            "Gbps",
            "ppm",
            "PPM",
            "kg/h",
            "mg/m³",
            "mg/m3",
            "mg/Nm³",
            "mg/L",
            "μg/m³",
            "t/h",
            "tce",
            "吨标准煤",
            "标准煤",
        ],
    ),
]
_UNIT_ALT = "|".join(re.escape(u) for u in sorted({u for _, us in _UNITS for u in us}, key=len, reverse=True))
_UNIT_KIND = {u: kind for kind, us in _UNITS for u in us}
# Word-like units may glue onto a following Chinese noun; "度" etc. also has other meanings.
_AMBIGUOUS_UNITS = {"度", "道", "类", "型", "处", "个", "种", "次", "名", "起", "单", "s", "m", "g", "t", "h"}

_NUMBER = re.compile(
    rf"(?P<num>{_ARABIC}|{_CHINESE})\s?(?P<approx>余|多)?(?P<mult>万|亿|千(?!瓦|克|米|帕|伏|元))?\s?(?P<unit>{_UNIT_ALT}|成|倍)?"
)
# Fraction words: 一半, 三分之一, 翻倍/翻番/翻一番.
_FRACTION_WORDS = re.compile(
    rf"(?P<frac>(?P<den>[{_CN_DIGITS}\d]+)分之(?P<numr>[{_CN_DIGITS}\d]+)|一半|近半|过半|翻倍|翻番|翻(?P<fan>[一两二三])番)"
)
# Percentages in words: 百分之三十, 百分之八十五点五, 百分之10, 千分之三 (百分之百 is 100%).
_PERCENT_WORDS = re.compile(rf"(?P<per>百分之|千分之|万分之)(?P<num>{_ARABIC}|{_CHINESE})")
_YEAR_AFTER = re.compile(r"^\s?(年度?|年底|年初|年末|年起|年以来|年间|年—|年-|年~|年至|年)")
_MONTH = r"(?:1[0-2]|0?[1-9])"
_DATE = re.compile(
    # A span of months (2024年1–6月, 2023年3月至12月) is one statistics period, not two figures.
    rf"(?:19|20)\d{{2}}年{_MONTH}月?\s?[-–—~～至到]\s?{_MONTH}月"
    # 2024年3月 needs its 月: "2024年11次" is a year and a count, not November.
    rf"|(?:19|20)\d{{2}}年{_MONTH}月(?:(?:3[01]|[12]\d|0?[1-9])日)?"
    rf"|(?:19|20)\d{{2}}[-./]{_MONTH}(?:[-./](?:3[01]|[12]\d|0?[1-9])日?)?(?![\d])|\d{{1,2}}月\d{{1,2}}日"
    rf"|(?<![\d.]){_MONTH}\s?[-–—~～至到]\s?{_MONTH}月"
)
_LIST_NUMBER_BEFORE = re.compile(r"(第|（|\(|No\.|NO\.|编号|序号|[A-Za-z_/-])$")
_LIST_NUMBER_AFTER = re.compile(r"^(）|\)|、|\.(?!\d)|级|期|号|条|款|版|代|寸|[A-Za-z])")
_LATIN_UNITS = "pcs|PCS|hrs|hr|h|min|s|kg|mg|g|t|m|mm|cm|km|kW|kWh|MW|GB|TB|dB|ppm|PPM|Mbps|Gbps|um|tce"
_IDENTIFIER = re.compile(
    r"(?:GB|ISO|IEC|IATF|JB|HG|YY|QC|SH|SJ|DB|DL|JJG|JJF|SN|EN|ASTM|DIN|JIS|ANSI|IEEE|UL|TSG|NB|AQ|HJ|GBZ)"
    r"(?:/[A-Z])?\s?\d+(?:[-.:]\d+)*"  # standard codes: GB/T 39116-2020, ISO 9001
    r"|[A-Za-z]+[-/]?\d+(?:[-/.]\d+)*[A-Za-z]*"  # model names: S7-1500, X86
    rf"|\d+(?!(?:{_LATIN_UNITS})(?![A-Za-z]))[A-Za-z]+\d*"  # 5G, 3D — but 1.4h and 45mg/m³ are figures
)


class Quantity(BaseModel):
    text: str
    value: float
    unit: str = ""
    kind: Kind
    start: int
    end: int

    @property
    def is_metric(self) -> bool:
        return self.kind in METRIC_KINDS


class Change(BaseModel):
    """A before→after pair of one indicator, e.g. 由65%提升至82%, 从5人减少至2人."""

    before: Quantity
    after: Quantity
    verb: str
    text: str

    @property
    def delta(self) -> float:
        return self.after.value - self.before.value

    @property
    def relative(self) -> float | None:
        """Relative change in percent ((after − before) / before × 100)."""
        return None if self.before.value == 0 else self.delta / self.before.value * 100


def normalize_digits(text: str) -> str:
    return text.translate(_FULLWIDTH)


@lru_cache(maxsize=4096)
def _chinese_value(token: str) -> float | None:
    try:
        return float(cn2an.cn2an(token, "smart"))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def _number_value(token: str) -> float | None:
    if re.fullmatch(_ARABIC, token):
        return float(token.replace(",", ""))
    return _chinese_value(token)


_HALF_UNITS = {"年", "天", "小时", "个月", "周", "分钟"}
_MULTIPLIER = {"千": 1e3, "万": 1e4, "亿": 1e8}
# 单 and 起 count orders and incidents, unless they begin a word (单元, 单价, 起步, 起点).
_GLUED_AFTER = {"单": "元位价耗独据线班件", "起": "来步点始止飞草重见"}
_ZERO_COUNTS = {"起", "次", "人", "台", "个", "例", "单"}
_WORDLIKE_ONE = {
    "项",
    "起",
    "单",
    "个",
    "种",
    "次",
    "类",
    "道",
    "处",
    "型",
    "名",
    "批次",
    "批",
    "卷",
    "度",
    "块",
    "张",
    "份",
    "组",
    "笔",
}
_MONEY_CONTEXT = re.compile(
    r"投资|投入|投了|花了|花费|费用|成本|节约|节省|省了|省下|省|收益|效益|增效|增收|损失|金额|报价|合同|造价|价格|单价|资金|钱"
    r"|产值|营收|收入|利润|税|合计|总计|一共|共计|预算|采购|付款|元|谈下来|价"
)


def _classify(text: str, m: re.Match[str], value: float, unit: str) -> Kind | None:
    """The kind of a matched number, or None when it is not a figure at all."""
    start, end = m.start(), m.end()
    before, after = text[max(0, start - 4) : start], text[end : end + 4]
    num = m.group("num")
    arabic = re.fullmatch(_ARABIC, num) is not None
    if before.endswith("第") or re.search(r"第\s*\d+\s*[—–~～至到-]\s*$", text[max(0, start - 8) : start]):
        return None  # an ordinal: 第3条, 第二批, and both ends of 第23—35周
    if re.match(r"[:：]\d{2}(?!\d)", after) or re.search(r"\d[:：]$", before):
        return None  # a time of day: 每日8:30
    if re.fullmatch(r"(?:19|20)\d{2}", num) and (unit == "年" or _YEAR_AFTER.match(after)):
        return "year"
    if (
        unit == "年"
        and not arabic
        and not (
            after.startswith("半") or re.search(r"回收期|回本|收回", before) or re.search(r"回本|收回", after)
        )
    ):
        return None  # 近三年, 三年行动: prose, not a duration figure; 回收期两年半 is one
    if unit == "个月" and after.startswith("台"):
        return "count"  # 3个月台: three platforms, not three months
    if unit == "成":
        return "fraction" if value <= 10 and not m.group("mult") else None
    if unit == "倍":
        return "multiple"
    if unit:
        kind = _UNIT_KIND[unit]
        # “二级”, “三台设备” are fine, but a Chinese numeral glued to a word (一体化, 一个平台) is prose.
        if not arabic and value <= 1 and unit in _WORDLIKE_ONE and not (value == 0 and unit in {"起", "次"}):
            return None  # 一卷一码, 一批次, 一度, 一个平台: a word, not a figure
        if unit in _AMBIGUOUS_UNITS and re.match(r"^[A-Za-z]", after):
            return None
        if num in ("零", "〇") and unit not in _ZERO_COUNTS:
            return None  # 零件, 零部件: a word; 零起, 零次 are counts
        if after[:1] and after[0] in _GLUED_AFTER.get(unit, ""):
            return None  # 3单元, 两起步: the unit's character starts the next word
        return kind
    if (
        arabic
        and not m.group("mult")
        and 1 <= value <= 12
        and re.match(r"月(?!份数)", after)
        and "." not in num
    ):
        return "date"  # "3月起正式投用": a month named without its year
    if m.group("mult"):
        # Writers say "投资250万", "省了40万": a bare 万/亿 beside money words is an amount in 元.
        if _MONEY_CONTEXT.search(text[max(0, start - 12) : start]) or after.startswith(
            ("/年", "／年", "每年")
        ):
            return "money"
        return "count"
    if _LIST_NUMBER_BEFORE.search(before) or _LIST_NUMBER_AFTER.match(after):
        return None
    if not arabic and len(num) >= 2 and re.fullmatch(r".*[一二两三四五六七八九十].*[万亿]", num):
        # "码上通四十八万，锐标五十六万": an amount said in words, like "48万" (千万 and 万一 are words).
        return "money" if _MONEY_CONTEXT.search(text[max(0, start - 12) : start]) else "count"
    if not arabic:
        return None  # a bare Chinese numeral (一, 三) is a word far more often than a figure
    return "plain"


def extract_quantities(text: str) -> list[Quantity]:
    """Every figure in ``text``, in order; years and dates included but marked as such."""
    norm = normalize_digits(text)
    found: list[Quantity] = []
    # Characters already claimed by an earlier match; a mask keeps each check proportional to the
    # match's length (a list of spans made a 10,000-paragraph 成效 take minutes).
    claimed = bytearray(len(norm) + 1)

    def claim(a: int, b: int) -> None:
        claimed[a:b] = b"\x01" * (b - a)

    def free(a: int, b: int) -> bool:
        return not any(claimed[a:b])

    # Codes and model names first: the 2023-11 inside contract number JC-2023-1106 is not a date.
    for m in _IDENTIFIER.finditer(norm):
        if not _DATE.fullmatch(m.group()):
            claim(m.start(), m.end())
    for m in _DATE.finditer(norm):
        if not free(m.start(), m.end()):
            continue
        found.append(
            Quantity(text=text[m.start() : m.end()], value=0, kind="date", start=m.start(), end=m.end())
        )
        claim(m.start(), m.end())
    # Before the fraction words, whose 分之 would otherwise try 百 as a denominator and give up.
    for m in _PERCENT_WORDS.finditer(norm):
        if not free(m.start(), m.end()):
            continue
        num = m.group("num")
        value = 100.0 if num == "百" else _number_value(num)
        if value is None:
            continue
        unit = {"百分之": "%", "千分之": "‰", "万分之": "‱"}[m.group("per")]
        found.append(
            Quantity(
                text=text[m.start() : m.end()],
                value=value,
                unit=unit,
                kind="percent",
                start=m.start(),
                end=m.end(),
            )
        )
        claim(m.start(), m.end())
    for m in _FRACTION_WORDS.finditer(norm):
        if not free(m.start(), m.end()):
            continue
        word = m.group("frac")
        if m.group("den"):
            den, numr = _number_value(m.group("den")), _number_value(m.group("numr"))
            if not den or numr is None:
                continue
            q = Quantity(
                text=word, value=numr / den * 100, unit="%", kind="fraction", start=m.start(), end=m.end()
            )
        elif word in {"一半", "近半", "过半"}:
            q = Quantity(text=word, value=50, unit="%", kind="fraction", start=m.start(), end=m.end())
        else:
            times = {"一": 2, "两": 4, "二": 4, "三": 8}.get(m.group("fan") or "一", 2)
            q = Quantity(text=word, value=times, unit="倍", kind="multiple", start=m.start(), end=m.end())
        found.append(q)
        claim(m.start(), m.end())
    for m in _NUMBER.finditer(norm):
        if not free(m.start(), m.end()):
            continue
        value = _number_value(m.group("num"))
        if value is None:
            continue
        unit = m.group("unit") or ""
        if m.group("mult"):
            value *= _MULTIPLIER[m.group("mult")]
        kind = _classify(norm, m, value, unit)
        if kind is None:
            continue
        if kind == "fraction":
            value, unit = value * 10, "%"
        if m.group("mult") and unit and unit not in {"万元", "亿元", "元"}:
            unit = m.group("mult") + unit
        end = m.end()
        if unit in _HALF_UNITS and norm[end : end + 1] == "半" and free(end, end + 1):
            value, end = value + 0.5, end + 1  # 一天半, 两年半: said, not written as 1.5
        found.append(
            Quantity(
                text=text[m.start() : end].strip(),
                value=value,
                unit=unit,
                kind=kind,
                start=m.start(),
                end=end,
            )
        )
        claim(m.start(), end)
    return sorted(found, key=lambda q: q.start)


# A comma between digits is a thousands separator ("由3,200平方米减少至1,150平方米"), not a clause break;
# a bracket after the new value opens an aside, no part of it.
_CHANGE = re.compile(
    r"(?:由|从)(?P<before>(?:[^，。；,;由从]|(?<=\d),(?=\d{3}))"
    r"{1,24}?)(?P<verb>提升|提高|增加|增长|上升|缩短|减少|降低|下降|降|升|压缩|优化|减|增)"
    r"(?:到|至|为)(?P<after>(?:[^，。；,;（(]|(?<=\d),(?=\d{3})){1,24})"
)


def extract_changes(text: str) -> list[Change]:
    """Before→after pairs written as 由A提升至B / 从A减少到B (the template's own example shape)."""
    changes: list[Change] = []
    for m in _CHANGE.finditer(text):
        before = [q for q in extract_quantities(m.group("before")) if q.is_metric or q.kind == "plain"]
        after = [q for q in extract_quantities(m.group("after")) if q.is_metric or q.kind == "plain"]
        if not before or not after:
            continue
        b, a = before[-1], after[0]
        if not b.unit and a.unit:
            b = b.model_copy(update={"unit": a.unit, "kind": a.kind})
        if not a.unit and b.unit:
            a = a.model_copy(update={"unit": b.unit, "kind": b.kind})
        changes.append(Change(before=b, after=a, verb=m.group("verb"), text=m.group(0)))
    return changes


def has_metric(text: str) -> bool:
    """True if ``text`` states at least one quantified indicator (a year or date alone is not one)."""
    return bool(extract_changes(text)) or any(q.is_metric for q in extract_quantities(text))
