"""The hardened server: no share link, Host allow-list, throttled logins, a live users file, redacted
secrets, a budget per review request, temporary folders removed, per-user knowledge uploads."""

from __future__ import annotations

import asyncio
import io
import os
import zipfile
from pathlib import Path

import httpx
import pytest

from assistant.config import Settings
from assistant.errors import InputError, LLMError
from assistant.redact import mask_url, redact
from assistant.webapp import access, guard

KEY = "sk-live-ABCDEF0123456789xyzSECRET"


@pytest.fixture
def served(tmp_path: Path):
    """The app on a free loopback port, with login from a users file, through app.serve."""
    from test_app import free_port

    from app import build_app, serve

    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    users = tmp_path / "users.txt"
    access.add_user(users, "alice", "correct horse")
    access.add_user(users, "bob", "battery staple")
    settings = Settings(data_dir=tmp_path / "data", users_file=users)
    demo = build_app(settings)
    port = free_port()
    auth = guard.login_check(guard.UsersFile(users), guard.LoginThrottle(base=0.05, cap=0.2))
    serve(demo, settings, "127.0.0.1", port, auth=auth, prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{port}", users
    finally:
        demo.close()


def login(base: str, user: str, password: str) -> httpx.Response:
    return httpx.post(f"{base}/login", data={"username": user, "password": password}, timeout=30)


def test_unknown_host_headers_are_refused(served) -> None:
    base, _ = served
    assert httpx.get(f"{base}/config", headers={"Host": "evil.example"}, timeout=30).status_code == 400
    refused = httpx.get(f"{base}/", headers={"Host": "evil.example:7860"}, timeout=30)
    assert refused.status_code == 400 and "ASSISTANT_ALLOWED_HOSTS" in refused.text
    for name in ("127.0.0.1", "localhost"):
        port = base.rsplit(":", 1)[1]
        assert httpx.get(f"{base}/", headers={"Host": f"{name}:{port}"}, timeout=30).status_code == 200


def test_a_removed_user_is_refused_and_loses_the_session_without_restart(served) -> None:
    base, users = served
    ok = login(base, "bob", "battery staple")
    assert ok.status_code == 200
    cookies = ok.cookies
    assert httpx.get(f"{base}/config", cookies=cookies, timeout=30).status_code == 200
    assert login(base, "alice", "wrong horse").status_code == 400
    kept = [line for line in users.read_text("utf-8").splitlines() if not line.startswith("bob:")]
    users.write_text("\n".join(kept) + "\n", encoding="utf-8")
    assert httpx.get(f"{base}/config", cookies=cookies, timeout=30).status_code == 401
    assert login(base, "bob", "battery staple").status_code == 400
    assert login(base, "alice", "correct horse").status_code == 200


def test_share_is_never_on_and_the_upload_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import gradio as gr

    import app

    launched: list[tuple[gr.Blocks, dict]] = []
    monkeypatch.setattr(gr.Blocks, "launch", lambda self, **kw: launched.append((self, kw)))
    monkeypatch.setenv("GRADIO_SHARE", "true")
    monkeypatch.delenv("GRADIO_SERVER_NAME", raising=False)
    app.main()
    demo, kwargs = launched[-1]
    assert kwargs["share"] is False
    assert demo.delete_cache and demo.delete_cache[1] == int(Settings().upload_cache_hours * 3600)
    assert kwargs["app_kwargs"]["middleware"]


def test_allowed_hosts_are_loopback_the_bound_name_and_the_configured_ones() -> None:
    assert guard.allowed_hosts("127.0.0.1") == {"127.0.0.1", "localhost", "::1"}
    assert "review.example.cn" in guard.allowed_hosts("10.0.0.5", "Review.example.cn:7860")
    assert "10.0.0.5" in guard.allowed_hosts("10.0.0.5")
    assert "evil.example" not in guard.allowed_hosts("0.0.0.0")
    assert guard.host_name("[::1]:7860") == "::1" and guard.host_name("LocalHost.:80") == "localhost"


# ---- login throttling ------------------------------------------------------------------------------------------


def _throttle() -> tuple[guard.LoginThrottle, list[float]]:
    waited: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waited.append(seconds)

    return guard.LoginThrottle(base=0.5, cap=30, sleep=fake_sleep), waited


async def _wrong() -> bool:
    return False


async def _right() -> bool:
    return True


def test_each_failure_doubles_the_wait_per_user_and_per_address() -> None:
    throttle, waited = _throttle()

    async def run() -> None:
        for _ in range(9):
            await throttle.attempt("alice", "10.0.0.9", _wrong)
        # Another name from the same address waits as long; the same name from elsewhere too.
        await throttle.attempt("mallory", "10.0.0.9", _wrong)
        await throttle.attempt("alice", "10.0.0.77", _wrong)
        assert throttle.delay("carol", "10.0.0.1") == 0  # a stranger elsewhere is not slowed
        await throttle.attempt("alice", "10.0.0.77", _right)
        assert throttle.delay("alice", "10.0.0.66") == 0  # the right password clears the name

    asyncio.run(run())
    assert waited == [0.5, 1, 2, 4, 8, 16, 30, 30, 30, 30, 30]


def test_parallel_guesses_wait_their_turn() -> None:
    throttle, waited = _throttle()

    async def run() -> None:
        await asyncio.gather(*(throttle.attempt("alice", "10.0.0.9", _wrong) for _ in range(6)))

    asyncio.run(run())
    assert waited == [0.5, 1, 2, 4, 8]  # as if sent one after the other


def test_unknown_names_cost_a_full_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    users = tmp_path / "users.txt"
    access.add_user(users, "alice", "correct horse")
    seen: list[str] = []
    from assistant.webapp import users as users_module

    real = users_module.verify_password
    monkeypatch.setattr(
        users_module, "verify_password", lambda p, stored: seen.append(stored) or real(p, stored)
    )
    check = guard.login_check(guard.UsersFile(users), _throttle()[0])
    assert not asyncio.run(check("nobody", "x"))
    assert seen == [access.DUMMY_HASH]
    assert access.DUMMY_HASH.split("$")[1] == str(access.ITERATIONS)  # same work as a real user's hash


# ---- secrets -------------------------------------------------------------------------------------------------------


def test_endpoint_errors_that_echo_the_key_are_redacted() -> None:
    import openai

    from assistant.llm.client import explain

    response = httpx.Response(400, request=httpx.Request("POST", "http://127.0.0.1:9/v1/chat/completions"))
    echoed = f"Invalid request; headers were Authorization: Bearer {KEY} and key=hunter2hunter2"
    err = openai.BadRequestError(echoed, response=response, body=None)
    settings = Settings(openai_api_key="hunter2hunter2", llm_model="m")
    shown = explain(err, settings)
    assert "400" in shown and KEY not in shown and "hunter2hunter2" not in shown
    assert KEY not in str(LLMError(f"boom {KEY}"))
    assert redact("缺少 OEE 数据（2024 年 65%）") == "缺少 OEE 数据（2024 年 65%）"


def test_credentials_in_urls_are_masked_wherever_shown() -> None:
    from assistant.webapp import views

    url = "https://deploy:pa55word@llm.example.cn/v1?api_key=zzz999"
    settings = Settings(openai_api_key="k" * 12, llm_model="m", openai_base_url=url)
    for shown in (settings.mode, views.banner(settings), " ".join(settings.masked().values())):
        assert "pa55word" not in shown and "zzz999" not in shown and "llm.example.cn" in shown
    assert mask_url("http://127.0.0.1:11434/v1") == "http://127.0.0.1:11434/v1"


# ---- review requests ---------------------------------------------------------------------------------------------


def amplifying_zip(path: Path, members: int, xml_mb: int) -> Path:
    """A zip of .docx files, each small on disk but unpacking to ``xml_mb`` MB of XML."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:t>" + "字" * (xml_mb * 2**20 // 3) + "</w:t>")
    data = inner.getvalue()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for i in range(members):
            z.writestr(f"申报书{i:03d}.docx", data)
    return path


def test_a_request_is_bounded_in_decompressed_bytes_not_only_per_file(tmp_path: Path) -> None:
    settings = Settings(max_request_unzipped_mb=50)
    bomb = amplifying_zip(tmp_path / "批量.zip", members=8, xml_mb=10)
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(InputError, match="合计超过 50 MB"):
        access.expand_uploads([bomb], work, settings)
    small = amplifying_zip(tmp_path / "小.zip", members=2, xml_mb=10)
    assert len(access.expand_uploads([small], tmp_path / "work", settings)) == 2


def test_a_request_is_bounded_in_cpu_time() -> None:
    budget = access.RequestBudget(Settings(max_request_cpu_seconds=0.0))
    sum(i * i for i in range(200_000))
    with pytest.raises(InputError, match="计算时间"):
        budget.check_time()


def test_review_copies_are_removed_when_the_request_ends(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    with access.review_workspace(settings) as (inputs, outputs):
        (inputs / "a.docx").write_bytes(b"x")
        (outputs / "审查结果.xlsx").write_bytes(b"x")
    assert not inputs.exists() and outputs.exists()
    os.utime(outputs, (0, 0))  # older than the cache lifetime: the next request clears it
    with access.review_workspace(settings):
        pass
    assert not outputs.exists()


def test_knowledge_uploads_of_two_users_do_not_collide(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")

    class Request:
        def __init__(self, username: str) -> None:
            self.username = username

    a, b = (
        access.documents_folder(settings, Request("张三")),
        access.documents_folder(settings, Request("李四")),
    )
    assert a != b and a.name == "张三" and a.parent == b.parent


def test_the_start_up_line_masks_credentials_in_the_endpoint_url(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, tmp_path: Path
) -> None:
    import gradio as gr

    import app

    monkeypatch.setattr(gr.Blocks, "launch", lambda self, **kw: None)
    monkeypatch.setenv("OPENAI_BASE_URL", "https://deploy:pa55word@llm.example.cn/v1")
    monkeypatch.setenv("ASSISTANT_LLM_MODEL", "m")
    users = tmp_path / "users.txt"
    access.add_user(users, "alice", "correct horse")
    monkeypatch.setenv("ASSISTANT_USERS_FILE", str(users))
    monkeypatch.setenv("GRADIO_SERVER_NAME", "0.0.0.0")
    app.main()
    out = capsys.readouterr().out
    assert "llm.example.cn" in out and "pa55word" not in out
    assert "允许的访问地址" in out and "127.0.0.1" in out
