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

from assistant.errors import AssistantError, about_file

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

    text = read_text(Path(source)) if _names_a_file(source, SUPPORTED_SUFFIXES | {".doc", ".wps"}) else source
    if not text.strip():
        raise _input_error("没有可统计的文字（内容为空）")
    counts = count(text)
    if as_json:
        console.print_json(json.dumps(counts.model_dump(), ensure_ascii=False))
        return
    console.print(f"字数：{counts.字数}")
    console.print(f"字符数（不计空格）：{counts.字符数_不计空格}")
    console.print(f"字符数（计空格）：{counts.字符数_计空格}")


def _names_a_file(source: str, suffixes: set[str]) -> bool:
    """Whether an argument is a file name rather than pasted text: short, on one line, and either an
    existing file or shaped like a path (草稿.docx, ./a, /tmp/x). A pasted paragraph is never looked
    up on disk, where a long one fails with “File name too long”; “MES/ERP系统” stays text."""
    if not source.strip() or "\n" in source or len(source.encode("utf-8")) > 1024:
        return False
    path = Path(source)
    try:
        if path.is_file():
            return True
    except (OSError, ValueError):  # a component over the name limit, or a NUL
        return False
    if len(path.name.encode("utf-8")) > 255 or any(ch.isspace() for ch in source.strip()):
        return False
    return path.suffix.lower() in suffixes or source.startswith(("/", "./", "../", "~/", ".\\"))


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


@app.command("index")
def index_cmd(
    folders: Annotated[
        list[Path] | None,
        typer.Argument(help="额外要索引的文件夹（默认：corpus/documents 与数据目录下的 documents）"),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="忽略已有索引，全部重建")] = False,
    forget: Annotated[
        list[Path] | None, typer.Option("--forget", help="不再索引以前加入的这个文件夹（可重复）")
    ] = None,
) -> None:
    """建立或更新知识库索引（只处理有变化的文件）；加入过的文件夹会被记住。"""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from assistant.config import get_settings
    from assistant.knowledge.index import build_index

    for folder in folders or []:
        if not folder.is_dir():
            raise _input_error(f"找不到文件夹：{folder}")
    settings = get_settings()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
    ) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=max(total, 1))
            bar.update(tasks[stage], completed=done, total=max(total, 1))

        result = build_index(
            settings, progress, force=force, extra_dirs=folders or [], forget_dirs=forget or []
        )
    if result.rebuilt_reason:
        console.print(f"[yellow]{result.rebuilt_reason}[/]")
    for line in result.skipped:
        console.print(f"[yellow]已跳过[/] {line}")
    if result.removed_files:
        console.print(f"已从索引移除：{'、'.join(result.removed_files)}")
    if result.extra_dirs:
        console.print(f"同时索引的文件夹：{'、'.join(map(str, result.extra_dirs))}（--forget 可移除）")
    console.print(
        f"索引完成：{result.files} 个来源、{result.chunks} 个段落（新生成向量 {result.embedded}，沿用 {result.reused}），"
        f"用时 {result.seconds:.1f} 秒"
    )


def _knowledge_base():
    from assistant.config import get_settings
    from assistant.knowledge.index import ensure_index
    from assistant.knowledge.retriever import KnowledgeBase

    settings = get_settings()
    ensure_index(settings, announce=err_console.print)  # a fresh clone works at once
    return KnowledgeBase(settings)


# Text may start with "-" ("- 我们上了视觉检测…" pasted from a list): unknown "options" are the text.
TEXT_COMMAND = {"ignore_unknown_options": True}
FileOption = Annotated[
    Path | None, typer.Option("--file", "-f", help="从文件读取，每个非空行一条（一次进程处理多条）")
]


def _texts(words: list[str] | None, file: Path | None, what: str) -> list[str]:
    """The texts a command runs on: the words given (joined), or every non-empty line of --file."""
    texts = []
    if words:
        texts.append(" ".join(words).strip())
    if file is not None:
        from assistant.drafting.material import load_material

        try:
            content = (
                file.read_text(encoding="utf-8") if file.suffix in ("", ".txt") else load_material(file).text
            )
        except (OSError, UnicodeDecodeError) as err:
            raise _input_error(about_file(file.name, err)) from err
        texts += [line.strip() for line in content.splitlines() if line.strip()]
    texts = [t for t in texts if t]
    if not texts:
        raise _input_error(f"{what}为空：请给出文字，或用 --file 指定文件")
    return texts


