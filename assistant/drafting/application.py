"""The application-level texts drafted offline: 一（一）企业简介 from the basic information and the
writer's material about the company; 一（二）项目简述, 二、项目总体情况 and 四、项目实施成效 from the scenes;
and the 五、相关附件 checklist.

Each scene brings its facts (read once from its material by ``extract_facts``; for a scene written by
hand, read from its own text). Sums are made only of figures that belong together — the project's
investment is the sum of the scenes' investments only when every scene states one — and every derived
figure is recorded with its derivation. Every figure of a drafted text is traced to a scene, the
writer's material or a derivation; a sentence whose figure cannot be traced is left out. Where the
facts for a subsection are missing, the draft asks a precise question instead of writing filler.
Sentence patterns are data (``application_patterns.yaml``).
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from assistant.drafting.compose import derive, formal, pair_sentence, system_words, tidy
from assistant.drafting.extract import extract_facts, set_aside_reason
from assistant.drafting.facts import Derived, MetricPair, SceneFacts
from assistant.drafting.figures import FigureGuard, base_value, dimension
from assistant.drafting.material import Material, Sentence, split_sentences
from assistant.drafting.prose_fit import reads_as_prose
from assistant.models import Application, AttachmentItem, Figure, Scene
from assistant.requirements import load_requirements
from assistant.text import count_words, extract_quantities

HERE = Path(__file__).parent
FILL_RATIO = 0.95  # leave the writer a little room under each limit
MAX_FEATURES = 4  # sentences under 先进性与特色
MAX_BASIS = 4  # sentences under 基础条件
MAX_BACKGROUND = 4  # scenes whose pain opens 实施背景
MIN_PAIN_CHARS = 15  # shorter is a label of the pain, not the pain
SUMMARY_METRICS = 4  # before/after pairs quoted in 项目简述
METRICS_PER_CATEGORY = 8  # pairs quoted per kind of indicator in 四
MAX_VALUE_CHARS = 16  # a longer "value" is a clause the reader of the material could not split
MAX_SYSTEMS = 8  # systems named in 项目简述

SUPPLIER_WORDS = r"有限公司|集团|SaaS|接口"  # a line about who supplied what is 架构, not 基础条件
NOT_NARRATIVE = r"万元|万\b|素材|整理|合同|供应商|：\s*$"

SectionName = Literal["企业简介", "项目简述", "总体情况", "实施成效"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SectionDraft(_Model):
    """One drafted application text with the source of every figure and what is still missing."""

    key: SectionName
    text: str = ""
    figures: list[Figure] = Field(default_factory=list, description="正文中每个数字及其出处")
    derived: list[Derived] = Field(default_factory=list, description="由场景数字算出的数字及算法")
    questions: list[str] = Field(default_factory=list, description="材料缺少、需要企业补充的信息")
    dropped: list[str] = Field(default_factory=list, description="因数字无法溯源而未写入的句子")
    mode: Literal["offline", "online"] = "offline"
    notes: list[str] = Field(default_factory=list, description="起草过程的说明，如大模型失败后保留离线草稿")


class ApplicationDraft(_Model):
    company_profile: SectionDraft
    project_summary: SectionDraft
    overview: SectionDraft
    results: SectionDraft
    attachment_list: list[AttachmentItem]

    def sections(self) -> list[SectionDraft]:
        return [self.company_profile, self.project_summary, self.overview, self.results]

    def apply(self, app: Application, *, overwrite: bool = False) -> Application:
        """The application with the drafted texts filled in; the writer's own texts are kept unless
        ``overwrite``."""
        data = app.model_copy(deep=True)
        if overwrite or not data.enterprise.profile.strip():
            data.enterprise.profile = self.company_profile.text
        for attr, draft in (
            ("project_summary", self.project_summary),
            ("overview", self.overview),
            ("results", self.results),
        ):
            if overwrite or not getattr(data, attr).strip():
                setattr(data, attr, draft.text)
        # The checklist already keeps the writer's ticks, notes and own items (attachment_checklist).
        data.attachment_list = [item.model_copy() for item in self.attachment_list]
        return data


@lru_cache(maxsize=1)
def patterns() -> dict:
    return yaml.safe_load((HERE / "application_patterns.yaml").read_text(encoding="utf-8"))


# -- facts per scene ---------------------------------------------------------------------------------


def scene_label(index: int, scene: Scene) -> str:
    return f"场景{index}「{scene.instance or scene.title}」"


def scene_text_material(scene: Scene, index: int) -> Material:
    """A scene's five parts as material, each sentence located in the scene (场景2「…」第3行)."""
    text = "\n".join(t for _, t in scene.parts.items() if t.strip())
    name = scene_label(index, scene)
    return Material(text=text, sentences=split_sentences(text, file=name), name=name, files=[name])


