"""The writer's chat offline: change requests are understood or answered, never mistaken for material,
and a redraft keeps what the writer confirmed."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import chat
from assistant.chat_intents import classify
from assistant.config import Settings
from assistant.models import PART_KEYS, Scene, SceneParts
from assistant.projects import Project
from assistant.text import count_words
from assistant.workspace import writer_edit

MATERIAL = (
    "压铸线末端原来靠3名质检员目检，漏检率约1.2%。\n"
    "2024年3月部署视觉检测系统，由江西明眸视觉科技有限公司提供8台工业相机和缺陷识别软件。\n"
    "上线后漏检率由1.2%降至0.1%，质检员由3人减少至1人。\n"
    "总投资300万元，年节约人工和质量损失120万元。\n"
)


def project_with_draft() -> Project:
    return Project(
        id="0123456789ab",
        name="压铸",
        material=MATERIAL,
        draft=Scene(
            domain="生产作业",
            link="质量管控",
            scene="在线智能检测",
            instance="压铸件外观视觉检测",
            parts=SceneParts(
                描述="在压铸线末端部署视觉检测系统，自动识别外观缺陷。",
                痛点="原来靠3名质检员目检，漏检率约1.2%。",
                技术方案="由江西明眸视觉科技有限公司提供8台工业相机和缺陷识别软件。" * 4,
                成效="上线后漏检率由1.2%降至0.1%，质检员由3人减少至1人。",
                经济性="总投资300万元，年节约人工和质量损失120万元。",
            ),
        ),
    )


def turn(project: Project, settings: Settings, text: str) -> str:
    return list(chat.respond(project, settings, text))[-1]


def test_compress_requests_in_the_words_writers_use(shipped_index: Path) -> None:
    settings = Settings(data_dir=shipped_index)
    for request, limit in [("技术方案压缩至60字以内", 60), ("把技术方案控制在五十字", 50)]:
        project = project_with_draft()
        reply = turn(project, settings, request)
        assert count_words(project.draft.parts.技术方案) <= limit, reply
        assert request not in project.material and "压缩" not in project.draft.parts.技术方案


def test_a_free_form_request_offline_is_answered_not_drafted_from(shipped_index: Path) -> None:
    project = project_with_draft()
    before = project.draft.model_copy(deep=True)
    reply = turn(project, Settings(data_dir=shipped_index), "请把描述写得更正式一些，不要口语")
    assert "离线模式下无法按自由指令改写" in reply
    assert project.material == MATERIAL and project.draft == before


def test_new_material_never_overwrites_an_edited_part(shipped_index: Path) -> None:
    project = project_with_draft()
    mine = "本企业在压铸线末端建成外观缺陷视觉检测工位（人工改写稿）。"
    writer_edit(project.draft, project.workspace, "描述", mine)  # typed in the page: no tick needed
    reply = turn(project, Settings(data_dir=shipped_index), "另外，检测数据按件号写入MES，可按批次追溯。")
    assert project.draft.parts.描述 == mine
    assert project.workspace.part("描述").edited and not project.workspace.part("成效").edited
    assert reply.startswith("**理解为：新材料")
    assert "写入MES" in project.material


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("…名称叫‘转子动平衡自动检测线’", "instance"),
        ("场景选错了，应该是第3个", "scene"),
        ("选第2个", "scene"),
        ("在线智能检测", "scene"),
        ("应该放到设备管理环节", "scene"),
        ("统计周期是2024年1月至6月", "period"),
        ("不平衡量一次合格率由92%提升到99.5%", "figure"),
        ("技术方案压缩到400字以内", "change"),
        ("请把描述写得更正式一些", "change"),
        ("成熟度要达到几级？", "question"),
        (MATERIAL, "material"),
    ],
)
def test_each_kind_of_reply_is_recognised(message: str, kind: str) -> None:
    assert classify(message, has_draft=True).kind == kind


def test_an_instance_name_correction_changes_the_title_only(shipped_index: Path) -> None:
    project = project_with_draft()
    project.draft.gaps, project.draft.questions = (
        ["场景实例名称"],
        ["请确认场景实例名称（建议体现对象与做法）"],
    )
    before = project.draft.parts.model_copy()
    reply = turn(project, Settings(data_dir=shipped_index), "名称叫‘转子动平衡自动检测线’")
    assert not project.draft.questions and not project.draft.gaps  # answered: gone from 待补充 at once
    assert project.draft.title == "质量管控-在线智能检测-转子动平衡自动检测线"
    assert project.draft.parts == before and project.material == MATERIAL
    assert "更正场景实例名称" in reply
    assert chat.undo_turn(project).startswith("已撤销上一步")
    assert project.draft.instance == "压铸件外观视觉检测"


def test_a_name_said_after_a_colon_keeps_no_colon(shipped_index: Path) -> None:
    project = project_with_draft()
    turn(project, Settings(data_dir=shipped_index), "名称就叫：生箔工序在线面密度闭环控制")
    assert project.draft.instance == "生箔工序在线面密度闭环控制"


def test_a_correction_changes_the_wrong_figure_in_place_and_is_kept_in_the_material(
    shipped_index: Path,
) -> None:
    project = project_with_draft()
    settings = Settings(data_dir=shipped_index)
    reply = turn(project, settings, "投资300万那个写错了，实际是280万")
    assert "更正数字" in reply and "总投资280万元" in project.draft.parts.经济性
    assert "300万" not in project.draft.parts.经济性 and project.material.endswith("实际是280万")
    turn(project, settings, "经济性里年节约应该是130万")
    assert "130万元" in project.draft.parts.经济性 and "120万元" not in project.draft.parts.经济性
    assert "应该是" not in "".join(project.draft.parts.get(k) for k in PART_KEYS)  # never pasted as prose
    material = project.material
    reply = turn(project, settings, "合计应该是999万")  # nothing in the draft to change: said so
    assert "没有找到要改的数字" in reply and "86万写错了" in reply
    assert project.material == material  # not kept as material: a redraft would read 999万 as a figure
    assert chat.undo_turn(project).startswith("已撤销上一步")


def test_a_corrected_cost_also_corrects_the_sums_built_on_it(shipped_index: Path) -> None:
    project = Project(id="0123456789ac", name="焊装")
    settings = Settings(data_dir=shipped_index)
    turn(
        project,
        settings,
        "焊装二线投了4台焊接机器人，由上海新松机器人自动化股份有限公司提供。\n以前每班焊工10人，现在每班4人。\n"
        "设备合同价420万，安装调试30万；一年省人工约150万，返修减少约45万。",
    )
    assert "合计450万元" in project.draft.parts.经济性
    reply = turn(project, settings, "设备合同价420万写错了，实际是410万")
    assert "设备合同价410万元" in project.draft.parts.经济性 and "合计440万元" in project.draft.parts.经济性
    assert "实际是" not in project.draft.parts.经济性
    assert "合计与回收期按更正后的数字已重新计算。" in reply and not reply.rstrip().endswith("：")


def test_a_scene_choice_by_number_moves_the_draft_to_that_domain(shipped_index: Path) -> None:
    from assistant.workspace import Candidate

    project = project_with_draft()
    project.workspace.candidates = [
        Candidate(domain="生产作业", link="质量管控", scene="在线智能检测"),
        Candidate(domain="研发设计", link="产品设计", scene="产品虚拟验证"),
        Candidate(domain="生产作业", link="设备管理", scene="设备运行监控"),
    ]
    project.application.scenes = [project.draft.model_copy(deep=True)]
    project.workspace.placed_title = project.draft.title
    turn(project, Settings(data_dir=shipped_index), "场景选错了，应该是第3个")
    assert (project.draft.domain, project.draft.link, project.draft.scene) == (
        "生产作业",
        "设备管理",
        "设备运行监控",
    )
    assert [s.title for s in project.application.scenes] == [project.draft.title]  # the placed section moved


def test_a_figure_updates_only_the_parts_that_use_it(shipped_index: Path) -> None:
    project = project_with_draft()
    before = project.draft.parts.model_copy()
    reply = turn(project, Settings(data_dir=shipped_index), "外观一次合格率由96.5%提升到99.2%。")
    changed = [k for k in PART_KEYS if project.draft.parts.get(k) != before.get(k)]
    # 成效 states the pair; 痛点 may state its before-value: a changed part uses the new figures.
    assert "成效" in changed and "99.2" in project.draft.parts.成效, reply
    assert all(any(v in project.draft.parts.get(k) for v in ("96.5", "99.2")) for k in changed), reply
    assert "补充数字" in reply and "99.2%" in project.material


def test_a_figure_for_an_edited_part_waits_as_a_proposal(shipped_index: Path) -> None:
    project = project_with_draft()
    mine = "上线后漏检率明显下降，质检员减少。"
    writer_edit(project.draft, project.workspace, "成效", mine)
    turn(project, Settings(data_dir=shipped_index), "外观一次合格率由96.5%提升到99.2%。")
    assert project.draft.parts.成效 == mine
    assert "99.2" in (project.workspace.part("成效").proposal or "")


def test_a_turn_applies_to_the_stored_project_without_losing_edits_made_meanwhile() -> None:
    stored = project_with_draft()
    before, work = stored.model_copy(deep=True), stored.model_copy(deep=True)
    work.draft.parts.痛点 = "助手的新痛点。"
    work.draft.parts.成效 = "助手的新成效。"
    work.material += "\n新材料。"
    stored.draft.parts.痛点 = "写作者在回合进行时改的痛点。"  # typed in the page while the turn ran
    merged = chat.apply_turn(before, work, stored)
    assert merged.draft.parts.痛点 == "写作者在回合进行时改的痛点。"
    assert merged.workspace.part("痛点").proposal == "助手的新痛点。"
    assert merged.draft.parts.成效 == "助手的新成效。" and merged.material.endswith("新材料。")


def test_a_free_form_request_online_rewrites_the_named_part_only(shipped_index: Path) -> None:
    from testkit.scripted_server import Reply, ScriptedServer

    project = project_with_draft()
    before = project.draft.model_copy(deep=True)
    rewritten = "改造前由3名质检员逐件目检，漏检率约1.2%，夜班疲劳时漏检更多。"
    with ScriptedServer() as server:
        server.script(Reply(rewritten))
        settings = Settings(
            data_dir=shipped_index, openai_base_url=server.base_url, llm_model="scripted", llm_max_retries=0
        )
        reply = turn(project, settings, "请把痛点写得更具体一些")
        (request,) = server.requests
    assert project.draft.parts.痛点 == rewritten and "已修改“痛点”" in reply
    assert project.draft.parts.描述 == before.parts.描述 and project.material == MATERIAL
    assert "请把痛点写得更具体一些" in request["messages"][-1]["content"]


def test_unreadable_uploads_are_named_once_and_nothing_is_lost(tmp_path: Path) -> None:
    (tmp_path / "坏.docx").write_bytes(b"PK\x03\x04not a docx")
    project = project_with_draft()
    before = project.draft.model_copy(deep=True)
    lines = chat.add_files(project, [tmp_path / "坏.docx"])
    assert lines == ["✗ 坏.docx：不是有效的 .docx 文件（文件已损坏或不是 Word 文档）"]
    assert project.material == MATERIAL and project.draft == before


def test_an_overview_of_several_activities_is_split_and_the_writer_asked(shipped_index: Path) -> None:
    project = Project(id="0123456789ab", name="概述")
    overview = (
        "近年来公司围绕智能工厂建设开展了三方面工作：一是建设自动化立体仓库，原材料和成品自动出入库；"
        "二是上线MES系统，生产报工、在制品跟踪全部实时化；三是在包装线加装视觉检测，自动剔除外观不良品。"
    )
    reply = turn(project, Settings(data_dir=shipped_index), overview)
    assert "讲了几件不同的事" in reply and "选第N个" in reply
    links = {c.link for c in project.workspace.candidates}
    assert {"仓储物流", "质量管控"} <= links, links
    # The draft is the first offered scene (a whole-text mapping had drafted a scene none was about).
    first = project.workspace.candidates[0]
    assert (project.draft.link, project.draft.scene) == (first.link, first.scene)
    assert "已先按第1个起草" in reply


def test_traditional_script_material_is_simplified_before_use(shipped_index: Path) -> None:
    project = Project(id="0123456789ab", name="繁體")
    turn(
        project,
        Settings(data_dir=shipped_index),
        "本公司導入設備管理系統，全廠設備點檢、保養計劃與維修工單全部線上化，備件庫存與設備台賬同步更新，非計劃停機次數由每月12次降至3次。",
    )
    assert "设备管理系统" in project.material and project.draft is not None
    assert project.draft.link == "设备管理"


def test_an_uploaded_spreadsheet_joins_the_material_and_its_figures_are_read(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from assistant.drafting.extract import extract_facts
    from assistant.drafting.material import material_from_chat

    book = Workbook()
    sheet = book.active
    for row in (
        ["指标", "改造前", "改造后", "单位"],
        ["AGV出入库效率", 60, 150, "托/小时"],
        ["库存准确率", 97, 99.9, "%"],
    ):
        sheet.append(row)
    book.save(tmp_path / "仓储AGV指标.xlsx")
    project = Project(id="0123456789ab", name="仓储")
    assert chat.add_files(project, [tmp_path / "仓储AGV指标.xlsx"])[0].startswith("✓ 已读取 仓储AGV指标.xlsx")
    facts = extract_facts(material_from_chat(project.material))
    assert {(p.before, p.after) for p in facts.pairs} >= {("60托/小时", "150托/小时"), ("97%", "99.9%")}


# A company profile pasted by a writer, written for this test.
PROFILE = (
    "江西洪瑞精密机电有限公司成立于2006年，位于南昌小蓝经济技术开发区，是专业从事空调压缩机零部件研发、"
    "生产和销售的国家级高新技术企业。公司现有员工1280人，其中研发人员196人。主要产品包括涡旋动静盘、曲轴，"
    "主要客户有比亚迪、吉利等，涡旋动静盘国内市场占有率约11%，位居行业前三。"
)


def test_a_company_profile_is_kept_for_the_profile_and_the_scene_is_left_alone(tmp_path: Path) -> None:
    from assistant.drafting.application import draft_company_profile
    from assistant.drafting.material import material_from_chat

    project = project_with_draft()
    before = project.draft.model_copy(deep=True)
    reply = turn(project, Settings(data_dir=tmp_path), PROFILE)
    assert "企业情况" in reply and project.draft == before and PROFILE not in project.material
    profile = draft_company_profile(project.application, material_from_chat(project.all_material))
    assert "市场占有率约11%" in profile.text and "1280人" in profile.text
    chat.undo_turn(project)
    assert PROFILE not in project.past_material  # undone like any turn


def test_asking_for_a_longer_part_is_a_change_not_material() -> None:
    from assistant.chat_intents import classify

    intent = classify("技术方案太简单了，请把技术方案扩写到300字左右，写清楚感知层、平台层、应用层。", True)
    assert intent.kind == "change"


def test_a_fact_given_to_a_scene_reopened_without_its_notes_never_shrinks_a_part(shipped_index: Path) -> None:
    """Found by a newcomer: a scene reopened from the application keeps its text but not its notes;
    "这套系统是2024年6月正式上线的" then redrafted 痛点 from that one sentence and replaced it."""
    project = project_with_draft()
    project.material = ""  # reopened from the application: the text is there, the notes are not
    before = project.draft.model_copy(deep=True)
    turn(
        project, Settings(data_dir=shipped_index), "补充一下：这套系统是2024年6月正式上线的，之前调试了两个月"
    )
    for key in PART_KEYS:
        assert before.parts.get(key).rstrip("。") in project.draft.parts.get(key), key  # nothing lost
    assert "2024年6月" in "".join(project.draft.parts.get(k) for k in PART_KEYS)  # the fact is in


def test_switching_the_scene_rewrites_the_opening_that_names_it(shipped_index: Path) -> None:
    project = project_with_draft()
    project.draft.parts.描述 = (
        "企业围绕“压铸件外观视觉检测”开展在线智能检测场景建设。在压铸线末端部署视觉检测系统。"
    )
    list(chat.switch_scene(project, Settings(data_dir=shipped_index), "质量管控", "质量精准追溯"))
    assert project.draft.scene == "质量精准追溯" and project.draft.instance == "压铸件外观视觉检测"
    assert "开展质量精准追溯场景建设" in project.draft.parts.描述
    assert "在压铸线末端部署视觉检测系统" in project.draft.parts.描述  # never emptied by a thinner redraft


def test_corrections_that_name_a_figure_bare_or_a_period_change_it_in_place(shipped_index: Path) -> None:
    """A newcomer's phrasings in the browser (2026-12-07) were taken as change requests or as new material."""
    from assistant.chat_intents import classify

    said = "经济性里的“合计约1460万元”写错了，应为730万元（年节约人工310万元+减少质量损失420万元=730万元）。"
    assert classify(said, has_draft=True).kind == "correction"  # not a request to 减少 something
    project = project_with_draft()
    project.draft.parts.成效 = "按2023年1月与2024年11月—2025年10月对比的统计数据，漏检率由1.2%降至0.1%。"
    settings = Settings(data_dir=shipped_index)
    reply = turn(project, settings, "经济性里的120写错了，应为130")
    assert (
        "更正数字" in reply
        and "130万元" in project.draft.parts.经济性
        and "120万元" not in project.draft.parts.经济性
    )
    turn(project, settings, "成效里的2023年1月写错了，应为2023年1月—12月")
    assert project.draft.parts.成效.startswith("按2023年1月—12月与2024年11月—2025年10月对比")


