"""Material → ``SceneFacts``, once.

Prose, chat messages, tables and fact sheets of any shape are read line by line: lines the writer
marks as unrelated or not to use are set aside, uncertain ones become caveats, corrections decide
which figure stands; then implementers, before/after pairs, the statistics period, investment,
returns and payback are read, and what is left are statements, each given the part it serves.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel

from assistant.drafting.facts import (
    ANOTHER_PROJECT,
    MARKED_UNUSED,
    NGRAM,
    ONE_OFF,
    QUOTE_VOID,
    REQUIREMENT,
    SERIES,
    Amount,
    Implementer,
    MetricPair,
    Note,
    SceneFacts,
    Source,
    Statement,
)
from assistant.drafting.material import FactSheet, Material, Sentence
from assistant.text import extract_changes, extract_quantities
from assistant.text.dates import written_dates
from assistant.text.quantities import Quantity

WORDS_FILE = Path(__file__).with_name("fact_words.yaml")


class FactWords(BaseModel):
    exclude: list[str]
    plan: list[str]
    risk: list[str]
    example: list[str]
    noise: list[str]
    caveat: list[str]
    profile: list[str]
    pending: list[str]
    promotion: list[str]
    correction: list[str]
    void_before: list[str]
    annotation: list[str]
    returns: list[str]
    investment: list[str]
    total: list[str]
    payback: list[str]
    go_live: list[str]
    in_house: list[str]
    one_off: list[str]
    funding: list[str]
    quote_title: list[str]
    quote_superseded: list[str]
    wording_note: list[str]
    back_reference: list[str]
    about_the_note: list[str]
    average_row: list[str]
    not_implementer_names: list[str]
    not_implementer_roles: list[str]
    period_label: list[str]
    before_words: list[str]
    after_words: list[str]
    standing_total: list[str]
    part_labels: dict[str, list[str]]
    sheet_keys: dict[str, list[str]]
    surnames: str = ""
    person_titles: list[str] = []
    metric_names: dict[str, str] = {}
    money_items: dict[str, str] = {}


@dataclass(frozen=True)
class _Patterns:
    exclude: re.Pattern[str]
    plan: re.Pattern[str]
    risk: re.Pattern[str]
    example: re.Pattern[str]
    noise: re.Pattern[str]
    caveat: re.Pattern[str]
    profile: re.Pattern[str]
    pending: re.Pattern[str]
    promotion: re.Pattern[str]
    correction: re.Pattern[str]
    void_before: re.Pattern[str]
    annotation: re.Pattern[str]
    returns: re.Pattern[str]
    investment: re.Pattern[str]
    total: re.Pattern[str]
    payback: re.Pattern[str]
    go_live: re.Pattern[str]
    in_house: re.Pattern[str]
    one_off: re.Pattern[str]
    funding: re.Pattern[str]
    quote_title: re.Pattern[str]
    quote_superseded: re.Pattern[str]
    wording_note: re.Pattern[str]
    back_reference: re.Pattern[str]
    about_the_note: re.Pattern[str]
    average_row: re.Pattern[str]
    not_implementer_names: re.Pattern[str]
    not_implementer_roles: re.Pattern[str]
    period_label: re.Pattern[str]
    before_words: re.Pattern[str]
    after_words: re.Pattern[str]
    standing_total: re.Pattern[str]


@lru_cache(maxsize=1)
def _person() -> re.Pattern[str]:
    words = fact_words()
    surname = f"[{words.surnames}]"
    titles = "|".join(words.person_titles)
    return re.compile(
        rf"(?:部|科|室|中心|车间|处)\s*{surname}[\u4e00-\u9fff]{{1,2}}\s*(?:$|[（(。]|[，,]\s*\d)"
        rf"|(?<![\u4e00-\u9fff]){surname}(?:{titles})|(?<=[、，：:])\s*{surname}(?:{titles})"
        rf"|{surname}工(?=[，。、：:\s）)]|$)|\bby\s*{surname}[\u4e00-\u9fff]{{1,2}}"
    )


@lru_cache(maxsize=1)
def fact_words() -> FactWords:
    return FactWords.model_validate(yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    words = fact_words()
    compiled = {
        name: re.compile("|".join(getattr(words, name)))
        for name in _Patterns.__dataclass_fields__  # type: ignore[attr-defined]
    }
    return _Patterns(**compiled)


def _source(sentence: Sentence) -> Source:
    return Source(file=sentence.file, line=sentence.line)


# --- line-level marks: excluded, caveats, corrections -------------------------------------------

_ORG = re.compile(
    r"[\u4e00-\u9fffA-Za-z0-9（）()﹙﹚]{2,30}?(?:股份有限公司|有限责任公司|有限公司|股份公司|集团公司|集团|研究院|研究所|设计院|大学)"
)
_ORG_ONLY = re.compile(
    r"[\u4e00-\u9fffA-Za-z0-9（）()]{2,30}?(?:股份有限公司|有限责任公司|有限公司|集团)\s*[\u4e00-\u9fff]{0,6}(?:部|中心|课|科|处)?"
)
_ORG_LEAD = re.compile(
    r".*?(?:由|是|为|选用|选的|找的|请的|采用|用的|和|与|跟|给|向|从|供应商|厂家|厂商|实施方|集成商|乙方|甲方|供货方|卖方"
    # a table's column name run into its cell: "实施单位/责任人南昌…", "内容江西…"
    r"|责任人|供方|实施单位|单位名称|内容|名称|中标人|中标单位)[:：]?"
)


@dataclass
class _Line:
    key: tuple[str, int]
    sentences: list[Sentence]
    text: str
    note: str = ""  # the writer's note to self after an arrow


def _lines(material: Material) -> list[_Line]:
    grouped: dict[tuple[str, int], list[Sentence]] = {}
    for s in material.sentences:
        grouped.setdefault(s.key, []).append(s)
    out = []
    for key, sentences in grouped.items():
        text = "。".join(s.text.rstrip("。") for s in sentences)
        out.append(_Line(key, sentences, text))
    return out


def _split_annotation(line: _Line) -> None:
    p = _patterns()
    m = p.annotation.search(line.text)
    if m:
        line.note = line.text[m.end() :].strip(" ：:，。")
        line.text = line.text[: m.start()].strip(" ，。")


def _bare_wan(q: Quantity) -> bool:
    """ "40万" with no unit: an amount in 元 as writers use it, comparable with money."""
    return q.kind == "count" and not q.unit and q.text.rstrip().endswith(("万", "亿"))


def _same_kind(a: Quantity, b: Quantity) -> bool:
    from assistant.drafting.figures import dimension

    if dimension(a) == dimension(b):
        return True
    return {a.kind, b.kind} == {"money", "count"} and (_bare_wan(a) or _bare_wan(b))


_CORRECTED = re.compile(
    r"(?:应为|应该是|更正为|改为|实际是|实际为)\s*(?P<new>[^，,。；;]{1,14}?)\s*[，,]?\s*(?:而)?不是\s*(?P<old>[^，,。；;]{1,14})"
)


# "更正一下，刚才维修费用说错了，上线后是一年415万，不是395万": a correction said in words, its new
# figure after 是/为.
_CORRECTED_SAID = re.compile(
    r"(?:更正|说错|写错|搞错|弄错|记错)[^。]*?(?:是|为)\s*(?P<new>[^，,。；;]{1,14}?)\s*[，,]\s*(?:而)?不是\s*(?P<old>[^，,。；;]{1,14})"
)


# "…平均是百分之九十二。不对，是百分之九十三点五": said, then taken back in the next breath.
_SPOKEN_NUMBER = r"(?:百分之)?[\d〇零一二两三四五六七八九十百千万点.]+[^\d，,。；;\s]{0,3}?"
_CORRECTED_SPOKEN = re.compile(
    rf"(?P<old>{_SPOKEN_NUMBER})[。，,]\s*不对(?:不对)?[，,]?\s*(?:应该)?是\s*(?P<new>{_SPOKEN_NUMBER})(?=[，,。；;]|$)"
)


# "设备合同价420万写错了，实际是410万": the wrong figure first, then the right one.
_CORRECTED_AFTER = re.compile(
    r"(?P<old>\d[\d,.]*\s*[^\d，,。；;\s]{0,3}?)(?:那个|这个|那项|这项)?(?:是|为|属)?"
    r"(?:笔误|口误|写错了|说错了|算错了|有误|不对|作废了?)[，,]?\s*(?:实际|应该|应)(?:是|为)\s*"
    r"(?P<new>\d[\d,.]*\s*[^\d，,。；;\s]{0,3})"
)


def without_doubt(line: str) -> str:
    """ "…约500万元/年？？口径待确认（市场部估的）" → "…约500万元/年": the line once the writer has confirmed
    it, without the words that doubted it (asides that doubt go whole)."""
    caveat = _patterns().caveat

    def aside(m: re.Match[str]) -> str:  # "（2023年7—12月，口径待确认）" keeps its period
        if not caveat.search(m.group(0)):
            return m.group(0)
        kept = re.sub(r"[，,；;、]\s*(?=[）)])|(?<=[（(])\s*[，,；;、]", "", caveat.sub("", m.group(0)))
        return kept if re.search(r"\d", kept) else ""

    line = ASIDE.sub(aside, line)
    line = caveat.sub("", line)
    line = re.sub(r"[？?]{2,}", "", line)
    return re.sub(r"([，,；;。])\s*(?=[，,；;。]|$)", "", line).strip(" ，,；;")


def corrections(text: str) -> dict[str, str]:
    """ "出库准确率改造后应为99.98%，不是99.89%" → {"99.89%": "99.98%"}: the figure written wrong
    elsewhere is replaced by the right one, not dropped with its clause."""
    found = {}
    found_in = [_CORRECTED, _CORRECTED_SAID, _CORRECTED_AFTER, _CORRECTED_SPOKEN]
    for m in [found for pattern in found_in for found in pattern.finditer(text)]:
        new, old = _first(m.group("new")), _first(m.group("old"))
        if new and old:
            # "…是0.112kWh/m³，不是0.108": the bare 0.108 written elsewhere keeps its own unit there.
            said = new.text if old.unit or not new.unit else re.sub(r"[^\d.,]+$", "", new.text)
            found[old.text] = said
    return found


def _not_the_named(quantities: list[Quantity], value: float) -> list[str]:
    """Of figures said before "以258为准", those of the named one's kind with another value ("262万")."""

    def names(q: Quantity) -> bool:  # 258 names 258万 as well as 258
        return math.isclose(q.value, value) or math.isclose(q.value / 1e4, value)

    standing = [q for q in quantities if names(q)]
    return [q.text for q in quantities if not names(q) and any(_same_kind(q, s) for s in standing)]


_POINTED_BACK = re.compile(r"^\W*(?:上面|前面|上文|之前)(?:那个|那些|那几个|写的|说的)?")
_DELTA_BEFORE = re.compile(r"(?:增加|增|追加|核减|减少|优惠|下浮|让利)[了约]?$")
_CHANGED_FROM = re.compile(r"[由从][^，。；,;由从]{0,12}$")


def void_figures(text: str) -> list[str]:
    """Figures a correction in ``text`` makes void: those before the cue of the kind that follows it,
    and any figure after 不是."""
    p = _patterns()
    void: list[str] = []
    quantities = [q for q in extract_quantities(text) if q.is_metric]
    cue = p.correction.search(text)
    if cue and _CHANGED_FROM.search(text[max(0, cue.start() - 16) : cue.start()]):
        cue = None  # "工位由1台改为2台并行" tells what was changed, not which figure was wrong
    if cue:
        # The cue speaks within its own ；-segment: "…168万，后来合同谈到152万，以合同为准；接口开发18万"
        # leaves 18万 alone. "以…为准" names the figure before it; "应为/谈下来…" the one after it.
        start = max(text.rfind(c, 0, cue.start()) for c in "；;。") + 1
        ends = [i for i in (text.find(c, cue.end()) for c in "；;。") if i >= 0]
        end = min(ends) if ends else len(text)
        after = [q for q in quantities if cue.start() <= q.start < end]
        # "（送审按98台套计列）": a figure in an aside is no figure the cue can settle on
        asides = [(m.start(), m.end()) for m in ASIDE.finditer(text)]
        before = [
            q
            for q in quantities
            if start <= q.start
            and q.end <= cue.start()
            and not any(a <= q.start < b for a, b in asides)
            and not _DELTA_BEFORE.search(
                text[max(0, q.start - 4) : q.start]
            )  # "增加26万元，合同价调整为244万元"
        ]
        if cue.group(0).endswith("为准"):
            after = []
        named = re.search(r"\d[\d.,]*", cue.group(0)) if cue.group(0).endswith("为准") else None
        if named:  # "以258为准", "以1.86%为准": the figure the cue names stands, whatever came last
            void += _not_the_named(before, float(named.group(0).replace(",", "")))
        elif after:
            standing = after[-1]
            void += [q.text for q in before if _same_kind(q, standing) and q.text != standing.text]
        elif len(before) >= 2:  # "…180万…150万，以合同为准": the last figure stands
            standing = before[-1]
            void += [q.text for q in before[:-1] if _same_kind(q, standing) and q.text != standing.text]
    for m in p.void_before.finditer(text):
        follow = [q for q in quantities if q.start >= m.end() and q.start - m.end() <= 4]
        if follow:
            void.append(follow[0].text)
    if settled := re.search(
        r"结算(?:价|金额|为)|(?:合同价|价格|金额)?(?:调整|变更|调增|调减)(?:为|至)", text
    ):
        # A settlement price replaces the bid or contract price of the same line, whichever ；-segment.
        void += [
            q.text
            for q in quantities
            if q.kind == "money"
            and q.start < settled.start()
            and re.search(r"(?:中标|投标|报|合同)价[为是:：]?约?$", text[max(0, q.start - 6) : q.start])
        ]
    for m in _VOID_AFTER.finditer(text):  # "（之前群里说的168块是笔误）": the figure just before the words
        ahead = [q for q in quantities if q.end <= m.start() and m.start() - q.end <= 3]
        if ahead:
            void.append(ahead[-1].text)
    return void


_VOID_AFTER = re.compile(
    r"(?:是|为|属)?(?:笔误|口误|写错了|说错了|有误|不对|不准确|(?:只)?是预算|作废|不算数)"
)


_CLAUSE = re.compile(r"[^，,；;。]+")
_ROW_REMARK = re.compile(r"^(.+?)，(备注.+)$")  # a table row as material.py states it, and its 备注 column


def _without(text: str, figures: list[str]) -> str:
    """``text`` without the clauses that carry a void figure or only the correction's wording."""
    p = _patterns()
    # An aside in brackets that holds the void figure goes alone: "186块（之前说的168块是笔误）".
    for figure in figures:
        text = re.sub(rf"[（(][^（）()]*(?<![\d.,]){re.escape(figure)}[^（）()]*[）)]", "", text)
    kept: list[str] = []
    lead = ""  # "准时交付率上线前是85%，哦不对，是88%": the words before a void figure name the figure after
    for clause in _CLAUSE.findall(text):
        void = [found.start() for f in figures if (found := _figure_in(clause, f))]
        if void:
            said = re.sub(r"(?:是|为|有|约|大概)+$", "", clause[: min(void)].strip())
            # (not a reckoning's factors: "12个人×6.5万=78万/年" names nothing the next clause says)
            lead = (
                said
                if re.search(r"[\u4e00-\u9fff]{2}", said) and not re.search(r"[×xX*＊=＝+＋]", clause)
                else ""
            )
            continue
        if (
            p.correction.search(clause) or p.void_before.search(clause) or _names_number(clause, figures)
        ) and not any(q.is_metric for q in extract_quantities(clause)):
            continue  # "85是我记成前年的了": words about the void figure go with it
        if lead:
            if not any(q.is_metric for q in extract_quantities(clause)):
                continue  # "哦不对": the words between the void figure and the one that replaces it
            clause = lead + re.sub(r"^\s*(?:是|为|应为|应该是)", "", clause)
        lead = ""
        kept.append(clause.strip())
    return "，".join(c for c in kept if c)


_RECOMPUTE = re.compile(r"重新算|重新计算|重算|再算一遍|重新核算")


def _recomputed(lines: list[_Line]) -> list[str]:
    """ "12个人×6.5万=78万/年…" / "按7.2万一个人算，重新算" / "12×7.2=86.4万，加35万…": the amounts of the
    reckoning before the call to redo it that the new reckoning does not repeat are void."""

    def amounts(line: _Line) -> list[Quantity]:
        return [
            q
            for q in extract_quantities(line.text)
            if q.kind == "money" or (q.kind == "count" and q.text.rstrip("元").endswith(("万", "亿")))
        ]

    void: list[str] = []
    for i, line in enumerate(lines):
        if not _RECOMPUTE.search(line.text) or len(amounts(line)) > 1:
            continue
        before = next((x for x in reversed(lines[:i]) if amounts(x)), None)
        after = next((x for x in lines[i + 1 :] if amounts(x)), None)
        if before is None or after is None:
            continue
        kept = {q.value for q in amounts(after)}
        void += [q.text for q in amounts(before) if q.value not in kept]
    return void


def _figure_in(text: str, figure: str) -> re.Match[str] | None:
    """Where ``figure`` is written in ``text`` as a figure of its own: "6.5万" is not in "256.5万元"."""
    return re.search(rf"(?<![\d.,]){re.escape(figure)}", text)


def _names_number(clause: str, figures: list[str]) -> bool:
    numbers = [m.group(0) for f in figures if (m := re.match(r"\d[\d.,]*", f))]
    return any(re.search(rf"(?<![\d.]){re.escape(n)}(?![\d.])", clause) for n in numbers)


def set_aside_reason(text: str) -> str:
    """Why the reader keeps a sentence out of a scene (chatter, marked unrelated, uncertain, company
    information); empty when it may be used."""
    return _set_aside_reason(text)


def _set_aside_reason(text: str) -> str:
    p = _patterns()
    if p.one_off.search(text):
        return ONE_OFF
    if p.exclude.search(text):
        return MARKED_UNUSED
    if p.noise.search(text):
        return "与场景无关"
    if p.caveat.search(text):
        return "口径不确定，未写入草稿"
    if p.profile.search(text):
        return "企业基本信息，属企业简介"
    if p.plan.search(text):
        return "计划或目标，尚未实现"
    if p.risk.search(text):
        return RISK
    return ""


