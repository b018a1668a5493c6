"""The writer's raw material: text from one or several files, split into located sentences.

A YAML/JSON fact sheet keeps its own text (comments included, for line references and the model's
prompt) and its parsed data, from which ``facts.extract_facts`` reads the facts by key; nothing here
turns a sheet's keys into prose.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from assistant.errors import InputError
from assistant.readers import read_text
from assistant.text.dates import RELATIVE_YEAR, document_year, written_dates
from assistant.text.revisions import as_revised
from assistant.text.simplify import to_simplified
from assistant.text.units import written_units

# "客户(江铃?)来审核": a question mark inside brackets marks a doubt, not a sentence's end.
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])(?![）)])|\n+")


@dataclass
class Sentence:
    index: int  # 1-based, in reading order
    line: int  # 1-based line of its file
    text: str
    file: str = ""  # the file it came from, when the material is several files

    @property
    def where(self) -> str:
        return f"{self.file}第{self.line}行" if self.file else f"材料第{self.line}行"

    @property
    def key(self) -> tuple[str, int]:
        return (self.file, self.line)


@dataclass
class FactSheet:
    """A YAML/JSON fact sheet as parsed, with its text and the comments on each line."""

    name: str
    data: object
    text: str
    comments: dict[int, str] = field(default_factory=dict)  # line → comment text


@dataclass
class Material:
    text: str
    sentences: list[Sentence]
    name: str = "材料"
    sheets: list[FactSheet] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    raw_lines: dict[tuple[str, int], str] = field(default_factory=dict)  # (file, line) → the line as written


def _raw_lines(text: str, file: str = "") -> dict[tuple[str, int], str]:
    return {(file, n): line for n, line in enumerate(text.splitlines(), 1)}


_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}")  # a Markdown table's |---|---| line


def _cells(line: str) -> list[str] | None:
    """The cells of a table row (Markdown ``| a | b |`` or a Word table read as ``a\tb``), else None."""
    if "\t" in line:
        cells = [c.strip() for c in line.split("\t")]
    elif line.strip().startswith("|") and line.count("|") >= 3:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
    else:
        return None
    cells = [re.sub(r"^(\*\*|__)(.*)\1$", r"\2", c) for c in cells]  # "**150**" in a Markdown total row
    return cells if len([c for c in cells if c]) >= 2 else None


_HEADER_CELL_MAX = 14


def _is_key_value(cells: list[str]) -> bool:
    """``委托单位 | 鹰潭鑫箔电子材料有限公司`` opens a form of label and value, not a table under headers:
    a column header is a short name, never a company, a sentence or a figure (``总投资（万元） | 1,480``)."""
    filled = [c for c in cells if c]
    return len(filled) == 2 and (
        len(filled[1]) > _HEADER_CELL_MAX or bool(re.search(r"公司|[，。；、]|\d", filled[1]))
    )


def _table_rows_as_statements(lines: list[str]) -> list[str]:
    """Table rows rewritten as statements that keep their column headers.

    A row ``库存准确率 | 96.5% | 99.9%`` under ``指标 | 改造前 | 改造后`` says nothing about which value
    came first; ``库存准确率：改造前96.5%，改造后99.9%`` does, and reads as prose in a draft. The header
    row itself (no figures in it) and Markdown rule lines become empty, keeping line numbers intact.
    """
    from assistant.text import extract_quantities

    out = list(lines)
    header: list[str] | None = None
    in_form = False
    money_unit = ""  # "项目资金使用情况表（单位：万元）": the unit of the table's bare amounts
    after_total = False
    lead = ""  # the line a table follows ("导入前13周数据：", "对策实施后连续13周：")
    for i, line in enumerate(lines):
        cells = _cells(line)
        if cells is None:
            header, in_form = None, False
            stated = _TABLE_UNIT.search(line)
            money_unit = stated.group(1) if stated else ("" if line.strip() else money_unit)
            lead = line if line.strip() else lead
            continue
        if _TABLE_RULE.match(line):
            out[i] = ""
            continue
        # "13周均值", "2024年实际值": a column's name may hold a number; a value does not end in such words.
        # "活动前（2024年第23—35周）": a period in a name's brackets is no figure either.
        valued = [re.sub(r"[（(][^）)]*[）)]", "", c) for c in cells[1:] if not _NAME_END.search(c)]
        no_figures = not any(q.is_metric for q in extract_quantities(" ".join(valued)))
        filled = len([c for c in cells if c])
        # A form of labels and values goes on row by row; a row of more names starts the table below it.
        in_form = (in_form and filled == 2) or (header is None and _is_key_value(cells))
        if header is not None and filled > 2 and len(cells) != len(header) and not re.search(r"\d", line):
            header = None
        # A row of names after a total row ("资金来源 | 金额" below "合计 | 325") heads another table.
        names_only = not any(re.search(r"\d", c) for c in cells[1:])  # "资金来源 | 金额", not "其中… | 582"
        if (header is None or (after_total and names_only)) and no_figures and not in_form:
            header, out[i], after_total = cells, "", False
            continue
        # "改造前（24年Q2+Q3）": a period in brackets is no figure of a row.
        unbracketed = re.sub(r"[（(][^）)]*[）)]", "", " ".join(cells[1:]))
        sub_header = not any(q.is_metric for q in extract_quantities(unbracketed))
        if header is not None and sub_header and not cells[0] and not out[i - 1]:
            # A second header row under merged cells ("月均值" over "改造前 | 改造后"): its names win, and a
            # merged name carries over the empty cells to its right.
            header = _merged_header(header, cells)
            out[i] = ""
            continue
        if header and len(cells) < len(header):  # a row whose last cells (备注…) were left empty
            cells = cells + [""] * (len(header) - len(cells))
        names = header if header and len(header) == len(cells) else [""] * len(cells)
        if (at := next((j for j, n in enumerate(names) if j and _INDICATOR_HEADER.match(n)), 0)) and cells[
            at
        ]:
            # "效益指标 | 社会效益指标 | 车辆满载率 | …": the columns before the indicator's name classify it
            cells, names = cells[at:], names[at:]
        if any(_SPENT_HEADER.search(n) for n in names):  # a budget beside what was spent is no cost
            names = [f"{n}（预算）" if _BUDGET_HEADER.search(n) else n for n in names]
        if planned := [
            j for j, n in enumerate(names) if j and (_PLAN_HEADER.search(n) or _BOOKKEEPING_HEADER.search(n))
        ]:
            # "可研目标 | 实际达成": a target column is no result; the row keeps what was achieved.
            cells = [c for j, c in enumerate(cells) if j not in planned]
            names = [n for j, n in enumerate(names) if j not in planned]
        if names[0] in _ROW_NUMBER_HEADERS:  # 序号 1, 2, 3… labels nothing
            cells, names = cells[1:], names[1:]
        # A 单位 column belongs to every bare number of its row: "改造前6小时", not "单位小时，改造前6";
        # a long cell under 单位名称 names a company, not a unit.
        if unit_at := next(
            (j for j, n in enumerate(names) if n in _UNIT_HEADERS and _UNIT_CELL.match(cells[j])), None
        ):
            unit = cells[unit_at]
            cells = [
                f"{c}{unit}" if _BARE_NUMBER.match(c) else c for j, c in enumerate(cells) if j != unit_at
            ]
            names = [n for j, n in enumerate(names) if j != unit_at]
        if (row_unit := _unit_of(cells[0])) is not None:
            # "仓储人员(人) | 64 | 29": the row's unit goes with its bare numbers ("64人", "29人") in the
            # columns whose header names no unit of its own (a 金额（万元） column keeps 万元).
            cells = [
                row_unit.group(1),
                *(
                    f"{c}{row_unit.group(2)}" if _BARE_NUMBER.match(c) and not _unit_of(n) else c
                    for n, c in zip(names[1:], cells[1:], strict=True)
                ),
            ]
        if any(_AVERAGE_HEADER.search(n) for n in names):  # "周最低 | 周最高 | 13周均值": the mean stands
            cells = [c for j, c in enumerate(cells) if not (j and _SPREAD_HEADER.search(names[j]))]
            names = [n for j, n in enumerate(names) if not (j and _SPREAD_HEADER.search(n))]
        names = _side_of_lead(_one_side_named(_baseline_as_before(_periods_as_sides(names))), lead)
        if money_unit and not _names_own_unit(cells[0]):  # "回收期（年） | 3.1": the row's own unit
            cells = [
                f"{c}{money_unit}" if j and _BARE_NUMBER.match(c) and _MONEY_HEADER.search(n) else c
                for j, (n, c) in enumerate(zip(names, cells, strict=True))
            ]
        # "label，…" rather than "label：…": a short label before a colon reads as a speaker's name.
        said = [_cell_statement(n, v) for n, v in zip(names[1:], cells[1:], strict=True) if v]
        if in_form and header is None and len(said) == 1 and cells[0]:
            out[i] = f"{cells[0]}：{said[0]}"  # a form's "建设内容：…", read as the label it is
            continue
        out[i] = "，".join([cells[0], *said] if cells[0] else said)
        after_total = bool(_TOTAL_ROW.match(next((c for c in cells if c), "")))
    return out


# "（金额单位：万元/年）" over a table of yearly returns: its amounts are in 万元 all the same.
_TABLE_UNIT = re.compile(r"[（(]\s*(?:金额)?单位\s*[:：]\s*(万元|元|千元|亿元)(?:\s*[/／]\s*年)?\s*[）)]")
# 申报数 | 审核数: a returns table's claimed and audited amounts
_MONEY_HEADER = re.compile(
    r"预算|支出|金额|投资|决算|结算|费用|价格|合同价|总价|小计|合计|申报数|审核数|核定数|认定数"
)
_TOTAL_ROW = re.compile(r"^(?:合\s*计|总\s*计|小\s*计)")


def _names_own_unit(label: str) -> bool:
    """``回收期（年）`` states its row in years (``_unit_of`` leaves periods out, for ``实施前(2022年)``);
    ``服务器及云资源（首年）`` and ``检测工位（1#、2#线）`` name no unit."""
    return bool(re.search(r"[（(]\s*(?:年|个月|月|周|天|小时)\s*[）)]$", label))


