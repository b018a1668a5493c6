"""The whole 申报书: application texts drafted from the scenes, the pre-export check, the official-form
layout of the .docx, and one command from material to a reviewed export (also as PDF and PNG pages)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import openpyxl
import yaml
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from assistant.application_reader import read_application
from assistant.config import Settings
from assistant.docx_io.writer import export_docx
from assistant.drafting.application import (
    attachment_checklist,
    draft_application_texts,
    draft_company_profile,
    draft_overview,
    draft_project_summary,
    draft_results,
    economics,
)
from assistant.drafting.application_online import polish_section
from assistant.drafting.assemble import draft_application, load_basic_info
from assistant.drafting.facts import Amount, Implementer, MetricPair, SceneFacts
from assistant.drafting.material import load_materials, material_from_chat
from assistant.drafting.service import draft_scene
from assistant.export_check import check_before_export
from assistant.markdown_io import application_to_markdown
from assistant.models import Application, AttachmentItem, Scene, SceneParts
from assistant.paths import EVALS_DIR, SAMPLES_DIR
from assistant.requirements import load_requirements
from assistant.review.engine import review_application
from assistant.text import count_words, extract_quantities
from testkit.scripted_server import Reply, ScriptedServer

ARTIFACTS = Path(__file__).parent / "artifacts"
ROOT = Path(__file__).parent.parent
MATERIAL = SAMPLES_DIR / "sample-material.md"
BASIC_INFO = SAMPLES_DIR / "sample-basic-info.yaml"
# Two more scenes' material, so the drafted application covers the three mandatory domains.
MORE = [EVALS_DIR / "drafting" / "sets" / "d18", EVALS_DIR / "drafting" / "sets" / "d20"]


def _material_only(tmp_path: Path) -> list[Path]:
    """The sets' material files, one folder per scene — never their gold (facts.yaml, reference.json)."""
    import shutil

    folders = []
    for folder in MORE:
        target = tmp_path / f"材料-{folder.name}"
        target.mkdir()
        for path in folder.glob("material*"):
            shutil.copy(path, target / path.name)
        folders.append(target)
    return folders


MORE_HINTS = [
    {"domain": "生产管理", "link": "计划调度", "scene": "车间智能排产"},
    {"domain": "运营管理", "link": "营销与售后", "scene": "远程运维服务"},
]


def sample() -> Application:
    return Application.model_validate_json((SAMPLES_DIR / "sample-application.json").read_text("utf-8"))


def scene(domain: str, instance: str, investment: str = "", returns: str = "") -> Scene:
    """A scene whose text states what ``facts`` below says (the drafts may quote only stated figures)."""
    money = f"本场景总投资{investment}，每年收益{returns}。" if investment else "投资待统计。"
    parts = SceneParts(成效="OEE由71%提升至83%。", 经济性=money)
    return Scene(domain=domain, link="设备管理", scene="设备故障诊断与预测", instance=instance, parts=parts)


def facts(investment: str | None, returns: str | None) -> SceneFacts:
    return SceneFacts(
        investment_total=Amount(amount=investment) if investment else None,
        returns_total=Amount(amount=returns) if returns else None,
        implementers=[Implementer(system="设备管理平台", name="南昌智维软件有限公司")],
        pairs=[MetricPair(metric="OEE", before="71%", after="83%")],
    )


# -- economics: sums only of figures that belong together -------------------------------------------


