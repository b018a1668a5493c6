"""The Gradio app through gradio_client: each tab's main action, on a free local port, offline."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from assistant.markdown_io import application_to_markdown
from assistant.models import PART_KEYS, Application
from assistant.paths import EVALS_DIR, SAMPLES_DIR
from assistant.text import count_words

MATERIAL = (EVALS_DIR / "drafting" / "sets" / "d03" / "material.md").read_text(encoding="utf-8")


def text_of(message: dict) -> str:
    content = message["content"]
    if isinstance(content, list):  # Gradio 6 sends message content as typed parts
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def new_project(client, name: str) -> str:
    selected = client.predict(name, api_name="/new_project")[0]
    return selected if isinstance(selected, str) else selected["value"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(data: Path, **settings_overrides):
    from gradio_client import Client

    from app import build_app, serve
    from assistant.config import Settings

    settings = Settings(data_dir=data, **settings_overrides)
    demo = build_app(settings)
    port = free_port()
    serve(demo, settings, "127.0.0.1", port, prevent_thread_lock=True, quiet=True)
    try:
        yield Client(f"http://127.0.0.1:{port}/", verbose=False)
    finally:
        demo.close()


@pytest.fixture(scope="module")
def app_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("app") / "data"


@pytest.fixture(scope="module")
def client(app_data: Path):
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    with running_app(app_data) as client:
        yield client


def labelled(client, api_name: str, result) -> dict:
    """An endpoint's outputs by label (Markdown/HTML carry hidden labels for this): tests read what
    they check by name, not by position."""
    returns = client.view_api(return_format="dict", print_info=False)["named_endpoints"][api_name]["returns"]
    return {r["label"]: value for r, value in zip(returns, result, strict=True)}


def send(client, project_id: str, text: str) -> dict:
    return labelled(
        client, "/send", client.predict(project_id, {"text": text, "files": []}, api_name="/send")
    )


def part_label(key: str) -> str:
    from assistant.requirements import load_requirements

    spec = next(s for s in load_requirements().parts if s.key == key)
    return f"{spec.heading}（≤{spec.limit}字）"


def untouched_box(client, project_id: str, out: dict, key: str) -> str:
    """A turn that did not change a part leaves its box out of its render (the writer may be typing
    in it); the part's text is then read as stored."""
    assert out[part_label(key)] == {"__type__": "update"}, out[part_label(key)]
    shown = labelled(client, "/select_project", client.predict(project_id, api_name="/select_project"))
    return shown[part_label(key)]


def last_reply(out: dict) -> str:
    return text_of(out["对话"][-1])


def test_writer_drafts_from_material_and_the_project_is_saved(client) -> None:
    project_id = new_project(client, "铸造车间项目")
    out = send(client, project_id, MATERIAL)
    reply = last_reply(out)
    assert reply.startswith("**理解为：新材料") and "已起草" in reply and "质量管控" in reply
    assert out[part_label("成效")]  # 成效 is drafted
    assert all("字" in out[f"字数-{k}"] and "已保护" not in out[f"字数-{k}"] for k in PART_KEYS)
    # The candidates say why each matched.
    assert any("命中" in label for label, _ in out["候选（及命中的词）"]["choices"])

    edited = labelled(client, "/edit_成效", client.predict(project_id, "字" * 320, api_name="/edit_成效"))
    assert 'class="count over"' in edited["字数-成效"] and "320 / 300" in edited["字数-成效"]
    assert "已保护" in edited["字数-成效"] and "超出上限" in edited["审查提示"]

    # Reloading (a browser refresh) brings back the same project with the edit.
    loaded = labelled(client, "/load", client.predict(api_name="/load"))
    assert loaded[part_label("成效")] == "字" * 320
    # Choosing another project in the list shows that project.
    other = new_project(client, "另一个项目")
    assert labelled(client, "/select_project", client.predict(other, api_name="/select_project"))[
        part_label("成效")
    ] in ("", None)
    back = labelled(client, "/select_project", client.predict(project_id, api_name="/select_project"))
    assert back[part_label("成效")] == "字" * 320


def docx_text(path) -> str:
    from docx import Document

    doc = Document(path)
    return "\n".join(
        [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells]
    )


def export(client, project_id: str) -> tuple[list[str], str]:
    out = labelled(client, "/export", client.predict(project_id, api_name="/export"))
    return [str(f) for f in out["下载"]], out["导出前检查"]


