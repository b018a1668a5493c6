"""Legacy word-processor files (.doc, .wps, .odt, .rtf) turned into .docx by LibreOffice, then read as .docx.

Each call runs ``soffice --headless`` with its own fresh profile and output folder (two instances
cannot share a profile, and a converted file must never be read by another request), under a time
limit; everything is deleted afterwards. The input passes the same size check as a .docx, and the
output is opened by ``open_docx`` with the usual unzip limits.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.errors import InputError
from assistant.files import check_file

CONVERTIBLE_SUFFIXES = {".doc", ".wps", ".odt", ".rtf"}
# Spreadsheets are not a 申报书; say so instead of converting them into an empty document.
SPREADSHEET_SUFFIXES = {".et", ".xls", ".xlsx", ".ods"}
TIMEOUT_SECONDS = 120
_FORMAT_NAMES = {
    ".doc": "旧版 Word（.doc）",
    ".wps": "WPS 文字（.wps）",
    ".odt": "OpenDocument（.odt）",
    ".rtf": "RTF",
}


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def spreadsheet_reason(path: Path) -> str:
    return f"{path.name} 是电子表格，不是申报书（申报书应为 Word/WPS 文字文档或 PDF）"


@contextmanager
def converted_docx(
    path: Path, timeout: int = TIMEOUT_SECONDS, as_suffix: str | None = None
) -> Iterator[Path]:
    """The .docx LibreOffice makes of ``path``, valid inside the ``with`` block only. ``as_suffix``:
    what the file really is when its name says otherwise (a .doc saved as .docx)."""
    check_file(path)
    suffix = as_suffix or path.suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        raise InputError(spreadsheet_reason(path))
    kind = _FORMAT_NAMES.get(suffix, suffix)
    soffice = soffice_path()
    if soffice is None:
        raise InputError(
            f"{path.name} 是{kind}文件，需要 LibreOffice 转换，但本机未安装 LibreOffice"
            "（apt-get install libreoffice-writer-nogui）；或在 Word/WPS 中另存为 .docx 后再审查"
        )
    work = Path(tempfile.mkdtemp(prefix="assistant-convert-"))
    try:
        # A copy under a plain name: LibreOffice reads its options from argv, and a file named like
        # "-env:..." or with odd characters must stay a file name.
        source = work / f"input{suffix}"
        shutil.copyfile(path, source)
        profile = work / "profile"
        out_dir = work / "out"
        command = [
            soffice,
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out_dir),
            str(source),
        ]
        try:
            subprocess.run(command, check=False, timeout=timeout, capture_output=True, cwd=work)
        except subprocess.TimeoutExpired as err:
            raise InputError(f"{path.name} 转换超时（{timeout} 秒），文件可能过大或已损坏") from err
        result = out_dir / "input.docx"
        if not result.exists() or result.stat().st_size == 0:
            raise InputError(
                f"{path.name} 无法用 LibreOffice 转换为 .docx（文件可能已损坏、加密或不是{kind}文件）"
            )
        yield result
    finally:
        shutil.rmtree(work, ignore_errors=True)