def test_project_investment_is_summed_only_when_every_scene_states_one() -> None:
    app = Application(
        scenes=[
            scene("生产作业", "甲", "340万元", "275万元"),
            scene("生产管理", "乙", "1,380万元", "420万元"),
        ]
    )
    complete = economics(app, [facts("340万元", "275万元"), facts("1,380万元", "420万元")])
    assert complete.total_investment is not None and complete.total_investment.text == "1,720万元"
    assert complete.total_returns is not None and complete.total_returns.text == "695万元"
    hows = {d.value: d.how for d in complete.derived}
    assert "340万元" in hows["1,720万元"] and "1,380万元" in hows["1,720万元"]
    assert "2.5年" in hows  # 1720 ÷ 695, recorded with its derivation

    complete_text = draft_results(app, [facts("340万元", "275万元"), facts("1,380万元", "420万元")])
    assert "合计投资1,720万元" in complete_text.text and not complete_text.dropped
    assert any(f.value == "1,720万元" and f.source.startswith("推算：") for f in complete_text.figures)

    app.scenes[1] = scene("生产管理", "乙")
    partial = economics(app, [facts("340万元", "275万元"), facts(None, None)])
    assert (
        partial.total_investment is None and partial.total_returns is None and partial.payback_years is None
    )
    results = draft_results(app, [facts("340万元", "275万元"), facts(None, None)])
    assert "合计投资" not in results.text and "340万元" in results.text
    assert any("场景2「乙」的投资金额" in q for q in results.questions) and "“甲”340万元" in results.text
    assert any("场景2「乙」的年收益" in q for q in results.questions)


def test_every_figure_of_the_drafted_texts_is_traced() -> None:
    material = load_materials([MATERIAL])
    drafted = draft_scene(
        material, Settings(), domain="生产作业", link="设备管理", scene="设备故障诊断与预测"
    )
    app = Application(factory_name="注塑智能工厂", scenes=[drafted.scene])
    texts = draft_application_texts(app, [drafted.facts], material)
    for section in texts.sections():
        assert section.text, section.key
        stated = [q.text for q in extract_quantities(section.text)]
        traced = [f.value for f in section.figures]
        assert sorted(stated) == sorted(traced), section.key
        assert all(f.source for f in section.figures)
    # The return rate is the tool's own arithmetic, and says so.
    rate = next(f for f in texts.results.figures if f.value == "80.9%")
    assert rate.source.startswith("推算：") and "340万元" in rate.source
    assert "1,900小时" in texts.results.text and "340万元" in texts.project_summary.text
    assert count_words(texts.project_summary.text) <= load_requirements().limit_spec("项目简述").limit


def test_project_summary_of_eight_scenes_keeps_its_limit() -> None:
    texts = draft_application_texts(sample())
    limit = load_requirements().limit_spec("项目简述").limit
    assert 0 < count_words(texts.project_summary.text) <= limit
    assert "8个智能制造典型场景" in texts.project_summary.text


def test_overview_asks_precise_questions_where_facts_are_missing() -> None:
    bare = Scene(
        domain="生产作业",
        link="质量管控",
        scene="在线智能检测",
        instance="外观检测",
        parts=SceneParts(描述="企业在装配线末端建设外观检测工位。"),
    )
    draft = draft_overview(Application(scenes=[bare]), [SceneFacts()])
    headings = re.findall(r"^（[一二三四五]）\S+$", draft.text, re.MULTILINE)
    assert headings == ["（一）总体建设情况"]  # numbered among the subsections the draft has: no gaps
    asked = "\n".join(draft.questions)
    for words in ("实施背景", "基础条件", "总体实施架构", "先进性与特色"):
        assert words in asked
    assert "【待补充】" not in draft.text


# -- 一（一）企业简介 --------------------------------------------------------------------------------

# A sales manager's chat notes, written for this test: the company's story mixed with a scene's figures.
WHEEL_NOTES = """我们厂1998年建厂，前身是县农机厂，2006年改制为有限公司。
主要生产汽车铝合金轮毂和摩托车轮毂，客户包括江铃、吉利等主机厂。
公司现有员工1200人，其中研发人员86人，是国家高新技术企业、省级专精特新企业。
去年上了MES，投资300万。改造前换模要2小时，现在40分钟。
食堂下个月装修，申报小组周五开会。"""


