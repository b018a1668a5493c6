"""Reading the Word features real 申报书 drafts use and the template never shows: automatic
multilevel numbering (the number is not in the text), part numbering 1） 1) ⑴, symbols and
checkbox content controls as ticks, tracked changes, a merged 近三年发展情况 label with an 指标
column, and the writers' own wordings of domain and part headings.

Each test builds a small document, reads it, and checks that the review then raises no
coverage/section error the content does not deserve."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from assistant.application_reader import parse_blocks, read_application, text_after_option
from assistant.docx_io.blocks import Para, TableBlock, docx_blocks
from assistant.docx_io.text import docx_text
from assistant.models import Application
from assistant.review.engine import review_application

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
W14_NS = 'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"'

LABELS = [
    "场景实例描述",
    "解决的痛点问题描述",
    "采用的技术方案（包括供应商）",
    "已实施成效",
    "经济性和可推广性",
]
SCENES = [
    ("生产作业", "质量管控-在线智能检测-釉面缺陷视觉检测"),
    ("生产管理", "仓储物流-仓储智能管理-泥料立体库"),
    ("运营管理", "供应链管理-供应链数字化管理-原料采购协同平台"),
]


def part_texts(n: int) -> list[str]:
    return [
        f"场景{n}在产线末端部署检测设备8套，数据回传MES。",
        f"场景{n}建设前人工作业漏检率达3%，客户投诉多。",
        f"场景{n}系统由江西某某智能科技有限公司提供并实施。",
        f"场景{n}漏检率由3%降至0.5%，检验人员由12人减至4人。",
        f"场景{n}投资120万元，年节约成本约60万元，投资回收期2年。",
    ]


# What a review must not say about a document whose content is all there.
UNDESERVED = {
    "domain-coverage",
    "section-missing",
    "scene-name-format",
    "finance-incomplete",
    "link-domain-mismatch",
}


def undeserved_errors(app: Application) -> list[str]:
    report = review_application(app, "draft.docx")
    return [f"{f.rule}: {f.message}" for f in report.errors if f.rule in UNDESERVED]


def bold(doc, text: str):
    p = doc.add_paragraph()
    p.add_run(text).bold = True
    return p


Writer = Callable[..., object]


def build(
    *,
    top: Writer | None = None,
    domain: Writer | None = None,
    title: Writer | None = None,
    part: Writer | None = None,
    finance_merged: bool = False,
    part_labels: list[str] | None = None,
):
    """A complete 申报书 in python-docx; the writers decide how each kind of heading is written."""
    top = top or (lambda doc, number, words: bold(doc, number + words))
    domain = domain or (lambda doc, number, name: bold(doc, f"{number}{name}"))
    title = title or (lambda doc, text: bold(doc, text))
    part = part or (lambda doc, i, label: doc.add_paragraph(f"（{i}）{label}"))
    labels = part_labels or LABELS
    doc = docx.Document()
    doc.add_paragraph("项目名称：釉面数字化工厂")
    doc.add_paragraph("申报单位（盖章）：景德镇市青窑瓷业有限公司")
    doc.add_paragraph("推荐单位（盖章）：景德镇市工信局")
    doc.add_paragraph("是否入选江西省智能制造标杆企业：□是 ■否")
    top(doc, "一、", "申报主体和先进级智能工厂基本信息")
    rows = [
        ["企业名称", "景德镇市青窑瓷业有限公司"],
        ["成立时间", "2006年3月"],
        ["申报主体地址", "江西省景德镇市珠山区瓷都大道1号"],
        ["所属行业（按主要产品分）", "□有色金属 □电子信息 ■建材 □其他"],
        ["法人代表/负责人", "姓名：王青；职务：董事长"],
        ["联系人", "姓名：李岚；职务：办公室主任；手机：13900001234；邮箱：li@example.com"],
    ]
    if not finance_merged:
        rows += [
            ["近三年发展情况", "2022年", "2023年", "2024年"],
            ["主营业务收入（万元）", "21,300", "23,800", "26,100"],
            ["利润（万元）", "1,260", "1,480", "1,730"],
        ]
    rows += [
        ["智能制造能力成熟度评估结果或其他能力证明材料", "□一级 ■二级 □三级 □四级 □五级 □其他"],
        ["企业近三年是否发生重大安全生产事故、重大环境事故", "□是（事故名称： ） ■否"],
        ["企业简介", "公司专注日用陶瓷二十年，年产日用瓷3,000万件。"],
        ["先进级智能工厂具体名称", "青窑釉面数字化工厂"],
        ["项目简述", "项目建成成型、施釉、烧成全流程数字化产线。"],
    ]
    table = doc.add_table(rows=len(rows) + (3 if finance_merged else 0), cols=5)
    r = 0
    for row in rows:
        if finance_merged and row[0].startswith("智能制造"):
            merged = table.cell(r, 0).merge(table.cell(r + 2, 0))
            merged.text = "近三年发展情况"
            for i, cells in enumerate(
                [
                    ["指标", "2022年", "2023年", "2024年"],
                    ["主营业务收入（万元）", "152,300", "138,760", "160,420"],
                    ["利润（万元）", "9,860", "-1,250", "8,130"],
                ]
            ):
                for j, text in enumerate(cells):
                    table.cell(r + i, j + 1).text = text
            r += 3
        for j, text in enumerate(row):
            table.cell(r, j).text = text
        r += 1
    top(doc, "二、", "项目总体情况")
    doc.add_paragraph("公司按照“平台+应用”架构建设智能工厂，网络按等保二级建设，关键设备安全可控。")
    top(doc, "三、", "场景化建设情况")
    for n, ((name, scene_title), number) in enumerate(
        zip(SCENES, ["（一）", "（二）", "（三）"], strict=True), 1
    ):
        domain(doc, number, name)
        title(doc, scene_title)
        for i, (label, text) in enumerate(zip(labels, part_texts(n), strict=True), 1):
            part(doc, i, label)
            doc.add_paragraph(text)
    top(doc, "四、", "项目实施成效")
    doc.add_paragraph("人均产值提升45%，产品不良率下降60%。")
    top(doc, "五、", "相关附件")
    doc.add_paragraph("审计报告、成熟度自评估报告、专利证书。")
    return doc


def read(doc, tmp_path: Path, name: str = "draft.docx") -> Application:
    path = tmp_path / name
    doc.save(str(path))
    return read_application(path)


def assert_three_full_scenes(app: Application) -> None:
    assert [(s.domain, s.title) for s in app.scenes] == SCENES
    for n, scene in enumerate(app.scenes, 1):
        assert [text for _, text in scene.parts.items()] == part_texts(n)
    assert undeserved_errors(app) == []


def number_style(doc, style_name: str, num_id: int, level: int) -> None:
    """Attach Word list numbering to a style, as 多级列表 linked to 标题 1–3 does."""
    ppr = doc.styles[style_name].element.get_or_add_pPr()
    ppr.insert(
        0,
        parse_xml(f'<w:numPr {W_NS}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>'),
    )


# -- P1: automatic numbering ---------------------------------------------------------------------------
def test_headings_numbered_by_word_multilevel_list(tmp_path: Path) -> None:
    def top(doc, number, words):
        return doc.add_paragraph(words, style="Heading 1")

    def domain(doc, number, name):
        return doc.add_paragraph(name, style="Heading 2")

    def title(doc, text):
        return doc.add_paragraph(text, style="Heading 3")

    def part(doc, i, label):
        return doc.add_paragraph(label, style="List Number")  # numbered through the style

    doc = build(top=top, domain=domain, title=title, part=part)
    for level, style in enumerate(["Heading 1", "Heading 2", "Heading 3"]):
        number_style(doc, style, 7, level)
    blocks = [b for b in docx_blocks_of(doc, tmp_path) if isinstance(b, Para)]
    assert next(b for b in blocks if b.text == "项目总体情况").numbered
    assert next(b for b in blocks if b.text == "已实施成效").numbered
    app = read(doc, tmp_path)
    assert app.overview.startswith("公司按照")
    assert app.results == "人均产值提升45%，产品不良率下降60%。"
    assert app.attachments.startswith("审计报告")
    assert app.enterprise.name == "景德镇市青窑瓷业有限公司"
    assert_three_full_scenes(app)


def docx_blocks_of(doc, tmp_path: Path):
    path = tmp_path / "blocks.docx"
    doc.save(str(path))
    return docx_blocks(path)


def test_part_headings_in_a_direct_numbered_list(tmp_path: Path) -> None:
    """Parts as a numbered list on plain paragraphs (w:numPr on the paragraph, not the style)."""

    def part(doc, i, label):
        p = doc.add_paragraph(label)
        p._p.get_or_add_pPr().insert(
            0, parse_xml(f'<w:numPr {W_NS}><w:ilvl w:val="0"/><w:numId w:val="{10 + i}"/></w:numPr>')
        )
        return p

    doc = build(part=part)
    # numId 0 switches a numbered style's numbering off for one paragraph
    doc.add_paragraph("不编号的段落", style="List Number")._p.get_or_add_pPr().insert(
        0, parse_xml(f'<w:numPr {W_NS}><w:ilvl w:val="0"/><w:numId w:val="0"/></w:numPr>')
    )
    numbered = {b.text: b.numbered for b in docx_blocks_of(doc, tmp_path) if isinstance(b, Para)}
    assert numbered["已实施成效"] and not numbered["不编号的段落"] and not numbered[part_texts(1)[3]]
    assert_three_full_scenes(read(doc, tmp_path))


def test_a_plain_body_line_with_section_words_does_not_switch_section(tmp_path: Path) -> None:
    """Bare 项目实施成效 is a heading only when it looks like one (heading style, bold, numbered)."""
    doc = build()
    body = doc.add_paragraph("相关附件")  # plain text at the very end, inside 五
    assert not body.runs[0].bold
    app = read(doc, tmp_path)
    assert app.attachments == "审计报告、成熟度自评估报告、专利证书。\n相关附件"


def test_headings_without_numbers_from_pandoc(tmp_path: Path) -> None:
    """Another program's output: pandoc turns `# 项目总体情况` into 标题 1 and `1. 场景实例描述`
    into a real numbered list — no number left in any heading's text."""
    pandoc = shutil.which("pandoc")
    assert pandoc, "pandoc is installed by `make test` (scripts/system-deps.sh)"
    lines = [
        "项目名称：釉面数字化工厂",
        "",
        "# 申报主体和先进级智能工厂基本信息",
        "",
        "| 企业名称 | 景德镇市青窑瓷业有限公司 |",
        "|---|---|",
        "| 成立时间 | 2006年3月 |",
        "",
        "# 项目总体情况",
        "",
        "公司按照平台加应用架构建设智能工厂。",
        "",
        "# 场景化建设情况",
        "",
    ]
    for n, (name, scene_title) in enumerate(SCENES, 1):
        lines += [f"## {name}", "", f"### {scene_title}", ""]
        for i, (label, text) in enumerate(zip(LABELS, part_texts(n), strict=True), 1):
            lines += [f"{i}. {label}", "", f"    {text}", ""]
    lines += ["# 项目实施成效", "", "人均产值提升45%。", "", "# 相关附件", "", "审计报告。", ""]
    md = tmp_path / "draft.md"
    md.write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "draft.docx"
    subprocess.run([pandoc, str(md), "-o", str(out)], check=True, timeout=120)
    app = read_application(out)
    assert app.overview == "公司按照平台加应用架构建设智能工厂。"
    assert app.results == "人均产值提升45%。"
    assert [(s.domain, s.title) for s in app.scenes] == SCENES
    for n, scene in enumerate(app.scenes, 1):
        assert [text for _, text in scene.parts.items()] == part_texts(n)
    assert not [e for e in undeserved_errors(app) if not e.startswith("finance-incomplete")]