def _print_many(texts: list[str], show) -> None:
    for i, text in enumerate(texts):
        if len(texts) > 1:
            console.print(f"\n[bold cyan]【{i + 1}】{text[:60]}[/]", highlight=False)
        show(text)


@app.command("search", context_settings=TEXT_COMMAND)
def search_cmd(
    query: Annotated[list[str] | None, typer.Argument(help="要检索的问题或关键词")] = None,
    file: FileOption = None,
    k: Annotated[int, typer.Option("--k", "-k", help="返回条数")] = 5,
    method: Annotated[str, typer.Option(help="hybrid（混合）/ bm25 / dense")] = "hybrid",
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """在通知、要素条件、场景表及用户文档中检索，结果带出处。"""
    if method not in ("hybrid", "bm25", "dense"):
        raise _input_error(f"--method 只能是 hybrid、bm25 或 dense，收到：{method}")
    texts = _texts(query, file, "检索内容")
    kb = _knowledge_base()
    results = {text: kb.search(text, k=k, method=method) for text in texts}  # type: ignore[arg-type]
    if as_json:
        data = [[h.to_dict() for h in hits] for hits in results.values()]
        console.print_json(json.dumps(data[0] if len(texts) == 1 and not file else data, ensure_ascii=False))
        return

    def show(text: str) -> None:
        hits = results[text]
        if not hits:
            console.print("没有找到相关段落")
        for i, hit in enumerate(hits, 1):
            scores = f"BM25 {hit.bm25_score or 0:.2f}（第{hit.bm25_rank or '-'}） · 向量 {hit.dense_score or 0:.3f}（第{hit.dense_rank or '-'}）"
            console.print(f"[bold]{i}. {hit.citation}[/]  [dim]{scores}[/]", highlight=False)
            console.print(f"   {hit.snippet}", highlight=False)

    _print_many(texts, show)


@app.command("map", context_settings=TEXT_COMMAND)
def map_cmd(
    description: Annotated[
        list[str] | None, typer.Argument(help="用自己的话描述做了什么，如：我们用机器视觉在线检测外观缺陷")
    ] = None,
    file: FileOption = None,
    top: Annotated[int, typer.Option("--top", help="候选个数")] = 3,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """把一段描述对应到 领域 / 环节 / 场景，附命中的词与出处；几件事的概述按事分开对应。"""
    from assistant.knowledge.mapping import is_close, map_text, margin

    texts = _texts(description, file, "描述")
    kb = _knowledge_base()
    results = {text: map_text(kb, text, top=top) for text in texts}
    if as_json:
        data = [
            {
                "text": t,
                "margin": round(margin(c), 4),
                "close": is_close(c),
                "candidates": [x.to_dict() for x in c],
            }
            for t, c in results.items()
        ]
        single = [x.to_dict() for x in results[texts[0]]]
        console.print_json(json.dumps(single if len(texts) == 1 and not file else data, ensure_ascii=False))
        return

    def show(text: str) -> None:
        candidates = results[text]
        for i, c in enumerate(candidates, 1):
            why = f"命中：{'、'.join(c.matched[:6])}" if c.matched else "语义相近"
            console.print(f"[bold]{i}. {c.label}[/]  [dim]得分 {c.score:.4f}　{why}[/]", highlight=False)
            console.print(f"   {c.summary}　出处：{c.citation}", highlight=False)
        if is_close(candidates):
            console.print("[yellow]前两个候选很接近（或材料讲了几件事），请人工选择。[/]")

    _print_many(texts, show)
    if any(not c.verified for cs in results.values() for c in cs):
        console.print(
            "[yellow]注：标“未核实”的场景名取自2025年版指引或本项目整理，2024年版措辞可能不同，请以官方指引原文为准。[/]"
        )


@app.command("ask", context_settings=TEXT_COMMAND)
def ask_cmd(
    question: Annotated[list[str] | None, typer.Argument(help="关于通知、要素条件或场景的问题")] = None,
    file: FileOption = None,
    k: Annotated[int, typer.Option("--k", "-k", help="参考段落数")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """提问：离线时给出最相关的原文段落；配置了大模型时给出逐句标注出处的回答。"""
    from assistant.config import get_settings
    from assistant.knowledge.answer import ask

    texts = _texts(question, file, "问题")
    settings = get_settings()
    kb = _knowledge_base()
    answers = {text: ask(kb, settings, text, k=k) for text in texts}
    if as_json:
        data = [
            {
                "question": a.question,
                "answer": a.text,
                "online": a.online,
                "partial": a.partial,
                "citations": [h.citation for h in a.hits],
            }
            for a in answers.values()
        ]
        console.print_json(json.dumps(data[0] if len(texts) == 1 and not file else data, ensure_ascii=False))
        return

    def show(text: str) -> None:
        answer = answers[text]
        if not answer.online and answer.hits:
            console.print("[dim]离线模式：以下是与问题最相关的原文段落（配置大模型后可得到归纳回答）[/]")
        console.print(answer.text, highlight=False)
        if answer.online and answer.hits:
            console.print("\n[bold]资料[/]")
            for i, hit in enumerate(answer.hits, 1):
                console.print(f"  [{i}] {hit.citation}", highlight=False)
        if answer.partial:
            console.print("[yellow]回答不完整：模型输出中断（已保留已收到的部分）[/]")

    _print_many(texts, show)


@app.command("eval")
def eval_cmd(
    suite: Annotated[
        str, typer.Option(help="retrieval / review / drafting / judge（需配置大模型） / all")
    ] = "all",
    offline: Annotated[bool, typer.Option("--offline", help="不调用真实模型（CI 使用）")] = False,
    out: Annotated[Path | None, typer.Option("--json", help="结果 JSON 写到此文件")] = None,
    compare: Annotated[Path | None, typer.Option("--compare", help="与之前的结果 JSON 并排比较")] = None,
) -> None:
    """运行评测集，检查阈值（evals/thresholds.yaml），未达标时退出码为 1。结果（JSON、Markdown、图表）写到 evals/results/。"""
    # The one place the product reaches into evals/: a command that runs from a source checkout.
    from evals.console import run as run_evals

    if not run_evals(suite, offline, out, compare, console):
        raise typer.Exit(1)


@app.command("parse")
def parse_cmd(
    file: Annotated[
        Path, typer.Argument(help="申报书（.docx/.doc/.wps/.odt/.pdf/扫描件 .png .jpg/.md/.json）")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="输出领域模型 JSON")] = False,
) -> None:
    """显示从申报书中读出的内容，便于核对审查结论的来由。"""
    from assistant.application_reader import read_application
    from assistant.text import count_words

    app_ = read_application(file)
    if as_json:
        console.print_json(app_.model_dump_json())
        return
    e = app_.enterprise
    console.print(
        f"[bold]{app_.project_name or '（无项目名称）'}[/]  申报单位：{app_.applicant or e.name}  推荐单位：{app_.recommender}"
    )
    finance = "；".join(f"{f.year}年 收入{f.revenue or '空'} 利润{f.profit or '空'}" for f in e.finances)
    accident = {True: "是", False: "否", None: "未勾选"}[e.major_accident]
    console.print(
        f"行业：{'、'.join(e.industry) or '未勾选'}　成熟度：{'、'.join(e.maturity) or '未勾选'}　重大事故：{accident}"
    )
    console.print(f"近三年：{finance}")
    console.print(f"企业简介 {count_words(e.profile)} 字；项目简述 {count_words(app_.project_summary)} 字")
    table = Table(title="场景")
    for column in ("#", "领域", "环节", "场景", "实例", "描述", "痛点", "技术方案", "成效", "经济性"):
        table.add_column(column)
    for i, scene in enumerate(app_.scenes, 1):
        table.add_row(
            str(i),
            scene.domain,
            scene.link,
            scene.scene,
            scene.instance,
            *[str(count_words(t)) for _, t in scene.parts.items()],
        )
    console.print(table)


@app.command("review")
def review_cmd(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="申报书文件或文件夹（.docx/.doc/.wps/.odt/.pdf/扫描件 .png .jpg/.md/.json），可多个"
        ),
    ],
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="table / json / md / xlsx（汇总、合规矩阵、场景、审查发现）/ docx（Word 审查报告）",
        ),
    ] = "table",
    out: Annotated[Path | None, typer.Option("--out", help="输出文件（md/xlsx/docx/json）")] = None,
    annotate: Annotated[Path | None, typer.Option("--annotate", help="把批注版 .docx 写到此文件夹")] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="允许覆盖已有的输出文件")] = False,
    summary_table: Annotated[
        Path | None, typer.Option("--summary-table", help="推荐汇总表（.xlsx/.docx），按其行数核对名额")
    ] = None,
    llm: Annotated[
        bool,
        typer.Option(
            "--llm", help="另请大模型给出判断类意见（痛点空泛、成效难归因、术语堆砌），不改变规则结果"
        ),
    ] = False,
) -> None:
    """批量审查申报书：逐条给出规则、级别、位置、依据、修改建议与条款。退出码：0 无错误，1 有错误，2 有文件无法读取。"""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from assistant.review import service
    from assistant.review.columns import SEVERITY_STYLES, TERMINAL_COLUMNS, finding_row
    from assistant.review.filing import write_batch_docx, write_filing_xlsx
    from assistant.review.grading import verdict
    from assistant.review.outputs import batch_json, batch_markdown

    if fmt not in ("table", "json", "md", "xlsx", "docx"):
        raise _input_error(f"--format 只能是 table、json、md、xlsx、docx，收到：{fmt}")
    if fmt in ("xlsx", "docx") and out is None:
        raise _input_error(f"--format {fmt} 需要用 --out 指定 .{fmt} 文件")
    for path in paths:
        if not path.exists():
            raise _input_error(f"找不到文件或文件夹：{path}")
    if out is not None and out.exists() and not overwrite:
        raise _input_error(f"{out} 已存在；如需覆盖请加 --overwrite")
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task("审查中", total=None)
        done = service.run(
            paths,
            service.ReviewOptions(llm=llm, summary_table=summary_table),
            progress=lambda n, total, name: bar.update(
                task, completed=n, total=total, description=f"审查 {name}"
            ),
        )
    from assistant.safe_text import terminal_text as tt  # document text: no markup, no escapes

    for note in done.notes:  # notes quote file names and draft sentences
        err_console.print(
            f"[{'yellow' if note.level == 'warning' else 'dim'}]{tt(note.text)}[/]", highlight=False
        )
    batch = done.batch
    if fmt == "json":
        _emit(batch_json(batch), out)
    elif fmt == "md":
        _emit(batch_markdown(batch), out)
    elif fmt in ("xlsx", "docx"):
        assert out is not None
        (write_filing_xlsx if fmt == "xlsx" else write_batch_docx)(batch, out)
        console.print(f"已写入 {out}")
    else:
        for report in batch.reports:
            name = Path(report.file).name
            if report.error:
                # Readers' messages often open with the file name already; say it once.
                reason = report.error.removeprefix(name).lstrip("：: ") or report.error
                console.print(f"[bold red]✗ {tt(name)}[/]：{tt(reason)}", highlight=False)
                continue
            colour = "green" if report.ok else "red"
            console.print(
                f"[bold {colour}]{tt(name)}[/]：{verdict(report)}（错误 {len(report.errors)}，警告 {len(report.warnings)}）",
                highlight=False,
            )
            if report.findings:
                table = Table(show_header=True, header_style="bold")
                # Rule ids and locations wrap rather than end in "…": they are what a reviewer copies.
                for column in TERMINAL_COLUMNS:
                    table.add_column(column, overflow="fold", min_width=6 if column == "级别" else None)
                for f in report.findings:
                    level, *cells = finding_row(TERMINAL_COLUMNS, report.file, f)
                    by_model = "·模型" if f.origin == "llm" else ""
                    style = SEVERITY_STYLES[f.severity]
                    table.add_row(f"[{style}]{level}{by_model}[/]", *(tt(c) for c in cells))
                console.print(table)
            for f in report.waived:
                console.print(f"  [dim]已豁免 {f.rule} {tt(f.location())}[/]")
        for f in batch.batch_findings:
            style = ("bold " if f.severity.value == "error" else "") + SEVERITY_STYLES[f.severity]
            console.print(f"[{style}]批次：{tt(f.message)}[/]（{tt(f.evidence)}）", highlight=False)
    if annotate is not None:
        from assistant.review.annotate import annotate_docx

        for report in batch.reports:
            source = Path(report.file)
            if report.error or source.suffix.lower() != ".docx":
                continue
            target = annotate / f"{source.stem}.审查批注.docx"
            n = annotate_docx(source, report, target, overwrite=overwrite)
            err_console.print(f"批注版：{target}（{n} 条批注）")
    raise typer.Exit(batch.exit_code)


