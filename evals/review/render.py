"""Renders the hand-written JSON samples into the formats reviewers receive.

Markdown comes from our writer in one of several layouts (tick marks, part numbering, titles as
headings or bold lines); .docx files are then written by *other programs*: pandoc (Markdown →
docx) and LibreOffice (HTML → docx), so the parser is tested on documents python-docx did not
write. What a city receives besides: LibreOffice saves the pandoc .docx as a legacy .doc and
exports it as a PDF with a text layer; that PDF's pages, rasterised and stamped with a red seal,
make a scanned PDF without one. Renders are cached by content hash under ``evals/review/.renders/``.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from assistant.markdown_io import STYLES, application_to_markdown
from assistant.models import Application

HERE = Path(__file__).parent
CACHE = HERE / ".renders"
FORMATS = ("json", "md", "docx-pandoc", "docx-soffice", "doc", "pdf", "pdf-scan")
# OCR takes seconds a page on two cores: the scanned format is read for these cases only (one of
# each Markdown layout, r01–r05, plus r06), chosen before looking at any result. See evals/README.md.
SCAN_CASES = ("r01", "r02", "r03", "r04", "r05", "r06")
SCAN_DPI = 200  # a common office scanner setting


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
    paths["doc"] = folder / "draft.pandoc.doc"
    paths["pdf"] = folder / "draft.pandoc.pdf"
    if case_id in SCAN_CASES:
        paths["pdf-scan"] = folder / "draft.scan.pdf"
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


def convert_many(sources: list[Path], to: str, targets: list[Path]) -> None:
    """LibreOffice converts ``sources`` (one start for all) to ``to`` (doc, pdf), each moved to its target."""
    if not sources:
        return
    soffice = _tool("soffice")
    CACHE.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=CACHE))
    try:
        inputs = []
        for i, source in enumerate(sources):
            copy = staging / f"doc{i}{source.suffix}"
            shutil.copyfile(source, copy)
            inputs.append(copy)
        filters = {"doc": "doc:MS Word 97", "pdf": "pdf:writer_pdf_Export"}
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{(staging / 'lo-profile').resolve()}",
                "--headless",
                "--convert-to",
                filters[to],
                "--outdir",
                str(staging / "out"),
                *[str(p) for p in inputs],
            ],
            check=True,
            timeout=600,
            capture_output=True,
        )
        for i, target in enumerate(targets):
            (staging / "out" / f"doc{i}.{to}").replace(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def draw_seal(image) -> None:
    """A red 公章 (ring, star, a row of characters) stamped over the text, as on a signed paper copy."""
    from PIL import Image, ImageChops, ImageDraw, ImageFont

    stamp = Image.new("RGB", image.size, (255, 255, 255))
    draw = ImageDraw.Draw(stamp)
    w, h = image.size
    cx, cy, r = int(w * 0.62), int(h * 0.22), int(w * 0.12)
    red = (220, 30, 30)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=red, width=max(3, r // 18))
    star = [(cx, cy - r // 3), (cx + r // 10, cy - r // 10), (cx + r // 3, cy - r // 10), (cx + r // 8, cy + r // 12),
            (cx + r // 5, cy + r // 3), (cx, cy + r // 6), (cx - r // 5, cy + r // 3), (cx - r // 8, cy + r // 12),
            (cx - r // 3, cy - r // 10), (cx - r // 10, cy - r // 10)]  # fmt: skip
    draw.polygon(star, fill=red)
    font_path = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    font = ImageFont.truetype(str(font_path), r // 5) if font_path.exists() else ImageFont.load_default()
    draw.text((cx - r * 0.8, cy + r * 0.4), "某某科技有限公司", fill=red, font=font)
    # Seal ink is translucent: print under it stays dark (multiply), as on a stamped page.
    image.paste(ImageChops.multiply(image, stamp))


def scan_pdf(pdf: Path, target: Path, dpi: int = SCAN_DPI, pages: int | None = None) -> None:
    """A PDF with no text layer: each page (or the first ``pages``) rasterised, a seal stamped on the
    first, and saved as images."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        count = len(document) if pages is None else min(pages, len(document))
        images = [document[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(count)]
    finally:
        document.close()
    draw_seal(images[0])
    partial = target.with_name(f"{target.stem}.{os.getpid()}.part.pdf")
    images[0].save(partial, save_all=True, append_images=images[1:], resolution=dpi)
    partial.replace(target)


def with_chinese_font(docx: Path, target: Path) -> Path:
    """A copy of a pandoc .docx whose East Asian text is set in a Chinese font, as a Chinese office's is.

    pandoc's default styles take East Asian text from the Latin theme font; LibreOffice 7.4 then
    falls back glyph by glyph and, in a line mixing Chinese and Latin (通过OPC UA、Modbus), draws the
    two over each other in the PDF — a rendering fault no reader should be measured on.
    """
    if target.exists():
        return target
    partial = target.with_name(f"{target.stem}.{os.getpid()}.part.docx")
    with zipfile.ZipFile(docx) as zin, zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/styles.xml":
                text = re.sub(
                    r'w:eastAsiaTheme="[^"]*"', 'w:eastAsia="Noto Serif CJK SC"', data.decode("utf-8")
                )
                data = text.encode("utf-8")
            zout.writestr(item, data)
    partial.replace(target)
    return target


def render_all(cases: list[tuple[str, Path]]) -> dict[str, dict[str, Path]]:
    rendered = {case_id: render_case(case_id, draft) for case_id, draft in cases}
    render_soffice([paths["md"] for paths in rendered.values() if not paths["docx-soffice"].exists()])
    missing = [paths for paths in rendered.values() if not paths["doc"].exists()]
    convert_many([p["docx-pandoc"] for p in missing], "doc", [p["doc"] for p in missing])
    missing = [paths for paths in rendered.values() if not paths["pdf"].exists()]
    sources = [
        with_chinese_font(p["docx-pandoc"], p["docx-pandoc"].with_name("draft.pandoc.cjk.docx"))
        for p in missing
    ]
    convert_many(sources, "pdf", [p["pdf"] for p in missing])
    for paths in rendered.values():
        scan = paths.get("pdf-scan")
        if scan is not None and (not scan.exists() or scan.stat().st_mtime < paths["pdf"].stat().st_mtime):
            scan_pdf(paths["pdf"], paths["pdf-scan"])
    return rendered