def test_saved_basic_info_reaches_the_exported_docx(client) -> None:
    from assistant.requirements import load_requirements
    from assistant.webapp.basic_info_form import form_fields

    project_id = new_project(client, "基本信息")
    send(client, project_id, MATERIAL)
    client.predict(project_id, api_name="/add_scene")
    typed = {
        "项目名称": "压铸件智能工厂",
        "申报单位": "江西某压铸有限公司",
        "推荐单位（如 南昌市工信局）": "南昌市工信局",
        "申报日期": "2025年6月30日",
        "是否入选江西省智能制造标杆企业": "是",
        "入选标杆企业年份": "2023",
        "成立时间": "2009年5月",
        "申报主体地址": "江西省南昌市青山湖区某路8号",
        "所属行业": ["装备制造"],
        "法人代表姓名": "赵某",
        "法人代表职务": "董事长",
        "联系人姓名": "王工",
        "联系人手机": "13800000000",
        "智能制造能力成熟度": "二级",
        "企业近三年是否发生重大安全生产事故、重大环境事故": "否",
        "先进级智能工厂具体名称": "压铸智能工厂",
        "2022年主营业务收入（万元）": "12,345",
        "2023年主营业务收入（万元）": "13,579",
        "2024年主营业务收入（万元）": "15,001",
        "2022年利润（万元）": "678",
        "2023年利润（万元）": "802",
        "2024年利润（万元）": "933",
    }
    fields = form_fields(load_requirements())
    assert set(typed) <= {f.label for f in fields}  # every field the check asks for has an input
    values = [typed.get(f.label, [] if f.widget == "checks" else "") for f in fields]
    saved = labelled(client, "/save_info", client.predict(project_id, *values, api_name="/save_info"))
    assert "必须领域已覆盖" in saved["领域覆盖"]
    # What was filled no longer shows as missing before export; what was not, still does.
    check = saved["导出前检查"]
    assert "2024年利润未填写" not in check and "申报日期未填写" not in check and "基本信息缺失" not in check
    assert "一（二）项目简述：尚未填写" in check
    loaded = labelled(client, "/select_project", client.predict(project_id, api_name="/select_project"))
    assert loaded["是否入选江西省智能制造标杆企业"] == "是" and loaded["入选标杆企业年份"] == "2023"
    assert loaded["2023年主营业务收入（万元）"] == "13,579" and loaded["申报日期"] == "2025年6月30日"
    assert loaded["所属行业"] == ["装备制造"] and loaded["成立时间"] == "2009年5月"
    files, _ = export(client, project_id)
    text = docx_text(next(f for f in files if f.endswith(".docx")))
    for value in [
        "压铸件智能工厂",
        "江西某压铸有限公司",
        "王工",
        "13800000000",
        "2009年5月",
        "赵某",
        "☑装备制造",
    ]:
        assert value in text, value
    for value in ["2025年6月30日", "2023年", "15,001", "933"]:
        assert value in text, value


def section_label(key: str) -> str:
    from assistant.webapp.sections import HEADINGS, section_limit

    limit = section_limit(key)
    return f"{HEADINGS[key]}（≤{limit}字）" if limit else HEADINGS[key]