def facts_of_scene(scene: Scene, index: int) -> SceneFacts:
    """The facts of a scene written without material (by hand, or read from a document): read from its
    own text, which the figure guard or the writer has already vouched for."""
    material = scene_text_material(scene, index)
    if not material.sentences:
        return SceneFacts()
    return _facts_of_text(material.name, material.text).model_copy(deep=True)


@lru_cache(maxsize=64)
def _facts_of_text(name: str, text: str) -> SceneFacts:
    # Reading facts embeds the sentences (~0.5 s a scene); a page redrafting one section after another
    # reads the same unchanged scenes again.
    return extract_facts(
        Material(text=text, sentences=split_sentences(text, file=name), name=name, files=[name])
    )


def _facts_for(app: Application, facts: list[SceneFacts | None] | None) -> list[SceneFacts]:
    given = list(facts or [])
    return [
        (given[i] if i < len(given) and given[i] is not None else facts_of_scene(scene, i + 1))  # type: ignore[misc]
        for i, scene in enumerate(app.scenes)
    ]


# -- money ---------------------------------------------------------------------------------------------


def _wan(text: str) -> float | None:
    """An amount as written (340万元, 1,380万元, 40万) in 万元; None when it is not one amount of money."""
    found = [q for q in extract_quantities(text) if q.kind == "money"]
    return found[0].value / 1e4 if len(found) == 1 else None


def _money(value: float) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text}万元"


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") or "0"


class _Amount(_Model):
    wan: float
    text: str  # as the draft states it
    how: str  # where it is stated, or the sum behind it


def _investment(facts: SceneFacts, label: str) -> _Amount | None:
    if facts.investment_total and (wan := _wan(facts.investment_total.amount)) is not None:
        return _Amount(wan=wan, text=_money(wan), how=f"{label}总投资（{facts.investment_total.source}）")
    values = [_wan(a.amount) for a in facts.investment_items]
    if values and all(v is not None for v in values):
        total = sum(v for v in values if v is not None)
        parts = "+".join(a.amount for a in facts.investment_items)
        return _Amount(wan=total, text=_money(total), how=f"{label}投资明细之和：{parts}")
    return None


def _returns(facts: SceneFacts, label: str) -> _Amount | None:
    if facts.returns_total and (wan := _wan(facts.returns_total.amount)) is not None:
        return _Amount(wan=wan, text=_money(wan), how=f"{label}年收益合计（{facts.returns_total.source}）")
    values = [_wan(a.amount) for a in facts.returns]
    if values and all(v is not None for v in values):
        total = sum(v for v in values if v is not None)
        parts = "+".join(a.amount for a in facts.returns)
        return _Amount(wan=total, text=_money(total), how=f"{label}年收益之和：{parts}")
    return None


class Economics(_Model):
    """The project's money, summed only over figures that belong together."""

    investments: list[_Amount | None]
    returns: list[_Amount | None]
    total_investment: _Amount | None = None  # only when every scene states its investment
    total_returns: _Amount | None = None  # only when every scene states its returns
    payback_years: float | None = None
    derived: list[Derived] = Field(default_factory=list)


def economics(app: Application, facts: list[SceneFacts]) -> Economics:
    labels = [scene_label(i, s) for i, s in enumerate(app.scenes, 1)]
    inv = [_investment(f, label) for f, label in zip(facts, labels, strict=True)]
    ret = [_returns(f, label) for f, label in zip(facts, labels, strict=True)]
    result = Economics(investments=inv, returns=ret)
    for amounts, attr, what in ((inv, "total_investment", "投资"), (ret, "total_returns", "年收益")):
        if amounts and all(a is not None for a in amounts):
            total = sum(a.wan for a in amounts if a is not None)
            how = "+".join(f"{a.text}（{a.how}）" for a in amounts if a is not None)
            amount = _Amount(wan=total, text=_money(total), how=f"各场景{what}之和：{how}")
            setattr(result, attr, amount)
            if len(amounts) > 1:
                result.derived.append(Derived(value=amount.text, how=amount.how))
    for amounts in (inv, ret):
        for a in amounts:
            if a is not None and "之和" in a.how:
                result.derived.append(Derived(value=a.text, how=a.how))
    if result.total_investment and result.total_returns and result.total_returns.wan:
        years = result.total_investment.wan / result.total_returns.wan
        result.payback_years = years
        how = f"合计投资{result.total_investment.text}÷合计年收益{result.total_returns.text}"
        result.derived.append(Derived(value=f"{_number(years)}年", how=how))
        rate = result.total_returns.wan / result.total_investment.wan * 100
        result.derived.append(Derived(value=f"{_number(rate)}%", how=f"合计年收益÷合计投资×100%（{how}）"))
    return result


