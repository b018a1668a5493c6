"""The ``assistant`` command: a thin Typer shell over the library; one sub-command per task.

No client (LLM, Chroma, embeddings) is created at import time, so ``assistant --help`` works
with no key and no index.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from assistant.errors import AssistantError

app = typer.Typer(
    name="assistant",
    help="江西省先进级智能工厂申报助手：撰写、审查、检索。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
console = Console()
err_console = Console(stderr=True)


@app.command("config")
def config_cmd() -> None:
    """显示当前生效的设置（密钥已隐藏），以及在线/离线模式。"""
    from assistant.config import get_settings

    settings = get_settings()
    table = Table(title="当前设置", show_header=True)
    table.add_column("设置")
    table.add_column("值")
    for name, value in settings.masked().items():
        table.add_row(name, value or "（未设置）")
    console.print(table)
    console.print(settings.mode)


@app.command("count")
def count_cmd(
    source: Annotated[str, typer.Argument(help="要统计的文字，或文件路径（.txt/.md/.docx/.pdf）")],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """按 Word 的口径统计字数与字符数。"""
    from assistant.readers import SUPPORTED_SUFFIXES, read_text
    from assistant.text import count

    path = Path(source)
    looks_like_path = path.suffix.lower() in SUPPORTED_SUFFIXES | {".doc", ".wps"} or os.sep in source
    if path.is_file() or looks_like_path:
        text = read_text(path)
    else:
        text = source
    if not text.strip():
        raise _input_error("没有可统计的文字（内容为空）")
    counts = count(text)
    if as_json:
        console.print_json(json.dumps(counts.model_dump(), ensure_ascii=False))
        return
    console.print(f"字数：{counts.字数}")
    console.print(f"字符数（不计空格）：{counts.字符数_不计空格}")
    console.print(f"字符数（计空格）：{counts.字符数_计空格}")


def _input_error(message: str) -> AssistantError:
    from assistant.errors import InputError

    return InputError(message)


def main() -> None:
    """Entry point: user-facing errors become one Chinese line and exit code 2."""
    try:
        app(standalone_mode=False)
    except AssistantError as err:
        err_console.print(f"[bold red]错误：[/]{err}", highlight=False)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err_console.print("已取消")
        sys.exit(130)
    except Exception as err:
        import click

        if isinstance(err, click.exceptions.UsageError):
            err_console.print(f"[bold red]用法错误：[/]{err.format_message()}", highlight=False)
            sys.exit(2)
        if isinstance(err, click.exceptions.ClickException):
            err.show()
            sys.exit(err.exit_code)
        if os.environ.get("ASSISTANT_DEBUG") == "1":
            raise
        err_console.print(f"[bold red]内部错误：[/]{type(err).__name__}: {err}（设置 ASSISTANT_DEBUG=1 查看详情）")
        sys.exit(3)


if __name__ == "__main__":
    main()