def test_a_correction_naming_the_yearly_return_by_its_label_finds_it_and_a_second_one_does_not_double_it(
    shipped_index: Path,
) -> None:
    """A newcomer's 经济性 said 每年…约86万元; "年收益写错了，应为每年节约约78万元" found nothing and was
    stored as material, and the next correction's redraft listed 78万 twice (合计156万, 回收期0.4年)."""
    project = project_with_draft()
    project.material = project.material.replace(
        "总投资300万元，年节约人工和质量损失120万元", "总投资67.6万元，每年能省86万"
    )
    project.draft.parts.经济性 = "本场景总投资67.6万元。项目投用后每年节约约86万元。静态投资回收期约0.8年。"
    settings = Settings(data_dir=shipped_index)
    turn(project, settings, "经济性里的年收益写错了，应为每年节约约78万元，财务刚重新核过。")
    money = project.draft.parts.经济性
    assert "78万元" in money and "86万" not in money, money
    turn(project, settings, "经济性里的86万写错了，应为78万。")
    money = project.draft.parts.经济性
    assert money.count("78万") == 1 and "156" not in money and "应为" not in money, money
    assert "86万" not in money and "0.9年" in money, money  # 67.6 ÷ 78


def test_the_writer_can_confirm_a_doubted_figure_the_assistant_asked_about(shipped_index: Path) -> None:
    """Offline, "口径没问题，可以写入" had been read as a scene pick ("没有第6个候选"), as material pasted into
    痛点, or as a free instruction: the question about a doubted figure could never be answered."""
    project = Project(id="0123456789ad", name="密炼")
    settings = Settings(data_dir=shipped_index)
    turn(
        project,
        settings,
        "3台密炼机加装振动和温度传感器，由南昌智维工业技术有限公司提供设备健康管理平台。\n"
        "每年备件费用节约约40万元，口径待确认。\n"
        "非计划停机由月均21.5小时降至6.2小时。总投资67.6万元。\n",
    )
    assert any("口径待确认" in q for q in project.draft.questions)
    assert "40万" not in project.draft.parts.经济性
    reply = turn(project, settings, "口径没问题，改造前后都是6个月的月均，可以写入。")
    assert "确认口径" in reply and "候选" not in reply, reply
    assert "40万" in project.draft.parts.经济性, project.draft.parts.经济性
    assert not any("口径待确认" in q for q in project.draft.questions)
    assert "可以写入" not in "".join(project.draft.parts.get(k) for k in PART_KEYS)
    assert "口径待确认" not in project.material


