"""The real client path (langchain-openai → openai → HTTP) against the scripted server, faults included."""

from __future__ import annotations

import socket

import pytest

from assistant.config import Settings
from assistant.errors import ConfigError, LLMError
from assistant.llm import chat
from testkit.scripted_server import Reply, ScriptedServer


@pytest.fixture
def server():
    with ScriptedServer(timeout_sleep=2.5) as srv:
        yield srv


def settings_for(server: ScriptedServer, **extra) -> Settings:
    values = {
        "openai_base_url": server.base_url,
        "llm_model": "scripted-model",
        "llm_timeout": 1.0,
        "llm_max_retries": 2,
    }
    return Settings(**{**values, **extra})


def test_plain_reply_with_usage(server: ScriptedServer) -> None:
    server.script(Reply("你好，这是回答。"))
    reply = chat(settings_for(server), "系统", "用户问题")
    assert reply.text == "你好，这是回答。" and not reply.partial
    assert reply.prompt_tokens > 0 and reply.completion_tokens > 0
    assert server.requests[0]["model"] == "scripted-model"
    assert [m["role"] for m in server.requests[0]["messages"]] == ["system", "user"]


def test_429_and_500_are_retried_then_succeed(server: ScriptedServer) -> None:
    server.script("429", "500", Reply("终于成功"))
    assert chat(settings_for(server), "", "问").text == "终于成功"
    assert len(server.requests) == 3


def test_persistent_500_gives_a_chinese_llm_error_after_bounded_retries(server: ScriptedServer) -> None:
    server.script("500", "500", "500", "500", Reply("不应到达"))
    with pytest.raises(LLMError, match="HTTP 500"):
        chat(settings_for(server), "", "问")
    assert len(server.requests) == 3  # one call + two retries


def test_timeout_is_explained(server: ScriptedServer) -> None:
    server.script("timeout", "timeout", "timeout")
    with pytest.raises(LLMError, match="超时"):
        chat(settings_for(server, llm_max_retries=0), "", "问")


def test_malformed_json_body_is_an_llm_error(server: ScriptedServer) -> None:
    server.script("malformed", "malformed", "malformed")
    with pytest.raises(LLMError):
        chat(settings_for(server, llm_max_retries=0), "", "问")


def test_a_cut_stream_keeps_what_arrived_and_is_marked_partial(server: ScriptedServer) -> None:
    server.script("cut")
    seen: list[str] = []
    reply = chat(settings_for(server, llm_max_retries=0), "", "问", on_token=seen.append)
    assert reply.partial and reply.text and reply.text == "".join(seen)
    assert "已收到" in reply.text and reply.error


def test_streaming_delivers_tokens_in_order(server: ScriptedServer) -> None:
    text = "第一句话。第二句话比较长一些，用来分成多个片段。"
    server.script(Reply(text))
    seen: list[str] = []
    reply = chat(settings_for(server), "", "问", on_token=seen.append)
    assert len(seen) > 2 and "".join(seen) == text == reply.text and not reply.partial


def test_connection_refused_is_explained() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = Settings(
        openai_base_url=f"http://127.0.0.1:{port}/v1", llm_model="m", llm_max_retries=0, llm_timeout=1
    )
    with pytest.raises(LLMError, match="无法连接"):
        chat(settings, "", "问")


def test_no_model_configured_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="ASSISTANT_LLM_MODEL"):
        chat(Settings(), "", "问")
