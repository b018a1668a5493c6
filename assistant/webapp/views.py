"""What the app's pages show, as plain functions of the domain model (testable without a browser).

Text that came from users (drafts, uploads) is made inert before it is shown as Markdown or HTML.
"""

from __future__ import annotations

from assistant.config import Settings
from assistant.models import SEVERITY_LABELS, Application, Scene
from assistant.requirements import load_requirements
from assistant.review.columns import WEB_COLUMNS, finding_rows
from assistant.safe_text import escape_html, inert_markdown
from assistant.scenes import load_scene_table
from assistant.text import count_words

CSS = """
.count {font-size: 0.85rem; padding: 2px 8px; border-radius: 10px; display: inline-block}
.count.ok {background: #e6f4ea; color: #137333}
.count.near {background: #fef7e0; color: #b06000}
.count.over {background: #fce8e6; color: #c5221f}
.edited {color: #137333; font-size: 0.8rem; margin-left: 8px}
.rule-id {color: #888; font-size: 0.75rem}
#chat {min-height: 200px}
.bar {display: flex; align-items: center; gap: 8px; margin: 4px 0}
.bar .fill {height: 14px; background: #1a73e8; border-radius: 3px}
.bar .fill.missing {background: #c5221f; width: 6px}
.bar .name {width: 7em}
.bar.mandatory .name {font-weight: 600}
.bar.mandatory {border-left: 3px solid #1a73e8; padding-left: 6px}
.bar .lack {color: #c5221f}
.coverage-sum {font-size: 0.85rem; color: #555; margin: 2px 0 6px}
/* Gradio writes a toast's type ("Info", "Error") in English whatever the locale: shown in Chinese. */
.toast-title.info, .toast-title.error, .toast-title.warning, .toast-title.success {font-size: 0 !important}
.toast-title .toast-count {font-size: var(--text-sm, 0.8rem)}
.toast-title::before {font-size: var(--text-md, 0.9rem)}
.toast-title.info::before {content: "提示"}
.toast-title.success::before {content: "完成"}
.toast-title.warning::before {content: "注意"}
.toast-title.error::before {content: "出错了"}
"""

SUMMARY_HEADERS = [
    "文件",
    "项目名称",
    "申报单位",
    "结论",
    "错误",
    "警告",
    "提示",
    "已覆盖领域",
    "缺少的必须领域",
    "场景等级",
]
MATRIX_HEADERS = ["文件", "要素条件", "判断", "依据", "条款"]
RANK_HEADERS = ["推荐单位", "名次", "申报单位", "项目名称", "名额内", "理由", "文件"]
RECOMMEND_HEADERS = [
    "序号",
    "申报单位名称",
    "先进级智能工厂项目名称",
    "已经建成的典型场景",
    "联系人",
    "联系方式",
    "备注",
]
FINDING_HEADERS = list(WEB_COLUMNS)
SEARCH_HEADERS = ["#", "出处", "片段", "相关度", "关键词匹配", "语义匹配"]
SCENE_HEADERS = ["领域", "环节", "场景", "说明（本项目概括）", "核实", "旧称"]
SCENE_TABLE_NOTE = (
    "领域与环节的对应出自通知附件1 第6条注释（已核实）。场景名除“人机协同作业”外**均未核实**："
    "多取自2025年版指引的同主题名称，2024年版措辞可能不同；说明为本项目自拟概括。放入官方指引全文后可重建索引检索原文。"
)


# User text shown in Markdown: no HTML, no images, no links that run anything.
inert = inert_markdown


def banner(settings: Settings) -> str:
    if settings.llm_configured:
        where = inert(settings.shown_base_url or "OpenAI")  # credentials in the URL are masked
        return f"● **已连接大模型**：{inert(settings.llm_model or '')}（{where}）——起草与改写由模型完成，数字只取自你的材料。"
    # The writer cannot act on environment variables; whoever installed the tool can (README: 配置).
    return "○ **离线模式**：起草按材料中的事实组织成文，请再核对；审查、检索照常可用。（如需接入大模型，请联系部署本工具的同事）"


GREETING = (
    "您好！我来帮您写申报书中的**场景**部分。\n\n"
    "**请在下方粘贴**一个场景的材料：做了什么、改造前的问题、供应商、改造前后的数字（含统计周期）、"
    "投资和收益；也可点输入框左侧的回形针上传报告或数据表。\n\n"
    "例如：*“压铸线末端原来靠3名质检员目检，漏检率约1.2%。2024年3月上了视觉检测系统"
    "（××公司提供8台工业相机），漏检率降至0.1%，质检员减到1人。总投资300万元。”*\n\n"
    "我会对应环节/场景（可改选）并起草五个部分；您改过的文字不会被覆盖。"
)


