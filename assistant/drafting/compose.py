"""The offline drafter: formal 申报书 sentences composed from a scene's facts, with no model.

Facts are stated through the sentence patterns in ``sentence_patterns.yaml``; the writer's own
statements are taken into the part they serve after the spoken words in ``formal_words.yaml`` are
replaced. Figures the tool derives (differences, percentage changes, 百分点, sums, payback) are
computed here from facts that belong together; the figure guard accepts exactly those.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.drafting.facts import Amount, MetricPair, SceneFacts, Statement
from assistant.drafting.figures import base_value  # durations in seconds: 由3天降至15分钟 falls
from assistant.drafting.prose_fit import built_thing, reads_as_prose, said_to_colleague
from assistant.models import PartKey, Scene, SceneParts
from assistant.requirements import load_requirements
from assistant.text import count_words, extract_quantities
from assistant.text.quantities import Quantity

HERE = Path(__file__).parent
FILL_RATIO = 0.95  # leave the writer a little room under each limit


@lru_cache(maxsize=1)
def patterns() -> dict[str, dict[str, str]]:
    data = yaml.safe_load((HERE / "sentence_patterns.yaml").read_text(encoding="utf-8"))
    return {part: {k: str(v) for k, v in entries.items()} for part, entries in data.items()}


@lru_cache(maxsize=1)
def _formal_words() -> list[tuple[re.Pattern[str], str]]:
    rows = yaml.safe_load((HERE / "formal_words.yaml").read_text(encoding="utf-8"))
    return [(re.compile(spoken), written) for spoken, written in rows]


_SPEAKER = re.compile(r"^[\u4e00-\u9fff]{1,4}(?:工|总|主任|经理|部长|科长|老师|师傅)?[:：]\s*")
_LIST_MARK = re.compile(
    r"^\s*(?:\d+[.、）)]|[（(]\d+[）)]|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、|[-*•>▲■]+)\s*"
)
_BRACKETS = re.compile(r"[【\[]([^】\]]*)[】\]]|[<>]|\{[^}]*\}")
_ARROWS = re.compile(r"\s*(?:→|->|⟶|➝|←)\s*")


def formal_phrase(text: str) -> str:
    """Spoken words of a short label replaced (气省了 → 气节约), with no sentence end added."""
    for spoken, written in _formal_words():
        text = spoken.sub(written, text)
    return text.strip(" ，,；;：:。")


def formal(text: str) -> str:
    """A statement of the writer's in written style: speaker and list marks gone, spoken words replaced,
    no brackets or arrows, one complete sentence."""
    text = re.split(r"\s*(?:<-+|←|⟵)", text.strip())[0]  # a note to self after an arrow
    text = _LIST_MARK.sub("", text)
    text = _SPEAKER.sub("", text)
    text = _BRACKETS.sub("", text).replace("**", "")
    text = _ARROWS.sub("，", text)
    text = re.sub(
        r"[，,]\s*备注[^。；;]*", "", text
    )  # a table row's remark cell is a note on the row, no prose
    text = text.strip("“”\"'「」 ")  # "MES报工→WMS生成入库任务": a sequence, said in words
    for spoken, written in _formal_words():
        text = spoken.sub(written, text)
    text = text.strip(" ，,；;：:")
    if text and text[-1] not in "。！？":
        text += "。"
    return text


_ASKED = re.compile(r"多少|几何|啥|什么|怎么样")


def item_words(item: str) -> str:
    """A money item's label as a 申报书 writes it: spoken words replaced; an English key of a fact sheet
    in Chinese where the glossary knows it, else no label rather than English in the prose."""
    from assistant.drafting.extract import fact_words

    if _ASKED.search(item):  # "每年能省多少": a note's heading asks, the 申报书 states
        return (
            "节约" if re.search(r"省|节约|节省", item) else "收益" if re.search(r"收益|效益|赚", item) else ""
        )
    if re.search(r"[\u4e00-\u9fff]", item):
        said = re.sub(r"(?:花了?|用了|共计?)$", "", formal_phrase(item))  # "工装夹具我们自己做的花了"
        said = re.sub(r"(?<=[\u4e00-\u9fff])省$", "节约", said)  # "人工省"
        said = re.sub(
            r"^(?:再加上|加上|再加|另外|还有|以及|那就是?|就是)", "", said
        )  # "再加上…": a list's joint
        return re.sub(r"企业(自主实施|自主开发)$", r"（\1）", said)
    key = re.sub(r"[\s-]+", "_", item.strip().lower())
    return fact_words().money_items.get(key, "")


def promotion_words() -> re.Pattern[str]:
    from assistant.drafting.extract import fact_words

    return re.compile("|".join(fact_words().promotion))


def _number(value: float, decimals: int = 1) -> str:
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return text or "0"


def _wan(q: Quantity) -> float:
    return q.value / 1e4


def _one(text: str) -> Quantity | None:
    found = [q for q in extract_quantities(text) if q.is_metric or q.kind == "plain"]
    # "2—3小时": the range's unit is said once, at its end
    return next((q for q in found if q.kind != "plain"), found[0]) if found else None


def from_nothing(pair: MetricPair) -> bool:
    """ "0 → 24台": the thing did not exist before; its pair is a result, not a pain."""
    a = _one(pair.before)
    return a is not None and a.value == 0 and pair.before.strip()[:1] == "0"


def _money_text(wan: float) -> str:
    return f"{_number(wan, 2)}万元"


def _unspaced(figure: str) -> str:
    """ "1380 万元", "1.9 年" as typed are written without the space."""
    return re.sub(r"(\d)\s+(?=[\u4e00-\u9fff])", r"\1", figure)


def _as_yuan_text(amount: str) -> str:
    """ "40万" reads as "40万元" in a 申报书, and "四十八万" said in an interview as "48万元"; the value is
    the same."""
    amount = _unspaced(amount.strip())
    if not re.search(r"\d", amount) and (q := _one(amount)) is not None and q.value >= 1e4:
        return _money_text(_wan(q))
    amount = re.sub(r"(?<![\d.])(\d+)\.0+(?=万)", r"\1", amount)  # a quotation's "22.0万元" is 22万元
    return re.sub(r"(\d)\s*万$", r"\1万元", amount)


_EVENT_VERB = re.compile(r"(?:坏|故障|停机|报警|返工|投诉|跳闸|断带|卡料)$")


def metric_words(pair: MetricPair) -> str:
    """An indicator's name as written: "模具每个月要坏" counted in 次 is "模具每月损坏次数"."""
    name = formal_phrase(pair.metric)
    if _EVENT_VERB.search(name) and (q := _one(pair.after)) is not None and q.unit == "次":
        name += "次数"
    return name


