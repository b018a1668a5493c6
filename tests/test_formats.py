"""Every format a city receives, made in the test from our own sample: legacy .doc/.wps/.odt
(LibreOffice), a PDF with a text layer, a scanned PDF with a red seal, a page photo (.png).

LibreOffice and the OCR model are required (``make test`` installs them): a missing tool fails
these tests, it never skips them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.application_reader import ReadDocument, read_application, read_document
from assistant.docx_io.writer import export_docx
from assistant.errors import InputError
from assistant.models import Application, Finding, Severity
from assistant.paths import SAMPLES_DIR
from assistant.review.engine import OCR_NOTE, located, review_file
from evals.review.render import draw_seal, scan_pdf


def _soffice(source: Path, to: str, out: Path) -> Path:
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is installed by `make test` (scripts/system-deps.sh)"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{out / 'lo-profile'}",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out / f"{source.stem}.{to.split(':')[0]}"


@pytest.fixture(scope="module")
def sample() -> Application:
    """The shipped sample with two faults put in, so that there are findings to locate."""
    app = Application.model_validate_json(
        (SAMPLES_DIR / "sample-application.json").read_text(encoding="utf-8")
    )
    app.enterprise.contact_mobile = ""  # basic-info-missing, on the basic-information page
    app.scenes[1].parts.经济性 = ""  # section-missing, on the second scene's page
    return app


BASIC_INFO_PAGE = 2  # the official form's cover page comes first


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory, sample: Application) -> dict[str, Path]:
    """The sample as a city receives it, each format made once for the module."""
    out = tmp_path_factory.mktemp("formats")
    docx = export_docx(sample, out / "申报书.docx")
    made = {"docx": docx}
    made["doc"] = _soffice(docx, "doc:MS Word 97", out)
    made["odt"] = _soffice(docx, "odt", out)
    made["pdf"] = _soffice(docx, "pdf", out)
    # Kingsoft WPS writes .wps in the .doc format; a city gets it under that name.
    made["wps"] = out / "申报书-wps.wps"
    shutil.copy(made["doc"], made["wps"])
    # A scan of the stamped paper copy: the form's cover page, then the basic information, which
    # runs over the next two pages (three pages keep OCR short).
    made["scan"] = out / "扫描件.pdf"
    scan_pdf(made["pdf"], made["scan"], pages=3)
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(made["pdf"]))
    image = document[0].render(scale=200 / 72).to_pil().convert("RGB")
    document.close()
    draw_seal(image)
    made["png"] = out / "封面照片.png"
    image.save(made["png"])
    return made


@pytest.mark.parametrize("fmt", ["doc", "wps", "odt", "pdf"])
def test_legacy_word_files_and_text_pdfs_read_as_the_docx_does(
    files: dict[str, Path], sample: Application, fmt: str
) -> None:
    read = read_document(files[fmt])
    assert not read.ocr
    assert read.app == sample


def test_a_doc_saved_under_a_docx_name_is_converted(
    files: dict[str, Path], sample: Application, tmp_path: Path
) -> None:
    renamed = tmp_path / "其实是doc.docx"
    shutil.copy(files["doc"], renamed)
    assert read_application(renamed) == sample


def test_pdf_findings_carry_the_page(files: dict[str, Path]) -> None:
    report = review_file(files["pdf"])
    assert report.error is None and report.findings, report.error
    assert all(f.page and f.page >= 1 for f in report.findings)
    pages = {f.rule: f.page for f in report.findings}
    assert pages["basic-info-missing"] == BASIC_INFO_PAGE and pages["section-missing"] > BASIC_INFO_PAGE
    assert not any(OCR_NOTE in f.message for f in report.findings)
    # The same findings as the .docx, only located
    docx_report = review_file(files["docx"])
    assert [(f.rule, f.scene_index, f.section) for f in report.findings] == [
        (f.rule, f.scene_index, f.section) for f in docx_report.findings
    ]


def test_a_scanned_pdf_with_a_red_seal_is_read_by_ocr(files: dict[str, Path], sample: Application) -> None:
    pages: list[tuple[int, int]] = []
    read = read_document(files["scan"], lambda done, total: pages.append((done, total)))
    assert read.ocr and pages == [(1, 3), (2, 3), (3, 3)]
    app, e, want = read.app, read.app.enterprise, sample.enterprise
    assert app.project_name == sample.project_name
    assert app.applicant == sample.applicant and app.recommender == sample.recommender
    assert app.benchmark is sample.benchmark  # the seal is stamped over this line's tick boxes
    assert (e.name, e.founded, e.address) == (want.name, want.founded, want.address)
    assert e.maturity == want.maturity  # ☑ read, or put back from the □ around it
    assert (e.legal_rep, e.legal_rep_title) == (want.legal_rep, want.legal_rep_title)
    assert [(f.year, f.revenue) for f in e.finances] == [(f.year, f.revenue) for f in want.finances]
    assert e.profile.startswith(want.profile[:40]) and app.factory_name == sample.factory_name
    assert "某某科技" not in app.model_dump_json()  # the seal's own characters are not read as text


@pytest.mark.xfail(
    strict=True,
    reason="已知缺陷：正式版式中“所属行业”的选项折成两行，扫描件OCR丢了☑，推回勾选的逻辑在跨行时失效",
)
def test_the_ticked_industry_is_read_from_a_scan(files: dict[str, Path], sample: Application) -> None:
    read = read_document(files["scan"])
    assert read.app.enterprise.industry == sample.enterprise.industry


def test_ocr_findings_say_so_and_carry_the_page(files: dict[str, Path]) -> None:
    report = review_file(files["scan"])
    assert report.error is None and report.ocr and report.findings
    for f in report.findings:
        assert f.ocr and OCR_NOTE in f.message
        assert f.page is None or (f"第{f.page}页" in f.message and f.page in (1, 2, 3))
    missing = [f for f in report.findings if f.rule == "basic-info-missing"]
    assert missing and missing[0].page == BASIC_INFO_PAGE


def test_a_photo_of_the_cover_is_read_by_ocr(files: dict[str, Path], sample: Application) -> None:
    read = read_document(files["png"])
    assert read.ocr
    assert read.app.project_name == sample.project_name and read.app.applicant == sample.applicant


def _length_finding(count: int, limit: int) -> Finding:
    return Finding(
        rule="length-limit",
        severity=Severity.error,
        message=f"“成效”共 {count} 字，超出上限 {limit} 字",
        scene_index=1,
        section="成效",
        evidence=f"{count}字 / 上限{limit}字",
    )


def test_ocr_length_overruns_within_recognition_error_are_warnings() -> None:
    read = ReadDocument(app=Application(), ocr=True, pages={"scene:1": 3, "scene:1:成效": 4})
    near, far = located([_length_finding(305, 300), _length_finding(360, 300)], read)
    assert near.severity == Severity.warning and near.page == 4 and "识别误差" in near.message
    assert far.severity == Severity.error and far.page == 4
    text_pdf = ReadDocument(app=Application(), ocr=False, pages={"scene:1:成效": 4})
    (kept,) = located([_length_finding(305, 300)], text_pdf)
    assert kept.severity == Severity.error and kept.page == 4 and OCR_NOTE not in kept.message


def test_without_libreoffice_a_doc_gets_one_chinese_line(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("assistant.docx_io.convert.soffice_path", lambda: None)
    with pytest.raises(InputError, match="未安装 LibreOffice"):
        read_application(files["doc"])


def test_a_wps_spreadsheet_is_named_as_one(tmp_path: Path) -> None:
    sheet = tmp_path / "汇总.et"
    sheet.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    assert "电子表格" in (review_file(sheet).error or "")
    with pytest.raises(InputError, match="电子表格"):
        read_application(sheet)


def test_conversion_leaves_no_temporary_folder(
    files: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))  # other processes' conversions stay out of sight
    app = read_application(files["doc"])
    assert app.project_name  # the conversion did run, in the private folder
    assert list(private.iterdir()) == []


def test_review_reads_a_folder_mixing_every_format(files: dict[str, Path], tmp_path: Path) -> None:
    folder = tmp_path / "本批"
    folder.mkdir()
    for fmt in ("docx", "doc", "wps", "pdf", "scan"):
        shutil.copy(files[fmt], folder / f"{fmt}-{files[fmt].name}")
    (folder / "汇总表.et").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    result = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "review", str(folder), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert result.returncode == 2, result.stderr  # the .et is not a 申报书
    reports = {Path(r["file"]).name: r for r in json.loads(result.stdout) if r["file"]}
    assert len(reports) == 6
    for fmt in ("docx", "doc", "wps", "pdf", "scan"):
        report = reports[f"{fmt}-{files[fmt].name}"]
        assert not report.get("error"), report
    assert "电子表格" in reports["汇总表.et"]["error"]
    assert "另存为" not in result.stdout


def test_a_word_review_report_for_one_application(files: dict[str, Path], tmp_path: Path) -> None:
    import docx

    from assistant.review.filing import write_report_docx

    report = review_file(files["pdf"])
    out = tmp_path / "审查报告.docx"
    write_report_docx(report, out)
    document = docx.Document(str(out))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "结论：需修改" in text and "推荐单位：南昌市工信局" in text
    assert "错误（" in text and "警告（" not in text.split("错误（")[0]  # errors come first
    assert f"（第{BASIC_INFO_PAGE}页）" in text  # the PDF's findings are located on its pages
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "5 成熟度二级及以上" in cells and "条款" in cells
