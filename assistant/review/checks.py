"""The check kinds review rules are built from; each is implemented once and looked up by name.

A check reads the Application and its rule's parameters and returns Findings. Limits, domains,
环节, maturity levels and template phrases come from the requirements file, never from here.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from assistant.basic_info import field_text
from assistant.models import Application, Finding, PartKey, Scene, SectionKey, Severity
from assistant.requirements import Requirements
from assistant.review import params
from assistant.review.kinds import check
from assistant.scene_titles import title_parts
from assistant.scenes import SceneTable
from assistant.text import count_words, extract_changes, extract_quantities


@dataclass
class Context:
    app: Application
    req: Requirements
    scenes: SceneTable

    def part_label(self, key: str) -> str:
        spec = self.req.limit_spec(key)
        return spec.label


class _Format(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def finding(
    rule,
    *,
    severity: Severity | None = None,
    message: str | None = None,
    suggestion: str | None = None,
    scene: tuple[int, Scene] | None = None,
    section: SectionKey | None = None,
    evidence: str = "",
    clause: str | None = None,
    **values: object,
) -> Finding:
    fill = _Format({k: str(v) for k, v in values.items()})
    return Finding(
        rule=rule.id,
        severity=severity or rule.severity,
        message=(message or rule.message).format_map(fill),
        suggestion=(suggestion or rule.suggestion).format_map(fill),
        scene_index=scene[0] if scene else None,
        scene=scene[1].title if scene else None,
        section=section,
        evidence=evidence,
        clause=clause or rule.clause,
    )


def evidence_of(text: str, limit: int = 60) -> str:
    text = text.strip().replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "…"


def scene_parts(app: Application) -> Iterator[tuple[int, Scene, PartKey, str]]:
    for index, scene in enumerate(app.scenes, 1):
        for key, text in scene.parts.items():
            yield index, scene, key, text


def app_texts(app: Application) -> list[tuple[SectionKey, str]]:
    return [
        ("企业简介", app.enterprise.profile),
        ("项目简述", app.project_summary),
        ("总体情况", app.overview),
        ("实施成效", app.results),
    ]


@check("coverage", scopes=("application",))
def coverage(rule, ctx: Context) -> list[Finding]:
    covered = ctx.app.covered_domains()
    return [
        finding(rule, evidence=d.name, domain=d.name, domain_section=d.section, links="、".join(d.links))
        for d in ctx.req.mandatory_domains
        if d.name not in covered
    ]


@check("link-domain")
def link_domain(rule, ctx: Context) -> list[Finding]:
    found = []
    for index, scene in enumerate(ctx.app.scenes, 1):
        domain = ctx.req.domain(scene.domain)
        actual = ctx.req.domain_of_link(scene.link)
        if domain is None or actual is None or actual.name == domain.name:
            continue
        found.append(
            finding(
                rule,
                scene=(index, scene),
                evidence=f"{scene.domain} › {scene.link}",
                link=scene.link,
                domain=domain.name,
                actual=actual.name,
                actual_section=actual.section.strip("（）"),
                links="、".join(domain.links),
            )
        )
    return found


@check("title-format")
def title_format(rule, ctx: Context) -> list[Finding]:
    found = []
    for index, scene in enumerate(ctx.app.scenes, 1):
        if title_parts(scene.title) is None:
            found.append(
                finding(
                    rule,
                    scene=(index, scene),
                    evidence=scene.title or "（无标题）",
                    title=scene.title or "（无标题）",
                    example_instance=scene.instance or "…",
                )
            )
    return found


@check("scene-known")
def scene_known(rule, ctx: Context) -> list[Finding]:
    found = []
    for index, scene in enumerate(ctx.app.scenes, 1):
        if scene.domain not in ctx.req.domain_names or not scene.scene:
            continue  # modes (六)(七) and titles without a scene segment are judged by other rules
        if ctx.scenes.lookup(scene.scene, scene.link):
            continue
        nearest = ctx.scenes.nearest(
            scene.scene, n=3, link=scene.link if scene.link in ctx.req.all_links else None
        )
        found.append(
            finding(
                rule,
                scene=(index, scene),
                evidence=scene.scene,
                scene_name=scene.scene,
                nearest="、".join(e.label for e in nearest),
            )
        )
    return found


@check("required-parts", params.RequiredPartsParams)
def required_parts(rule, ctx: Context) -> list[Finding]:
    found = []
    extras_severity = rule.params.extras_severity
    for index, scene in enumerate(ctx.app.scenes, 1):
        # A bonus item (（六）（七）) written as a scene but not in all five parts is a weaker entry,
        # not a defect of the application: the template does not require the five parts there.
        lenient = (
            extras_severity
            and scene.domain in ctx.req.extra_names
            and any(text.strip() for _, text in scene.parts.items())
        )
        for spec in ctx.req.parts:
            if not scene.parts.get(spec.key).strip():  # type: ignore[arg-type]
                found.append(
                    finding(
                        rule,
                        severity=Severity(extras_severity) if lenient else None,
                        scene=(index, scene),
                        section=spec.key,
                        label=spec.label,  # type: ignore[arg-type]
                        guidance=spec.clause,
                        clause=spec.clause,
                    )
                )
    texts = dict(app_texts(ctx.app))
    for key in rule.params.sections:
        if not texts.get(key, "").strip():
            spec = next(s for s in ctx.req.sections if s.key == key)
            found.append(
                finding(rule, section=key, label=spec.heading, guidance=spec.guidance, clause=spec.clause)
            )
    return found


@check("length", params.LengthParams)
def length(rule, ctx: Context) -> list[Finding]:
    found = []
    targets: list[tuple[tuple[int, Scene] | None, str, str]] = [
        ((i, s), key, text) for i, s, key, text in scene_parts(ctx.app)
    ]
    targets += [(None, key, text) for key, text in app_texts(ctx.app) if key in ("企业简介", "项目简述")]
    for scene, key, text in targets:
        spec = ctx.req.limit_spec(key)
        n = count_words(text)
        values = {
            "label": spec.label,
            "count": n,
            "limit": spec.limit,
            "over": n - spec.limit,
            "percent": round(n * 100 / spec.limit),
        }
        if n > spec.limit:
            found.append(
                finding(
                    rule,
                    scene=scene,
                    section=key,
                    evidence=f"{n}字 / 上限{spec.limit}字",  # type: ignore[arg-type]
                    clause=spec.clause,
                    **values,
                )
            )
        elif n >= spec.limit * ctx.req.near_limit_ratio:
            found.append(
                finding(
                    rule,
                    severity=rule.params.near_severity,
                    message=rule.params.near_message,
                    suggestion=rule.params.near_suggestion,
                    scene=scene,
                    section=key,
                    evidence=f"{n}字 / 上限{spec.limit}字",  # type: ignore[arg-type]
                    clause=spec.clause,
                    **values,
                )
            )
    return found


def _has_accepted_figure(text: str, kinds: list[str] | None, return_words: list[str], window: int) -> bool:
    quantities = [q for q in extract_quantities(text) if q.is_metric]
    if kinds is None:
        return bool(quantities) or bool(extract_changes(text))
    if any(q.kind in kinds for q in quantities):
        return True
    for word in return_words:
        for m in re.finditer(re.escape(word), text):
            if any(m.end() <= q.start <= m.end() + window for q in quantities):
                return True
    return False


@check("metric", params.MetricParams)
def metric(rule, ctx: Context) -> list[Finding]:
    key: PartKey = rule.params.section
    found = []
    for index, scene in enumerate(ctx.app.scenes, 1):
        text = scene.parts.get(key)
        if not text.strip():
            continue  # an empty part is section-missing's finding, not this one
        if not _has_accepted_figure(
            text, rule.params.accept_kinds, rule.params.return_words, rule.params.window
        ):
            found.append(finding(rule, scene=(index, scene), section=key, evidence=evidence_of(text)))
    return found


def _named_orgs(text: str, registered: list[str], short: list[str], not_names: list[str]) -> list[str]:
    """Organisation names in ``text``: two or more name characters before a registered ending
    (有限公司…), or before a short one (公司、集团…) when the last word before it is a name, not a
    verb, preposition or pronoun (满足公司、部署在公司、本公司 name nobody)."""
    endings = sorted(registered + short, key=len, reverse=True)  # 有限公司 before 公司
    ending = re.compile("|".join(re.escape(s) for s in endings))
    # \Z, not $: "$" also matches before a final newline, which glued "一、背景\n公司在…" into a name.
    name_run = re.compile(r"[\u4e00-\u9fffA-Za-z0-9（）()·]+\Z")
    names = []
    for m in ending.finditer(text):
        before = name_run.search(text[max(0, m.start() - 30) : m.start()])
        name = before.group(0) if before else ""
        if len(name) < 2:
            continue
        if m.group(0) not in registered and any(name.endswith(w) for w in not_names):
            continue
        names.append(name + m.group(0))
    return names


@check("supplier", params.SupplierParams)
def supplier(rule, ctx: Context) -> list[Finding]:
    p = rule.params
    key: PartKey = p.section
    registered, short, not_names = p.org_suffixes, p.short_org_suffixes, p.not_names
    vendors, self_built = p.vendors, p.self_built
    found = []
    for index, scene in enumerate(ctx.app.scenes, 1):
        text = scene.parts.get(key)
        if not text.strip():
            continue
        cleaned = text.replace("***公司", "")  # the template's placeholder names nobody
        if (
            _named_orgs(cleaned, registered, short, not_names)
            or any(v in cleaned for v in vendors)
            or any(w in cleaned for w in self_built)
        ):
            continue
        found.append(finding(rule, scene=(index, scene), section=key, evidence=evidence_of(text)))
    return found


@check("leftover", params.LeftoverParams)
def leftover(rule, ctx: Context) -> list[Finding]:
    # A rule may bring its own phrases (the drafter's placeholders); by default the template's.
    phrases = rule.params.phrases
    if phrases is None and not rule.params.patterns:
        phrases = ctx.req.template_leftovers.phrases
    patterns = [re.compile(p, re.MULTILINE) for p in rule.params.patterns]
    found = []

    def scan(text: str, scene: tuple[int, Scene] | None, section: SectionKey | None) -> None:
        hits = [p for p in phrases or [] if p in text]
        hits += [m.group(0).strip() for pattern in patterns for m in pattern.finditer(text)]
        if hits:
            found.append(
                finding(rule, scene=scene, section=section, evidence="；".join(hits), phrase=hits[0])
            )

    for index, scene in enumerate(ctx.app.scenes, 1):
        scan(scene.title, (index, scene), None)
        for key, text in scene.parts.items():
            scan(text, (index, scene), key)
    for key, text in app_texts(ctx.app):
        scan(text, None, key)
    return found


def _normalise(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", text)


@check("duplicate", params.DuplicateParams, scopes=("application",))
def duplicate(rule, ctx: Context) -> list[Finding]:
    threshold = rule.params.similarity
    found = []
    scenes = ctx.app.scenes
    bodies = [_normalise("".join(t for _, t in s.parts.items())) for s in scenes]
    # Character bags give difflib's quick_ratio bound once per scene instead of once per pair; the
    # exact (quadratic) ratio runs only for the few pairs that pass it.
    bags = [Counter(body) for body in bodies]
    for j in range(len(scenes)):
        for i in range(j):
            a, b = scenes[i], scenes[j]
            same_name = bool(a.instance) and _normalise(a.instance) == _normalise(b.instance)
            similar = False
            if bodies[i] and bodies[j] and not same_name:
                total = len(bodies[i]) + len(bodies[j])
                similar = (
                    2 * min(len(bodies[i]), len(bodies[j])) / total >= threshold
                    and 2 * sum((bags[i] & bags[j]).values()) / total >= threshold
                    and difflib.SequenceMatcher(None, bodies[i], bodies[j], autojunk=False).ratio()
                    >= threshold
                )
            if same_name or similar:
                how = "实例名相同" if same_name else "正文几乎相同"
                found.append(
                    finding(
                        rule,
                        scene=(j + 1, b),
                        evidence=b.instance if same_name else evidence_of(b.parts.描述),
                        other_index=i + 1,
                        other_title=a.title,
                        how=how,
                    )
                )
                break
    return found


@check("maturity", params.MaturityParams, scopes=("application",))
def maturity(rule, ctx: Context) -> list[Finding]:
    spec = ctx.req.maturity
    chosen = ctx.app.enterprise.maturity
    levels = [c for c in chosen if c in spec.levels]
    if any(spec.meets_minimum(level) for level in levels):
        return []
    if spec.other_option in chosen and not levels:
        proof = (
            f"（{ctx.app.enterprise.maturity_other}）"
            if ctx.app.enterprise.maturity_other
            else "（未写明证明材料）"
        )
        return [
            finding(
                rule,
                severity=rule.params.other_severity,
                message=rule.params.other_message,
                evidence="、".join(chosen),
                proof=proof,
            )
        ]
    problem = f"为{'、'.join(levels)}，低于{spec.minimum}" if levels else "未勾选"
    result = finding(rule, evidence="、".join(chosen) or "（未勾选）", problem=problem)
    result.eligibility = bool(levels)  # ticked below the minimum; an unticked box can still be fixed
    return [result]


@check("accident", scopes=("application",))
def accident(rule, ctx: Context) -> list[Finding]:
    e = ctx.app.enterprise
    if e.major_accident:
        name = f"（{e.accident_name}）" if e.accident_name else ""
        result = finding(rule, evidence=f"勾选“是”{name}", name=name)
        result.eligibility = True
        return [result]
    return []


def _normalise_cell(value: str) -> str:
    """A table cell compared by content: no spaces, full-width forms folded (／ → /, － → -)."""
    return unicodedata.normalize("NFKC", value).replace(" ", "").strip()


@check("finance", params.FinanceParams, scopes=("application",))
def finance(rule, ctx: Context) -> list[Finding]:
    by_year = {f.year: f for f in ctx.app.enterprise.finances}
    # A dash or 暂无 in the cell is the form left blank in other words, not a figure.
    placeholders = {_normalise_cell(p) for p in rule.params.blank_values}

    def blank(value: str) -> bool:
        cell = _normalise_cell(value)
        return not cell or cell in placeholders

    missing = []
    for year in ctx.req.finance.years:
        entry = by_year.get(year)
        if entry is None or blank(entry.revenue):
            missing.append(f"{year}年主营业务收入")
        if entry is None or blank(entry.profit):
            missing.append(f"{year}年利润")
    if not missing:
        return []
    return [finding(rule, evidence="、".join(missing), missing="、".join(missing))]


@check("basic-info", scopes=("application",))
def basic_info(rule, ctx: Context) -> list[Finding]:
    missing = [name for name in ctx.req.basic_fields.required if not field_text(ctx.app, name).strip()]
    if ctx.app.enterprise.major_accident is None:
        missing.append("重大事故一问（是/否）")
    if not missing:
        return []
    return [finding(rule, evidence="、".join(missing), missing="、".join(missing))]


def all_text(app: Application) -> str:
    pieces = [text for _, text in app_texts(app)]
    pieces += [app.attachments, app.project_name, app.factory_name]
    for scene in app.scenes:
        pieces.append(scene.title)
        pieces += [text for _, text in scene.parts.items()]
    return "\n".join(pieces)


@check("mention", params.MentionParams, scopes=("application",))
def mention(rule, ctx: Context) -> list[Finding]:
    text = all_text(ctx.app)
    if any(term in text for term in rule.params.terms):
        return []
    return [finding(rule)]


@check("benchmark-year", scopes=("application",))
def benchmark_year(rule, ctx: Context) -> list[Finding]:
    app = ctx.app
    if not app.benchmark or app.benchmark_year.strip():
        return []
    return [finding(rule, evidence="勾选“是”，未写年份", remark=ctx.req.quota.benchmark_remark)]
