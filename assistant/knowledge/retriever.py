"""Hybrid retrieval: BM25 over jieba tokens + dense vectors in Chroma, fused by reciprocal rank.

Every hit carries its citation (document title + heading path), a snippet, and both component
scores and ranks, so users and evals can see why it ranked where it did.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from assistant.config import Settings
from assistant.errors import ConfigError
from assistant.knowledge.chunking import Chunk
from assistant.knowledge.embeddings import get_embeddings
from assistant.knowledge.index import chroma_client, index_dir, read_manifest, storage_location
from assistant.knowledge.tokenize import tokenize
from assistant.scenes import UNVERIFIED_MARK
from assistant.text.simplify import to_simplified

Method = Literal["hybrid", "bm25", "dense"]
SNIPPET_CHARS = 120


@dataclass
class Hit:
    chunk: Chunk
    score: float
    bm25_score: float | None = None
    dense_score: float | None = None
    bm25_rank: int | None = None
    dense_rank: int | None = None

    @property
    def citation(self) -> str:
        return self.chunk.citation

    @property
    def snippet(self) -> str:
        text = self.chunk.text.replace("\n", " ")
        return text if len(text) <= SNIPPET_CHARS else text[:SNIPPET_CHARS] + "…"

    def to_dict(self) -> dict:
        return {
            "citation": self.citation,
            "snippet": self.snippet,
            "text": self.chunk.text,
            "source": self.chunk.source,
            "kind": self.chunk.kind,
            "domain": self.chunk.domain,
            "link": self.chunk.link,
            "scene": self.chunk.scene,
            "scene_label": self.chunk.scene
            + ("" if self.chunk.verified or not self.chunk.scene else UNVERIFIED_MARK),
            "verified": self.chunk.verified,
            "score": round(self.score, 6),
            "bm25_score": None if self.bm25_score is None else round(self.bm25_score, 4),
            "dense_score": None if self.dense_score is None else round(self.dense_score, 4),
            "bm25_rank": self.bm25_rank,
            "dense_rank": self.dense_rank,
        }


def _where(location: str) -> str:
    return "本地数据目录" if location == "local" else f"Chroma 服务器 {location}"


class KnowledgeBase:
    """The built index, opened for querying. Create once and reuse: the first query loads the model."""

    def __init__(self, settings: Settings) -> None:
        manifest = read_manifest(settings)
        if manifest is None:
            raise ConfigError("知识库索引尚未建立，请先运行：assistant index")
        self.settings = settings
        self.embedder, model_id = get_embeddings(settings)
        if manifest["embedding_model"] != model_id:
            raise ConfigError(
                f"索引是用嵌入模型 {manifest['embedding_model']} 建立的，当前设置为 {model_id}；"
                "请运行 assistant index 重建索引"
            )
        stored_at, wanted = str(manifest.get("chroma", "local")).rstrip("/"), storage_location(settings)
        if stored_at != wanted:
            raise ConfigError(
                f"索引的向量存放在 {_where(stored_at)}，当前设置（ASSISTANT_CHROMA_URL）为 {_where(wanted)}；"
                "请运行 assistant index 在当前位置重建索引"
            )
        self.manifest = manifest
        self.chunks = [Chunk.from_metadata(c["id"], c["text"], c["meta"]) for c in manifest["chunks"]]
        self._by_id = {c.id: c for c in self.chunks}
        self._bm25 = None
        self._collection = None
        self._vectors = None  # the numpy snapshot once loaded; False when there is none
        vocab = manifest.get("vocabulary")
        path = index_dir(settings) / vocab if vocab else None
        # The index's own small dictionary (fast to load); jieba's full one when an older index has none.
        self._dictionary = str(path) if path and path.exists() else None

    # -- components ---------------------------------------------------------------------------
    def _bm25_index(self):
        if self._bm25 is None:
            import bm25s

            bm25 = bm25s.BM25()
            bm25.index(
                [tokenize(c.embed_text, self._dictionary) or ["∅"] for c in self.chunks], show_progress=False
            )
            self._bm25 = bm25
        return self._bm25

    def _chroma(self):
        if self._collection is None:
            client = chroma_client(self.settings)  # an unreachable server says so itself
            try:
                self._collection = client.get_collection(self.manifest["collection"])
            except Exception as err:
                raise ConfigError(f"索引数据不完整（{err}），请运行 assistant index --force 重建") from err
        return self._collection

    def bm25_ranking(self, query: str, kind: str | None = None) -> list[tuple[Chunk, float]]:
        tokens = tokenize(query, self._dictionary)
        if not tokens:
            return []
        scores = self._bm25_index().get_scores(tokens)
        ranked = [
            (c, float(s))
            for c, s in zip(self.chunks, scores, strict=True)
            if s > 0 and (kind is None or c.kind == kind)
        ]
        return sorted(ranked, key=lambda pair: pair[1], reverse=True)

    def _snapshot(self):
        """The manifest's vector snapshot (local storage only), or None to ask Chroma."""
        if self._vectors is None:
            self._vectors = False
            name = self.manifest.get("vectors")
            if name and storage_location(self.settings) == "local":
                import numpy as np

                try:
                    matrix = np.load(index_dir(self.settings) / name)
                except (OSError, ValueError):
                    matrix = None
                if matrix is not None and matrix.shape[0] == len(self.chunks):
                    self._vectors = matrix
        return self._vectors if self._vectors is not False else None

    def dense_ranking(self, query: str, kind: str | None = None, n: int = 50) -> list[tuple[Chunk, float]]:
        vector = self.embedder.embed_query(query)
        matrix = self._snapshot()
        if matrix is not None:
            import numpy as np

            q = np.asarray(vector, dtype=np.float32)
            scores = matrix @ (q / max(float(np.linalg.norm(q)), 1e-12))
            order = [i for i in np.argsort(-scores) if kind is None or self.chunks[i].kind == kind][:n]
            return [(self.chunks[i], float(scores[i])) for i in order]
        collection = self._chroma()
        n = min(n, collection.count())
        if n == 0:
            return []
        found = collection.query(
            query_embeddings=[vector],
            n_results=n,
            where={"kind": kind} if kind else None,
            include=["distances"],
        )
        ranked = []
        for cid, distance in zip(found["ids"][0], found["distances"][0], strict=True):
            if cid in self._by_id:
                ranked.append((self._by_id[cid], 1.0 - float(distance)))
        return ranked

    # -- the API --------------------------------------------------------------------------------
    def search(self, query: str, k: int = 5, method: Method = "hybrid", kind: str | None = None) -> list[Hit]:
        query = to_simplified(query.strip())
        if not query:
            return []
        hits: dict[str, Hit] = {}
        if method in ("hybrid", "bm25"):
            for rank, (chunk, score) in enumerate(self.bm25_ranking(query, kind), 1):
                hit = hits.setdefault(chunk.id, Hit(chunk=chunk, score=0.0))
                hit.bm25_score, hit.bm25_rank = score, rank
                hit.score += (self.settings.bm25_weight if method == "hybrid" else 1.0) / (
                    self.settings.rrf_k + rank
                )
        if method in ("hybrid", "dense"):
            for rank, (chunk, score) in enumerate(self.dense_ranking(query, kind), 1):
                hit = hits.setdefault(chunk.id, Hit(chunk=chunk, score=0.0))
                hit.dense_score, hit.dense_rank = score, rank
                hit.score += (self.settings.dense_weight if method == "hybrid" else 1.0) / (
                    self.settings.rrf_k + rank
                )
        return sorted(hits.values(), key=lambda h: h.score, reverse=True)[:k]