# -- tracing figures ------------------------------------------------------------------------------------


def source_material(app: Application, material: Material | None) -> Material:
    """Everything a figure of an application text may come from: the scenes' texts, the material and
    the form's basic information."""
    sentences: list[Sentence] = []
    files: list[str] = []
    texts: list[str] = []
    sources = [scene_text_material(scene, i) for i, scene in enumerate(app.scenes, 1)]
    sources += [*([material] if material is not None else []), basic_info_material(app)]
    for source in sources:
        sentences += source.sentences
        files += source.files
        texts.append(source.text)
    sentences = [replace(s, index=n) for n, s in enumerate(sentences, 1)]
    return Material(text="\n".join(texts), sentences=sentences, name="场景与材料", files=files)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=0.051)


class Tracer:
    def __init__(self, app: Application, material: Material | None, derived: list[Derived]) -> None:
        self.guard = FigureGuard(source_material(app, material))
        self.derived = derived

    def trace(self, sentence: str) -> list[Figure] | None:
        """The figures of one sentence with their sources; None if any figure has none."""
        figures: list[Figure] = []
        for check in self.guard.check(sentence):
            if check.ok:
                figures.append(Figure(value=check.value, source=check.source))
                continue
            q = check.figure
            hit = next(
                (
                    d
                    for d in self.derived
                    for dq in extract_quantities(d.value)
                    if dimension(dq) == dimension(q) and _close(base_value(dq), base_value(q))
                ),
                None,
            )
            if hit is None:
                return None
            figures.append(Figure(value=check.value, source=f"推算：{hit.how}"))
        return figures

    def keep(self, draft: SectionDraft, sentences: list[str]) -> list[str]:
        kept = []
        for sentence in sentences:
            figures = self.trace(sentence)
            if figures is None:
                draft.dropped.append(sentence)
                continue
            draft.figures += figures
            kept.append(sentence)
        return kept


def _fit(sentences: list[str], limit: int) -> list[str]:
    budget = int(limit * FILL_RATIO)
    kept: list[str] = []
    for sentence in map(tidy, sentences):
        if sentence and sentence not in kept and count_words("".join([*kept, sentence])) <= budget:
            kept.append(sentence)
    return kept


# -- 四、项目实施成效 -----------------------------------------------------------------------------------


def system_name(system: str) -> str:
    """The system as a noun: "MES换型模块由公司信息部与" → "MES换型模块"."""
    return re.split(r"由|及实施$", system_words(re.sub(r"^(?:乙方|甲方)[（(][^）)]*[）)]", "", system)))[
        0
    ].strip(" ，、：:")


def _implementer_items(facts: list[SceneFacts]) -> list[str]:
    p = patterns()["实施成效"]
    seen: set[tuple[str, str]] = set()
    items = []
    for f in facts:
        for imp in f.implementers:
            if not imp.system or (imp.system, imp.name) in seen:
                continue
            seen.add((imp.system, imp.name))
            pattern = p["in_house_item"] if imp.in_house else p["implementer_item"]
            items.append(pattern.format(system=system_name(imp.system), name=imp.name))
    return items


def _bare_implementers(facts: list[SceneFacts]) -> list[str]:
    with_system = {imp.name for f in facts for imp in f.implementers if imp.system}
    names = [imp.name for f in facts for imp in f.implementers if not imp.system and not imp.in_house]
    return [n for n in dict.fromkeys(names) if n not in with_system]


def clean_pairs(facts: SceneFacts) -> list[MetricPair]:
    """The pairs fit to quote at project level: short values as written, brackets balanced."""
    out = []
    for pair in facts.pairs:
        values = (pair.before, pair.after)
        if any(len(v) > MAX_VALUE_CHARS or v.count("（") != v.count("）") for v in values):
            continue
        out.append(pair)
    return out


