"""Model endpoint faults through the scripted server, beyond tests/test_llm_client.py: Retry-After is
honoured, backoff is bounded, a refused connection is retried a bounded number of times, and in the
writer's chat (assistant/chat.py) no fault ever loses the conversation or the draft; an answer cut
midway is kept and marked partial. No test sleeps: the client's retry sleeps are recorded instead."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import pytest

from assistant import chat as chat_module
from assistant.config import Settings
from assistant.errors import LLMError
from assistant.knowledge.chunking import Chunk
from assistant.knowledge.retriever import Hit
from assistant.llm import chat
from assistant.models import Scene, SceneParts
from assistant.projects import ChatMessage, ProjectStore
from testkit.scripted_server import Reply, ScriptedServer

KEY = "sk-test-0123456789abcdefSECRET"


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The delays the openai client asks for between retries (recorded, not slept)."""
    import openai._base_client as base

    recorded: list[float] = []
    monkeypatch.setattr(base.time, "sleep", recorded.append)
    return recorded


@pytest.fixture
def server():
    with ScriptedServer(timeout_sleep=2.5) as srv:
        yield srv


def online(server: ScriptedServer, **extra) -> Settings:
    values = {
        "openai_base_url": server.base_url,
        "openai_api_key": KEY,
        "llm_model": "scripted",
        "llm_timeout": 1.0,
        "llm_max_retries": 2,
    }
    return Settings(**{**values, **extra})


def test_retry_after_is_honoured(server: ScriptedServer, sleeps: list[float]) -> None:
    server.retry_after = "7"
    server.script("429", Reply("限流之后成功"))
    assert chat(online(server), "", "问").text == "限流之后成功"
    assert sleeps == [7.0] and len(server.requests) == 2


def test_without_retry_after_the_backoff_grows_and_is_bounded(server: ScriptedServer, sleeps) -> None:
    server.retry_after = None
    server.script("429", "500", "429", Reply("不应到达"))
    with pytest.raises(LLMError, match="限流"):
        chat(online(server), "", "问")
    assert len(server.requests) == 3  # one call and exactly llm_max_retries=2 retries
    first, second = sleeps
    assert 0.375 <= first <= 0.5 and 0.75 <= second <= 1.0  # 0.5 s doubling, minus up to 25 % jitter


def test_a_retry_after_beyond_two_minutes_fails_at_once_with_a_clear_message(server, sleeps) -> None:
    server.retry_after = "600"
    server.script("429", Reply("不应到达"))
    with pytest.raises(LLMError, match="429"):
        chat(online(server), "", "问")
    assert len(server.requests) == 1 and sleeps == []


def test_a_body_that_is_not_json_is_retried_then_explained(server: ScriptedServer, sleeps) -> None:
    server.script("malformed", Reply("第二次成功"))
    assert chat(online(server), "", "问").text == "第二次成功"
    server.script("malformed", "malformed", "malformed", Reply("不应到达"))
    with pytest.raises(LLMError, match="无法解析"):
        chat(online(server), "", "问")
    assert len(server.requests) == 2 + 3  # bounded by llm_max_retries=2, like the other faults


