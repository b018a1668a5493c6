"""Shared fixtures: an isolated data directory per test and a guard against real network calls."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

_LOOPBACK = ("127.", "localhost", "::1")
# Read at import, before the autouse fixture below clears them: the endpoint of a `-m live` run.
_LIVE_ENV = {k: os.environ.get(k) for k in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ASSISTANT_LLM_MODEL")}
_REAL_CONNECT = socket.socket.connect


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data dir and no LLM endpoint unless it sets one (pointing at 127.0.0.1)."""
    data = tmp_path / "data"
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(data))
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ASSISTANT_LLM_MODEL", "ASSISTANT_CHROMA_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # keeps a developer's .env out of the tests
    return data


@pytest.fixture(autouse=True)
def no_remote_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any connection to a non-loopback address fails the test: tests never reach a hosted API."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else str(address)
        if isinstance(host, str) and not host.startswith(_LOOPBACK) and self.family != socket.AF_UNIX:
            raise RuntimeError(f"test tried to reach {host}: tests must stay on 127.0.0.1")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def shipped_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir holding the index of the shipped corpus, built once per run; tests only read it."""
    from assistant.config import Settings
    from assistant.knowledge.index import build_index

    data = tmp_path_factory.mktemp("shipped-index") / "data"
    result = build_index(Settings(data_dir=data))
    assert result.embedded == result.chunks > 50
    return data


@pytest.fixture
def live_settings(monkeypatch: pytest.MonkeyPatch):
    """Settings for the real endpoint of a `-m live` run; the only way a test may leave 127.0.0.1."""
    from assistant.config import Settings

    if not (
        _LIVE_ENV["ASSISTANT_LLM_MODEL"] and (_LIVE_ENV["OPENAI_API_KEY"] or _LIVE_ENV["OPENAI_BASE_URL"])
    ):
        pytest.skip("未配置真实模型（OPENAI_BASE_URL / OPENAI_API_KEY / ASSISTANT_LLM_MODEL）")
    monkeypatch.setattr(socket.socket, "connect", _REAL_CONNECT)
    return Settings(
        openai_api_key=_LIVE_ENV["OPENAI_API_KEY"],
        openai_base_url=_LIVE_ENV["OPENAI_BASE_URL"],
        llm_model=_LIVE_ENV["ASSISTANT_LLM_MODEL"],
    )


@pytest.fixture
def libreoffice_docx(tmp_path: Path) -> Callable[[Path], Path]:
    """Converts a file (.html, .docx, .odt…) with LibreOffice: to a .docx it wrote, not python-docx, or a .pdf."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is installed by `make test` (scripts/system-deps.sh)"

    def convert(source: Path, to: str = "docx") -> Path:
        out = tmp_path / "lo-out"
        target = "docx:MS Word 2007 XML" if to == "docx" else to
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                str(out),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        made = out / f"{source.stem}.{to}"
        if to == "docx":
            assert b"LibreOffice" in zipfile.ZipFile(made).read("docProps/app.xml")
        return made

    return convert