def test_notes_after_the_material_are_no_second_activity(shipped_index: Path) -> None:
    """A WeChat note's closing lines ("另外…口径待确认", "那个说法别写") had been offered as a second scene."""
    project = Project(id="0123456789ae", name="视觉")
    reply = turn(
        project,
        Settings(data_dir=shipped_index),
        "冲压二车间3条线末端各装了1套视觉检测，每套4台相机，不良品自动剔除，漏检率从0.8%降到0.05%。\n"
        "另外返工减少一年约15万元，口径待确认。\n那个‘行业首创’的说法别写，老板随口说的。",
    )
    assert "讲了几件不同的事" not in reply and project.draft.scene == "在线智能检测", reply


def test_a_minutes_item_set_aside_and_its_heading_are_no_activity(shipped_index: Path) -> None:
    """The item the meeting decided not to report ("…决定不报在这个场景。下次会议：12月5日") had been offered
    as a second scene, because its last line was not set aside."""
    project = Project(id="0123456789af", name="纪要")
    reply = turn(
        project,
        Settings(data_dir=shipped_index),
        "会议纪要（11月28日）\n"
        "1. 冲压车间上线设备状态监控系统，由江西精控自动化有限公司实施，设备综合效率由68%提高到81%。\n"
        "2. 系统投资86万元，每年减少停机损失约40万元。\n"
        "3. 仓库AGV的事，会上决定不报在这个场景。下次会议：12月5日\n",
    )
    assert "讲了几件不同的事" not in reply, reply
    assert "AGV" not in project.draft.parts.model_dump_json()