def test_connection_refused_is_retried_a_bounded_number_of_times(sleeps: list[float]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = Settings(openai_base_url=f"http://127.0.0.1:{port}/v1", llm_model="m", llm_max_retries=3)
    with pytest.raises(LLMError, match="无法连接"):
        chat(settings, "", "问")
    assert len(sleeps) == 3


def test_the_api_key_never_reaches_logs_or_error_messages(
    server: ScriptedServer, caplog: pytest.LogCaptureFixture, sleeps
) -> None:
    server.script("500", "500", Reply("好"))
    with caplog.at_level(logging.DEBUG):
        assert chat(online(server), "", "问").text == "好"
        server.script("500", "500", "500")
        with pytest.raises(LLMError) as caught:
            chat(online(server), "", "问")
    assert caplog.records  # the client did log at DEBUG: the check below is not vacuous
    assert KEY not in caplog.text and KEY not in str(caught.value)
    assert KEY not in repr(online(server)) and KEY not in str(online(server).masked())


# ---- the writer's chat ---------------------------------------------------------------------------------------


def drafted_project(tmp_path: Path):
    store = ProjectStore(tmp_path / "data", "writer")
    project = store.create("铸造项目")
    project.material = "压铸线末端人工目检，漏检率1.2%。部署视觉检测后漏检率降至0.1%。"
    project.draft = Scene(
        domain="生产作业",
        link="质量管控",
        scene="在线智能检测",
        instance="压铸件外观视觉检测",
        parts=SceneParts(
            描述="在压铸线末端部署视觉检测系统。",
            痛点="人工目检漏检多。",
            技术方案="采用8台工业相机与缺陷识别软件。" * 30,
            成效="漏检率由1.2%降至0.1%。",
            经济性="总投资300万元。",
        ),
    )
    project.chat = [
        ChatMessage(role="user", content="第一条材料"),
        ChatMessage(role="assistant", content="已起草"),
    ]
    store.save(project)
    return store, project


def run_turn(store: ProjectStore, project, settings: Settings, text: str) -> list[str]:
    """What app.py's on_send does: save after every reply the user sees."""
    replies = []
    for reply in chat_module.respond(project, settings, text):
        replies.append(reply)
        store.save(project)
    return replies


@pytest.mark.parametrize("fault", ["500", "timeout", "malformed", "cut", "refused"])
def test_a_failed_revision_keeps_chat_and_draft(tmp_path: Path, server, sleeps, fault: str) -> None:
    store, project = drafted_project(tmp_path)
    before = project.draft.model_copy(deep=True)
    if fault == "refused":
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            url = f"http://127.0.0.1:{s.getsockname()[1]}/v1"
        settings = Settings(openai_base_url=url, llm_model="m", llm_max_retries=1)
    else:
        server.script(fault, fault, fault)
        settings = online(server, llm_max_retries=1)
    replies = run_turn(store, project, settings, "技术方案压缩到200字以内")
    assert "⚠️" in replies[-1] and "不受影响" in replies[-1]
    saved = store.load(project.id)
    assert [m.content for m in saved.chat[:3]] == ["第一条材料", "已起草", "技术方案压缩到200字以内"]
    assert saved.chat[-1].role == "assistant" and saved.chat[-1].content == replies[-1]
    assert saved.draft == before  # the draft the writer had is untouched


def test_a_bug_in_a_chat_turn_keeps_chat_and_draft(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store, project = drafted_project(tmp_path)

    def broken(*args, **kwargs):
        raise KeyError("simulated bug")

    monkeypatch.setattr(chat_module, "draft_scene", broken)
    replies = run_turn(store, project, Settings(data_dir=tmp_path / "data"), "补充材料：年节约120万元。")
    assert "内部错误" in replies[-1] and "KeyError" in replies[-1]
    saved = store.load(project.id)
    assert saved.chat[-2].content == "补充材料：年节约120万元。" and "年节约120万元" in saved.material
    assert saved.draft is not None and saved.draft.parts.描述 == "在压铸线末端部署视觉检测系统。"


class _OnePassageKB:
    """A stand-in knowledge base: one highly relevant passage, so ask() calls the model."""

    def __init__(self, settings: Settings) -> None:
        pass

    def search(self, query: str, k: int = 5, method: str = "hybrid") -> list[Hit]:
        chunk = Chunk(id="c1", text="智能制造能力成熟度需达到二级及以上。", source="notice.md", title="通知")
        return [Hit(chunk=chunk, score=1.0, dense_score=0.95, bm25_rank=1)]


def test_an_answer_cut_midway_is_kept_and_marked_partial(
    tmp_path: Path, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assistant.knowledge.index as index
    import assistant.knowledge.retriever as retriever

    monkeypatch.setattr(index, "ensure_index", lambda settings: None)
    monkeypatch.setattr(retriever, "KnowledgeBase", _OnePassageKB)
    store, project = drafted_project(tmp_path)
    text = "成熟度需达到二级及以上[1]。另外还需要在评估平台完成自评估并上传结果[1]。"
    server.script(Reply(text, cut=True))
    replies = run_turn(store, project, online(server, llm_max_retries=0), "成熟度要达到几级？")
    assert "成熟度需达到二级及以上[1]" in replies[-1]
    assert "回答不完整" in replies[-1]
    assert server.requests[0]["stream"] is True
    assert store.load(project.id).chat[-1].content == replies[-1]


def test_model_text_in_the_chat_is_inert(tmp_path: Path, server, monkeypatch: pytest.MonkeyPatch) -> None:
    import assistant.knowledge.index as index
    import assistant.knowledge.retriever as retriever

    monkeypatch.setattr(index, "ensure_index", lambda settings: None)
    monkeypatch.setattr(retriever, "KnowledgeBase", _OnePassageKB)
    store, project = drafted_project(tmp_path)
    hostile = '二级及以上<img src="http://evil.example/x.png" onerror="alert(1)">[1]。详见[原文](http://evil.example/y)[1]。'
    server.script(Reply(hostile))
    reply = run_turn(store, project, online(server, llm_max_retries=0), "成熟度要达到几级？")[-1]
    assert "&lt;img" in reply and "原文" in reply  # both sentences are shown …
    assert "<img" not in reply and "](" not in reply  # … as text, not as an image or a link


def test_the_chat_says_what_an_online_draft_cost() -> None:
    from assistant.drafting.service import DraftResult

    scene = Scene(domain="生产作业", link="质量管控", scene="在线智能检测", instance="压铸件外观视觉检测")
    online_summary = chat_module._draft_summary(
        DraftResult(scene=scene, mode="online", calls=2, prompt_tokens=1830, completion_tokens=412)
    )
    assert "模型调用 2 次" in online_summary and "1830" in online_summary and "412" in online_summary
    offline_summary = chat_module._draft_summary(DraftResult(scene=scene, mode="offline"))
    assert "模型调用" not in offline_summary