# -- P1: part numbering 1） 1) ⑴ -------------------------------------------------------------------------
@pytest.mark.parametrize("emphasis", [False, True], ids=["plain", "bold"])
@pytest.mark.parametrize("style", ["{i}）", "{i})", "⑴⑵⑶⑷⑸"], ids=["fullwidth", "halfwidth", "parenthesised"])
def test_part_numbering_variants(tmp_path: Path, style: str, emphasis: bool) -> None:
    def part(doc, i, label):
        number = style[i - 1] if len(style) == 5 else style.format(i=i)
        return bold(doc, number + label) if emphasis else doc.add_paragraph(number + label)

    app = read(build(part=part), tmp_path)
    assert_three_full_scenes(app)  # a bold 1）场景实例描述 is never a scene of its own


# -- P1: Word-native markup ----------------------------------------------------------------------------
def _cell_paragraph(doc, label: str):
    for row in doc.tables[0].rows:
        if row.cells[0].text.startswith(label):
            return row.cells[1].paragraphs[0]
    raise AssertionError(label)


def _replace_content(paragraph, xml: str) -> None:
    for child in list(paragraph._p):
        if child.tag != paragraph._p.get_or_add_pPr().tag:
            paragraph._p.remove(child)
    for element in parse_xml(f"<w:p {W_NS} {W14_NS}>{xml}</w:p>"):
        paragraph._p.append(element)


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def test_word_native_ticks_content_controls_and_tracked_changes(tmp_path: Path) -> None:
    doc = build()
    # 插入 > 符号: a Wingdings 2 ticked box before 建材, and an unticked Wingdings box before 其他
    _replace_content(
        _cell_paragraph(doc, "所属行业"),
        run("□有色金属 □电子信息 ")
        + '<w:r><w:sym w:font="Wingdings 2" w:char="F052"/></w:r>'
        + run("建材 ")
        + '<w:r><w:sym w:font="Wingdings" w:char="F0A8"/></w:r>'
        + run("其他"),
    )
    # 开发工具 > 复选框内容控件, checked, before 三级 (the typed ■二级 was deleted under 修订)
    _replace_content(
        _cell_paragraph(doc, "智能制造能力成熟度"),
        run("□一级 ")
        + '<w:del w:id="1" w:author="a"><w:r><w:delText>■</w:delText></w:r></w:del>'
        + '<w:ins w:id="2" w:author="a"><w:r><w:t>□</w:t></w:r></w:ins>'
        + run("二级 ")
        + '<w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val="1"/></w14:checkbox></w:sdtPr>'
        + "<w:sdtContent><w:r><w:t>☐</w:t></w:r></w:sdtContent></w:sdt>"
        + run("三级 □四级 □五级 □其他"),
    )
    # accident 否 ticked under 修订: □ deleted, ☑ inserted
    _replace_content(
        _cell_paragraph(doc, "企业近三年"),
        run("□是（事故名称： ） ")
        + '<w:del w:id="3" w:author="a"><w:r><w:delText>□</w:delText></w:r></w:del>'
        + '<w:ins w:id="4" w:author="a"><w:r><w:t>☑</w:t></w:r></w:ins>'
        + run("否"),
    )
    # scene 3's 成效 paragraph added under 修订; a deleted sentence in scene 1's 描述 is gone
    texts = [p for p in doc.paragraphs if p.text.startswith(("场景3漏检率", "场景1在产线"))]
    for p in texts:
        original = p.text
        if original.startswith("场景3"):
            _replace_content(p, f'<w:ins w:id="5" w:author="a">{run(original)}</w:ins>')
        else:
            _replace_content(
                p,
                run(original)
                + '<w:del w:id="6" w:author="a"><w:r><w:delText>已删除的句子。</w:delText></w:r></w:del>',
            )
    # the overview inside a block-level (rich text) content control
    overview = next(p for p in doc.paragraphs if p.text.startswith("公司按照"))
    sdt = parse_xml(f"<w:sdt {W_NS}><w:sdtPr/><w:sdtContent/></w:sdt>")
    overview._p.addprevious(sdt)
    sdt[1].append(overview._p)

    app = read(doc, tmp_path)
    e = app.enterprise
    assert e.industry == ["建材"]
    assert e.maturity == ["三级"]
    assert e.major_accident is False
    assert app.overview.startswith("公司按照")
    assert app.scenes[0].parts.描述 == part_texts(1)[0]
    assert_three_full_scenes(app)
    assert "☑建材" in docx_text(tmp_path / "draft.docx")  # `assistant count` sees the same text