def pair_text(pair: MetricPair) -> str:
    """A pair as a clause; the change is derived only when both values are in the same unit."""
    a = [q for q in extract_quantities(pair.before) if q.is_metric]
    b = [q for q in extract_quantities(pair.after) if q.is_metric]
    if a and b and a[0].unit == b[0].unit:
        return pair_sentence(pair)
    # Values in different units, or bare numbers: the direction from the numbers as written.
    if a and b and a[0].kind == b[0].kind == "duration":  # 由3天缩短至15分钟: compared as durations
        return pair_sentence(pair)
    before, after = (re.findall(r"\d+(?:\.\d+)?", v.replace(",", "")) for v in (pair.before, pair.after))
    if not before or not after or float(before[0]) == float(after[0]):
        return f"{pair.metric}由{pair.before}变为{pair.after}"
    verb = "提升至" if float(after[0]) > float(before[0]) else "降至"
    return f"{pair.metric}由{pair.before}{verb}{pair.after}"


def _category(metric: str) -> str:
    for name, words in patterns()["实施成效"]["categories"].items():
        if re.search(words, metric, re.IGNORECASE):
            return name
    return "其他指标"


def _pair_derivations(facts: list[SceneFacts], labels: list[str]) -> list[Derived]:
    out = []
    for f, label in zip(facts, labels, strict=True):
        for pair in clean_pairs(f):
            change = derive(pair) if pair_text(pair) == pair_sentence(pair) else ""
            if change:
                out.append(
                    Derived(value=change, how=f"{label}{pair.metric}：由{pair.before}与{pair.after}算出")
                )
    return out


def draft_results(
    app: Application,
    facts: list[SceneFacts | None] | None = None,
    material: Material | None = None,
) -> SectionDraft:
    """四、项目实施成效: innovation (key technology, equipment, software and who built them), economics
    (investment, returns, payback), and the operating indicators grouped by what they measure."""
    all_facts = _facts_for(app, facts)
    p = patterns()["实施成效"]
    q = patterns()["questions"]
    labels = [scene_label(i, s) for i, s in enumerate(app.scenes, 1)]
    money = economics(app, all_facts)
    draft = SectionDraft(key="实施成效", derived=[*money.derived, *_pair_derivations(all_facts, labels)])
    tracer = Tracer(app, material, draft.derived)
    blocks: list[tuple[str, list[str]]] = []

    innovation: list[str] = []
    scene_names = "、".join(dict.fromkeys(s.scene for s in app.scenes if s.scene))
    items = _implementer_items(all_facts)
    if items:
        # The opening only leads into the named equipment and software; alone it would be filler.
        if scene_names:
            innovation.append(p["innovation"].format(scenes=scene_names))
        innovation.append(p["implementers"].format(items="；".join(items)))
    # A supplier the material names without what it supplied is still named (it had gone unmentioned).
    if bare := _bare_implementers(all_facts):
        pattern = p["implementers_bare"] if items else p["implementers_only_bare"]
        innovation.append(pattern.format(names="、".join(bare)))
    if not items:
        draft.questions.append(q["innovation"])
    blocks.append((p["headings"]["创新"], innovation))

    econ: list[str] = []
    # Scenes are named by their instance in the text: "场景2" would put a number no source states.
    names = [f"“{s.instance or s.title}”" for s in app.scenes]

    def listed(amounts: list[_Amount | None]) -> str:
        return "、".join(
            p["investment_item"].format(title=name, amount=a.text)
            for name, a in zip(names, amounts, strict=True)
            if a
        )

    if money.total_investment:
        econ.append(
            p["investment_total"].format(total=money.total_investment.text, items=listed(money.investments))
        )
    elif any(money.investments):
        econ.append(p["investment_partial"].format(items=listed(money.investments)))
    for i, (scene, a) in enumerate(zip(app.scenes, money.investments, strict=True), 1):
        if a is None:
            draft.questions.append(q["investment"].format(index=i, title=scene.instance or scene.title))
    if money.total_returns:
        econ.append(p["returns_total"].format(total=money.total_returns.text, items=listed(money.returns)))
    elif any(money.returns):
        econ.append(p["returns_partial"].format(items=listed(money.returns)))
    for i, (scene, a) in enumerate(zip(app.scenes, money.returns, strict=True), 1):
        if a is None:
            draft.questions.append(q["returns"].format(index=i, title=scene.instance or scene.title))
    if money.payback_years and money.total_investment and money.total_returns:
        rate = money.total_returns.wan / money.total_investment.wan * 100
        econ.append(p["payback"].format(payback=f"{_number(money.payback_years)}年", rate=_number(rate)))
    blocks.append((p["headings"]["经济"], econ))

    by_category: dict[str, dict[str, list[str]]] = {}
    for i, (scene, f) in enumerate(zip(app.scenes, all_facts, strict=True), 1):
        pairs = clean_pairs(f)
        if not pairs:
            draft.questions.append(q["metrics"].format(index=i, title=scene.instance or scene.title))
            continue
        name = scene.instance or scene.title
        lead = p["metrics_lead"].format(
            scene=name, period=p["period"].format(period=f.period) if f.period else ""
        )
        for pair in pairs:
            by_category.setdefault(_category(pair.metric), {}).setdefault(lead, []).append(pair_text(pair))
    operating = []
    introduced: set[str] = set()
    one_scene = len({lead for leads in by_category.values() for lead in leads}) == 1
    for category in sorted(by_category, key=_category_order):
        said, count = [], 0
        for lead, clauses in by_category[category].items():
            clauses = clauses[: max(0, METRICS_PER_CATEGORY - count)]
            count += len(clauses)
            if clauses:
                # A scene and its period are named once; one scene's later categories need no lead.
                shown = "" if lead in introduced and one_scene else lead
                if lead in introduced and not one_scene:
                    shown = lead.split("（")[0]
                introduced.add(lead)
                said.append(shown + "，".join(clauses))
        operating.append(p["category"].format(category=category, items="；".join(said)))
    blocks.append((p["headings"]["运营"], operating))

    kept_blocks = [(heading, tracer.keep(draft, sentences)) for heading, sentences in blocks]
    draft.text = _numbered(kept_blocks)
    return draft


