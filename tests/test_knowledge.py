"""Knowledge base: chunking, merged Word cells, incremental and crash-safe indexing, hybrid search, mapping."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from langchain_core.embeddings import Embeddings
from typer.testing import CliRunner

from assistant.cli import app
from assistant.config import Settings
from assistant.docx_io.tables import read_grid
from assistant.errors import ConfigError
from assistant.knowledge.chunking import chunk_document
from assistant.knowledge.index import build_index, chroma_client, read_manifest
from assistant.knowledge.loaders import load_document
from assistant.knowledge.mapping import map_description
from assistant.knowledge.retriever import KnowledgeBase
from assistant.knowledge.tokenize import tokenize
from assistant.paths import DOCUMENTS_DIR
from assistant.requirements import load_requirements
from assistant.scenes import load_scene_table


@pytest.fixture(scope="session")
def built_index(shipped_index: Path) -> Path:
    """The shipped corpus's index (conftest), built once per run; tests that change it work on a copy."""
    return shipped_index


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


def test_a_document_is_titled_by_its_first_line_unless_that_is_a_section(tmp_path: Path) -> None:
    titled = tmp_path / "vendor.md"
    titled.write_text("智能仓储解决方案白皮书\n一、方案概述\n立体库与WMS。", encoding="utf-8")
    untitled = tmp_path / "往年申报书.md"
    untitled.write_text("一、企业概况\n公司成立于2008年。", encoding="utf-8")
    assert load_document(titled).title == "智能仓储解决方案白皮书"
    assert load_document(untitled).title == "往年申报书"
    (chunk,) = chunk_document(load_document(untitled))
    assert chunk.citation == "往年申报书 › 一、企业概况"


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
    # The first line is a section (一、…), not the document's name, so the file names it.
    assert top.citation == "点检制度 › 一、设备点检制度 › （一）点检要求"

    # An unchanged re-run embeds nothing; a deleted file leaves the index.
    assert build_index(index_copy).embedded == 0
    (folder / "点检制度.docx").unlink()
    result = build_index(index_copy)
    assert result.removed_files == ["点检制度.docx"]
    assert all(
        h.chunk.source != "点检制度.docx" for h in KnowledgeBase(index_copy).search("真空熔炼炉点检", k=10)
    )


def test_unreadable_files_are_skipped_with_a_reason(
    index_copy: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = index_copy.data_dir / "documents"
    folder.mkdir(parents=True)
    (folder / "坏文件.docx").write_bytes(b"not a zip")
    (folder / "空文件.txt").write_bytes(b"")
    (folder / "坏扫描件.pdf").write_bytes(b"%PDF-1.4\n garbage")
    (folder / "无权限.md").write_text("# 标题\n正文", encoding="utf-8")
    make_table_docx(folder / "好文件.docx")

    from assistant.knowledge import index as index_module

    real_hash = index_module._file_hash

    def locked(path: Path) -> str:
        if path.name == "无权限.md":  # tests run as root, so chmod cannot make a file unreadable
            raise PermissionError(13, "Permission denied", str(path))
        return real_hash(path)

    monkeypatch.setattr(index_module, "_file_hash", locked)
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(index_copy.data_dir))
    result = CliRunner().invoke(app, ["index"])

    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("已跳过")]
    assert len(lines) == 4, result.output
    by_file = {line.split()[1].split("：")[0]: line for line in lines}
    assert set(by_file) == {"坏文件.docx", "空文件.txt", "坏扫描件.pdf", "无权限.md"}
    assert "不是有效的 .docx" in by_file["坏文件.docx"]
    assert "文件是空的" in by_file["空文件.txt"]
    assert "不是有效的 PDF" in by_file["坏扫描件.pdf"]
    assert "无法读取（Permission denied）" in by_file["无权限.md"]
    assert "坏文件.docx：坏文件.docx" not in result.output  # the file is named once, then the reason
    # The readable file beside them was indexed.
    assert KnowledgeBase(index_copy).search("真空熔炼炉点检", k=1)[0].chunk.source == "好文件.docx"


