"""A real browser (Debian's chromium, driven by Playwright — no browser download) uses the app at
1366×768: the first visit, a draft from pasted prose notes, a scene switch, an edit that survives a
redraft, the whole application (sections drafted from the placed scene, attachments ticked, basic
info saved) in the exported .docx, and a review of an uploaded .docx. Screenshots
are kept in tests/artifacts/."""

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
from assistant.webapp.writer import MESSAGE_KEY

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browser_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("browser") / "data"


@pytest.fixture(scope="module")
def app_url(browser_data: Path):
    data = browser_data
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


def launch(p):
    assert Path(CHROMIUM).exists(), "Debian's chromium is installed by `make test` (scripts/system-deps.sh)"
    return p.chromium.launch(
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


@pytest.fixture
def page(app_url: str):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = launch(p)
        # A Chinese browser on a common office laptop screen, as the app's users have: Gradio's own
        # labels follow the browser locale.
        context = browser.new_context(
            accept_downloads=True, locale="zh-CN", viewport={"width": 1366, "height": 768}
        )
        page = context.new_page()
        page.goto(app_url)
        page.wait_for_selector("#mode-banner", timeout=30_000)
        yield page
        browser.close()


ROTOR_NOTES = (
    "我们车间去年上了一条转子动平衡自动检测线，主要解决电机转子不平衡量靠人工检测、效率低、漏检多的问题。"
    "以前每根转子要工人上平衡机手动测量、记录，一个班4个人，平均每根要3分钟，不平衡量超差的转子偶尔会漏到装配线上。\n"
    "现在整条线由杭州集智机电股份有限公司提供自动平衡机，配上视觉读码和在线测量，检测数据自动上传到MES，"
    "不合格的转子自动分拣出来。检测节拍缩短到每根45秒，检测人员由4人减少到1人，不平衡量漏检基本消除。\n"
    "项目总投资约260万元，每年节约人工成本和质量损失约95万元。"
)


def send(page, text: str, expect: str) -> None:
    """Type into #message and click 发送; wait until the last chat reply contains ``expect``."""
    replies = page.locator("#chat .message-row").count()
    page.fill("#message textarea", text)
    page.locator("#message button", has_text="发送").click()
    page.wait_for_function(
        """([n, expect]) => {
            const rows = document.querySelectorAll('#chat .message-row');
            return rows.length > n && rows[rows.length - 1].innerText.includes(expect);
        }""",
        arg=[replies, expect],
        timeout=120_000,
    )
    page.wait_for_timeout(500)


def test_first_visit_greets_and_the_input_is_on_screen(page) -> None:
    chat = page.inner_text("#chat")
    assert "请在下方粘贴" in chat and "例如" in chat
    box = page.locator("#message textarea").bounding_box()
    assert box and box["y"] + box["height"] <= 768, box  # visible without scrolling at 1366×768
    assert "环境变量" not in page.inner_text("#mode-banner")
    page.screenshot(path=str(ARTIFACTS / "first-visit.png"))
    # Unsent text survives a reload: "keep_message" stores it in the browser, "restore_message" puts it back.
    page.fill("#message textarea", "还没发出去的一段材料")
    page.wait_for_function(f"localStorage.getItem('{MESSAGE_KEY}') === '还没发出去的一段材料'")
    page.reload()
    page.wait_for_function(
        "(document.querySelector('#message textarea') || {}).value === '还没发出去的一段材料'", timeout=30_000
    )


def test_the_writer_drafts_switches_scene_keeps_edits_and_exports(page, tmp_path: Path) -> None:
    send(page, ROTOR_NOTES, "已起草")
    header = page.inner_text("#draft-header")
    assert "在线智能检测" in header or "质量管控" in header, header
    assert "命中" in page.inner_text("#scene-candidates")
    # A successful send empties the box, and with it the stored unsent text.
    assert not page.evaluate(f"localStorage.getItem('{MESSAGE_KEY}')")
    page.screenshot(path=str(ARTIFACTS / "draft.png"), full_page=True)

    # The counter follows the box, and an over-limit count is red (the stylesheet reached the page).
    page.fill("#part-成效 textarea", "字" * 310)
    page.wait_for_function(
        "document.querySelector('#count-成效 .count').dataset.count === '310'", timeout=30_000
    )
    counter = page.locator("#count-成效 .count")
    assert counter.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(252, 232, 230)"
    assert "已保护" in page.inner_text("#count-成效")

    # Switch the scene from the full list: the draft moves to 设备管理 (生产作业).
    page.click("#scene-all input")
    page.fill("#scene-all input", "设备运行监控")
    page.locator("ul[role=listbox] li", has_text="设备运行监控").first.click()
    page.wait_for_function(
        "document.querySelector('#draft-header').innerText.includes('设备管理-设备运行监控')", timeout=120_000
    )
    page.screenshot(path=str(ARTIFACTS / "scene-switch.png"), full_page=True)
    # And back through a candidate.
    page.locator("#scene-candidates label", has_text="在线智能检测").first.click()
    page.wait_for_function(
        "document.querySelector('#draft-header').innerText.includes('质量管控-在线智能检测')", timeout=120_000
    )

    # A protected edit survives a redraft: the new text waits beside it.
    mine = "改造前由4名检测工手动上机测量并手写记录，超差转子偶有漏检，流入装配后返工。"
    page.fill("#part-痛点 textarea", mine)
    page.wait_for_function("document.querySelector('#count-痛点').innerText.includes('已保护')")
    send(
        page,
        "另外，以前每班要安排专人抄写平衡机读数，经常抄错，不平衡量超差的转子在装配线上才发现。",
        "没有被覆盖",
    )
    assert page.input_value("#part-痛点 textarea") == mine
    proposal = page.locator("#proposal-text-痛点")
    assert proposal.is_visible() and "重新起草给出的新写法" in proposal.inner_text()
    proposal.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "protected-edit.png"), full_page=True)
    page.click("#reject-痛点")
    page.wait_for_function(
        "!document.querySelector('#proposal-痛点') || document.querySelector('#proposal-痛点').offsetParent === null"
    )
    assert page.input_value("#part-痛点 textarea") == mine

    # The whole application: sections drafted from the placed scene, attachments ticked, basic info
    # saved — all in the exported Word file.
    page.click("#add-scene")
    page.click("#overview button.label-wrap, #overview > button")
    export_whole_application(page, tmp_path)


