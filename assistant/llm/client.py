"""Calls to the configured OpenAI-compatible endpoint, with retries and Chinese errors.

Retries with backoff (honouring Retry-After on 429) are the openai client's own, bounded by
``ASSISTANT_LLM_MAX_RETRIES``. A stream cut midway keeps what arrived and is marked partial,
so the caller can show it and nothing the writer saw is lost.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.config import Settings
from assistant.errors import ConfigError, LLMError


@dataclass
class LLMReply:
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 1
    partial: bool = False
    error: str = ""
    model: str = ""
    extra: dict = field(default_factory=dict)


def chat_model(settings: Settings, *, streaming: bool = False, json_mode: bool = False):
    if not settings.llm_configured:
        raise ConfigError("未配置大模型：请设置 ASSISTANT_LLM_MODEL，以及 OPENAI_API_KEY 或 OPENAI_BASE_URL")
    from langchain_openai import ChatOpenAI

    kwargs = {}
    if json_mode:
        kwargs["model_kwargs"] = {"response_format": {"type": "json_object"}}
    return ChatOpenAI(
        model=settings.llm_model,
        api_key=settings.openai_api_key or "not-needed",  # local servers (Ollama, vLLM) take any key
        base_url=settings.openai_base_url,
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
        temperature=settings.llm_temperature,
        streaming=streaming,
        stream_usage=True,
        **kwargs,
    )


def explain(err: Exception, settings: Settings | None = None) -> str:
    """One Chinese sentence saying what went wrong with the endpoint and what to do; never a secret
    (an endpoint may echo the key or the Authorization header back in its error text)."""
    from assistant.redact import redact

    secrets = [settings.openai_api_key] if settings is not None else []
    return redact(_explain(err), secrets)


def _explain(err: Exception) -> str:
    import openai

    if isinstance(err, openai.APITimeoutError):
        return "模型服务响应超时（已重试），请稍后再试或调大 ASSISTANT_LLM_TIMEOUT"
    if isinstance(err, openai.APIConnectionError):
        return "无法连接模型服务，请检查 OPENAI_BASE_URL 与网络"
    if isinstance(err, openai.RateLimitError):
        return "模型服务限流（429），已按退避重试仍未成功，请稍后再试"
    if isinstance(err, openai.AuthenticationError):
        return "模型服务拒绝了密钥（401），请检查 OPENAI_API_KEY"
    if isinstance(err, openai.NotFoundError):
        return "模型服务找不到该模型（404），请检查 ASSISTANT_LLM_MODEL"
    if isinstance(err, openai.BadRequestError):
        return f"模型服务拒绝了请求（400）：{getattr(err, 'message', err)}"
    if _malformed(err):
        return "模型服务返回的内容无法解析（不是合法的 JSON），已重试仍未成功：请检查 OPENAI_BASE_URL 是否指向 OpenAI 兼容接口"
    if isinstance(err, openai.APIStatusError):
        return f"模型服务出错（HTTP {err.status_code}），已重试仍未成功"
    return f"模型调用失败：{type(err).__name__}"


def _malformed(err: Exception) -> bool:
    import openai

    return isinstance(err, json.JSONDecodeError | openai.APIResponseValidationError)


def _usage(message) -> tuple[int, int]:
    usage = getattr(message, "usage_metadata", None) or {}
    return int(usage.get("input_tokens", 0) or 0), int(usage.get("output_tokens", 0) or 0)


def _status(err: Exception) -> int | None:
    return getattr(err, "status_code", None)


def chat(
    settings: Settings,
    system: str,
    user: str,
    *,
    json_mode: bool = False,
    on_token: Callable[[str], None] | None = None,
    history: list[tuple[str, str]] | None = None,
) -> LLMReply:
    """One chat completion. Streams when ``on_token`` is given; raises LLMError when nothing usable came.

    ``history`` holds earlier (role, text) turns — ``assistant`` / ``user`` — placed between the
    system message and ``user``, for repair rounds.
    """
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    messages: list = [SystemMessage(system)] if system else []
    for role, text in history or []:
        messages.append(AIMessage(text) if role == "assistant" else HumanMessage(text))
    messages.append(HumanMessage(user))
    model = chat_model(settings, streaming=on_token is not None, json_mode=json_mode)
    if on_token is None:
        attempt = 0
        while True:
            try:
                message = model.invoke(messages)
                break
            except Exception as err:
                # The openai client retries 429/5xx/timeouts itself, but not a 200 whose body is not
                # JSON (a proxy's error page, a cut body): retry those too, with the same bound.
                if _malformed(err) and attempt < settings.llm_max_retries:
                    time.sleep(0.5 * 2**attempt)
                    attempt += 1
                    continue
                raise LLMError(explain(err, settings), _status(err)) from err
        prompt_tokens, completion_tokens = _usage(message)
        return LLMReply(
            str(message.content), prompt_tokens, completion_tokens, model=settings.llm_model or ""
        )
    pieces: list[str] = []
    prompt_tokens = completion_tokens = 0
    finished = False
    model_name = settings.llm_model or ""
    try:
        for chunk in model.stream(messages):
            if chunk.content:
                pieces.append(str(chunk.content))
                on_token(str(chunk.content))
            p, c = _usage(chunk)
            prompt_tokens, completion_tokens = prompt_tokens + p, completion_tokens + c
            finished = finished or bool((chunk.response_metadata or {}).get("finish_reason"))
    except Exception as err:
        if not pieces:
            raise LLMError(explain(err, settings), _status(err)) from err
        text = "".join(pieces)
        return LLMReply(
            text,
            prompt_tokens,
            completion_tokens,
            partial=True,
            error=explain(err, settings),
            model=model_name,
        )
    text = "".join(pieces)
    if not finished:
        # The connection closed before the model said it was done: keep the text, mark it partial.
        if not text:
            raise LLMError("模型输出中断，没有收到任何内容，请重试")
        error = "模型输出中断（流提前结束）"
        return LLMReply(text, prompt_tokens, completion_tokens, partial=True, error=error, model=model_name)
    return LLMReply(text, prompt_tokens, completion_tokens, model=model_name)
