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
from assistant.models import Application
from assistant.paths import EVALS_DIR, SAMPLES_DIR

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


def test_writer_drafts_from_material_and_the_project_is_saved(client) -> None:
    project_id = new_project(client, "铸造车间项目")
    result = client.predict(project_id, MATERIAL, None, api_name="/send")
    chat = result[1]
    reply = text_of(chat[-1])
    assert "已起草" in reply and "质量管控" in reply
    parts = result[5:10]
    assert all(isinstance(p, str) for p in parts) and parts[3]  # 成效 is drafted
    counters = result[10:15]
    assert all("字" in c and "未人工确认" in c for c in counters)

    counter, findings = client.predict(project_id, "字" * 320, api_name="/edit_成效")
    assert 'class="count over"' in counter and "320 / 300" in counter
    assert "超出上限" in findings
    assert "未人工确认" not in client.predict(project_id, True, api_name="/confirm_成效")

    # Reloading (a browser refresh) brings back the same project with the edit.
    loaded = client.predict(api_name="/load")
    assert loaded[6] == "字" * 320  # [project, chat, header, 描述, 痛点, 技术方案, 成效, …]


def test_export_gives_word_and_excel(client) -> None:
    project_id = new_project(client, "导出测试")
    client.predict(project_id, MATERIAL, None, api_name="/send")
    client.predict(project_id, api_name="/add_scene")
    files = client.predict(project_id, api_name="/export")
    suffixes = sorted(Path(f).suffix for f in files)
    assert suffixes == [".docx", ".xlsx"]
    # A second export never overwrites the first.
    again = client.predict(project_id, api_name="/export")
    assert set(map(str, again)).isdisjoint(set(map(str, files)))


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
    handlers = {fn.api_name: fn.fn.__name__ for fn in demo.fns.values()}
    names = [d["api_name"] for d in deps]
    # Gradio names an unnamed event after its handler, so a name equal to the handler's means none was given.
    unnamed = [d["targets"] for d in deps if not d["api_name"] or handlers[d["api_name"]] == d["api_name"]]
    assert not unnamed, f"events without api_name: {unnamed}"
    assert len(names) == len(set(names))
    assert all(d["api_visibility"] == "public" for d in deps)
    main_actions = {"send", "edit_成效", "confirm_成效", "export", "open_application", "review", "search"}
    assert main_actions <= set(names)


def test_an_existing_docx_opens_as_a_project_that_survives_a_restart(
    client, app_data: Path, tmp_path: Path
) -> None:
    from gradio_client import handle_file

    from assistant.application_reader import read_application
    from assistant.docx_io.writer import export_docx

    original = read_application(SAMPLES_DIR / "sample-application.json")
    docx = export_docx(original, tmp_path / "去年的申报书.docx")
    # /open_application returns [project, chat, header, 5 parts, 5 counters, 5 checks, findings,
    # coverage, scenes, 10 basic-info fields, scene picker]
    opened = client.predict(handle_file(str(docx)), api_name="/open_application")
    project_id = opened[0] if isinstance(opened[0], str) else opened[0]["value"]
    assert opened[3] == original.scenes[0].parts.描述  # the first scene is in the editor, ready to improve
    assert opened[22] == original.applicant
    assert "必须领域已覆盖 3/3" in opened[19]
    assert len(opened[20]["data"]) == len(original.scenes)

    last = len(original.scenes) - 1
    picked = client.predict(project_id, last, api_name="/pick_scene")  # [header, 5 parts, …]
    assert picked[1] == original.scenes[last].parts.描述

    # A restart: a new app on the same data directory offers the project first and reopens it.
    with running_app(app_data) as again:
        loaded = again.predict(api_name="/load")
        assert (loaded[0] if isinstance(loaded[0], str) else loaded[0]["value"]) == project_id
        assert loaded[3] == original.scenes[last].parts.描述


def test_an_online_answer_streams_into_the_chat(app_data: Path, tmp_path: Path) -> None:
    from evals.scripted_server import Reply, ScriptedServer

    answer = "成熟度需达到二级及以上[1]。需在c3mep平台完成自评估[1]。"
    with ScriptedServer() as server:
        server.script(Reply(answer))
        settings_overrides = {"openai_base_url": server.base_url, "llm_model": "scripted-model"}
        with running_app(app_data, **settings_overrides) as online:
            project_id = new_project(online, "在线问答")
            job = online.submit(project_id, "智能制造能力成熟度要达到几级？", None, api_name="/send")
            replies = [text_of(out[1][-1]) for out in job]
    final = replies[-1]
    assert "二级及以上" in final and "出处" in final
    partials = [r for r in replies[:-1] if r and r != final]
    # The answer arrived in pieces, each shown before the whole: a growing prefix of the model's text.
    assert any(answer.startswith(r) and r != answer for r in partials), replies