def _merged_header(top: list[str], sub: list[str]) -> list[str]:
    width = max(len(top), len(sub))
    top, sub = top + [""] * (width - len(top)), sub + [""] * (width - len(sub))
    spanned = []
    for j, name in enumerate(top):
        spanned.append(name or (spanned[j - 1] if j and sub[j] else ""))
    return [below or above for above, below in zip(spanned, sub, strict=True)]


_UNIT_HEADERS = {"单位", "计量单位", "单位名称"}
_UNIT_CELL = re.compile(r"^(?!.*(?:公司|部|中心|课|厂|院|所)).{0,8}$")
_ROW_NUMBER_HEADERS = {"序号", "编号", "序", "No", "NO", "No.", "#"}
_UNIT_IN_HEADER = re.compile(r"^(.+?)[（(]([^）)]{1,8})[）)]$")
_BARE_NUMBER = re.compile(r"^[±+]?[\d,.]+$")
_PLAN_HEADER = re.compile(
    r"目标|计划值|预测|预计|设计值|完成率|达成率|完成比例|（预算）$|^判定$|是否达标|达标情况"
)
# An asset ledger's own columns, and a payment's progress (已付80%, 已付清): bookkeeping, no fact of the scene —
# and its words (付款, 已付) would set the whole row aside as a payment note.
_BOOKKEEPING_HEADER = re.compile(
    r"折旧年限|残值|摊销年限|接收部门|资产编号|付款状态|付款情况|付款进度|支付状态|支付情况|付款方式"
)
_INDICATOR_HEADER = re.compile(r"^(?:三级)?指标(?:名称)?$")
_SPENT_HEADER = re.compile(r"实际支出|实际完成投资|决算|结算|实际投资|实际金额")
_BUDGET_HEADER = re.compile(r"^(?:预算|概算)(?:数|金额|投资)?(?:[（(][^）)]*[）)])?$|^结余")
# A performance table's 基期值 is the before-value and its 实际完成值 the after-value.
_BASELINE_HEADER = re.compile(r"^(?:基期|基准|基线|现状)(?:值|数|年)?")
_ACHIEVED_HEADER = re.compile(r"^(?:实际完成|实际达成|实际|完成|达成)值(?:\s*[（(][^）)]*[）)])?$")