def greeting_chat() -> list[dict]:
    return [{"role": "assistant", "content": GREETING}]


def counter(text: str, limit: int, edited: bool) -> str:
    n = count_words(text or "")
    # Amber from 90%: earlier than the reviewer's warning (requirements near_limit_ratio, 95%), so the
    # writer sees it coming while there is still room to rephrase.
    level = "over" if n > limit else ("near" if n >= limit * 0.9 else "ok")
    mark = '<span class="edited">✎ 您改过，已保护</span>' if edited else ""
    return f'<span class="count {level}" data-count="{n}">{n} / {limit} 字</span>{mark}'


def proposal_markdown(text: str | None, limit: int) -> str:
    if text is None:
        return ""
    return f"**重新起草给出的新写法**（{count_words(text)}/{limit} 字；您的文字保持不变，除非点“采用建议”）：\n\n> {inert(text)}"


def candidate_choices(candidates) -> list[tuple[str, str]]:
    """Radio choices: '1. 领域 › 环节 › 场景 — 命中：…', value 'link|scene'."""
    out = []
    for i, c in enumerate(candidates, 1):
        why = "、".join(c.matched[:5]) or "语义相近"
        out.append((f"{i}. {c.label}（命中：{why}）", f"{c.link}|{c.scene}"))
    return out


def all_scene_choices() -> list[tuple[str, str]]:
    """Every 环节/场景 of the scene table, for the picker."""
    return [(f"{e.domain} › {e.link} › {e.label}", f"{e.link}|{e.name}") for e in load_scene_table().entries]


def draft_header(draft: Scene | None) -> str:
    if draft is None:
        return "### 草稿\n在左侧粘贴材料或上传文件，助手会对应环节/场景并起草五个部分。"
    lines = [
        f"### {inert(draft.title)}",
        f"领域：{inert(draft.domain)}　汇总表行：{inert(draft.summary_line())}",
    ]
    # A question about an empty part is answered once the writer has written that part.
    from assistant.review.rulebook import questions_for_empty_parts

    asked_for = questions_for_empty_parts()
    open_questions = [
        q for q in draft.questions if q not in asked_for or not draft.parts.get(asked_for[q]).strip()
    ]
    if open_questions:
        lines.append("**待补充：**\n" + "\n".join(f"- {inert(q)}" for q in open_questions))
    return "\n\n".join(lines)


def findings_markdown(draft: Scene | None) -> str:
    if draft is None:
        return ""
    from assistant.drafting.guards import rule_findings

    findings = rule_findings(draft)
    if not findings:
        return "✓ 本场景未发现审查问题"
    lines = ["**审查提示**"]
    for f in findings:
        # The rule id is for whoever looks it up, not the headline: small and grey after the message.
        lines.append(
            f'- [{SEVERITY_LABELS[f.severity]}] {inert(f.message)}（{inert(f.clause)}）<span class="rule-id">{f.rule}</span>'
        )
    return "\n".join(lines)


def coverage_html(app: Application) -> str:
    req = load_requirements()
    covered = [d for d in req.mandatory_domains if app.scenes_in(d.name)]
    rows = [
        '<div class="coverage"><b>领域覆盖</b>'
        f'<div class="coverage-sum">必须领域已覆盖 {len(covered)}/{len(req.mandatory_domains)}，'
        f"共 {len(app.scenes)} 个场景（{inert(req.coverage_clause)}）</div>"
    ]
    for name, mandatory in [
        *((d.name, d.mandatory) for d in req.domains),
        *((e.name, False) for e in req.extras),
    ]:
        n = len(app.scenes_in(name))
        need = "必须" if mandatory else ("加分项" if name in req.extra_names else "可选")
        fill = (
            f'<span class="fill" style="width:{min(n, 8) * 24}px"></span>'
            if n
            else ('<span class="fill missing"></span>' if mandatory else "")
        )
        status = "✓" if n else ('<b class="lack">缺少</b>' if mandatory else "—")
        kind = "bar mandatory" if mandatory else "bar"
        rows.append(
            f'<div class="{kind}" data-domain="{name}" data-count="{n}"><span class="name">'
            f"{name}</span>{fill}<span>{n} 个场景（{need}）{status}</span></div>"
        )
    rows.append("</div>")
    return "".join(rows)


SCENE_ROW_HEADERS = ["#", "领域", "场景标题", *(f"{spec.key}（字）" for spec in load_requirements().parts)]