RISK = "风险或待办事项，不是成果"


_SECTION = re.compile(
    r"^\s*(?:P\d+\s*)?(?P<hashes>#*)\s*(?P<mark>[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)]"
    r"|第[一二三四五六七八九十]+[章节部分]|附(?:表|件|录)?[\d一二三四五六七八九十]*[：:、])?\s*"
    r"(?P<title>[^。；;，,]{2,30}?)[：:]?\s*$"
)


def section_level(raw: str) -> int | None:
    """How deep a heading line sits (第一章 0, # 1, 一、 1, ## 2, （一） 2…); None for a line of text."""
    # "四、实施效果（…，两条线合计）": an aside in brackets after the heading's start is not its title.
    m = _SECTION.match(re.sub(r"(?<=.)[（(][^）)]*[）)]", "", raw.strip()))
    if not m or not (m["hashes"] or m["mark"]) or any(q.is_metric for q in extract_quantities(m["title"])):
        return None
    if m["mark"]:
        mark = m["mark"]
        return 0 if mark.startswith(("第", "附")) else 2 if mark[0] in "（(" else 1
    return len(m["hashes"])


_PROJECT_TITLE = re.compile(r"(?:系统|平台|产线|生产线|线|工作站|改造|项目|工程|中心|立体库|仓库|验证|安装)$")


def _headings(lines: list[_Line], raw_lines: dict[tuple[str, int], str]) -> list[tuple[int, int, str]]:
    """(position, level, title) of each heading line."""
    found = []
    for i, line in enumerate(lines):
        raw = raw_lines.get(line.key, line.text)
        level = section_level(raw)
        if level is not None and (m := _SECTION.match(raw.strip())):
            found.append((i, level, m["title"].strip()))
    return found


def _section_end(headings: list[tuple[int, int, str]], at: int, level: int, last: int) -> int:
    return next((i for i, lv, _ in headings if i > at and lv <= level), last)


def project_sections(
    lines: list[_Line], raw_lines: dict[tuple[str, int], str]
) -> list[tuple[int, int, int, str]]:
    """A year's summary lists several projects under one heading ("（一）…预测性维护系统", "（二）纯化水系统
    改造"): (start, end, level, title) of each sibling section whose title names a project."""
    headings = _headings(lines, raw_lines)
    for level in sorted({lv for _, lv, _ in headings}, reverse=True):
        projects = [(i, t) for i, lv, t in headings if lv == level and _PROJECT_TITLE.search(t)]
        # Titles of one file, naming different projects: a tender, its award notice and a report on
        # the same project, one per file, are one project told three times.
        files = {lines[i].key[0] for i, _ in projects}
        if len(projects) >= 2 and len(files) == 1 and len({instance_text(t) for _, t in projects}) >= 2:
            return [(i, _section_end(headings, i, level, len(lines)), level, t) for i, t in projects]
    return []


def _project_heading(lines: list[_Line], raw_lines: dict[tuple[str, int], str]) -> str:
    """Of several projects, the one the material gives its figures for: the section with the most
    before/after statements."""
    sections = project_sections(lines, raw_lines)

    def weight(section: tuple[int, int, int, str]) -> int:
        start, end = section[0], section[1]
        return sum(len([q for q in extract_quantities(x.text) if q.is_metric]) >= 2 for x in lines[start:end])

    best = max(sections, key=weight, default=None)
    return instance_text(best[3]) if best and weight(best) >= 2 else ""


def _outside_instance_section(
    lines: list[_Line], raw_lines: dict[tuple[str, int], str], instance: str
) -> set[tuple[str, int]]:
    """Lines outside the instance's own section, when the material is about several projects."""
    sections = project_sections(lines, raw_lines)
    own = next((x for x in sections if instance and instance_text(x[3]) == instance), None)
    if own is None:
        return set()
    return {line.key for i, line in enumerate(lines) if not own[0] <= i < own[1]}


_PERIOD_ROW = re.compile(
    r"^(?:(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*月?|\d{1,2}\s*月(?:份)?|第?\d{1,2}\s*周|W\d{1,2})[，,]"
)


def _superseded_quote(lines: list[_Line]) -> set[tuple[str, int]]:
    """ "报价单是初版，最终按合同价238万": the quotation's rows of prices are void; its letterhead, which
    names the supplier, is not."""
    p = _patterns()
    if not any(p.quote_superseded.search(line.text) for line in lines):
        return set()
    heads: dict[str, list[_Line]] = {}
    for line in lines:
        heads.setdefault(line.key[0], []).append(line)
    void: set[tuple[str, int]] = set()
    for own in heads.values():
        title = own[0].text
        if len(heads) > 1 and p.quote_title.search(title) and not p.quote_superseded.search(title):
            void |= {
                x.key
                for x in own[1:]
                if any(q.kind not in ("date", "year") for q in extract_quantities(x.text))
            }
    return void


MIN_SERIES_ROWS = 6
_NOT_COUNTED = re.compile(r"不统计|不计入|调试|剔除")


def _unaveraged_series(lines: list[_Line]) -> tuple[set[tuple[str, int]], str]:
    """A month-by-month log with each month marked before or after go-live, and no average rows: its rows
    are data points. The means of each side, computed here, are offered to the writer as a question —
    not written into the draft, for the material does not state them."""
    p = _patterns()
    by_file: dict[str, list[_Line]] = {}
    for line in lines:
        if _PERIOD_ROW.match(line.text):
            by_file.setdefault(line.key[0], []).append(line)
    averaged = {line.key[0] for line in lines if p.average_row.match(line.text)}
    keys: set[tuple[str, int]] = set()
    said: list[str] = []
    for file, rows in by_file.items():
        if file in averaged or len(rows) < MIN_SERIES_ROWS:
            continue
        sides: dict[str, list[_Line]] = {"改造前": [], "改造后": []}
        for row in rows:
            if _NOT_COUNTED.search(row.text):
                continue
            before, after = p.before_words.search(row.text), p.after_words.search(row.text)
            if bool(before) != bool(after):
                sides["改造前" if before else "改造后"].append(row)
        if not sides["改造前"] or not sides["改造后"]:
            continue
        keys |= {row.key for row in rows}
        means = []
        for side, members in sides.items():
            columns: dict[tuple[str, str], list[float]] = {}
            for row in members:
                for cell in row.text.split("，备注")[0].split("，")[
                    1:
                ]:  # a remark ("主轴抱死1次") is no column
                    q = _first(cell)
                    name = re.sub(r"[（(]?[\d.,].*$", "", cell).strip()
                    if q is not None and q.kind in ("plain", "count", "duration", "percent") and name:
                        columns.setdefault((name, q.unit), []).append(q.value)
            first, last = members[0].text.split("，")[0], members[-1].text.split("，")[0]
            figures = "、".join(f"{n}月均{_plain(sum(v) / len(v))}{u}" for (n, u), v in columns.items())
            means.append(f"{side}（{first}至{last}，{len(members)}个月）{figures}")
        said.append("；".join(means))
    return keys, "；".join(said)


