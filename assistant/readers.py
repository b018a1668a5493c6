"""Plain text out of the files users bring (.txt .md .docx .pdf; .doc/.wps via LibreOffice), with Chinese errors for bad ones.

Structure-aware reading (the 申报书's tables and headings) lives in ``assistant.docx_io``; this
module only answers "what does this file say".
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from assistant.errors import InputError
from assistant.files import check_file

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".csv", ".yaml", ".yml", ".json"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | {".docx", ".pdf"}


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), else GB18030 — what Chinese offices actually save."""
    if b"\x00" in data[:8192]:
        raise InputError(f"{name} 不是文本文件（含二进制内容），请提供 .txt/.md/.docx/.pdf")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # GB18030 decodes almost any byte string; control characters give binary files away.
        controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\n\r\f")
        if controls > max(2, len(text[:8192]) // 100):
            raise InputError(f"{name} 不是文本文件（含二进制内容），请提供 .txt/.md/.docx/.pdf")
        return text
    raise InputError(f"{name} 的文字编码无法识别，请另存为 UTF-8 文本")


def read_text(path: Path) -> str:
    """The text of a supported file; raises InputError with the reason if it cannot be read."""
    check_file(path)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        from assistant.docx_io.open import legacy_word_inside
        from assistant.docx_io.text import docx_text

        if legacy_word_inside(path):  # a .doc saved under the new name
            from assistant.docx_io.convert import converted_docx

            with converted_docx(path, as_suffix=".doc") as converted:
                return docx_text(converted)
        return docx_text(path)
    if suffix == ".pdf":
        return _pdf_text(path)
    if suffix in {".doc", ".wps", ".odt", ".rtf"}:
        from assistant.docx_io.convert import converted_docx
        from assistant.docx_io.text import docx_text

        with converted_docx(path) as converted:
            return docx_text(converted)
    return decode_text(path.read_bytes(), path.name)


def _pdf_text(path: Path) -> str:
    """The PDF as the reviewer's layout reader sees it: a test report's tables come out as rows of
    cells ("检测日期<tab>改造前：2024年11月5日—11月7日"), not glyphs in drawing order."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    from assistant.docx_io.blocks import Para
    from assistant.pdf_io import unreadable_pdf
    from assistant.pdf_io.reader import pdf_blocks

    try:
        if PdfReader(path).is_encrypted:
            raise InputError(f"{path.name} 是加密的 PDF，请提供未加密的版本")
        blocks = pdf_blocks(path).blocks
    except InputError:
        raise
    except (PdfReadError, OSError, ValueError) as err:
        raise InputError(unreadable_pdf(path.name)) from err
    except Exception as err:  # the PDF libraries raise many kinds (KeyError, struct.error…) on broken files
        raise InputError(unreadable_pdf(path.name)) from err
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Para):
            lines.append(block.text)
        else:
            lines.extend("\t".join(cell for cell in row if cell) for row in block.rows)
    return "\n".join(lines)


def is_zip(path: Path) -> bool:
    return zipfile.is_zipfile(path)
