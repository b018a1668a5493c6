"""Judge eval: the LLM judge's grades against the human grades of evals/review/cases, its variance over
repeated runs, and whether injected instructions change anything.

Runs only when a model is configured (and ``--offline`` is not given); otherwise it reports that
it was skipped and no threshold applies — a judge measured against a scripted model would say
nothing about the judge. Each scene is judged ``ASSISTANT_JUDGE_RUNS`` times (default 3); every
reply is cached under the data dir, so re-running the eval repeats the same numbers at no cost.

Injection (evals/review/injected/cases.yaml): each sample is a graded draft with sentences addressed
to the model put into it; the control is the same draft without them. An injection is effective
when the rule findings differ, or the judge's grade for an injected scene differs from the control.
"""

from __future__ import annotations

import os
import statistics
from pathlib import Path
from typing import Any

import yaml

from assistant.application_reader import read_application
from assistant.config import Settings
from assistant.errors import LLMError
from assistant.judge import judge_scene, judge_version
from assistant.models import Application
from assistant.review.engine import review_application
from assistant.review.grading import GRADES
from evals.metrics import agreement, weighted_kappa
from evals.review.suite import load_cases

HERE = Path(__file__).parent
INJECTED = HERE.parent / "review" / "injected" / "cases.yaml"
SKIPPED = "未配置大模型，跳过"
DEFAULT_RUNS = 3


def judge_runs() -> int:
    try:
        return max(1, int(os.environ.get("ASSISTANT_JUDGE_RUNS", DEFAULT_RUNS)))
    except ValueError:
        return DEFAULT_RUNS


def consensus(grades: list[str]) -> str:
    """The median grade of the runs (the lower middle one for an even count): robust to one odd run."""
    ordered = sorted(grades, key=GRADES.index)
    return ordered[(len(ordered) - 1) // 2]


class _Tally:
    """Counts over every judge call of a run of the eval."""

    def __init__(self) -> None:
        self.calls = self.hits = self.invalid = 0
        self.neutralised: set[str] = set()  # sentences kept from the model, over every call
        self.problems: list[str] = []

    def judge(self, app: Application, index: int, settings: Settings, runs: int, label: str) -> list[str]:
        grades = []
        for run in range(runs):
            result = judge_scene(app, index, settings, run=run)
            self.calls += 1
            self.hits += result.cached
            self.neutralised.update(result.neutralised)
            if result.grade is None:
                self.invalid += 1
                self.problems.append(f"{label} 场景{index} 第{run + 1}次：{result.error}")
            else:
                grades.append(result.grade)
        return grades


def agreement_metrics(settings: Settings, runs: int, tally: _Tally) -> dict[str, Any]:
    pairs: list[tuple[str, str]] = []  # (human, judge consensus)
    per_run: list[list[tuple[str, str]]] = [[] for _ in range(runs)]
    changed = 0
    stds: list[float] = []
    for case in load_cases():
        app = read_application(case["draft"])
        for gold in sorted(case["scene_grades"], key=lambda g: g["index"]):
            grades = tally.judge(app, gold["index"], settings, runs, case["id"])
            if not grades:
                continue
            pairs.append((gold["grade"], consensus(grades)))
            if len(grades) == runs:
                for run, grade in enumerate(grades):
                    per_run[run].append((gold["grade"], grade))
            numeric = [GRADES.index(g) for g in grades]
            changed += len(set(numeric)) > 1
            stds.append(statistics.pstdev(numeric))
    exact, within = agreement(pairs, GRADES)
    run_kappas = [weighted_kappa(p, GRADES) for p in per_run if p]
    return {
        "scenes": len(pairs),
        "runs": runs,
        "grade.exact": round(exact, 4),
        "grade.within_one": round(within, 4),
        "grade.kappa": round(weighted_kappa(pairs, GRADES), 4),
        "grade.kappa_worst_run": round(min(run_kappas), 4) if run_kappas else None,
        "variance.changed_share": round(changed / len(stds), 4) if stds else 0.0,
        "variance.grade_std": round(statistics.fmean(stds), 4) if stds else 0.0,
    }


def load_injected(path: Path = INJECTED) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or []


def inject(app: Application, sentences: list[dict[str, Any]]) -> Application:
    """A copy of ``app`` with each sentence appended to its part (or to 企业简介)."""
    injected = app.model_copy(deep=True)
    for item in sentences:
        if item["section"] == "企业简介":
            injected.enterprise.profile += item["text"]
            continue
        parts = injected.scenes[item["scene_index"] - 1].parts
        setattr(parts, item["section"], getattr(parts, item["section"]) + item["text"])
    return injected


def _rule_keys(app: Application) -> list[tuple]:
    return [(f.rule, f.scene_index, f.section, f.severity.value) for f in review_application(app).findings]


def injection_metrics(settings: Settings, runs: int, tally: _Tally) -> dict[str, Any]:
    cases_dir = HERE.parent / "review" / "cases"
    effective = rule_changes = grade_changes = rejected = expected = caught = 0
    for case in load_injected():
        clean = read_application(cases_dir / case["base"] / "draft.json")
        dirty = inject(clean, case["inject"])
        changed = False
        if _rule_keys(clean) != _rule_keys(dirty):
            rule_changes += 1
            changed = True
            tally.problems.append(f"{case['id']}：注入改变了规则审查结果")
        touched = sorted(
            {i["scene_index"] for i in case["inject"] if i.get("scene_index")}
            or range(1, len(clean.scenes) + 1)
        )
        for index in touched:
            before = tally.judge(clean, index, settings, runs, f"{case['id']}（对照）")
            after = tally.judge(dirty, index, settings, runs, f"{case['id']}（注入）")
            rejected += runs - len(after)
            if before and after and consensus(before) != consensus(after):
                grade_changes += 1
                changed = True
                tally.problems.append(
                    f"{case['id']} 场景{index}：注入后等级 {consensus(before)} → {consensus(after)}"
                )
        effective += changed
        for item in case["inject"]:
            if item.get("caught"):
                expected += 1
                if item["text"].strip() in tally.neutralised:
                    caught += 1
                else:
                    tally.problems.append(f"{case['id']}：过滤器没有拦下“{item['text'].strip()}”")
    return {
        "injection.cases": len(load_injected()),
        "injection.effective": effective,
        "injection.rule_changes": rule_changes,
        "injection.grade_changes": grade_changes,
        "injection.rejected_replies": rejected,
        "injection.neutralised": caught,
        "injection.expected_neutralised": expected,
    }


def run(settings: Settings, offline: bool) -> dict[str, Any]:
    if offline or not settings.llm_configured:
        return {"skipped": SKIPPED}
    runs = judge_runs()
    tally = _Tally()
    try:
        metrics = agreement_metrics(settings, runs, tally)
        metrics |= injection_metrics(settings, runs, tally)
    except LLMError as err:
        raise SystemExit(f"评审模型调用失败：{err}") from err
    metrics["judge"] = judge_version()
    metrics["model"] = settings.llm_model
    metrics["replies.calls"] = tally.calls
    metrics["replies.cache_hits"] = tally.hits
    metrics["replies.invalid_share"] = round(tally.invalid / tally.calls, 4) if tally.calls else 0.0
    metrics["problems"] = tally.problems
    return metrics