def test_sections_are_drafted_from_the_placed_scenes_and_never_overwrite_the_writer(client) -> None:
    from assistant.webapp.sections import DRAFTED

    project_id = new_project(client, "章节起草")
    send(client, project_id, MATERIAL)
    placed = labelled(client, "/add_scene", client.predict(project_id, api_name="/add_scene"))
    instance = placed["申报书中的场景"]["data"][0][2].split("-")[-1]
    drafted = labelled(client, "/draft_sections", client.predict(project_id, api_name="/draft_sections"))
    machine = {key: drafted[section_label(key)] for key in DRAFTED}
    assert all(machine.values()), machine
    assert instance in machine["项目简述"]  # drafted from the scene placed in the application
    assert "2,600人" in machine["企业简介"]  # from the company lines of the material sent in the chat
    assert "/ 500 字" in drafted["字数-项目简述"] and "不会覆盖" not in drafted["字数-项目简述"]
    assert any(drafted[f"待补充-{key}"] for key in DRAFTED)  # the drafter's questions are shown
    choices = [value for _, value in drafted["五、相关附件（勾选已随申报书附上的材料）"]["choices"]]
    assert "企业上一年度审计报告" in choices
    assert "企业上一年度审计报告（必备）尚未勾选" in drafted["导出前检查"]

    # 企业简介 has its limit and live count.
    profile = labelled(
        client,
        "/edit_section_企业简介",
        client.predict(project_id, "企" * 510, api_name="/edit_section_企业简介"),
    )
    assert 'class="count over"' in profile["字数-企业简介"] and "510 / 500" in profile["字数-企业简介"]
    assert "超出字数" in profile["导出前检查"]

    mine = {key: f"我自己写的{key}，不许覆盖。" for key in DRAFTED}
    for section in DRAFTED:
        edited = labelled(
            client,
            f"/edit_section_{section}",
            client.predict(project_id, mine[section], api_name=f"/edit_section_{section}"),
        )
        assert "不会覆盖" in edited[f"字数-{section}"]
    again = labelled(client, "/draft_sections", client.predict(project_id, api_name="/draft_sections"))
    turned_down, taken = DRAFTED[:2], DRAFTED[2:]
    for section in DRAFTED:
        assert again[section_label(section)] == mine[section]  # the draft waits beside it
        assert "起草给出的新写法" in again[f"章节建议-{section}"]
    for section in turned_down:
        rejected = labelled(
            client,
            f"/reject_section_{section}",
            client.predict(project_id, api_name=f"/reject_section_{section}"),
        )
        assert rejected[section_label(section)] == mine[section] and rejected[f"章节建议-{section}"] == ""
    for section in taken:
        accepted = labelled(
            client,
            f"/accept_section_{section}",
            client.predict(project_id, api_name=f"/accept_section_{section}"),
        )
        assert accepted[section_label(section)] == machine[section] and accepted[f"章节建议-{section}"] == ""
    # A text turned down is not offered again; an accepted draft is the machine's text again, which
    # the next draft may replace without asking.
    third = labelled(client, "/draft_sections", client.predict(project_id, api_name="/draft_sections"))
    assert all(third[f"章节建议-{section}"] == "" for section in DRAFTED)
    assert all(third[section_label(section)] == mine[section] for section in turned_down)

    check = client.predict(project_id, ["企业上一年度审计报告"], api_name="/save_attachments")
    assert "企业上一年度审计报告（必备）尚未勾选" not in check
    assert "智能制造能力成熟度自评估结果或其他能力证明材料（必备）尚未勾选" in check
    loaded = labelled(client, "/select_project", client.predict(project_id, api_name="/select_project"))
    assert loaded["五、相关附件（勾选已随申报书附上的材料）"]["value"] == ["企业上一年度审计报告"]

    client.predict(project_id, "企" * 510, api_name="/edit_section_企业简介")  # over its limit again
    files, listed = export(client, project_id)
    text = docx_text(next(f for f in files if f.endswith(".docx")))
    assert mine["项目简述"] in text and machine["总体情况"][:30] in text and "企" * 500 in text
    assert "☑ 企业上一年度审计报告" in text and "□ 智能制造能力成熟度自评估结果" in text
    assert "一（一）企业简介：510字，上限500字" in listed  # exported anyway, with what is still wrong


def test_export_gives_word_and_excel(client) -> None:
    project_id = new_project(client, "导出测试")
    send(client, project_id, MATERIAL)
    client.predict(project_id, api_name="/add_scene")
    files, listed = export(client, project_id)
    suffixes = sorted(Path(f).suffix for f in files)
    assert suffixes == [".docx", ".xlsx"]
    assert "**内容为空** 二、项目总体情况：尚未填写" in listed  # the page lists what the export still lacks
    assert "草稿未放入" not in listed
    # A part changed after 放入申报书: the export writes the placed version, and the page says so.
    client.predict(project_id, "放入之后又改过的描述。", {}, api_name="/edit_描述")
    _, listed = export(client, project_id)
    assert "**草稿未放入**" in listed, listed
    # A second export never overwrites the first.
    again, _ = export(client, project_id)
    assert set(again).isdisjoint(set(files))


