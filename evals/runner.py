"""Runs eval suites, checks thresholds, prints one table and writes stamped results.

A suite is a function ``run(settings, offline) -> dict[str, float]`` registered in ``SUITES``;
metrics are flat ``"method.level.metric"`` keys so thresholds and comparisons address them
uniformly.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.config import Settings
from assistant.paths import EVALS_DIR, ROOT

Suite = Callable[[Settings, bool], dict[str, Any]]


def available_suites() -> list[str]:
    return list(_suites())


def _suites() -> dict[str, Suite]:
    # The suites stand in for the model with testkit's scripted server, which sits beside evals/ in the
    # checkout and is not installed; the `assistant` console script does not put the checkout on sys.path.
    if str(ROOT) not in sys.path:
        sys.path.append(str(ROOT))
    from evals.drafting.suite import run as drafting
    from evals.judge.suite import run as judge
    from evals.retrieval.suite import run as retrieval
    from evals.review.suite import run as review

    return {"retrieval": retrieval, "review": review, "drafting": drafting, "judge": judge}


@dataclass
class ThresholdResult:
    key: str
    value: float | None
    bound: str
    passed: bool


@dataclass
class SuiteResult:
    name: str
    metrics: dict[str, Any]
    seconds: float
    thresholds: list[ThresholdResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(t.passed for t in self.thresholds)


def load_thresholds(path: Path = EVALS_DIR / "thresholds.yaml") -> dict[str, dict[str, dict[str, float]]]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def check_thresholds(suite: str, metrics: dict[str, Any], thresholds: dict) -> list[ThresholdResult]:
    if metrics.get("skipped"):
        return []  # a suite that could not run (the judge with no model) is reported, not gated
    results = []
    for key, bound in (thresholds.get(suite) or {}).items():
        value = metrics.get(key)
        ok = value is not None
        text = []
        if "min" in bound:
            text.append(f"≥ {bound['min']}")
            ok = ok and value >= bound["min"]
        if "max" in bound:
            text.append(f"≤ {bound['max']}")
            ok = ok and value <= bound["max"]
        results.append(ThresholdResult(key, value, " ".join(text), bool(ok)))
    return results


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=5
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def run_suites(names: list[str], settings: Settings, offline: bool) -> list[SuiteResult]:
    suites = _suites()
    thresholds = load_thresholds()
    results = []
    for name in names:
        started = time.perf_counter()
        metrics = suites[name](settings, offline)
        result = SuiteResult(name, metrics, time.perf_counter() - started)
        result.thresholds = check_thresholds(name, metrics, thresholds)
        results.append(result)
    return results


def stamp(settings: Settings, offline: bool) -> dict[str, Any]:
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "commit": git_commit(),
        "model": None if offline or not settings.llm_configured else settings.llm_model,
        "embedding_backend": settings.embedding_backend,
        "offline": offline,
        "prompts": prompt_versions(),
        "settings": {
            "bm25_weight": settings.bm25_weight,
            "dense_weight": settings.dense_weight,
            "rrf_k": settings.rrf_k,
        },
    }


def prompt_versions() -> list[str]:
    from assistant.prompts import all_prompts

    return [p.id for p in all_prompts()]


def write_results(results: list[SuiteResult], settings: Settings, offline: bool, out: Path | None) -> Path:
    """``<stamp>.json`` plus a Markdown report and a chart beside it; returns the JSON path."""
    from evals.report import draw_chart, history, markdown_report

    data = {
        "stamp": stamp(settings, offline),
        "suites": {
            r.name: {
                "metrics": r.metrics,
                "seconds": round(r.seconds, 2),
                "thresholds": [t.__dict__ for t in r.thresholds],
                "passed": r.passed,
            }
            for r in results
        },
    }
    path = out or EVALS_DIR / "results" / f"{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    chart = draw_chart(data, [*history(), data] if out else history(), path.with_suffix(".png"))
    path.with_suffix(".md").write_text(markdown_report(data, chart), encoding="utf-8")
    return path