# A column named by its time alone: 去年三季度, 2024年, 24年Q3, 今年1—6月.
_PERIOD_HEADER = re.compile(
    r"^(?:(前年|去年|上年|今年|本年)|((?:19|20)?\d{2})\s*年)(?:度|同期|全年|上半年|下半年|[一二三四1-4]季度|Q[1-4]"
    r"|[\d一二三四五六七八九十]{1,2}\s*(?:[—–~-]|到|至)?\s*[\d一二三四五六七八九十]{0,2}\s*月)?(?:[（(][^）)]*[）)])?$"
)


def _periods_as_sides(names: list[str]) -> list[str]:
    """``指标 | 去年三季度 | 今年三季度``: two columns named by their times compare the earlier (before) with
    the later (after); the row reads "改造前（去年三季度）126小时，改造后（今年三季度）38小时"."""
    times = [(j, m) for j, n in enumerate(names) if j and (m := _PERIOD_HEADER.match(n.strip()))]
    if len(times) != 2:
        return names

    def order(m: re.Match[str]) -> int:  # both relative or both absolute (checked below)
        if m.group(1):
            return RELATIVE_YEAR.get(m.group(1), RELATIVE_YEAR.get(m.group(1) + "度", 0))
        year = int(m.group(2))
        return year if year >= 1900 else 2000 + year

    (a, ma), (b, mb) = times
    if bool(ma.group(1)) != bool(mb.group(1)) or order(ma) == order(mb):
        return names  # one relative and one absolute, or the same year: no telling which came first
    first, second = (a, b) if order(ma) < order(mb) else (b, a)
    out = list(names)
    out[first], out[second] = f"改造前（{names[first].strip()}）", f"改造后（{names[second].strip()}）"
    return out


