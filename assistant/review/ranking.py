"""A ranking for 遴选 within each 推荐单位: the notice asks cities to select strictly (≤4 or ≤7).

Order: eligibility first (an application failing a 要素条件 goes last), then fewer errors, then more
环节 covered, then better scene grades, then fewer warnings. The quota line is drawn after the
unit's limit; 标杆企业 are listed apart, as they apply without using a place. The ranking supports
the reviewers' judgement and never replaces it: it only orders what the rules found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assistant.models import Report
from assistant.requirements import load_requirements
from assistant.review.grading import scene_grades

DISCLAIMER = "本排序只按规则审查的结果排列（要素条件、错误数、覆盖环节、场景等级），供遴选参考；它辅助而不取代评审专家与推荐单位的判断。"
_POINTS = {"A": 3, "B": 2, "C": 1, "D": 0}


@dataclass
class RankedApplication:
    file: str
    applicant: str
    project: str
    eligible: bool
    errors: int
    warnings: int
    links: int
    grades: list[str]
    rank: int = 0
    within_quota: bool = False
    reason: str = ""

    @property
    def grade_points(self) -> float:
        return sum(_POINTS.get(g, 0) for g in self.grades) / len(self.grades) if self.grades else 0.0


@dataclass
class UnitRanking:
    unit: str
    limit: int | None  # None: the 推荐单位 names no 设区市, so no quota applies that we know of
    ranked: list[RankedApplication] = field(default_factory=list)
    benchmark: list[RankedApplication] = field(default_factory=list)


def _entry(report: Report) -> RankedApplication:
    app = report.application
    assert app is not None
    grades = scene_grades(report)
    entry = RankedApplication(
        file=Path(report.file).name,
        applicant=app.applicant or app.enterprise.name,
        project=app.project_name,
        eligible=not any(f.eligibility for f in report.errors),
        errors=len(report.errors),
        warnings=len(report.warnings),
        links=len({s.link for s in app.scenes if s.link}),
        grades=grades,
    )
    parts = []
    if not entry.eligible:
        failed = "；".join(dict.fromkeys(f.message for f in report.errors if f.eligibility))
        parts.append(f"不满足要素条件：{failed}")
    parts.append(f"错误 {entry.errors} 项、警告 {entry.warnings} 项")
    parts.append(f"覆盖 {entry.links} 个环节")
    if grades:
        parts.append(f"场景等级 {' '.join(grades)}")
    entry.reason = "；".join(parts)
    return entry


def rank_batch(reports: list[Report]) -> list[UnitRanking]:
    req = load_requirements()
    units: dict[str, UnitRanking] = {}
    for report in reports:
        if report.application is None:
            continue
        app = report.application
        unit = req.quota.unit_of(app.recommender)
        name = unit or app.recommender or "未填推荐单位"
        group = units.setdefault(name, UnitRanking(name, req.quota.limit_for(unit) if unit else None))
        entry = _entry(report)
        (group.benchmark if app.benchmark else group.ranked).append(entry)
    for group in units.values():
        group.ranked.sort(key=lambda e: (not e.eligible, e.errors, -e.links, -e.grade_points, e.warnings))
        for i, entry in enumerate(group.ranked, 1):
            entry.rank = i
            entry.within_quota = entry.eligible and (group.limit is None or i <= group.limit)
    return list(units.values())


RANK_COLUMNS = ("推荐单位", "名次", "申报单位", "项目名称", "名额内", "理由", "文件")


def ranking_rows(rankings: list[UnitRanking]) -> list[list]:
    """Rows for a table: ranked applications, a quota line after the limit, then 标杆企业 apart."""
    rows: list[list] = []
    for group in rankings:
        for entry in group.ranked:
            rows.append(
                [
                    group.unit,
                    entry.rank,
                    entry.applicant,
                    entry.project,
                    "是" if entry.within_quota else "否",
                    entry.reason,
                    entry.file,
                ]
            )
            if group.limit is not None and entry.rank == group.limit and len(group.ranked) > group.limit:
                rows.append([group.unit, None, f"—— 名额线（上限 {group.limit} 个）——", "", "", "", ""])
        for entry in group.benchmark:
            rows.append(
                [
                    group.unit,
                    None,
                    entry.applicant,
                    entry.project,
                    "不占名额",
                    f"标杆企业；{entry.reason}",
                    entry.file,
                ]
            )
    return rows
