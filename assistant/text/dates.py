"""Statistics periods as writers type them, rewritten the one way a 申报书 writes them.

"24.3–24.8 vs 25.3–25.8", "2024-03…2024-08", "24年Q2+Q3", "FY2024 W14–W26" all name months or weeks
of a year; the fact reader, the figure guard and the drafter read "2024年3—8月" alike, so a period is
understood once, where the material is read.
"""

from __future__ import annotations

import re

import cn2an

_DASH = r"\s*(?:[–—~～至到-]|\.{2,3}|…{1,2})\s*"
_AFTER = r"(?![\d.%℃°A-Za-z])"  # 24.3–24.8℃ is a temperature, 24.3% a share

# 2024-03~2024-08 / 2024.3—2024.8 / 2024/03…2024/08 (a CSV's first and last month)
_FULL_SPAN = re.compile(
    rf"(?<!\d)((?:19|20)\d{{2}})[-/.](\d{{1,2}}){_DASH}((?:19|20)\d{{2}})[-/.](\d{{1,2}})(?![\d/-])"
)
# 2025.4.21—9.20 / 2024/4/21-2025/1/20: a span of days typed with dots or slashes
_DAY_SPAN = re.compile(
    rf"(?<![\d.])((?:19|20)\d{{2}})[./](\d{{1,2}})[./](\d{{1,2}}){_DASH}(?:((?:19|20)\d{{2}})[./])?"
    rf"(\d{{1,2}})[./](\d{{1,2}})(?![\d./%])"
)
# 6月24日—26日: the second day of one month's span, its month said once
_SAME_MONTH_DAYS = re.compile(rf"(?<!\d)(\d{{1,2}})月(\d{{1,2}})日{_DASH}(\d{{1,2}})日")
# 2023年7月到12月, 2023年7月份至12月: one year's months said with 到/至 (a typed dash is left as typed)
_YEAR_MONTHS = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月份?\s*(?:到|至)\s*(\d{1,2})\s*月份?(?!\d)")
# 24.3–24.8: two-digit years, as typed on a slide
_SHORT_SPAN = re.compile(rf"(?<![\d.])([12]\d)\.(\d{{1,2}}){_DASH}([12]\d)\.(\d{{1,2}}){_AFTER}")
# 24年Q2, 25年4—9月: a two-digit year before a quarter, month or bracket
_SHORT_YEAR = re.compile(
    r"(?<![\d.])([12]\d)年(?=\s*(?:Q[1-4]|[一二三四]季度|上半年|下半年|\d{1,2}\s*[—–~-]?\s*\d{0,2}\s*月|全年|同期"
    r"|\d{1,2}(?:\s*[、,，]\s*\d{1,2})+))"
)
# FY2024 W14–W26
_FISCAL_WEEKS = re.compile(rf"FY\s*((?:19|20)\d{{2}})\s*W(\d{{1,2}}){_DASH}W?(\d{{1,2}})", re.IGNORECASE)
# 24.12平台上线 / 25.3正式运行: a month of a two-digit year, told by what happened then
_SHORT_MONTH = re.compile(
    r"(?<![\d.])([12]\d)\.(\d{1,2})(?![\d.%])(?=\s*(?:平台|系统|项目|产线|设备)?\s*(?:正式|全面)?"
    r"(?:上线|运行|投用|投运|投产|开工|验收|完成|启动|切换|签订|签约|到货|安装))"
)
_VERSUS = re.compile(r"\s+(?:vs\.?|VS\.?|v\.s\.)\s+")

# A document's own date — a recording's, a summary's dateline, a report's 编制日期 — is what 去年 and
# 今年 in it count from. Only a date the document labels as its own, or a line that is nothing but a date.
_LABELLED_DATE = re.compile(
    r"(?:录音|记录|编制|填报|发文|报告|汇报|会议|访谈|整理|成文|落款|签发|撰写|打印)(?:日期|时间|于)?\s*[:：]?\s*"
    r"((?:19|20)\d{2})\s*(?:年|[-/.]\d{1,2})"
)
_HEADER_LINES = 8
_HEADER_DATE = re.compile(
    r"^\s*(?:时间|日期)\s*[:：]\s*((?:19|20)\d{2})\s*(?:年\s*\d{1,2}\s*月|[-/.]\d{1,2}[-/.])", re.M
)
_BYLINE = re.compile(r"((?:19|20)\d{2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*\d{1,2}:\d{2}")
_DATELINE = re.compile(
    r"^\s*(?:日期\s*[:：]\s*)?((?:19|20)\d{2})\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?\s*$"
)
# 明年 stays as said: a plan is read as a plan by its word, and is never a result to date.
RELATIVE_YEAR = {"前年": -2, "去年": -1, "上年度": -1, "上一年": -1, "今年": 0, "本年度": 0}
_RELATIVE = re.compile(r"(前年|去年|上年度|上一年|今年|本年度)(?!度?\s*[（(]\s*(?:19|20)\d{2})")
_CN_MONTH = r"(?:十[一二]?|[一二三四五六七八九])"
# 2024年一到六月, 2024年三月: months spoken in words after a year
_CN_MONTH_SPAN = re.compile(rf"(?<=年)({_CN_MONTH})(?:月份?)?\s*(?:到|至|—|–|~|-)\s*({_CN_MONTH})月")
_CN_ONE_MONTH = re.compile(rf"(?<=年)({_CN_MONTH})月")
_CN_MONTH_WORD = re.compile(rf"(?<![\u4e00-\u9fff]{{2}}[一二三四五六七八九十])({_CN_MONTH})月份")