def _read_apps(paths: list[Path]) -> tuple[list, list[str], list[str]]:
    """The readable applications, their files, and the files that could not be read (each named)."""
    from assistant.application_reader import read_application
    from assistant.review.engine import UNREADABLE_FORMATS, collect_files

    apps, files, skipped = [], [], []
    for path in collect_files(paths):
        if reason := UNREADABLE_FORMATS.get(path.suffix.lower()):
            err_console.print(f"[yellow]已跳过[/] {path.name}：{reason}", highlight=False)
            skipped.append(path.name)
            continue
        try:
            apps.append(read_application(path))
            files.append(str(path))
        except AssistantError as err:
            err_console.print(f"[yellow]已跳过[/] {about_file(path.name, err)}", highlight=False)
            skipped.append(path.name)
    return apps, files, skipped


@app.command("summary")
def summary_cmd(
    paths: Annotated[list[Path], typer.Argument(help="本批申报书文件或文件夹")],
    out: Annotated[Path, typer.Option("--out", help="输出 .docx 或 .xlsx")],
    overwrite: Annotated[bool, typer.Option("--overwrite", help="允许覆盖已有文件")] = False,
) -> None:
    """生成附件3 推荐汇总表（每份申报书一行），并核对推荐名额。

    一张汇总表对应一个推荐单位：同一设区市的不同写法（鹰潭市工信局、鹰潭工信局、鹰潭市）视为同一单位；
    申报书来自多个推荐单位时拒绝生成，请按推荐单位分开后分别运行。同一申报单位出现两次时给出警告，名额只计一次。
    退出码：0 未超名额，1 超过推荐名额（汇总表仍会写出），2 输入有误或有文件无法读取（可读的仍写入汇总表）。
    """
    from assistant.review.engine import batch_findings
    from assistant.review.rulebook import load_rules
    from assistant.summary_table import recommender_of, write_summary_docx, write_summary_xlsx

    suffix = out.suffix.lower()
    if suffix not in (".docx", ".xlsx"):
        raise _input_error("--out 应为 .docx 或 .xlsx 文件")
    for path in paths:
        if not path.exists():
            raise _input_error(f"找不到文件或文件夹：{path}")
    apps, files, skipped = _read_apps(paths)
    if not apps:
        raise _input_error("没有可汇总的申报书")
    recommender_of(apps)  # several 推荐单位 are refused before anything is written
    (write_summary_docx if suffix == ".docx" else write_summary_xlsx)(apps, out, overwrite=overwrite)
    console.print(f"已写入 {out}（{len(apps)} 个项目）")
    problems = batch_findings(apps, files)
    labels = {r.id: r.label or r.id for r in load_rules()}
    for f in problems:
        label = labels[f.rule]
        style = "bold red" if f.severity.value == "error" else "yellow"
        console.print(f"[{style}]{label}：{f.message}[/]", highlight=False)
    if skipped:
        # A table that silently lacks applications is worse than none: say so, and exit as review does.
        err_console.print(
            f"[bold red]注意：{len(skipped)} 份文件无法读取，未列入汇总表：{'、'.join(skipped)}[/]",
            highlight=False,
        )
        raise typer.Exit(2)
    if any(f.severity.value == "error" for f in problems):
        raise typer.Exit(1)