def test_unchecked_checkbox_control_and_deleted_row(tmp_path: Path) -> None:
    doc = build()
    _replace_content(
        _cell_paragraph(doc, "智能制造能力成熟度"),
        run("□一级 ")
        + '<w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val="0"/></w14:checkbox></w:sdtPr>'
        + "<w:sdtContent><w:r><w:t>☒</w:t></w:r></w:sdtContent></w:sdt>"
        + run("二级 □三级"),
    )
    profile_row = next(r for r in doc.tables[0].rows if r.cells[0].text == "企业简介")
    profile_row._tr.get_or_add_trPr().append(parse_xml(f'<w:del {W_NS} w:id="9" w:author="a"/>'))
    app = read(doc, tmp_path)
    assert app.enterprise.maturity == []  # the control's state says unchecked, whatever glyph it shows
    assert app.enterprise.profile == ""  # the row was deleted under 修订


# -- P1: merged 近三年发展情况 with an 指标 column ---------------------------------------------------------------
def test_finance_under_a_merged_label_with_an_indicator_column(tmp_path: Path) -> None:
    app = read(build(finance_merged=True), tmp_path)
    figures = [(f.year, f.revenue, f.profit) for f in app.enterprise.finances]
    assert figures == [(2022, "152,300", "9,860"), (2023, "138,760", "-1,250"), (2024, "160,420", "8,130")]
    assert_three_full_scenes(app)