def document_year(text: str) -> int | None:
    """The year the document itself is dated in, when it says so; else None (nothing is guessed)."""
    labelled = _LABELLED_DATE.search(text)
    if labelled:
        return int(labelled.group(1))
    head = "\n".join(text.splitlines()[:_HEADER_LINES])
    if header := _HEADER_DATE.search(head):  # "时间：2025年8月12日下午" under a record's title
        return int(header.group(1))
    if byline := _BYLINE.search(head):  # an article's "2025年09月12日 18:30" under its headline
        return int(byline.group(1))
    for line in text.splitlines():
        dateline = _DATELINE.match(line)
        if dateline:
            return int(dateline.group(1))
    return None


def _absolute_years(text: str, year: int) -> str:
    """去年一到六月 in a recording dated 2025 is 2024年1—6月; without the document's year it stays as said."""
    return _RELATIVE.sub(lambda m: f"{year + RELATIVE_YEAR[m[1]]}年", text)


def _numeric_months(text: str) -> str:
    text = _CN_MONTH_SPAN.sub(lambda m: f"{cn2an.cn2an(m[1], 'smart')}—{cn2an.cn2an(m[2], 'smart')}月", text)
    text = _CN_ONE_MONTH.sub(lambda m: f"{cn2an.cn2an(m[1], 'smart')}月", text)
    # "七月份签的合同": 月份 names a month wherever it stands
    return _CN_MONTH_WORD.sub(lambda m: f"{cn2an.cn2an(m[1], 'smart')}月份", text)


def _months(year_a: str, month_a: str, year_b: str, month_b: str) -> str:
    a, b = int(month_a), int(month_b)
    if year_a == year_b:
        return f"{year_a}年{a}—{b}月"
    return f"{year_a}年{a}月—{year_b}年{b}月"


def _days(m: re.Match[str]) -> str:
    if not (_valid(m[2], m[5]) and 1 <= int(m[3]) <= 31 and 1 <= int(m[6]) <= 31):
        return m[0]
    end_year = f"{m[4]}年" if m[4] and m[4] != m[1] else ""
    return f"{m[1]}年{int(m[2])}月{int(m[3])}日—{end_year}{int(m[5])}月{int(m[6])}日"


def _valid(*months: str) -> bool:
    return all(1 <= int(m) <= 12 for m in months)


def written_dates(text: str, year: int | None = None) -> str:
    """The text with each typed period rewritten as a 申报书 writes it; anything else unchanged. ``year`` is
    the document's own year (:func:`document_year`), which relative years count from."""
    if year is not None and _RELATIVE.search(text):
        text = _absolute_years(text, year)
    if "年" in text or "月份" in text:
        text = _numeric_months(text)
    if not re.search(r"\d", text):
        return text
    text = _DAY_SPAN.sub(_days, text)
    text = _SAME_MONTH_DAYS.sub(
        lambda m: f"{m[1]}月{m[2]}日—{m[1]}月{m[3]}日" if _valid(m[1]) and int(m[3]) <= 31 else m[0], text
    )
    text = _YEAR_MONTHS.sub(lambda m: _months(m[1], m[2], m[1], m[3]) if _valid(m[2], m[3]) else m[0], text)
    text = _FULL_SPAN.sub(lambda m: _months(m[1], m[2], m[3], m[4]) if _valid(m[2], m[4]) else m[0], text)
    text = _SHORT_SPAN.sub(
        lambda m: (
            _months(f"20{m[1]}", m[2], f"20{m[3]}", m[4])
            if _valid(m[2], m[4]) and 15 <= int(m[1]) <= 35 and 15 <= int(m[3]) <= 35
            else m[0]
        ),
        text,
    )
    text = _SHORT_MONTH.sub(
        lambda m: f"20{m[1]}年{int(m[2])}月" if _valid(m[2]) and 15 <= int(m[1]) <= 35 else m[0], text
    )
    text = _SHORT_YEAR.sub(lambda m: f"20{m[1]}年" if 15 <= int(m[1]) <= 35 else m[0], text)
    text = _FISCAL_WEEKS.sub(lambda m: f"{m[1]}财年第{int(m[2])}—{int(m[3])}周", text)
    if re.search(r"(?:19|20)\d{2}财?年", text):
        text = _VERSUS.sub("与", text)  # "2024年3—8月 vs 2025年3—8月"
    return text