_NAME_END = re.compile(r"\d[\u4e00-\u9fff]{0,3}(?:均值|平均值?|最低|最高|实际值|目标值|基期值)$")
_AVERAGE_HEADER = re.compile(r"均值|平均")
_SPREAD_HEADER = re.compile(r"最低|最高|最小|最大|极差|^[Mm]in|^[Mm]ax")
_BEFORE_LEAD = re.compile(r"现状|改造前|导入前|实施前|上线前|改善前|活动前|基线|基期")
_AFTER_LEAD = re.compile(r"效果|改造后|导入后|实施后|上线后|改善后|活动后|对策后|投用后")
_SIDE_NAMED = re.compile(r"前|后|现状|目标|实际|基期|基准")


def _side_of_lead(names: list[str], lead: str) -> list[str]:
    """A table of one value column under "导入前13周数据：" holds before-values, under "对策实施后连续13周："
    after-values: its column says so ("改造前（13周均值）"), and a later table's rows of the same names
    complete the pairs."""
    values = [j for j, n in enumerate(names) if j and not _UNIT_HEADERS.intersection([n]) and n != "备注"]
    before, after = bool(_BEFORE_LEAD.search(lead)), bool(_AFTER_LEAD.search(lead))
    if len(values) != 1 or before == after or _SIDE_NAMED.search(names[values[0]]):
        return names
    out = list(names)
    side = "改造前" if before else "改造后"
    out[values[0]] = f"{side}（{names[values[0]]}）" if names[values[0]] else side
    return out


_AFTER_NAMED = re.compile(r"(?:运行|上线|投用|实施|改造|建成|应用|导入)(?:后|以来)")


