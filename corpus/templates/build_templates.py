"""Builds the .docx templates in this folder (docxtpl / Jinja tags inside Word documents).

The templates are data: edit them in Word if the layout should change, or change this script and
run ``python corpus/templates/build_templates.py`` to regenerate them. The exporter only fills
them; no layout lives in the exporter's code.
"""

from __future__ import annotations

from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

HERE = Path(__file__).parent


BODY_FONT = "仿宋_GB2312"  # Chinese government documents: 仿宋 body, 黑体 headings
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
BLACK = RGBColor(0, 0, 0)
# style → (East-Asian font, size in pt, bold)
STYLES = {
    "Normal": (BODY_FONT, 14, False),
    "Title": (HEADING_FONT, 22, False),
    "Heading 1": (HEADING_FONT, 16, False),
    "Heading 2": (HEADING_FONT, 15, False),
    "Heading 3": (HEADING_FONT, 14, False),
    "Heading 4": (HEADING_FONT, 14, False),
}


BASIC_TABLE_WIDTHS = (5.0, 1.8, 3.6, 1.8, 3.4)  # cm, sums to the A4 text width; labels stay on one line
TABLE_FONT_PT = 10.5  # 五号: a label such as 所属行业（按主要产品分） fits its column, values fit theirs


def _set_fonts(rpr, east_asia: str) -> None:
    """Explicit fonts on every script, and no theme fonts, which Word would prefer to them."""
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), LATIN_FONT)


def _fonts(doc) -> None:
    for name, (east_asia, size, bold) in STYLES.items():
        style = doc.styles[name]
        style.font.name = LATIN_FONT
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.color.rgb = BLACK  # the default template's headings are theme blue
        _set_fonts(style.element.get_or_add_rPr(), east_asia)
        if name != "Normal":
            style.paragraph_format.space_before = Pt(6)
            style.paragraph_format.space_after = Pt(6)
            # Title carries a bottom border in the default template: the form has none.
            ppr = style.element.pPr
            if ppr is not None:
                for border in ppr.findall(qn("w:pBdr")):
                    ppr.remove(border)
    doc.styles["Normal"].paragraph_format.line_spacing = 1.25


def _a4(doc, landscape: bool = False) -> None:
    section = doc.sections[0]
    width, height = Cm(21.0), Cm(29.7)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    if landscape:
        section.top_margin = section.bottom_margin = Cm(2.5)
        section.left_margin = section.right_margin = Cm(1.8)


def _para(doc, text: str, style: str | None = None, bold: bool = False, center: bool = False):
    p = doc.add_paragraph(style=style)
    run = p.add_run(text)
    run.bold = bold
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def _body(doc, text: str):
    """A paragraph of running text: first line indented by two characters, as Chinese documents are."""
    p = _para(doc, text)
    p.paragraph_format.first_line_indent = Pt(STYLES["Normal"][1] * 2)
    return p


def _sectioned(doc, name: str) -> None:
    """Running text whose short "（一）实施背景" lines are sub-headings: bold, not indented."""
    _para(doc, f"{{%p for line in {name} %}}")
    _para(doc, "{%p if line.sub %}")
    _para(doc, "{{ line.text }}", bold=True)
    _para(doc, "{%p else %}")
    _body(doc, "{{ line.text }}")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p endfor %}")