# -- P2: domain and part wordings --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "heading", ["（二）生产管理类场景", "生产管理场景", "二、生产管理", "（二）生产管理领域"]
)
def test_domain_heading_wordings(tmp_path: Path, heading: str) -> None:
    def domain(doc, number, name):
        return bold(doc, heading if name == "生产管理" else number + name)

    assert_three_full_scenes(read(build(domain=domain), tmp_path))


@pytest.mark.parametrize(
    "labels",
    [
        ["场景实例描述", "解决的痛点问题描述", "采用的技术方案", "实施效果", "推广价值"],
        ["场景描述", "痛点问题", "技术方案", "实施成效", "经济性与可推广性"],
        ["场景实例描述", "痛点分析", "技术路线", "应用成效", "经济效益"],
    ],
)
def test_part_label_wordings(tmp_path: Path, labels: list[str]) -> None:
    assert_three_full_scenes(read(build(part_labels=labels), tmp_path))


def test_numbered_sub_items_inside_a_part_stay_in_that_part() -> None:
    blocks = [
        Para("三、场景化建设情况", bold=True),
        Para("（一）生产作业", bold=True),
        Para("质量管控-质量分析与改进-助剂质量数据分析", bold=True),
        Para("（1）场景实例描述", bold=True),
        Para("汇聚化验数据开展SPC分析。"),
        Para("（4）实施效果", bold=True),
        Para("1.效率方面：化验数据录入时间减少80%。"),
        Para("2.质量方面：批次合格率由97.2%提升至99.5%。"),
        Para("3.经济性方面：质量损失每年减少约90万元。"),
        Para("4.成效显著，获得客户认可并推广到三个车间。"),
        Para("（5）经济性和可推广性", bold=True),
        Para("本场景投资80万元。"),
    ]
    (scene,) = parse_blocks(blocks).scenes
    assert scene.parts.成效.splitlines() == [
        "1.效率方面：化验数据录入时间减少80%。",
        "2.质量方面：批次合格率由97.2%提升至99.5%。",
        "3.经济性方面：质量损失每年减少约90万元。",
        "4.成效显著，获得客户认可并推广到三个车间。",
    ]
    assert scene.parts.经济性 == "本场景投资80万元。"