def _one_side_named(names: list[str]) -> list[str]:
    """``2022—2023年同类项目平均 | 平台运行后5个项目平均``: of two value columns, the one named "after" makes
    the other the "before"."""
    values = [j for j, n in enumerate(names) if j and n and n not in _UNIT_HEADERS and n != "备注"]
    if len(values) != 2 or any(_SIDE_NAMED.search(n) and not _AFTER_NAMED.search(n) for n in names[1:]):
        return names
    after = [j for j in values if _AFTER_NAMED.search(names[j])]
    if len(after) != 1:
        return names
    before = next(j for j in values if j != after[0])
    out = list(names)
    out[before], out[after[0]] = f"改造前（{names[before]}）", f"改造后（{names[after[0]]}）"
    return out


def _baseline_as_before(names: list[str]) -> list[str]:
    """``基期值(2023年) | 实际完成值`` reads "改造前（2023年）71%，改造后86%"."""
    before = [j for j, n in enumerate(names) if j and _BASELINE_HEADER.match(n.strip())]
    after = [j for j, n in enumerate(names) if j and _ACHIEVED_HEADER.match(n.strip())]
    if len(before) != 1 or len(after) != 1:
        return names
    out = list(names)
    when = re.search(r"[（(]([^）)]+)[）)]", names[before[0]])
    out[before[0]] = f"改造前（{when.group(1)}）" if when else "改造前"
    when_after = re.search(r"[（(]([^）)]+)[）)]", names[after[0]])
    out[after[0]] = f"改造后（{when_after.group(1)}）" if when_after else "改造后"
    return out


_LATIN_UNIT_AFTER = re.compile(
    r"^(.+?[\u4e00-\u9fff）)])\s+((?:[A-Za-z%℃³²·]+)(?:/[A-Za-z\u4e00-\u9fff]+)?)$"
)


def _unit_of(name: str) -> re.Match[str] | None:
    """``金额（万元）``, ``客户投诉（次/半年）`` and ``吨箔电耗 kWh/t`` name a unit; ``实施前(2022年)`` names a
    period, not a unit."""
    unit = _UNIT_IN_HEADER.match(name) or _LATIN_UNIT_AFTER.match(name)
    if not unit or re.search(r"\d", unit.group(2)):
        return None
    rate = "/" in unit.group(2)  # 次/半年, 万元/年: a unit per period
    return unit if rate or not re.search(r"年|月|季度", unit.group(2)) else None


def _cell_statement(name: str, value: str) -> str:
    """``金额（万元）`` + ``1,850`` → ``金额1,850万元``: the header's unit goes with a bare number."""
    unit = _unit_of(name)
    if unit and _BARE_NUMBER.match(value):
        name, value = unit.group(1).rstrip(), f"{value}{unit.group(2)}"
    # "Amount 46万元", not "Amount46万元": a Latin name glued to a number reads as a model name (S7-1500)
    gap = " " if re.search(r"[A-Za-z]$", name) or (name[-1:].isdigit() and value[:1].isdigit()) else ""
    return f"{name}{gap}{value}"


# Who said it and when, in chat exports pasted as material (WeChat, DingTalk, QQ): "[设备部 李强 10:12]",
# "2025-03-01 10:12 李强：", a header line "李强（设备部） 10:12" alone. The words after it are the material.
_MESSAGE_STAMP = re.compile(r"^\s*((?:19|20)\d{2})[-/.]\d{1,2}[-/.]\d{1,2}\s+\d{1,2}:\d{2}")
_CHAT_PREFIX = re.compile(
    r"^\s*(?:(?:\[[^\]\n]{0,30}\d{1,2}:\d{2}(?::\d{2})?[^\]\n]{0,10}\]"
    r"|【[^】\n]{0,30}\d{1,2}:\d{2}(?::\d{2})?[^】\n]{0,10}】"
    r"|(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s+)?\d{1,2}:\d{2}(?::\d{2})?(?=\s))"
    # after the time, the speaker: "胡志强：", "财务-邹敏：", "刘建华（设备部经理）："
    r"\s*(?:[\u4e00-\u9fffA-Za-z0-9·\-]{1,12}(?:[（(][^）)\n]{1,12}[）)])?\s*[:：])?"
    r"|[\u4e00-\u9fffA-Za-z（）() ]{1,20}\s\d{1,2}:\d{2}(?::\d{2})?\s*$)\s*"
)