def test_a_placed_scene_reopened_for_rewriting_keeps_its_material(shipped_index: Path) -> None:
    """A note sent after picking a placed scene had redrafted it from the note alone: its suppliers and
    figures were gone from 技术方案."""
    from assistant.requirements import load_requirements

    settings = Settings(data_dir=shipped_index)
    project = Project(id="0123456789b0", name="重开")
    turn(
        project,
        settings,
        "2号线加装了4套视觉检测系统，由苏州凌视智能科技有限公司提供，剔除机构由企业设备部自主实施。"
        "漏检率由0.8%降至0.05%，统计期2025年1—3月与2025年10—11月对比。投资256.5万元，每年节约人工86.4万元。",
    )
    assert project.draft is not None and "苏州凌视智能科技有限公司" in project.draft.parts.技术方案
    placed = project.application.place_scene(project.draft, load_requirements().domain_order)
    project.workspace.placed_title = placed.title
    project.start_next_scene()
    project.reopen_scene(0)
    assert "苏州凌视" in project.material and "苏州凌视" not in project.past_material
    turn(project, settings, "补充：这是公司第一次在质检环节用人工智能。")
    assert "苏州凌视智能科技有限公司" in project.draft.parts.技术方案
    assert "0.05%" in project.draft.parts.成效


def test_a_placed_scene_without_kept_material_is_protected_when_reopened() -> None:
    project = project_with_draft()
    from assistant.requirements import load_requirements

    project.application.place_scene(project.draft, load_requirements().domain_order)
    project.material, project.draft = "", None
    project.reopen_scene(0)
    assert all(project.workspace.part(k).edited for k in PART_KEYS if project.draft.parts.get(k))