def test_company_profile_is_drafted_from_the_company_lines_and_the_basic_information() -> None:
    app = sample()
    app.enterprise.name, app.enterprise.founded, app.enterprise.profile = "江西某轮毂有限公司", "", ""
    draft = draft_company_profile(app, material_from_chat(WHEEL_NOTES))
    text = draft.text
    assert text.startswith("江西某轮毂有限公司所属行业为")
    assert "1998年建厂" in text and "2006年改制" in text and "江铃、吉利" in text and "1200人" in text
    assert "我们" not in text and "MES" not in text and "300万" not in text and "食堂" not in text
    revenues = "、".join(y.revenue for y in app.enterprise.finances)
    assert f"2022—2024年，企业主营业务收入分别为{revenues}万元" in text  # from the form itself
    assert 0 < count_words(text) <= load_requirements().limit_spec("企业简介").limit
    assert {"1200人", f"{app.enterprise.finances[-1].revenue}万元"} <= {f.value for f in draft.figures}
    assert draft.dropped == []
    # Market share is the one topic of the template the notes do not speak to: asked, not invented.
    assert len(draft.questions) == 1 and "市场" in draft.questions[0]


def test_company_profile_keeps_the_writers_own_text_and_asks_when_nothing_is_known() -> None:
    app = sample()
    own = app.enterprise.profile
    assert own.strip()
    texts = draft_application_texts(app, None, material_from_chat(WHEEL_NOTES))
    assert texts.company_profile.text and texts.apply(app).enterprise.profile == own
    assert texts.apply(app, overwrite=True).enterprise.profile == texts.company_profile.text
    bare = draft_company_profile(Application())
    assert bare.text == "" and len(bare.questions) == 3


# -- 五、相关附件 ------------------------------------------------------------------------------------


def test_attachment_checklist_follows_the_notice_and_survives_export(tmp_path: Path) -> None:
    items = attachment_checklist()
    assert [i.item for i in items][:2] == [
        "企业上一年度审计报告",
        "智能制造能力成熟度自评估结果或其他能力证明材料",
    ]
    assert [i.required for i in items] == [True, True, False]
    assert "不需要提供" in load_requirements().attachments.checklist[2].hint  # not product patents
    app = sample()
    app.attachment_list = [
        AttachmentItem(item=items[0].item, required=True, ticked=True, note="2024年度审计报告"),
        AttachmentItem(item=items[1].item, required=True, ticked=False),
    ]
    out = export_docx(app, tmp_path / "a.docx")
    lines = [p.text for p in docx.Document(str(out)).paragraphs]
    assert "1. ☑ 企业上一年度审计报告（必备）：2024年度审计报告" in lines
    assert read_application(out) == app
    markdown = tmp_path / "a.md"
    markdown.write_text(application_to_markdown(app), encoding="utf-8")
    assert read_application(markdown).attachment_list == app.attachment_list
    assert any(i.kind == "附件未勾选" and items[1].item in i.message for i in check_before_export(app))


# -- pre-export check -------------------------------------------------------------------------------


def test_pre_export_check_lists_what_is_missing_or_over_its_limit() -> None:
    assert check_before_export(sample()) == []
    empty = {(i.kind, i.where) for i in check_before_export(Application())}
    assert ("无场景", "三、场景化建设情况") in empty
    assert {w for k, w in empty if k == "领域未覆盖"} == {
        "三（一）生产作业",
        "三（二）生产管理",
        "三（三）运营管理",
    }
    assert ("内容为空", "二、项目总体情况") in empty and ("内容为空", "五、相关附件") in empty
    app = sample()
    app.enterprise.contact_mobile = ""
    app.scenes[0].parts.成效 = "OEE由68%提升至81%。" * 40
    app.project_summary = ""
    issues = check_before_export(app)
    over = [i for i in issues if i.kind == "超出字数"]
    assert len(over) == 1 and "（4）已实施成效" in over[0].where and "上限300字" in over[0].message
    assert any(i.kind == "基本信息缺失" and "联系人手机" in i.message for i in issues)
    assert any(i.kind == "内容为空" and i.where == "一（二）项目简述" for i in issues)