def pair_sentence(pair: MetricPair) -> str:
    p = patterns()["成效"]
    a, b = _one(pair.before), _one(pair.after)
    metric = metric_words(pair)
    if from_nothing(pair):
        return p["from_nothing"].format(metric=metric, after=_yuan(pair.after))
    up = bool(a and b and base_value(b) > base_value(a))
    said = (p["rise"] if up else p["fall"]).format(
        metric=metric, before=_yuan(pair.before), after=_yuan(pair.after)
    )
    derived = derive(pair)
    return f"{said}，{derived}" if derived else said


def _yuan(value: str) -> str:
    """ "860万" of an amount is written "860万元" in a 申报书 (the guard reads both as one figure), and a
    figure said in words in digits: 百分之六 is 6%, 四个小时 4小时, 每班三个人 每班3人."""
    value = _unspaced(_in_digits(value))
    return f"{value}元" if re.search(r"\d万$", value.strip()) else value


def _in_digits(value: str) -> str:
    if re.search(r"\d", value):
        return value
    q = _one(value)
    if q is not None and (q.kind == "money" or value.strip().endswith("万")):
        return _as_yuan_text(value)
    if q is None or q.kind not in ("percent", "count", "duration", "measure"):
        return value
    unit = q.unit[1:] if q.unit.startswith("个") and len(q.unit) > 1 else q.unit  # 四个小时 → 4小时
    unit = "人" if q.unit == "个" and value[q.end : q.end + 1] == "人" else unit  # 三个人 → 3人
    digits = f"{_number(q.value, 2)}{unit}"
    rest = value[q.end + (1 if unit == "人" and q.unit == "个" else 0) :]
    return f"{value[: q.start]}{digits}{rest}"


