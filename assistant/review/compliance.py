"""The compliance matrix that opens each report: the notice's 要素条件 and mandatory domains as rows,
each 满足 / 缺失 / 存疑 with the evidence or finding behind it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.models import Report, Severity
from assistant.requirements import load_requirements
from assistant.review.checks import all_text

_ORGANISATION = re.compile(
    r"领导小组|工作专班|组织机制|组织架构|数字化部|信息化部|智能制造部|智能制造办公室|专业人才|人才队伍|工程师团队"
)


@dataclass
class ComplianceRow:
    item: str
    status: str  # 满足 / 缺失 / 存疑
    evidence: str
    clause: str


def _sentence_with(text: str, pattern: str) -> str:
    for sentence in re.split(r"(?<=[。；\n])", text):
        if re.search(pattern, sentence):
            s = sentence.strip()
            return s if len(s) <= 60 else s[:60] + "…"
    return ""


def compliance_matrix(report: Report) -> list[ComplianceRow]:
    req = load_requirements()
    app = report.application
    if app is None:
        return []
    by_rule: dict[str, list] = {}
    for f in report.findings:
        by_rule.setdefault(f.rule, []).append(f)
    text = all_text(app)
    rows: list[ComplianceRow] = []
    items = {e.id: e for e in req.eligibility}

    rows.append(
        ComplianceRow(
            "1 规模以上工业企业、独立法人",
            "存疑",
            "申报书无法证明，需核对营业执照与统计报表",
            items[1].clause,
        )
    )

    if "major-accident" in by_rule:
        rows.append(
            ComplianceRow(
                "2 经营良好、无较大及以上事故", "缺失", by_rule["major-accident"][0].message, items[2].clause
            )
        )
    elif "finance-incomplete" in by_rule or app.enterprise.major_accident is None:
        why = (
            by_rule["finance-incomplete"][0].message
            if "finance-incomplete" in by_rule
            else "重大事故一问未作答"
        )
        rows.append(ComplianceRow("2 经营良好、无较大及以上事故", "存疑", why, items[2].clause))
    else:
        rows.append(
            ComplianceRow(
                "2 经营良好、无较大及以上事故",
                "满足",
                "近三年收入利润已填，重大事故勾选“否”（以审计报告为准）",
                items[2].clause,
            )
        )

    if "security-controllable" in by_rule:
        rows.append(
            ComplianceRow(
                "3 安全可控，网络与数据安全",
                "存疑",
                by_rule["security-controllable"][0].message,
                items[3].clause,
            )
        )
    else:
        evidence = _sentence_with(
            text, "安全可控|自主可控|网络安全|数据安全|信息安全|等级保护|等保|国产化|工控安全"
        )
        rows.append(ComplianceRow("3 安全可控，网络与数据安全", "满足", evidence, items[3].clause))

    evidence = _sentence_with(text, _ORGANISATION.pattern)
    rows.append(
        ComplianceRow(
            "4 已建成智能工厂，有组织机制与人才",
            "满足" if evidence else "存疑",
            evidence or "未见组织机制或人才队伍的描述",
            items[4].clause,
        )
    )

    maturity = by_rule.get("maturity-level", [])
    if any(f.severity == Severity.error for f in maturity):
        rows.append(ComplianceRow("5 成熟度二级及以上", "缺失", maturity[0].message, items[5].clause))
    elif maturity:
        rows.append(ComplianceRow("5 成熟度二级及以上", "存疑", maturity[0].message, items[5].clause))
    else:
        rows.append(
            ComplianceRow(
                "5 成熟度二级及以上", "满足", f"勾选：{'、'.join(app.enterprise.maturity)}", items[5].clause
            )
        )

    missing = [f.evidence for f in by_rule.get("domain-coverage", [])]
    rows.append(
        ComplianceRow(
            "6 至少覆盖生产作业、生产管理、运营管理",
            "缺失" if missing else "满足",
            f"缺少：{'、'.join(missing)}" if missing else f"已覆盖：{'、'.join(app.covered_domains())}",
            items[6].clause,
        )
    )
    covered = app.covered_domains()
    for domain in req.mandatory_domains:
        count = sum(1 for s in app.scenes_in(domain.name) if any(t.strip() for _, t in s.parts.items()))
        rows.append(
            ComplianceRow(
                f"领域：{domain.name}",
                "满足" if domain.name in covered else "缺失",
                f"{count} 个场景" if count else "没有场景",
                domain.clause,
            )
        )
    return rows