def test_edited_parts_survive_a_redraft_as_proposals_to_accept_reject_or_undo(client) -> None:
    project_id = new_project(client, "保护")
    send(client, project_id, MATERIAL)
    mine = {key: f"我自己写的{key}，不许覆盖。" for key in PART_KEYS}
    for key in PART_KEYS:
        client.predict(project_id, mine[key], api_name=f"/edit_{key}")
    out = send(client, project_id, "另外，检测数据按件号写入MES系统，质量问题可按批次追溯到压铸机和模具。")
    assert "没有被覆盖" in last_reply(out)
    # The summary counts the text the writer sees in each kept box, not the new draft's.
    for key in PART_KEYS:
        if out[f"建议-{key}"]:
            assert f"{key}：保留你的文字 {count_words(mine[key])}/" in last_reply(out), last_reply(out)
    for key in PART_KEYS:
        assert untouched_box(client, project_id, out, key) == mine[key]  # the redraft did not overwrite it
    proposed = [key for key in PART_KEYS if out[f"建议-{key}"]]
    assert proposed, "a redraft with new material proposes new text for some edited part"
    for key in PART_KEYS:
        if key not in proposed:
            continue
        rejected = labelled(client, f"/reject_{key}", client.predict(project_id, api_name=f"/reject_{key}"))
        assert rejected[f"建议-{key}"] == "" and rejected[part_label(key)] == mine[key]
    send(client, project_id, "检测工位另配1台复检相机，复检结果同样写入MES。")
    for key in PART_KEYS:
        after = labelled(client, "/load", client.predict(api_name="/load"))
        proposal = after[f"建议-{key}"]
        if not proposal:
            continue
        accepted = labelled(client, f"/accept_{key}", client.predict(project_id, api_name=f"/accept_{key}"))
        assert accepted[part_label(key)] != mine[key] and accepted[f"建议-{key}"] == ""
        undone = labelled(client, f"/undo_{key}", client.predict(project_id, api_name=f"/undo_{key}"))
        assert undone[part_label(key)] == mine[key]
        assert "已保护" in undone[f"字数-{key}"]


def test_replies_are_understood_and_the_last_turn_can_be_undone(client) -> None:
    project_id = new_project(client, "回复")
    drafted = send(client, project_id, MATERIAL)
    body = drafted[part_label("描述")]
    named = send(client, project_id, "实例名称叫‘压铸件外观缺陷视觉检测’")
    assert "更正场景实例名称" in last_reply(named)
    assert (
        "压铸件外观缺陷视觉检测" in named["草稿"] and untouched_box(client, project_id, named, "描述") == body
    )
    undone = labelled(client, "/undo_turn", client.predict(project_id, api_name="/undo_turn"))
    assert "压铸件外观缺陷视觉检测" not in undone["草稿"]
    assert "已撤销上一步" in text_of(undone["对话"][-1])


def test_the_writer_picks_the_scene_and_the_placed_section_moves(client) -> None:
    project_id = new_project(client, "选场景")
    drafted = send(client, project_id, MATERIAL)
    client.predict(project_id, api_name="/add_scene")
    moved = labelled(
        client, "/choose_scene", client.predict(project_id, "设备管理|设备运行监控", api_name="/choose_scene")
    )
    assert "设备管理-设备运行监控" in moved["草稿"]
    assert "已起草" in text_of(moved["对话"][-1])  # the whole reply is kept, not just the progress line
    assert 'data-domain="生产作业" data-count="1"' in moved["领域覆盖"]
    assert [row[1] for row in moved["申报书中的场景"]["data"]] == ["生产作业"]
    first = drafted["候选（及命中的词）"]["choices"][0][1]
    back = labelled(
        client, "/choose_candidate", client.predict(project_id, first, api_name="/choose_candidate")
    )
    link, scene = first.split("|")
    assert f"{link}-{scene}" in back["草稿"]
    assert back["或从全部环节/场景中选择"]["value"] == first  # the picker shows the current scene
    undone = labelled(client, "/undo_turn", client.predict(project_id, api_name="/undo_turn"))
    assert "设备管理-设备运行监控" in undone["草稿"]  # the picker's switch is undone like a chat turn
    by_chat = send(client, project_id, "场景选错了，应该是第2个")
    second = drafted["候选（及命中的词）"]["choices"][1][1].split("|")
    assert "选择场景" in last_reply(by_chat) and f"{second[0]}-{second[1]}" in by_chat["草稿"]