def _joined_wraps(lines: list[str]) -> list[str]:
    """A sentence wrapped onto an indented next line ("…取消3#线计量内容，" / "   合同价核减…") is one line
    again, stated where it began; the continued line is left empty so line numbers stay."""
    out = list(lines)
    width = _wrap_width(lines)
    for i in range(len(out) - 1, 0, -1):
        line, above = out[i], out[i - 1]
        after_comma = line[:1] in (" ", "\t", "　") and above.rstrip().endswith(("，", "、", ","))
        if line.strip() and (after_comma or _hard_wrapped(above, line, width)):
            out[i - 1], out[i] = above.rstrip() + line.strip(), ""
    return out


def _display_width(line: str) -> int:
    # (“” and — are ambiguous in Unicode; a Chinese printout gives them two columns)
    return sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in line.rstrip())


def _wrap_width(lines: list[str]) -> int | None:
    """The width a printout was cut at, when many of its lines end at (nearly) the same column; None
    for notes whose lines end where their writer ended them."""
    widths = sorted((_display_width(line) for line in lines), reverse=True)
    if len(widths) < 5 or widths[4] < 40 or widths[0] - widths[4] > 6:
        return None
    return widths[4]


_CONNECTOR_END = re.compile(r"(?:\s(?:vs\.?|VS\.?)|[与和及或])\s*$")
_STARTS_ITEM = re.compile(
    r"^\s*(?:\d+\s*[.、）)]|[（(]\d+[）)]|[一二三四五六七八九十]+、|[-*•·▪◆●○■□√✓→>]|[\u2460-\u2473]|\[|【"
    r"|[^\s：:]{1,8}[：:])"
)


def _hard_wrapped(above: str, line: str, width: int | None) -> bool:
    """A report printed at a fixed width ("…现有研发人员126人，2024年" / "  研发投入3,860万元…"): the
    indented next line goes on with the same sentence when the line above stopped mid-sentence."""
    if "\t" in above or "\t" in line or not line.strip():
        return False
    if _CONNECTOR_END.search(above) and not _STARTS_ITEM.match(line):
        return True  # "…11个新型号 vs" / "平台投用后…": a line that ends on "vs" or 与 goes on below
    if width is None or _display_width(above) < width - 6:
        return False
    ended = above.rstrip()[-1:] in '。；;：:！？!?）)”"' if above.strip() else True
    # prose wraps mid-clause ("…，2024年"); an outline's item ("刀具崩刃：320pcs/月 → 85pcs/月") ends as it is
    return not ended and bool(re.search(r"[，。]", above)) and not _STARTS_ITEM.match(line)


_MARKS = re.compile(
    r"[\u2705\u2714\u2611\u2713\u274c\u25b6\u25ba\u25cf\u25a0\u25c6\u2605\u2606\u25aa\u2b50\ufe0f\U0001F300-\U0001FAFF]\s*"
)


def split_sentences(
    text: str, file: str = "", first_index: int = 1, year: int | None = None
) -> list[Sentence]:
    """``year``: what 去年/今年 count from when the text carries no date of its own (another file of the
    same material does)."""
    sentences: list[Sentence] = []
    year = document_year(text) or year
    for line_no, line in enumerate(_table_rows_as_statements(_joined_wraps(text.splitlines())), 1):
        if stamp := _MESSAGE_STAMP.match(line):
            year = int(
                stamp.group(1)
            )  # a chat export's message: its 去年/今年 count from the day it was sent
        line = _without_contacts(written_units(written_dates(_CHAT_PREFIX.sub("", line), year)))
        line = re.sub(r"\*\*|__", "", line)  # Markdown emphasis is how it was typed, not what it says
        line = re.sub(r"[①-⑳]\s*", "", line)  # circled list numbers mark items, they are no figures
        line = _MARKS.sub("", line)  # ✅ 🎉 ▶ in an article or a slide: decoration, not words
        for piece in _SENTENCE_END.split(line):
            piece = piece.strip(" \t>*-|#")
            if len(piece) >= 2:
                index = first_index + len(sentences)
                sentences.append(Sentence(index=index, line=line_no, text=piece, file=file))
    return sentences