def _numbered(blocks: list[tuple[str, list[str]]]) -> str:
    """Subsections with text, numbered （一）（二）… in order: a missing one leaves no gap."""
    lines: list[str] = []
    for heading, sentences in (b for b in blocks if b[1]):
        lines += [f"（{_chinese_numeral(len(lines) // 2 + 1)}）{heading}", "".join(sentences)]
    return "\n".join(lines)


def _category_order(name: str) -> int:
    names = list(patterns()["实施成效"]["categories"])
    return names.index(name) if name in names else len(names)


# -- 一（二）项目简述 -----------------------------------------------------------------------------------


def _scene_count(app: Application) -> Derived:
    return Derived(value=f"{len(app.scenes)}个", how="三、场景化建设情况中的场景实例数")


def _domains_of(app: Application) -> list[str]:
    return list(dict.fromkeys(s.domain for s in app.scenes if s.domain))


def draft_project_summary(
    app: Application,
    facts: list[SceneFacts | None] | None = None,
    material: Material | None = None,
) -> SectionDraft:
    """一（二）项目简述 (≤500字): what was built, with what, the main results and the money."""
    all_facts = _facts_for(app, facts)
    p = patterns()["项目简述"]
    limit = load_requirements().limit_spec("项目简述").limit
    labels = [scene_label(i, s) for i, s in enumerate(app.scenes, 1)]
    money = economics(app, all_facts)
    draft = SectionDraft(
        key="项目简述", derived=[_scene_count(app), *money.derived, *_pair_derivations(all_facts, labels)]
    )
    if not app.scenes:
        draft.questions.append(patterns()["questions"]["建设"])
        return draft
    tracer = Tracer(app, material, draft.derived)
    titles = "、".join(f"“{s.instance or s.title}”" for s in app.scenes)
    domains = "、".join(_domains_of(app))
    if app.factory_name:
        opening = p["opening"].format(
            factory=app.factory_name, domains=domains, count=len(app.scenes), titles=titles
        )
    else:
        opening = p["opening_no_factory"].format(domains=domains, count=len(app.scenes), titles=titles)
    sentences = [opening]
    systems = [system_name(imp.system) for f in all_facts for imp in f.implementers if imp.system]
    if systems:
        named = list(dict.fromkeys(s for s in systems if s))[:MAX_SYSTEMS]
        sentences.append(p["systems"].format(systems="、".join(named)))
    pairs = [pair for f in all_facts for pair in clean_pairs(f)][:SUMMARY_METRICS]
    if pairs:
        sentences.append(p["results_lead"] + "；".join(pair_text(x) for x in pairs) + p["end"])
    if money.total_investment:
        returns = p["returns"].format(total=money.total_returns.text) if money.total_returns else ""
        sentences.append(p["investment"].format(total=money.total_investment.text) + returns + p["end"])
    elif money.total_returns:
        sentences.append(p["returns_only"].format(total=money.total_returns.text) + p["end"])
    kept = _fit(tracer.keep(draft, sentences), limit)
    if len(kept) < len(sentences):
        # A long list of scenes: shorten the opening to the count and the domains.
        short = [opening.split("：", 1)[0] + "。", *sentences[1:]]
        kept = _fit(tracer.keep(SectionDraft(key="项目简述"), short), limit)
        draft.figures = [f for f in draft.figures if any(f.value in s for s in kept)]
    draft.text = "".join(kept)
    return draft


