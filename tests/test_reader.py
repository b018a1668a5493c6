"""Reading real-world 申报书 layouts: template tables with merged cells, tick variants, bold headings,
parts split over paragraphs or laid out in tables — and the same file re-saved by LibreOffice."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.shared import Pt

from assistant.application_reader import read_application, ticked
from assistant.errors import InputError
from assistant.markdown_io import STYLES, application_to_markdown
from assistant.models import Application
from assistant.paths import SAMPLES_DIR


@pytest.mark.parametrize(
    ("text", "chosen"),
    [
        ("□一级 ☑二级 □三级", ["二级"]),
        ("□一级 ■二级 □三级", ["二级"]),
        ("□一级 √二级 □三级", ["二级"]),
        ("□一级 □√二级 □三级", ["二级"]),
        ("□一级 ✔ 二级 □三级", ["二级"]),
        ("□一级 [x]二级 □三级", ["二级"]),
        ("□一级 ▣二级 □三级", ["二级"]),
        ("□一级 ☒二级 □三级", ["二级"]),
        ("□一级 □二级 □三级", []),
    ],
)
def test_tick_marks(text: str, chosen: list[str]) -> None:
    assert ticked(text, ["一级", "二级", "三级"]) == chosen


def bold(doc, text: str) -> None:
    run = doc.add_paragraph().add_run(text)
    run.bold = True


def make_template_like_docx(path: Path) -> None:
    """A draft laid out as 附件2 is in Word: label cells merged, sub-labels in their own cells."""
    doc = docx.Document()
    doc.add_paragraph("江西省先进级智能工厂项目申报书")
    doc.add_paragraph("项    目    名    称：瓷泥精制数字化工厂")
    doc.add_paragraph("申 报 单 位（盖 章）：景德镇市青窑瓷业有限公司")
    doc.add_paragraph("推 荐 单 位（盖 章）：景德镇市工信局")
    doc.add_paragraph("是否入选江西省智能制造标杆企业：□是   ■否")
    bold(doc, "一、申报主体和先进级智能工厂基本信息")
    table = doc.add_table(rows=12, cols=5)
    table.style = "Table Grid"

    def row(i: int, *cells: str) -> None:
        for j, text in enumerate(cells):
            table.cell(i, j).text = text

    row(0, "企业名称", "景德镇市青窑瓷业有限公司")
    table.cell(0, 1).merge(table.cell(0, 4))
    row(1, "成立时间", "2006年3月")
    row(2, "所属行业（按主要产品分）", "□有色金属 □电子信息 ■建材 □其他")
    row(3, "法人代表/负责人", "姓名", "王青", "职务", "董事长")
    contact = table.cell(4, 0).merge(table.cell(5, 0))
    contact.text = "联系人"
    row(4, "联系人", "姓名", "李岚", "手机", "１３９００００１２３４")
    row(5, "联系人", "职务", "办公室主任", "邮箱", "li@example.com")
    row(6, "近三年发展情况", "2022年", "2023年", "2024年")
    row(7, "主营业务收入（万元）", "２１，３００", "23,800", "26,100")
    row(8, "利润（万元）", "1,260", "", "1,730")
    row(
        9,
        "智能制造能力成熟度评估结果或其他能力证明材料（证明材料后附）",
        "□一级 □二级 √三级 □四级 □五级 □其他",
    )
    row(10, "企业近三年是否发生重大安全生产事故、重大环境事故", "□是（事故名称：      ）    ■否")
    table.cell(11, 0).text = "企\n业\n简\n介"
    table.cell(11, 1).text = "公司专注日用陶瓷二十年。"
    doc.add_paragraph("")
    bold(doc, "二、项目总体情况")
    doc.add_paragraph("项目背景与总体架构。")
    bold(doc, "三、场景化建设情况")
    doc.add_paragraph("（一）生产作业")
    doc.add_paragraph(
        "（参考《智能制造典型场景参考指引（2024年版）》中的生产作业、质量管控、设备管理三个环节）"
    )
    bold(doc, "1.质量管控—在线智能检测—釉面缺陷视觉检测")
    doc.add_paragraph("1.场景实例描述")
    doc.add_paragraph("在施釉线末端部署视觉检测。")
    doc.add_paragraph("")
    doc.add_paragraph("检测结果回传MES。")
    doc.add_paragraph("（2）解决的痛点问题描述（300字以内）")
    doc.add_paragraph("人工目检漏检多。")
    doc.add_paragraph("（3）采用的技术方案（包括供应商）：由江西某某视觉科技有限公司实施。")
    doc.add_paragraph("（4）已实施成效")
    doc.add_paragraph("漏检率由3%降至0.5%。")
    doc.add_paragraph("（5）经济性和可推广性")
    doc.add_paragraph("投资120万元。")
    doc.add_paragraph("（二）生产管理")
    bold(doc, "仓储物流-仓储智能管理-泥料立体库")
    parts = doc.add_table(rows=5, cols=2)
    for i, (label, text) in enumerate(
        [
            ("场景实例描述", "建立泥料立体库。"),
            ("解决的痛点问题描述", "泥料堆放混乱。"),
            ("采用的技术方案", "WMS自主开发。"),
            ("已实施成效", "库存准确率由90%提升至99.5%。"),
            ("经济性和可推广性", "投资300万元。"),
        ]
    ):
        parts.cell(i, 0).text = label
        parts.cell(i, 1).text = text
    for run in doc.paragraphs[-1].runs:
        run.font.size = Pt(12)
    bold(doc, "四、项目实施成效")
    doc.add_paragraph("综合效率提升两成。")
    bold(doc, "五、相关附件")
    doc.add_paragraph("审计报告。")
    doc.save(str(path))


def check_template_like(app: Application) -> None:
    e = app.enterprise
    assert app.project_name == "瓷泥精制数字化工厂"
    assert app.applicant == "景德镇市青窑瓷业有限公司" and app.recommender == "景德镇市工信局"
    assert app.benchmark is False
    assert e.name == "景德镇市青窑瓷业有限公司" and e.founded == "2006年3月"
    assert e.industry == ["建材"]
    assert (e.legal_rep, e.legal_rep_title) == ("王青", "董事长")
    assert (e.contact, e.contact_title, e.contact_mobile, e.contact_email) == (
        "李岚",
        "办公室主任",
        "１３９００００１２３４",
        "li@example.com",
    )
    assert [(f.year, f.revenue, f.profit) for f in e.finances] == [
        (2022, "２１，３００", "1,260"),
        (2023, "23,800", ""),
        (2024, "26,100", "1,730"),
    ]
    assert e.maturity == ["三级"] and e.major_accident is False
    assert e.profile == "公司专注日用陶瓷二十年。"
    assert app.overview == "项目背景与总体架构。" and app.results == "综合效率提升两成。"
    first, second = app.scenes
    assert (first.domain, first.link, first.scene, first.instance) == (
        "生产作业",
        "质量管控",
        "在线智能检测",
        "釉面缺陷视觉检测",
    )
    assert first.parts.描述 == "在施釉线末端部署视觉检测。\n检测结果回传MES。"
    assert first.parts.技术方案 == "由江西某某视觉科技有限公司实施。"
    assert first.parts.成效 == "漏检率由3%降至0.5%。"
    assert (second.domain, second.link, second.scene) == ("生产管理", "仓储物流", "仓储智能管理")
    assert second.parts.成效 == "库存准确率由90%提升至99.5%。" and second.parts.技术方案 == "WMS自主开发。"


def test_template_like_docx_written_by_python_docx(tmp_path: Path) -> None:
    path = tmp_path / "draft.docx"
    make_template_like_docx(path)
    check_template_like(read_application(path))


def test_the_same_docx_resaved_by_libreoffice(tmp_path: Path, libreoffice_docx) -> None:
    source = tmp_path / "src" / "draft.docx"
    source.parent.mkdir()
    make_template_like_docx(source)
    check_template_like(read_application(libreoffice_docx(source)))


@pytest.mark.parametrize("style", STYLES, ids=lambda s: f"tick{s.tick}")
def test_markdown_round_trip_in_every_layout(tmp_path: Path, style) -> None:
    app = Application.model_validate_json(
        (SAMPLES_DIR / "sample-application.json").read_text(encoding="utf-8")
    )
    path = tmp_path / "draft.md"
    path.write_text(application_to_markdown(app, style=style), encoding="utf-8")
    assert read_application(path) == app


def test_markdown_through_pandoc_docx(tmp_path: Path) -> None:
    pandoc = shutil.which("pandoc")
    assert pandoc, "pandoc is installed by `make test` (scripts/system-deps.sh)"
    app = Application.model_validate_json(
        (SAMPLES_DIR / "sample-application.json").read_text(encoding="utf-8")
    )
    md = tmp_path / "draft.md"
    md.write_text(application_to_markdown(app, style=STYLES[1]), encoding="utf-8")
    out = tmp_path / "draft.docx"
    subprocess.run([pandoc, str(md), "-o", str(out)], check=True, timeout=120)
    assert read_application(out) == app


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.docx", b"PK\x03\x04garbage", "不是有效的 .docx"),
        ("b.json", b'{"scenes": 5}', "不是有效的申报书 JSON"),
        ("c.txt", "随便写点".encode(), "不支持的文件类型"),
        ("d.md", "# 会议纪要\n\n今天讨论了午餐。".encode(), "看起来不是先进级智能工厂申报书"),
    ],
)
def test_unreadable_drafts_are_input_errors(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_application(path)