@app.command("export")
def export_cmd(
    application: Annotated[Path, typer.Argument(help="申报书 JSON（领域模型）或 .md")],
    docx_out: Annotated[Path | None, typer.Option("--docx", help="输出附件2版式的 .docx")] = None,
    summary_out: Annotated[
        Path | None, typer.Option("--summary", help="输出汇总表行（.xlsx 或 .docx）")
    ] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="允许覆盖已有文件")] = False,
) -> None:
    """把申报书导出为附件2版式的 Word 文件，以及附件3汇总表中的一行。"""
    from assistant.application_reader import read_application
    from assistant.docx_io.writer import export_docx
    from assistant.export_check import check_before_export
    from assistant.summary_table import write_summary_docx, write_summary_xlsx

    if docx_out is None and summary_out is None:
        raise _input_error("请至少指定 --docx 或 --summary 之一")
    app_ = read_application(application)
    if docx_out is not None:
        if docx_out.suffix.lower() != ".docx":
            raise _input_error("--docx 应为 .docx 文件")
        export_docx(app_, docx_out, overwrite=overwrite)
        console.print(f"已写入 {docx_out}")
    if summary_out is not None:
        suffix = summary_out.suffix.lower()
        if suffix not in (".docx", ".xlsx"):
            raise _input_error("--summary 应为 .docx 或 .xlsx 文件")
        (write_summary_docx if suffix == ".docx" else write_summary_xlsx)(
            [app_], summary_out, overwrite=overwrite
        )
        console.print(f"已写入 {summary_out}")
    _print_issues(check_before_export(app_))