_RANGE = re.compile(r"\d\s*[^\d\s，。；]{0,4}\s*(?:[—–~～-]|到|至)\s*\d")


def _decimals(figure: str) -> int:
    found = re.search(r"\d+(?:\.(\d+))?", figure.replace(",", ""))
    return len(found.group(1) or "") if found else 0


def derive(pair: MetricPair) -> str:
    """The change the tool states beside a pair: 百分点 for percentages, else a percentage change."""
    p = patterns()["成效"]
    a, b = _one(pair.before), _one(pair.after)
    if not a or not b or not a.value or a.kind == "date":
        return ""
    if _RANGE.search(pair.before) or _RANGE.search(pair.after):
        return ""  # "由2—3小时降至约10分钟": a range has no one change to state
    if a.unit != b.unit and not (a.kind == b.kind == "duration"):
        return ""  # 3天 and 15分钟 compare only as durations; other mixed units not at all
    up = base_value(b) > base_value(a)
    # 百分点 for shares in %; a per-mille rate (3‰→1‰) is told by its relative change, not in 百分点
    if a.kind == "percent" and b.kind == "percent" and a.unit == "%":
        points = abs(b.value - a.value)
        # As precise as the figures it comes from: 0.8%→0.05% is 0.75 points, not "0.8"
        places = max(_decimals(pair.before), _decimals(pair.after), 1)
        return (p["points_up"] if up else p["points_down"]).format(value=_number(points, places))
    va, vb = base_value(a), base_value(b)
    change = abs(vb - va) / va * 100
    if change < 0.1:
        return ""
    return (p["change_up"] if up else p["change_down"]).format(value=_number(change))


def _sum(amounts: list[Amount]) -> float | None:
    values = [_one(a.amount) for a in amounts]
    if not values or any(v is None or v.kind not in ("money", "count") for v in values):
        return None
    return sum(_wan(v) for v in values if v is not None)


REST_SHARE = 0.25  # "其他9.6万元" of 67.6万元 is a remainder; "其他468万元" of 560万元 is the project itself


def economics_sentences(facts: SceneFacts) -> list[str]:
    p = patterns()["经济性"]
    out: list[str] = []
    named = [i for i in facts.investment_items if i.item]
    # An amount the material names no item for still belongs to the breakdown (a list that leaves it out
    # no longer adds up to the total): a small one is stated last, as the rest; a main one unnamed is
    # better left out than called 其他.
    total_wan = _sum([facts.investment_total]) if facts.investment_total else None
    unnamed = [
        i
        for i in facts.investment_items
        if not i.item and named and total_wan and (v := _sum([i])) is not None and v <= total_wan * REST_SHARE
    ]
    items = "、".join(
        [
            *(p["item"].format(item=item_words(i.item), amount=_as_yuan_text(i.amount)) for i in named),
            *(p["item_rest"].format(amount=_as_yuan_text(i.amount)) for i in unnamed),
        ]
    )
    total = facts.investment_total.amount if facts.investment_total else ""
    if total and items:
        out.append(p["total_with_items"].format(total=_as_yuan_text(total), items=items))
    elif total:
        out.append(p["total_only"].format(total=_as_yuan_text(total)))
    elif items and (summed := _sum(facts.investment_items)) is not None:
        total = _money_text(summed)
        out.append(p["items_only"].format(items=items, total=total))
    returns = "、".join(
        p["return_item"].format(item=item_words(r.item), amount=_as_yuan_text(r.amount))
        for r in facts.returns
    )
    returns_total = facts.returns_total.amount if facts.returns_total else ""
    if not returns_total and len(facts.returns) > 1 and (summed := _sum(facts.returns)) is not None:
        returns_total = _money_text(summed)
    if returns and returns_total and len(facts.returns) > 1:
        out.append(p["returns"].format(items=returns, total=_as_yuan_text(returns_total)))
    elif returns:
        out.append(p["returns_single"].format(items=returns))
        returns_total = returns_total or facts.returns[0].amount
    payback = _unspaced(facts.payback)
    if not payback and total and returns_total:
        invest, gain = _one(total), _one(returns_total)
        if invest and gain and gain.value:
            payback = f"{_number(invest.value / gain.value)}年"
    if payback:
        out.append(p["payback"].format(payback=payback))
    return out


