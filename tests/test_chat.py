"""The writer's chat offline: change requests are understood or answered, never mistaken for material,
and a redraft keeps what the writer confirmed."""

from __future__ import annotations

from pathlib import Path

from assistant import chat
from assistant.config import Settings
from assistant.models import Scene, SceneParts
from assistant.projects import Project
from assistant.text import count_words

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


def test_new_material_redrafts_but_keeps_confirmed_parts(shipped_index: Path) -> None:
    project = project_with_draft()
    project.draft.parts.描述 = "本企业在压铸线末端建成外观缺陷视觉检测工位（人工改写稿）。"
    project.confirmed = {"描述": True}
    reply = turn(project, Settings(data_dir=shipped_index), "另外，检测数据按件号写入MES，可按批次追溯。")
    assert project.draft.parts.描述 == "本企业在压铸线末端建成外观缺陷视觉检测工位（人工改写稿）。"
    assert project.confirmed["描述"] is True and project.confirmed["成效"] is False
    assert "已人工确认的部分保持不变：描述" in reply
    assert "写入MES" in project.material


def test_a_free_form_request_online_rewrites_the_named_part_only(shipped_index: Path) -> None:
    from evals.scripted_server import Reply, ScriptedServer

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