@app.command("draft")
def draft_cmd(
    material: Annotated[
        list[Path],
        typer.Argument(
            help="原始材料，可多个文件合为一份：.txt/.md/.docx/.xlsx/.pdf，或 .yaml/.json 事实清单"
        ),
    ],
    domain: Annotated[str | None, typer.Option(help="领域，如 生产作业")] = None,
    link: Annotated[str | None, typer.Option(help="环节，如 质量管控")] = None,
    scene: Annotated[str | None, typer.Option(help="场景，如 在线智能检测")] = None,
    instance: Annotated[str | None, typer.Option(help="场景实例名称")] = None,
    fmt: Annotated[str, typer.Option("--format", help="md / json / docx")] = "md",
    out: Annotated[Path | None, typer.Option("--out", help="输出文件（docx 必填）")] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="允许覆盖已有文件")] = False,
) -> None:
    """由原始材料起草一个场景实例（五部分，均在字数上限内），缺的数字列为问题而不编造。"""
    from assistant.config import get_settings
    from assistant.drafting.material import load_materials
    from assistant.drafting.render import draft_json, draft_markdown
    from assistant.drafting.service import draft_scene
    from assistant.knowledge.index import ensure_index

    if fmt not in ("md", "json", "docx"):
        raise _input_error(f"--format 只能是 md、json、docx，收到：{fmt}")
    if fmt == "docx" and out is None:
        raise _input_error("--format docx 需要用 --out 指定 .docx 文件")
    if out is not None and out.exists() and not overwrite:
        raise _input_error(f"{out} 已存在；如需覆盖请加 --overwrite")
    settings = get_settings()
    ensure_index(settings, announce=err_console.print)
    err_console.print(f"[dim]{settings.mode}[/]")
    result = draft_scene(
        load_materials(material), settings, domain=domain, link=link, scene=scene, instance=instance
    )
    if result.fell_back:
        err_console.print(f"[yellow]{result.notes[0]}[/]")
    if fmt == "json":
        _emit(draft_json(result), out)
    elif fmt == "md":
        _emit(draft_markdown(result), out)
    else:
        from assistant.docx_io.writer import export_docx
        from assistant.models import Application

        assert out is not None
        export_docx(Application(scenes=[result.scene]), out, overwrite=overwrite)
        err_console.print(f"已写入 {out}")