def test_a_second_scene_is_drafted_on_its_own_and_the_first_stays(client) -> None:

    project_id = new_project(client, "两个场景")
    send(client, project_id, MATERIAL)
    # The unplaced draft would be lost: refused with a warning, and nothing on the page changes.
    refused = client.predict(project_id, api_name="/next_scene")
    assert all(
        isinstance(v, dict) and v.get("__type__") == "update" and len(v.get("props", {})) <= 1
        for v in refused
    )
    kept = labelled(client, "/select_project", client.predict(project_id, api_name="/select_project"))
    assert kept[part_label("描述")]  # the draft is still there
    first = labelled(client, "/add_scene", client.predict(project_id, api_name="/add_scene"))
    first_title = first["申报书中的场景"]["data"][0][2]
    fresh = labelled(client, "/next_scene", client.predict(project_id, api_name="/next_scene"))
    assert "下一个场景的材料" in last_reply(fresh) and not any(fresh[part_label(k)] for k in PART_KEYS)
    second = send(
        client, project_id, (EVALS_DIR / "drafting" / "sets" / "d18" / "material.md").read_text("utf-8")
    )
    assert "正负极" not in second[part_label("描述")]  # the first scene's material is not merged in
    placed = labelled(client, "/add_scene", client.predict(project_id, api_name="/add_scene"))
    titles = [row[2] for row in placed["申报书中的场景"]["data"]]
    assert len(titles) == 2 and first_title in titles  # the first scene is neither renamed nor replaced


def test_a_company_profile_sent_in_the_chat_drafts_the_profile_section(client) -> None:
    project_id = new_project(client, "企业情况")
    profile = (
        "江西某精工有限公司成立于2009年，是专业从事汽车转向节研发和生产的国家高新技术企业。"
        "公司现有员工780人，主要客户包括江铃、吉利，转向节国内市场占有率约4%。"
    )
    reply = last_reply(send(client, project_id, profile))
    assert "企业情况" in reply
    drafted = labelled(client, "/draft_sections", client.predict(project_id, api_name="/draft_sections"))
    assert (
        "市场占有率约4%" in drafted[section_label("企业简介")]
        and "780人" in drafted[section_label("企业简介")]
    )


def test_reviewer_batch_with_a_docx_and_a_bad_file(client, tmp_path: Path) -> None:
    from gradio_client import handle_file

    app = Application.model_validate_json(
        (EVALS_DIR / "review" / "cases" / "r19" / "draft.json").read_text("utf-8")
    )
    md = tmp_path / "flawed.md"
    md.write_text(application_to_markdown(app), encoding="utf-8")
    docx = tmp_path / "flawed.docx"
    subprocess.run(["pandoc", str(md), "-o", str(docx)], check=True, timeout=120)
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"not a docx")
    clean = tmp_path / "clean.json"
    shutil.copy(SAMPLES_DIR / "sample-application.json", clean)
    summary, findings, matrix, quota, ranking, recommend, downloads = client.predict(
        [handle_file(str(p)) for p in (docx, bad, clean)], api_name="/review"
    )
    rows = {r[0]: r for r in summary["data"]}
    assert set(rows) == {"flawed.docx", "broken.docx", "clean.json"}, rows
    assert rows["flawed.docx"][3] == "需修改" and rows["clean.json"][3] == "可提交"
    assert rows["clean.json"][1] == json.loads(clean.read_text("utf-8"))["project_name"]
    assert rows["broken.docx"][3].startswith("无法读取")
    assert {r[2] for r in findings["data"]} == {"length-limit", "template-leftover", "supplier-missing"}
    assert {r[0] for r in matrix["data"]} == {"flawed.docx", "clean.json"}
    assert any(r[1].startswith("5 成熟度") for r in matrix["data"])
    assert "推荐名额核对" in quota and "不取代" in quota and len(recommend["data"]) == 2
    assert {r[2] for r in ranking["data"]} == {"上饶晶辉光伏科技有限公司", "赣江精工汽车零部件有限公司"}
    names = sorted(Path(f).name for f in downloads)
    assert {"审查报告.docx", "审查报告.md", "审查结果.xlsx"} <= set(names)
    # A Word report for each readable application
    assert {"审查报告-flawed.docx", "审查报告-clean.docx"} <= set(names)
    # The two drafts come from two 推荐单位: one 推荐汇总表 each
    assert len([n for n in names if n.startswith("推荐汇总表-")]) == 2 and len(names) == 7


def test_knowledge_search_shows_citations_and_both_scores(client) -> None:
    table = client.predict("生产管理涵盖哪些环节", "hybrid", api_name="/search")
    first = table["data"][0]
    assert first[1].startswith(("附件1", "《智能制造典型场景参考指引", "本项目场景表"))
    assert first[4] != "—" and first[5] != "—"
    # Pressing Enter in the box runs the same search.
    assert (
        client.predict("生产管理涵盖哪些环节", "hybrid", api_name="/search_submit")["data"] == table["data"]
    )