def _plain(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _series_rows(lines: list[_Line]) -> set[tuple[str, int]]:
    """A month-by-month table that states its own averages ("平均，上线前，…39.5天…"): the averages are the
    comparison the writer means; each month's row is a data point, not a before or after value."""
    files_with_averages = {line.key[0] for line in lines if _patterns().average_row.match(line.text)}
    return {line.key for line in lines if line.key[0] in files_with_averages and _PERIOD_ROW.match(line.text)}


@lru_cache(maxsize=1)
def _wording_note() -> re.Pattern[str]:
    """A note about wording names the word in quotes (别写"裁员"): the note goes, with the aside it sits
    in, not the line."""
    verbs = _patterns().wording_note.pattern
    quoted = r"\s*[“\"「][^”\"」]{1,8}[”\"」]"
    return re.compile(
        rf"[（(][^（()）]*?(?:{verbs}){quoted}[^（()）]*[）)]|[—–-]*\s*(?:{verbs}){quoted}[!！]*"
    )


_REQUIREMENT_TITLE = re.compile(r"招标文件|技术需求|采购需求|技术规格书|用户需求书|询价文件|招标公告")


def _requirement_files(lines: list[_Line]) -> set[str]:
    """Files of several whose title names a tender's or a purchase's requirements ("…招标文件（摘录：技术需求）"):
    what they ask for (≥512核, 缩短≥40%) was to be reached, it is no result of the scene."""
    files = {line.key[0] for line in lines}
    if len(files) < 2:
        return set()  # the only material is what the writer has; a lone tender is read with care, not dropped
    first: dict[str, str] = {}
    for line in lines:
        if line.text.strip():
            first.setdefault(line.key[0], line.text)
    return {f for f, title in first.items() if _REQUIREMENT_TITLE.search(title)}


def _mark_lines(
    lines: list[_Line], facts: SceneFacts, raw_lines: dict[tuple[str, int], str] | None = None
) -> list[_Line]:
    """Lines that may be used, corrected; the rest recorded as excluded or caveats. A heading set aside
    ("六、下一步计划", "## 公司概况") takes the lines under it along, up to the next heading as high."""
    p = _patterns()
    usable: list[_Line] = []
    previous: _Line | None = None
    replacements: dict[str, str] = {}
    set_aside: tuple[int, str] | None = None  # the level and reason of the heading being skipped
    for line in lines:
        replacements.update(corrections(line.text))
    facts.superseded += [v for v in _recomputed(lines) if v not in facts.superseded]
    elsewhere = _outside_instance_section(lines, raw_lines or {}, facts.instance_name)
    quoted = _superseded_quote(lines)
    monthly = _series_rows(lines)
    unaveraged, summary = _unaveraged_series(lines)
    if summary:
        facts.caveats.append(Note(text=summary, reason=SERIES, source=_source(lines[0].sentences[0])))
    required = _requirement_files(lines)
    for line in lines:
        _split_annotation(line)
        source = _source(line.sentences[0])
        if line.key in elsewhere:
            facts.excluded.append(Note(text=line.text, reason=ANOTHER_PROJECT, source=source))
            continue
        if p.example.search(line.text):
            facts.excluded.append(Note(text=line.text, reason="填写示例，不是本企业的材料", source=source))
            continue
        if line.key in quoted:
            facts.excluded.append(Note(text=line.text, reason=QUOTE_VOID, source=source))
            continue
        if line.key[0] in required:
            facts.excluded.append(Note(text=line.text, reason=REQUIREMENT, source=source))
            continue
        if line.key in monthly:
            facts.excluded.append(Note(text=line.text, reason="逐月数据，采用表中的平均行", source=source))
            continue
        if line.key in unaveraged:  # a month is no before or after value; the writer says which comparison
            facts.excluded.append(Note(text=line.text, reason=SERIES, source=source))
            continue
        level = section_level((raw_lines or {}).get(line.key, line.text))
        if set_aside is not None and level is not None and level > set_aside[0]:
            level = None  # a subsection of the section set aside
        if level is not None:
            set_aside = None
            reason = _set_aside_reason(line.text)
            # A section of plans or of the company goes whole; a title's own aside ("——材料，别外发")
            # says nothing about the lines below it.
            # "## 其他（不用写）" below the title marks its section; the title's own aside does not.
            marked_unused = reason == MARKED_UNUSED and line.key[1] > 1
            if reason.startswith(("计划", "企业基本信息")) or reason == RISK or marked_unused:
                set_aside = (level, reason)
                facts.excluded.append(Note(text=line.text, reason=reason, source=source))
                continue
        elif set_aside is not None:
            facts.excluded.append(Note(text=line.text, reason=set_aside[1], source=source))
            continue
        if _CORRECTED_SPOKEN.search(line.text) and len(line.sentences) > 1:
            # the figure said first is replaced where it stands; the words that took it back go
            said = [x for x in line.sentences if not x.text.startswith("不对")]
            if said and len(said) < len(line.sentences):
                # only the words that took the figure back are set aside: the rest of the line still
                # supports its figures (the guard reads set-aside lines as supporting nothing)
                taken_back = "。".join(x.text for x in line.sentences if x not in said)
                facts.excluded.append(
                    Note(text=taken_back, reason="更正说明，已按更正后的数字采用", source=source)
                )
                line.sentences = said
                line.text = "。".join(x.text.rstrip("。") for x in said)
        elif corrections(line.text):
            facts.excluded.append(
                Note(text=line.text, reason="更正说明，已按更正后的数字采用", source=source)
            )
            continue
        full = f"{line.text} {line.note}"
        if p.exclude.search(line.note):
            facts.excluded.append(Note(text=line.text, reason=MARKED_UNUSED, source=source))
            continue
        # Within a line, only the sentences that are chatter, marked unrelated or company profile go.
        kept = []
        trimmed = False
        for sentence in line.sentences:
            if wording := _wording_note().search(sentence.text):
                # "12→4（…都转岗去总装了 —— 别写"裁员"!!）": a note on a word, not on the figures
                sentence.text = _wording_note().sub("", sentence.text).strip()
                line.text = line.text.replace(wording.group(0), "")
            reason = _set_aside_reason(sentence.text)
            if reason == MARKED_UNUSED:
                # "稿子里“年节约物流成本超过300万元”…不要用": the figure quoted is void wherever it is written;
                # so is one pointed back at ("上面那个1,200万元和2.4年是整个车间的，不能用")
                quoted = [
                    q.text for m in _QUOTED.finditer(sentence.text) for q in extract_quantities(m.group(1))
                ]
                if _POINTED_BACK.search(sentence.text):
                    quoted += [q.text for q in extract_quantities(sentence.text) if q.is_metric]
                facts.superseded += [v for v in quoted if v not in facts.superseded]
            if reason == "与场景无关" and _COST_LABEL.match(sentence.text):
                reason = ""  # "项目投入（据财务付款记录）：" heads the costs below it, whatever it cites
            remark = _ROW_REMARK.match(sentence.text)
            if (
                (
                    reason.startswith("计划") or reason == "与场景无关"
                )  # "备注质保金10%明年6月付": a payment term
                and remark
                and not _set_aside_reason(remark.group(1))
                and any(q.kind == "money" for q in extract_quantities(remark.group(1)))
            ):
                # "合计，金额219万元，备注立项预算200万元…": a cost row's remark speaks of the budget; the row's
                # amount was spent. Only the remark is set aside. (An indicator's "备注目标98%，还没出数" still
                # takes its row along: the indicator has no result yet.)
                facts.excluded.append(Note(text=remark.group(2), reason=reason, source=source))
                sentence, reason = replace(sentence, text=remark.group(1)), ""
                trimmed = True
            if reason.startswith("口径"):
                facts.caveats.append(Note(text=sentence.text, reason=reason, source=source))
            elif reason:
                facts.excluded.append(Note(text=sentence.text, reason=reason, source=source))
            else:
                kept.append(sentence)
        said_of_all = [n for n in line.sentences if p.back_reference.search(n.text) and n not in kept]
        if said_of_all and kept and _set_aside_reason(said_of_all[0].text) != "与场景无关":
            # "…四百三十来人。这些你们公司概况那块用，追溯这个场景就不要写这些了": the note speaks of
            # everything said before it in the line.
            facts.excluded.append(Note(text=line.text, reason=MARKED_UNUSED, source=source))
            continue
        # "产值增加约900万元/年？？口径待确认（…）": a caveat with no figure of its own doubts the line's figure.
        doubting = [
            n
            for n in line.sentences
            if n not in kept
            and _set_aside_reason(n.text).startswith("口径")
            and not any(q.is_metric for q in extract_quantities(n.text))
        ]
        if doubting and any(q.is_metric for s in kept for q in extract_quantities(s.text)):
            facts.caveats.append(Note(text=line.text, reason="口径不确定，未写入草稿", source=source))
            continue
        if not kept:
            continue
        if len(kept) < len(line.sentences) or trimmed:
            line.sentences = kept
            line.text = "。".join(s.text.rstrip("。") for s in kept)
            full = f"{line.text} {line.note}"
        if p.pending.search(full):
            facts.excluded.append(Note(text=line.text, reason="作者尚待核实，需追问", source=source))
            continue
        if p.caveat.search(full):
            facts.caveats.append(Note(text=line.text, reason="口径不确定，未写入草稿", source=source))
            continue
        void = void_figures(line.text)
        if not void and p.correction.search(line.note) and previous is not None:
            void = void_figures(f"{line.text}，{line.note}")
        has_figure = any(q.is_metric for q in extract_quantities(line.text))
        if not has_figure and p.correction.search(line.text) and previous is not None:
            # "以合同为准" on a line of its own settles the line before it.
            void = void_figures(f"{previous.text}，{line.text}")
            if void:
                previous.text = _without(previous.text, void)
                facts.superseded += [v for v in void if v not in facts.superseded]
            facts.excluded.append(Note(text=line.text, reason="更正说明", source=source))
            continue
        if void:
            facts.superseded += [v for v in void if v not in facts.superseded]
            line.text = _without(line.text, void)
        usable.append(line)
        previous = line
    # A corrected figure is replaced wherever else it was written (or, with nothing to replace it, void).
    facts.superseded += [old for old in replacements if old not in facts.superseded]
    facts.corrected.update(replacements)
    for line in usable:
        if _CORRECTED.search(line.text):
            line.text = ""  # the correction itself has been applied
            continue
        for old, new in replacements.items():
            line.text = re.sub(rf"(?<![\d.]){re.escape(old)}", new, line.text)
        if any(_figure_in(line.text, v) for v in facts.superseded if v not in replacements):
            line.text = _replace_void(line.text, facts)
    return usable


def _replace_void(text: str, facts: SceneFacts) -> str:
    return _without(text, facts.superseded)


# --- facts within a line -------------------------------------------------------------------------

_LABEL = re.compile(r"^\s*(?:[-*•·]|\d+[.、）)]|[（(]\d+[）)])?\s*([^：:，,。]{2,24})[：:]")
_FILLER = re.compile(r"^(?:约|大约|大概|差不多|将近|接近|近|共|合计|总计|一共|每年|一年|年|全年|年均|平均)+")


def _label_of(text: str) -> str:
    m = _LABEL.match(text)
    return m.group(1).strip().strip("*_ ") if m else ""  # "**现状与痛点**：" in Markdown bold


MIN_ORG_CHARS = 8  # 华为技术有限公司: stripping a lead word must not cut into the name itself


def _org_name(found: str) -> str:
    """ "软件和模型是佛山某某科技有限公司" → "佛山某某科技有限公司": lead words are stripped one at a time
    while a full-length name is left."""
    name = found
    while (m := _ORG_LEAD.match(name)) and len(name) - m.end() >= MIN_ORG_CHARS:
        name = name[m.end() :]
    return name.strip()


# "中国移动通信集团江西有限公司鹰潭分公司": a branch's name runs on past its group's.
_ORG_TAIL = re.compile(r"(?:[\u4e00-\u9fff]{2,8}?(?:有限公司|分公司))+")


# "莱茵孚姆（上海）自动化系统有限公司", "西门子（中国）有限公司": a place in brackets inside the name
_PLACE_IN_NAME = re.compile(
    r"(?<=[\u4e00-\u9fff])[（(]([\u4e00-\u9fff]{2,3})[）)](?=[\u4e00-\u9fff]{0,16}?(?:有限公司|有限责任公司))"
)


def _orgs(text: str) -> list[str]:
    names = []
    text = _PLACE_IN_NAME.sub(lambda m: f"﹙{m.group(1)}﹚", text)  # kept whole by the split below
    for clause in re.split(r"[，,、；;（）()：:\s]", text):
        reached = 0
        for m in _ORG.finditer(clause):
            if m.start() < reached:
                continue  # inside the branch's name read on below
            tail = _ORG_TAIL.match(clause, m.end()) if m.group(0).endswith("集团") else None
            reached = tail.end() if tail else m.end()
            name = _org_name(m.group(0) + (tail.group(0) if tail else ""))
            name = name.replace("﹙", "（").replace("﹚", "）")
            if len(name) >= 4 and name not in names:
                names.append(name)
    return names


_APPLICANT_LABEL = re.compile(
    r"^(?:公司|企业|本公司|单位|申报单位|公司名称|企业名称|甲方|甲方（采购方）|采购方|买方|需方|委托单位|委托方|客户)$"
)
_APPLICANT_ROLE = re.compile(
    rf"(?:招标人|采购人|建设单位|项目单位|项目承担单位|承担单位|申报单位|申报企业|甲方|需方)[:：，,]\s*(?:内容)?({_ORG.pattern})"
)
# "江西恒翔风机股份有限公司  协同办公平台  流程打印", "Kessler … Co., Ltd. / 吉安科斯勒…有限公司": a
# document's head naming the firm alone (or with its letterhead words) names whose document it is.
_HEAD_LINES = 3
_FIRM_HEAD = re.compile(
    rf"^\s*>?\s*(?:[A-Za-z0-9 .,()'’&-]+/\s*)?({_ORG.pattern})(?:\s+[\u4e00-\u9fff]{{2,8}}){{0,3}}"
    rf"(?:\s+(?:汇编|编制|整理|编写|填报|记录)[:：]\s*[\u4e00-\u9fff]{{2,4}})?\s*$"
)


def _applicant_named(line: _Line, text: str) -> str:
    """The applicant, when this line names it by its role or as the head of its own document."""
    if role := _APPLICANT_ROLE.search(text):
        return _org_name(role.group(1))
    # A quotation's or a contract's head names the supplier ("南昌某某有限公司 报价单").
    if line.key[1] <= _HEAD_LINES and (head := _FIRM_HEAD.match(text)) and not _LETTERHEAD.search(text):
        return _org_name(head.group(1))
    return ""


# A form's row "委托单位，鹰潭…有限公司" (a test report's client is the applicant).
_APPLICANT_CELL = re.compile(r"^(?:申报单位|公司名称|企业名称|委托单位|委托方)，")
# "苏州某某有限公司 报价单": who wrote the document, not what was done.
_LETTERHEAD = re.compile(rf"(?:{_ORG.pattern})\s*(?:报\s*价\s*单|报价表|中标通知书|合同|检测报告)")
_SUPPLIED_HEADING = re.compile(r"[^，,。；（(]{2,20}[（(][^）)]*(?:公司|部|中心)[^）)]*[）)]")
# A contract's, a report's or a memo's number (GNJC-2025-JN-0417, XB-HT-2024-0932): three or more
# dash-joined parts with capitals and digits; a model name (S7-1500) or a standard (GB/T 13471-2008) has
# fewer. It is no part of what was done: the reader drops it in brackets, the draft guard asks it away.
DOCUMENT_NUMBER = re.compile(r"(?<![A-Za-z0-9/-])[A-Z]{2,}(?:-[A-Z0-9]+){2,}(?![A-Za-z0-9-])")
_NUMBER_IN_BRACKETS = re.compile(rf"[（(]{DOCUMENT_NUMBER.pattern}[）)]")


def _implementers(line: _Line) -> list[Implementer]:
    p = _patterns()
    text = line.text
    source = _source(line.sentences[0])
    label = _label_of(text)
    if _APPLICANT_LABEL.match(label):
        return []  # "公司：某某有限公司" names the applicant, not a supplier
    found = []
    own_label = label if label and not _SUPPLIER_LABEL.match(label) else ""
    for name in _orgs(text):
        if re.match(rf"{re.escape(name)}\s*[\u4e00-\u9fff]{{2,4}}(?:部|中心|课|科)", text[text.find(name) :]):
            continue  # "某某有限公司 设备部": the applicant's own department, on a cover or a signature
        if not_an_implementer(name, text):
            continue
        system = own_label if own_label and name not in own_label else _system_before(text, name)
        if not system and (
            supplied := re.search(
                re.escape(name) + r"(?:提供|供货|负责|承建|实施)了?([^，。；,;]{2,24})", text
            )
        ):
            system = supplied.group(1)  # "由某公司提供6台喷涂机器人和离线编程软件"
        found.append(Implementer(system=system_name(system), name=name, source=source))
    for in_house in p.in_house.finditer(text):
        # "这块是信息部做的", "由公司研发中心完成": the department may sit inside the matched words.
        name = in_house_name(text[: in_house.end()])
        if name in {i.name for i in found}:
            continue
        system = own_label if not _FILLER_LABEL.match(own_label) else ""
        # "供应商：…，膜厚检测是我们设备科自己做的": the clause names what was done in house.
        system = system or _SUBJECT_EDGES.sub("", _clause_subject(text, in_house.start()))
        system = "" if len(system) <= 2 else system  # "配合自研模型": a verb, no system
        system = re.sub(r"[（(][^）)]*$", "", system).strip()
        found.append(Implementer(system=system, name=name, in_house=True, source=source))
    return found


# "另外工装夹具我们（自己做的）", "跟MES的接口（是我们…写的）": a connective before, who after — no part of what.
_SUBJECT_EDGES = re.compile(
    r"^(?:另外|此外|还有|同时|其次|然后)[，,]?|(?:是)?(?:我们|咱们|本公司|公司|企业|厂里)$"
)


_INTRODUCES_ITSELF = re.compile(
    r"^\s*(?:[（(][^）)]*[）)])?\s*(?:主要生产|主营|是一家|成立于|位于|始建于|专业从事|专注于)"
)


def system_name(said: str) -> str:
    """ "上线QMS质量管理系统（供应商" → "QMS质量管理系统": the open aside, the verb before the system and the
    role after it are no part of its name."""
    said = re.sub(r"[（(][^）)]*$", "", said).strip()
    said = re.sub(r"^(?:上线|部署|引进|采用|新建|建设)(?=.{4})", "", said)
    return re.sub(r"(?:供应商|厂家|厂商|实施方|承建方)$", "", said).strip()


def not_an_implementer(name: str, text: str) -> bool:
    """The bid agent, the consultancy, the test lab, the bank: named in the material, but they did not
    build the scene. Told by the name itself or by the role the clause gives it."""
    p = _patterns()
    if p.not_implementer_names.search(name):
        return True
    at = text.find(name)
    if _INTRODUCES_ITSELF.match(text[at + len(name) :]):
        return True  # "某某有限公司（吉安市…）主要生产…": the applicant introducing itself
    clause = (
        re.split(r"[，,；;。]", text[:at])[-1] + name + re.split(r"[，,；;。]", text[at + len(name) :])[0]
    )
    return bool(p.not_implementer_roles.search(clause))


# A line labelled by who did the work ("供应商：…") names its systems inside, not in the label.
_SUPPLIER_LABEL = re.compile(
    r"^(?:供应商|厂家|厂商|实施方|实施单位|供货方|合作方|集成商|承建方|乙方)(?:报价|信息|情况|名单|及报价)?$"
)
_SUBJECT_END = re.compile(r"是|由|用的|找的|选的|请的|采用")


def _clause_subject(text: str, at: int) -> str:
    """What the clause around ``at`` speaks of: its words before 是/由 ("膜厚检测是…做的" → 膜厚检测)."""
    start = max(text.rfind(c, 0, at) for c in "，,。；;：:")
    head = _SUBJECT_END.split(text[start + 1 : at], maxsplit=1)[0].strip(" -*•")
    return head if 2 <= len(head) <= 24 and not _DEPT.search(head) else ""


_DEPT = re.compile(
    # "研发中心仿真组", "产品研究院CAE室": a unit inside a centre or an institute keeps both names.
    r"(?:[\u4e00-\u9fff]{2,4}(?:中心|研究院|研究所)(?=[\u4e00-\u9fffA-Za-z]{2,6}(?:室|组)))?"
    r"(?:自动化|数字化|智能制造|[\u4e00-\u9fff]{2,4}?(?:[A-Za-z]{2,5})?|[A-Za-z]{2,5})"
    r"(?:(?<![内外全局])部|中心|科(?!技)(?!(?!自己|自行|自主|负责|牵头)[\u4e00-\u9fff]{2})|课|室|车间|(?<=[\u4e00-\u9fffA-Za-z]{2})(?<![班机模小分])组)"
    r"(?![\u4e00-\u9fff]*(?:(?<![内外全局])部|中心|课))"
)
_OWNER = re.compile(r"^(?:.*?(?:我们|我司|本公司|公司|企业|厂里|咱们|由|是|和|与))+")


# A department's own report says 本部门/我部 for itself; its name is in the title or the signature.
_AUTHOR_TITLE = re.compile(
    r"^\s*(?:#+\s*)?([\u4e00-\u9fff]{2,6}(?:部|中心|处|科|车间))(?=\s*(?:\d{4}|[^\s]{0,4}(?:年度|工作|总结|报告|汇报|签报|请示)))"
)
_AUTHOR_SIGNATURE = re.compile(
    r"^\s*(?:编制|报送|签发|落款)?[:：]?\s*([\u4e00-\u9fff]{2,6}(?:部|中心|处|科|车间))\s*(?:[（(][^）)]*[）)])?\s*$"
)
_SELF_DEPT = re.compile(r"本部门|我部(?!门)(?:[（(]([\u4e00-\u9fff]{2,8})[）)])?|我们部门")


def _author_department(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    for line in lines[:3]:
        if m := _AUTHOR_TITLE.match(line):
            return m.group(1)
    for line in reversed(lines[-4:]):
        if m := _AUTHOR_SIGNATURE.match(line):
            return m.group(1)
    return ""


def _name_own_department(lines: list[_Line], text: str) -> None:
    """ "本部门负责测点方案设计" in the 设备工程部's summary is "设备工程部负责…"; "我部（动力设备部）自行组织"
    names itself. Without a name the words stay as written."""
    author = _author_department(text)
    for line in lines:
        if _SELF_DEPT.search(line.text):
            line.text = _SELF_DEPT.sub(lambda m: m.group(1) or author or m.group(0), line.text)


def in_house_name(said: str) -> str:
    """ "…是我们设备动力部自己干的" → 企业设备动力部: the last department named; none → 企业自有技术团队."""
    found = [_OWNER.sub("", d) for d in _DEPT.findall(said)]
    found = [d for d in found if len(d) >= 3]
    return f"企业{found[-1]}" if found else "企业自有技术团队"


_BUILT_BEFORE = re.compile(
    r"(?:系统|平台|软件|设备|装置|机器人|生产线|产线|工作站|模块|网关|传感器|仪表)[，,]\s*$"
)


def _system_before(text: str, name: str) -> str:
    head = text[: text.find(name)]
    head = re.sub(r"^.*?(?:现在|目前|如今|后来|当时)", "", head)
    head = re.sub(r"(?:由|是|为|选用|采用|找的|请的|供应商|厂家|实施方)[:：]?\s*$", "", head)
    if _BUILT_BEFORE.search(head):  # "2号线加装4套视觉检测系统，由某公司提供": the clause before names it
        head = re.sub(r"[，,]\s*$", "", head)
        head = re.sub(
            r"^.*?(?:都|全部)?(?:加装了?|加了|上了|装了|新建了?|部署了?)\s*(?:\d+\s*[套台个条])?", "", head
        )
    head = re.split(r"[，。；;：:]|,(?!\d{3})", head)[-1].strip(" ：:-*•—–")
    head = re.sub(r"^\d+\s*[.、）)]\s*", "", head)  # "1. 北京…提供…": a list number names no system
    head = re.sub(r"(?:是)?(?:跟|和|与|同|找)?$", "", head)  # "是跟南昌某某公司一起做的": who, not what
    head = re.split(r"是|由", head)[0].strip() if re.search(r"[（(]$", head) else head  # "机器人是某某（全称"
    head = system_name(head)
    return head if 2 <= len(head) <= 24 else ""


_CHANGE_SPLIT = re.compile(
    r"^(?:由|从)(?P<before>.+?)(?:提升|提高|增加|增长|上升|缩短|减少|降低|下降|降|升|压缩|优化|减|增)(?:到|至|为)(?P<after>.+)$"
)
ASIDE = re.compile(r"[（(][^）)]*[）)]")  # an aside in brackets, one level deep
# "优等品率从93.1%到96.4%": a pair with no verb between its values.
_FROM_TO = re.compile(
    r"(?:从|由)\s*(?P<a>[^，。；,;到至]{1,12}?)\s*(?:到|至|变为|变成)\s*(?P<b>[^，。；,;]{1,12})"
)


_VERB = re.compile(r"降|升|提|减|增|缩|压")
# "每月310次降到190次": a change written with no 由/从 before its first value.
_VERB_TO = re.compile(
    r"(?<![由从\d.])(?P<a>\d[\d,.]*\s*[^\d，。；;,\s]{0,4}?)\s*(?:降到|降至|减到|减少到|减至|提高到|提升到|提升至|提到|升到|升至|增加到|增至|缩短到|缩短至)"
    r"\s*(?P<b>\d[\d,.]*\s*[^\d，。；;,\s]{0,4})"
)
# "排产耗时：每天6小时 → 0.5小时"
_ARROW = re.compile(
    # "2—3个 → 约12个", "55%（6/11）→ 89%（8/9）": a range, and an aside in brackets, before the arrow
    r"(?P<a>(?:每[\u4e00-\u9fff]{1,2})?[±]?\d[\d,.]*(?:\s*[—–~～-]\s*\d[\d,.]*)?[^\s→>，。；;\d（(]{0,6}?)"
    r"(?:[（(][^）)]{0,12}[）)])?\s*(?:→|->|—>|=>|⟶|➝)\s*"
    r"(?:平均|约|均值)?(?P<b>(?:每[\u4e00-\u9fff]{1,2})?[±]?\d[\d,.]*[^，。；;\s（(]{0,8})"
)


def _first(text: str) -> Quantity | None:
    found = [q for q in extract_quantities(text) if q.is_metric or q.kind == "plain"]
    return found[0] if found else None


def _as_written(text: str, q: Quantity) -> str:
    """ "6个人" rather than "6个", "0.42kg/件" rather than "0.42kg": what the figure's unit leaves behind."""
    follow = text[q.end : q.end + 1]
    if q.unit == "个" and follow in ("人", "台", "套", "点"):
        return q.text + follow
    if q.kind == "plain" and follow in ("起", "次", "件", "批", "项", "单", "宗"):
        return q.text + follow  # "每季度9起": a count whose measure word the parser left behind
    per = re.match(r"[\u4e00-\u9fff]{0,2}/[\u4e00-\u9fffA-Za-z³²]{1,3}(?![\u4e00-\u9fff])", text[q.end :])
    return q.text + per.group(0) if per and "/" not in q.text else q.text


def _metric_name(text: str, q: Quantity, after: bool = False) -> str:
    p = _patterns()
    head = ASIDE.sub("", text[: q.start])
    head = re.split(r"[，,；;。：:]", head)[-1]
    head = p.before_words.sub("", head)
    head = p.after_words.sub("", head)
    head = re.sub(
        r"(?:由|从|是|为|在|大概|大约|约|差不多|平均|只有|有|达到|需要|要|需|±|\+/-)+$", "", head.strip()
    )
    head = re.sub(r"(?:没有?|不)$", "", head)  # "视觉以前没有": the indicator, not the negation
    head = re.sub(r"^(?:[-*•]|\d+[.、）)])\s*", "", head).strip()
    head = _YEAR_SIDE.sub("", head).strip()  # "订单准时交付率：2022年全年85.9%": a side, no name
    before = ASIDE.sub("", text[: q.start])
    labelled = bool(re.search(r"[：:][^，,；;。：:]*$", before))
    if not _TIME_WORDS.match(head) and (head or not labelled):
        return head
    # "换型时间，上线前六个月平均是95分钟", "突发故障：去年同期9次": the clause before the one that says the
    # span or the side names the indicator
    clauses = re.split(r"[，,；;。：:]", before)
    topic = (
        re.split(r"就是|就|是|呢|嘛|吧|的话|这块|方面", clauses[-2].strip())[0] if len(clauses) > 1 else ""
    )
    return topic if 2 <= len(topic) <= 12 and not re.search(r"\d", topic) else ""


# "六个月", "一个月平均", "每月": the span the value is taken over names no indicator
_TIME_WORDS = re.compile(
    r"^(?:这|那|近|前|后)?(?:[一二两三四五六七八九十\d]+个?(?:月|年|周|天|季度)|每月|月均|每年)(?:平均|的平均|均)?$"
)


def _pairs(line: _Line) -> list[MetricPair]:
    p = _patterns()
    text = line.text
    source = _source(line.sentences[0])
    pairs = []
    for change in extract_changes(text):
        # The change's figures as written ("每月6起"), and the indicator named before 由/从.
        m = _CHANGE_SPLIT.match(change.text)
        before, after = (
            (m.group("before"), m.group("after")) if m else (change.before.text, change.after.text)
        )
        at = text.find(change.text)
        name = _metric_name(text, Quantity(text="", value=0, kind="plain", start=max(at, 0), end=max(at, 0)))
        name = name or _label_of(text)
        # "由上线前每月平均31.5小时": the value, not the words that say which side it is on.
        before, after = p.before_words.sub("", before), p.after_words.sub("", after)
        pairs.append(MetricPair(metric=name, before=before.strip(), after=after.strip(" 。"), source=source))
    for m in _ARROW.finditer(text) if not pairs else ():
        a, b = _first(m.group("a")), _first(m.group("b"))
        before = m.group("a").strip()
        if a and b and a.kind == "plain" and b.kind != "plain":  # "92.5→98.8%": one unit for both
            a = b.model_copy(update={"value": a.value})
            before = f"{before}{b.unit}" if b.unit and not before.endswith(b.unit) else before
        if a and b and _same_kind(a, b):
            at = Quantity(text="", value=0, kind="plain", start=m.start(), end=m.start())
            name = _metric_name(text, at) or _label_of(text)
            after = re.sub(
                rf"^\s*(?:{_YEAR_SIDE.pattern})\s*", "", m.group("b")
            ).strip()  # "→ 2024年全年96.2%"
            pairs.append(MetricPair(metric=name, before=before, after=after, source=source))
    for m in _VERB_TO.finditer(text) if not pairs else ():
        a, b = _first(m.group("a")), _first(m.group("b"))
        if a and b and _same_kind(a, b):
            at = Quantity(text="", value=0, kind="plain", start=m.start(), end=m.start())
            name = _metric_name(text, at) or _label_of(text)
            pairs.append(MetricPair(metric=name, before=a.text, after=b.text, source=source))
    for m in _FROM_TO.finditer(text):  # also beside other changes: "…降到9.2小时，OEE从71%提到83.6%"
        if any(
            m.group("b").strip(" 。") in (x.after, x.after + "。") or x.after in m.group("b") for x in pairs
        ):
            continue
        # "从71%提到83.6%": the verb just before 到 is the change's own, not a second clause.
        said_a = re.sub(r"(?:提升|提高|提|降低|降|减少|减|增加|增|缩短|缩|压缩|上升|升)$", "", m.group("a"))
        a, b = _first(said_a), _first(m.group("b"))
        if a and b and _same_kind(a, b) and not _VERB.search(said_a):
            at = m.start()
            name = _metric_name(text, Quantity(text="", value=0, kind="plain", start=at, end=at))
            pairs.append(
                MetricPair(metric=name or _label_of(text), before=said_a, after=m.group("b"), source=source)
            )
    by_year = _pairs_by_year(text, source)
    if pairs:
        return pairs + by_year
    # "以前…6个人…，现在…4个人", a table row "良率，改造前94.3%，改造后97.6%"; each ；-segment on its
    # own ("以前每班焊工10人，现在每班4人；合格率原来93.2%，现在98.7%" is two comparisons).
    # "改造后（平台运行后5个项目平均）1.8轮": the column's name in brackets holds no value of the row
    named = re.sub(r"(?<=改造[前后])（[^）]*）", lambda m: "（" + "x" * (len(m[0]) - 2) + "）", text)
    quantities = [
        q
        for q in extract_quantities(named)
        if (q.is_metric or q.kind == "plain") and not _span_of_time(named, q)
    ]
    for segment in re.finditer(r"[^；;]+", text):
        before_mark = p.before_words.search(text, segment.start(), segment.end())
        after_mark = p.after_words.search(text, before_mark.end(), segment.end()) if before_mark else None
        if before_mark and not after_mark:  # "以前每月11次，2025年1—9月平均每月3次": a period says "after"
            after_mark = _after_span(text, before_mark.end(), segment.end(), quantities)
        if before_mark and after_mark:
            first = [q for q in quantities if before_mark.start() <= q.start < after_mark.start()]
            second = [q for q in quantities if after_mark.start() <= q.start < segment.end()]
            pairs += _matched_pairs(text, first, text, second, source)
    return pairs + by_year


_SPAN_AFTER = re.compile(r"^(?:的)?(?:平均|均值|月均|累计|合计|内|里|中)")


def _span_of_time(text: str, q: Quantity) -> bool:
    """ "上线前六个月平均是95分钟", "取今年1月到5月这五个月": the span the values are taken over, no value."""
    return q.kind == "duration" and (
        bool(_SPAN_AFTER.match(text[q.end : q.end + 3]))
        or text[max(0, q.start - 1) : q.start] in ("这", "那", "近")
    )


# "2024年上半年是1.92立方米/平方米，2025年上半年1.85": the years say which value came first.
_YEAR_SIDE = re.compile(
    r"((?:19|20)\d{2})\s*年(?:度)?(?:上半年|下半年|全年|同期|[一二三四]季度|Q[1-4]|\d{1,2}\s*(?:[—–~-]\s*\d{1,2}\s*)?月)?"
)


def _pairs_by_year(text: str, source: Source) -> list[MetricPair]:
    pairs = []
    values = [q for q in extract_quantities(text) if q.is_metric or q.kind == "plain"]
    for segment in re.finditer(r"[^；;。]+", text):
        sides = list(_YEAR_SIDE.finditer(text, segment.start(), segment.end()))
        for i, (earlier, later) in enumerate(itertools.pairwise(sides)):
            if earlier.group(1) >= later.group(1):
                continue  # "拿2025年上半年跟2024年上半年比": which came first is said by the order of values
            end = sides[i + 2].start() if i + 2 < len(sides) else segment.end()
            first = [q for q in values if earlier.end() <= q.start < later.start()][:1]
            second = [q for q in values if later.end() <= q.start < end][:1]
            if not first or not second:
                continue
            a, b = first[0], second[0]
            if b.kind == "plain" and a.unit:  # "…1.92立方米/平方米，2025年上半年1.85": one unit for both
                b = b.model_copy(update={"unit": a.unit, "kind": a.kind, "text": f"{b.text}{a.unit}"})
            if not _same_kind(a, b) or a.kind == "money":
                continue
            said_before = Quantity(text="", value=0, kind="plain", start=earlier.start(), end=earlier.start())
            clause = re.split(r"[，,；;。：:]", text[: earlier.start()].rstrip("，, "))[-1]
            clause = re.sub(r"^(?:然后|还有|另外|那个|就是|嗯)+", "", clause.strip())
            name = _metric_name(text, said_before) or (
                clause if 2 <= len(clause) <= 16 else ""
            )  # "单位产品的气耗，2024年…"
            pairs.append(MetricPair(metric=name, before=a.text, after=b.text, source=source))
    return pairs


LIST_REACH = 12  # lines below a list of before-values where its list of after-values may stand
MIN_NAME_OVERLAP = 0.6


def _same_name(name_a: str, name_b: str) -> bool:
    """Two indicator names that share most of their characters ("年用电量" is not "预计年节电")."""
    a, b = set(name_a), set(name_b)
    return bool(a and b) and len(a & b) / min(len(a), len(b)) >= MIN_NAME_OVERLAP


_VALUE_WORD = re.compile(r"^(?:实测|测量|实际|检测|测试|统计|平均|月均)?(?:值|数值|数据|均值|结果)?$")
_FREQUENCY = re.compile(r"^(?:每[\u4e00-\u9fff]{1,2}|月均|日均|年均|周均|平均每[\u4e00-\u9fff]{1,2})$")


def _matched_pairs(
    text_a: str,
    first: list[Quantity],
    text_b: str,
    second: list[Quantity],
    source: Source,
    same_names: bool = False,
) -> list[MetricPair]:
    """Each after-value paired with the before-value of the same indicator: same kind, the most words
    of its name in common, then the nearest place in its list; with ``same_names`` (values on lines
    far apart) only where both values name the indicator alike."""
    pairs = []
    first = list(first)
    for j, b in enumerate(second):
        name_b = _metric_name(text_b, b, after=True)
        same = [a for a in first if _same_kind(a, b)]
        if not same:
            continue
        a = max(
            same,
            key=lambda q: (
                len(set(_metric_name(text_a, q)) & set(name_b)),
                -abs(first.index(q) - j),
                q.start,
            ),
        )
        if same_names and not _same_name(_metric_name(text_a, a), name_b):
            continue
        first.remove(a)
        name = _metric_name(text_a, a) or name_b or _label_of(text_a) or text_a.split("，")[0]
        before, after = _as_written(text_a, a), _as_written(text_b, b)
        if _FREQUENCY.match(name) and (row := text_a.split("，")[0].strip()) and row != name:
            # "喷码类客户投诉，改造前每季度9起，改造后每季度1起": the row names the indicator; the
            # frequency belongs to the values.
            name, before, after = row, f"{name}{before}", f"{name}{after}"
        elif _VALUE_WORD.match(name) and (row := text_a.split("，")[0].strip()) and row != name:
            name = row  # "整流系统效率，改造前实测值91.2%": the column says how it was measured, the row what
        pairs.append(MetricPair(metric=name, before=before, after=after, source=source))
    return pairs


def _pairs_by_row_name(
    lines: list[_Line], facts: SceneFacts
) -> tuple[list[MetricPair], set[tuple[str, int]]]:
    """A table of the state before ("计划达成率，改造前78.4%") and, sections later, a table of the effect
    ("计划达成率，改造后92.6%"): rows of one indicator's name make one pair, however far apart. Also the
    lines they came from, and rows that only repeat one of their values ("计划达成率，现状78.4%")."""
    p = _patterns()
    named = {pair.metric for pair in facts.pairs}
    befores: dict[str, tuple[str, Quantity, tuple[str, int]]] = {}
    found: list[MetricPair] = []
    used: set[tuple[str, int]] = set()
    rows: list[tuple[str, Quantity, tuple[str, int]]] = []
    for line in lines:
        label, _, rest = line.text.partition("，")
        label = label.strip()
        if not rest or not 2 <= len(label) <= 24 or label in named or re.search(r"\d", label):
            continue
        rest = ASIDE.sub("", rest)  # "改造前（13周均值）78.4%": the aside is no value
        values = [q for q in extract_quantities(rest) if q.is_metric or q.kind == "plain"]
        before, after = p.before_words.search(rest), p.after_words.search(rest)
        key = (line.sentences[0].file, line.sentences[0].line)
        if len(values) == 1:
            rows.append((label, values[0], key))
        if len(values) != 1 or bool(before) == bool(after):
            continue
        if before:
            befores[label] = (rest, values[0], key)
        elif label in befores and _same_kind(befores[label][1], values[0]):
            said = befores.pop(label)
            used |= {said[2], key}
            found.append(
                MetricPair(
                    metric=label,
                    before=_as_written(said[0], said[1]),
                    after=_as_written(rest, values[0]),
                    source=_source(line.sentences[0]),
                )
            )
    values_of = {(x.metric, v) for x in found for v in (x.before, x.after)}
    used |= {key for label, q, key in rows if any(m == label and q.text in v for m, v in values_of)}
    return found, used


def _pairs_across(lines: list[_Line], facts: SceneFacts) -> list[MetricPair]:
    """ "以前每月停机20次。" then "现在每月停机5次。": one indicator before and after on nearby lines."""
    p = _patterns()
    paired = {x for pair in facts.pairs for x in (pair.before, pair.after)}
    found: list[MetricPair] = []
    for i, first in enumerate(lines):
        if not p.before_words.search(first.text) or p.after_words.search(first.text):
            continue
        a_all = [q for q in extract_quantities(first.text) if q.is_metric and q.text not in paired]
        if not a_all:
            continue
        # A list of values is answered by a list further down (a chat between them); one value, nearby.
        for second in lines[i + 1 : i + (LIST_REACH if len(a_all) > 1 else 3)]:
            if not p.after_words.search(second.text) or p.before_words.search(second.text):
                continue
            b_all = [q for q in extract_quantities(second.text) if q.is_metric and q.text not in paired]
            if len(a_all) > 1 and len(b_all) == len(a_all):
                # "改前：每班4人，合格率91%…" / "改后：每班1人，合格率98.5%…": a list for a list, each value
                # beside one of the same name ("年用电量" is not "预计年节电").
                matched = _matched_pairs(
                    first.text, a_all, second.text, b_all, _source(second.sentences[0]), same_names=True
                )
                if matched:
                    found += matched
                    paired |= {x for pair in matched for x in (pair.before, pair.after)}
                    break
            if (
                len(a_all) == 1
                and len(b_all) == 1
                and _same_kind(a_all[0], b_all[0])
                and a_all[0].unit == b_all[0].unit
            ):
                name = _metric_name(second.text, b_all[0], after=True) or _metric_name(first.text, a_all[0])
                found.append(
                    MetricPair(
                        metric=name,
                        before=a_all[0].text,
                        after=b_all[0].text,
                        source=_source(second.sentences[0]),
                    )
                )
                paired |= {a_all[0].text, b_all[0].text}
                break
    return found


_YEARISH = r"\d{4}\s*年[^，。；;,）)]{0,14}?"
_PERIOD_SPAN = re.compile(
    # (a dash joins the two ends of one span, "2024年10月—2025年3月", and compares nothing)
    rf"(?P<a>{_YEARISH})\s*(?:对比|比|相比|较|与|和|vs\.?|VS\.?|对)\s*(?P<b>{_YEARISH})(?=$|[，。；;,）)\s]|对比|同期)"
)


_DATE_SPAN = re.compile(
    r"\d{4}\s*[—–~-]\s*\d{4}\s*年(?:度)?"  # "2022—2023年": two years, one span
    r"|\d{4}\s*年(?:\d{1,2}\s*月?\s*(?:[到至—–~-]\s*(?:\d{4}\s*年)?\d{1,2})?\s*月)?(?:全年|上半年|下半年|同期)?"
    r"|\d{4}\.\d{1,2}\s*[到至—–~-]\s*(?:\d{4}\.)?\d{1,2}"
)
_BEFORE_SPAN = re.compile(r"(?:投用前|上线前|改造前|实施前|建设前)\s*[（(](\d{4}\s*年[^）)]{0,20})[）)]")
_AFTER_SPAN = re.compile(r"(?:投用后|上线后|改造后|实施后|建成后)\s*[（(](\d{4}\s*年[^）)]{0,20})[）)]")
# "改造前数据取2024年度均值，改造后数据取2025年二、三季度（4月—9月）均值": each side names its own span.
_SIDE = (
    r"(\d{4}\s*年(?:度|全年|上半年|下半年)?(?:前?[一二三四、]{1,7}季度|Q[1-4](?:\s*[+–—-]\s*Q?[1-4])?"
    r"|\d{1,2}\s*月?\s*[—–~-]\s*\d{1,2}\s*月|\d{1,2}\s*月(?:\s*[—–~-]\s*\d{4}\s*年\s*\d{1,2}\s*月)?)?"
    r"(?:\s*[（(]\d{1,2}月?\s*[—–~-]\s*\d{1,2}月[）)])?)"
)
_BEFORE_SAID = re.compile(rf"(?:投用前|上线前|改造前|实施前|建设前)[^，。；\d]{{0,8}}?{_SIDE}")
_AFTER_SAID = re.compile(rf"(?:投用后|上线后|改造后|实施后|建成后)[^，。；\d]{{0,8}}?{_SIDE}")


# "以2023年1月—12月为改造前统计期、2024年11月—2025年10月为改造后统计期": each side named after its span
_SIDES_NAMED_AFTER = re.compile(
    r"(\d{4}[^，。；、]{0,16}?)为(?:改造|实施|上线|投用|建设)前(?:的)?统计(?:期|周期)[、，,]\s*"
    r"(\d{4}[^，。；、]{0,16}?)为(?:改造|实施|上线|投用|建设)后(?:的)?统计(?:期|周期)"
)


# "（3—8月，与2024年同期相比）": the months said once, the base year named by 同期.
_SAME_MONTHS_YEAR_BEFORE = re.compile(
    r"(?<![\d年])(?P<months>\d{1,2}\s*[—–~-]\s*\d{1,2}\s*月)[^。；;]{0,8}?(?:与|和|跟|较|比)\s*(?P<year>(?:19|20)\d{2})\s*年\s*同期"
)


# "2025年4月21日—9月20日，跟2024年同一段比": the span said once with its year, the base year named.
_SPAN_YEAR_BEFORE = re.compile(
    r"(?P<year>(?:19|20)\d{2})年(?P<rest>\d{1,2}月(?:\d{1,2}日)?\s*[—–~-]\s*\d{1,2}月(?:\d{1,2}日)?)"
    r"[^。；;]{0,6}?(?:与|和|跟|较|比)\s*(?:(?P<base>(?:19|20)\d{2})\s*年|去年|上年)\s*"
    r"(?:同期|同一段|同一时段|同一时期|同一期间)"
)


def _period(text: str) -> str:
    p = _patterns()
    if same := _SPAN_YEAR_BEFORE.search(text):
        base = same["base"] or str(int(same["year"]) - 1)  # 去年 of the span's own year
        return f"{base}年{same['rest']}与{same['year']}年{same['rest']}对比"
    if same := _SAME_MONTHS_YEAR_BEFORE.search(text):
        months, base = (
            re.sub(r"\s|[–~-]", lambda m: "" if m[0].isspace() else "—", same["months"]),
            same["year"],
        )
        return f"{base}年{months}与{int(base) + 1}年{months}对比"
    if sides := _SIDES_NAMED_AFTER.search(text):
        return f"{sides.group(1)}与{sides.group(2)}对比"
    span = _AFTER_SPAN.search(text)
    base = _BEFORE_SPAN.search(text)
    if span and base:  # "实施前(2022年) … 实施后(2024年1-10月)": both sides of the comparison
        return f"{base.group(1)}与{span.group(1)}对比"
    said_before, said_after = _BEFORE_SAID.search(text), _AFTER_SAID.search(text)
    if said_before and said_after and not span:
        return f"{said_before.group(1)}与{said_after.group(1)}对比"
    if span:
        return span.group(0).replace("（", "").replace("）", "").replace("(", "").replace(")", "")
    label = p.period_label.search(text)
    if label:
        rest = re.sub(r"^(?:为|是|取)", "", text[label.end() :].lstrip("：: "))  # "统计区间为…"
        rest = re.split(r"[。；;：:]", rest)[0]
        rest = re.sub(r"[（(][^）)]*[，,][^）)]*[）)]?.*$", "", rest).strip(
            " （("
        )  # an aside, not the period
        rest = re.sub(r"\s*(?:vs\.?|VS\.?)\s*", "与", rest)
        rest = re.sub(r"[，,]\s*(?=与|和|对比|相比)", "", rest)  # "2025年3月—8月，与2024年…同期对比"
        if rest.count("）") + rest.count(")") > rest.count("（") + rest.count("("):
            rest = rest.rstrip(" ）)")  # "（对比：25年3、4、5三个月 vs 24年…）": the aside's own bracket
        if re.search(r"\d{4}", rest):
            return rest
    spans = _DATE_SPAN.findall(text)
    if len(spans) >= 2 and re.search(
        r"对比|比较|同比|相比|vs|上线前|改造前|上线后|改造后|实施前|实施后|[跟和与同].{0,16}比(?![例重率])",
        text,
        re.IGNORECASE,
    ):
        earlier, later = sorted(spans[:2], key=lambda span: re.findall(r"\d{4}", span)[0])
        return f"{earlier}与{later}对比"  # the base period first, however the sentence put them
    m = _PERIOD_SPAN.search(text)
    if m:
        a, b = m.group("a").strip(), m.group("b").strip()
        return f"{a}与{b}对比" if "对比" in text or "比" in text or "vs" in text.lower() else f"{a}与{b}"
    before = p.before_words.search(text)
    quantities = [q for q in extract_quantities(text) if q.is_metric or q.kind == "plain"]
    if before and (after := _after_span(text, before.end(), len(text), quantities)):
        return after.group(0)  # "以前…，2025年1—9月平均每月3次": the span the after-value was measured over
    return ""


def _after_span(text: str, start: int, end: int, quantities: list[Quantity]) -> re.Match[str] | None:
    """In "以前每月11次，2025年1—9月平均每月3次" the span of months between the two values, in the
    same sentence, marks the after-value; "以前…每天两次。2024年全年…14次" names no after-side."""
    end = min([i for i in (text.find(c, start, end) for c in "。！？") if i >= 0] or [end])
    said = [q for q in quantities if start <= q.start < end]
    span = _SPAN_OF_MONTHS.search(text, said[0].end, end) if said else None
    if span and any(q.start >= span.end() for q in said):
        return span
    return None


# A span of months, not a day or a go-live month: "2025年1—9月", "2025年上半年", "2025年三季度".
_SPAN_OF_MONTHS = re.compile(
    r"\d{4}\s*年(?:\d{1,2}\s*月?\s*[到至—–~-]\s*\d{1,2}\s*月|全年|上半年|下半年|[一二三四]季度|度)"
)


# A table row whose before-cell is a dash ("项目投资，实施前(2022年)—，实施后1350万元"): money spent, not a change.
_NOTHING_BEFORE = re.compile(r"前\s*(?:[（(][^）)]{0,16}[）)])?\s*[—－]+\s*(?:[，,]|$)")
_STRONG_RETURN = re.compile(r"节约|节省|省了|省下|省(?![级内外市份厅委会])|收入|增收|效益|收益")


def _sentence_of(text: str, at: int) -> str:
    start = max(text.rfind(c, 0, at) for c in "。；;")
    ends = [i for i in (text.find(c, at) for c in "。；;") if i >= 0]
    return text[start + 1 : min(ends) if ends else len(text)]


_UNIT_PRICE = re.compile(r"单价|每台|每套|每个|每人|人均|按年利率|年利率|单位成本")
_BARE_SAVING = re.compile(r"(?:一年|每年|年)?(?:能)?(?:省|省下|节约|节省)")
_GAIN_WORD = re.compile(r"节约|节省|减少|降低|增加|效益|收益|省")
_STRONG_INVESTMENT = re.compile(r"投资|投入|造价|合同")
_ROW_RETURN = re.compile(
    r"^[^\d]{0,6}(?:节约|节省|减少|降低)[^\d]{0,10}(?:费用|成本|支出|损失)$|^[^\d]{0,10}(?:效益|收益)$"
)
_GENERIC_LABEL = re.compile(
    r"^(?:合同金额|金额|费用|价格|合同价|总价|小计|金额（万元）|含税金额|实际支出|实际投资|决算金额|审定金额|结算金额|改造后"
    r"|原值(?:（万元）)?|入账(?:金额)?|中标价|结算价|合同额|合同总额|价款|报价|合同价调整(?:为)?"
    r"|[Aa]mount|[Cc]ost|[Pp]rice)$"
)


_BASIS = re.compile(r"(?<!（)(?<!\()按[^，。；;）)]{0,16}?(?:算|计|折算|测算)")


_GENERIC_MONEY = re.compile(
    r"金额|费用|价格|合计|总计|共计|一共|总共|\b(?:[Aa]mount|[Cc]ost|[Pp]rice|[Tt]otal)\b"
)  # name no investment by themselves
_THIS_SCENE = re.compile(
    r"(?:其中)?本(?:场景|项目)(?:合计|小计|总投资|投资)?(?=[（(，,\s]|合计|金额|共|总投资|\d|$)"
)
_POINTS_TO = re.compile(r"\s*(?:→|->|⟶|➝)\s*")  # "38万 → 苏州迅行": who the amount went to
_PRODUCT = re.compile(r"[\d.,]+\s*[^\d，,。；;=×xX*]{0,6}\s*[×xX*]\s*[\d.,]+[^\d，,。；;=]{0,8}?(?==|＝)")


_FACTORS = re.compile(r"[（(][^（()）]*[\d.]\s*[^\d（()）]{0,6}\s*[×xX*]\s*[\d.][^（()）]*[）)]")


_BASIS_CELL = re.compile(
    r"(?:计算|测算|核算)依据.*?(?=[，,](?:金额|合计|效益|收益|节约额)|$)"
    r"|(?:算法|计算方法|计算公式)(?:是|为|[:：])[^，。；;]*"  # "算法是52万吨×32.5公里×每吨公里降0.11元"
)


def _bases(text: str) -> list[tuple[int, int]]:
    """Spans of figures that are the basis of a computation rather than an item: a 按…算 clause, and
    within one ；-segment the clause just before it when a money figure follows it
    ("在制品资金占用减少850万元，按年利率4.35%算，财务费用省约37万")."""
    spans: list[tuple[int, int]] = []
    # "AGV 12台 × 18万 = 216万": the factors are bases, the product is the amount.
    spans += [(m.start(), m.end()) for m in _PRODUCT.finditer(text)]
    # "人工 ≈ 138万/年（16人 × 8.6万）": factors in brackets explain the amount before them
    spans += [(m.start(), m.end()) for m in _FACTORS.finditer(text)]
    # A table's 计算依据 cell: what the amount in the next cell was computed from
    spans += [(m.start(), m.end()) for m in _BASIS_CELL.finditer(text)]
    for segment in re.finditer(r"[^；;。]+", text):
        seg = segment.group(0)
        for m in _BASIS.finditer(seg):
            start, end = segment.start() + m.start(), segment.start() + m.end()
            spans.append((start, end))
            after = seg[m.end() :]
            if any(q.kind == "money" or q.text.endswith("万") for q in extract_quantities(after)):
                clause_start = max(seg.rfind(c, 0, max(0, m.start() - 1)) for c in "，,")
                spans.append((segment.start() + clause_start + 1, start))
    return spans


def _money(line: _Line, facts: SceneFacts, section: str = "") -> bool:
    """Investment and returns of one line; True when the line was only a money fact.

    The section the line sits under (## 年收益, === 五、钱 ===) settles what the words of the line
    leave open; a figure that is a basis of a computation (单价, 人均, "按年利率4.35%算") is not an item.
    """
    p = _patterns()
    text = line.text
    source = _source(line.sentences[0])
    found = extract_quantities(text)
    money = [q for q in found if q.kind == "money"]
    if money or p.investment.search(text) or p.returns.search(text):
        # "…大概8万" beside other money on a money line is money too.
        money = [
            q
            for q in found
            if q.kind == "money" or (q.kind == "count" and not q.unit and q.text[-1] in "万亿")
        ]
    if not money:
        return False

    def a_result(segment: str) -> bool:  # 备件库存金额由260万元降至185万元: a result, not a cost
        return bool(
            extract_changes(segment)
            or _ARROW.search(segment)
            or (
                p.before_words.search(segment)
                and p.after_words.search(segment)
                and not _NOTHING_BEFORE.search(segment)
            )
        )

    if a_result(text) and all(a_result(_segment_of(text, q.start)) and not _per_year(text, q) for q in money):
        return False
    bases = _bases(text)
    # "五、投资和效益" names both: the words of each line decide.
    in_returns = bool(
        re.search(r"收益|效益|节约|节省|(?i:returns|savings|benefits)", section)
    ) and not re.search(r"投资|投入|费用|造价|(?i:\bcost|capex|investment)", section)
    in_costs = (
        bool(
            re.search(r"投资|投入|供应商|钱|费用|合同|报价|采购|(?i:\bcost|capex|investment|budget)", section)
        )
        and not in_returns
    )
    # (a cost section still holds returns its words name: "外仓一年租金180万元" under 【钱】)
    used = False
    returns_before = len(facts.returns)
    seen: list[tuple[Quantity, int]] = []  # the amounts taken so far, with where they stand
    previous: tuple[str, bool] | None = None  # (sentence, was a return) of the amount before
    # A comma inside brackets ("（公司信息中心，内部人工工时折算）") or a number (1,740) ends no clause.
    unbracketed = re.sub(r"[（(][^）)]*[）)]", lambda m: "（" + "x" * (len(m[0]) - 2) + "）", text)
    unbracketed = re.sub(r"(?<=\d),(?=\d{3})", "x", unbracketed)
    previous_end = -1
    for q in money:
        clause_start = max(unbracketed.rfind(c, 0, q.start) for c in "，,；;。")
        if aside := next((m for m in ASIDE.finditer(text) if m.start() < q.start < m.end()), None):
            # "总投资1380万元（其中设备1020万元，软件及实施360万元）": an amount in brackets is named there
            clause_start = max(text.rfind(c, aside.start(), q.start) for c in "（(，,；;、")
        if clause_start < previous_end and text[previous_end : q.start].startswith("、"):
            clause_start = previous_end  # "其中APS软件118万元、采集盒31.2万元": the list's next item
        previous_end = q.end
        ends = [i for i in (unbracketed.find(c, q.end) for c in "，,；;。") if i >= 0]
        clause = text[clause_start + 1 : min(ends) if ends else len(text)]  # never the next sentence's words
        # A result's segment may go on to a saving of its own ("由每班3人减为1人，节约人工费用约54万元").
        in_result = not _per_year(text, q) and (
            a_result(clause) or (a_result(_segment_of(text, q.start)) and not _STRONG_RETURN.search(clause))
        )
        if (
            re.search(r"(?:核减|优惠|让利|折让|降价|下浮)[了约]?$", text[max(0, q.start - 5) : q.start])
            or re.search(
                r"(?:变更|签证|追加)[^，,。；;]{0,30}?(?:增加|追加)(?:的|了)?约?$",
                text[max(0, q.start - 40) : q.start],
            )
            or any(a.value == q.value for a, _ in seen)
        ):
            continue  # an adjustment of a price (a change order's 增加26万元), or the same amount said again
        per_unit = re.match(
            r"\s*/\s*(?:人|台|套|个|吨|件|月|平方米|m|kWh|千瓦时|度|t|kg|立方|方|小时|h|pcs|只|片|米)",
            text[q.end : q.end + 5],
        )
        said_before = text[clause_start + 1 : q.start]
        rate = (unit := _UNIT_PRICE.search(said_before)) and not _GAIN_WORD.search(said_before[unit.end() :])
        if _UNIT_PRICE.search(text[max(0, q.start - 6) : q.start]) or rate or in_result or per_unit:
            continue  # 8万元/人·年, "每人一年连社保9.6万元": a rate a return is computed from, not a return
        if any(start <= q.start < end for start, end in bases):
            continue
        if p.funding.search(clause) or p.funding.search(_label_of(text)):
            continue  # a subsidy pays for the scene; it is neither its cost nor a return of it
        before = text[max(0, q.start - 8) : q.start]
        said_return = bool(_STRONG_RETURN.search(clause)) or (
            bool(p.returns.search(clause)) and not p.investment.search(before.replace("合计", ""))
        )
        row_label = re.split(r"[，,]", text, maxsplit=1)[0]
        if not said_return and _ROW_RETURN.search(row_label):
            said_return = True  # a table row "年节约运输费用，改造后171万元": its first cell says what it is
        # "每年节约：蒸汽约28万元，人工约120万元，…": the line's label speaks for every amount after it.
        sentence = _sentence_of(text, q.start)
        # "年效益：…节约36万元。合计189万元": the line's label speaks for its later sentences too.
        label_says = _label_of(sentence) or _label_of(text)
        if label_says and not _orgs(label_says):
            # "紧急采购溢价和加急运费减少：41万元": the label's last word of either kind says which it is.
            last_return = max((m.end() for m in p.returns.finditer(label_says)), default=-1)
            last_cost = max((m.end() for m in p.investment.finditer(label_says)), default=-1)
            if last_return > last_cost:
                said_return = True
            elif last_cost > last_return and not _STRONG_RETURN.search(clause):
                said_return = False
        # Under a returns heading a table's 金额 column names no investment.
        is_return = said_return or (in_returns and not p.investment.search(_GENERIC_MONEY.sub("", clause)))
        neutral = not p.returns.search(clause) and not p.investment.search(clause) and not _orgs(clause)
        if neutral and previous is not None and previous[0] == sentence:
            is_return = previous[1]  # "每年省人工约72万，油漆约40万": the list goes on as it began
        totals_the_returns = p.total.search(
            text[max(0, q.start - 6) : q.start]
        ) and not _STRONG_INVESTMENT.search(clause)
        if totals_the_returns and previous is not None and previous[0] == sentence and previous[1]:
            is_return = (
                True  # "每年…约32万元、…约118万元，合计约150万元": the returns' sum, not a second investment
            )
        previous = (sentence, is_return)
        # Only a subtotal said of a supplier ("→ 苏州迅行 合计254万"); "…，合计450万" is the scene's total.
        of_supplier = bool(_POINTS_TO.search(clause) or _orgs(clause))
        if (
            of_supplier
            and re.search(r"合计|小计|共计|共", text[max(0, q.start - 6) : q.start])
            and any(
                math.isclose(sum(a.value for a, _ in seen[-k:]), q.value, rel_tol=1e-6)
                for k in range(2, len(seen) + 1)
            )
        ):
            continue  # "216万；软件38万 → 某公司合计254万": a subtotal of the amounts just listed
        seen.append((q, q.start))
        item = _item_label(text, q, clause_start, several=len(money) > 1) or ""
        # "其中本场景（1—5项），金额582万元": the scene's own share, said in the amount's own clause or row.
        row_label = re.split(r"[，,]", text, maxsplit=1)[0]
        own = _THIS_SCENE.search(clause) or (
            _THIS_SCENE.match(row_label)
            if not re.search(r"\d", re.sub(r"[（(][^）)]*[）)]", "", row_label))
            else None
        )
        this_scene = bool(own) and not p.returns.search(clause)
        if this_scene and own is not None:
            item = own.group(0)
        amount = Amount(item=item, amount=q.text, source=source)
        # "平台软件及实施：某公司，合计138万元" is one item's total; "总计340万元" is the scene's.
        # (what a bracket says the total includes — "（含…研究院内部投入）" — names no item)
        bare_clause = ASIDE.sub("", clause)
        names_item = bool(
            _orgs(bare_clause) or p.in_house.search(bare_clause) or (item and not p.total.search(item))
        )
        # A table row labelled 合计（1—3项） totals the rows above it, whatever its amount column is called.
        row_total = bool(p.total.search(re.split(r"[，,]", text, maxsplit=1)[0])) and len(money) == 1
        is_total = (
            bool(p.total.search(text[max(0, q.start - 10) : q.start])) and not names_item
        ) or row_total
        if not is_total and (not item or _GENERIC_LABEL.match(item) or _FILLER_LABEL.match(item)):
            amount.item = _named_by_line(text, q) or item
        elif (
            _BARE_SAVING.fullmatch(item)
            and (head := _label_of(text))
            and len(head) <= 10
            and not _FILLER_LABEL.match(head)
            and not re.search(r"效益|收益|核定|测算|估算|合计|财务", head)
        ):
            amount.item = f"{_LIST_ITEM.sub('', head).lstrip('-*• ')}节约"  # "- 人工：…一年省115万元左右"
        if is_return:
            if is_total and facts.returns:
                facts.returns_total = amount
            else:
                facts.returns.append(amount)
            used = True
        elif in_costs or p.investment.search(text) or _orgs(text) or p.in_house.search(text):
            if is_total or (this_scene and facts.investment_total):
                # "合计720万元 … 其中本场景（1—5项）582万元": the scene's own share is its total.
                if this_scene or (
                    not (facts.investment_total and _THIS_SCENE.search(facts.investment_total.item))
                    and not _part_of_total(q, facts)
                ):
                    facts.investment_total = amount
            else:
                facts.investment_items.append(amount)
            used = True
    return _parts_said_before_their_sum(text, money, bases, facts, returns_before) or used


def _parts_said_before_their_sum(
    text: str, money: list[Quantity], bases: list[tuple[int, int]], facts: SceneFacts, returns_before: int
) -> bool:
    """ "12×7.2=86.4万，加35万，一年省121.4万左右": the one return the line names is the sum of the other
    amounts it says; those are the returns and it is their total."""
    taken = facts.returns[returns_before:]
    if len(taken) != 1 or facts.returns_total is not None or not (total := _first(taken[0].amount)):
        return False
    parts = [
        q
        for q in money
        if q.text != taken[0].amount and q.value < total.value and not any(a <= q.start < b for a, b in bases)
    ]
    if len(parts) < 2 or not math.isclose(sum(q.value for q in parts), total.value, rel_tol=1e-6):
        return False
    facts.returns.remove(taken[0])
    facts.returns_total = taken[0]
    for q in parts:
        clause_start = max(text.rfind(c, 0, q.start) for c in "，,；;。")
        label = re.sub(
            r"^(?:那就是?|就是|再?加上?|另外|还有)$", "", _item_label(text, q, clause_start, several=True)
        )
        # "…少了大概35万/年" said before: the same return, under the name it was given there
        named = next(
            (a.item for a in facts.returns if a.item and (v := _first(a.amount)) and v.value == q.value), ""
        )
        facts.returns = [a for a in facts.returns if not ((v := _first(a.amount)) and v.value == q.value)]
        facts.returns.append(Amount(item=named or label, amount=q.text, source=taken[0].source))
    return True


def _part_of_total(q: Quantity, facts: SceneFacts) -> bool:
    """A contract's 合计 that is one item of the scene's total already read ("合同58万…另外9.6万，一共
    67.6万"): the quotation totals its own rows, not the scene."""
    if facts.investment_total is None:
        return False

    def money(text: str) -> list[Quantity]:  # "58万" reads as a count: an amount all the same
        return [x for x in extract_quantities(text) if x.kind in ("money", "count")]

    said = [x for item in facts.investment_items for x in money(item.amount)]
    total = money(facts.investment_total.amount)
    return bool(total) and total[0].value > q.value and any(math.isclose(x.value, q.value) for x in said)


def _per_year(text: str, q: Quantity) -> bool:
    """ "72 万元/年": an amount a year is a return, whatever arrows stand before it in its line."""
    return re.match(r"\s*(?:/|／|每)年", text[q.end : q.end + 3]) is not None


def _segment_of(text: str, at: int) -> str:
    """The ；/。-segment of ``text`` around ``at``: "看火工由每班3人减为每班1人" is one, the 54万元 after the
    next ；another."""
    start = max(text.rfind(c, 0, at) for c in "；;。") + 1
    ends = [i for i in (text.find(c, at) for c in "；;。") if i >= 0]
    return text[start : min(ends) if ends else len(text)]


_FILLER_LABEL = re.compile(
    r"^(?:钱的话|钱上面|钱|费用|投资|花费|投入|收益|效益|金额|合计|其中|明细|.{0,6}说|主要设备及来源|设备及来源|主要设备)$"
)


_LIST_MARK_AHEAD = r"\s*(?:[（(]\d+[）)]|\d+[.、])"
_DASHED_ITEM = re.compile(
    rf"(?:^|[；;：:]|，(?={_LIST_MARK_AHEAD}))(?:{_LIST_MARK_AHEAD})?\s*([^；;—–，：:]{{2,40}}?)\s*[—–]{{1,2}}[^—–]+$"
)


def _item_label(text: str, q: Quantity, clause_start: int, several: bool = False) -> str:
    """What an amount is for: the line's own label ("平台软件：…"), or, on a line listing several
    amounts, the words of its clause ("仪表那批31万")."""
    label = _label_of(text)
    if label and not several and not _FILLER_LABEL.match(label):
        return label
    clause = text[clause_start + 1 : q.start]
    clause = re.sub(r"^[^：:]*[：:]", "", clause)
    clause = re.sub(r"[（(][^）)]*[）)]", "", clause)  # "…训练（上海图鉴…有限公司）": who, not what
    clause = (
        re.sub(r"\s*[—–]{1,2}\s*[^—–]*$", "", clause) if re.search(r"[—–]", clause) else clause
    )  # "X——某公司"
    clause = re.sub(r"^\s*(?:\d+[.、）)]|[（(]\d+[）)])\s*", "", clause)  # "3）设备合同价420万": a list mark
    clause = re.sub(r"^\s*其中", "", clause)  # the sentence pattern says 其中 itself
    clause = _PRODUCT.sub("", clause).rstrip("=＝ ")  # "AGV 12台 × 18万 = 216万": the item is AGV
    clause = _POINTS_TO.split(clause)[0]
    settled = re.match(
        r"^(?:后来|最后|最终)?(?:合同)?(?:谈到|谈下来|签的是|定的是|签了|按合同价?)", clause.strip()
    )
    if settled:
        return "合同价"  # "后来合同谈到152万": the price settled, whatever the clause said before it
    if not clause.strip() and (dashed := _DASHED_ITEM.search(text[:clause_start])):
        # "（2）智能电表…1,740台（套）——浙江某某有限公司，412万元": the item is what the dash follows
        item = re.sub(r"[（(][^）)]*[）)]", "", dashed.group(1)).strip()
        item = re.sub(r"\d[\d,.]*\s*[台套个件只项]?$", "", item)  # its count is no part of its name
        return _chinese_item(item[:24], text)
    if _GENERIC_LABEL.match(re.sub(r"(?:约|大概)$", "", clause.strip())) and (
        content := re.search(
            r"(?:^|[，,])(?:合同内容|建设内容|采购内容|供货内容|设备名称)([^，,]{2,24})", text
        )
    ):
        return ASIDE.sub(
            "", content.group(1)
        ).strip()  # a ledger's 项目名称 names the project, 合同内容 the item
    if _GENERIC_LABEL.match(re.sub(r"(?:约|大概)$", "", clause.strip())) or not clause.strip():
        # A table row "平台软件，供应商某公司，合同金额288万元": the row's first cell names the item.
        first = re.split(r"[，,]", text, maxsplit=1)[0]
        unbracketed = ASIDE.sub("", first)  # "数据采集网关（16台漆包机）"
        counts_only = all(q.kind == "count" for q in extract_quantities(unbracketed))  # "在线粘度计16套"
        if first and counts_only and not _orgs(first):
            first = re.sub(r"[（(][^）)]*\d[^）)]*[）)]", "", first)  # "（1.35万元/套）" is a price, no name
            if (
                len(first) > 24
            ):  # "…平台软件及实施（含路径优化、司机APP）": the aside goes before the name is cut
                first = ASIDE.sub("", first)
            return _chinese_item(_FILLER.sub("", first.strip())[:24], text)
    clause = re.sub(
        r"(?:合计|共计|一共|总计|是|为|了|达)?(?:大约|大概|差不多|(?<!节)约)?$", "", clause.strip()
    )
    clause = _FILLER.sub("", clause)
    clause = re.sub(
        r"^(?:一共|总共|共)?(?:花了|花|用了|投了|投入了)", "", clause
    )  # "一共花了一百二十万元": no item
    clause = re.sub(r"(?:一共|共|合计|总共|一年|每年|全年)(?:约|大概|大约|差不多)?$", "", clause)
    clause = re.sub(r"(?:(?<!节)约|大概|大约|差不多)$", "", clause)  # 节约 keeps its 约
    return _chinese_item(clause[:24], text)


def _named_by_line(text: str, q: Quantity) -> str:
    """A price labelled only by what it is ("合同金额288万元", "中标价218万元"): the thing its clause says
    someone supplied ("单锭检测传感器…由无锡纺联…供货安装"), else the line's head before its colon, else the
    one supplier the line names."""
    segment = _LIST_ITEM.sub("", re.split(r"[；;。]", text[: q.start])[-1])
    if (supplied := re.match(r"^\s*(?:其中)?([^，,；;：:由]{2,24}?)由", segment)) and not _orgs(
        supplied.group(1)
    ):
        return supplied.group(1).strip()
    if head := re.match(r"^([^：:，,。；;]{2,60})[：:]", text):
        name = ASIDE.sub("", _LIST_ITEM.sub("", head.group(1))).strip()
        if (
            2 <= len(name) <= 24
            and not _GENERIC_LABEL.match(name)
            and not _FILLER_LABEL.match(_FILLER.sub("", name))
        ):
            return name
    orgs = _orgs(text)
    return orgs[0] if len(set(orgs)) == 1 else ""


def _chinese_item(item: str, text: str) -> str:
    """An English row label ("Plant simulation modelling…") is no item name in a 申报书: the row's
    supplier names it instead, or nothing does."""
    if not item or re.search(r"[\u4e00-\u9fff]", item):
        return item
    orgs = _orgs(text)
    return orgs[0] if orgs else ""


def _payback(text: str) -> str:
    """The duration said with 回收期: the first after the word, else the last before it ("…两年半回本")."""
    said = _patterns().payback.search(text)
    if not said:
        return ""
    years = [q for q in extract_quantities(text) if q.kind == "duration"]
    after = [q for q in years if q.start >= said.start()]
    before = [q for q in years if q.start < said.start() and "，" not in text[q.end : said.start()]]
    chosen = after[:1] or before[-1:]
    return chosen[0].text if chosen else ""


_DATE_TEXT = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|\d{4}[-./]\d{1,2}(?:[-./]\d{1,2})?")


def _go_live(text: str) -> str:
    p = _patterns()
    m = p.go_live.search(text)
    if not m:
        return ""
    date = _DATE_TEXT.search(text)
    return date.group(0) if date else ""


# A table's row "项目名称<tab>X" / "项目名称，X": the label is the whole first cell.
_NAMED_CELL = re.compile(
    r"^\s*(?:申报用名称|场景实例名称|实例名称|项目名称|专案名称|课题名称)\s*(?:\t|，|\s{1,4})\s*([^，。；\t]{4,50})$"
)
_NAMED = re.compile(
    r"(?:(?:申报用名称|申报名称|场景实例名称|实例名称|场景名称|项目名称|专案名称|课题名称|(?:专案|项目|场景)正式名称)(?:[（(][^）)]{0,16}[）)]|[^：:“\"「，。]){0,6}|^\s*(?:[-*•]|\d+[.、）)])?\s*名称\s*)"
    r"[:：]\s*[“\"「]?([^，。；”\"」]{2,40})[”\"」]?"
)


def _is_heading(raw: str, text: str) -> bool:
    """A Markdown heading or a short line that ends in a colon: it names the section below it."""
    raw = raw.strip()
    if raw.startswith(("#", "===", "【")):
        return True
    return (
        raw.endswith(("：", ":"))
        and len(text) <= 24
        and not any(q.is_metric for q in extract_quantities(text))
    )


_LEAD_IN = re.compile(r"以下|如下|见下表|下表")
_QUOTED = re.compile(r"[“\"「]([^”\"」]{2,40})[”\"」]")
_COST_LABEL = re.compile(r"^[^，。；\d]{0,8}(?:投资|投入|费用|收益|效益)[^，。；\d]{0,16}[：:]$")


def _without_naming_clause(text: str, instance: str) -> str:
    """The line without the spoken clause that gave the instance its name ("我们冲压车间那个项目啊，就是…"):
    the name goes in the title, the clause is no statement of 描述."""
    m = _THAT_IS.search(text)
    if not m or not instance or instance_text(m.group(1)) != instance:
        return text
    start = max(text.rfind(c, 0, m.start()) for c in "。！？；\n") + 1
    return (text[:start] + text[m.end() :].lstrip("，,。")).strip("，。 ")


def _named_only(text: str) -> bool:
    """A line that gives the instance name and says nothing else worth a statement."""
    rest = next((n.sub("", text) for n in _NAMING if n.search(text)), text)
    return len(re.findall(r"[\u4e00-\u9fff]", rest)) < 12


# “棒材连轧机组…故障预测”这个场景 / 场景“电缆车间APS智能排产” / 场景：收割机割台焊接机器人人机协同作业
_QUOTED_SCENE = re.compile(
    r"[“\"「]([^”\"」]{4,40})[”\"」](?:这个|这一|的)?场景|场景(?:实例)?[“\"「]([^”\"」]{4,40})[”\"」]"
    r"|^\s*(?:#+\s*)?场景(?:实例)?\s*[:：]\s*([^，。；]{4,40}?)\s*$"
)
_CALLED = re.compile(
    r"(?:名字|名称|项目名|场景名|实例名|^项目|^场景)[^“\"「]{0,12}(?:叫|是|为|用)\s*[“\"「]([^”\"」]{2,40})[”\"」]"
)
# "名称就叫：座椅骨架…工作站", "项目名称你就写二号线…先进控制，这个名字是立项的时候定的": said, not quoted.
_CALLED_PLAIN = re.compile(
    r"(?:名字|名称|项目名|实例名)(?:你|您|就|可以|还是|统一|就用|直接)*(?:叫|写成|写|用)\s*[:：]?\s*"
    r"([\u4e00-\u9fffA-Za-z0-9#（）()·\-]{4,40}?)(?=[，。；,;！!]|这个|$)"
)
# 公司“方形铝壳电芯外观AI视觉检测系统”项目通过验收: a project named in quotes.
_QUOTED_PROJECT = re.compile(r"[“\"「]([^”\"」]{4,40})[”\"」](?:项目|专案|工程)")
# Every way a line names the instance, in the order they are trusted.
_NAMING = (_NAMED, _NAMED_CELL, _CALLED, _CALLED_PLAIN)
# "那个项目啊，就是二号涂布线的在线测厚…" names it; "这个项目，就是为了解决…" says what it is for.
_THAT_IS = re.compile(
    r"(?:项目|场景)[啊呢吧]?[，,]\s*就是(?!为了|为|要|想|让|把|解决|针对|因为|说|这样|那样)([^，。；！？]{6,30})"
)


_PROJECT_SUFFIX = re.compile(
    r"(?:技术改造|技改|改造升级|建设)?(?:项目|专案|工程)$|(?<=.{4})(?:的)?(?:导入|推行|上线)$"
)
_DOCUMENT_SUFFIX = re.compile(
    r"(?:项目)?(?:工作)?(?:阶段)?(?:汇报|总结|报告|验收报告|可行性研究报告|可研报告|通知书|说明|纪要|日志|周报|月报|方案|测算|清单|明细)$"
)


def instance_text(name: str) -> str:
    """A project's title as a scene instance's name: "…燃烧先进过程控制技术改造项目 阶段汇报" →
    "…燃烧先进过程控制"; a document's own name ("中标通知书") is no instance name."""
    # "项目名称：…系统建设项目<tab>项目单位：…（盖章）": the next label ends the name
    name = re.split(r"[\t：:]\s*(?:项目|申报|建设|承担)?(?:单位|负责人|联系人|编号)", name)[0]
    name = re.sub(r"\s+", " ", name).strip(" 。：:*")
    name = _DOCUMENT_SUFFIX.sub("", name).strip()
    # "九江华川纸业有限公司造纸生产线…": the applicant's name is the 申报书's cover, not the instance's
    name = re.sub(r"^[\u4e00-\u9fff]{2,20}?(?:股份有限公司|有限责任公司|有限公司|集团)", "", name).strip()
    if len(name) < 4 or re.match(r"^(?:这|那|该|此)(?:套|个|条|项|台|一)", name):
        return ""  # "这套系统" points at a name, it is none
    if not re.search(r"[\u4e00-\u9fff]", name):
        return ""  # "Rheinform Systems GmbH": a vendor's English letterhead names no scene of ours
    name = re.sub(
        r"[（(][一二三四五六七八九十\d]期(?:工程|项目)?[）)]$", "", name
    )  # "…管控平台（一期）": a phase
    return _PROJECT_SUFFIX.sub("", name).strip() or name


def _instance_name(lines: list[_Line], material: Material) -> str:
    # The name the writer means to submit under ("申报用名称：…") beats the project's working title.
    for line in sorted(lines, key=lambda x: "申报" not in x.text):
        m = next((found for n in _NAMING if (found := n.search(line.text))), None)
        if m and (name := instance_text(m.group(1).rstrip("。"))):
            return name
    for line in lines:
        if (m := _QUOTED_PROJECT.search(line.text)) and (name := instance_text(m.group(1))):
            return name
    if name := _project_heading(lines, material.raw_lines):
        return name
    for line in lines:
        if (m := _THAT_IS.search(line.text)) and (name := instance_text(m.group(1))):
            return name  # "我们涂布车间那个项目啊，就是二号涂布线的在线测厚和闭环控制"
    for line in lines:
        raw = material.raw_lines.get(line.key, line.text)
        if m := _QUOTED_SCENE.search(raw):
            name = next(g for g in m.groups() if g).strip().rstrip("。")
            if not _is_guide_name(name):  # “仓储物流”的场景 names a 环节, not this factory's instance
                return name
    return ""


def _is_guide_name(name: str) -> bool:
    from assistant.requirements import load_requirements
    from assistant.scenes import load_scene_table

    table = load_scene_table()
    return name in load_requirements().all_links or table.lookup(name) is not None


_BUILT = re.compile(
    r"(?:上了|建了|建成了|建设了|新建了|引进了|部署了|上线了)(?:一条|一套|一个|一座|一台|一批)?"
    r"([\u4e00-\u9fffA-Za-z0-9]{4,22}?(?:线|系统|平台|工厂|车间|立体库|仓库|产线|工作站|中心))"
)


# "在两条喷涂线上了机器人自动喷涂": what was put in, up to the clause's end.
_BUILT_DOING = re.compile(
    r"(?:上了|建了|引进了|部署了|上线了)([\u4e00-\u9fffA-Za-z0-9]{4,16})(?=[，。；,;]|$)"
)


_ABOUT_THE_DOCUMENT = re.compile(
    r"\s*(?:申报)?(?:材料|素材|整理|草稿|初稿|资料|汇总|记录|纪要|碰头会|口述|招标文件|中标结果|结果公示)"
)


def instance_from_title(material: Material) -> str:
    """The instance name from the notes' own title: a Markdown heading or a first line such as
    "成品仓智能化改造（仓储物流）——资料汇总"."""
    from assistant.drafting.offline import is_label

    lines = [line for line in material.text.splitlines() if line.strip() and not line.startswith("【")]
    if lines and (about := re.match(r"^\s*关于(.{2,24}?)的(?:材料|情况|说明|素材)", lines[0])):
        return about.group(1)
    # A slide deck's cover ("P1 封面" and the title under it); a notice's project in bold.
    cover = next(
        (i for i, line in enumerate(lines[:-1]) if re.match(r"^\s*(?:P\d+\s*)?封面\s*$", line)), None
    )
    if cover is not None and instance_text(lines[cover + 1]):
        return lines[cover + 1].strip()
    if bold := re.search(r"\*\*([^*\n]{4,40}?(?:项目|工程))\*\*", material.text):
        return bold.group(1)
    # "Project Report: Line 5 Digital Manufacturing Engineering（5号线产线仿真与虚拟调试）": an English
    # title gives its Chinese name in brackets.
    if lines and (
        chinese := re.search(r"^[\sA-Za-z0-9#:：.,&/\-]{8,}[（(]([^）)]{4,30})[）)]\s*$", lines[0])
    ):
        return chinese.group(1)
    headings = [m.group(1) for line in lines if (m := re.match(r"^\s*#+\s*(.+)$", line))]
    titled = [lines[0]] if lines and is_label(lines[0]) and re.search(r"——|—|--", lines[0]) else []
    if (
        not headings
        and not titled
        and (built := _BUILT.search(material.text) or _BUILT_DOING.search(material.text))
    ):
        return built.group(1)  # "去年上了一条转子动平衡自动检测线": what was built names the instance
    for candidate in [*headings, *titled]:
        # "…项目 招标文件（摘录：第五章 技术需求）": an aside in brackets says what the document is
        candidate = ASIDE.sub("", candidate)
        label, _, named = candidate.partition("：") if "：" in candidate else candidate.partition(":")
        if (
            named.strip()
            and re.search(r"素材|材料|场景|项目|报告|汇报|总结", label)
            and len(named.strip()) >= 4
        ):
            candidate = named  # "# 场景素材：印刷车间VOCs在线监测…", "A3报告：…": the name follows the label
        head, dash, tail = candidate.partition("——")
        if dash and len(tail.strip()) >= 4 and _ABOUT_THE_DOCUMENT.search(head):
            candidate = tail  # "智能工厂申报素材（第二稿）——硫化车间设备点检维修智能管理"
        title = re.split(r"[—\-–:：（(]", candidate)[0].strip()
        # "极片涂布外观检测 申报碰头会记录": the name ends where the words about the notes begin.
        title = _ABOUT_THE_DOCUMENT.split(title)[0].strip()
        if 2 <= len(title) <= 30:
            return title
    return ""


# --- fact sheets -----------------------------------------------------------------------------------


def _key_kind(key: object) -> str:
    name = re.sub(r"[（(][^）)]*[）)]", "", str(key)).strip().lower()  # "所属环节（初判）" → 所属环节
    # "investment_wan", "annual_saving_cny": the unit suffix says how, not what.
    names_to_try = [name, re.sub(r"_(?:wan|yuan|cny|rmb|万元|万)$", "", name)]
    for kind, names in fact_words().sheet_keys.items():
        if any(candidate in (n.lower() for n in names) for candidate in names_to_try):
            return kind
    # "年经济效益", "设备投资明细": a Chinese key that contains a known one, the longest first.
    if re.search(r"[\u4e00-\u9fff]", name):
        known = [(n, kind) for kind, names in fact_words().sheet_keys.items() for n in names if len(n) >= 2]
        for n, kind in sorted(known, key=lambda x: -len(x[0])):
            if re.search(r"[\u4e00-\u9fff]", n) and n in name and kind not in _ITEM_KINDS:
                return kind
    return ""


def _sheet_line(sheet: FactSheet, needle: str) -> int:
    needle = str(needle).strip()
    for number, line in enumerate(sheet.text.splitlines(), 1):
        if needle and needle in line:
            return number
    return 0


def _is_cjk(text: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", text))


def _read_sheet(
    sheet: FactSheet, facts: SceneFacts, statements: list[tuple[str, Source]], several: bool
) -> None:
    file = sheet.name if several else ""

    def src(value: object) -> Source:
        return Source(file=file, line=_sheet_line(sheet, str(value)))

    parent = [""]  # the key of the mapping being walked: "名称" under "场景" names the instance

    def walk(data: object, kind: str = "", label: str = "") -> None:
        if isinstance(data, dict):
            outer, parent[0] = parent[0], label
            before = next((v for k, v in data.items() if _key_kind(k) == "before"), None)
            after = next((v for k, v in data.items() if _key_kind(k) == "after"), None)
            if isinstance(before, dict) and isinstance(after, dict):  # {before: {指标: 值}, after: {…}}
                for metric, value in before.items():
                    if metric in after:
                        facts.pairs.append(
                            MetricPair(
                                metric=_display_key(metric),
                                before=_figure_text(value),
                                after=_figure_text(after[metric]),
                                source=src(value),
                            )
                        )
                return
            if before is not None and after is not None and not isinstance(before, dict | list):
                # {before: 1085, after: 1012, unit: kWh/t}: the sibling unit goes with both values.
                unit = next(
                    (str(v) for k, v in data.items() if str(k).lower() in ("unit", "units", "单位")), ""
                )
                # [{名称: 单批提取时间, 改造前: …, 改造后: …}]: the item names its metric, not the list's key
                named = next(
                    (
                        str(v)
                        for k, v in data.items()
                        if _key_kind(k) in ("item_name", "metric_name") and not isinstance(v, dict | list)
                    ),
                    "",
                )
                facts.pairs.append(
                    MetricPair(
                        metric=named or _display_key(label),
                        before=_figure_text(before, unit),
                        after=_figure_text(after, unit),
                        source=src(before),
                    )
                )
                return
            if kind in ("implementers", "investment", "returns") and _item_keys(data):
                _sheet_item(data, kind, src, facts)
                return
            for key, value in data.items():
                if _patterns().exclude.search(str(key)):
                    facts.excluded.append(Note(text=str(key), reason=MARKED_UNUSED, source=src(key)))
                    continue  # "企业概况（勿写入场景）": the whole branch stays out
                sub = _key_kind(key) or ""
                parent[0] = label
                walk(value, sub if sub and sub not in ("item_name", "metric_name") else kind, str(key))
            parent[0] = outer
            return
        if isinstance(data, list):
            for item in data:
                walk(item, kind, label)
            return
        if data is None or str(data).strip() == "":
            return
        value = str(data).strip()
        scalar(kind, label, value)

    lines = sheet.text.splitlines()
    set_aside = set()
    for number, comment in sheet.comments.items():
        if _patterns().exclude.search(comment) or _patterns().caveat.search(comment):
            set_aside.add(number)
            if lines[number - 1].lstrip().startswith("#"):  # a comment on its own line speaks of the next
                set_aside.add(number + 1)

    def scalar(kind: str, label: str, value: str) -> None:
        source = src(value)
        if kind == "meta" or _key_kind(label) == "meta" or source.line in set_aside:
            return
        if _patterns().exclude.search(value):
            facts.excluded.append(Note(text=value, reason=MARKED_UNUSED, source=source))
            return
        if _patterns().caveat.search(value) and kind in (
            "investment",
            "returns",
            "investment_total",
            "returns_total",
        ):
            facts.caveats.append(
                Note(text=f"{label}：{value}", reason="口径不确定，未写入草稿", source=source)
            )
            return
        if kind == "instance_name" or (
            _key_kind(label) == "item_name" and re.search(r"场景|scene", parent[0])
        ):
            facts.instance_name = facts.instance_name or instance_text(value) or value
        elif kind == "company":
            facts.company = facts.company or value
        elif kind == "product":
            facts.product = facts.product or value
        elif kind == "period":
            facts.period = facts.period or written_dates(value)
        elif kind == "go_live":
            facts.go_live = facts.go_live or value
        elif kind == "payback":
            facts.payback = facts.payback or _clean_figure(_figure_text(value, "年"))
        elif kind in ("investment_total", "returns_total") and extract_quantities(value):
            amount = Amount(item="", amount=_clean_figure(_figure_text(value, "万元")), source=source)
            if kind == "investment_total":
                facts.investment_total = amount
            else:
                facts.returns_total = amount
        elif kind in ("investment", "returns") and _key_kind(label) == "total":
            amount = Amount(item="", amount=_figure_text(value, "万元"), source=source)
            if kind == "investment":
                facts.investment_total = amount
            else:
                facts.returns_total = amount
        elif kind in ("investment", "returns") and extract_quantities(value):
            amount = Amount(
                item=_display_key(label) if label and _key_kind(label) != kind else "",
                amount=_figure_text(value, "万元"),
                source=source,
            )
            if kind == "investment" and not amount.item and not facts.investment_total:
                facts.investment_total = amount
            elif kind == "investment":
                facts.investment_items.append(amount)
            else:
                facts.returns.append(amount)
        elif kind == "implementers":
            names = _orgs(value)
            if names:
                for name in names:
                    system = _display_key(label) if _is_cjk(label) else ""
                    facts.implementers.append(Implementer(system=system, name=name, source=source))
            else:
                statements.append((value, source))
        else:
            # Free text becomes statements, one per sentence; a bare value under an unknown key says
            # nothing a 申报书 could use, and the key itself never reaches the draft.
            for piece in re.split(r"(?<=[。；！？])|\n+", value):
                piece = piece.strip(" -*•")
                if len(re.findall(r"[\u4e00-\u9fff]", piece)) >= MIN_STATEMENT_CJK:
                    statements.append((piece, src(piece[:12])))

    walk(sheet.data)
    for number, comment in sorted(sheet.comments.items()):
        period = _period(comment)
        source = Source(file=file, line=number)
        if not set_aside & {number} and any(q.kind == "money" for q in extract_quantities(comment)):
            # "# 合计 426万元（财务已核）": a total the keys do not carry.
            probe = Sentence(index=0, line=number, text=comment, file=file)
            _money(_Line((file, number), [probe], comment), facts)
        if period and not facts.period:
            facts.period = period
        elif _patterns().caveat.search(comment):
            facts.caveats.append(Note(text=comment, reason="口径不确定，未写入草稿", source=source))
        elif _patterns().exclude.search(comment):
            facts.excluded.append(Note(text=comment, reason=MARKED_UNUSED, source=source))


MIN_STATEMENT_CJK = 6


_ITEM_KINDS = ("item_name", "item_vendor", "item_amount")


def _item_kind(key: object) -> str:
    """A key inside one listed item (name/vendor/amount), looked up before the sheet-level kinds."""
    name = str(key).strip().lower()
    words = fact_words().sheet_keys
    return next((kind for kind in _ITEM_KINDS if name in (n.lower() for n in words[kind])), "")


def _item_keys(data: dict) -> bool:
    return any(_item_kind(k) for k in data)


def _sheet_item(data: dict, kind: str, src, facts: SceneFacts) -> None:
    texts = [str(v) for v in data.values() if not isinstance(v, dict | list)]
    if any(_patterns().caveat.search(t) for t in texts):
        facts.caveats.append(
            Note(text="；".join(texts), reason="口径不确定，未写入草稿", source=src(texts[0]))
        )
        return
    name = next((str(v) for k, v in data.items() if _item_kind(k) == "item_name"), "")
    vendor = next((str(v) for k, v in data.items() if _item_kind(k) == "item_vendor"), "")
    amount = next((v for k, v in data.items() if _item_kind(k) == "item_amount"), None)
    if kind == "implementers" and not vendor:
        # {名称: 某公司, 内容: …}: whichever field names an organisation or department is the implementer.
        who = next((t for t in texts if _orgs(t) or _DEPT.search(t)), "")
        if who:
            vendor = who
            name = next((t for t in texts if t != who and not extract_quantities(t)), "")
    if vendor:
        orgs = _orgs(vendor)
        in_house = bool(_patterns().in_house.search(vendor)) or not orgs
        if in_house:
            mark = _patterns().in_house.search(vendor)
            who = in_house_name(vendor[: mark.end()] if mark else vendor)
        else:
            who = orgs[0]
        facts.implementers.append(Implementer(system=name, name=who, in_house=in_house, source=src(vendor)))
    if amount is not None and extract_quantities(str(amount)):
        item = Amount(item=name, amount=_figure_text(amount, "万元"), source=src(amount))
        if kind == "returns":
            facts.returns.append(item)
        else:
            facts.investment_items.append(item)


def _clean_figure(text: str) -> str:
    """ "约1.3年（不含待确认项）" → "1.3年": the figure without hedges and asides."""
    text = re.sub(r"[（(][^）)]*[）)]", "", text)
    return re.sub(r"^(?:约|大约|大概)", "", text).strip()


def _figure_text(value: object, default_unit: str = "") -> str:
    text = str(value).strip()
    if default_unit and re.fullmatch(r"[\d,.]+", text):
        return text + default_unit
    return text


_ACRONYM = re.compile(r"^[a-z]{2,5}$")


def _display_key(key: object) -> str:
    """A key as a label in prose: Chinese as written; an English indicator's Chinese name where the
    glossary knows it (power_per_ton → 吨产品电耗); a short acronym upper-cased; else the words spaced."""
    text = str(key).strip()
    if named := fact_words().metric_names.get(re.sub(r"_(?:wan|yuan|cny|pct|percent)$", "", text.lower())):
        return named
    if _ACRONYM.match(text):
        return text.upper()
    return text.replace("_", " ")


# --- statements and their parts --------------------------------------------------------------------


def _statement_roles(texts: list[str]) -> list[tuple[str, dict[str, float]]]:
    """The part each statement serves, and how well it suits each part: cue words and purpose similarity."""
    if not texts:
        return []
    from assistant.drafting.offline import score_sentences
    from assistant.models import PART_KEYS

    sentences = [Sentence(index=i + 1, line=0, text=t) for i, t in enumerate(texts)]
    keys, scores = score_sentences(sentences)
    roles = []
    for row in scores:
        best = int(row.argmax())
        role = keys[best] if keys[best] in PART_KEYS and row[best] >= 0.2 else ""
        roles.append(
            (role, {k: round(float(v), 3) for k, v in zip(keys, row, strict=True) if k in PART_KEYS})
        )
    return roles


def extract_facts(material: Material) -> SceneFacts:
    from assistant.drafting.offline import is_label

    facts = SceneFacts()
    statements: list[tuple[str, Source]] = []
    labelled: dict[int, str] = {}  # statement index → the part its line's label names
    several = len(material.files) > 1
    for sheet in material.sheets:
        _read_sheet(sheet, facts, statements, several)
    # A sheet's own lines are read by key above, never as prose ("equipment_systems: …").
    sheet_files = {s.name if several else "" for s in material.sheets}
    lines = [line for line in _lines(material) if line.key[0] not in sheet_files]
    _name_own_department(lines, material.text)
    facts.instance_name = facts.instance_name or _instance_name(_lines(material), material)
    usable = _mark_lines(lines, facts, material.raw_lines)
    facts.title = instance_text(instance_from_title(material))
    _mark_terms(facts, " ".join(line.text for line in usable) + " ".join(s.text for s in material.sheets))
    section, item_heading = "", ""
    p_words, period_before, period_labelled = _patterns(), False, False
    for line in usable:
        text = line.text.strip()
        if not text:
            continue
        item_heading = _item_heading(text, material.raw_lines.get(line.key, ""), item_heading)
        period = _period(text)
        said_as_period = bool(period and p_words.period_label.search(text))
        revised = bool(
            re.search(r"改成|改为|调整为|更新为|替换", text)
        )  # "对比口径改成：上线前取2022年全年…"
        if period and (not facts.period or (said_as_period and (not period_labelled or revised))):
            # "统计区间为…" said in words settles what a table's column names suggested
            facts.period, period_labelled = period, said_as_period
            period_before = bool(p_words.before_words.search(text)) and not p_words.after_words.search(text)
        elif period and period_before and p_words.after_words.search(text) and period not in facts.period:
            # "改造前统计期2024年1月-12月" … "改造后统计期2025年3月": the two sides of one comparison
            facts.period, period_before = f"{facts.period}与{period}对比", False
        naming = next((n for n in _NAMING if n.search(text)), None)
        named = naming.search(text) if naming else None
        raw = material.raw_lines.get(line.key, "")
        if not named and (is_label(text) or _is_heading(raw, text) or section_level(raw) is not None):
            # "P3 二、建设内容", "（二）存在问题": names what follows, is no statement; "以下由财务科核算："
            # leads into the section's lines and leaves its heading in force.
            if not (is_label(text) and _LEAD_IN.search(text) and section_level(raw) is None):
                section = text
            continue
        if named:
            if _named_only(text):
                continue
            text = line.text = naming.sub("", text).strip("，。 ")  # type: ignore[union-attr]
        elif text := _without_naming_clause(text, facts.instance_name):
            line.text = text
        else:
            continue
        facts.payback = facts.payback or _payback(text)
        facts.go_live = facts.go_live or _go_live(text)
        implementers = _implementers(line)
        facts.implementers += [i for i in implementers if i.name not in {x.name for x in facts.implementers}]
        pairs = _pairs(line)
        facts.pairs += pairs
        facts.company = facts.company or _applicant_named(line, text)
        if _APPLICANT_LABEL.match(_label_of(text)) or _APPLICANT_CELL.match(text):
            facts.company = facts.company or (_orgs(text) or [""])[0]
            continue
        costs_before, returns_before = len(facts.investment_items), len(facts.returns)
        money_only = _money(line, facts, section)
        for cost in facts.investment_items[costs_before:]:
            if item_heading and (_GENERIC_LABEL.match(cost.item) or _ROLE_CELL.match(text)):
                # "1. CFD/FEA仿真软件许可" then "供方：北京数仿科技有限公司 128万元": the item is the heading's
                cost.item = item_heading
        for gain in facts.returns[returns_before:]:
            if item_heading and re.search(r"\d", gain.item):
                gain.item = item_heading  # "1. 样机试制费用减少：按…每次" over "试制约5.1万元计 96万元/年"
        if (implementers and (money_only or _label_of(text))) or money_only:
            continue  # a supplier or cost line: stated by the composer from the facts
        # A line of prose says several things: each sentence is a statement of its own, except the
        # ones the composer states from the facts (a bare before/after, a cost or a return).
        label = _label_of(text)
        part = _labelled_part(label)
        for piece in _SENTENCES.findall(_NUMBER_IN_BRACKETS.sub("", text)):
            piece = piece.strip(" ，。；")
            if part and piece.lstrip("*_ ").startswith(
                label
            ):  # "现状与痛点：改造前…": it says where, not what
                piece = re.sub(r"^[^：:]*[：:]\s*", "", piece)
            if (
                len(re.sub(r"^[^：:]{1,8}[：:]", "", piece)) < 4
                or (pairs and _pair_only(piece))
                or _money_only(piece)
            ):
                continue
            if piece.endswith(("？", "?")):
                continue  # "改造前的基数谁来给一下？": a question in the notes, not a fact
            if _ORG_ONLY.fullmatch(piece):
                continue  # "南昌某某有限公司 设备部" on a cover: who wrote it, not what was done
            if p_words.funding.search(re.split(r"[，,：:]", piece, maxsplit=1)[0]):
                continue  # "获得省级专项补助资金，…100万元": how the scene was paid for, no result of it
            if _person().search(piece):
                continue  # "范部长要求：…", "物流部 黄志明": who said or signed it, no fact of the scene
            if _LETTERHEAD.fullmatch(piece):
                continue  # "苏州瑞焊…有限公司 报价单": who quoted, a fact already; no statement
            if _SUPPLIED_HEADING.fullmatch(piece):
                continue  # "视觉检测设备（苏州明视…有限公司）": a list's heading; the supplier is a fact already
            if part:
                labelled[len(statements)] = part
            statements.append((piece, _source(line.sentences[0])))
    facts.pairs = _distinct_pairs([*facts.pairs, *_pairs_across(usable, facts), *_said_before_pairs(usable)])
    by_row_name, rows_used = _pairs_by_row_name(usable, facts)
    facts.pairs = _distinct_pairs([*facts.pairs, *by_row_name])
    facts.pairs = _later_stands(facts, material.files)
    facts.pairs = _without_unused_indicators(facts, material.raw_lines)
    # The rows those pairs came from are stated by the composer, not pasted as statements.
    statements = [(t, src) if (src.file, src.line) not in rows_used else ("", src) for t, src in statements]
    roles = _statement_roles([t for t, _ in statements])
    for i, ((text, source), (role, fit)) in enumerate(zip(statements, roles, strict=True)):
        if not text:
            continue
        facts.statements.append(Statement(text=text, role=labelled.get(i, role), fit=fit, source=source))
    # Also a line set aside: "食堂空调不是这个项目的，投资按240万元算" settles the total.
    said = [(line.text, _source(line.sentences[0])) for line in lines] + [
        (n.text, n.source) for n in facts.excluded
    ]
    for text, source in said:
        if standing := _patterns().standing_total.search(text):
            # "投资按518万元算": the writer settles the total; the items that add up to it are its breakdown
            amount = _clean_figure(_figure_text(standing.group("total"), "万元"))
            facts.investment_total = Amount(item="", amount=amount, source=source)
    breakdown = _breakdown_of_total(facts.investment_items, facts.investment_total)
    # A row outside the settled total ("厂区绿化提升，某园林公司，15") takes its supplier out with it.
    kept_rows = {(a.source.file, a.source.line) for a in breakdown}
    kept_sums = {a.amount for a in breakdown}
    left_out = {  # not a sum the breakdown repeats ("…156万…" said in prose, then tabulated)
        (a.source.file, a.source.line) for a in facts.investment_items if a.amount not in kept_sums
    } - kept_rows
    facts.implementers = [i for i in facts.implementers if (i.source.file, i.source.line) not in left_out]
    facts.investment_items = _without_total(breakdown, facts.investment_total)
    if not facts.investment_total and (summed := _total_among(facts.investment_items)) is not None:
        # "实际完成投资230万元，其中：传感器86万元，平台112万元…": the first is their sum, no item
        facts.investment_total = summed
        facts.investment_items = _without_total(facts.investment_items, summed)
    if not facts.returns_total and (summed := _total_among(facts.returns)) is not None:
        # "年节约人工310万元，减少质量损失420万元，合计年效益约730万元": the third is the sum, no third return
        facts.returns_total = summed
        facts.returns = [a for a in facts.returns if a is not summed]
    facts.returns = _said_again_dropped(facts.returns)
    unmatched = facts.returns_total is not None and not _adds_up(facts.returns, facts.returns_total)
    if (not facts.returns_total or unmatched) and (confirmed := _confirmed_returns_total(facts.returns)):
        facts.returns_total = confirmed  # "二、效益：第1、2项…予以认可，合计119万元/年"
    if facts.returns_total and _adds_up(facts.returns, facts.returns_total):
        facts.returns = _breakdown_of_total(
            [a for a in facts.returns if a.amount != facts.returns_total.amount], facts.returns_total
        )
    # The applicant named in a report's header ("委托单位，…") did not supply itself.
    facts.implementers = [i for i in facts.implementers if not facts.company or i.name != facts.company]
    # "产品研究院" read as an organisation where "产品研究院CAE室（自主）" is the firm's own unit.
    own = [i.name for i in facts.implementers if i.in_house]
    facts.implementers = [i for i in facts.implementers if i.in_house or not any(i.name in n for n in own)]
    if not facts.investment_total and len(facts.investment_items) == 1:
        facts.investment_total, facts.investment_items = facts.investment_items[0], []
    return facts


_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}[.、）)]|[（(]\d{1,2}[）)])\s*")
_ROLE_CELL = re.compile(r"^(?:供方|供应商|采购|中标人|乙方|厂家)[：:]")