# Role words, alone or slash-joined as a column name ("供应商/实施单位", "负责/"), say who, not what.
_ROLE = (
    r"供应商|供方|厂家|厂商|实施方|实施单位|集成商|乙方|供货方|供应方|合作方|合作单位|单位名称|中标人|中标单位"
    r"|责任人|负责|合同|签约方|签约单位|这个|那个|这块|项目|本项目|验收意见|验收结论|意见|结论|说明|备注|情况说明|主要设备及来源|设备及来源|主要设备|[A-Za-z]{2,4}\s*Dept\.?"
)
_NOT_A_SYSTEM = re.compile(rf"^(?:(?:{_ROLE})[\s/／（）()]*)*$")


def system_words(system: str) -> str:
    """What an implementer supplied, as words of a sentence: no arrows, marks or list numbers, and
    nothing when the words only say "supplier" ("→ 供应商：…")."""
    said = _ARROWS.sub("", _LIST_MARK.sub("", system)).strip(" ：:，,；;*")
    return "" if _NOT_A_SYSTEM.match(said) else formal_phrase(said)


def implementer_sentence(facts: SceneFacts, already: str = "") -> str:
    """Every implementer the technical statements do not already name, in one sentence."""
    p = patterns()["技术方案"]
    said = []
    for imp in facts.implementers:
        if imp.name in already:
            continue
        system = system_words(imp.system)
        if re.sub(r"^企业", "", imp.name) in system or said_to_colleague(system):
            system = ""  # "产品研究院CAE室（自主）": the unit's own name, nothing it built
        imp = imp.model_copy(update={"system": system})
        if imp.in_house:
            said.append(
                (p["in_house"] if imp.system else p["in_house_bare"]).format(system=imp.system, name=imp.name)
            )
        else:
            said.append(
                (p["supplier"] if imp.system else p["supplier_bare"]).format(system=imp.system, name=imp.name)
            )
    return p["implementers"].format(items="；".join(said)) if said else ""


def _results(facts: SceneFacts) -> list[str]:
    if not facts.pairs:
        return []
    p = patterns()["成效"]
    lead = p["period"].format(period=facts.period) if facts.period else p["period_missing"]
    return [lead + "；".join(pair_sentence(pair) for pair in facts.pairs) + "。"]


def _pains(facts: SceneFacts, said: str = "") -> list[str]:
    """The before-values of the pairs not already told in the pain statements."""
    pairs = [x for x in facts.pairs if x.before not in said and not from_nothing(x)]
    if not pairs:
        return []
    p = patterns()["痛点"]
    items = "，".join(
        p["before_item"].format(metric=metric_words(x), before=_in_digits(x.before)) for x in pairs
    )
    return [p["before_values"].format(items=items)]


_BEFORE_AFTER = re.compile(r"[，,；;]\s*(?=(?:现在|目前|上线后|投用后|建成后|改造后|实施后))")


def _before_half(text: str) -> str:
    """ "以前坏了再修……，现在提前报警……" → the first half: the problem the scene started from."""
    halves = _BEFORE_AFTER.split(text, maxsplit=1)
    return halves[0] if len(halves) == 2 else ""


_BEFORE_CLAUSE = re.compile(r"以前|之前|原来|原先|过去|改造前")
_AFTER_CLAUSE = re.compile(r"现在|目前|如今|上线后|投用后|改造后")


def _before_clauses(facts: SceneFacts) -> list[str]:
    """ "盘点以前要停产盘，现在系统随时能盘" → "盘点以前要停产盘": what the results say of the time before,
    when nothing else tells the pain."""
    clauses = [
        c.strip()
        for s in facts.statements
        if s.role in ("成效", "描述", "技术方案")
        for c in re.split(r"[，,；;。]", s.text)
        if _BEFORE_CLAUSE.search(c) and not _AFTER_CLAUSE.search(c) and len(c.strip()) >= 6
    ]
    return [formal("；".join(clauses))] if clauses else []


