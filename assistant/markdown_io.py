"""An Application as Markdown laid out like 附件2 (the template's headings and tables).

The reviewer reads this layout back through the same block parser it uses for .docx
(``assistant.docx_io.reader``), so Markdown, .docx and JSON drafts are one thing to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.attachments import format_attachment
from assistant.basic_info import basic_info_table, get_value
from assistant.models import Application, Scene
from assistant.requirements import Requirements, load_requirements

CHECKED, UNCHECKED = "☑", "□"


@dataclass(frozen=True)
class MarkdownStyle:
    """How a writer laid the document out; the eval renders samples in several styles."""

    tick: str = CHECKED
    part_numbers: tuple[str, ...] = ("（1）", "（2）", "（3）", "（4）", "（5）")
    title_heading: bool = True  # scene titles as headings, else as bold paragraphs
    title_prefix: str = ""  # e.g. "场景1：" numbering before each title


STYLES = [
    MarkdownStyle(),
    MarkdownStyle(tick="■", part_numbers=("1.", "2.", "3.", "4.", "5."), title_heading=False),
    MarkdownStyle(tick="√", part_numbers=("①", "②", "③", "④", "⑤"), title_prefix="场景{n}："),
    MarkdownStyle(
        tick="✔", part_numbers=("(1)", "(2)", "(3)", "(4)", "(5)"), title_heading=False, title_prefix="{n}."
    ),
    MarkdownStyle(tick="[x]"),
]


def boxes(options: list[str], chosen: list[str], other_text: str = "", tick: str = CHECKED) -> str:
    marks = []
    for option in options:
        mark = tick if option in chosen else UNCHECKED
        suffix = other_text if option == "其他" and other_text else ""
        marks.append(f"{mark}{option}{suffix}")
    return " ".join(marks)


def _cell(text: str) -> str:
    return text.replace("|", "｜").replace("\n", "<br>") if text else " "


def _paragraphs(text: str) -> list[str]:
    """Each line its own Markdown paragraph; a line that Markdown would read as a list item is escaped."""
    out: list[str] = []
    for line in (text or "").split("\n"):
        line = line.strip()
        if not line:
            continue
        line = re.sub(r"^(\d+)\.(\s)", r"\1\\.\2", line)
        line = re.sub(r"^([-+*])(\s)", r"\\\1\2", line)
        out += [line, ""]
    return out or [""]


def _row(*cells: str) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def basic_info_rows(app: Application, req: Requirements, tick: str = CHECKED) -> list[list[str]]:
    """The 附件2 一（一）/（二） table as label/value rows, in the order of ``corpus/basic_info.yaml`` —
    shared by the Markdown and .docx writers."""
    e = app.enterprise
    rows: list[list[str]] = []
    for row in basic_info_table().rows:
        f = row.fields
        if row.kind == "text":
            rows.append([row.label or "", get_value(app, f["value"].path)])
        elif row.kind == "choices":
            options = (
                req.industries
                if row.options == "industries"
                else [*req.maturity.levels, req.maturity.other_option]
            )
            chosen, other = get_value(app, f["value"].path), get_value(app, f["other"].path)
            rows.append([row.label or "", boxes(options, chosen, other, tick)])
        elif row.kind == "person":
            rows.append(
                [row.label or "", "；".join(f"{key}：{get_value(app, v.path)}" for key, v in f.items())]
            )
        elif row.kind == "years":
            rows.append([row.label or "", *[f"{y.year}年" for y in e.finances]])
        elif row.kind == "finance":
            rows.append([row.label or "", *[getattr(y, f["value"].path) for y in e.finances]])
        else:  # the accident question, worded as in requirements.yaml
            accident_yes = f"{tick if e.major_accident else UNCHECKED}是（事故名称：{e.accident_name}）"
            accident_no = f"{tick if e.major_accident is False else UNCHECKED}否"
            rows.append([req.accident.question, f"{accident_yes} {accident_no}"])
    return rows


def scene_heading(scene: Scene) -> str:
    return scene.title


def application_to_markdown(
    app: Application, req: Requirements | None = None, style: MarkdownStyle = STYLES[0]
) -> str:
    req = req or load_requirements()
    tick = style.tick
    bench = app.benchmark
    lines = [
        "# 江西省先进级智能工厂项目申报书",
        "",
        f"项目名称：{app.project_name}",
        "",
        f"申报单位：{app.applicant}",
        "",
        f"推荐单位：{app.recommender}",
        "",
        f"是否入选江西省智能制造标杆企业：{tick if bench else UNCHECKED}是"
        f"{'（' + app.benchmark_year.removesuffix('年') + '年）' if app.benchmark_year else ''}"
        f" {tick if bench is False else UNCHECKED}否",
        "",
        f"申报日期：{app.apply_date}",
        "",
        "## 一、申报主体和先进级智能工厂基本信息",
        "",
        "### （一）申报主体基本信息",
        "",
    ]
    rows = basic_info_rows(app, req, tick)
    width = max(len(r) for r in rows)
    lines.append(_row("项目", "内容", *[""] * (width - 2)))
    lines.append("|" + "---|" * width)
    for r in rows:
        lines.append(_row(*r, *[""] * (width - len(r))))
    lines += ["", "## 二、项目总体情况", "", *_paragraphs(app.overview), "## 三、场景化建设情况", ""]
    sections = [(d.name, d.section) for d in req.domains] + [(x.name, x.section) for x in req.extras]
    for name, section in sections:
        lines += [f"### {section}{name}", "", *_paragraphs(app.extra_texts.get(name, ""))]
        for scene in app.scenes_in(name):
            number = app.scenes.index(scene) + 1
            title = style.title_prefix.format(n=number) + scene_heading(scene)
            lines += [f"#### {title}" if style.title_heading else f"**{title}**", ""]
            for spec, numeral in zip(req.parts, style.part_numbers, strict=True):
                heading = numeral + spec.heading.split("）", 1)[1]
                lines += [f"**{heading}**", "", *_paragraphs(scene.parts.get(spec.key))]  # type: ignore[arg-type]
    lines += [
        "## 四、项目实施成效",
        "",
        *_paragraphs(app.results),
        "## 五、相关附件",
        "",
        # Escaped so Markdown keeps "1." as text: the reader reads the checklist from the line itself.
        *[format_attachment(n, item).replace(".", "\\.", 1) for n, item in enumerate(app.attachment_list, 1)],
        *_paragraphs(app.attachments),
    ]
    return "\n".join(lines)