# -- the official form ----------------------------------------------------------------------------


def _east_asia(style) -> str | None:
    return style.element.rPr.rFonts.get(qn("w:eastAsia"))


def test_export_looks_like_the_official_form(tmp_path: Path) -> None:
    doc = docx.Document(str(export_docx(sample(), tmp_path / "a.docx")))
    section = doc.sections[0]
    assert abs(section.page_width - Cm(21)) < Cm(0.05) and abs(section.page_height - Cm(29.7)) < Cm(0.05)
    assert _east_asia(doc.styles["Normal"]) == "仿宋_GB2312"
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        style = doc.styles[name]
        assert _east_asia(style) == "黑体", name
        assert style.element.rPr.rFonts.get(qn("w:eastAsiaTheme")) is None, name  # theme would win
        assert str(style.font.color.rgb) == "000000" and style.font.color.theme_color is None, name
    paragraphs = [p for p in doc.paragraphs if p.text.strip()]
    assert paragraphs[0].text == "附件2" and paragraphs[1].text == "江西省先进级智能工厂项目申报书"
    assert [p.text.split("：")[0].replace(" ", "") for p in paragraphs[2:7]] == [
        "项目名称",
        "申报单位（盖章）",
        "推荐单位（盖章）",
        "是否入选江西省智能制造标杆企业",
        "申报日期",
    ]
    first = next(p for p in doc.paragraphs if p.text.startswith("一、"))
    assert first.paragraph_format.page_break_before  # the cover is a page of its own
    # Scene instances numbered within each domain, titled 环节-场景-实例, each with its five labels.
    numbers: dict[str, list[int]] = {}
    domain = ""
    for p in doc.paragraphs:
        if p.style.name == "Heading 2" and p.text.startswith("（"):
            domain = p.text
        elif p.style.name == "Heading 3":
            m = re.match(r"^(\d+)\. (\S+-\S+-\S+)$", p.text)
            assert m, p.text
            numbers.setdefault(domain, []).append(int(m.group(1)))
    assert numbers["（一）生产作业"] == [1, 2, 3] and numbers["（二）生产管理"] == [1, 2]
    labels = [p.text for p in doc.paragraphs if re.match(r"^（[1-5]）", p.text)]
    assert labels[:5] == [spec.heading for spec in load_requirements().parts] and len(labels) == 5 * 8
    table = doc.tables[0]
    assert [row.cells[0].text for row in table.rows][:4] == [
        "企业名称",
        "成立时间",
        "申报主体地址",
        "所属行业（按主要产品分）",
    ]
    every = doc.paragraphs
    at = next(i for i, p in enumerate(every) if p.text == "（一）实施背景")
    sub, body = every[at], every[at + 1]
    assert sub.runs[0].bold and not sub.paragraph_format.first_line_indent
    assert body.text.startswith("新能源汽车") and body.paragraph_format.first_line_indent == Pt(28)
    for heading in ("一、", "二、项目总体情况", "三、场景化建设情况", "四、项目实施成效", "五、相关附件"):
        assert any(p.text.startswith(heading) for p in doc.paragraphs if p.style.name == "Heading 1")


# -- one command: material → complete application → review ------------------------------------------


def _basic_info(tmp_path: Path) -> Path:
    info = yaml.safe_load(BASIC_INFO.read_text("utf-8"))
    info["scenes"] = [*info["scenes"], *MORE_HINTS]
    path = tmp_path / "info.yaml"
    path.write_text(yaml.safe_dump(info, allow_unicode=True), encoding="utf-8")
    return path


def _cli(*args: str) -> subprocess.CompletedProcess:
    # This checkout's package first, whatever an editable install elsewhere points at.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args], capture_output=True, text=True, timeout=300, env=env
    )


