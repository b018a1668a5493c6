"""Renders the hand-written JSON samples into the formats reviewers receive.

Markdown comes from our writer in one of several layouts (tick marks, part numbering, titles as
headings or bold lines); .docx files are then written by *other programs*: pandoc (Markdown →
docx) and LibreOffice (HTML → docx), so the parser is tested on documents python-docx did not
write. Renders are cached by content hash under ``evals/review/.renders/``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from assistant.markdown_io import STYLES, application_to_markdown
from assistant.models import Application

HERE = Path(__file__).parent
CACHE = HERE / ".renders"
FORMATS = ("json", "md", "docx-pandoc", "docx-soffice")


class RenderToolMissing(RuntimeError):
    pass


def style_for(case_id: str):
    digits = "".join(ch for ch in case_id if ch.isdigit()) or "0"
    return STYLES[int(digits) % len(STYLES)]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise RenderToolMissing(
            f"{name} 未安装（make test 会通过 apt 安装 pandoc 与 libreoffice-writer-nogui）"
        )
    return path


def render_case(case_id: str, draft: Path) -> dict[str, Path]:
    """Paths of the draft in every format, rendering what the cache does not have yet."""
    app = Application.model_validate_json(draft.read_text(encoding="utf-8"))
    markdown = application_to_markdown(app, style=style_for(case_id))
    digest = hashlib.sha1(markdown.encode("utf-8")).hexdigest()[:12]
    folder = CACHE / case_id / digest
    folder.mkdir(parents=True, exist_ok=True)
    md = folder / "draft.md"
    if not md.exists():
        partial = md.with_suffix(f".{os.getpid()}.part")
        partial.write_text(markdown, encoding="utf-8")
        partial.replace(md)
    paths = {"json": draft, "md": md}
    pandoc_docx = folder / "draft.pandoc.docx"
    if not pandoc_docx.exists():
        # Written under a private name and renamed, so a second eval running at the same time never
        # reads a half-written file from the shared cache.
        partial = folder / f"draft.pandoc.{os.getpid()}.docx"
        subprocess.run(
            [_tool("pandoc"), str(md), "-f", "markdown", "-o", str(partial)], check=True, timeout=120
        )
        partial.replace(pandoc_docx)
    paths["docx-pandoc"] = pandoc_docx
    paths["docx-soffice"] = folder / "draft.soffice.docx"
    return paths


def render_soffice(pending: list[Path]) -> None:
    """LibreOffice converts many files in one start: HTML in, .docx out, moved beside each Markdown file."""
    if not pending:
        return
    soffice = _tool("soffice")
    CACHE.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=CACHE))
    names: dict[str, Path] = {}
    for i, md in enumerate(pending):
        html = staging / f"doc{i}.html"
        subprocess.run(
            [
                _tool("pandoc"),
                str(md),
                "-f",
                "markdown",
                "-t",
                "html",
                "-s",
                "--metadata",
                "title=申报书",
                "-o",
                str(html),
            ],
            check=True,
            timeout=120,
        )
        names[f"doc{i}"] = md.with_name("draft.soffice.docx")
    profile = staging / "lo-profile"  # one LibreOffice profile per run: two instances cannot share one
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile.resolve()}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(staging),
            *[str(staging / f"{n}.html") for n in names],
        ],
        check=True,
        timeout=600,
        capture_output=True,
    )
    for stem, target in names.items():
        (staging / f"{stem}.docx").replace(target)
    shutil.rmtree(staging, ignore_errors=True)


def render_all(cases: list[tuple[str, Path]]) -> dict[str, dict[str, Path]]:
    rendered = {case_id: render_case(case_id, draft) for case_id, draft in cases}
    render_soffice([paths["md"] for paths in rendered.values() if not paths["docx-soffice"].exists()])
    return rendered