@app.command("draft-application")
def draft_application_cmd(
    material: Annotated[
        list[Path],
        typer.Argument(
            help="每个场景一份材料：一个文件即一个场景（.txt/.md/.docx/.xlsx/.pdf/.yaml/.json），"
            "一个文件夹即一个场景（夹内文件合为该场景的材料）；按给出的顺序排列场景"
        ),
    ],
    basic_info: Annotated[
        Path | None,
        typer.Option(
            "--basic-info",
            help="基本信息 YAML：申报书字段（project_name、applicant、enterprise: {name, …}、factory_name…），"
            "可加 scenes: 按材料顺序给出每个场景的 domain/link/scene/instance",
        ),
    ] = None,
    about: Annotated[
        list[Path] | None,
        typer.Option("--about", help="关于企业与项目整体的材料（背景、基础条件），可多次给出"),
    ] = None,
    docx_out: Annotated[Path | None, typer.Option("--docx", help="输出附件2版式的 .docx")] = None,
    summary_out: Annotated[
        Path | None, typer.Option("--summary", help="输出汇总表行（.xlsx 或 .docx）")
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="另存申报书 JSON（可再编辑后 export）")
    ] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="允许覆盖已有文件")] = False,
) -> None:
    """由各场景的原始材料起草整份申报书（场景、项目简述、总体情况、实施成效、附件清单）并导出；
    导出前列出仍不完整或超出字数的内容（不阻止导出），以及需要企业补充的问题。

    每个 MATERIAL 是一个场景：给文件，该文件即一个场景的材料；给文件夹，夹内全部材料文件合为一个场景。
    例：assistant draft-application 注塑/ 排产.md 售后.docx --basic-info 基本信息.yaml --docx 申报书.docx
    """
    from assistant.config import get_settings
    from assistant.drafting.assemble import (
        draft_application,
        export_application,
        load_basic_info,
        scene_materials,
    )
    from assistant.drafting.material import load_materials
    from assistant.knowledge.index import ensure_index

    outputs = [p for p in (docx_out, summary_out, json_out) if p is not None]
    if not outputs:
        raise _input_error("请至少指定 --docx、--summary 或 --json 之一")
    for target in outputs:
        if target.exists() and not overwrite:
            raise _input_error(f"{target} 已存在；如需覆盖请加 --overwrite")
    info = load_basic_info(basic_info) if basic_info else None
    materials = scene_materials(material)
    settings = get_settings()
    hints = info.scenes if info else []
    if len(hints) < len(materials) or any(not (h.link and h.scene) for h in hints):
        ensure_index(
            settings, announce=err_console.print
        )  # some scene's 环节/场景 is proposed by the knowledge base
    err_console.print(f"[dim]{settings.mode}[/]")
    drafted = draft_application(materials, settings, info, load_materials(about) if about else None)
    for result in drafted.scenes:
        if result.fell_back:
            err_console.print(f"[yellow]{result.notes[0]}[/]", highlight=False)
    app_ = drafted.application
    if json_out is not None:
        from assistant.storage import atomic_write_text

        atomic_write_text(
            json_out, app_.model_dump_json(indent=2, exclude={"scenes": {"__all__": {"title"}}})
        )
        console.print(f"已写入 {json_out}", highlight=False)
    issues = export_application(app_, docx=docx_out, summary=summary_out, overwrite=overwrite)
    for target in (docx_out, summary_out):
        if target is not None:
            console.print(f"已写入 {target}", highlight=False)
    console.print(f"共 {len(app_.scenes)} 个场景：", highlight=False)
    for i, scene in enumerate(app_.scenes, 1):
        console.print(f"  {i}. [{scene.domain}] {scene.title}", highlight=False)
    _print_issues(issues)
    questions = drafted.questions()
    if questions:
        console.print(f"需要企业补充的问题（{len(questions)}）：")
        for q in questions:
            console.print(f"  - {q}", highlight=False, soft_wrap=True)