def test_a_file_that_crashes_its_parser_is_skipped_not_fatal(
    index_copy: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = index_copy.data_dir / "documents"
    folder.mkdir(parents=True)
    (folder / "怪文件.md").write_text("# 标题\n正文", encoding="utf-8")
    from assistant.knowledge import index as index_module

    real_load = index_module.load_document

    def fragile(path: Path):
        if path.name == "怪文件.md":
            raise KeyError("w:val")
        return real_load(path)

    monkeypatch.setattr(index_module, "load_document", fragile)
    result = build_index(index_copy)
    assert result.skipped == ["怪文件.md：无法解析（KeyError：'w:val'）"]
    assert result.embedded == 0 and result.chunks > 50  # the rest of the corpus is still indexed
    with pytest.raises(KeyError):  # ASSISTANT_DEBUG shows internal errors instead of hiding them
        build_index(index_copy.model_copy(update={"debug": True}))


def test_a_changed_file_is_the_only_one_re_embedded(index_copy: Settings) -> None:
    folder = index_copy.data_dir / "documents"
    folder.mkdir(parents=True)
    make_table_docx(folder / "点检制度.docx")
    first = build_index(index_copy)
    make_table_docx(folder / "点检制度.docx", extra="坩埚更换后须记录炉号与批次。")

    result = build_index(index_copy)

    # Only the edited paragraph's chunk is new; the table chunk and the whole corpus keep their vectors.
    assert result.embedded == 1 and result.reused == first.chunks - 1
    assert result.removed_files == []
    kb = KnowledgeBase(index_copy)
    texts = [c.text for c in kb.chunks if c.source == "点检制度.docx"]
    assert any("记录炉号与批次" in t for t in texts)
    assert not any(t.endswith("预测更换周期。") for t in texts)  # the old version of the paragraph is gone
    assert kb.search("坩埚更换要记录什么", k=1)[0].chunk.source == "点检制度.docx"


@pytest.mark.parametrize(
    "failure", [KeyboardInterrupt(), RuntimeError("嵌入服务中断")], ids=["ctrl-c", "error"]
)
def test_a_build_failing_midway_leaves_the_previous_index_usable(
    index_copy: Settings, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    from assistant.knowledge import embeddings
    from assistant.knowledge import index as index_module

    before = read_manifest(index_copy)
    folder = index_copy.data_dir / "documents"
    folder.mkdir(parents=True)
    make_table_docx(folder / "新文件.docx")
    monkeypatch.setattr(index_module, "EMBED_BATCH", 1)  # several batches from one small file
    real_embed = embeddings.E5Embeddings.embed_documents
    calls = []

    def fails_on_second_batch(self, texts):
        calls.append(texts)
        if len(calls) == 2:
            raise failure
        return real_embed(self, texts)

    monkeypatch.setattr(embeddings.E5Embeddings, "embed_documents", fails_on_second_batch)
    with pytest.raises(type(failure)):
        build_index(index_copy)

    assert len(calls) == 2  # it really failed midway, after a batch had been embedded
    assert read_manifest(index_copy) == before
    kb = KnowledgeBase(index_copy)
    hits = kb.search("成熟度评估水平", k=3)
    assert hits and hits[0].chunk.source == "annex1-requirements.txt" and hits[0].dense_score is not None
    collections = [c if isinstance(c, str) else c.name for c in chroma_client(index_copy).list_collections()]
    assert collections == [before["collection"]]  # the half-built collection was dropped

    monkeypatch.setattr(embeddings.E5Embeddings, "embed_documents", real_embed)
    new_chunks = chunk_document(load_document(folder / "新文件.docx"))
    assert build_index(index_copy).embedded == len(new_chunks) >= 2  # the next run completes the job
    assert KnowledgeBase(index_copy).search("真空熔炼炉点检", k=1)[0].chunk.source == "新文件.docx"


class HashEmbeddings(Embeddings):
    """Stands in for "another embedding model": character-bigram hashing, instant and deterministic."""

    model_id = "test/hash-bigrams"

    def _vector(self, text: str) -> list[float]:
        vec = [0.0] * 64
        for a, b in itertools.pairwise(text):
            vec[zlib.crc32((a + b).encode()) % 64] += 1.0
        norm = sum(v * v for v in vec) ** 0.5 or 1.0
        return [v / norm for v in vec]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


def test_another_embedding_model_forces_a_rebuild_with_a_clear_message(
    index_copy: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_model = read_manifest(index_copy)["embedding_model"]
    fake = HashEmbeddings()
    for module in ("assistant.knowledge.index", "assistant.knowledge.retriever"):
        monkeypatch.setattr(f"{module}.get_embeddings", lambda settings: (fake, fake.model_id))

    with pytest.raises(ConfigError) as refused:
        KnowledgeBase(index_copy)
    assert str(refused.value) == (
        f"索引是用嵌入模型 {old_model} 建立的，当前设置为 {fake.model_id}；请运行 assistant index 重建索引"
    )

    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(index_copy.data_dir))
    result = CliRunner().invoke(app, ["index"])
    assert result.exit_code == 0, result.output
    flat = "".join(result.output.split())
    assert f"嵌入模型已由{old_model}变为{fake.model_id}，已重建全部索引" in flat
    manifest = read_manifest(index_copy)
    assert manifest["embedding_model"] == fake.model_id
    assert "沿用0）" in flat  # no vector of the old model survives into the new index
    assert KnowledgeBase(index_copy).search("推荐名额", k=3)


def _libreoffice_docx(convert, tmp_path: Path, html: str, name: str) -> Path:
    """A .docx written by LibreOffice (not python-docx): its own styles, gridSpan and vMerge."""
    source = tmp_path / "lo-src" / f"{Path(name).stem}.html"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(html, encoding="utf-8")
    return convert(source)


LIBREOFFICE_HTML = """<html><head><meta charset="utf-8"></head><body>
<h1>一、能源计量管理办法</h1>
<h2>（一）计量器具配备</h2>
<p>各车间按下表配备能源计量器具。</p>
<table border="1">
<tr><th>区域</th><th colspan="2">计量安排</th></tr>
<tr><td rowspan="2">空压站</td><td>电表每台独立计量</td><td>动力科</td></tr>
<tr><td>压缩空气流量计</td><td>动力科</td></tr>
</table>
<h2>（二）数据采集</h2>
<p>能耗数据每15分钟自动采集上传能源管理系统。</p>
</body></html>"""


def test_a_libreoffice_docx_dropped_into_the_corpus_folder_becomes_searchable(
    index_copy: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, libreoffice_docx
) -> None:
    made = _libreoffice_docx(libreoffice_docx, tmp_path, LIBREOFFICE_HTML, "能源计量办法.docx")
    xml = zipfile.ZipFile(made).read("word/document.xml")
    assert b"w:gridSpan" in xml and b'w:vMerge w:val="restart"' in xml  # real merges, not repeated text
    # The user's corpus folder (ASSISTANT_CORPUS_DIR): the shipped documents plus theirs.
    corpus = tmp_path / "corpus"
    shutil.copytree(DOCUMENTS_DIR, corpus / "documents")
    shutil.copy(made, corpus / "documents" / "能源计量办法.docx")
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(index_copy.data_dir))
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(corpus))
    runner = CliRunner()

    indexed = runner.invoke(app, ["index"])
    assert indexed.exit_code == 0, indexed.output
    assert "已跳过" not in indexed.output and "已从索引移除" not in indexed.output  # moved, not deleted
    embedded = int(re.search(r"新生成向量\s*(\d+)", indexed.output).group(1))
    assert 0 < embedded <= 4  # only the new document; the copied corpus keeps its vectors

    found = runner.invoke(app, ["search", "空压站的压缩空气流量计归谁管", "-k", "3", "--json"])
    assert found.exit_code == 0, found.output
    top = json.loads(found.output)[0]
    assert top["source"] == "能源计量办法.docx"
    assert top["citation"] == "能源计量办法 › 一、能源计量管理办法 › （一）计量器具配备"
    rows = top["text"].splitlines()
    assert "区域 | 计量安排" in rows  # the header spanning two columns is one cell, read once
    assert "空压站 | 电表每台独立计量 | 动力科" in rows
    assert "压缩空气流量计 | 动力科" in rows  # the vertically merged 空压站 is not repeated
    second = KnowledgeBase(Settings(data_dir=index_copy.data_dir, corpus_dir=corpus)).search(
        "能耗数据多久采集一次", k=3
    )
    assert "能源计量办法 › 一、能源计量管理办法 › （二）数据采集" in [h.citation for h in second]