def build_application(path: Path) -> None:
    doc = docx.Document()
    _fonts(doc)
    _a4(doc)
    mark = _para(doc, "附件2")
    _set_fonts(mark.runs[0]._element.get_or_add_rPr(), HEADING_FONT)
    mark.runs[0].font.size = Pt(16)
    for _ in range(3):
        doc.add_paragraph()
    _para(doc, "江西省先进级智能工厂项目申报书", "Title", center=True)
    for _ in range(4):
        doc.add_paragraph()
    # The form's cover labels are spaced to one width; the reader ignores the spaces.
    for label, var in (
        ("项    目    名    称", "app.project_name"),
        ("申 报 单 位（盖 章）", "app.applicant"),
        ("推 荐 单 位（盖 章）", "app.recommender"),
    ):
        cover = _para(doc, f"{label}：{{{{ {var} }}}}")
        cover.paragraph_format.left_indent = Cm(1.5)
    cover = _para(doc, "是否入选江西省智能制造标杆企业：{{ benchmark_boxes }}")
    cover.paragraph_format.left_indent = Cm(1.5)
    cover = _para(doc, "申    报    日    期：{{ app.apply_date }}")
    cover.paragraph_format.left_indent = Cm(1.5)
    first = _para(doc, "一、申报主体和先进级智能工厂基本信息", "Heading 1")
    first.paragraph_format.page_break_before = True  # the cover is a page of its own
    _para(doc, "（一）申报主体基本信息", "Heading 2")
    rows = [
        ["企业名称", "{{ e.name }}"],
        ["成立时间", "{{ e.founded }}"],
        ["申报主体地址", "{{ e.address }}"],
        ["所属行业（按主要产品分）", "{{ industry_boxes }}"],
        ["法人代表/负责人", "姓名", "{{ e.legal_rep }}", "职务", "{{ e.legal_rep_title }}"],
        ["联系人", "姓名", "{{ e.contact }}", "手机", "{{ e.contact_mobile }}"],
        ["联系人", "职务", "{{ e.contact_title }}", "邮箱", "{{ e.contact_email }}"],
        ["近三年发展情况", "{{ years[0] }}年", "{{ years[1] }}年", "{{ years[2] }}年"],
        ["主营业务收入（万元）", "{{ revenue[0] }}", "{{ revenue[1] }}", "{{ revenue[2] }}"],
        ["利润（万元）", "{{ profit[0] }}", "{{ profit[1] }}", "{{ profit[2] }}"],
        ["智能制造能力成熟度评估结果或其他能力证明材料（证明材料后附）", "{{ maturity_boxes }}"],
        ["企业近三年是否发生重大安全生产事故、重大环境事故", "{{ accident_boxes }}"],
        ["企业简介", "{{ profile }}"],
        ["（二）先进级智能工厂基本信息"],
        ["先进级智能工厂具体名称", "{{ app.factory_name }}"],
        ["项目简述", "{{ project_summary }}"],
        [
            "真实性承诺",
            "我单位申报的所有材料，均真实、完整，如有不实，愿承担相应的责任。\n法定代表人签章：          公章：          年    月    日",
        ],
    ]
    table = doc.add_table(rows=len(rows), cols=5)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, cells in enumerate(rows):
        if len(cells) == 1:
            table.cell(i, 0).merge(table.cell(i, 4)).text = cells[0]
        elif len(cells) == 2:
            table.cell(i, 0).text = cells[0]
            table.cell(i, 1).merge(table.cell(i, 4)).text = cells[1]
        elif len(cells) == 4:
            for j, text in enumerate(cells[:3]):
                table.cell(i, j).text = text
            table.cell(i, 3).merge(table.cell(i, 4)).text = cells[3]
        else:
            for j, text in enumerate(cells):
                table.cell(i, j).text = text
    table.cell(5, 0).merge(table.cell(6, 0)).text = "联系人"
    # The form's proportions on A4's 15.6 cm text width: a wide label column, then name/value pairs.
    table.autofit = False
    for column, width in zip(table.columns, BASIC_TABLE_WIDTHS, strict=True):
        column.width = Cm(width)  # the grid, which LibreOffice follows
    for row in table.rows:
        for cell, width in zip(row.cells, BASIC_TABLE_WIDTHS, strict=True):
            cell.width = Cm(width)
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(TABLE_FONT_PT)  # 小四 in the table, as the form
    _para(doc, "二、项目总体情况", "Heading 1")
    _sectioned(doc, "overview")
    _para(doc, "三、场景化建设情况", "Heading 1")
    _para(doc, "{%p for domain in domains %}")
    _para(doc, "{{ domain.heading }}", "Heading 2")
    _para(doc, "{%p for text in domain.texts %}")
    _body(doc, "{{ text }}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p for scene in domain.scenes %}")
    _para(doc, "{{ scene.number }}. {{ scene.title }}", "Heading 3")
    _para(doc, "{%p for part in scene.parts %}")
    _para(doc, "{{ part.heading }}", bold=True)
    _para(doc, "{%p for text in part.paragraphs %}")
    _body(doc, "{{ text }}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p endfor %}")
    _para(doc, "四、项目实施成效", "Heading 1")
    _sectioned(doc, "results")
    _para(doc, "五、相关附件", "Heading 1")
    _para(doc, "{%p for line in attachment_lines %}")
    _para(doc, "{{ line }}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p for text in attachments %}")
    _body(doc, "{{ text }}")
    _para(doc, "{%p endfor %}")
    doc.save(str(path))


def build_summary(path: Path) -> None:
    doc = docx.Document()
    _fonts(doc)
    _a4(doc, landscape=True)
    _para(doc, "附件3", bold=True)
    _para(doc, "江西省先进级智能工厂项目推荐汇总表", "Title", center=True)
    _para(doc, "推荐单位（盖章）：{{ recommender }}")
    headers = [
        "序号",
        "申报单位名称",
        "先进级智能工厂项目名称",
        "已经建成的典型场景（逐一列出）",
        "联系人",
        "联系方式",
        "备注",
    ]
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    table.cell(1, 0).text = "{%tr for row in rows %}"
    for cell, var in zip(
        table.rows[2].cells,
        ["no", "applicant", "project", "scenes", "contact", "phone", "remark"],
        strict=True,
    ):
        cell.text = f"{{{{ row.{var} }}}}"
    table.cell(3, 0).text = "{%tr endfor %}"
    table.autofit = False
    for column, width in zip(table.columns, (1.2, 3.8, 4.2, 9.6, 1.8, 2.8, 3.6), strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, (1.2, 3.8, 4.2, 9.6, 1.8, 2.8, 3.6), strict=True):
            cell.width = Cm(width)
    _para(doc, "注：1.推荐单位为各设区市工信局、赣江新区经发局")
    _para(doc, "2.如申报单位曾入选江西省智能制造标杆企业，请在表中备注“20xx年江西省智能制造标杆企业”")
    _para(doc, "3.入选过国家卓越级智能工厂名单的无需申报")
    doc.save(str(path))


if __name__ == "__main__":
    build_application(HERE / "application.docx")
    build_summary(HERE / "summary.docx")
    print("templates written to", HERE)