# -- 二、项目总体情况 -----------------------------------------------------------------------------------


def _chatter(text: str) -> bool:
    """What the fact reader keeps out of a scene, except company information (the overview's basis)."""
    reason = set_aside_reason(text)
    return bool(reason) and not reason.startswith("企业基本信息")


def _first_sentence(text: str) -> str:
    """The first sentence that says something (a clause, not a label such as "改造前计划员人数（Excel排产）。");
    empty when there is none."""
    sentences = [x for x in re.findall(r"[^。！？]+[。！？]?", text.strip()) if x.strip()]
    said = next((x for x in sentences if len(x) >= MIN_PAIN_CHARS and "，" in x and not _chatter(x)), "")
    return said if said.endswith(("。", "！", "？")) or not said else said + "。"


def _material_sentences(
    material: Material | None, cue: str, facts: SceneFacts | None, used: set[str] | None = None
) -> list[str]:
    """Sentences of the material with a cue word, said formally; ``used`` are texts a scene already
    tells (its statements), which belong to the scene, not to the project as a whole."""
    if material is None:
        return []
    used = used or set()
    # Only lines the writer marked uncertain are kept out; "申报书前面有" sets a section aside for the
    # scene, not for the overview, which is where the company's basis belongs.
    set_aside = [n.text for n in facts.caveats] if facts else []
    out = []
    for sentence in material.sentences:
        text = sentence.text.strip()
        if len(text) < 8 or not re.search(cue, text, re.IGNORECASE) or text in used:
            continue
        if _chatter(text):
            continue  # a mail header, a greeting, a line marked unrelated: not the project's basis
        if any(text.rstrip("。") in aside or aside.rstrip("。") in text for aside in set_aside):
            continue
        if re.match(r"^[=#\-\s]*[一二三四五六七八九十]+、", text) or text.startswith("==="):
            continue  # a heading of the material, not a statement
        if re.search(NOT_NARRATIVE, text) or (
            facts and text.strip("。") in (facts.title, facts.instance_name)
        ):
            continue  # an amount, a supplier line or the material's own title belongs elsewhere
        said = formal(text)
        if said and said not in out and reads_as_prose(said):  # a spoken e-mail line is no 先进性 sentence
            out.append(said)
    return out


def _layers(facts: list[SceneFacts]) -> list[tuple[str, list[str]]]:
    layers = patterns()["layers"]
    found: dict[str, list[str]] = {layer["name"]: [] for layer in layers}
    for f in facts:
        for imp in f.implementers:
            if not imp.system:
                continue
            for layer in layers:
                if re.search(layer["words"], imp.system, re.IGNORECASE):
                    if system_name(imp.system) not in found[layer["name"]]:
                        found[layer["name"]].append(system_name(imp.system))
                    break
    return [(name, systems) for name, systems in found.items() if systems]