def test_tokenizer_keeps_scene_and_link_names_whole() -> None:
    req, table = load_requirements(), load_scene_table()
    names = [*req.domain_names, *req.all_links, *table.names, *table.aliases]
    assert len(names) > 50
    assert [n for n in names if n.lower() not in tokenize(n)] == []
    tokens = tokenize("我们做了质量精准追溯，属于计划调度")
    assert {"质量精准追溯", "计划调度"} <= set(tokens)
    assert "我们" not in tokens and "，" not in tokens


def test_map_resolves_old_names_to_current_ones(built_index: Path) -> None:
    kb = KnowledgeBase(Settings(data_dir=built_index))
    aliases = load_scene_table().aliases
    assert len(aliases) >= 5
    mapped = {alias: map_description(kb, alias, top=1)[0].scene for alias in aliases}
    assert mapped == aliases


def test_unverified_scene_names_carry_their_mark_in_search_and_map_output(
    built_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(built_index))
    runner = CliRunner()
    table = load_scene_table()
    unverified = {e.name for e in [*table.entries, *table.modes] if not e.verified}
    assert unverified and any(e.verified for e in table.entries)
    query = "机器视觉检测外观缺陷，扫码追溯批次"

    for command in (["search", query, "-k", "8"], ["map", query, "--top", "5"]):
        result = runner.invoke(app, [*command, "--json"])
        assert result.exit_code == 0, result.output
        items = [i for i in json.loads(result.output) if i.get("scene")]
        assert len(items) >= 3
        for item in items:
            marked = item["scene"] in unverified
            assert item["verified"] is not marked
            assert item["scene_label"] == item["scene"] + ("（未核实）" if marked else "")
            assert item["citation"].endswith("（未核实）") is marked

        text = "".join(runner.invoke(app, command).output.split())
        shown = [n for n in unverified if n in text]
        assert len(shown) >= 3
        for name in shown:  # wherever a name is shown as a scene, the mark follows it
            assert re.search(f"(?:›|\\d\\.){re.escape(name)}(?!（未核实）)", text) is None, name
            assert f"{name}（未核实" in text


