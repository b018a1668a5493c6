"""Settings follow their sources: cached between calls, rebuilt the moment a source changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import get_settings


def test_settings_follow_environment_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_MAX_UPLOADS", "7")
    assert get_settings().max_uploads == 7
    monkeypatch.setenv("ASSISTANT_MAX_UPLOADS", "9")
    assert get_settings().max_uploads == 9
    monkeypatch.setenv("ASSISTANT_LLM_MODEL", "qwen-plus")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    assert get_settings().llm_configured


def test_settings_follow_the_dotenv_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert get_settings().llm_model is None
    (tmp_path / ".env").write_text("ASSISTANT_LLM_MODEL=deepseek-chat\n", encoding="utf-8")
    assert get_settings().llm_model == "deepseek-chat"