def draft_overview(
    app: Application,
    facts: list[SceneFacts | None] | None = None,
    material: Material | None = None,
    material_facts: SceneFacts | None = None,
) -> SectionDraft:
    """二、项目总体情况: 实施背景、基础条件、总体实施架构、总体建设情况、先进性与特色, each from the scenes
    and the writer's material where the facts exist; a precise question where they do not."""
    all_facts = _facts_for(app, facts)
    p = patterns()["总体情况"]
    q = patterns()["questions"]
    cues = patterns()["cues"]
    money = economics(app, all_facts)
    draft = SectionDraft(key="总体情况", derived=[_scene_count(app), *money.derived])
    tracer = Tracer(app, material, draft.derived)
    parts: dict[str, list[str]] = {}

    pains = [said for s in app.scenes if (said := _first_sentence(s.parts.痛点))]
    pains = list(dict.fromkeys(pains))[:MAX_BACKGROUND]
    parts["背景"] = [p["background_lead"] + "".join(pains)] if pains else []

    told = {st.text.strip() for f in all_facts for st in f.statements if st.role}
    told |= {st.text.strip() for st in (material_facts.statements if material_facts else []) if st.role}
    basis = _material_sentences(material, cues["基础"], material_facts, told)
    parts["基础"] = [b for b in basis if not re.search(SUPPLIER_WORDS, b)][:MAX_BASIS]

    layers = _layers(all_facts)
    if layers:
        items = "；".join(p["layer_item"].format(layer=name, systems="、".join(s)) for name, s in layers)
        parts["架构"] = [p["architecture"].format(layers="—".join(n for n, _ in layers), items=items)]
    else:
        parts["架构"] = []

    if app.scenes:
        domains = _domains_of(app)
        building = [
            p["building"].format(
                count=len(app.scenes),
                domains="、".join(domains),
                domain_count=_chinese_count(len(domains)),
                titles="、".join(f"“{s.title}”" for s in app.scenes),
            )
        ]
        if money.total_investment:
            building.append(p["building_money"].format(total=money.total_investment.text))
        parts["建设"] = building
    else:
        parts["建设"] = []

    feature_sources = _material_sentences(material, cues["特色"], material_facts)
    for scene in app.scenes:
        for sentence in re.findall(r"[^。！？]+[。！？]", scene.parts.技术方案):
            if re.search(cues["特色"], sentence) and sentence not in feature_sources:
                feature_sources.append(sentence)
    parts["特色"] = feature_sources[:MAX_FEATURES]

    blocks = [(heading, tracer.keep(draft, parts.get(key, []))) for key, heading in p["headings"].items()]
    draft.questions += [q[key] for key, (_, kept) in zip(p["headings"], blocks, strict=True) if not kept]
    draft.text = _numbered(blocks)
    return draft


def _chinese_numeral(n: int) -> str:
    """A heading's number: （二）."""
    return "零一二三四五六七八九十"[n] if 0 <= n <= 10 else str(n)


def _chinese_count(n: int) -> str:
    """A count before a measure word: 两个方面, never 二个."""
    return "两" if n == 2 else _chinese_numeral(n)


# -- 一（一）企业简介 ---------------------------------------------------------------------------------

BASIC_INFO = "一（一）基本信息"


def basic_info_material(app: Application) -> Material:
    """The form's own basic-information fields as material: the profile's figures trace to them."""
    e = app.enterprise
    lines = [f"{e.name}成立于{e.founded}。"] if e.name and e.founded else []
    for year in e.finances:
        if year.revenue.strip():
            lines.append(f"{year.year}年主营业务收入{year.revenue.strip()}万元。")
        if year.profit.strip():
            lines.append(f"{year.year}年利润{year.profit.strip()}万元。")
    text = "\n".join(lines)
    return Material(
        text=text, sentences=split_sentences(text, file=BASIC_INFO), name=BASIC_INFO, files=[BASIC_INFO]
    )


def _profile_opening(app: Application, founded_told: bool) -> list[str]:
    p = patterns()["企业简介"]
    e = app.enterprise
    if not e.name.strip():
        return []
    # The form's "其他" box says only that the industry is written beside it.
    other = e.industry_other.strip()
    industry = "、".join(
        [*(i for i in e.industry if not (other and i == "其他")), *([other] if other else [])]
    )
    founded = e.founded.strip() and not founded_told
    if founded and industry:
        return [p["opening"].format(name=e.name, founded=e.founded.strip(), industry=industry)]
    if industry:
        return [p["opening_no_founded"].format(name=e.name, industry=industry)]
    if founded:
        return [p["opening_name_only"].format(name=e.name, founded=e.founded.strip())]
    return []


def _profile_finances(app: Application) -> list[str]:
    p = patterns()["企业简介"]
    years = [y for y in app.enterprise.finances if y.revenue.strip() and y.profit.strip()]
    if len(years) == len(app.enterprise.finances) and len(years) > 1:
        return [
            p["finances"].format(
                years=f"{years[0].year}—{years[-1].year}",
                revenues="、".join(y.revenue.strip() for y in years),
                profits="、".join(y.profit.strip() for y in years),
            )
        ]
    return [
        p["finance_year"].format(year=y.year, revenue=y.revenue.strip(), profit=y.profit.strip())
        for y in years[-1:]
    ]


