"""Drafting: the figure guard, the offline drafter, and the LLM path through the scripted server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.drafting.extract import extract_facts
from assistant.drafting.figures import FigureGuard
from assistant.drafting.material import load_material, material_from_text
from assistant.drafting.service import draft_scene
from assistant.errors import InputError
from assistant.llm.json_reply import parse_reply
from assistant.paths import EVALS_DIR
from assistant.text import count_words
from testkit.scripted_server import Reply, ScriptedServer

SETS = EVALS_DIR / "drafting" / "sets"
WHERE = {"domain": "生产作业", "link": "质量管控", "scene": "在线智能检测"}

MATERIAL = """# 压铸件视觉检测
改造前后：操作人员从5人减少至2人，漏检率由1.2%降至0.1%。
供应商：江西明眸视觉科技有限公司，提供8台工业相机和检测软件。
总投资300万元，年节约人工和质量损失120万元。
2024年3月上线。联系电话 0791-88886666。
"""


@pytest.fixture(scope="module")
def kb_dir(shipped_index: Path) -> Path:
    return shipped_index


def guard() -> FigureGuard:
    return FigureGuard(material_from_text(MATERIAL))


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("操作人员由5人减少至2人。", True),
        ("操作人员减少60%。", True),  # (5-2)/5
        ("操作人员减少3人。", True),
        ("漏检率下降1.1个百分点。", True),
        ("投资回收期2.5年。", True),  # 300 / 120, an investment and its yearly return
        ("2024年3月上线。", True),
        ("操作人员减少55%。", False),
        ("效率提升37.5%。", False),
        ("2023年5月上线。", False),
        ("年节约150万元。", False),
        ("相机数量达到7台。", False),
        ("区号0791。", False),  # the reader drops contacts: a phone number supports no figure of a draft
    ],
)
def test_figure_guard(text: str, ok: bool) -> None:
    results = guard().check(text)
    assert results and all(r.ok for r in results) == ok, [(r.value, r.ok, r.source) for r in results]


def test_arithmetic_over_unrelated_numbers_is_not_allowed() -> None:
    g = FigureGuard(material_from_text("一号线有12台机器人。\n质检部共有40人。\n仓库面积3000平方米。"))
    assert not g.check("机器人比质检人员少28。")[0].ok  # 40-12 mixes two unrelated facts
    assert g.check("一号线有12台机器人。")[0].ok


def test_every_accepted_figure_says_where_it_came_from() -> None:
    (check,) = guard().check("操作人员减少60%。")
    assert check.derived and "5人" in check.source and "2人" in check.source and "材料第2行" in check.source
    (stated,) = guard().check("投资300万元。")
    assert not stated.derived and stated.source.startswith("材料第4行")


def test_offline_draft_fits_limits_and_every_figure_is_sourced(kb_dir: Path) -> None:
    material = load_material(SETS / "d03" / "material.md")
    result = draft_scene(material, Settings(data_dir=kb_dir), **WHERE)
    assert result.mode == "offline" and result.calls == 0
    g = FigureGuard(material)
    for key, text in result.scene.parts.items():
        assert count_words(text) <= (500 if key == "技术方案" else 300)
        assert g.invented(text) == []
    assert result.scene.figures and all(f.source for f in result.scene.figures)
    assert "离线" in result.notes[0]


def test_offline_draft_asks_for_what_the_material_lacks(kb_dir: Path) -> None:
    material = load_material(SETS / "d02" / "material.md")  # no supplier named anywhere
    result = draft_scene(
        material, Settings(data_dir=kb_dir), domain="生产作业", link="质量管控", scene="质量精准追溯"
    )
    assert "供应商或实施单位" in result.scene.gaps
    assert any("供应商" in q for q in result.scene.questions)


def test_offline_draft_maps_the_scene_when_none_is_given(kb_dir: Path) -> None:
    result = draft_scene(load_material(SETS / "d03" / "material.md"), Settings(data_dir=kb_dir))
    assert result.mapping and result.scene.link == result.mapping[0].link
    assert "质量管控" in [c.link for c in result.mapping]


def _reply(**parts: str) -> str:
    base = {
        "描述": "在压铸线末端部署视觉检测系统。",
        "痛点": "人工目检漏检多。",
        "技术方案": "由江西明眸视觉科技有限公司提供8台工业相机和检测软件。",
        "成效": "操作人员从5人减少至2人，漏检率由1.2%降至0.1%。",
        "经济性": "总投资300万元，年节约120万元，投资回收期2.5年。",
    }
    base.update(parts)
    return json.dumps(
        {"instance": "压铸件外观视觉检测", "parts": base, "gaps": [], "questions": []}, ensure_ascii=False
    )


def online(server: ScriptedServer, kb_dir: Path, **extra) -> Settings:
    return Settings(
        data_dir=kb_dir,
        openai_base_url=server.base_url,
        llm_model="scripted",
        llm_max_retries=0,
        llm_timeout=5,
        **extra,
    )


def test_a_good_reply_takes_one_call(kb_dir: Path) -> None:
    with ScriptedServer() as server:
        server.script(Reply(_reply()))
        result = draft_scene(material_from_text(MATERIAL), online(server, kb_dir), **WHERE)
    assert result.calls == 1 and result.mode == "online" and result.remaining == []
    assert result.scene.instance == "压铸件外观视觉检测" and result.prompt_tokens > 0
    prompt = server.requests[0]["messages"][1]["content"]
    assert "<<<材料开始>>>" in prompt and "在线智能检测" in prompt and "未经2024年版指引原文核实" in prompt
    assert server.requests[0]["response_format"] == {"type": "json_object"}


def test_an_over_long_part_goes_back_with_the_exact_overrun(kb_dir: Path) -> None:
    with ScriptedServer() as server:
        server.script(Reply(_reply(痛点="人工目检漏检多。" * 60)), Reply(_reply()))
        result = draft_scene(material_from_text(MATERIAL), online(server, kb_dir), **WHERE)
    assert result.calls == 2
    feedback = server.requests[1]["messages"][-1]["content"]
    assert "超出上限 300 字" in feedback and "解决的痛点问题描述" in feedback
    assert count_words(result.scene.parts.痛点) <= 300


def test_invented_figures_are_named_in_the_feedback_and_never_survive(kb_dir: Path) -> None:
    invented = "效率提升37.5%，良率提升4.2个百分点，年节约80万元。"
    with ScriptedServer() as server:
        server.script(
            Reply(_reply(成效=invented)), Reply(_reply(成效=invented)), Reply(_reply(成效=invented))
        )
        result = draft_scene(material_from_text(MATERIAL), online(server, kb_dir), **WHERE)
    assert result.calls == 3  # one draft, two repairs, then the guard removes what is left
    feedback = server.requests[1]["messages"][-1]["content"]
    assert "“37.5%”在材料中找不到来源" in feedback and "“80万元”" in feedback
    assert "37.5%" not in result.scene.parts.成效
    assert any("删去含无来源数字" in note for note in result.notes)


def test_a_reply_outside_the_contract_is_corrected_by_field(kb_dir: Path) -> None:
    wrong = json.loads(_reply())
    wrong["parts"]["成效"] = ["操作人员从5人减少至2人。"]  # a list where the part's text belongs
    with ScriptedServer() as server:
        server.script(Reply(json.dumps(wrong, ensure_ascii=False)), Reply(_reply()))
        result = draft_scene(material_from_text(MATERIAL), online(server, kb_dir), **WHERE)
    assert result.calls == 2 and result.scene.parts.成效.startswith("操作人员从5人减少至2人")
    assert "- 字段 parts.成效：应为字符串" in server.requests[1]["messages"][-1]["content"]
    system = server.requests[0]["messages"][0]["content"]
    assert "成效（字符串）：已实施成效，不超过300字" in system  # the limit, from corpus/requirements.yaml


def test_fenced_slightly_broken_json_is_parsed_without_a_repair(kb_dir: Path) -> None:
    fenced = "好的：\n```json\n" + _reply().replace('"questions": []}', '"questions": [],}') + "\n```"
    with ScriptedServer() as server:
        server.script(Reply(fenced))
        result = draft_scene(material_from_text(MATERIAL), online(server, kb_dir), **WHERE)
    assert result.calls == 1 and result.scene.parts.描述


def test_unparseable_replies_fall_back_to_the_offline_draft_and_say_so(kb_dir: Path) -> None:
    with ScriptedServer() as server:
        server.script(Reply("抱歉，我不能"), Reply("还是不行"), Reply("[]"))
        result = draft_scene(material_from_text(MATERIAL), online(server, kb_dir), **WHERE)
    assert result.fell_back and result.mode == "offline"
    assert "JSON" in result.notes[0] and "离线起草" in result.notes[0]
    assert "江西明眸视觉科技有限公司" in result.scene.parts.技术方案


def test_a_model_without_json_mode_is_asked_again_in_plain_text(kb_dir: Path) -> None:
    with ScriptedServer() as server:
        server.script("no_tools", Reply(_reply()))
        result = draft_scene(material_from_text(MATERIAL), online(server, kb_dir), **WHERE)
    assert result.calls == 2 and "response_format" not in server.requests[1]


def test_the_model_may_decline(kb_dir: Path) -> None:
    reply = json.dumps(
        {"cannot_draft": True, "reason": "材料是食堂菜单", "questions": ["请提供智能化改造材料"]},
        ensure_ascii=False,
    )
    with ScriptedServer() as server:
        server.script(Reply(reply))
        result = draft_scene(material_from_text("周一红烧肉，周二清蒸鱼。"), online(server, kb_dir), **WHERE)
    assert result.cannot_draft == "材料是食堂菜单" and result.scene.questions == ["请提供智能化改造材料"]


def test_parse_reply_tolerates_prose_around_json() -> None:
    assert parse_reply('说明文字 {"parts": {"描述": "x"}} 结尾')["parts"]["描述"] == "x"


def test_empty_material_is_an_input_error() -> None:
    with pytest.raises(InputError, match="材料为空"):
        material_from_text("   \n ")


def test_draft_cli_offline_json(kb_dir: Path, tmp_path: Path) -> None:
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(kb_dir)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant.cli",
            "draft",
            str(SETS / "d05" / "material.md"),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {"title", "domain", "link", "scene", "instance", "parts", "gaps", "questions", "figures"} <= set(
        data
    )
    assert set(data["parts"]) == {"描述", "痛点", "技术方案", "成效", "经济性"}
    assert all({"value", "source"} <= set(f) for f in data["figures"])
    assert data["mode"] == "offline" and "离线模式" in result.stderr


def test_a_figure_is_traced_to_the_same_unit_when_the_value_repeats() -> None:
    g = FigureGuard(material_from_text("每条线加装1台测厚仪。\n另配1套视觉系统。\n精度±1.0%，比例3:6:1。"))
    (unit,) = g.check("配置1套视觉系统。")
    assert unit.ok and unit.source == "材料第2行：1套"
    (percent,) = g.check("精度达到1.0%。")
    assert percent.ok and percent.source == "材料第3行：1.0%"


# Hand-written notes in the shape writers send: banners, a company history first, supplier lines
# with prices, before/after statements in chat style.
NOTES = """冲压车间视觉检测——申报素材（质量部 整理）
=== 一、公司情况 ===
公司2009年成立，员工1,100人，主要做汽车座椅骨架，厂房占地8万平方米。
=== 二、做了什么 ===
项目名称：冲压件表面缺陷在线视觉检测
在3条冲压线末端各部署1套视觉检测工位，拍照识别划伤、压痕和开裂，不合格件自动分拣到返修道。
检测结果按件号写入MES，质量部可按批次追溯。
=== 三、供应商 ===
视觉检测工位由南昌慧眼智能装备有限公司提供，3套共计186万元。
=== 四、效果（质量部 小周）===
以前每条线末端2个人目检，漏检率大概0.8%，现在每条线1个人复判，漏检率0.15%。
投用后（2024年9月–2025年2月）客户投诉由每月6起减少到1起。
=== 五、钱 ===
总投资186万元，一年节约人工和索赔费用约72万元。
"""


@pytest.fixture(scope="module")
def notes_draft(kb_dir: Path):
    return draft_scene(material_from_text(NOTES), Settings(data_dir=kb_dir))


def test_offline_draft_leaves_banners_and_the_company_history_out(notes_draft) -> None:
    text = "".join(t for _, t in notes_draft.scene.parts.items())
    assert "===" not in text and "申报素材" not in text
    assert "2009年成立" not in text and "员工1,100人" not in text


def test_offline_draft_names_the_supplier_in_the_technical_solution(notes_draft) -> None:
    assert "南昌慧眼智能装备有限公司" in notes_draft.scene.parts.技术方案
    assert "供应商或实施单位" not in notes_draft.scene.gaps


def test_offline_draft_takes_the_pain_from_the_before_half_of_a_comparison(notes_draft) -> None:
    pain = notes_draft.scene.parts.痛点
    assert "改造前每条线末端2个人目检" in pain and "0.15%" not in pain
    assert "0.15%" in notes_draft.scene.parts.成效


def test_offline_draft_takes_the_instance_name_from_the_notes(notes_draft) -> None:
    assert notes_draft.scene.instance == "冲压件表面缺陷在线视觉检测"
    assert notes_draft.scene.link == "质量管控"


def test_offline_draft_leaves_no_part_empty_when_the_material_can_fill_it(notes_draft) -> None:
    assert all(text.strip() for _, text in notes_draft.scene.parts.items())


def test_an_empty_part_becomes_a_precise_question(kb_dir: Path) -> None:
    material = material_from_text(
        "研发中心三年前开始用三维CAD和PLM做产品设计，图纸和BOM都在PLM里管理，设计变更走线上流程。\n"
        "以前二维图纸靠人工传递，版本经常对不上。\n"
        "具体节省了多少，我得回去问一下项目管理办；投了多少钱要问财务。\n"
    )
    result = draft_scene(
        material, Settings(data_dir=kb_dir), domain="研发设计", link="产品设计", scene="产品数字化设计"
    )
    assert result.scene.parts.成效 == "" and result.scene.parts.经济性 == ""
    assert any("改造前后" in q for q in result.scene.questions)
    assert any("投资金额" in q for q in result.scene.questions)


def test_results_without_a_period_ask_for_one(kb_dir: Path) -> None:
    material = material_from_text(
        "在包装线部署视觉检测系统，由江西明眸视觉科技有限公司实施。\n漏检率由1.2%降至0.1%，质检员由6人减少到2人。\n"
    )
    result = draft_scene(material, Settings(data_dir=kb_dir), **WHERE)
    assert "0.1%" in result.scene.parts.成效
    assert any("统计周期" in q for q in result.scene.questions)


def test_table_rows_keep_their_column_headers() -> None:
    material = material_from_text(
        "| 指标 | 改造前 | 改造后 |\n|---|---|---|\n| 库存准确率 | 96.5% | 99.9% |\n"
        "\n序号\t设备\t供应商\t金额（万元）\n1\t堆垛机\t江西赣鑫物流装备有限公司\t1,850\n"
    )
    texts = [s.text for s in material.sentences]
    assert "库存准确率，改造前96.5%，改造后99.9%" in texts
    assert "堆垛机，供应商江西赣鑫物流装备有限公司，金额1,850万元" in texts
    assert not any("指标" in t or "---" in t for t in texts)
    assert FigureGuard(material).check("金额1,850万元。")[0].ok


def test_a_fact_sheet_states_before_and_after_together(tmp_path: Path) -> None:
    sheet = tmp_path / "facts.yaml"
    sheet.write_text(
        "指标:\n  库存周转天数: {改造前: 42天, 改造后: 26天}\n供应商:\n  平台软件: 南昌云链信息技术有限公司\n",
        encoding="utf-8",
    )
    facts = extract_facts(load_material(sheet))
    assert [(p.metric, p.before, p.after) for p in facts.pairs] == [("库存周转天数", "42天", "26天")]
    assert [(i.system, i.name) for i in facts.implementers] == [("平台软件", "南昌云链信息技术有限公司")]


def test_statements_are_put_in_written_style() -> None:
    from assistant.drafting.compose import formal

    assert formal("财务小何：年节约人工大概60万元") == "年节约人工约60万元。"
    assert formal("刘工：以前全靠人工目检") == "改造前全依靠人工目检。"
    assert formal("- 我们去年上了一套MES <- 以合同为准") == "企业上年度建设了一套MES。"
    assert formal("效果这块，废品率降了不少！") == "废品率降了不少。"


@pytest.mark.parametrize(
    ("first_line", "instance"),
    [
        ("# 极片涂布外观检测 申报碰头会记录", "极片涂布外观检测"),
        ("成品仓智能化改造（仓储物流） —— 资料汇总，储运部 陈", "成品仓智能化改造"),
        ("项目名称：注塑机群状态监测", "注塑机群状态监测"),
    ],
)
def test_the_instance_name_comes_from_the_notes_title(first_line: str, instance: str) -> None:
    facts = extract_facts(material_from_text(f"{first_line}\n正文。"))
    assert (facts.instance_name or facts.title) == instance


def test_material_with_nothing_to_draft_from_is_an_input_error(kb_dir: Path) -> None:
    with pytest.raises(InputError, match="没有可用于起草的句子"):
        draft_scene(material_from_text("| 指标 | 数值 |\n|---|---|\n"), Settings(data_dir=kb_dir))


def test_a_broken_fact_sheet_is_named_in_one_line(tmp_path: Path) -> None:
    sheet = tmp_path / "facts.yaml"
    sheet.write_text("投资: [280万元, 45万元\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_material(sheet)
    assert "facts.yaml 不是有效的 YAML 文件" in str(caught.value) and "\n" not in str(caught.value)


def test_an_unsourced_figure_takes_only_its_own_clause_with_it() -> None:
    from assistant.drafting.guards import enforce
    from assistant.models import Scene, SceneParts

    scene = Scene(
        domain="生产作业",
        link="质量管控",
        scene="在线智能检测",
        instance="压铸件视觉检测",
        parts=SceneParts(
            成效="漏检率由1.2%降至0.1%，年节约150万元，操作人员由5人减少至2人。综合效率提升47.3%。"
        ),
    )
    notes = enforce(scene, guard())
    assert scene.parts.成效 == "漏检率由1.2%降至0.1%，操作人员由5人减少至2人。"
    assert any("150万元" in n and "分句" in n for n in notes) and any("47.3%" in n for n in notes)