def export_whole_application(page, tmp_path: Path) -> None:
    page.click("#draft-sections")
    page.wait_for_function(
        "document.querySelector('#section-项目简述 textarea').value.length > 0", timeout=120_000
    )
    summary = page.input_value("#section-项目简述 textarea")
    assert "在线智能检测" in summary or "转子" in summary, summary  # from the scene placed above
    assert page.input_value("#section-总体情况 textarea") and page.input_value("#section-实施成效 textarea")
    assert "/ 500 字" in page.inner_text("#section-count-项目简述")
    page.locator("#attachments label", has_text="企业上一年度审计报告").click()
    page.wait_for_function(
        "!document.querySelector('#export-check').innerText.includes('企业上一年度审计报告（必备）尚未勾选')",
        timeout=30_000,
    )
    for label, value in [
        ("项目名称", "转子产线智能化改造"),
        ("申报单位", "江西集智电机有限公司"),
        ("联系人姓名", "刘工"),
        ("申报日期", "2025年6月30日"),
        ("2024年主营业务收入（万元）", "23,456"),
    ]:
        page.get_by_label(label, exact=True).fill(value)
    page.click("#save-info")
    page.wait_for_selector("text=基本信息已保存", timeout=30_000)
    # The toast's type reads in Chinese, not Gradio's English "Info".
    title = page.locator(".toast-title").first
    assert title.evaluate("e => getComputedStyle(e, '::before').content") == '"提示"'
    assert title.evaluate("e => getComputedStyle(e).fontSize") == "0px"
    assert "申报日期未填写" not in page.inner_text("#export-check")
    page.click("#export")
    link = page.locator("#export-files a[download$='.docx']").first
    link.wait_for(timeout=60_000)
    # Exported anyway, with what is still incomplete listed in the notice.
    page.wait_for_selector("text=仍不完整", timeout=30_000)
    page.wait_for_timeout(800)  # the notice fades in
    page.locator("#export-check").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "whole-application.png"), full_page=True)
    with page.expect_download() as download_info:
        link.click()
    saved = tmp_path / "申报书.docx"
    download_info.value.save_as(str(saved))
    from docx import Document

    doc = Document(saved)
    text = "\n".join(
        [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells]
    )
    for value in [
        "转子产线智能化改造",
        "江西集智电机有限公司",
        "刘工",
        "在线智能检测",
        "2025年6月30日",
        "23,456",
    ]:
        assert value in text, value
    assert summary[:40] in text and "☑ 企业上一年度审计报告" in text


def test_typing_key_by_key_loses_no_character(page, browser_data: Path) -> None:
    """Each keystroke saves the box; a reply to an earlier keystroke must not put its older text back
    (a newcomer typing 1350万元 found 150万元 in the box)."""
    from assistant.projects import ProjectStore

    send(page, ROTOR_NOTES, "已起草")
    typed = "改造前投资1350万元，合计1350万元；ABC 2023 test 12345。"
    box = page.locator("#part-痛点 textarea")
    box.fill("")
    box.press_sequentially(typed, delay=60)
    page.click("#overview button.label-wrap, #overview > button")
    section = page.locator("#section-项目简述 textarea")
    section.scroll_into_view_if_needed()
    section.fill("")
    section.press_sequentially(typed, delay=60)
    page.wait_for_timeout(3000)  # the last keystroke's save
    assert box.input_value() == typed and section.input_value() == typed
    store = ProjectStore(browser_data)
    stored = [store.load(project_id) for project_id, *_ in store.list()]
    saved = [(p.draft.parts.痛点 if p.draft else "", p.application.project_summary) for p in stored]
    assert (typed, typed) in saved, saved


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