def _covered(statement: Statement, stated: str) -> bool:
    """A statement whose figures the composed sentences already state adds nothing but repetition."""
    figures = [q.text for q in extract_quantities(statement.text) if q.is_metric]
    return bool(figures) and all(f in stated for f in figures)


_DOUBLED = [
    (re.compile(r"(?<!节)约(?:约)+"), "约"),
    (re.compile(r"节约约(?:约)+"), "节约约"),  # 节约 + 约 is right once
    (re.compile(r"每年年"), "每年"),
    (re.compile(r"(每年[^，。；]{0,12}?)(?:一年|每年)"), r"\1"),  # 每年能源费用一年约省… said once
    (re.compile(r"约省约"), "节约约"),
    (re.compile(r"(企业|自主实施|自主开发)\1+"), r"\1"),  # a spoken "自己做的" replaced where it was said
    (re.compile(r"是由(?=企业)"), "由"),
    (re.compile(r"（（+"), "（"),
    (re.compile(r"））+"), "）"),
    (re.compile(r"[（(]\s*(?=[。，；])"), ""),  # "测量仪（。": a bracket whose content was taken out
    (re.compile(r"[，,]{2,}"), "，"),
    (re.compile(r"。{2,}"), "。"),
]


def tidy(sentence: str) -> str:
    """Seams where pieces of the material were joined: doubled words and brackets, and a bracket left
    open (its aside was set aside) — closed by dropping it."""
    for doubled, single in _DOUBLED:
        sentence = doubled.sub(single, sentence)
    while sentence.count("（") > sentence.count("）"):
        at = sentence.rfind("（") if sentence.rfind("（") > sentence.rfind("）") else sentence.find("（")
        sentence = sentence[:at] + sentence[at + 1 :]
    while sentence.count("）") > sentence.count("（"):
        at = sentence.find("）")
        sentence = sentence[:at] + sentence[at + 1 :]
    if sentence.count("“") > sentence.count("”"):  # “拦路虎。: the closing quote went with the split
        sentence = re.sub(r"([。；！？]?)$", "”\\1", sentence, count=1)
    return sentence


def _fit(sentences: list[str], limit: int) -> str:
    budget = int(limit * FILL_RATIO)
    kept: list[str] = []
    for sentence in map(tidy, sentences):
        if sentence and sentence not in kept and count_words("".join([*kept, sentence])) <= budget:
            kept.append(sentence)
    return "".join(kept)


LABEL_CHARS = (
    10  # a clause this short with no figure names a topic ("效果", "涂层厚度合格率"), it states nothing
)


def _built_systems(facts: SceneFacts) -> str:
    """ "需求预测与采购计划系统、供应商协同门户和ERP接口": what the implementers built, named once each."""
    names: list[str] = []
    for imp in facts.implementers:
        said = re.sub(r"[（(][^）)]*[）)]?", "", system_words(imp.system)).strip(" ，、")
        if (
            2 <= len(said) <= 24
            and said not in names
            and _THING.search(said)
            and not _names_org(said)
            and not re.search(r"\d|这个|那个|合同|全称", said)
        ):
            names.append(said)
    if not names:
        return ""
    return names[0] if len(names) == 1 else f"{'、'.join(names[:-1])}及{names[-1]}"


# What was built is a thing: a system, a platform, a line, an instrument, a robot…
_THING = re.compile(
    r"系统|平台|软件|设备|装置|产线|生产线|仪|表|机|器|门户|接口|模块|网关|传感|控制|终端|货架|库|工作站|看板|算法|模型|电源|改造"
)


DESCRIBE_MIN_WORDS = 80
_BUILT_WORDS = re.compile(r"建设了|上了|建成|部署了|引进了|上线了|新建了")
FALLBACK_STATEMENTS = 2
MIN_FALLBACK_FIT = 0.2


