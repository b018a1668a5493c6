"""The knowledge base against a real Chroma server (`chroma run` on 127.0.0.1), through the same code.

The server comes from chromadb's own `chroma` CLI. If it cannot start, every test here fails with
the server's log — a broken server set-up must not pass as "skipped".
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.config import Settings, get_settings
from assistant.knowledge.index import build_index, read_manifest
from assistant.knowledge.retriever import KnowledgeBase
from assistant.paths import DOCUMENTS_DIR

STARTUP_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _log_tail(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-2000:] if log.exists() else "（无日志）"


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    chroma = Path(sys.executable).parent / "chroma"
    if not chroma.exists():
        pytest.fail(f"chromadb's `chroma` CLI is missing at {chroma}; reinstall the venv (make test)")
    root = tmp_path_factory.mktemp("chroma-server")
    log = root / "server.log"
    port = _free_port()
    # The server must never phone home from CI: product telemetry off, and no OTLP exporter.
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "OTEL_SDK_DISABLED": "true"}
    env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(chroma), "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(root / "db")],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if server.poll() is not None:
                pytest.fail(f"chroma run exited with {server.returncode} before answering:\n{_log_tail(log)}")
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"chroma run did not answer its heartbeat within {STARTUP_SECONDS} s:\n{_log_tail(log)}"
                )
            time.sleep(0.25)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)


@pytest.fixture(scope="module")
def server_env_vars(chroma_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Settings the way a user gives them: environment variables. The corpus is the notice and
    附件1 only (plus the scene table, always indexed) — the server path, not the corpus, is under test."""
    root = tmp_path_factory.mktemp("server-kb")
    (root / "corpus" / "documents").mkdir(parents=True)
    for name in ("notice.txt", "annex1-requirements.txt"):
        shutil.copy(DOCUMENTS_DIR / name, root / "corpus" / "documents" / name)
    return {
        "ASSISTANT_DATA_DIR": str(root / "data"),
        "ASSISTANT_CORPUS_DIR": str(root / "corpus"),
        "ASSISTANT_CHROMA_URL": chroma_url,
    }


@pytest.fixture(scope="module")
def server_index(server_env_vars: dict[str, str]) -> None:
    with pytest.MonkeyPatch.context() as mp:
        for name, value in server_env_vars.items():
            mp.setenv(name, value)
        mp.chdir(Path(server_env_vars["ASSISTANT_DATA_DIR"]).parent)  # away from a developer's .env
        result = build_index(get_settings())
    assert result.chunks > 50 and result.embedded == result.chunks and not result.skipped


@pytest.fixture
def server_env(
    server_index: None, server_env_vars: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Settings:
    for name, value in server_env_vars.items():
        monkeypatch.setenv(name, value)
    chroma_url = server_env_vars["ASSISTANT_CHROMA_URL"]
    settings = get_settings()
    assert settings.chroma_url == chroma_url
    return settings


def _client(url: str):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    host, port = url.removeprefix("http://").split(":")
    return chromadb.HttpClient(host=host, port=int(port), settings=ChromaSettings(anonymized_telemetry=False))


def _server_collections(url: str) -> list[str]:
    return [c if isinstance(c, str) else c.name for c in _client(url).list_collections()]


def test_vectors_live_on_the_server_and_search_cites_the_notice(server_env: Settings) -> None:
    manifest = read_manifest(server_env)
    assert manifest is not None and manifest["chroma"] == server_env.chroma_url
    assert manifest["collection"] in _server_collections(server_env.chroma_url or "")
    assert not (server_env.data_dir / "chroma").exists()  # nothing went to local storage

    hits = KnowledgeBase(server_env).search("推荐名额", k=3)
    assert any("不多于4个" in h.chunk.text for h in hits)
    assert all(h.citation for h in hits)
    assert any(h.dense_rank is not None for h in hits)  # the dense half really queried the server
    assert any(h.citation.startswith("2025年江西省先进级智能工厂推荐工作通知") for h in hits)


def test_cli_search_and_map_against_the_server(server_env: Settings) -> None:
    def run(*args: str) -> list[dict]:
        result = subprocess.run(
            [sys.executable, "-m", "assistant.cli", *args, "--json"],
            capture_output=True,
            text=True,
            env={**os.environ},  # carries ASSISTANT_DATA_DIR and ASSISTANT_CHROMA_URL set above
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    hits = run("search", "成熟度要达到几级")
    assert hits and hits[0]["citation"].startswith("附件1") and hits[0]["dense_score"] is not None
    (first, *_) = run("map", "仓库上了堆垛机立体库，出入库扫码", "--top", "2")
    assert first["link"] == "仓储物流" and first["citation"].endswith("（未核实）")


def test_reindexing_on_the_server_reuses_vectors_and_leaves_other_collections(server_env: Settings) -> None:
    url = server_env.chroma_url or ""
    _client(url).get_or_create_collection("another_app_index")  # a shared server holds others' data too
    before = read_manifest(server_env)

    result = build_index(server_env)

    assert result.embedded == 0 and result.reused == result.chunks
    after = read_manifest(server_env)
    names = _server_collections(url)
    assert after["collection"] != before["collection"] and after["collection"] in names
    assert before["collection"] not in names  # our superseded build is cleaned up
    assert "another_app_index" in names
    hits = KnowledgeBase(server_env).search("推荐名额", k=3)
    assert any("不多于4个" in h.chunk.text for h in hits)
