"""An OpenAI-compatible HTTP server on 127.0.0.1 that replies from a script, faults included.

Tests and the offline eval suites start it in-process and point ``OPENAI_BASE_URL`` at it, so the
real client path (langchain-openai → openai → HTTP) is exercised without any hosted API.

Each request to ``/v1/chat/completions`` takes the next step of the script. A step is either a
reply (``Reply(content=...)``) or a fault: ``timeout`` (sleeps past the client's timeout),
``429`` (with ``retry_after`` as its Retry-After), ``500``, ``malformed`` (a body that is not JSON), ``cut`` (a stream
or body that stops midway), ``no_tools`` (400 for a request that uses tools). A step may also be
a callable that builds the reply from the request. When the script is empty the ``default``
responder answers (or a 500 if there is none).
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Fault = str  # "timeout" | "429" | "500" | "malformed" | "cut" | "no_tools"


@dataclass
class Reply:
    content: str = ""
    tool_call: dict[str, Any] | None = None  # {"name": ..., "arguments": {...}} for a tool-calling reply
    cut: bool = False  # send only the first half of this reply, then drop the connection


Step = Reply | Fault | Callable[[dict[str, Any]], "Reply | Fault"]


def estimate_tokens(text: str) -> int:
    """Rough token count: each CJK character one token, other text about four characters a token."""
    cjk = len(re.findall(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]", text))
    return cjk + max(0, len(text) - cjk) // 4


@dataclass
class ScriptedServer:
    steps: deque = field(default_factory=deque)
    default: Callable[[dict[str, Any]], Reply | Fault] | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    timeout_sleep: float = 3.0
    retry_after: str | None = "0"  # the Retry-After a scripted 429 sends (None: no header)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _httpd: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    def script(self, *steps: Step) -> ScriptedServer:
        self.steps.extend(steps)
        return self

    @property
    def base_url(self) -> str:
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def _next(self, request: dict[str, Any]) -> Reply | Fault:
        with self._lock:
            step = self.steps.popleft() if self.steps else self.default
        if step is None:
            return "500"
        if callable(step) and not isinstance(step, Reply):
            return step(request)
        return step

    def start(self) -> ScriptedServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)  # the client may have given up first (a scripted timeout)

            def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
                body = json.dumps(
                    {"error": {"message": message, "type": "scripted", "code": status}}
                ).encode()
                self._send(status, body, headers)

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    self._send(
                        200,
                        json.dumps(
                            {"object": "list", "data": [{"id": "scripted", "object": "model"}]}
                        ).encode(),
                    )
                else:
                    self._error(404, "not found")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                request = json.loads(self.rfile.read(length) or b"{}")
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._error(404, "not found")
                    return
                server.requests.append(request)
                step = server._next(request)
                if step == "timeout":
                    time.sleep(server.timeout_sleep)
                    self._error(504, "too late")
                    return
                if step == "429":
                    headers = {} if server.retry_after is None else {"Retry-After": server.retry_after}
                    self._error(429, "rate limited", headers)
                    return
                if step == "500":
                    self._error(500, "scripted server error")
                    return
                if step == "no_tools":
                    self._error(400, "this model does not support tools")
                    return
                if step == "malformed":
                    self._send(200, b'{"id": "x", "choices": [{"message": {"content": "oops')
                    return
                reply = step if isinstance(step, Reply) else Reply(content=str(step))
                prompt = "".join(str(m.get("content", "")) for m in request.get("messages", []))
                usage = {
                    "prompt_tokens": estimate_tokens(prompt),
                    "completion_tokens": estimate_tokens(reply.content),
                }
                usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
                cut = step == "cut" or reply.cut
                if step == "cut":
                    reply = Reply(content="已收到的部分内容，模型输出在这里中断")
                if request.get("stream"):
                    self._stream(request, reply, usage, cut)
                else:
                    self._complete(request, reply, usage, cut)

            def _message(self, reply: Reply) -> dict[str, Any]:
                if reply.tool_call:
                    return {
                        "role": "assistant",
                        "content": None,
                        "tool_calls": [
                            {
                                "id": "call_1",
                                "type": "function",
                                "function": {
                                    "name": reply.tool_call["name"],
                                    "arguments": json.dumps(reply.tool_call["arguments"], ensure_ascii=False),
                                },
                            }
                        ],
                    }
                return {"role": "assistant", "content": reply.content}

            def _complete(
                self, request: dict[str, Any], reply: Reply, usage: dict[str, int], cut: bool
            ) -> None:
                body = json.dumps(
                    {
                        "id": "chatcmpl-scripted",
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": request.get("model", "scripted"),
                        "choices": [{"index": 0, "message": self._message(reply), "finish_reason": "stop"}],
                        "usage": usage,
                    },
                    ensure_ascii=False,
                ).encode()
                if cut:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body[: len(body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self._send(200, body)

            def _stream(
                self, request: dict[str, Any], reply: Reply, usage: dict[str, int], cut: bool
            ) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                text = reply.content
                pieces = [text[i : i + 8] for i in range(0, len(text), 8)] or [""]
                for i, piece in enumerate(pieces):
                    if cut and i >= max(1, len(pieces) // 2):
                        self.wfile.flush()
                        self.close_connection = True
                        return  # the connection drops with no [DONE]
                    event = {
                        "id": "chatcmpl-scripted",
                        "object": "chat.completion.chunk",
                        "created": int(time.time()),
                        "model": request.get("model", "scripted"),
                        "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
                    }
                    self.wfile.write(f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode())
                    self.wfile.flush()
                finish = {
                    "id": "chatcmpl-scripted",
                    "object": "chat.completion.chunk",
                    "created": int(time.time()),
                    "model": request.get("model", "scripted"),
                    "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                }
                self.wfile.write(f"data: {json.dumps(finish)}\n\n".encode())
                final = {
                    "id": "chatcmpl-scripted",
                    "object": "chat.completion.chunk",
                    "created": int(time.time()),
                    "model": request.get("model", "scripted"),
                    "choices": [],
                    "usage": usage,
                }
                self.wfile.write(f"data: {json.dumps(final)}\n\ndata: [DONE]\n\n".encode())
                self.wfile.flush()
                self.close_connection = True

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> ScriptedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