def _fill_empty(parts: dict[PartKey, list[str]], facts: SceneFacts, used: set[str]) -> None:
    """A part no statement chose outright takes the unused statements that suit it best: an empty part
    is an error in review, a weaker sentence the writer can edit is the better first draft. 成效 and
    经济性 still take only statements with a figure."""
    pair_figures = {x for pair in facts.pairs for x in (pair.before, pair.after)}
    for key, sentences in parts.items():
        if (any(s.strip() for s in sentences) and key != "描述") or len([s for s in sentences if s]) > 1:
            continue
        ranked = sorted(facts.statements, key=lambda s: -s.fit.get(key, 0.0))
        taken = 0
        for statement in ranked:
            if statement.fit.get(key, 0.0) < MIN_FALLBACK_FIT:
                break  # nothing left that says anything about this part: ask instead
            text = formal(statement.text)
            if text in used or (statement.role in ("成效", "经济性") and statement.role != key):
                continue
            if not reads_as_prose(text, phrases_allowed=key in ("成效", "经济性")) or _row_of_pair_values(
                statement.text, pair_figures
            ):
                continue
            if key in ("成效", "经济性") and not any(q.is_metric for q in extract_quantities(text)):
                continue
            sentences.append(text)
            used.add(text)
            taken += 1
            if taken == FALLBACK_STATEMENTS:
                break


_TABLE_ROW = re.compile(r"[，,]\s*(?:备注|说明)")  # where a table row's remark column begins


_ORG_WORDS = re.compile(r"有限公司|股份公司|集团|研究院|研究所|大学")


_SIDE_LABEL = re.compile(
    r"^(?:改造|实施|上线|建设|投用)?[前后]?(?:的)?(?:月均|平均|均值)?\s*(?:[（(][^）)]*[）)])?$"
)


def _row_of_pair_values(text: str, pair_figures: set[str]) -> bool:
    """ "改造前月均（2023年7—12月），非计划停机时长21.5小时，故障次数7次": a table row led by its side's label,
    its every figure a value of a stated pair."""
    head, _, rest = text.partition("，")
    metric = [q.text for q in extract_quantities(rest) if q.is_metric]
    return (
        bool(rest)
        and len(metric) >= 2
        and bool(_SIDE_LABEL.match(head.strip()))
        and any(c in head for c in "前后均")
        and all(any(f in x or x in f for x in pair_figures) for f in metric)
    )


def _built_sentence(things: list[str], said: str) -> str:
    """One sentence naming the built things no other sentence of the part names."""
    items = [t for i, t in enumerate(things) if t not in said and t not in things[:i]]
    if not items:
        return ""
    listed = items[0] if len(items) == 1 else f"{'、'.join(items[:-1])}和{items[-1]}"
    return patterns()["技术方案"]["built_items"].format(items=listed)


def _names_org(text: str) -> bool:
    return bool(_ORG_WORDS.search(text))