# -- P3: accident name between [ ] boxes ------------------------------------------------------------------------
def test_accident_name_without_the_next_box() -> None:
    text = "[x]是（事故名称：2023年7月熔盐电解车间较大火灾事故） [ ]否"
    assert text_after_option(text, "是") == "2023年7月熔盐电解车间较大火灾事故"
    app = parse_blocks([TableBlock(rows=[["企业近三年是否发生重大安全生产事故、重大环境事故", text]])])
    assert app.enterprise.major_accident is True
    assert app.enterprise.accident_name == "2023年7月熔盐电解车间较大火灾事故"


# -- P3: （七）智慧供应链建设 as a narrative ---------------------------------------------------------------------
def test_supply_chain_narrative_is_kept_not_dropped(tmp_path: Path) -> None:
    doc = build()
    closing = next(p for p in doc.paragraphs if p.text == "四、项目实施成效")
    for text, is_bold in [
        ("（六）多环节模式创新", True),
        ("（如有，可参考《智能制造典型场景参考指引（2024年版）》多模式创新相关内容编写作为加分项）", False),
        ("（七）智慧供应链建设", True),
        ("公司牵头搭建陶瓷产业链协同平台，已接入上下游企业38家。", False),
        ("带动配套企业平均库存下降15%。", False),
    ]:
        p = closing.insert_paragraph_before()
        p.add_run(text).bold = is_bold
    app = read(doc, tmp_path)
    assert app.extra_texts == {
        "智慧供应链建设": "公司牵头搭建陶瓷产业链协同平台，已接入上下游企业38家。\n带动配套企业平均库存下降15%。"
    }
    assert Application.model_validate_json(app.model_dump_json()) == app
    assert_three_full_scenes(app)  # not a scene, so no section-missing for its five parts
