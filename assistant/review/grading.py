"""Scene grades and application verdicts derived from findings, as a reviewer would give them.

A 可直接提交 · B 小修 · C 大修 · D 不可用 per scene; 可提交 · 需修改 · 不符合申报条件 per application.
"""

from __future__ import annotations

from assistant.models import Finding, Report, Severity
from assistant.review.rulebook import load_rules

GRADES = ("A", "B", "C", "D")
GRADE_LABELS = {"A": "可直接提交", "B": "小修", "C": "大修", "D": "不可用"}
VERDICTS = ("可提交", "需修改", "不符合申报条件")


def _missing_part_rules() -> set[str]:
    # A part missing is what the required-parts kind reports, whatever its rule is called.
    return {r.id for r in load_rules() if r.kind == "required-parts"}


def scene_grade(findings: list[Finding]) -> str:
    # Grades stay the rules' own: an optional model pass may add advice but never moves a grade.
    findings = [f for f in findings if f.origin == "rule"]
    errors = [f for f in findings if f.severity == Severity.error]
    missing_parts = sum(1 for f in errors if f.rule in _missing_part_rules())
    if missing_parts >= 3 or (len({f.rule for f in errors}) >= 3):
        return "D"
    if errors:
        return "C"
    if any(f.severity == Severity.warning for f in findings):
        return "B"
    return "A"


def scene_grades(report: Report) -> list[str]:
    count = len(report.application.scenes) if report.application else 0
    return [scene_grade([f for f in report.findings if f.scene_index == i]) for i in range(1, count + 1)]


def verdict(report: Report) -> str:
    errors = report.errors
    if any(f.eligibility for f in errors):
        return "不符合申报条件"
    return "需修改" if errors else "可提交"