def test_adding_a_document_makes_it_searchable(client, tmp_path: Path) -> None:
    from gradio_client import handle_file

    doc = tmp_path / "官方指引摘录.md"
    doc.write_text(
        "# 官方指引摘录\n\n## 一、熔炼环节\n\n坩埚电阻炉的温度曲线由熔炼专家系统自动下发。\n",
        encoding="utf-8",
    )
    message = client.predict([handle_file(str(doc))], api_name="/add_documents")
    assert "已加入 1 个文件" in message
    table = client.predict("坩埚电阻炉温度曲线", "hybrid", api_name="/search")
    assert "官方指引摘录" in table["data"][0][1]


def test_every_event_has_its_own_api_name(tmp_path: Path) -> None:
    from app import build_app
    from assistant.config import Settings

    demo = build_app(Settings(data_dir=tmp_path / "data"))
    deps = demo.get_config_file()["dependencies"]
    handlers = {fn.api_name: fn.fn.__name__ if fn.fn else None for fn in demo.fns.values()}
    names = [d["api_name"] for d in deps]
    # Gradio names an unnamed event after its handler, so a name equal to the handler's means none was given.
    unnamed = [d["targets"] for d in deps if not d["api_name"] or handlers[d["api_name"]] == d["api_name"]]
    assert not unnamed, f"events without api_name: {unnamed}"
    assert len(names) == len(set(names))
    assert all(d["api_visibility"] == "public" for d in deps)
    main_actions = {
        "send",
        "edit_成效",
        "accept_成效",
        "save_info",
        "export",
        "open_application",
        "review",
        "search",
    }
    assert main_actions <= set(names)


def test_an_existing_docx_opens_as_a_project_that_survives_a_restart(
    client, app_data: Path, tmp_path: Path
) -> None:
    from gradio_client import handle_file

    from assistant.application_reader import read_application
    from assistant.docx_io.writer import export_docx

    original = read_application(SAMPLES_DIR / "sample-application.json")
    docx = export_docx(original, tmp_path / "去年的申报书.docx")
    opened = labelled(
        client, "/open_application", client.predict(handle_file(str(docx)), api_name="/open_application")
    )
    project_id = opened["项目"] if isinstance(opened["项目"], str) else opened["项目"]["value"]
    # The first scene is in the editor, ready to improve.
    assert opened[part_label("描述")] == original.scenes[0].parts.描述
    assert opened["申报单位"] == original.applicant
    assert "必须领域已覆盖 3/3" in opened["领域覆盖"]
    assert len(opened["申报书中的场景"]["data"]) == len(original.scenes)

    last = len(original.scenes) - 1
    picked = labelled(client, "/pick_scene", client.predict(project_id, last, api_name="/pick_scene"))
    assert picked[part_label("描述")] == original.scenes[last].parts.描述

    # A restart: a new app on the same data directory offers the project first and reopens it.
    with running_app(app_data) as again:
        loaded = labelled(again, "/load", again.predict(api_name="/load"))
        assert (loaded["项目"] if isinstance(loaded["项目"], str) else loaded["项目"]["value"]) == project_id
        assert loaded[part_label("描述")] == original.scenes[last].parts.描述


def test_an_online_answer_streams_into_the_chat(app_data: Path, tmp_path: Path) -> None:
    from testkit.scripted_server import Reply, ScriptedServer

    answer = "成熟度需达到二级及以上[1]。需在c3mep平台完成自评估[1]。"
    with ScriptedServer() as server:
        server.script(Reply(answer))
        settings_overrides = {"openai_base_url": server.base_url, "llm_model": "scripted-model"}
        with running_app(app_data, **settings_overrides) as online:
            project_id = new_project(online, "在线问答")
            question = {"text": "智能制造能力成熟度要达到几级？", "files": []}
            job = online.submit(project_id, question, api_name="/send")
            replies = [text_of(out[2][-1]) for out in job]  # [project, message, chat, …]
    final = replies[-1]
    assert final.startswith("**理解为：关于通知的提问") and "二级及以上" in final and "出处" in final
    # Below the one line saying what the message was taken as, the answer grows.
    partials = [r.split("\n", 1)[1] for r in replies[:-1] if r and r != final and "\n" in r]
    # The answer arrived in pieces, each shown before the whole: a growing prefix of the model's text.
    assert any(answer.startswith(r) and r != answer for r in partials), replies


