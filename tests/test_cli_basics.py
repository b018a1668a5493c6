"""The everyday commands, run as a user runs them: a real subprocess, exit codes, one-line errors."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ASSISTANT = [sys.executable, "-m", "assistant.cli"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ASSISTANT, *args], capture_output=True, text=True, timeout=60, env=env)


def test_help_works_without_key_or_index() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert "count" in result.stdout and "config" in result.stdout


def test_count_text_json() -> None:
    result = run("count", "OEE由65%提升至82%。", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["字数"] == 8


def test_count_reads_a_docx(tmp_path: Path) -> None:
    import docx

    doc = docx.Document()
    doc.add_paragraph("效率提升30%")
    table = doc.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "MES/ERP/WMS"
    table.cell(0, 1).text = "2024年"
    path = tmp_path / "a.docx"
    doc.save(str(path))
    result = run("count", str(path), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["字数"] == 5 + 1 + 2


def test_count_reads_gbk_text(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes("一次合格率提升三成".encode("gbk"))
    result = run("count", str(path), "--json")
    assert json.loads(result.stdout)["字数"] == 9


BAD_FILES = [
    ("missing.txt", None, "找不到文件"),
    ("empty.txt", b"", "文件是空的"),
    ("bin.txt", bytes(range(256)) * 4, "不是文本文件"),
    ("bad.docx", b"PK\x03\x04 not really a zip", "不是有效的 .docx"),
    # A .doc is converted by LibreOffice now; a broken one says so
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "无法用 LibreOffice 转换"),
    ("renamed.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "无法用 LibreOffice 转换"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES)
def test_count_bad_input_is_one_chinese_line_and_exit_2(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = run("count", str(path))
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_count_empty_text_is_an_input_error() -> None:
    result = run("count", "   ")
    assert result.returncode == 2 and "内容为空" in result.stderr


def test_config_masks_the_key_and_says_online(tmp_path: Path) -> None:
    import os

    env = dict(
        os.environ,
        OPENAI_API_KEY="sk-secret-abcdef123456",
        ASSISTANT_LLM_MODEL="deepseek-chat",
        OPENAI_BASE_URL="http://127.0.0.1:9/v1",
        COLUMNS="200",
    )
    result = run("config", env=env)
    assert result.returncode == 0
    assert "sk-secret-abcdef123456" not in result.stdout
    assert "在线模式" in result.stdout and "deepseek-chat" in result.stdout


def test_config_says_offline_without_endpoint() -> None:
    result = run("config")
    assert result.returncode == 0 and "离线模式" in result.stdout


def test_text_cut_mid_character_is_still_counted() -> None:
    cut = "效率提升30%".encode()[:-1] + "效率".encode()[:4]  # the last character is cut in two
    proc = subprocess.run(
        [*ASSISTANT, "count", os.fsdecode(cut), "--json"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["字数"] >= 5 and "内部错误" not in proc.stderr


def test_search_on_a_fresh_data_dir_builds_the_index_first(tmp_path: Path) -> None:
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(tmp_path / "fresh")}
    result = run("search", "推荐名额有多少", "-k", "1", "--json", env=env)
    assert result.returncode == 0, result.stderr
    assert "首次使用" in result.stderr
    hits = json.loads(result.stdout)
    assert hits and hits[0]["citation"]


def test_the_app_prints_its_options_and_listens_on_the_port_it_is_given(tmp_path: Path) -> None:
    """A newcomer's `app.py --help` started the server, and `--port 7931` was ignored."""
    import socket
    import time
    import urllib.request

    app = str(Path(__file__).resolve().parents[1] / "app.py")
    shown = subprocess.run([sys.executable, app, "--help"], capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0 and "--port" in shown.stdout and "端口" in shown.stdout
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(tmp_path / "data"), "OPENAI_API_KEY": ""}
    env.pop("GRADIO_SERVER_PORT", None)
    server = subprocess.Popen([sys.executable, app, "--port", str(port)], env=env, stdout=subprocess.PIPE)
    try:
        deadline, status = time.monotonic() + 120, None
        while time.monotonic() < deadline and status is None:
            try:
                status = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).status
            except OSError:
                time.sleep(1)
        assert status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