def _item_heading(text: str, raw: str, current: str) -> str:
    """The name a numbered cost item gives the lines under it ("1. 视觉检测设备（苏州明视…）" over
    "入账344万元"); a numbered line with money of its own, or a new section, ends it."""
    if raw.lstrip().startswith("#") or (section_level(raw) is not None and not _LIST_ITEM.match(text)):
        return ""  # "## 7. 标准化与后续": a section, not a cost item
    if not _LIST_ITEM.match(text):
        return current
    if any(q.kind == "money" for q in extract_quantities(text)):
        return ""
    name = ASIDE.sub("", _LIST_ITEM.sub("", text))
    name = re.split(r"[（(：:，,。；;]", name)[0].strip()  # an unclosed aside goes on the next line
    return name if 2 <= len(name) <= 24 else ""


_CONFIRMED = re.compile(r"合计|共计|总计|确认|认可|核定|^(?:[一二三四五六七八九十]+、)?(?:年)?(?:效益|收益)$")


def _said_again_dropped(returns: list[Amount]) -> list[Amount]:
    """ "报废和质量赔偿少了35万/年" and later "…加35万，一年省121.4万": the bare 35万 is that return again."""
    kept: list[Amount] = []
    for gain in returns:
        value = _first(gain.amount)
        same = [k for k in kept if value and (v := _first(k.amount)) and math.isclose(v.value, value.value)]
        if same and (not gain.item or _FILLER_LABEL.match(gain.item)):
            continue
        kept.append(gain)
    return kept


