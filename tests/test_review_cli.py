"""``assistant review`` as reviewers use it: batches, formats, exit codes, Word comments, waivers."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from assistant.markdown_io import application_to_markdown
from assistant.models import Application
from assistant.paths import EVALS_DIR, SAMPLES_DIR

CASES = EVALS_DIR / "review" / "cases"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", *args], capture_output=True, text=True, timeout=120, env=env
    )


@pytest.fixture
def batch(tmp_path: Path) -> Path:
    """A folder as a 工信局 receives it: a clean draft, a flawed one as .docx (via pandoc), a corrupt file."""
    folder = tmp_path / "drafts"
    folder.mkdir()
    shutil.copy(SAMPLES_DIR / "sample-application.json", folder / "clean.json")
    flawed = Application.model_validate_json((CASES / "r19" / "draft.json").read_text(encoding="utf-8"))
    md = tmp_path / "flawed.md"
    md.write_text(application_to_markdown(flawed), encoding="utf-8")
    subprocess.run(["pandoc", str(md), "-o", str(folder / "flawed.docx")], check=True, timeout=120)
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 this is not a real docx")
    return folder


def test_json_output_and_exit_code_2_when_one_file_is_unreadable(batch: Path) -> None:
    result = run("review", str(batch), "--format", "json")
    assert result.returncode == 2, result.stderr
    data = {Path(r["file"]).name: r for r in json.loads(result.stdout)}
    assert set(data) == {"clean.json", "flawed.docx", "broken.docx"}
    assert data["clean.json"]["ok"] and data["clean.json"]["findings"] == []
    assert "不是有效的 .docx" in data["broken.docx"]["error"] and not data["broken.docx"]["ok"]
    flawed = data["flawed.docx"]
    assert not flawed["ok"]
    rules = {(f["rule"], f["scene_index"], f["section"]) for f in flawed["findings"]}
    assert rules == {
        ("length-limit", None, "企业简介"),
        ("template-leftover", 2, "描述"),
        ("supplier-missing", 3, "技术方案"),
    }
    keys = {
        "rule",
        "severity",
        "scene_index",
        "scene",
        "section",
        "message",
        "evidence",
        "suggestion",
        "clause",
    }
    assert all(keys <= set(f) for f in flawed["findings"])


def test_exit_code_1_for_errors_0_for_clean(tmp_path: Path) -> None:
    assert run("review", str(SAMPLES_DIR / "sample-application.json")).returncode == 0
    assert run("review", str(CASES / "r19" / "draft.json")).returncode == 1


def test_markdown_report_opens_with_the_compliance_matrix(tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    result = run("review", str(CASES / "r06" / "draft.json"), "--format", "md", "--out", str(out))
    assert result.returncode == 1
    text = out.read_text(encoding="utf-8")
    matrix = text.split("## 合规矩阵", 1)[1].split("## 场景", 1)[0]
    assert "| 2 经营良好、无较大及以上事故 | 缺失 |" in matrix
    assert "| 3 安全可控，网络与数据安全 | 存疑 |" in matrix
    assert "| 领域：运营管理 | 满足 |" in matrix
    assert "结论：**不符合申报条件**" in text


def test_excel_workbook_has_findings_and_summary(batch: Path, tmp_path: Path) -> None:
    out = tmp_path / "审查结果.xlsx"
    run("review", str(batch), "--format", "xlsx", "--out", str(out))
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["汇总", "合规矩阵", "场景", "审查发现", "遴选排序"]
    header = [c.value for c in wb["汇总"][1]]
    assert header[:5] == ["文件", "项目名称", "申报单位", "推荐单位", "结论"] and header[-1] == "审查意见"
    summary = {
        row[0]: dict(zip(header, row, strict=True))
        for row in wb["汇总"].iter_rows(min_row=2, values_only=True)
    }
    assert summary["clean.json"]["结论"] == "可提交" and summary["flawed.docx"]["结论"] == "需修改"
    assert summary["broken.docx"]["结论"] == "无法读取"
    # Counts are numbers a reviewer can sum and filter, not text
    assert summary["flawed.docx"]["错误"] == 2 and isinstance(summary["clean.json"]["提示"], int)
    assert summary["clean.json"]["项目名称"] and summary["clean.json"]["审查意见"] is None
    rules = [row[2] for row in wb["审查发现"].iter_rows(min_row=2, values_only=True)]
    assert sorted(rules) == ["length-limit", "supplier-missing", "template-leftover"]
    assert [c.value for c in wb["审查发现"][1]][-1] == "审查意见"
    matrix = list(wb["合规矩阵"].iter_rows(min_row=2, values_only=True))
    assert {r[0] for r in matrix} == {"clean.json", "flawed.docx"} and any(
        r[2].startswith("5 成熟度") for r in matrix
    )
    scenes = list(wb["场景"].iter_rows(min_row=2, values_only=True))
    assert scenes and all(r[7] in ("A", "B", "C", "D") for r in scenes)
    ranking = list(wb["遴选排序"].iter_rows(min_row=2, values_only=True))
    assert "不取代" in ranking[-1][0]  # the ranking says it supports, never replaces, the reviewers


def test_word_review_report_for_the_batch(batch: Path, tmp_path: Path) -> None:
    import docx

    out = tmp_path / "审查报告.docx"
    result = run("review", str(batch), "--format", "docx", "--out", str(out))
    assert result.returncode == 2, result.stderr  # broken.docx cannot be read
    document = docx.Document(str(out))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "审查报告（本批）" in text and "结论：需修改" in text and "无法审查" in text
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "要素条件" in cells and "5 成熟度二级及以上" in cells
    assert "错误（" in text  # findings grouped by severity
    assert "条款：" in text
    assert "遴选排序（参考）" in text and "不取代" in text


def test_existing_output_is_not_overwritten_silently(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    out.write_text("keep me", encoding="utf-8")
    result = run(
        "review", str(SAMPLES_DIR / "sample-application.json"), "--format", "json", "--out", str(out)
    )
    assert result.returncode == 2 and "已存在" in result.stderr
    assert out.read_text(encoding="utf-8") == "keep me"


def test_annotated_copy_has_comments_at_the_findings_and_the_original_is_untouched(
    batch: Path, tmp_path: Path
) -> None:
    source = batch / "flawed.docx"
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    marked = tmp_path / "marked"
    run("review", str(source), "--annotate", str(marked))
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before
    out = marked / "flawed.审查批注.docx"
    with zipfile.ZipFile(out) as zf:
        comments = zf.read("word/comments.xml").decode("utf-8")
        body = zf.read("word/document.xml").decode("utf-8")
    assert comments.count("<w:comment ") == 3
    assert "template-leftover" in comments and "length-limit" in comments
    assert body.count("commentRangeStart") == 3

    import docx

    doc = docx.Document(str(out))
    anchored = [p.text for p in doc.paragraphs if "commentRangeStart" in p._p.xml]
    assert any(
        text.startswith("（3）采用的技术方案") for text in anchored
    )  # supplier-missing sits on its part


def test_a_waiver_silences_one_finding_and_is_listed(tmp_path: Path) -> None:
    draft = tmp_path / "a.json"
    shutil.copy(CASES / "r19" / "draft.json", draft)
    (tmp_path / "a.waivers.yaml").write_text(
        "- rule: supplier-missing\n  scene_index: 3\n  reason: 实施方为集团内部单位，已另附说明\n",
        encoding="utf-8",
    )
    data = json.loads(run("review", str(draft), "--format", "json").stdout)[0]
    assert "supplier-missing" not in {f["rule"] for f in data["findings"]}
    assert [w["rule"] for w in data["waived"]] == ["supplier-missing"]
    assert "已豁免" in data["waived"][0]["message"]


def test_quota_is_checked_across_the_files_of_a_batch(tmp_path: Path) -> None:
    folder = EVALS_DIR / "review" / "batches" / "b01"
    data = json.loads(run("review", str(folder), "--format", "json").stdout)
    batch_entries = [d for d in data if d["file"] is None]
    assert [f["rule"] for f in batch_entries[0]["findings"]] == ["quota-exceeded"]
    assert "鹰潭市" in batch_entries[0]["findings"][0]["message"]


def test_parse_shows_what_was_understood(batch: Path) -> None:
    result = run("parse", str(batch / "flawed.docx"))
    assert result.returncode == 0, result.stderr
    assert "成熟度" in result.stdout and "场景" in result.stdout
    assert json.loads(run("parse", str(batch / "flawed.docx"), "--json").stdout)["enterprise"]["name"]


def test_an_unreadable_summary_table_is_its_own_line_and_the_drafts_are_still_reviewed(
    tmp_path: Path,
) -> None:
    table = tmp_path / "汇总表.xlsx"
    table.write_bytes(b"not a workbook")
    result = run("review", str(SAMPLES_DIR / "sample-application.json"), "--summary-table", str(table))
    assert result.returncode == 2, result.stderr
    assert "sample-application.json：可提交" in result.stdout
    assert "✗ 汇总表.xlsx：不是有效的 Excel 文件" in result.stdout
    assert "汇总表.xlsx：汇总表.xlsx" not in result.stdout
    data = json.loads(
        run(
            "review",
            str(SAMPLES_DIR / "sample-application.json"),
            "--summary-table",
            str(table),
            "--format",
            "json",
        ).stdout
    )
    by_file = {Path(d["file"]).name: d for d in data if d["file"]}
    assert by_file["sample-application.json"]["ok"] and "error" in by_file["汇总表.xlsx"]


def test_a_readable_summary_table_replaces_the_drafts_quota(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["推荐单位(盖章)：鹰潭市工信局"])
    for i in range(1, 6):
        ws.append([i, f"企业{i}", "项目", "场景", "张三", "139", "非标杆企业"])
    wb.save(tmp_path / "t.xlsx")
    result = run(
        "review", str(SAMPLES_DIR / "sample-application.json"), "--summary-table", str(tmp_path / "t.xlsx")
    )
    assert result.returncode == 1, result.stdout
    assert "“鹰潭市”本批推荐 5 个项目" in result.stdout


def test_a_folder_lists_files_it_cannot_read_with_the_reason(tmp_path: Path) -> None:
    folder = tmp_path / "drafts"
    folder.mkdir()
    shutil.copy(SAMPLES_DIR / "sample-application.json", folder / "clean.json")
    for name in ("旧版.doc", "x.odt", "说明.txt", "扫描件.pdf", "y.wps"):
        (folder / name).write_bytes(b"whatever")
    (folder / "表.xlsx").write_bytes(b"a spreadsheet is not a draft")
    result = run("review", str(folder))
    assert result.returncode == 2, result.stdout
    assert "clean.json：可提交" in result.stdout
    for name in ("旧版.doc", "x.odt", "说明.txt", "扫描件.pdf", "y.wps"):
        assert f"✗ {name}：" in result.stdout
    # Formats now read are converted or parsed, and fail on their own reasons: no 另存为 hint
    assert "另存为" not in result.stdout and "x.odt：x.odt" not in result.stdout
    assert "请提供 .docx" in result.stdout  # plain text still cannot carry the tables
    assert "表.xlsx" not in result.stdout


def test_summary_exits_1_over_quota_and_refuses_several_recommenders(tmp_path: Path) -> None:
    folder = EVALS_DIR / "review" / "batches" / "b01"
    over = run("summary", str(folder), "--out", str(tmp_path / "a.xlsx"))
    assert over.returncode == 1 and "超过名额 4 个" in over.stdout and (tmp_path / "a.xlsx").exists()
    ok = run(
        "summary", *[str(p) for p in sorted(folder.glob("app*.json"))[:4]], "--out", str(tmp_path / "b.xlsx")
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    other = tmp_path / "other.json"
    app = Application.model_validate_json((folder / "app1.json").read_text(encoding="utf-8"))
    app.recommender, app.applicant = "新余市工信局", "新余某企业有限公司"
    other.write_text(app.model_dump_json(), encoding="utf-8")
    mixed = run("summary", str(folder / "app1.json"), str(other), "--out", str(tmp_path / "c.xlsx"))
    assert mixed.returncode == 2 and "多个推荐单位" in mixed.stderr and not (tmp_path / "c.xlsx").exists()


def test_summary_treats_spellings_of_one_unit_as_one(tmp_path: Path) -> None:
    folder = EVALS_DIR / "review" / "batches" / "b01"
    paths = []
    for i, spelling in enumerate(["鹰潭市工信局", "鹰潭工信局", "鹰潭市"], 1):
        app = Application.model_validate_json((folder / f"app{i}.json").read_text(encoding="utf-8"))
        app.recommender = spelling
        paths.append(tmp_path / f"a{i}.json")
        paths[-1].write_text(app.model_dump_json(), encoding="utf-8")
    result = run("summary", *map(str, paths), "--out", str(tmp_path / "t.xlsx"))
    assert result.returncode == 0, result.stderr
    header = openpyxl.load_workbook(tmp_path / "t.xlsx").active.cell(row=2, column=1).value
    assert header in (
        "推荐单位（盖章）：鹰潭市工信局",
        "推荐单位（盖章）：鹰潭工信局",
        "推荐单位（盖章）：鹰潭市",
    )
    assert "、" not in header


def test_summary_warns_about_the_same_applicant_twice(tmp_path: Path) -> None:
    app1 = EVALS_DIR / "review" / "batches" / "b01" / "app1.json"
    shutil.copy(app1, tmp_path / "copy.json")
    result = run("summary", str(app1), str(tmp_path / "copy.json"), "--out", str(tmp_path / "t.xlsx"))
    assert result.returncode == 0 and "重复" in result.stdout and "2 次" in result.stdout


@pytest.mark.parametrize("text", ["智能工厂" * 75, "MES/ERP系统上线运行。", "OEE由65%提升至82%。"])
def test_count_takes_pasted_text_of_any_length_as_text(text: str) -> None:
    result = run("count", text, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["字数"] > 0


def test_count_still_reads_a_file_and_names_a_missing_one(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("你好世界", encoding="utf-8")
    assert json.loads(run("count", str(tmp_path / "a.txt"), "--json").stdout)["字数"] == 4
    missing = run("count", "草稿.docx")
    assert missing.returncode == 2 and "找不到" in missing.stderr


def test_summary_names_files_it_could_not_read_and_exits_2(tmp_path: Path) -> None:
    good = tmp_path / "申报书.json"
    good.write_text((SAMPLES_DIR / "sample-application.json").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "坏.docx").write_bytes(b"PK\x03\x04not really a docx")
    result = run("summary", str(tmp_path), "--out", str(tmp_path / "汇总.xlsx"))
    assert result.returncode == 2 and (tmp_path / "汇总.xlsx").exists()
    assert "1 份文件无法读取，未列入汇总表：坏.docx" in result.stderr and "Traceback" not in result.stderr
