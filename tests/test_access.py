"""Access: loopback unless told; login required elsewhere (hashed passwords); upload limits and
sanitised names; one user's projects invisible to another; API keys never shown; user text inert."""

from __future__ import annotations

import asyncio
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import ConfigError, InputError
from assistant.models import Finding, Scene, SceneParts, Severity
from assistant.paths import ROOT
from assistant.projects import ProjectStore
from assistant.webapp import access, views

KEY = "sk-live-ABCDEF0123456789xyzSECRET"


# ---- passwords and the users file -----------------------------------------------------------------------------


def test_passwords_are_salted_hashes_that_verify() -> None:
    a, b = access.hash_password("正确的密码123"), access.hash_password("正确的密码123")
    assert a != b and a.startswith("pbkdf2_sha256$") and "正确的密码123" not in a  # salted, no plaintext
    assert access.verify_password("正确的密码123", a)
    assert not access.verify_password("错误的密码123", a)
    assert not access.verify_password("正确的密码123", "md5$1$x$y")  # an unknown scheme never passes


def test_a_malformed_users_file_names_the_file_and_line(tmp_path: Path) -> None:
    users = tmp_path / "users.txt"
    users.write_text(f"# 注释\nalice:{access.hash_password('password-1')}\nbob:plaintext\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"users\.txt 第3行"):
        access.load_users(users)


def test_loopback_needs_no_login_but_any_other_address_does(tmp_path: Path) -> None:
    for host in ("127.0.0.1", "localhost", "::1"):
        assert access.auth_for(host, Settings()) is None
    with pytest.raises(ConfigError, match="ASSISTANT_USERS_FILE"):
        access.auth_for("0.0.0.0", Settings())
    users = tmp_path / "users.txt"
    access.add_user(users, "alice", "correct horse")
    check = access.auth_for("0.0.0.0", Settings(users_file=users))
    assert check is not None
    assert asyncio.run(check("alice", "correct horse"))
    assert not asyncio.run(check("alice", "wrong horse")) and not asyncio.run(check("eve", "x"))


def test_an_empty_users_file_does_not_open_the_app(tmp_path: Path) -> None:
    users = tmp_path / "users.txt"
    users.write_text("# 还没有用户\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="没有用户"):
        access.auth_for("192.168.1.10", Settings(users_file=users))


def test_user_add_command_stores_only_a_hash_and_updates_in_place(tmp_path: Path) -> None:
    users = tmp_path / "users.txt"

    def add(name: str, password: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "assistant.cli",
                "user",
                "add",
                name,
                "--file",
                str(users),
                "--password-stdin",
            ],
            input=password + "\n",
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
        )

    assert add("审查员甲", "first-password").returncode == 0
    assert add("审查员甲", "second-password").returncode == 0
    text = users.read_text(encoding="utf-8")
    assert text.count("审查员甲:") == 1 and "password" not in text
    assert users.stat().st_mode & 0o077 == 0  # readable by the owner only
    stored = access.load_users(users)["审查员甲"]
    assert access.verify_password("second-password", stored)
    short = add("bob", "short")
    assert short.returncode == 2 and "至少 8 个字符" in short.stderr
    bad_name = add("a:b", "long-enough-password")
    assert bad_name.returncode == 2 and "用户名" in bad_name.stderr


def test_the_app_binds_loopback_by_default_and_demands_login_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gradio as gr

    import app

    launched: list[tuple[gr.Blocks, dict]] = []
    monkeypatch.setattr(gr.Blocks, "launch", lambda self, **kw: launched.append((self, kw)))
    monkeypatch.delenv("GRADIO_SERVER_NAME", raising=False)
    app.main()
    demo, kwargs = launched[-1]
    assert kwargs["server_name"] == "127.0.0.1" and kwargs["auth"] is None
    assert kwargs["max_file_size"] == Settings().max_upload_mb * 1024 * 1024
    # The queue is bounded, so a crowd cannot pile up unbounded work on the model endpoint.
    assert demo._queue.max_size and demo._queue.default_concurrency_limit

    monkeypatch.setenv("GRADIO_SERVER_NAME", "0.0.0.0")
    with pytest.raises(ConfigError, match="ASSISTANT_USERS_FILE"):
        app.main()
    users = tmp_path / "users.txt"
    access.add_user(users, "alice", "correct horse")
    monkeypatch.setenv("ASSISTANT_USERS_FILE", str(users))
    app.main()
    assert launched[-1][1]["server_name"] == "0.0.0.0" and callable(launched[-1][1]["auth"])


# ---- uploads ----------------------------------------------------------------------------------------------------


def test_upload_count_size_and_type_limits(tmp_path: Path) -> None:
    files = []
    for i in range(3):
        path = tmp_path / f"f{i}.md"
        path.write_text("申报书", encoding="utf-8")
        files.append(str(path))
    assert len(access.checked_uploads(files, Settings(max_uploads=3))) == 3
    with pytest.raises(InputError, match="最多上传 2 个"):
        access.checked_uploads(files, Settings(max_uploads=2))
    big = tmp_path / "big.docx"
    big.write_bytes(b"x" * (1024 * 1024 + 1))
    with pytest.raises(InputError, match="超过 1 MB"):
        access.checked_uploads([str(big)], Settings(max_upload_mb=1))
    script = tmp_path / "run.exe"
    script.write_bytes(b"MZ")
    with pytest.raises(InputError, match="不支持的文件类型"):
        access.checked_uploads([str(script)], Settings())


def _zip(members: dict[str, bytes], *, gbk: bool = False) -> bytes:
    """A zip; with ``gbk`` the names are raw GBK bytes without the UTF-8 flag, as Chinese Windows writes."""
    buf = io.BytesIO()
    placeholders = {}
    with zipfile.ZipFile(buf, "w") as zf:
        for i, (name, data) in enumerate(members.items()):
            stored = name
            if gbk:
                raw = name.encode("gbk")
                stored = f"{i:02d}".ljust(len(raw), "X")  # ascii of the same length, patched below
                placeholders[stored.encode()] = raw
            zf.writestr(zipfile.ZipInfo(stored), data)
    data = buf.getvalue()
    for placeholder, raw in placeholders.items():
        data = data.replace(placeholder, raw)
    return data


TRAVERSAL = [
    "../../evil.md",
    "/etc/cron.d/evil.md",
    "..\\..\\windows\\evil.md",
    "a/../../../evil.md",
    "C:/Users/evil.md",
    "./.hidden.md",
]


def test_zip_members_cannot_escape_the_work_folder(tmp_path: Path) -> None:
    upload = tmp_path / "upload" / "批次.zip"
    upload.parent.mkdir()
    upload.write_bytes(
        _zip({name: b"# x" for name in TRAVERSAL} | {"子目录/申报书.md": b"# y", "evil.md": b"# z"})
    )
    work = tmp_path / "work" / "inner"
    work.mkdir(parents=True)
    out = access.expand_uploads([upload], work)
    assert out and all(p.parent == work for p in out)  # flat, inside the work folder
    assert sorted(p.name for p in work.iterdir()) == sorted(p.name for p in out)
    assert not list((tmp_path / "work").glob("*.md")) and not (tmp_path / "evil.md").exists()
    assert "子目录_申报书.md" in [p.name for p in out]
    # The hidden file is skipped; the rest — two of them clean to evil.md — are all kept.
    assert len(out) == len(TRAVERSAL) - 1 + 2 and "evil-2.md" in [p.name for p in out]


def test_uploaded_file_names_are_sanitised(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    hostile = source / "..申报书 (终稿)；rm -rf.md"
    hostile.write_text("# x", encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    [copied] = access.expand_uploads([hostile], work)
    assert copied.parent == work and copied.suffix == ".md"
    assert not any(ch in copied.name for ch in " ;；()/\\") and not copied.name.startswith(".")


def test_gbk_names_in_zips_from_chinese_windows_are_decoded(tmp_path: Path) -> None:
    upload = tmp_path / "批次.zip"
    upload.write_bytes(_zip({"南昌/赣江精工申报书.md": b"# x"}, gbk=True))
    work = tmp_path / "work"
    work.mkdir()
    assert [p.name for p in access.expand_uploads([upload], work)] == ["南昌_赣江精工申报书.md"]


def test_hostile_zips_are_refused_in_chinese(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    many = tmp_path / "many.zip"
    many.write_bytes(_zip({f"{i}.md": b"x" for i in range(6)}))
    with pytest.raises(InputError, match="文件过多"):
        access.expand_uploads([many], work, Settings(max_uploads=5))
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.md", b" " * (3 * 1024 * 1024))
    with pytest.raises(InputError, match="解压后过大"):
        access.expand_uploads([bomb], work, Settings(max_unzipped_mb=2))
    broken = tmp_path / "broken.zip"
    broken.write_bytes(_zip({"a.md": b"x" * 1000})[:-30])
    with pytest.raises(InputError, match="zip"):
        access.expand_uploads([broken], work)
    encrypted = tmp_path / "locked.zip"
    raw = bytearray(_zip({"a.md": b"x"}))
    for sig, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = raw.find(sig)
        raw[i + at] |= 0x01
    encrypted.write_bytes(bytes(raw))
    with pytest.raises(InputError, match="密码"):
        access.expand_uploads([encrypted], work)


# ---- one user's projects ------------------------------------------------------------------------------------------


def test_one_users_projects_are_invisible_to_another(tmp_path: Path) -> None:
    data = tmp_path / "data"
    alice, bob = ProjectStore(data, "alice"), ProjectStore(data, "bob")
    project = alice.create("alice 的项目")
    assert [pid for pid, _, _ in alice.list()] == [project.id]
    assert bob.list() == []
    with pytest.raises(InputError, match="找不到该项目"):
        bob.load(project.id)
    with pytest.raises(InputError, match="其他用户"):
        bob.save(project)
    assert alice.load(project.id).name == "alice 的项目"


@pytest.mark.parametrize("project_id", ["../alice/0123456789ab", "0123456789ab/../../x", "", "ABCDEF012345"])
def test_project_ids_cannot_walk_the_file_system(tmp_path: Path, project_id: str) -> None:
    with pytest.raises(InputError, match="项目编号无效"):
        ProjectStore(tmp_path, "bob").load(project_id)


def test_user_names_that_clean_alike_get_separate_folders(tmp_path: Path) -> None:
    stores = [ProjectStore(tmp_path, name) for name in ("张 三", "张_三", "张三", "../张三", "local")]
    roots = [s.root for s in stores]
    assert len(set(roots)) == len(roots)
    assert all(r.parent == tmp_path / "projects" for r in roots)


def test_requests_without_login_share_the_local_store() -> None:
    class Request:
        username = None

    class Logged:
        username = "张 三"

    assert access.user_of(None) == access.user_of(Request()) == "local"
    assert access.user_of(Logged()) == "张 三"  # kept as is; ProjectStore makes the folder safe


# ---- secrets --------------------------------------------------------------------------------------------------------


def test_the_api_key_is_never_shown(tmp_path: Path) -> None:
    settings = Settings(
        openai_api_key=KEY, llm_model="deepseek-chat", openai_base_url="http://127.0.0.1:9/v1"
    )
    shown = " ".join(settings.masked().values())
    assert KEY not in shown and KEY[4:-3] not in shown
    assert KEY not in views.banner(settings) and "deepseek-chat" in views.banner(settings)
    assert KEY not in repr(settings) and KEY not in settings.model_dump_json()


def test_assistant_config_never_prints_the_key(tmp_path: Path) -> None:
    import os

    env = dict(os.environ, OPENAI_API_KEY=KEY, ASSISTANT_LLM_MODEL="m", COLUMNS="300")
    result = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "config"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env=env,
    )
    assert result.returncode == 0 and "openai_api_key" in result.stdout
    assert KEY not in result.stdout + result.stderr and KEY[4:-3] not in result.stdout


# ---- user text shown in the UI is inert ---------------------------------------------------------------------------

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>![跟踪](http://evil.example/p.png)[点我](javascript:alert(3))"


def test_draft_header_and_findings_show_user_text_inert() -> None:
    scene = Scene(
        domain="生产作业",
        link="质量管控",
        scene="在线智能检测",
        instance=HOSTILE,
        parts=SceneParts(成效="字" * 320),
        questions=[HOSTILE],
    )
    header = views.draft_header(scene)
    findings = views.findings_markdown(scene)
    for shown in (header, findings):
        assert "<script" not in shown and "<img" not in shown and "](" not in shown
    assert "&lt;script&gt;" in header  # still visible to the writer, as text


def test_review_tables_carry_text_not_markup() -> None:
    """Dataframe cells are plain strings (Gradio shows them as text); the inert helper is total."""
    finding = Finding(rule="r", severity=Severity.error, message=HOSTILE, clause="附件1")
    assert isinstance(finding.message, str)
    assert views.inert(HOSTILE).count("&lt;") == 3 and "[" not in views.inert(HOSTILE)
