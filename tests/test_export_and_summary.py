"""Export to the 附件2 layout and the 附件3 汇总表; what we export, the reviewer reads back unchanged."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import docx
import openpyxl
import pytest

from assistant.application_reader import read_application
from assistant.docx_io.writer import export_docx
from assistant.errors import InputError
from assistant.models import Application
from assistant.paths import EVALS_DIR, SAMPLES_DIR
from assistant.review.engine import review_application, summary_quota_findings
from assistant.summary_table import read_summary, write_summary_docx, write_summary_xlsx

BATCHES = EVALS_DIR / "review" / "batches"


def sample() -> Application:
    return Application.model_validate_json(
        (SAMPLES_DIR / "sample-application.json").read_text(encoding="utf-8")
    )


def batch(name: str) -> list[Application]:
    return [read_application(p) for p in sorted((BATCHES / name).glob("app*.json"))]


def test_exported_docx_reads_back_to_the_same_application(tmp_path: Path) -> None:
    app = sample()
    out = export_docx(app, tmp_path / "申报书.docx")
    assert read_application(out) == app
    assert review_application(read_application(out)).findings == []


def test_narrative_of_the_bonus_items_survives_export_to_docx_and_markdown(tmp_path: Path) -> None:
    from assistant.markdown_io import application_to_markdown

    app = sample()
    app.extra_texts = {
        "智慧供应链建设": "公司与38家核心供应商共建供应链协同平台，订单、库存与物流信息实时共享。\n"
        "2024年原材料齐套率由91%提升至97%。"
    }
    markdown = tmp_path / "申报书.md"
    markdown.write_text(application_to_markdown(app), encoding="utf-8")
    for path in (export_docx(app, tmp_path / "申报书.docx"), markdown):
        assert read_application(path) == app, path.suffix


def test_exported_docx_has_the_template_layout(tmp_path: Path) -> None:
    out = export_docx(sample(), tmp_path / "a.docx")
    doc = docx.Document(str(out))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:2] == ["一、申报主体和先进级智能工厂基本信息", "（一）申报主体基本信息"]
    assert "三、场景化建设情况" in headings and "（五）研发设计" in headings
    assert "{{" not in "\n".join(p.text for p in doc.paragraphs)
    labels = [row.cells[0].text for row in doc.tables[0].rows]
    assert labels[:3] == ["企业名称", "成立时间", "申报主体地址"]


def test_a_flawed_draft_keeps_exactly_its_findings_through_export(tmp_path: Path) -> None:
    app = read_application(EVALS_DIR / "review" / "cases" / "r21" / "draft.json")
    before = [(f.rule, f.scene_index, f.section) for f in review_application(app).findings]
    after = [
        (f.rule, f.scene_index, f.section)
        for f in review_application(read_application(export_docx(app, tmp_path / "x.docx"))).findings
    ]
    assert before == after and before


def test_export_does_not_overwrite_silently(tmp_path: Path) -> None:
    target = tmp_path / "a.docx"
    target.write_bytes(b"original")
    with pytest.raises(InputError, match="已存在"):
        export_docx(sample(), target)
    assert target.read_bytes() == b"original"


@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
def test_summary_rows_follow_the_template_example(tmp_path: Path, suffix: str) -> None:
    apps = batch("b01")
    out = tmp_path / f"汇总表{suffix}"
    (write_summary_xlsx if suffix == ".xlsx" else write_summary_docx)(apps, out)
    recommender, rows = read_summary(out)
    assert recommender == "鹰潭市工信局"
    assert [r.applicant for r in rows] == [a.applicant for a in apps]
    first_scene = apps[0].scenes[0]
    assert rows[0].scenes.splitlines()[0] == (
        f"1.{first_scene.link}（环节名）-{first_scene.scene}（场景名）-{first_scene.instance}（实例名）"
    )
    benchmark = [r for r in rows if r.remark]
    assert len(benchmark) == 1 and benchmark[0].remark.endswith("年江西省智能制造标杆企业")
    assert "20xx" not in benchmark[0].remark


def test_quota_from_a_summary_table(tmp_path: Path) -> None:
    over = tmp_path / "b01.xlsx"
    write_summary_xlsx(batch("b01"), over)
    (finding,) = summary_quota_findings(over)
    assert finding.rule == "quota-exceeded" and "5 个项目" in finding.message
    within = tmp_path / "b02.docx"
    write_summary_docx(batch("b02"), within)
    assert summary_quota_findings(within) == []


def test_export_cli_writes_docx_and_summary_row(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant.cli",
            "export",
            str(SAMPLES_DIR / "sample-application.json"),
            "--docx",
            str(tmp_path / "a.docx"),
            "--summary",
            str(tmp_path / "row.xlsx"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    ws = openpyxl.load_workbook(tmp_path / "row.xlsx").active
    assert ws.cell(row=4, column=2).value == sample().applicant


def _table(path: Path, header: str, remarks: list[str | None], serial=int) -> Path:
    """A 汇总表 as a 工信局 might type it by hand: title, 推荐单位 line, headers, one row per remark."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["江西省先进级智能工厂项目推荐汇总表"])
    ws.append([header])
    ws.append(
        ["序号", "申报单位名称", "先进级智能工厂项目名称", "已经建成的典型场景", "联系人", "联系方式", "备注"]
    )
    for i, remark in enumerate(remarks, 1):
        ws.append([serial(i), f"鹰潭企业{i}有限公司", f"项目{i}", "1.a-b-c", "张三", "13900000000", remark])
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("remark", "benchmark"),
    [
        ("2021年江西省智能制造标杆企业", True),
        ("☑是 □否", True),
        ("是", True),
        ("江西省智能制造标杆企业（入选年份未填）", True),
        ("非标杆企业", False),
        ("否", False),
        ("拟申报标杆企业", False),
        ("□是 ☑否", False),
        ("标杆企业", False),
        ("", False),
    ],
)
def test_only_a_positive_remark_marks_a_benchmark_enterprise(
    tmp_path: Path, remark: str, benchmark: bool
) -> None:
    _, rows = read_summary(_table(tmp_path / "t.xlsx", "推荐单位（盖章）：鹰潭市工信局", [remark]))
    assert rows[0].benchmark is benchmark


