"""Knowledge base: chunking, merged Word cells, incremental and crash-safe indexing, hybrid search, mapping."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest

from assistant.config import Settings
from assistant.docx_io.tables import read_grid
from assistant.errors import ConfigError
from assistant.knowledge.chunking import chunk_document
from assistant.knowledge.index import build_index, read_manifest
from assistant.knowledge.loaders import load_document
from assistant.knowledge.mapping import map_description
from assistant.knowledge.retriever import KnowledgeBase
from assistant.paths import DOCUMENTS_DIR


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One index of the shipped corpus, built once; tests that change it work on a copy."""
    data = tmp_path_factory.mktemp("kb") / "data"
    result = build_index(Settings(data_dir=data))
    assert result.embedded == result.chunks > 50
    return data


@pytest.fixture
def index_copy(built_index: Path, tmp_path: Path) -> Settings:
    data = tmp_path / "kb-copy"
    shutil.copytree(built_index, data)
    return Settings(data_dir=data)


def make_table_docx(path: Path, extra: str = "") -> None:
    doc = docx.Document()
    doc.add_heading("一、设备点检制度", level=1)
    doc.add_paragraph("（一）点检要求")
    table = doc.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "设备"
    table.cell(0, 1).text = "点检周期"
    table.cell(0, 2).text = "负责人"
    merged = table.cell(1, 0).merge(table.cell(2, 0))
    merged.text = "真空熔炼炉"
    table.cell(1, 1).text = "每班一次"
    table.cell(2, 1).text = "每周润滑"
    table.cell(1, 2).merge(table.cell(2, 2)).text = "钟工程师"
    doc.add_paragraph(f"熔炼炉坩埚寿命监测用于预测更换周期。{extra}")
    doc.save(str(path))


def test_annex1_chunks_carry_their_outline_path() -> None:
    chunks = chunk_document(load_document(DOCUMENTS_DIR / "annex1-requirements.txt"))
    by_path = {" › ".join(c.heading_path): c for c in chunks}
    assert "6 › (2)生产管理" in by_path
    assert "计划排产" in by_path["6 › (2)生产管理"].text
    assert by_path["6 › (2)生产管理"].citation == "附件1 先进级智能工厂要素条件 › 6 › (2)生产管理"
    assert any(path.startswith("注：") and "[2]" in path for path in by_path)


def test_vertical_table_labels_are_joined(tmp_path: Path) -> None:
    chunks = chunk_document(load_document(DOCUMENTS_DIR / "annex2-application-template.txt"))
    assert any("企业简介" in c.text and "不超过500字" in c.text for c in chunks)


def test_merged_cells_come_from_grid_span_and_vmerge(tmp_path: Path) -> None:
    path = tmp_path / "t.docx"
    doc = docx.Document()
    table = doc.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "联系人"
    table.cell(0, 2).text = "张三"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "利润"
    table.cell(1, 1).text = "是"
    table.cell(1, 2).text = "是"  # same text as its neighbour, but a different cell
    doc.save(str(path))
    grid = read_grid(docx.Document(str(path)).tables[0])
    assert [(c.text, c.colspan) for c in grid[0].cells] == [("联系人", 2), ("张三", 1)]
    assert grid[1].cells[0] is grid[2].cells[0] and grid[1].cells[0].rowspan == 2
    assert [c.text for c in grid[1].cells] == ["利润", "是", "是"]
    assert grid[1].cells[1] is not grid[1].cells[2]


def test_hybrid_search_cites_the_clause(built_index: Path) -> None:
    kb = KnowledgeBase(Settings(data_dir=built_index))
    hits = kb.search("生产管理涵盖哪几个环节", k=5)
    assert any("计划调度、仓储物流、安全管控、能碳管理、环保管理" in h.chunk.text for h in hits[:3])
    top = hits[0]
    assert top.citation.startswith("附件1") and top.bm25_score is not None and top.dense_score is not None


def test_search_methods_differ_and_report_their_own_scores(built_index: Path) -> None:
    kb = KnowledgeBase(Settings(data_dir=built_index))
    bm25 = kb.search("成熟度 二级", method="bm25")
    dense = kb.search("成熟度 二级", method="dense")
    assert all(h.dense_score is None for h in bm25) and all(h.bm25_score is None for h in dense)


