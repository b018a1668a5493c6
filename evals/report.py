"""Eval results for people: a Markdown report, a side-by-side comparison of two runs, and charts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from assistant.paths import EVALS_DIR

RESULTS_DIR = EVALS_DIR / "results"


def flat_metrics(run: dict[str, Any]) -> dict[str, float]:
    """``suite.metric`` → number, for every numeric metric of a results file."""
    flat = {}
    for suite, data in run.get("suites", {}).items():
        for key, value in data.get("metrics", {}).items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                flat[f"{suite}.{key}"] = float(value)
    return flat


def compare(
    old: dict[str, Any], new: dict[str, Any]
) -> list[tuple[str, float | None, float | None, float | None]]:
    a, b = flat_metrics(old), flat_metrics(new)
    rows = []
    for key in sorted(set(a) | set(b)):
        x, y = a.get(key), b.get(key)
        rows.append((key, x, y, None if x is None or y is None else y - x))
    return rows


def markdown_report(run: dict[str, Any], chart: Path | None = None) -> str:
    stamp = run["stamp"]
    lines = [
        "# 评测结果",
        "",
        f"- 时间：{stamp['date']}　提交：`{stamp['commit'] or '未知'}`",
        f"- 模型：{stamp['model'] or '离线（脚本化模型服务器）'}　提示词：{', '.join(stamp.get('prompts', []))}",
        f"- 设置：{json.dumps(stamp['settings'], ensure_ascii=False)}",
        "",
    ]
    for suite, data in run["suites"].items():
        verdict = "通过" if data["passed"] else "**未通过**"
        lines += [
            f"## {suite}（{verdict}，用时 {data['seconds']} 秒）",
            "",
            "| 指标 | 数值 | 阈值 | 结果 |",
            "|---|---|---|---|",
        ]
        if data["metrics"].get("skipped"):
            lines[-2:] = [f"{data['metrics']['skipped']}（不计入阈值）", ""]
        for t in data["thresholds"]:
            value = "—" if t["value"] is None else f"{t['value']:.4g}"
            lines.append(f"| {t['key']} | {value} | {t['bound']} | {'通过' if t['passed'] else '未通过'} |")
        others = [
            (k, v)
            for k, v in data["metrics"].items()
            if isinstance(v, int | float) and not isinstance(v, bool)
        ]
        if others:
            lines += ["", "<details><summary>全部指标</summary>", "", "| 指标 | 数值 |", "|---|---|"]
            lines += [f"| {k} | {v:.4g} |" for k, v in others]
            lines += ["", "</details>"]
        problems = data["metrics"].get("problems") or []
        if problems:
            lines += ["", "未对上金标准的条目：", *[f"- {p}" for p in problems[:50]]]
        lines.append("")
    if chart is not None:
        lines += [f"![各规则精确率与召回率、起草指标]({chart.name})", ""]
    return "\n".join(lines)


def compare_markdown(old: dict[str, Any], new: dict[str, Any]) -> str:
    head = f"| 指标 | 旧（{old['stamp'].get('model') or '离线'}） | 新（{new['stamp'].get('model') or '离线'}） | 变化 |"
    lines = [head, "|---|---|---|---|"]
    for key, x, y, d in compare(old, new):
        fmt = lambda v: "—" if v is None else f"{v:.4g}"  # noqa: E731
        lines.append(f"| {key} | {fmt(x)} | {fmt(y)} | {'' if d is None else f'{d:+.4g}'} |")
    return "\n".join(lines)


def draw_chart(run: dict[str, Any], history: list[dict[str, Any]], path: Path) -> Path | None:
    """Per-rule precision/recall of this run, and drafting metrics across the recorded runs (PNG)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    review = run["suites"].get("review", {}).get("metrics", {})
    rules = sorted({k.split(".")[1] for k in review if k.startswith("rule.") and k.endswith(".precision")})
    fig, axes = plt.subplots(1, 2, figsize=(14, 5))
    if rules:
        xs = range(len(rules))
        axes[0].bar(
            [x - 0.2 for x in xs],
            [review[f"rule.{r}.precision"] for r in rules],
            width=0.4,
            label="precision",
        )
        axes[0].bar(
            [x + 0.2 for x in xs], [review[f"rule.{r}.recall"] for r in rules], width=0.4, label="recall"
        )
        axes[0].set_xticks(list(xs), rules, rotation=70, ha="right", fontsize=8)
        axes[0].set_ylim(0, 1.05)
        axes[0].axhline(0.9, color="grey", linestyle="--", linewidth=0.8)
        axes[0].set_title("review: per-rule precision / recall")
        axes[0].legend(loc="lower left")
    runs = [r for r in history if "drafting" in r.get("suites", {})]
    if runs:
        labels = [r["stamp"]["date"][5:16] for r in runs]
        for key in ("online.draft.within_limit", "guard.false_acceptance", "guard.false_rejection"):
            axes[1].plot(
                labels, [r["suites"]["drafting"]["metrics"].get(key) for r in runs], marker="o", label=key
            )
        calls = [r["suites"]["drafting"]["metrics"].get("online.llm.calls_per_scene") for r in runs]
        axes[1].plot(
            labels, [c / 2 if c is not None else None for c in calls], marker="s", label="calls_per_scene / 2"
        )
        axes[1].set_title("drafting across recorded runs")
        axes[1].tick_params(axis="x", rotation=45, labelsize=7)
        axes[1].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def history() -> list[dict[str, Any]]:
    runs = []
    for path in sorted(RESULTS_DIR.glob("*.json")):
        try:
            runs.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError):
            continue
    return sorted(runs, key=lambda r: r.get("stamp", {}).get("date", ""))