def test_switching_between_local_storage_and_a_server_asks_for_a_rebuild(index_copy: Settings) -> None:
    elsewhere = index_copy.model_copy(update={"chroma_url": "http://127.0.0.1:9/"})
    with pytest.raises(ConfigError) as refused:
        KnowledgeBase(elsewhere)
    assert str(refused.value) == (
        "索引的向量存放在 本地数据目录，当前设置（ASSISTANT_CHROMA_URL）为 Chroma 服务器 http://127.0.0.1:9；"
        "请运行 assistant index 在当前位置重建索引"
    )


def test_an_unreachable_server_is_named_not_blamed_on_the_index(index_copy: Settings) -> None:
    path = index_copy.data_dir / "index" / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["chroma"] = "http://127.0.0.1:9"  # built on a server that is now down
    path.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    kb = KnowledgeBase(index_copy.model_copy(update={"chroma_url": "http://127.0.0.1:9"}))
    with pytest.raises(ConfigError) as refused:
        kb.search("成熟度", method="dense")
    assert str(refused.value).startswith("无法连接 Chroma 服务器 http://127.0.0.1:9（ASSISTANT_CHROMA_URL）")
    assert kb.search("成熟度", method="bm25")  # BM25 needs no server


def test_no_index_yet_is_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="assistant index"):
        KnowledgeBase(Settings(data_dir=tmp_path / "empty"))