def test_map_puts_machine_vision_under_quality(built_index: Path) -> None:
    kb = KnowledgeBase(Settings(data_dir=built_index))
    (first, *_) = map_description(kb, "我们用机器视觉在线检测外观缺陷", top=3)
    assert (first.domain, first.link, first.scene) == ("生产作业", "质量管控", "在线智能检测")
    assert not first.verified and "未核实" in first.citation


def test_adding_a_docx_reindexes_only_it_and_makes_its_table_searchable(index_copy: Settings) -> None:
    folder = index_copy.data_dir / "documents"
    folder.mkdir(parents=True)
    make_table_docx(folder / "点检制度.docx")
    result = build_index(index_copy)
    assert 0 < result.embedded <= 3 and result.reused > 50
    kb = KnowledgeBase(index_copy)
    hits = kb.search("真空熔炼炉多久点检一次", k=3)
    top = hits[0]
    assert top.chunk.source == "点检制度.docx"
    assert "真空熔炼炉 | 每班一次 | 钟工程师" in top.chunk.text
    assert "每周润滑" in top.chunk.text and top.chunk.text.count("真空熔炼炉") == 1
    assert top.citation.endswith("一、设备点检制度 › （一）点检要求")

    # An unchanged re-run embeds nothing; a deleted file leaves the index.
    assert build_index(index_copy).embedded == 0
    (folder / "点检制度.docx").unlink()
    result = build_index(index_copy)
    assert result.removed_files == ["点检制度.docx"]
    assert all(
        h.chunk.source != "点检制度.docx" for h in KnowledgeBase(index_copy).search("真空熔炼炉点检", k=10)
    )


def test_unreadable_files_are_skipped_with_a_reason(index_copy: Settings) -> None:
    folder = index_copy.data_dir / "documents"
    folder.mkdir(parents=True)
    (folder / "坏文件.docx").write_bytes(b"not a zip")
    (folder / "空文件.txt").write_bytes(b"")
    result = build_index(index_copy)
    assert any(line.startswith("坏文件.docx：") and "不是有效的 .docx" in line for line in result.skipped)
    assert any(line.startswith("空文件.txt：") for line in result.skipped)


def test_an_interrupted_build_leaves_the_previous_index_usable(
    index_copy: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = read_manifest(index_copy)
    folder = index_copy.data_dir / "documents"
    folder.mkdir(parents=True)
    make_table_docx(folder / "新文件.docx")

    from assistant.knowledge import embeddings

    def boom(self, texts):
        raise KeyboardInterrupt

    monkeypatch.setattr(embeddings.E5Embeddings, "embed_documents", boom)
    with pytest.raises(KeyboardInterrupt):
        build_index(index_copy)
    assert read_manifest(index_copy) == before
    hits = KnowledgeBase(index_copy).search("成熟度评估水平", k=3)
    assert hits and hits[0].chunk.source == "annex1-requirements.txt"


def test_an_index_built_with_another_embedding_model_asks_for_a_rebuild(index_copy: Settings) -> None:
    path = index_copy.data_dir / "index" / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["embedding_model"] = "some/other-model"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ConfigError, match="请运行 assistant index 重建索引"):
        KnowledgeBase(index_copy)
    result = build_index(index_copy)
    assert "已重建全部索引" in result.rebuilt_reason and result.reused == 0


def test_no_index_yet_is_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="assistant index"):
        KnowledgeBase(Settings(data_dir=tmp_path / "empty"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_same_code_runs_against_a_chroma_server(tmp_path: Path) -> None:
    chroma = Path(sys.executable).parent / "chroma"
    assert chroma.exists(), "chromadb's `chroma` CLI should be installed with the package"
    port = _free_port()
    server = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        settings = Settings(data_dir=tmp_path / "data", chroma_url=f"http://127.0.0.1:{port}")
        result = build_index(settings)
        assert result.chunks > 50
        assert not (tmp_path / "data" / "chroma").exists()  # vectors went to the server
        hits = KnowledgeBase(settings).search("推荐名额", k=3)
        assert any("不多于4个" in h.chunk.text for h in hits)
    finally:
        server.terminate()
        server.wait(timeout=10)