def test_draft_application_cli_drafts_exports_and_passes_review(tmp_path: Path) -> None:
    out = tmp_path / "申报书.docx"
    result = _cli(
        "draft-application",
        str(MATERIAL),
        *map(str, _material_only(tmp_path)),
        "--basic-info",
        str(_basic_info(tmp_path)),
        "--docx",
        str(out),
        "--summary",
        str(tmp_path / "汇总表.xlsx"),
        "--json",
        str(tmp_path / "申报书.json"),
    )
    assert result.returncode == 0, result.stderr
    assert "共 3 个场景" in result.stdout and "导出前检查" in result.stdout
    app = read_application(out)
    saved = Application.model_validate_json((tmp_path / "申报书.json").read_text("utf-8"))
    for drafted in saved.scenes:  # the drafting bookkeeping is not part of the form
        drafted.gaps, drafted.questions, drafted.figures = [], [], []
    assert app == saved
    assert [s.domain for s in app.scenes] == ["生产作业", "生产管理", "运营管理"]
    for text in (app.project_summary, app.overview, app.results):
        assert text.strip()
    assert "（二）经济效益" in app.results and "（一）创新成效" in app.results
    assert [i.ticked for i in app.attachment_list] == [True, True, False]
    errors = [f for f in review_application(app).findings if f.severity.value == "error"]
    assert errors == []
    ws = openpyxl.load_workbook(tmp_path / "汇总表.xlsx").active
    assert ws.cell(row=4, column=2).value == "江西赣塑精密制造有限公司"


def test_draft_application_cli_lists_what_is_incomplete_and_exports_anyway(tmp_path: Path) -> None:
    out = tmp_path / "申报书.docx"
    info = tmp_path / "info.yaml"
    info.write_text(
        "project_name: 测试项目\nscenes:\n  - {domain: 生产作业, link: 设备管理, scene: 设备故障诊断与预测}\n",
        encoding="utf-8",
    )
    result = _cli("draft-application", str(MATERIAL), "--basic-info", str(info), "--docx", str(out))
    assert result.returncode == 0, result.stderr
    assert out.exists()
    assert "[领域未覆盖] 三（二）生产管理" in result.stdout
    assert "[基本信息缺失] 一、基本信息：企业名称未填写" in result.stdout
    assert "[附件未勾选] 五、相关附件：企业上一年度审计报告（必备）尚未勾选" in result.stdout


def test_draft_application_cli_reports_a_misspelt_basic_info_field(tmp_path: Path) -> None:
    info = tmp_path / "info.yaml"
    info.write_text("projct_name: 测试项目\n", encoding="utf-8")
    result = _cli(
        "draft-application", str(MATERIAL), "--basic-info", str(info), "--docx", str(tmp_path / "a.docx")
    )
    assert result.returncode == 2 and "projct_name" in result.stderr


def test_export_as_pdf_is_a4_and_its_first_pages_are_saved(tmp_path: Path, libreoffice_docx) -> None:
    pdftoppm, pdfinfo = shutil.which("pdftoppm"), shutil.which("pdfinfo")
    assert pdftoppm and pdfinfo, "poppler-utils is installed by `make test` (scripts/system-deps.sh)"
    out = tmp_path / "申报书.docx"
    result = _cli(
        "draft-application",
        str(MATERIAL),
        *map(str, _material_only(tmp_path)),
        "--basic-info",
        str(_basic_info(tmp_path)),
        "--docx",
        str(out),
    )
    assert result.returncode == 0, result.stderr
    ARTIFACTS.mkdir(exist_ok=True)
    for name, source in (("drafted", out), ("sample", export_docx(sample(), tmp_path / "sample.docx"))):
        pdf = libreoffice_docx(source, to="pdf")
        info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True).stdout
        size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
        assert size and abs(float(size.group(1)) - 595.3) < 1 and abs(float(size.group(2)) - 841.9) < 1
        assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 3
        for old in ARTIFACTS.glob(f"application-{name}-*.png"):
            old.unlink()
        prefix = ARTIFACTS / f"application-{name}"
        subprocess.run(
            [pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "3", str(pdf), str(prefix)], check=True
        )
        pages = sorted(ARTIFACTS.glob(f"application-{name}-*.png"))
        assert len(pages) == 3 and all(p.stat().st_size > 5000 for p in pages)


