"""Checks across the applications of one batch (rules with ``scope: batch``): the 推荐名额 per 推荐单位
and the same 申报单位 twice. Registered by kind like every other check."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from assistant.models import Application, Finding
from assistant.requirements import Requirements
from assistant.review.checks import finding
from assistant.review.kinds import check


def applicant_key(app: Application) -> str:
    """An 申报单位 compared by name: full-width/half-width, spaces and punctuation do not matter."""
    name = unicodedata.normalize("NFKC", app.applicant or app.enterprise.name)
    return re.sub(r"[\s\W_]+", "", name)


@dataclass(frozen=True)
class Entry:
    """One application as the batch checks see it: a draft, or a row of a 汇总表."""

    key: str  # the applicant compared by name; "" when unnamed (then it is an application of its own)
    name: str
    recommender: str
    benchmark: bool
    label: str  # where it came from, as the reviewer knows it (file name, or 第N份)


@dataclass
class BatchContext:
    entries: list[Entry]
    req: Requirements

    @classmethod
    def of(cls, apps: list[Application], files: list[str] | None, req: Requirements) -> BatchContext:
        labels = [Path(f).name for f in files] if files else [f"第{i}份" for i in range(1, len(apps) + 1)]
        return cls(
            [
                Entry(
                    applicant_key(app),
                    app.applicant or app.enterprise.name,
                    app.recommender,
                    app.benchmark,
                    label,
                )
                for app, label in zip(apps, labels, strict=True)
            ],
            req,
        )


@check("quota", scopes=("batch",))
def quota(rule, ctx: BatchContext) -> list[Finding]:
    """Per 推荐单位, applications that are not 标杆企业 count against the quota; the same 申报单位 twice
    counts once (duplicate-application says so)."""
    counted: dict[str, dict[str, str]] = defaultdict(dict)
    for i, entry in enumerate(ctx.entries):
        unit = ctx.req.quota.unit_of(entry.recommender)
        if unit and not entry.benchmark:
            key = entry.key or f"#{i}"  # an unnamed draft is its own application
            counted[unit].setdefault(key, entry.name or "（未填申报单位）")
    found = []
    for unit, names in counted.items():
        limit = ctx.req.quota.limit_for(unit)
        if len(names) > limit:
            found.append(
                finding(rule, evidence="、".join(names.values()), unit=unit, count=len(names), limit=limit)
            )
    return found


@check("duplicate-application", scopes=("batch",))
def duplicate_application(rule, ctx: BatchContext) -> list[Finding]:
    """The same 申报单位 more than once in one batch: a resubmission or an old version mixed in."""
    groups: dict[str, list[Entry]] = defaultdict(list)
    for entry in ctx.entries:
        if entry.key:
            groups[entry.key].append(entry)
    found = []
    for entries in groups.values():
        if len(entries) < 2:
            continue
        names = "、".join(e.label for e in entries)
        found.append(finding(rule, evidence=names, name=entries[0].name, count=len(entries), files=names))
    return found
