"""Writes docs/cli.md from the commands' own help texts, so the reference cannot drift from the CLI.

``python scripts/cli_reference.py`` rewrites it; ``--check`` exits 1 when the file is stale (the
test suite runs the same comparison).
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from assistant.cli import app

OUT = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def _param_row(param) -> str:
    if param.param_type_name == "argument":
        name = f"`{param.name.upper()}`" + ("" if param.required else "（可选）")
        default = ""
    else:
        name = " / ".join(f"`{opt}`" for opt in [*param.opts, *param.secondary_opts])
        default = "" if param.default in (None, False, (), []) or param.is_flag else f"`{param.default}`"
    help_text = (getattr(param, "help", None) or "").replace("|", "\\|").replace("\n", " ")
    return f"| {name} | {help_text} | {default} |"


def render() -> str:
    # Typer ships its own copy of click, so commands are told apart by what they can do.
    group = typer.main.get_command(app)
    ctx = group.context_class(group)
    lines = [
        "# 命令行参考",
        "",
        "由 `python scripts/cli_reference.py` 根据各命令自身的帮助文字生成，请勿手改。",
        "",
    ]
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        lines += [f"## assistant {name}", "", (command.help or "").strip(), ""]
        if hasattr(command, "list_commands"):
            sub_ctx = command.context_class(command)
            for sub in command.list_commands(sub_ctx):
                subcommand = command.get_command(sub_ctx, sub)
                lines += [f"- `assistant {name} {sub}`：{(subcommand.help or '').strip()}"]
            lines.append("")
            continue
        params = [p for p in command.params if p.name != "help"]
        if params:
            lines += ["| 参数 | 说明 | 默认 |", "|---|---|---|", *map(_param_row, params), ""]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print("docs/cli.md 已过期：请运行 python scripts/cli_reference.py", file=sys.stderr)
            return 1
        return 0
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"已写入 {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