def test_an_unverified_scene_is_cited_as_our_table_not_as_the_guide() -> None:
    table = load_scene_table()
    unverified = table.lookup("在线智能检测", "质量管控")
    confirmed = table.lookup("人机协同作业", "生产作业")
    assert unverified and not unverified.verified and confirmed and confirmed.verified
    assert unverified.citation.startswith("本项目场景表") and "《智能制造" not in unverified.citation
    assert confirmed.citation.startswith("《智能制造典型场景参考指引（2024年版）》")


def test_a_folder_added_once_stays_indexed_until_forgotten(index_copy: Settings, tmp_path: Path) -> None:
    folder = tmp_path / "往年材料"
    folder.mkdir()
    (folder / "压铸车间点检办法.md").write_text(
        "# 压铸车间点检办法\n\n## 一、点检周期\n\n压铸岛液压站每班点检油温与油位，记录入设备点检系统。\n",
        encoding="utf-8",
    )
    added = build_index(index_copy, extra_dirs=[folder])
    assert added.extra_dirs == [folder.resolve()]

    def found() -> bool:
        return any(
            "压铸车间点检办法" in h.citation for h in KnowledgeBase(index_copy).search("液压站油温点检", k=5)
        )

    assert found()
    again = build_index(index_copy)  # a plain re-index, as `assistant index` with no folder
    assert again.extra_dirs == [folder.resolve()] and not again.removed_files and found()
    forgotten = build_index(index_copy, forget_dirs=[folder])
    assert forgotten.extra_dirs == [] and forgotten.removed_files and not found()


def test_a_pdf_report_is_loaded_and_chunked_under_its_headings(tmp_path: Path, libreoffice_docx) -> None:
    source = tmp_path / "能源管理总结.html"
    source.write_text(
        "<html><body><h1>2024年度能源管理总结</h1><h2>一、建设内容</h2>"
        "<p>全厂安装智能电表112块、燃气流量计36个，能耗数据每15分钟自动采集一次。</p>"
        "<h2>二、实施效果</h2><p>单位产品综合能耗由0.062吨标准煤下降至0.053吨标准煤。</p></body></html>",
        encoding="utf-8",
    )
    pdf = libreoffice_docx(source, to="pdf")
    document = load_document(pdf)
    text = "\n".join(block.text for block in document.blocks)
    assert "智能电表112块" in text and "0.053吨标准煤" in text
    chunks = chunk_document(document)
    effect = next(c for c in chunks if "0.053吨标准煤" in c.text)
    assert any("实施效果" in part for part in effect.heading_path)


def test_a_fresh_process_ranks_from_the_index_snapshot_as_chroma_does(built_index: Path) -> None:
    """The CLI ranks with the vector snapshot and the index's own small dictionary (fast to load);
    both must rank as Chroma and jieba's full dictionary do."""
    from assistant.knowledge.tokenize import tokenize

    kb = KnowledgeBase(Settings(data_dir=built_index))
    assert kb._snapshot() is not None and kb._dictionary is not None
    queries = ["机器视觉检测外观缺陷", "倉庫導入自動化立體倉儲", "设备联网采集开动率", "能耗分级计量"]
    for query in queries:
        fast = [c.id for c, _ in kb.dense_ranking(query, kind="scene")[:5]]
        kb._vectors = False  # no snapshot: ask Chroma
        slow = [c.id for c, _ in kb.dense_ranking(query, kind="scene")[:5]]
        kb._vectors = None
        assert fast[:3] == slow[:3], query
        words = [t for t in tokenize(query) if any(t in tokenize(c.embed_text) for c in kb.chunks)]
        assert set(words) <= set(tokenize(query, kb._dictionary)), query
