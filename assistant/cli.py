"""The ``assistant`` command: a thin Typer shell over the library; one sub-command per task.

No client (LLM, Chroma, embeddings) is created at import time, so ``assistant --help`` works
with no key and no index.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from assistant.errors import AssistantError

if TYPE_CHECKING:
    from assistant.models import Application

app = typer.Typer(
    name="assistant",
    help="江西省先进级智能工厂申报助手：撰写、审查、检索。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
console = Console()
err_console = Console(stderr=True, soft_wrap=True)


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
    text = read_text(path) if path.is_file() or looks_like_path else source
    if not text.strip():
        raise _input_error("没有可统计的文字（内容为空）")
    counts = count(text)
    if as_json:
        console.print_json(json.dumps(counts.model_dump(), ensure_ascii=False))
        return
    console.print(f"字数：{counts.字数}")
    console.print(f"字符数（不计空格）：{counts.字符数_不计空格}")
    console.print(f"字符数（计空格）：{counts.字符数_计空格}")


@app.command("tour")
def tour_cmd(
    sample: Annotated[Path | None, typer.Option(help="申报书 JSON；默认用内置示例")] = None,
) -> None:
    """用内置示例申报书走一遍：模式、各部分字数与上限、成效中的量化指标、领域覆盖。"""
    from assistant.config import get_settings
    from assistant.paths import SAMPLES_DIR
    from assistant.requirements import load_requirements
    from assistant.text import count_words, extract_quantities

    req = load_requirements()
    path = sample or SAMPLES_DIR / "sample-application.json"
    app_ = _load_application_json(path)
    console.print(f"[bold]{get_settings().mode}[/]")
    console.print(f"示例申报书：{app_.project_name}（{app_.applicant}）\n")
    table = Table(title="各场景五部分字数（按 Word 口径）/ 上限")
    table.add_column("#")
    table.add_column("领域")
    table.add_column("场景实例")
    for spec in req.parts:
        table.add_column(spec.key, justify="right")
    for i, scene in enumerate(app_.scenes, 1):
        cells = []
        for spec in req.parts:
            n = count_words(scene.parts.get(spec.key))  # type: ignore[arg-type]
            colour = (
                "red" if n > spec.limit else ("yellow" if n >= spec.limit * req.near_limit_ratio else "green")
            )
            cells.append(f"[{colour}]{n}/{spec.limit}[/]")
        table.add_row(str(i), scene.domain, scene.title, *cells)
    console.print(table)
    console.print("\n[bold]成效中的量化指标[/]")
    for i, scene in enumerate(app_.scenes, 1):
        figures = [q.text for q in extract_quantities(scene.parts.成效) if q.is_metric]
        console.print(f"  {i}. {scene.instance}：{'、'.join(figures) or '（无）'}")
    covered = app_.covered_domains()
    console.print("\n[bold]领域覆盖[/]")
    for domain in req.domains:
        ok = domain.name in covered
        need = "必须" if domain.mandatory else "可选"
        mark = "[green]✓[/]" if ok else ("[red]✗[/]" if domain.mandatory else "·")
        console.print(f"  {mark} {domain.name}（{need}）：{len(app_.scenes_in(domain.name))} 个场景")


def _load_application_json(path: Path) -> Application:
    from pydantic import ValidationError

    from assistant.models import Application
    from assistant.readers import read_text

    try:
        return Application.model_validate_json(read_text(path))
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise _input_error(f"{path.name} 不是有效的申报书 JSON：{where} {first['msg']}") from err


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
        err_console.print(
            f"[bold red]内部错误：[/]{type(err).__name__}: {err}（设置 ASSISTANT_DEBUG=1 查看详情）"
        )
        sys.exit(3)


if __name__ == "__main__":
    main()