def test_non_benchmark_remarks_count_toward_the_quota(tmp_path: Path) -> None:
    remarks = ["非标杆企业", "非标杆企业", "否", None, "拟申报标杆企业"]
    (finding,) = summary_quota_findings(
        _table(tmp_path / "t.xlsx", "推荐单位（盖章）：鹰潭市工信局", remarks)
    )
    assert "5 个项目" in finding.message and "鹰潭市" in finding.message
    within = ["2021年江西省智能制造标杆企业", None, None, None, None]
    assert summary_quota_findings(_table(tmp_path / "u.xlsx", "推荐单位（盖章）：鹰潭市工信局", within)) == []


@pytest.mark.parametrize(
    "header", ["推荐单位(盖章)：鹰潭市工信局", "推荐单位(盖章):鹰潭工信局", "推荐单位：鹰潭市"]
)
def test_header_typed_with_half_width_brackets_or_colon_is_read(tmp_path: Path, header: str) -> None:
    path = _table(tmp_path / "t.xlsx", header, [None] * 5)
    recommender, rows = read_summary(path)
    assert "鹰潭" in recommender and len(rows) == 5
    (finding,) = summary_quota_findings(path)
    assert "“鹰潭市”本批推荐 5 个项目" in finding.message


def test_serial_numbers_stored_as_decimals_are_rows(tmp_path: Path) -> None:
    _, rows = read_summary(_table(tmp_path / "t.xlsx", "推荐单位（盖章）：鹰潭市工信局", [None] * 3, float))
    assert [r.no for r in rows] == [1, 2, 3]


def test_unknown_recommender_is_quoted_in_the_message(tmp_path: Path) -> None:
    path = _table(tmp_path / "t.xlsx", "推荐单位（盖章）：某某局", [None])
    with pytest.raises(InputError, match="“推荐单位（盖章）：某某局”中没有可识别的设区市"):
        summary_quota_findings(path)
    missing = _table(tmp_path / "u.xlsx", "江西省", [None])
    with pytest.raises(InputError, match="没有找到“推荐单位（盖章）：”一行"):
        summary_quota_findings(missing)


def test_benchmark_without_a_year_does_not_print_20xx(tmp_path: Path) -> None:
    app = sample()
    app.benchmark, app.benchmark_year = True, ""
    out = tmp_path / "t.xlsx"
    write_summary_xlsx([app], out)
    _, (row,) = read_summary(out)
    assert "20xx" not in row.remark and "年份未填" in row.remark and row.benchmark
    app.benchmark_year = "2022年"
    write_summary_xlsx([app], out, overwrite=True)
    assert read_summary(out)[1][0].remark == "2022年江西省智能制造标杆企业"