# How to reach someone is never a statement of a scene: a table's 联系方式 cell, a phone number, a
# company's credit code. Only the clause that carries it goes; the rest of the line stays.
_CONTACT = re.compile(
    r"联系方式|联系电话|联系人|联络窗口|联络人|内线|传真|邮箱|信用代码|账号|开户行|(?<!IP)地址"
    # a street address: "金巢大道1188号", "迎宾路88号"
    r"|[\u4e00-\u9fff](?:大道|大街|路|街|巷)\s*\d{1,5}\s*号"
    r"|(?<![\d.])(?:1[3-9]\d(?:[\s-]?\d{4}){2}|0\d{2,3}-\d{3,4}\s?\d{4})(?![\d.])|(?<![0-9A-Z])(?=[0-9A-Z]{18}(?![0-9A-Z]))(?=\S*[A-Z])\d"
)


def _without_contacts(line: str) -> str:
    if not _CONTACT.search(line):
        return line
    clauses = re.split(r"([，,；;。])", line)
    kept = [c for c in clauses[0::2] if not _CONTACT.search(c)]
    return "，".join(c.strip() for c in kept if c.strip())


_SUPPLIER_VOICE = re.compile(r"客户案例|案例中心|为客户|客户背景|客户面临|客户价值")


def _in_applicants_voice(text: str) -> str:
    """A supplier's case study calls itself 我司 and the applicant 客户: read as the applicant tells it,
    我司 is the supplier and 为客户 is 为企业 (the drafter writes 我司 as 企业 everywhere else)."""
    if "我司" not in text or len(_SUPPLIER_VOICE.findall(text)) < 2:
        return text
    return re.sub(r"为客户", "为企业", text.replace("我司", "供应商"))


def material_from_text(text: str, name: str = "材料") -> Material:
    if not text.strip():
        raise InputError("材料为空：请粘贴文字或上传文件（.txt/.md/.docx/.xlsx/.pdf/.yaml/.json）")
    text = _in_applicants_voice(as_revised(to_simplified(text)))
    return Material(text=text, sentences=split_sentences(text), name=name, raw_lines=_raw_lines(text))


def _where(err: Exception) -> str:
    """Where a JSON/YAML file broke, in one line: the parsers' own messages span several."""
    line = getattr(err, "lineno", None)
    mark = getattr(err, "problem_mark", None)
    if mark is not None:
        line = mark.line + 1
    return f"第{line}行附近格式有误" if line else "格式有误"


_COMMENT = re.compile(r"(?:^|\s)#\s?(.*)$")


def _yaml_comments(text: str) -> dict[int, str]:
    """Comments by line: they often carry what the keys do not (the statistics period, a caveat)."""
    comments = {}
    for number, line in enumerate(text.splitlines(), 1):
        # A # inside quotes is text; fact sheets rarely quote, so an even count of quotes before it suffices.
        m = _COMMENT.search(line)
        quoted = line[: m.start()].count('"') % 2 or line[: m.start()].count("'") % 2 if m else True
        if m and not quoted and m.group(1).strip():
            comments[number] = m.group(1).strip()
    return comments


