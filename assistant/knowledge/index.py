"""Building the index: chunks embedded into a Chroma collection, recorded in a manifest.

Each build writes a new collection and only then switches the manifest to it (an atomic file
replace), so a failed or interrupted run leaves the previous index usable. Only files whose
content hash changed are re-chunked and re-embedded; the rest reuse their stored vectors.
The embedding model is recorded; a different model forces a full rebuild.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.errors import ConfigError, InputError
from assistant.knowledge.chunking import GUIDE_SOURCE, Chunk, chunk_document, scene_chunks
from assistant.knowledge.embeddings import get_embeddings
from assistant.knowledge.loaders import LOADABLE_SUFFIXES, load_document
from assistant.paths import SCENES_FILE
from assistant.scenes import load_scene_table
from assistant.storage import atomic_write_json, atomic_write_text

MANIFEST_VERSION = 1
# Bump when loading or chunking changes: every file is re-chunked (vectors of unchanged chunks are still reused).
CHUNKER_VERSION = 4
EMBED_BATCH = 32
Progress = Callable[[str, int, int], None]


@dataclass
class IndexResult:
    chunks: int
    files: int
    embedded: int
    reused: int
    removed_files: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "file：reason", in Chinese
    rebuilt_reason: str = ""
    seconds: float = 0.0
    extra_dirs: list[Path] = field(default_factory=list)  # the user's folders now in the index


def _folders(
    manifest: dict[str, Any] | None, extra_dirs: Iterable[Path], forget_dirs: Iterable[Path]
) -> tuple[list[Path], list[Path]]:
    """The user's own folders to index: those remembered from earlier runs plus the new ones, less
    the forgotten; a plain ``assistant index`` keeps what ``assistant index DIR`` once added.
    Returns (folders, remembered folders that no longer exist)."""
    forget = {folder.resolve() for folder in forget_dirs}
    remembered = [Path(p) for p in (manifest or {}).get("extra_dirs", [])]
    folders: list[Path] = []
    gone: list[Path] = []
    for folder in [*remembered, *(f.resolve() for f in extra_dirs)]:
        if folder in forget or folder in folders or folder in gone:
            continue
        (folders if folder.is_dir() else gone).append(folder)
    return folders, gone


def index_dir(settings: Settings) -> Path:
    return settings.data_dir / "index"


def manifest_path(settings: Settings) -> Path:
    return index_dir(settings) / "manifest.json"


def user_documents_dir(settings: Settings) -> Path:
    """Where the app saves documents users add (the official guide, past applications…)."""
    return settings.data_dir / "documents"


def source_dirs(settings: Settings) -> list[Path]:
    return [settings.corpus_dir / "documents", user_documents_dir(settings)]


def storage_location(settings: Settings) -> str:
    """Where the vectors live, as recorded in the manifest: "local" or the server URL."""
    from assistant.redact import mask_url

    # Recorded and shown: credentials in the URL are not.
    return mask_url(settings.chroma_url).rstrip("/") if settings.chroma_url else "local"


def chroma_client(settings: Settings):
    """A Chroma client: an HTTP client when ASSISTANT_CHROMA_URL is set, else on-disk storage."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        from urllib.parse import urlparse

        url = urlparse(settings.chroma_url)
        if not url.hostname:
            raise ConfigError(f"ASSISTANT_CHROMA_URL 不是有效地址：{storage_location(settings)}")
        try:
            return chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as err:
            raise ConfigError(
                f"无法连接 Chroma 服务器 {storage_location(settings)}（ASSISTANT_CHROMA_URL）：{err}"
            ) from err
    path = settings.data_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def read_manifest(settings: Settings) -> dict[str, Any] | None:
    path = manifest_path(settings)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None
    return data if data.get("version") == MANIFEST_VERSION else None


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def discover_files(dirs: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for folder in dirs:
        if folder.is_dir():
            files += [
                p
                for p in sorted(folder.rglob("*"))
                if p.is_file()
                and p.suffix.lower() in LOADABLE_SUFFIXES
                and not p.name.startswith((".", "~$"))
            ]
    return files


def _without_name(message: str, name: str) -> str:
    """Reader errors name the file themselves; the skip line already starts with it."""
    message = message.strip()
    if message.startswith(name):
        message = message[len(name) :].lstrip(" ：:，,")
    if message.endswith(name):
        message = message[: -len(name)].rstrip(" ：:，,")
    return message or "无法读取"


def _key(path: Path) -> str:
    return str(path.resolve())


def build_index(
    settings: Settings,
    progress: Progress | None = None,
    *,
    force: bool = False,
    extra_dirs: Iterable[Path] = (),
    forget_dirs: Iterable[Path] = (),
) -> IndexResult:
    started = time.perf_counter()
    report = progress or (lambda stage, done, total: None)
    embedder, model_id = get_embeddings(settings)
    old = read_manifest(settings)
    dirs, gone = _folders(old, extra_dirs, forget_dirs)
    result = IndexResult(chunks=0, files=0, embedded=0, reused=0, extra_dirs=dirs)
    result.skipped += [f"{folder}：文件夹已不存在，不再索引" for folder in gone]
    if old and old.get("embedding_model") != model_id:
        result.rebuilt_reason = f"嵌入模型已由 {old.get('embedding_model')} 变为 {model_id}，已重建全部索引"
        old = None
    if force:
        old = None
    old_files: dict[str, dict[str, Any]] = (old or {}).get("files", {})
    if old and old.get("chunker_version") != CHUNKER_VERSION:
        old_files = {k: {**v, "sha256": ""} for k, v in old_files.items()}
    old_chunks = {c["id"]: c for c in (old or {}).get("chunks", [])}

    files = discover_files([*source_dirs(settings), *dirs])
    new_files: dict[str, dict[str, Any]] = {}
    chunks: list[Chunk] = []
    report("读取文档", 0, len(files) + 1)
    for i, path in enumerate(files, 1):
        key = _key(path)
        try:
            digest = _file_hash(path)
            if key in old_files and old_files[key]["sha256"] == digest:
                ids = old_files[key]["chunks"]
                file_chunks = [
                    Chunk.from_metadata(cid, old_chunks[cid]["text"], old_chunks[cid]["meta"]) for cid in ids
                ]
            else:
                file_chunks = chunk_document(load_document(path))
        except InputError as err:
            result.skipped.append(f"{path.name}：{_without_name(str(err), path.name)}")
            continue
        except OSError as err:
            result.skipped.append(f"{path.name}：无法读取（{err.strerror or err}）")
            continue
        except Exception as err:
            # One odd file (a parser bug, a format quirk) must not stop the whole corpus from indexing.
            if settings.debug:
                raise
            result.skipped.append(f"{path.name}：无法解析（{type(err).__name__}：{err}）")
            continue
        new_files[key] = {"sha256": digest, "name": path.name, "chunks": [c.id for c in file_chunks]}
        chunks += file_chunks
        report("读取文档", i, len(files) + 1)
    guide_digest = _file_hash(SCENES_FILE)
    guide_chunks = scene_chunks(load_scene_table(SCENES_FILE))
    new_files[GUIDE_SOURCE] = {
        "sha256": guide_digest,
        "name": GUIDE_SOURCE,
        "chunks": [c.id for c in guide_chunks],
    }
    chunks += guide_chunks
    report("读取文档", len(files) + 1, len(files) + 1)
    # A file that moved with its content (a corpus folder copied elsewhere) was not removed.
    present = {(v["name"], v["sha256"]) for v in new_files.values()}
    result.removed_files = [
        v["name"]
        for k, v in old_files.items()
        if k not in new_files and (v["name"], v["sha256"]) not in present
    ]

    # Same text at the same place gives the same id; keep one of each.
    unique: dict[str, Chunk] = {}
    for chunk in chunks:
        unique.setdefault(chunk.id, chunk)
    chunks = list(unique.values())

    client = chroma_client(settings)
    old_collection = (old or {}).get("collection")
    reuse_vectors: dict[str, list[float]] = {}
    if old_collection:
        try:
            stored = client.get_collection(old_collection).get(
                ids=[c.id for c in chunks if c.id in old_chunks], include=["embeddings"]
            )
            reuse_vectors = {
                cid: list(vec) for cid, vec in zip(stored["ids"], stored["embeddings"], strict=True)
            }
        except Exception:
            reuse_vectors = {}  # the old collection is gone or unreadable: embed everything again

    collection_name = (
        f"kb_{time.strftime('%Y%m%d%H%M%S')}_{hashlib.sha1(str(time.time_ns()).encode()).hexdigest()[:6]}"
    )
    collection = client.create_collection(collection_name, metadata={"hnsw:space": "cosine"})
    try:
        to_embed = [c for c in chunks if c.id not in reuse_vectors]
        vectors = dict(reuse_vectors)
        report("生成向量", 0, len(to_embed))
        for start in range(0, len(to_embed), EMBED_BATCH):
            batch = to_embed[start : start + EMBED_BATCH]
            for chunk, vec in zip(
                batch, embedder.embed_documents([c.embed_text for c in batch]), strict=True
            ):
                vectors[chunk.id] = vec
            report("生成向量", min(start + EMBED_BATCH, len(to_embed)), len(to_embed))
        for start in range(0, len(chunks), 256):
            batch = chunks[start : start + 256]
            collection.add(
                ids=[c.id for c in batch],
                embeddings=[vectors[c.id] for c in batch],
                documents=[c.text for c in batch],
                metadatas=[c.metadata() for c in batch],
            )
        snapshot = _write_vector_snapshot(settings, collection_name, [vectors[c.id] for c in chunks])
        manifest = {
            "version": MANIFEST_VERSION,
            "vectors": snapshot,
            "vocabulary": _write_vocabulary(settings, collection_name, chunks),
            "embedding_model": model_id,
            "chunker_version": CHUNKER_VERSION,
            "collection": collection_name,
            "chroma": storage_location(settings),
            "built_at": time.strftime("%Y-%m-%d %H:%M:%S"),
            "files": new_files,
            "extra_dirs": [str(folder) for folder in dirs],
            "chunks": [{"id": c.id, "text": c.text, "meta": c.metadata()} for c in chunks],
        }
        atomic_write_json(manifest_path(settings), manifest)
    except BaseException:
        _drop_collection(client, collection_name)
        raise
    if old_collection and old_collection != collection_name:
        _drop_collection(client, old_collection)
    if not settings.chroma_url:  # on a shared server other indexes may live beside ours
        _drop_stale_collections(client, keep=collection_name)
    result.chunks = len(chunks)
    result.files = len(new_files)
    result.embedded = len(to_embed)
    result.reused = len(chunks) - len(to_embed)
    result.seconds = time.perf_counter() - started
    return result


def _write_vector_snapshot(settings: Settings, collection: str, rows: list[list[float]]) -> str | None:
    """The vectors again as one .npy beside the manifest, rows in manifest order: a query in a fresh
    process (the CLI) then ranks with numpy instead of importing and opening Chroma, which took most
    of a cold `assistant map`. Only for local storage: a server's vectors stay on the server."""
    if settings.chroma_url or not rows:
        return None
    import numpy as np

    name = f"vectors-{collection}.npy"
    matrix = np.asarray(rows, dtype=np.float32)
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)  # cosine = dot product
    tmp = index_dir(settings) / f".{name}.tmp"
    tmp.parent.mkdir(parents=True, exist_ok=True)
    with tmp.open("wb") as fh:
        np.save(fh, matrix)
    tmp.replace(index_dir(settings) / name)
    for old in index_dir(settings).glob("vectors-*.npy"):
        if old.name != name:
            old.unlink(missing_ok=True)
    return name


