"""一（一）and the cover's fields on the writer's page, one input per field of the application.

The inputs come from one list of named fields: the cover's (below) and the rows of the basic-info table
(``corpus/basic_info.yaml``), so the page shows every field the export and the pre-export check know,
and reading or saving a field goes by its path on the application, never by its place in a tuple.
The texts 企业简介 and 项目简述 are edited with the other sections (``sections.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from assistant.basic_info import basic_info_table, get_value, set_value
from assistant.models import Application, YearFinance
from assistant.requirements import Requirements

Widget = Literal["text", "checks", "choice", "yesno"]
EDITED_AS_SECTIONS = ("enterprise.profile", "project_summary")
_YES_NO = {True: "是", False: "否"}


@dataclass(frozen=True)
class FormField:
    label: str
    path: str  # dotted path on Application; for a finance field, the YearFinance field
    widget: Widget = "text"
    choices: tuple[str, ...] = ()
    placeholder: str = ""
    year: int | None = None  # a finance field's year


# The cover of 附件2 and the two questions beside it: not rows of the basic-info table.
COVER = (
    FormField("项目名称", "project_name"),
    FormField("申报单位", "applicant"),
    FormField("推荐单位（如 南昌市工信局）", "recommender"),
    FormField("申报日期", "apply_date", placeholder="如 2025年6月30日"),
    FormField("是否入选江西省智能制造标杆企业", "benchmark", "yesno"),
    FormField("入选标杆企业年份", "benchmark_year", placeholder="如 2023"),
)


def form_fields(req: Requirements) -> list[FormField]:
    fields = list(COVER)
    options = {
        "industries": tuple(req.industries),
        "maturity": (*req.maturity.levels, req.maturity.other_option),
    }
    for row in basic_info_table().rows:
        if row.kind == "finance":
            ref = row.fields["value"]
            fields += [
                FormField(f"{year}年{ref.name}（万元）", ref.path, year=year) for year in req.finance.years
            ]
        elif row.kind == "accident":
            fields += [
                FormField(req.accident.question, "enterprise.major_accident", "yesno"),
                FormField("事故名称（如有）", "enterprise.accident_name"),
            ]
        elif row.kind == "choices":
            value, other = row.fields["value"], row.fields.get("other")
            widget: Widget = "checks" if row.options == "industries" else "choice"
            fields.append(FormField(value.name, value.path, widget, options[row.options or ""]))
            if other is not None:
                fields.append(FormField(other.name, other.path))
        else:
            fields += [
                FormField(ref.name, ref.path)
                for ref in row.fields.values()
                if ref.path not in EDITED_AS_SECTIONS
            ]
    return fields


def build_inputs(req: Requirements, per_row: int = 4) -> list:
    """The inputs, in ``form_fields`` order, four to a row."""
    import gradio as gr

    inputs: list = []
    fields = form_fields(req)
    for start in range(0, len(fields), per_row):
        with gr.Row():
            for f in fields[start : start + per_row]:
                if f.widget == "checks":
                    inputs.append(gr.CheckboxGroup(label=f.label, choices=list(f.choices)))
                elif f.widget == "choice":
                    inputs.append(gr.Dropdown(label=f.label, choices=list(f.choices)))
                elif f.widget == "yesno":
                    inputs.append(gr.Radio(label=f.label, choices=["否", "是"]))
                else:
                    inputs.append(gr.Textbox(label=f.label, placeholder=f.placeholder, min_width=120))
    return inputs


def _year(app: Application, year: int) -> YearFinance:
    found = next((f for f in app.enterprise.finances if f.year == year), None)
    if found is None:
        found = YearFinance(year=year)
        app.enterprise.finances = sorted([*app.enterprise.finances, found], key=lambda f: f.year)
    return found


def values_of(app: Application, req: Requirements) -> list[Any]:
    out: list[Any] = []
    for f in form_fields(req):
        if f.year is not None:
            found = next((y for y in app.enterprise.finances if y.year == f.year), None)
            out.append(getattr(found, f.path) if found else "")
            continue
        value = get_value(app, f.path)
        if f.widget == "yesno":
            out.append(_YES_NO.get(value))
        elif f.widget == "choice":
            out.append(value[0] if value else None)
        else:
            out.append(value)
    return out


def apply_values(app: Application, req: Requirements, values: list[Any]) -> None:
    for f, value in zip(form_fields(req), values, strict=True):
        if f.year is not None:
            setattr(_year(app, f.year), f.path, (value or "").strip())
        elif f.widget == "yesno":
            set_value(app, f.path, {"是": True, "否": False}.get(value))
        elif f.widget == "choice":
            set_value(app, f.path, [value] if value else [])
        elif f.widget == "checks":
            set_value(app, f.path, list(value or []))
        else:
            set_value(app, f.path, (value or "").strip())
    app.enterprise.name = app.enterprise.name or app.applicant  # the applicant is the enterprise