def compose_scene(facts: SceneFacts, domain: str, link: str, scene: str, instance: str) -> Scene:
    req = load_requirements()
    limits = {spec.key: spec.limit for spec in req.parts}
    stated_facts = "".join([*_results(facts), *economics_sentences(facts), *_pains(facts)])
    by_role: dict[str, list[str]] = {key: [] for key in limits}
    pains_from_results: list[str] = []
    pair_figures = {x for pair in facts.pairs for x in (pair.before, pair.after)}
    built_things: list[
        str
    ] = []  # "高性能计算集群": built things the material names in a phrase, not a sentence
    for statement in facts.statements:
        if statement.role not in by_role:
            continue
        figures = [q.text for q in extract_quantities(statement.text) if q.is_metric]
        # A pair keeps its value as written ("0.109吨标煤/万元"); the parser reads "0.109吨" of it.
        in_pairs = any(x.startswith(f) for f in figures for x in pair_figures)
        if statement.role == "成效" and in_pairs:
            # Its pair is stated in 成效 already; what it says of the time before is the pain, and
            # its other clauses ("检测节拍缩短到每根45秒，漏检基本消除") are results of their own.
            if half := _before_half(statement.text):
                pains_from_results.append(formal(half))
            rest = [
                c
                for c in re.split(r"[，,；;]", statement.text)
                if c.strip() and not any(f in c for f in pair_figures)
            ]
            # "效果呢，涂层厚度合格率": the labels left once the pair's clauses are stated say nothing;
            # nor does a row's own label ("改造后月均（2024年7—12月）")
            said_rest = formal("，".join(rest)) if rest else ""
            if (
                rest
                and not half
                and any(extract_quantities(c) or len(c.strip()) > LABEL_CHARS for c in rest)
                and reads_as_prose(said_rest)
            ):
                by_role["成效"].append(said_rest)
            continue
        if statement.role in ("描述", "技术方案") and _TABLE_ROW.search(statement.text) and in_pairs:
            # A table row ("AGV数量，实施前0台，实施后24台，备注…"): its pair is in 成效; its remark stays.
            rest = [
                c
                for c in re.split(r"[，,；;]", _TABLE_ROW.split(statement.text, maxsplit=1)[-1])
                if c.strip() and not any(f in c for f in pair_figures)
            ]
            if rest:
                by_role[statement.role].append(formal("，".join(rest)))
            continue
        if statement.role in ("成效", "经济性") and _covered(statement, stated_facts):
            continue
        if statement.role != "成效" and _row_of_pair_values(statement.text, pair_figures):
            continue  # "改造前月均（…），非计划停机时长21.5小时，故障次数7次": the pairs state these
        if statement.role == "成效" and not figures and facts.pairs:
            continue  # beside measured pairs, a result without a figure adds words, not evidence
        if statement.role == "经济性" and not figures and not promotion_words().search(statement.text):
            continue  # 经济性 states money or the case for promotion, nothing else
        text = formal(statement.text)
        if not reads_as_prose(text, phrases_allowed=statement.role in ("成效", "经济性")):
            if statement.role in ("描述", "技术方案") and (thing := built_thing(text)):
                built_things.append(thing)
            continue  # a table row, a heading, a note to a colleague: no sentence of a 申报书
        by_role[statement.role].append(text)
    opening = patterns()["描述"]["opening"].format(instance=instance, scene=scene) if instance else ""
    describe = by_role["描述"]
    solution = by_role["技术方案"]
    if count_words("".join(describe)) < DESCRIBE_MIN_WORDS:
        # "去年上了一条…检测线，主要解决…": what was built, even when it also names the problem or the
        # supplier (the implementers' sentence then names the supplier in 技术方案).
        for role in ("痛点", "技术方案", "成效"):  # "目前部署了186个传感器…" is what was built
            built = next((t for t in by_role[role] if _BUILT_WORDS.search(t)), None)
            if built:
                describe, by_role[role] = [*describe, built], [t for t in by_role[role] if t != built]
                solution = by_role["技术方案"]
                break
    # What was built is often told in the technical statements; the first that names no supplier
    # opens 描述 when the writer said little else about it.
    if count_words("".join(describe)) < DESCRIBE_MIN_WORDS and len(solution) >= 2:
        movable = next((t for t in solution if not _names_org(t)), None)
        if movable:
            describe, solution = [*describe, movable], [t for t in solution if t != movable]
    parts: dict[PartKey, list[str]] = {
        "描述": [opening, *describe],
        "痛点": [
            *pains_from_results,
            *by_role["痛点"],
            *_pains(facts, "".join([*pains_from_results, *by_role["痛点"]])),
        ],
        "技术方案": [
            _built_sentence(built_things, "".join([*solution, *(i.system for i in facts.implementers)])),
            *solution,
            implementer_sentence(facts, "".join(solution)),
        ],
        "成效": [*_results(facts), *by_role["成效"]],
        "经济性": [*economics_sentences(facts), *by_role["经济性"]],
    }
    if not describe and (systems := _built_systems(facts)):
        describe = [patterns()["描述"]["built"].format(systems=systems)]
        parts["描述"] = [opening, *describe]
    elif not describe and len(facts.implementers) >= 2:
        who = "、".join(i.name for i in facts.implementers)
        describe = [patterns()["描述"]["built_by"].format(who=who)]
        parts["描述"] = [opening, *describe]
    if not describe:
        parts["描述"] = [opening] if opening else []
    if not any(parts["痛点"]):
        parts["痛点"] = _before_clauses(facts)
    _fill_empty(parts, facts, used={t for texts in parts.values() for t in texts})
    filled = SceneParts(**{key: _fit(sentences, limits[key]) for key, sentences in parts.items()})
    if filled.描述 == opening and not describe:
        filled.描述 = ""  # an opening alone says nothing: ask what was built instead
    return Scene(domain=domain, link=link, scene=scene, instance=instance, parts=filled)
