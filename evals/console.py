"""`assistant eval` on the terminal: run the suites, print the threshold table and the metric matrices,
write the stamped results and compare with an older run. The CLI only parses options and calls ``run``."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from assistant.config import get_settings
from assistant.errors import InputError
from evals.report import compare as compare_runs
from evals.runner import SuiteResult, available_suites, run_suites, write_results


def run(suite: str, offline: bool, out: Path | None, compare: Path | None, console: Console) -> bool:
    """Runs ``suite`` (or ``all``) and prints the results; True when every threshold passes."""
    old = _old_run(compare)
    names = available_suites() if suite == "all" else [suite]
    unknown = [n for n in names if n not in available_suites()]
    if unknown:
        raise InputError(f"没有评测集 {unknown[0]}，可选：{'、'.join(available_suites())}、all")
    settings = get_settings()
    results = run_suites(names, settings, offline=offline or not settings.llm_configured)
    console.print(threshold_table(results))
    for result in results:
        if result.metrics.get("skipped"):
            console.print(f"[yellow]{result.name}：{result.metrics['skipped']}[/]（不计入阈值）")
        for matrix in metrics_matrix(result.name, result.metrics):
            console.print(matrix)
    path = write_results(results, settings, offline, out)
    console.print(f"结果已写入 {path}（另有 {path.with_suffix('.md').name} 与图表）")
    if old is not None and compare is not None:
        console.print(comparison_table(old, json.loads(path.read_text(encoding="utf-8")), compare.name))
    return all(r.passed for r in results)


def _old_run(compare: Path | None) -> dict | None:
    if compare is None:
        return None
    if not compare.exists():
        raise InputError(f"找不到要比较的结果文件：{compare}")
    try:
        return json.loads(compare.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise InputError(f"{compare.name} 不是评测结果 JSON") from err


def threshold_table(results: list[SuiteResult]) -> Table:
    table = Table(title="评测结果")
    for column in ("评测集", "指标", "数值", "阈值", "结果"):
        table.add_column(column)
    for result in results:
        for t in result.thresholds:
            value = "—" if t.value is None else f"{t.value:.4f}"
            table.add_row(
                result.name, t.key, value, t.bound, "[green]通过[/]" if t.passed else "[red]未通过[/]"
            )
    return table


def comparison_table(old: dict, new: dict, old_name: str) -> Table:
    """Only the metrics that changed (or exist in one run only)."""
    diff = Table(title=f"与 {old_name} 比较")
    for column in ("指标", "旧", "新", "变化"):
        diff.add_column(column, justify="right" if column != "指标" else "left")
    for key, x, y, d in compare_runs(old, new):
        if d is None or abs(d) > 1e-9:
            diff.add_row(
                key,
                "—" if x is None else f"{x:.4g}",
                "—" if y is None else f"{y:.4g}",
                "" if d is None else f"{d:+.4g}",
            )
    return diff


def metrics_matrix(name: str, metrics: dict) -> list[Table]:
    """Metrics named a.b.c as tables. ``rule.X.precision`` / ``format.X.recall`` / ``grades.X.kappa``:
    one table per group, rows X, columns the measure. ``hybrid.link.mrr``: rows ``link.mrr``, a
    column per method, so methods sit side by side."""
    grouped: dict[str, dict[str, dict[str, float]]] = {}
    for key, value in metrics.items():
        parts = key.split(".")
        if len(parts) != 3 or not isinstance(value, int | float):
            continue
        a, b, c = parts
        if a in ("rule", "format", "grades", "passages"):
            grouped.setdefault(f"{name} · {a}", {}).setdefault(b, {})[c] = value
        else:
            grouped.setdefault(f"{name} · 方法对比", {}).setdefault(f"{b}.{c}", {})[a] = value
    tables = []
    for title, rows in grouped.items():
        columns: list[str] = []
        for values in rows.values():
            columns += [c for c in values if c not in columns]
        table = Table(title=title)
        table.add_column("")
        for column in columns:
            table.add_column(column, justify="right")
        for row, values in rows.items():
            table.add_row(row, *[f"{values[c]:.4g}" if c in values else "—" for c in columns])
        tables.append(table)
    return tables