def _write_vocabulary(settings: Settings, collection: str, chunks: list[Chunk]) -> str:
    """The words of the indexed texts as a jieba dictionary (tokenize.vocabulary): querying loads it
    instead of jieba's full dictionary."""
    from assistant.knowledge.tokenize import vocabulary

    name = f"vocabulary-{collection}.txt"
    folder = index_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_text(folder / name, "\n".join(vocabulary([c.embed_text for c in chunks])) + "\n")
    for old in folder.glob("vocabulary-*.txt"):
        if old.name != name:
            old.unlink(missing_ok=True)
    return name


def _drop_collection(client, name: str) -> None:
    with contextlib.suppress(Exception):  # already gone; nothing depends on it
        client.delete_collection(name)


def _drop_stale_collections(client, keep: str) -> None:
    """Collections left behind by interrupted builds."""
    try:
        names = [c if isinstance(c, str) else c.name for c in client.list_collections()]
    except Exception:
        return
    for name in names:
        if name.startswith("kb_") and name != keep:
            _drop_collection(client, name)


FIRST_BUILD_NOTICE = "首次使用：正在为内置文档建立知识库索引（约半分钟，只需一次）…"


def ensure_index(
    settings: Settings, progress: Progress | None = None, announce: Callable[[str], None] | None = None
) -> IndexResult | None:
    """Build the index from the shipped corpus on first use, so a fresh clone works without a set-up step.
    Every front end calls this one function; ``announce`` tells the user why the first call takes a while."""
    if read_manifest(settings) is not None:
        return None
    if announce is not None:
        announce(FIRST_BUILD_NOTICE)
    return build_index(settings, progress)
