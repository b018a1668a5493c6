"""The checks every reader makes before it opens a file the user brought: there, a file, not empty,
under the size limit. Below the readers and the .docx layer, so both can use it."""

from __future__ import annotations

from pathlib import Path

from assistant.errors import InputError


def check_file(path: Path) -> None:
    """Exists, is a file, is not empty, and is under ``ASSISTANT_MAX_INPUT_MB`` — before anything reads it."""
    from assistant.config import get_settings

    if not path.exists():
        raise InputError(f"找不到文件：{path}")
    if path.is_dir():
        raise InputError(f"这是一个文件夹，不是文件：{path}")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"文件是空的：{path.name}")
    limit_mb = get_settings().max_input_mb
    if size > limit_mb * 1024 * 1024:
        raise InputError(
            f"文件过大（{size / 1024 / 1024:.0f} MB，上限 {limit_mb} MB，可用 ASSISTANT_MAX_INPUT_MB 调整）：{path.name}"
        )
