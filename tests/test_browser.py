"""A real browser (Debian's chromium, driven by Playwright — no browser download) uses the app:
drafts a scene offline, watches the 字数 counter change, reviews an uploaded .docx and downloads the
report. Screenshots are kept in tests/artifacts/."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from assistant.markdown_io import application_to_markdown
from assistant.models import Application
from assistant.paths import EVALS_DIR

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
MATERIAL = (EVALS_DIR / "drafting" / "sets" / "d03" / "material.md").read_text(encoding="utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("browser") / "data"
    old = os.environ.get("ASSISTANT_DATA_DIR")
    os.environ["ASSISTANT_DATA_DIR"] = str(data)
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    from app import build_app, serve
    from assistant.config import Settings

    settings = Settings(data_dir=data)
    demo = build_app(settings)
    port = free_port()
    serve(demo, settings, "127.0.0.1", port, prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()
        if old is None:
            os.environ.pop("ASSISTANT_DATA_DIR", None)
        else:
            os.environ["ASSISTANT_DATA_DIR"] = old


@pytest.fixture
def page(app_url: str):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is installed by `make test` (scripts/system-deps.sh)"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        # A Chinese browser, as the app's users have: Gradio's own labels follow the browser locale.
        context = browser.new_context(
            accept_downloads=True, locale="zh-CN", viewport={"width": 1400, "height": 1000}
        )
        page = context.new_page()
        page.goto(app_url)
        page.wait_for_selector("#mode-banner", timeout=30_000)
        yield page
        browser.close()


def test_draft_offline_and_watch_the_counter(page) -> None:
    assert "离线模式" in page.inner_text("#mode-banner")
    page.fill("#message textarea", MATERIAL)
    page.click("#send")
    page.wait_for_function(
        "document.querySelector('#draft-header') && document.querySelector('#draft-header').innerText.includes('质量管控')",
        timeout=120_000,
    )
    counter = page.locator("#count-成效 .count")
    before = int(counter.get_attribute("data-count"))
    assert before > 0 and "未人工确认" in page.inner_text("#count-成效")
    page.screenshot(path=str(ARTIFACTS / "draft.png"), full_page=True)

    page.fill("#part-成效 textarea", "字" * 310)
    page.wait_for_function(
        "document.querySelector('#count-成效 .count').dataset.count === '310'", timeout=30_000
    )
    assert "over" in counter.get_attribute("class")
    # The stylesheet reached the page: an over-limit count is shown red, not as plain text.
    assert counter.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(252, 232, 230)"
    page.screenshot(path=str(ARTIFACTS / "counter-over.png"), full_page=True)


def test_review_an_uploaded_docx_and_download_the_report(page, tmp_path: Path) -> None:
    app = Application.model_validate_json(
        (EVALS_DIR / "review" / "cases" / "r19" / "draft.json").read_text("utf-8")
    )
    md = tmp_path / "待审申报书.md"
    md.write_text(application_to_markdown(app), encoding="utf-8")
    docx = tmp_path / "待审申报书.docx"
    subprocess.run(["pandoc", str(md), "-o", str(docx)], check=True, timeout=120)

    page.get_by_role("tab", name="审查").click()
    page.set_input_files("#review-files input[type=file]", str(docx))
    page.wait_for_timeout(1000)
    page.click("#review-btn")
    page.wait_for_function(
        "document.querySelector('#review-findings') && document.querySelector('#review-findings').innerText.includes('template-leftover')",
        timeout=120_000,
    )
    assert "需修改" in page.inner_text("#review-summary")
    page.screenshot(path=str(ARTIFACTS / "review.png"), full_page=True)
    link = page.locator("#review-downloads a[download='审查结果.xlsx']")
    with page.expect_download() as download_info:
        link.click()
    saved = tmp_path / "审查结果.xlsx"
    download_info.value.save_as(str(saved))
    import openpyxl

    rules = [
        row[2] for row in openpyxl.load_workbook(saved)["审查发现"].iter_rows(min_row=2, values_only=True)
    ]
    assert "template-leftover" in rules


def test_review_a_doc_a_pdf_and_a_scan_and_see_the_compliance_matrix(page, tmp_path: Path) -> None:
    from evals.review.render import scan_pdf

    app = Application.model_validate_json(
        (EVALS_DIR / "review" / "cases" / "r19" / "draft.json").read_text("utf-8")
    )
    md = tmp_path / "draft.md"
    md.write_text(application_to_markdown(app), encoding="utf-8")
    docx = tmp_path / "draft.docx"
    subprocess.run(["pandoc", str(md), "-o", str(docx)], check=True, timeout=120)
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is installed by `make test` (scripts/system-deps.sh)"
    for target in ("doc:MS Word 97", "pdf"):
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless", "--convert-to", target,
             "--outdir", str(tmp_path), str(docx)],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
    doc, pdf = tmp_path / "旧版申报书.doc", tmp_path / "导出申报书.pdf"
    (tmp_path / "draft.doc").rename(doc)
    (tmp_path / "draft.pdf").rename(pdf)
    scan = tmp_path / "盖章扫描件.pdf"
    scan_pdf(pdf, scan, pages=2)

    page.get_by_role("tab", name="审查").click()
    page.set_input_files("#review-files input[type=file]", [str(doc), str(pdf), str(scan)])
    page.wait_for_timeout(1000)
    page.click("#review-btn")
    page.wait_for_function(
        "document.querySelector('#review-matrix') && document.querySelector('#review-matrix').innerText.includes('成熟度二级')",
        timeout=300_000,
    )
    summary = page.inner_text("#review-summary")
    assert "旧版申报书.doc" in summary and "导出申报书.pdf" in summary and "无法读取" not in summary
    matrix = page.inner_text("#review-matrix")
    assert "5 成熟度二级及以上" in matrix and "盖章扫描件.pdf" in matrix
    assert "来自OCR" in page.inner_text("#review-findings")
    assert "推荐名额核对" in page.inner_text("#review-quota")
    assert "上饶晶辉光伏科技有限公司" in page.inner_text("#review-ranking")
    page.locator("#review-matrix").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "review-formats.png"), full_page=True)