user_app = typer.Typer(help="管理网页登录用户（绑定非本机地址时必须登录）。", no_args_is_help=True)
app.add_typer(user_app, name="user")


@user_app.command("add")
def user_add_cmd(
    name: Annotated[str, typer.Argument(help="用户名")],
    file: Annotated[
        Path | None,
        typer.Option("--file", help="用户文件；默认为 ASSISTANT_USERS_FILE 或数据目录下的 users.txt"),
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="从标准输入读取密码（脚本用）")
    ] = False,
) -> None:
    """添加或更新一个登录用户；密码以 PBKDF2-SHA256 加盐哈希保存，文件中没有明文。"""
    from assistant.config import get_settings
    from assistant.webapp.access import add_user

    settings = get_settings()
    path = file or settings.users_file or settings.data_dir / "users.txt"
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("密码", hide_input=True, confirmation_prompt=True)
    new = add_user(path, name, password)
    console.print(f"{'已添加' if new else '已更新'}用户 {name}：{path}", highlight=False)
    if settings.users_file is None or settings.users_file.resolve() != path.resolve():
        console.print(f"启动前请设置 ASSISTANT_USERS_FILE={path}", highlight=False)


def _print_issues(issues: list) -> None:
    """The pre-export list: what the exported file still lacks or exceeds (export is not blocked)."""
    if issues:
        console.print(f"[yellow]导出前检查：以下 {len(issues)} 项不完整或超出字数（已照常导出）：[/]")
        for issue in issues:
            console.print(f"  - {issue.line()}", highlight=False, soft_wrap=True)
    else:
        console.print("导出前检查：各部分齐全，均在字数上限内。")


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    from assistant.storage import atomic_write_text

    atomic_write_text(out, text)
    err_console.print(f"已写入 {out}")


def _input_error(message: str) -> AssistantError:
    from assistant.errors import InputError

    return InputError(message)


def main() -> None:
    """Entry point: user-facing errors become one Chinese line and exit code 2."""
    # Text cut mid-character (a paste, ``head -c``) reaches Python as lone surrogates that no
    # encoder accepts; the broken bytes become U+FFFD so the rest of the text is still used.
    sys.argv = [arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace") for arg in sys.argv]
    try:
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
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