def _adds_up(parts: list[Amount], total: Amount) -> bool:
    others = [a for a in parts if a.amount != total.amount]
    return len(others) >= 2 and (
        len(_breakdown_of_total(others, total)) < len(others) or _total_among([*others, total]) is not None
    )


def _confirmed_returns_total(returns: list[Amount]) -> Amount | None:
    """A return labelled as a sum or as finance's confirmation ("确认效益119万元") that some of the other
    returns add up to: the total, and those returns its parts."""
    for candidate in reversed(returns):
        if _CONFIRMED.search(candidate.item) and _adds_up(returns, candidate):
            return candidate
    return None


def _total_among(amounts: list[Amount]) -> Amount | None:
    """The amount that is the sum of all the others (two or more): said last as 合计…, or first as
    "…230万元，其中：…"."""
    if len(amounts) < 3:
        return None
    values = [_first(a.amount) for a in amounts]
    if any(v is None for v in values):
        return None
    for amount, value in zip(amounts, values, strict=True):
        # the same sum said twice ("一期389.6万元" in the report, "一期=168+96+87+38.6" in the note) is one
        others = [v.value for v in values if not math.isclose(v.value, value.value, rel_tol=1e-6)]  # type: ignore[union-attr]
        if len(others) >= 2 and math.isclose(value.value, sum(others), rel_tol=1e-6):  # type: ignore[union-attr]
            return amount
    return None


