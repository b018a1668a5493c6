"""Opening a .docx safely: every way a file can fail becomes one clear Chinese InputError."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.document import Document

from assistant.errors import InputError
from assistant.readers import check_file

# A .docx whose XML inflates past this is refused before parsing (zip bombs).
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def open_docx(path: Path) -> Document:
    check_file(path)
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        raise InputError(
            f"{path.name} 不是 .docx：它是旧版 Word/WPS 文件（.doc/.wps）或加密文档，请在 Word/WPS 中另存为 .docx（不加密）"
        )
    if not zipfile.is_zipfile(path):
        raise InputError(f"{path.name} 不是有效的 .docx 文件（文件已损坏或不是 Word 文档）")
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(info.file_size for info in zf.infolist())
            if total > MAX_UNCOMPRESSED_BYTES:
                raise InputError(f"{path.name} 解压后过大（{total // 1024 // 1024} MB），已拒绝读取")
            if "word/document.xml" not in zf.namelist():
                raise InputError(f"{path.name} 不是 Word 文档（缺少 word/document.xml）")
        return docx.Document(str(path))
    except InputError:
        raise
    except Exception as err:  # python-docx raises many kinds on broken packages
        raise InputError(f"{path.name} 无法解析为 Word 文档：{type(err).__name__}") from err