def test_bundled_sample_round_trips_through_the_new_form_with_no_findings(tmp_path: Path) -> None:
    app = sample()
    out = export_docx(app, tmp_path / "sample.docx")
    assert read_application(out) == app
    assert review_application(read_application(out)).findings == []


def test_export_cli_lists_what_is_incomplete_and_writes_the_file_anyway(tmp_path: Path) -> None:
    source = tmp_path / "草稿.json"
    app = sample()
    app.scenes = []
    source.write_text(app.model_dump_json(), encoding="utf-8")
    out = tmp_path / "a.docx"
    result = _cli("export", str(source), "--docx", str(out))
    assert result.returncode == 0, result.stderr
    assert out.exists()
    assert "[无场景] 三、场景化建设情况" in result.stdout and "[领域未覆盖] 三（三）运营管理" in result.stdout


# -- online: the model rewrites, the figure guard keeps what traces -----------------------------------


def _online(server) -> Settings:
    return Settings(openai_base_url=server.base_url, llm_model="scripted", llm_max_retries=0, llm_timeout=5)


def _drafted_from_material():
    material = load_materials([MATERIAL])
    drafted = draft_scene(
        material, Settings(), domain="生产作业", link="设备管理", scene="设备故障诊断与预测"
    )
    app = Application(factory_name="注塑智能工厂", scenes=[drafted.scene])
    return app, [drafted.facts], material


def test_the_model_rewrite_keeps_only_sentences_whose_figures_trace() -> None:
    app, facts, material = _drafted_from_material()
    offline = draft_results(app, facts, material)
    rewrite = (
        "（二）经济效益\n项目合计投资340万元，年收益约275万元，投资回收期约1.2年。项目每年另节约电费999万元。\n"
        "（三）生产运营指标\n注塑机综合效率OEE由71%提升至83%。"
    )
    with ScriptedServer() as server:
        server.script(Reply(rewrite))
        polished = polish_section(app, offline, _online(server), facts=facts, material=material)
        prompt = server.requests[0]["messages"][1]["content"]
    assert polished.mode == "online"
    assert "999万元" not in polished.text and polished.dropped == ["项目每年另节约电费999万元。"]
    assert (
        polished.text.startswith("（二）经济效益\n项目合计投资340万元")
        and "OEE由71%提升至83%" in polished.text
    )
    assert any(f.value == "1.2年" for f in polished.figures)
    assert "<<<草稿开始>>>" in prompt and "推算：" in prompt  # the model sees the derivations it may quote


def test_an_over_long_or_failed_rewrite_keeps_the_offline_draft() -> None:
    app, facts, material = _drafted_from_material()
    offline = draft_project_summary(app, facts, material)
    with ScriptedServer() as server:
        server.script(Reply("注塑机综合效率OEE由71%提升至83%。" * 40), "500")
        long = polish_section(app, offline, _online(server), facts=facts, material=material)
        failed = polish_section(app, offline, _online(server), facts=facts, material=material)
    assert long.text == offline.text and long.mode == "offline" and "超出上限500字" in long.notes[0]
    assert failed.text == offline.text and "大模型调用失败" in failed.notes[0]


def test_one_scene_from_the_sample_material_has_only_the_error_its_content_deserves() -> None:
    drafted = draft_application([load_materials([MATERIAL])], Settings(), load_basic_info(BASIC_INFO))
    app = drafted.application
    assert len(app.scenes) == 1 and app.project_summary and app.overview and app.results
    errors = {f.rule for f in review_application(app).findings if f.severity.value == "error"}
    assert errors == {"domain-coverage"}  # one scene cannot cover 生产管理 and 运营管理: deserved
    assert {i.kind for i in drafted.issues} == {"领域未覆盖"}


