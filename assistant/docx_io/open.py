"""Opening a .docx safely: every way a file can fail becomes one clear Chinese InputError.

Limits come from settings (``ASSISTANT_MAX_INPUT_MB``, ``ASSISTANT_MAX_UNZIPPED_MB``,
``ASSISTANT_MAX_XML_MB``) and are checked against the zip directory before anything is inflated.
The directory's sizes may lie, but ``zipfile`` keeps no more than a member's declared size (it cuts
the output and fails the CRC check) and, with the step set below, inflates at most 1 MB past it, so
checking the declared sizes bounds the memory actually used.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.document import Document

from assistant.errors import InputError
from assistant.files import check_file

# zipfile's read() of a whole member inflates in one call of up to 2 GB (MAX_N) before it cuts the
# output to the declared size, so a member that lies about its size (2 KB declared, 64 MB inflated)
# spikes memory by its real size. In 1 MB steps the cut happens after the first step. python-docx
# reads every part with read(), so the step is set here, for the whole process: it only bounds work.
zipfile.ZipExtFile.MAX_N = 1 << 20

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Office writes a password-protected .docx as an OLE file holding these two streams.
_ENCRYPTED_STREAMS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
_SAVE_AS = "请在 Word 或 WPS 中打开并另存为 .docx 后再试"


def _ole_message(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(1024 * 1024)
    if any(stream in head for stream in _ENCRYPTED_STREAMS):
        return (
            f"{path.name} 设置了打开密码（加密文档），无法读取：请在 Word/WPS 中去掉密码后另存为 .docx 再试"
        )
    return f"{path.name} 不是 .docx：它是旧版 Word/WPS 文件（.doc/.wps），{_SAVE_AS}"


def legacy_word_inside(path: Path) -> bool:
    """A .docx that is really a legacy Word/WPS file (.doc saved under the new name), not encrypted:
    LibreOffice can convert it. An encrypted .docx is an OLE file too, and stays refused."""
    with path.open("rb") as fh:
        head = fh.read(8)
    return head == _OLE_MAGIC and "密码" not in _ole_message(path)


def check_docx_package(path: Path, zf: zipfile.ZipFile) -> None:
    """Refuse packages that would cost unbounded memory, are encrypted, or are not Word documents."""
    from assistant.config import get_settings

    settings = get_settings()
    infos = zf.infolist()
    if any(info.flag_bits & 0x1 for info in infos):
        raise InputError(f"{path.name} 设置了密码（加密的压缩包），无法读取：请去掉密码后另存为 .docx 再试")
    total = sum(info.file_size for info in infos)
    if total > settings.max_unzipped_mb * 1024 * 1024:
        raise InputError(
            f"{path.name} 解压后过大（{total // 1024 // 1024} MB，上限 {settings.max_unzipped_mb} MB，"
            "可用 ASSISTANT_MAX_UNZIPPED_MB 调整），已拒绝读取"
        )
    for info in infos:
        if info.filename.endswith((".xml", ".rels")) and info.file_size > settings.max_xml_mb * 1024 * 1024:
            raise InputError(
                f"{path.name} 解压后的 {info.filename} 过大（{info.file_size // 1024 // 1024} MB，上限 "
                f"{settings.max_xml_mb} MB，可用 ASSISTANT_MAX_XML_MB 调整），已拒绝读取"
            )
    if "word/document.xml" not in zf.namelist():
        raise InputError(f"{path.name} 不是 Word 文档（缺少 word/document.xml），{_SAVE_AS}")


def _parse_failure(path: Path, err: Exception) -> InputError:
    text = str(err)
    if "depth" in text.lower():
        return InputError(f"{path.name} 的内容嵌套层级过深（如表格套表格过多），无法读取")
    if isinstance(err, zipfile.BadZipFile | EOFError) or "CRC" in text:
        return InputError(f"{path.name} 已损坏（压缩数据校验失败），请从原始文件重新另存为 .docx")
    return InputError(f"{path.name} 无法解析为 Word 文档（{type(err).__name__}），文件可能已损坏，{_SAVE_AS}")


def _check_nesting(path: Path, document: Document) -> None:
    """Tables inside tables are read recursively; past ``ASSISTANT_MAX_TABLE_NESTING`` levels it is not a 申报书."""
    from docx.oxml.ns import qn

    from assistant.config import get_settings

    limit = get_settings().max_table_nesting
    tbl = qn("w:tbl")
    for table in document.element.body.iter(tbl):
        depth = 1 + sum(1 for a in table.iterancestors(tbl))
        if depth > limit:
            raise InputError(
                f"{path.name} 的表格嵌套超过 {limit} 层（可用 ASSISTANT_MAX_TABLE_NESTING 调整），无法读取"
            )


def open_docx(path: Path) -> Document:
    check_file(path)
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        raise InputError(_ole_message(path))
    if not zipfile.is_zipfile(path):
        raise InputError(f"{path.name} 不是有效的 .docx 文件（文件已损坏或不是 Word 文档）")
    try:
        with zipfile.ZipFile(path) as zf:
            check_docx_package(path, zf)
        document = docx.Document(str(path))
        _check_nesting(path, document)
        return document
    except InputError:
        raise
    except Exception as err:  # python-docx and lxml raise many kinds on broken packages
        raise _parse_failure(path, err) from err