def test_sections_are_rewritten_by_the_model_under_the_figure_guard(app_data: Path, tmp_path: Path) -> None:
    from gradio_client import handle_file

    from assistant.webapp.sections import DRAFTED
    from testkit.scripted_server import Reply, ScriptedServer

    said = "本项目以数字化改造提升了质量管控水平。"
    invented = "年节约成本9999万元。"  # a figure no scene states: the guard drops the sentence
    sample = tmp_path / "sample.json"
    shutil.copy(SAMPLES_DIR / "sample-application.json", sample)
    with ScriptedServer(default=lambda request: Reply(said + invented)) as server:
        settings_overrides = {"openai_base_url": server.base_url, "llm_model": "scripted-model"}
        with running_app(app_data, **settings_overrides) as online:
            opened = labelled(
                online,
                "/open_application",
                online.predict(handle_file(str(sample)), api_name="/open_application"),
            )
            project_id = opened["项目"] if isinstance(opened["项目"], str) else opened["项目"]["value"]
            out = labelled(online, "/draft_sections", online.predict(project_id, api_name="/draft_sections"))
        asked = [r for r in server.requests if "messages" in r]
    assert len(asked) == len(DRAFTED)  # one rewrite per drafted section
    for key in DRAFTED:
        # The sample's own texts are kept; the model's rewrite waits beside them, or fills an empty box.
        shown = out[f"章节建议-{key}"] or out[section_label(key)]
        assert said in shown and "9999" not in shown, (key, shown)


def test_every_event_handler_is_exercised_by_a_test(tmp_path: Path) -> None:
    """Each event app.py registers is driven by a test that checks its effect: a gradio_client call in
    this file (``api_name="/name"``, or an f-string over the part keys ``{key}`` or the section keys ``{section}``), or a browser test that acts on
    the event's element (``#elem_id``) — page-load and chained events by naming them. A button nobody clicked in a
    test is how “保存基本信息” shipped crashing."""
    import re

    from app import build_app
    from assistant.config import Settings
    from assistant.webapp.sections import SECTION_KEYS

    here = Path(__file__).parent
    client_src = (here / "test_app.py").read_text("utf-8")
    browser_src = (here / "test_browser.py").read_text("utf-8")
    called = set(re.findall(r'api_name=f?"/([^"{]+)"', client_src))
    for template in re.findall(r'api_name=f"/([^"{]+)\{key\}"', client_src):
        called |= {f"{template}{key}" for key in PART_KEYS}
    for template in re.findall(r'api_name=f"/([^"{]+)\{section\}"', client_src):
        called |= {f"{template}{section}" for section in SECTION_KEYS}

    demo = build_app(Settings(data_dir=tmp_path / "data"))
    config = demo.get_config_file()
    elem_of = {c["id"]: c.get("props", {}).get("elem_id") for c in config["components"]}
    unexercised = []
    for dep in config["dependencies"]:
        name = dep["api_name"]
        elems = [elem_of.get(target[0]) for target in dep["targets"]]
        in_browser = any(e and f"#{e}" in browser_src for e in elems) or (
            any(t[1] in ("load", "then", "success") for t in dep["targets"]) and f'"{name}"' in browser_src
        )
        if name not in called and not in_browser:
            unexercised.append(
                f"{name} ({', '.join(f'{e}.{t[1]}' for e, t in zip(elems, dep['targets'], strict=True))})"
            )
    assert not unexercised, f"events no test exercises: {unexercised}"


def test_a_table_of_indicators_uploaded_in_the_chat_is_read_as_material(client) -> None:
    from gradio_client import handle_file

    project_id = new_project(client, "上传表格")
    sheet = EVALS_DIR / "drafting" / "sets" / "d37" / "material.xlsx"
    reply = labelled(
        client,
        "/send",
        client.predict(project_id, {"text": "", "files": [handle_file(str(sheet))]}, api_name="/send"),
    )
    assert "已读取 material.xlsx" in last_reply(reply)
    assert "120箱/小时" in reply[part_label("成效")]


def test_a_question_about_an_empty_part_goes_once_the_writer_writes_that_part(client) -> None:
    project_id = new_project(client, "待补充")
    drafted = send(client, project_id, "压铸线末端原来靠3名质检员目检，漏检率约1.2%，上线后漏检率降至0.1%。")
    assert "请说明本场景建设了什么" in drafted["草稿"]
    edited = labelled(
        client,
        "/edit_描述",
        client.predict(
            project_id, "本场景在压铸线末端部署视觉检测系统，自动识别外观缺陷。", {}, api_name="/edit_描述"
        ),
    )
    assert "请说明本场景建设了什么" not in edited["草稿"] and "草稿" in edited