def _without_total(items: list[Amount], total: Amount | None) -> list[Amount]:
    """ "实际完成投资1,186万元" beside a total of 0.1186亿元: the total said again is no item of itself."""
    target = _first(total.amount) if total else None
    if target is None:
        return items

    def same(item: Amount) -> bool:
        value = _first(item.amount)
        return value is not None and math.isclose(value.value, target.value, rel_tol=1e-6)

    return [i for i in items if not same(i)]


def _breakdown_of_total(items: list[Amount], total: Amount | None) -> list[Amount]:
    """A memo names each contract's sum, then tabulates them under 合计: the run of items that adds up
    to the total is the breakdown, and the same sums said before it are not more items."""

    def value(amount: Amount) -> float | None:
        found = [q for q in extract_quantities(amount.amount) if q.kind in ("money", "plain", "count")]
        return found[0].value if found else None

    target = value(total) if total else None
    values = [value(i) for i in items]
    if target is None or None in values or math.isclose(sum(values), target, rel_tol=1e-6):  # type: ignore[arg-type]
        return items
    for size in range(len(items) - 1, 1, -1):
        for start in reversed(range(len(items) - size + 1)):  # the last run: a memo's table sums up
            run = values[start : start + size]
            if math.isclose(sum(run), target, rel_tol=1e-6):  # type: ignore[arg-type]
                return items[start : start + size]
    # Finance strikes one row ("第4项…不应重复计入本项目…核定投资为226.5万元"): the rows left add up to it.
    if len(items) <= MAX_SUBSET_ITEMS:
        for size in range(len(items) - 1, 1, -1):
            for chosen in itertools.combinations(range(len(items)), size):
                if math.isclose(sum(values[i] for i in chosen), target, rel_tol=1e-6):  # type: ignore[misc]
                    return [items[i] for i in chosen]
    return items


