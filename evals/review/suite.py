"""Review eval: hand-graded drafts (in JSON, Markdown, .docx written by pandoc and LibreOffice, and
as a city receives them: legacy .doc, PDF, scanned PDF) against their gold findings, grades and
verdicts; plus batches for the batch rules (quota, duplicate application).

Findings match on (rule, scene index, section, severity). Per-rule precision and recall are over
all cases in the four editable formats (``rule.*``), and per format (``format.<fmt>.*``) for every
format; grades are compared with the human grades (exact, within one, weighted κ).
On a scan a 字数 overrun within OCR error is a warning by design, so there length-limit findings
match without their severity.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from assistant.application_reader import read_application
from assistant.config import Settings
from assistant.errors import InputError
from assistant.review.engine import batch_findings, review_application
from assistant.review.grading import GRADES, VERDICTS, scene_grades, verdict
from evals.metrics import agreement, weighted_kappa
from evals.review.render import FORMATS, RenderToolMissing, render_all

EDITABLE_FORMATS = ("json", "md", "docx-pandoc", "docx-soffice")
OCR_FORMATS = ("pdf-scan",)

HERE = Path(__file__).parent


def load_cases() -> list[dict[str, Any]]:
    cases = []
    for folder in sorted((HERE / "cases").glob("r*")):
        gold = yaml.safe_load((folder / "gold.yaml").read_text(encoding="utf-8"))
        gold["draft"] = folder / "draft.json"
        cases.append(gold)
    return cases


def _key(rule: str, scene_index: Any, section: Any, severity: str, fmt: str = "") -> tuple:
    if fmt in OCR_FORMATS and rule == "length-limit":
        severity = "any"
    return (rule, scene_index, section, severity)


def _rule_rates(tp: Counter, fp: Counter, fn: Counter, prefix: str, metrics: dict[str, Any]) -> None:
    worst_p = worst_r = 1.0
    for rule in sorted(set(tp) | set(fp) | set(fn)):
        p = tp[rule] / (tp[rule] + fp[rule]) if tp[rule] + fp[rule] else 1.0
        r = tp[rule] / (tp[rule] + fn[rule]) if tp[rule] + fn[rule] else 1.0
        metrics[f"{prefix}rule.{rule}.precision"] = round(p, 4)
        metrics[f"{prefix}rule.{rule}.recall"] = round(r, 4)
        metrics[f"{prefix}rule.{rule}.support"] = tp[rule] + fn[rule]
        worst_p, worst_r = min(worst_p, p), min(worst_r, r)
    metrics[f"{prefix}min_rule_precision"] = round(worst_p, 4)
    metrics[f"{prefix}min_rule_recall"] = round(worst_r, 4)


def evaluate(formats: tuple[str, ...] = FORMATS) -> tuple[dict[str, Any], list[str]]:
    cases = load_cases()
    rendered = (
        render_all([(c["id"], c["draft"]) for c in cases])
        if set(formats) - {"json"}
        else {c["id"]: {"json": c["draft"]} for c in cases}
    )
    tp: Counter = Counter()
    fp: Counter = Counter()
    fn: Counter = Counter()
    per_format: dict[str, Counter] = {f: Counter() for f in formats}
    by_rule: dict[str, tuple[Counter, Counter, Counter]] = {
        f: (Counter(), Counter(), Counter()) for f in formats
    }
    problems: list[str] = []
    grade_pairs: list[tuple[str, str]] = []
    verdict_pairs: list[tuple[str, str]] = []
    for case in cases:
        for fmt in formats:
            path = rendered[case["id"]].get(fmt)
            if path is None:
                continue  # the scanned format is read for a fixed subset of cases only
            gold = Counter(
                _key(f["rule"], f.get("scene_index"), f.get("section"), f["severity"], fmt)
                for f in case["findings"]
            )
            per_format[fmt]["cases"] += 1
            try:
                app = read_application(path)
            except InputError as err:
                problems.append(f"{case['id']} {fmt}: 无法读取：{err}")
                per_format[fmt]["unreadable"] += 1
                continue
            report = review_application(app, file=str(path))
            got = Counter(
                _key(f.rule, f.scene_index, f.section, f.severity.value, fmt) for f in report.findings
            )
            f_tp, f_fp, f_fn = by_rule[fmt]
            editable = fmt in EDITABLE_FORMATS
            for key in gold | got:
                hit = min(gold[key], got[key])
                f_tp[key[0]] += hit
                per_format[fmt]["tp"] += hit
                if editable:
                    tp[key[0]] += hit
                if got[key] > hit:
                    f_fp[key[0]] += got[key] - hit
                    per_format[fmt]["fp"] += got[key] - hit
                    if editable:
                        fp[key[0]] += got[key] - hit
                    problems.append(f"{case['id']} {fmt}: 误报 {key}")
                if gold[key] > hit:
                    f_fn[key[0]] += gold[key] - hit
                    per_format[fmt]["fn"] += gold[key] - hit
                    if editable:
                        fn[key[0]] += gold[key] - hit
                    problems.append(f"{case['id']} {fmt}: 漏报 {key}")
            if fmt == "json":
                human = [g["grade"] for g in sorted(case["scene_grades"], key=lambda g: g["index"])]
                grade_pairs += list(zip(human, scene_grades(report), strict=False))
                verdict_pairs.append((case["verdict"], verdict(report)))

    metrics: dict[str, Any] = {"cases": len(cases), "formats": list(formats)}
    _rule_rates(tp, fp, fn, "", metrics)
    for fmt, c in per_format.items():
        total_p = c["tp"] + c["fp"]
        total_r = c["tp"] + c["fn"]
        metrics[f"format.{fmt}.cases"] = c["cases"]
        metrics[f"format.{fmt}.precision"] = round(c["tp"] / total_p, 4) if total_p else 1.0
        metrics[f"format.{fmt}.recall"] = round(c["tp"] / total_r, 4) if total_r else 1.0
        metrics[f"format.{fmt}.unreadable"] = c["unreadable"]
        _rule_rates(*by_rule[fmt], f"format.{fmt}.", metrics)
    exact, within = agreement(grade_pairs, GRADES)
    metrics["grades.scene.exact"] = round(exact, 4)
    metrics["grades.scene.within_one"] = round(within, 4)
    metrics["grades.scene.kappa"] = round(weighted_kappa(grade_pairs, GRADES), 4)
    v_exact, _ = agreement(verdict_pairs, VERDICTS)
    metrics["grades.verdict.exact"] = round(v_exact, 4)
    metrics["grades.verdict.kappa"] = round(weighted_kappa(verdict_pairs, VERDICTS), 4)

    # Every batch rule (scope: batch) that fired or is in a batch's gold findings, counted per rule.
    batch_tp: Counter = Counter()
    batch_fp: Counter = Counter()
    batch_fn: Counter = Counter()
    for folder in sorted((HERE / "batches").glob("b*")):
        gold = yaml.safe_load((folder / "gold.yaml").read_text(encoding="utf-8"))
        apps = [read_application(p) for p in sorted(folder.glob("app*.json"))]
        got = Counter(f.rule for f in batch_findings(apps))
        want = Counter(f["rule"] for f in gold["findings"])
        for rule in set(got) | set(want):
            batch_tp[rule] += min(got[rule], want[rule])
            batch_fp[rule] += max(0, got[rule] - want[rule])
            batch_fn[rule] += max(0, want[rule] - got[rule])
        for app in apps:
            extra = [f.rule for f in review_application(app).findings]
            if extra:
                problems.append(f"{folder.name} {app.applicant}: 误报 {extra}")
                fp["batch-apps"] += len(extra)
    for rule in sorted(batch_tp):
        tp_, fp_, fn_ = batch_tp[rule], batch_fp[rule], batch_fn[rule]
        metrics[f"rule.{rule}.precision"] = tp_ / (tp_ + fp_) if tp_ + fp_ else 1.0
        metrics[f"rule.{rule}.recall"] = tp_ / (tp_ + fn_) if tp_ + fn_ else 1.0
    metrics["batch.app_false_positives"] = fp["batch-apps"]
    return metrics, problems


def run(settings: Settings, offline: bool) -> dict[str, Any]:
    try:
        metrics, problems = evaluate()
    except RenderToolMissing as err:
        raise SystemExit(f"评测需要的转换工具缺失：{err}") from err
    metrics["problems"] = problems
    return metrics
