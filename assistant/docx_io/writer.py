"""Exporting an Application as a .docx laid out like 附件2, by filling corpus/templates/application.docx.

The layout lives in the template (a Word file); this module only prepares the values.
"""

from __future__ import annotations

import re
from pathlib import Path

from assistant.attachments import format_attachment
from assistant.errors import InputError
from assistant.markdown_io import CHECKED, UNCHECKED, boxes
from assistant.models import Application
from assistant.paths import CORPUS_DIR
from assistant.requirements import load_requirements

TEMPLATES_DIR = CORPUS_DIR / "templates"


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").split("\n") if line.strip()]


_SUBHEADING = re.compile(r"^[（(][一二三四五六七八九十]+[）)][^。；，]{2,18}$")


def _sectioned(text: str) -> list[dict]:
    """Paragraphs of 二/四, each marked whether it is a "（一）实施背景" sub-heading."""
    return [{"text": line, "sub": bool(_SUBHEADING.match(line))} for line in _paragraphs(text)]


def attachment_lines(app: Application) -> list[str]:
    """五、相关附件 as a numbered list: 1. ☑ 企业上一年度审计报告（必备）：2024年度."""
    return [format_attachment(n, item) for n, item in enumerate(app.attachment_list, 1)]


def application_context(app: Application) -> dict:
    from docxtpl import Listing

    req = load_requirements()
    e = app.enterprise
    by_year = {f.year: f for f in e.finances}
    years = list(req.finance.years)
    sections = [(d.name, d.section, True) for d in req.domains] + [
        (x.name, x.section, False) for x in req.extras
    ]
    domains = []
    for name, section, always in sections:
        scenes = app.scenes_in(name)
        texts = _paragraphs(app.extra_texts.get(name, ""))
        if not scenes and not texts and not always:
            continue
        domains.append(
            {
                "heading": f"{section}{name}",
                "texts": texts,
                "scenes": [
                    {
                        "number": number,  # 1. 2. … within each domain, as the form's example
                        "title": scene.title,
                        "parts": [
                            {"heading": spec.heading, "paragraphs": _paragraphs(scene.parts.get(spec.key))}  # type: ignore[arg-type]
                            for spec in req.parts
                        ],
                    }
                    for number, scene in enumerate(scenes, 1)
                ],
            }
        )
    benchmark_year = (
        f"（{app.benchmark_year.removesuffix('年')}年）" if app.benchmark and app.benchmark_year else ""
    )
    return {
        "app": app,
        "e": e,
        "benchmark_boxes": f"{CHECKED if app.benchmark else UNCHECKED}是{benchmark_year}   "
        f"{CHECKED if app.benchmark is False else UNCHECKED}否",
        "industry_boxes": boxes(req.industries, e.industry, e.industry_other),
        "maturity_boxes": boxes(
            [*req.maturity.levels, req.maturity.other_option], e.maturity, e.maturity_other
        ),
        "accident_boxes": f"{CHECKED if e.major_accident else UNCHECKED}是（事故名称：{e.accident_name}）    "
        f"{CHECKED if e.major_accident is False else UNCHECKED}否",
        "years": years,
        "revenue": [by_year[y].revenue if y in by_year else "" for y in years],
        "profit": [by_year[y].profit if y in by_year else "" for y in years],
        "profile": Listing(e.profile),
        "project_summary": Listing(app.project_summary),
        "overview": _sectioned(app.overview),
        "domains": domains,
        "results": _sectioned(app.results),
        "attachment_lines": attachment_lines(app),
        "attachments": _paragraphs(app.attachments),
    }


def export_docx(app: Application, target: Path, *, overwrite: bool = False) -> Path:
    from docxtpl import DocxTemplate

    if target.exists() and not overwrite:
        raise InputError(f"{target} 已存在；如需覆盖请加 --overwrite")
    template = DocxTemplate(str(TEMPLATES_DIR / "application.docx"))
    template.render(application_context(app), autoescape=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    template.save(str(tmp))
    tmp.replace(target)
    return target