MAX_SUBSET_ITEMS = 12  # 4,000 subsets at most: a cost table is never longer


def _mark_terms(facts: SceneFacts, usable: str) -> None:
    """Each line the writer marked not to use keeps the words only it says, so a draft that repeats
    them can be caught (see ``guards.set_aside_phrases``)."""

    def runs(text: str) -> set[str]:
        return {
            r[i : i + NGRAM] for r in re.findall(r"[\u4e00-\u9fff]+", text) for i in range(len(r) - NGRAM + 1)
        }

    common = runs(f"{usable} {facts.instance_name} {facts.title} {facts.company}")
    p = _patterns()
    for note in facts.excluded:
        if note.reason != MARKED_UNUSED:
            continue
        # What the line is about, not the writer's words about it ("不是本场景投资，申报书不要用") nor a
        # company's name, which the application states anyway.
        about = p.about_the_note.sub("，", p.exclude.sub("，", _ORG.sub("，", note.text)))
        note.terms = sorted(runs(about) - common)


# "OEE、合格率那些是自动线的，这次不用": the indicators a note sets aside, named before 那些/这些
_INDICATORS_NAMED = re.compile(
    r"^\W*([A-Za-z\u4e00-\u9fff]{2,12}(?:[、和及/][A-Za-z\u4e00-\u9fff]{2,12})*)(?:那些|这些|这几项|这两项|等指标)"
)