def test_the_overview_takes_no_mail_header_or_chatter_for_the_project_basis() -> None:
    material = material_from_chat(
        "收件人：周敏（智能制造部）\n"
        "周敏你好，有问题随时找我。\n"
        "公司2019年成立智能制造部，现有专职人员12人，ERP已运行6年。\n"
    )
    draft = draft_overview(sample(), None, material)
    basis = draft.text.split("基础条件\n", 1)[1].split("\n", 1)[0]
    assert "专职人员12人" in basis and "收件人" not in draft.text and "随时找我" not in draft.text


def test_sections_read_a_hand_edited_economics_part_as_the_writer_put_it() -> None:
    """A newcomer's edited 经济性 (2026-12-07): the sections had said 合计投资360万元 and 年综合效益1,460万元."""
    from assistant.drafting.application import draft_application_texts, facts_of_scene
    from assistant.models import Application, Scene, SceneParts

    scene = Scene(
        domain="生产作业",
        link="质量管控",
        scene="在线智能检测",
        instance="铝合金压铸件在线质量检测与追溯",
        parts=SceneParts(
            成效="以2023年1月—12月为改造前统计期、2024年11月—2025年10月为改造后统计期，检验人员由每班16人降至每班6人，降幅62.5%。",
            经济性="本场景总投资1380万元（其中设备1020万元，软件及实施360万元）。项目投用后每年节约人工成本约310万元，"
            "减少质量损失约420万元，合计年效益约730万元，静态投资回收期约1.9年。",
        ),
    )
    facts = facts_of_scene(scene, 1)
    assert facts.period == "2023年1月—12月与2024年11月—2025年10月对比"
    texts = draft_application_texts(Application(scenes=[scene]), [facts])
    results = next(s.text for s in texts.sections() if s.key == "实施成效")
    assert "合计投资1,380万元" in results and "约730万元" in results and "回收期约1.9年" in results
    assert "1,460" not in results and "360万元（" not in results


def test_the_offline_drafters_own_economics_reads_back_with_its_two_totals() -> None:
    """A second newcomer's sections said 合计投资150万元: the returns' 合计 had replaced the investment's."""
    from assistant.drafting.application import facts_of_scene
    from assistant.models import Scene

    said = (
        "本场景投资包括传感器及采集网关186万元、平台软件及算法模型128万元、网络改造64万元、内部实施22万元，合计400万元。"
        "项目投用后每年节约维修费用约32万元、停机减少带来的增产效益约118万元，合计约150万元。静态投资回收期约2.7年。"
    )
    scene = Scene(domain="生产作业", link="设备管理", scene="设备维修维护", instance="齿轮加工设备预测性维护")
    scene.parts.经济性 = said
    facts = facts_of_scene(scene, 1)
    assert facts.investment_total is not None and facts.investment_total.amount == "400万元"
    assert facts.returns_total is not None and facts.returns_total.amount == "150万元"


def test_an_industry_written_beside_the_其他_box_is_the_industry() -> None:
    app = sample()
    app.enterprise.name, app.enterprise.founded = "江西某帘线有限公司", ""
    app.enterprise.industry, app.enterprise.industry_other = ["其他"], "橡胶和塑料制品业"
    text = draft_company_profile(app).text
    assert text.startswith("江西某帘线有限公司所属行业为橡胶和塑料制品业。"), text


def test_a_supplier_named_without_what_it_supplied_is_still_named_in_the_results() -> None:
    """A newcomer's supplier, named in her 技术方案 only as 参与项目实施, was missing from 四."""
    app = Application(scenes=[scene("生产作业", "甲", "340万元", "275万元")])
    with_bare = facts("340万元", "275万元")
    with_bare.implementers.append(Implementer(system="", name="赣州恒压节能科技有限公司"))
    text = draft_results(app, [with_bare]).text
    assert "设备管理平台（南昌智维软件有限公司）" in text and "赣州恒压节能科技有限公司" in text, text