def _profile_sentences(material: Material | None, company: str) -> dict[str, list[str]]:
    """The writer's sentences about the company as a whole, by topic (first topic that matches)."""
    from assistant.drafting.extract import fact_words

    p = patterns()["企业简介"]
    words = fact_words()
    pending = re.compile("|".join(words.pending))
    about_company = re.compile(
        "|".join([p["subject"], *words.profile, *([re.escape(company)] if company else [])])
    )
    scene_words = re.compile(p["scene_words"], re.IGNORECASE)
    found: dict[str, list[str]] = {topic: [] for topic in p["topics"]}
    for sentence in material.sentences if material else []:
        text = sentence.text.strip()
        if len(text) < 8 or _chatter(text) or pending.search(text) or scene_words.search(text):
            continue
        topics = [t for t, cue in p["topics"].items() if re.search(cue, text)]
        if not about_company.search(text):
            topics = [t for t in topics if t not in p["needs_subject"]]
        said = formal(text)
        if re.match(p["subjectless"], said):
            said = "企业" + said
        if not topics or not said or any(said in told for told in found.values()):
            continue
        for topic in topics:  # a sentence told once, under its first topic; the others count as told
            found[topic].append(said)
    return found


def draft_company_profile(app: Application, material: Material | None = None) -> SectionDraft:
    """一（一）企业简介 (≤500字): the company named with its founding and industry from the basic
    information, the writer's sentences on its history, business, market, scale and honours, and the
    last three years' revenue and profit; a question for each topic the template names that is missing."""
    p = patterns()["企业简介"]
    q = patterns()["questions"]
    limit = load_requirements().limit_spec("企业简介").limit
    draft = SectionDraft(key="企业简介")
    by_topic = _profile_sentences(material, app.enterprise.name.strip())
    founded_told = any(re.search(p["topics"]["发展历程"], s) for s in by_topic["发展历程"])
    told = dict.fromkeys(s for sentences in by_topic.values() for s in sentences)
    sentences = [*_profile_opening(app, founded_told), *told, *_profile_finances(app)]
    kept = _fit(Tracer(app, material, []).keep(draft, sentences), limit)
    draft.figures = [f for f in draft.figures if any(f.value in s for s in kept)]
    draft.text = "".join(kept)
    if not app.enterprise.founded.strip() and not by_topic["发展历程"]:
        draft.questions.append(q["发展历程"])
    for topic in ("主营业务", "市场份额"):
        if not by_topic[topic]:
            draft.questions.append(q[topic])
    return draft


# -- 五、相关附件 ---------------------------------------------------------------------------------------


def attachment_checklist(app: Application | None = None) -> list[AttachmentItem]:
    """The notice's 五、相关附件 as a checklist; items the writer already has (by name) keep their ticks
    and notes, and items the writer added are kept after the notice's."""
    spec = load_requirements().attachments.checklist
    existing = {item.item: item for item in (app.attachment_list if app else [])}
    out = [
        existing.get(s.item, AttachmentItem(item=s.item, required=s.required)).model_copy(
            update={"required": s.required}
        )
        for s in spec
    ]
    names = {s.item for s in spec}
    out += [item.model_copy() for item in existing.values() if item.item not in names]
    return out


# -- all at once ------------------------------------------------------------------------------------------


def draft_application_texts(
    app: Application,
    facts: list[SceneFacts | None] | None = None,
    material: Material | None = None,
) -> ApplicationDraft:
    """企业简介, 项目简述, 二、项目总体情况, 四、项目实施成效 and the 五 checklist, drafted from the scenes (``facts[i]``
    belongs to ``app.scenes[i]``; a missing entry is read from the scene's text) and the writer's
    material about the project as a whole (optional)."""
    all_facts: list[SceneFacts | None] = list(_facts_for(app, facts))
    material_facts = extract_facts(material) if material is not None and material.sentences else None
    return ApplicationDraft(
        company_profile=draft_company_profile(app, material),
        project_summary=draft_project_summary(app, all_facts, material),
        overview=draft_overview(app, all_facts, material, material_facts),
        results=draft_results(app, all_facts, material),
        attachment_list=attachment_checklist(app),
    )


__all__ = [
    "ApplicationDraft",
    "Economics",
    "SectionDraft",
    "attachment_checklist",
    "draft_application_texts",
    "draft_company_profile",
    "draft_overview",
    "draft_project_summary",
    "draft_results",
    "economics",
    "facts_of_scene",
]