def _xlsx_text(path: Path) -> str:
    """Each sheet's rows as tab-separated lines, so table rows are read with their column headers."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many kinds on broken files
        raise InputError(f"{path.name} 不是有效的 Excel 文件（文件可能已损坏，或不是 .xlsx 工作簿）") from err
    lines: list[str] = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells = ["" if v is None else _cell_text(v) for v in row]
            if any(cells):
                lines.append("\t".join(cells).rstrip("\t"))
        lines.append("")
    book.close()
    return "\n".join(lines)


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def load_material(path: Path) -> Material:
    return load_materials([path])


def _load_one(path: Path) -> tuple[str, FactSheet | None]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from assistant.readers import check_file

        check_file(path)
        return to_simplified(_xlsx_text(path)), None
    # A parent company's engineer writes 繁體; the facts, the draft and the guard all read 简体.
    raw = to_simplified(read_text(path))
    if suffix in (".yaml", ".yml", ".json"):
        try:
            data = json.loads(raw) if suffix == ".json" else yaml.safe_load(raw)
        except (json.JSONDecodeError, yaml.YAMLError) as err:
            raise InputError(f"{path.name} 不是有效的 {suffix[1:].upper()} 文件（{_where(err)}）") from err
        comments = _yaml_comments(raw) if suffix != ".json" else {}
        return raw, FactSheet(name=path.name, data=data, text=raw, comments=comments)
    return raw, None


def load_materials(paths: list[Path]) -> Material:
    """One material from several files (a table of indicators plus a note naming the suppliers…):
    every sentence keeps its file and line."""
    if not paths:
        raise InputError("没有给出材料文件")
    return _combine([(path.name, *_load_one(path)) for path in paths])


def _combine(pieces: list[tuple[str, str, FactSheet | None]]) -> Material:
    several = len(pieces) > 1
    texts: list[str] = []
    sentences: list[Sentence] = []
    sheets: list[FactSheet] = []
    raw_lines: dict[tuple[str, int], str] = {}
    year = next((y for _, raw, _ in pieces if (y := document_year(raw))), None)
    for name, raw, sheet in pieces:
        file = name if several else ""
        raw = raw if sheet else _in_applicants_voice(as_revised(raw))  # a fact sheet's keys stay keys
        raw_lines.update(_raw_lines(raw, file))
        texts.append(f"【{name}】\n{raw}" if several else raw)
        sentences += split_sentences(raw, file, first_index=len(sentences) + 1, year=year)
        if sheet:
            sheets.append(sheet)
    text = "\n\n".join(texts)
    if not text.strip():
        raise InputError("材料为空：请粘贴文字或上传文件（.txt/.md/.docx/.xlsx/.pdf/.yaml/.json）")
    return Material(
        text=text,
        sentences=sentences,
        name="、".join(name for name, _, _ in pieces),
        sheets=sheets,
        files=[name for name, _, _ in pieces],
        raw_lines=raw_lines,
    )


# The chat keeps every upload and pasted message in one text, each upload under a banner 【文件名】.
PASTED = "对话中粘贴的文字"
_BANNER = re.compile(
    rf"^【({PASTED}|[^】\n]+\.(?:ya?ml|json|md|txt|docx|doc|wps|xlsx|xlsm|pdf|csv))】\s*$", re.MULTILINE
)


def material_from_chat(text: str) -> Material:
    """The chat's material as one set of files: what was pasted, and each upload under its own name,
    a fact sheet parsed as a sheet — so several uploads build one set of facts, each with its source."""
    text = to_simplified(text)
    marks = list(_BANNER.finditer(text))
    if not marks:
        return material_from_text(text)
    raws: dict[str, list[str]] = {}
    pasted = text[: marks[0].start()].strip()
    if pasted:
        raws.setdefault(PASTED, []).append(pasted)
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        raws.setdefault(mark.group(1), []).append(text[mark.end() : end].strip("\n"))
    # Every pasted message is one file; a file uploaded twice is read once, as last uploaded.
    pieces = [
        (
            name,
            "\n".join(parts) if name == PASTED else parts[-1],
            None if name == PASTED else _sheet_of(name, parts[-1]),
        )
        for name, parts in raws.items()
    ]
    return _combine(pieces)


def _sheet_of(name: str, raw: str) -> FactSheet | None:
    suffix = Path(name).suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        return None
    try:
        data = json.loads(raw) if suffix == ".json" else yaml.safe_load(raw)
    except (json.JSONDecodeError, yaml.YAMLError):
        return None  # read as prose; the upload itself was checked when it was added
    comments = _yaml_comments(raw) if suffix != ".json" else {}
    return FactSheet(name=name, data=data, text=raw, comments=comments)