def _without_unused_indicators(facts: SceneFacts, raw_lines: dict[tuple[str, int], str]) -> list[MetricPair]:
    names = [
        name.lower()
        for note in facts.excluded
        if note.reason == MARKED_UNUSED and (m := _INDICATORS_NAMED.match(note.text))
        for name in re.split(r"[、和及/]", m.group(1))
        if len(name) >= 2
    ]
    if not names:
        return facts.pairs
    kept = []
    for pair in facts.pairs:
        said = f"{pair.metric} {raw_lines.get((pair.source.file, pair.source.line), '')}".lower()
        if any(name in said for name in names):
            facts.superseded += [v for v in (pair.before, pair.after) if v not in facts.superseded]
            continue
        kept.append(pair)
    return kept


# "漏检率降到0.05%": a change said with its after-value only
_ONE_SIDED = re.compile(
    r"(?P<metric>[\u4e00-\u9fffA-Za-z]{2,8}?)(?:现在|目前|已经|已|都)?"
    r"(?:降到|降至|降低到|降低至|减到|减至|减少到|提高到|提高至|提升到|提升至|升到|升至)约?"
)


def _said_before_pairs(lines: list[_Line]) -> list[MetricPair]:
    """A chat's "漏检率我统计了一下1—3月大概0.8%" and, months later, "漏检率降到0.05%": the value said
    first of the same indicator, in the same unit, is the before-value."""
    pairs = []
    for i, line in enumerate(lines):
        for m in _ONE_SIDED.finditer(line.text):
            if re.search(r"[由从]", line.text[max(0, m.start() - 8) : m.start()]) or not (
                after := _first(line.text[m.end() : m.end() + 12])
            ):
                continue
            metric = m.group("metric")
            for earlier in reversed(lines[:i]):
                at = earlier.text.find(metric)
                said = _first(earlier.text[at + len(metric) : at + len(metric) + 24]) if at >= 0 else None
                if (
                    said is not None
                    and _same_kind(said, after)
                    and said.unit == after.unit
                    and said.value != after.value
                ):
                    pairs.append(
                        MetricPair(
                            metric=metric,
                            before=said.text,
                            after=after.text,
                            source=_source(line.sentences[0]),
                        )
                    )
                    break
    return pairs


_NAME_FILLER = re.compile(r"平均|月均|日均|年均|的|\s")


def _same_unit(a: str, b: str) -> bool:
    qa, qb = _first(a), _first(b)
    return qa is not None and qb is not None and (qa.kind, qa.unit) == (qb.kind, qb.unit)


def _later_stands(facts: SceneFacts, files: list[str]) -> list[MetricPair]:
    """One indicator stated twice with other values ("…替换上面1—4条", a weekly report's estimate and the
    measured figure weeks later): the later statement stands and the earlier values are void."""

    def name(pair: MetricPair) -> str:
        return _NAME_FILLER.sub("", ASIDE.sub("", pair.metric))

    def place(pair: MetricPair) -> tuple[int, int]:
        order = files.index(pair.source.file) if pair.source.file in files else 0
        return order, pair.source.line

    kept = []
    for pair in facts.pairs:
        later = [
            x
            for x in facts.pairs
            if x is not pair
            and len(name(x)) >= 3
            and name(x) == name(pair)
            and place(x) > place(pair)
            and _same_unit(x.after, pair.after)  # "Line 3为9周…Line 3为210 pcs/h": one name, two indicators
        ]
        if later and (later[-1].before, later[-1].after) != (pair.before, pair.after):
            facts.superseded += [
                v
                for v in (pair.before, pair.after)
                if v not in (later[-1].before, later[-1].after) and v not in facts.superseded
            ]
            continue
        kept.append(pair)
    return kept


def _distinct_pairs(pairs: list[MetricPair]) -> list[MetricPair]:
    """A test report states its results in the table, in the conclusion and again in the memo that
    quotes it: one comparison, stated once, under the name it was first given."""

    def values(pair: MetricPair) -> tuple[tuple[float, ...], ...]:
        return tuple(tuple(q.value for q in extract_quantities(side)) for side in (pair.before, pair.after))

    seen: set[tuple[tuple[float, ...], ...]] = set()
    kept = []
    for pair in pairs:
        pair.before, pair.after = pair.before.rstrip("！!。，,；; "), pair.after.rstrip("！!。，,；; ")
        key = values(pair)
        if (key in seen and all(key)) or (all(key) and key[0] == key[1]):
            continue  # said twice, or "由9起降至9起": a sentence read as a comparison it is not
        if any(x.metric == pair.metric and _same_change(x, pair) for x in kept):
            continue  # "由4小时缩短至10分钟" in the notes and "240 | 10" (分钟) in the table: one change
        seen.add(key)
        kept.append(pair)
    return kept


def _same_change(a: MetricPair, b: MetricPair) -> bool:
    """Two statements of one indicator's change in other units: 4小时→10分钟 and 240分钟→10分钟."""
    from assistant.drafting.figures import base_value

    sides = [_first(x) for x in (a.before, a.after, b.before, b.after)]
    if any(q is None for q in sides):
        return False
    before_a, after_a, before_b, after_b = (base_value(q) for q in sides)  # type: ignore[arg-type]
    return math.isclose(before_a, before_b, rel_tol=0.02) and math.isclose(after_a, after_b, rel_tol=0.02)


def _labelled_part(label: str) -> str:
    return next((part for part, labels in fact_words().part_labels.items() if label in labels), "")


_SENTENCES = re.compile(r"(?:[^。！？；!?;]|[？?](?=[）)]))+[。！？；!?;]?")  # "(江铃?)" ends nothing


def _money_only(piece: str) -> bool:
    """ "项目总投资约260万元", "每年节约人工成本约95万元": a sentence that only states money."""
    found = extract_quantities(piece)
    if not found or not all(q.kind == "money" or _bare_wan(q) for q in found):
        return False
    rest = re.sub(r"[\d,.]+\s*万?元?", "", piece)
    return len(re.findall(r"[\u4e00-\u9fff]", rest)) <= 24 and bool(
        _patterns().investment.search(piece) or _patterns().returns.search(piece)
    )


def _pair_only(text: str) -> bool:
    """A line that says nothing beyond its before/after figures (table rows, 由A提升至B)."""
    rest = re.sub(
        r"由|从|提升|提高|降低|减少|缩短|下降|至|到|为|改造前|改造后|以前|现在|[，,。；;]", "", text
    )
    rest = re.sub(r"[\d.,%％]+\S{0,3}", "", rest)
    return len(re.findall(r"[\u4e00-\u9fff]", rest)) <= 14