def test_last_years_application_as_a_pdf_opens_in_the_writer(
    client, tmp_path: Path, libreoffice_docx
) -> None:
    from gradio_client import handle_file

    from assistant.application_reader import read_application
    from assistant.docx_io.writer import export_docx

    original = read_application(SAMPLES_DIR / "sample-application.json")
    pdf = libreoffice_docx(export_docx(original, tmp_path / "去年的申报书.docx"), to="pdf")
    opened = labelled(
        client, "/open_application", client.predict(handle_file(str(pdf)), api_name="/open_application")
    )
    assert opened[part_label("描述")] == original.scenes[0].parts.描述
    assert len(opened["申报书中的场景"]["data"]) == len(original.scenes)


def test_clearing_the_chat_clears_the_kept_conversation_but_not_the_draft(client) -> None:
    project_id = new_project(client, "清空")
    drafted = send(client, project_id, MATERIAL)
    body = drafted[part_label("描述")]
    assert len(drafted["对话"]) >= 2
    client.predict(project_id, api_name="/clear_chat")
    reloaded = labelled(client, "/load", client.predict(api_name="/load"))
    assert not any(
        MATERIAL[:12] in text_of(m) for m in reloaded["对话"]
    )  # the old exchange is gone on reload
    assert len(reloaded["对话"]) < len(drafted["对话"])
    assert reloaded[part_label("描述")] == body  # the draft stays


def test_a_new_project_needs_a_name(client, app_data: Path) -> None:
    from assistant.projects import ProjectStore

    def names() -> list[str]:
        return [name for _, name, _ in ProjectStore(app_data).list()]

    before = names()
    client.predict("   ", api_name="/new_project")
    assert names() == before  # refused with a warning: no 未命名项目 appears in the list
    new_project(client, "  热处理车间改造 ")
    assert names()[0] == "热处理车间改造"


def test_an_opened_application_is_the_writers_text_and_new_material_only_proposes(
    client, tmp_path: Path
) -> None:
    """A newcomer reopened her export and pasted one sentence: 描述 had been replaced by that sentence."""
    from gradio_client import handle_file

    from assistant.application_reader import read_application
    from assistant.docx_io.writer import export_docx

    original = read_application(SAMPLES_DIR / "sample-application.json")
    original.scenes[
        0
    ].parts.描述 = "在压铸线末端部署视觉检测系统，自动识别外观缺陷，检测结果进入质量追溯系统。"
    docx = export_docx(original, tmp_path / "导出的申报书.docx")
    opened = labelled(
        client, "/open_application", client.predict(handle_file(str(docx)), api_name="/open_application")
    )
    project_id = opened["项目"] if isinstance(opened["项目"], str) else opened["项目"]["value"]
    out = send(
        client,
        project_id,
        "补充材料：QMS质量管理系统于2024年10月通过验收，每个铸件激光打码（一物一码），实现全流程追溯。",
    )
    assert untouched_box(client, project_id, out, "描述") == original.scenes[0].parts.描述


def test_a_chat_turn_leaves_the_boxes_it_did_not_change_to_the_writer(
    shipped_index: Path, tmp_path: Path
) -> None:
    """The writer may be typing in 描述 while a turn corrects 成效: the turn's last render must not carry
    描述's box (it would put back the text last saved and drop the keystrokes since), and the finished
    reply shows only in that render, together with the draft it describes."""
    import gradio as gr

    from assistant.config import Settings
    from assistant.projects import ProjectStore
    from assistant.webapp.writer import WriterHandlers, build_writer_tab
    from tests.test_chat import project_with_draft

    data = tmp_path / "data"
    shutil.copytree(shipped_index, data)
    settings = Settings(data_dir=data)
    with gr.Blocks():
        tab = build_writer_tab()
    store = ProjectStore(data)
    project = store.create("压铸")
    project.draft, project.material = project_with_draft().draft, project_with_draft().material
    store.save(project)
    handlers = WriterHandlers(settings, tab)
    updates = list(handlers.on_send(project.id, {"text": "成效里的0.1%写错了，应为0.2%", "files": []}, None))
    boxes = {p.key: p.box for p in tab.parts}
    *progress, last = updates
    assert "0.2%" in last[boxes["成效"]], last[boxes["成效"]]
    assert boxes["描述"] not in last and boxes["经济性"] not in last
    finished = store.load(project.id).chat[-1].content
    assert all(u.get(tab.chat, [{}])[-1].get("content") != finished for u in progress), finished
    assert last[tab.chat][-1]["content"] == finished