def scenes_table(app: Application) -> list[list]:
    """One row per scene, in the order of the application (grouped by domain); counts against limits."""
    specs = load_requirements().parts
    rows = []
    for i, s in enumerate(app.scenes, 1):
        counts = []
        for spec in specs:
            n = count_words(s.parts.get(spec.key))  # type: ignore[arg-type]
            counts.append(f"{n}/{spec.limit}" + ("（超）" if n > spec.limit else ""))
        rows.append([i, s.domain, s.title, *counts])
    return rows


def scene_choices(app: Application) -> list[tuple[str, int]]:
    return [(f"{i}. {s.domain}｜{s.title}", i - 1) for i, s in enumerate(app.scenes, 1)]


def review_summary(batch) -> list[list]:
    from assistant.review.outputs import application_row

    rows = []
    for r in batch.reports:
        row = application_row(r)
        if r.error:
            rows.append([row["文件"], "", "", f"无法读取：{r.error}", *[""] * (len(SUMMARY_HEADERS) - 4)])
            continue
        project = r.application.project_name if r.application else ""
        rows.append([row["文件"], project, *[row[key] for key in REVIEW_SUMMARY_COLUMNS[1:]]])
    return rows


REVIEW_SUMMARY_COLUMNS = tuple(h for h in SUMMARY_HEADERS if h != "项目名称")  # the row fills 项目名称 itself


def review_matrix(batch) -> list[list]:
    """The 合规矩阵 of every readable application: 要素条件 1–6 and the mandatory domains."""
    from pathlib import Path

    from assistant.review.compliance import compliance_matrix

    return [
        [Path(r.file).name, row.item, row.status, row.evidence, row.clause]
        for r in batch.reports
        for row in compliance_matrix(r)
    ]


def review_ranking(batch) -> list[list]:
    """The 遴选 ranking per 推荐单位, with the quota line and the 标杆企业 listed apart."""
    from assistant.review.ranking import rank_batch, ranking_rows

    return ranking_rows(rank_batch(batch.reports))


def review_batch_checks(batch) -> tuple[str, list[list]]:
    """The quota check (per 推荐单位) as Markdown, and the 推荐汇总表 rows of the readable applications."""
    from assistant.models import Severity
    from assistant.requirements import load_requirements
    from assistant.summary_table import rows_for

    apps = [r.application for r in batch.reports if r.application is not None]
    req = load_requirements()
    counted: dict[str, int] = {}
    benchmark = 0
    for app in apps:
        unit = req.quota.unit_of(app.recommender)
        if app.benchmark:
            benchmark += 1
        elif unit:
            counted[unit] = counted.get(unit, 0) + 1
    lines = ["#### 推荐名额核对"]
    for unit, n in counted.items():
        limit = req.quota.limit_for(unit)
        mark = "超出" if n > limit else "未超"
        lines.append(f"- {inert(unit)}：本批计入名额 {n} 个，上限 {limit} 个（{mark}）")
    if benchmark:
        lines.append(f"- 标杆企业 {benchmark} 个，不占名额")
    if not counted and not benchmark:
        lines.append("- 没有可识别推荐单位的申报书")
    for f in batch.batch_findings:
        level = "错误" if f.severity == Severity.error else "警告"
        lines.append(f"- **{level}**：{inert(f.message)}（{inert(f.evidence)}）")
    from assistant.review.ranking import DISCLAIMER

    lines += ["", f"遴选排序见下表。{DISCLAIMER}"]
    rows = [[r.no, r.applicant, r.project, r.scenes, r.contact, r.phone, r.remark] for r in rows_for(apps)]
    return "\n".join(lines), rows


def review_findings(batch) -> list[list]:
    return finding_rows(batch, WEB_COLUMNS, "（本批）")


def search_results(hits) -> list[list]:
    return [
        [
            i,
            h.citation,
            h.snippet,
            round(h.score, 4),
            "—" if h.bm25_score is None else round(h.bm25_score, 3),
            "—" if h.dense_score is None else round(h.dense_score, 3),
        ]
        for i, h in enumerate(hits, 1)
    ]


def scene_table_rows() -> list[list]:
    table = load_scene_table()
    return [
        [e.domain, e.link, e.name, e.summary, "已核实" if e.verified else "未核实", "、".join(e.aliases)]
        for e in table.entries
    ]


def warn_stale_edit(name: str, stored: str, typed: str) -> None:
    """Another tab changed this box since this tab last saw it: the edit was not saved; both texts shown."""
    import gradio as gr

    gr.Warning(
        f"“{escape_html(name)}”已在别处改过，你的修改未保存。当前保存的文本：{escape_html(stored)}"
        f"<br>你的文本：{escape_html(typed)}<br>再改一次本框即以你的为准；要用已保存的，请重新选择项目。",
        duration=None,
        title="未保存",
    )
