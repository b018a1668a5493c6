"""Reviewing one application (its scene and application rules), one file, or a batch (then the batch
rules run across it)."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from assistant.application_reader import ReadDocument, read_document
from assistant.errors import InputError
from assistant.models import Application, Finding, Report, Severity, Waiver
from assistant.requirements import Requirements, load_requirements
from assistant.review.batch import BatchContext, Entry
from assistant.review.checks import Context
from assistant.review.kinds import APPLICATION_SCOPES, KINDS
from assistant.review.rulebook import Rule, load_rules
from assistant.scenes import load_scene_table

logger = logging.getLogger(__name__)
# .doc/.wps/.odt/.rtf go through LibreOffice, .pdf through its text layer or OCR, images through OCR.
REVIEWABLE_SUFFIXES = {
    ".docx", ".md", ".markdown", ".json", ".doc", ".wps", ".odt", ".rtf", ".pdf", ".png", ".jpg", ".jpeg",
}  # fmt: skip
# Formats a draft often arrives in that we cannot read: listed with what to do, never skipped unseen.
UNREADABLE_FORMATS = {
    ".txt": "纯文本（.txt）没有申报书的表格与勾选项，不能审查；请提供 .docx，或按模板整理为 .md",
    ".et": "WPS 表格（.et）是电子表格，不是申报书；申报书应为 Word/WPS 文字文档或 PDF",
}
OCR_NOTE = "来自OCR"
# OCR may add or drop a few characters; a count over its limit by no more than this is not proof of
# an overrun, so it is a warning (the reviewer checks the paper copy), not an error.
OCR_COUNT_MARGIN = 0.05
_COUNT = re.compile(r"(\d+)字 / 上限(\d+)字")
_SEVERITY_ORDER = {Severity.error: 0, Severity.warning: 1, Severity.info: 2}


def review_application(
    app: Application, file: str = "", waivers: Iterable[Waiver] = (), rules: Iterable[Rule] | None = None
) -> Report:
    ctx = Context(app=app, req=load_requirements(), scenes=load_scene_table())
    findings: list[Finding] = []
    for rule in rules if rules is not None else load_rules():
        if rule.scope in APPLICATION_SCOPES:
            findings += KINDS[rule.kind].run(rule, ctx)
    findings.sort(key=lambda f: (f.scene_index or 0, _SEVERITY_ORDER[f.severity], f.rule))
    kept, waived = apply_waivers(findings, list(waivers))
    ok = not any(f.severity == Severity.error for f in kept)
    return Report(file=file, ok=ok, findings=kept, waived=waived, application=app)


def apply_waivers(findings: list[Finding], waivers: list[Waiver]) -> tuple[list[Finding], list[Finding]]:
    kept, waived = [], []
    for f in findings:
        waiver = next(
            (
                w
                for w in waivers
                if w.rule == f.rule
                and (w.scene_index is None or w.scene_index == f.scene_index)
                and (w.section is None or w.section == f.section)
            ),
            None,
        )
        if waiver:
            waived.append(f.model_copy(update={"message": f"{f.message}（已豁免：{waiver.reason}）"}))
        else:
            kept.append(f)
    return kept, waived


def load_waivers(path: Path) -> list[Waiver]:
    """Waivers for a draft: ``<name>.waivers.yaml`` beside it, and entries for it in ``waivers.yaml``."""
    waivers: list[Waiver] = []
    for candidate, only_for in (
        (path.with_name(f"{path.stem}.waivers.yaml"), None),
        (path.parent / "waivers.yaml", path.name),
    ):
        if not candidate.exists():
            continue
        try:
            entries = yaml.safe_load(candidate.read_text(encoding="utf-8")) or []
            for entry in entries:
                if only_for is not None and entry.get("file") != only_for:
                    continue
                entry = {k: v for k, v in entry.items() if k != "file"}
                waivers.append(Waiver.model_validate(entry))
        except (yaml.YAMLError, ValidationError, AttributeError, TypeError) as err:
            raise InputError(
                f"豁免文件 {candidate.name} 格式有误（每项需有 rule、reason，可选 scene_index、section）：{err}"
            ) from err
    return waivers


def located(findings: list[Finding], read: ReadDocument) -> list[Finding]:
    """Findings on a PDF carry the page; on an OCR'd file they say so, and 字数 overruns within
    OCR error are warnings."""
    out = []
    for f in findings:
        page = read.page_of(f.scene_index, f.section)
        update: dict = {"page": page}
        if read.ocr:
            where = f"，第{page}页" if page else ""
            update["ocr"] = True
            update["message"] = f"{f.message}（{OCR_NOTE}{where}）"
            m = _COUNT.search(f.evidence)
            if f.rule == "length-limit" and f.severity == Severity.error and m:
                count, limit = int(m.group(1)), int(m.group(2))
                if count - limit <= max(3, round(limit * OCR_COUNT_MARGIN)):
                    update["severity"] = Severity.warning
                    update["message"] += "；超出不多，可能是识别误差，请对照纸质件核实"
        out.append(f.model_copy(update=update))
    return out


def review_file(path: Path, progress: Callable[[int, int], None] | None = None) -> Report:
    """One file; an unreadable one becomes a Report with ``error`` set, never an exception.
    ``progress(done, total)`` reports OCR pages of a scan."""
    if reason := UNREADABLE_FORMATS.get(path.suffix.lower()):
        return Report(file=str(path), ok=False, error=reason)
    try:
        read = read_document(path, progress)
        report = review_application(read.app, file=str(path), waivers=load_waivers(path))
        if read.pages or read.ocr:
            report.findings = located(report.findings, read)
            report.waived = located(report.waived, read)
            report.ok = not any(f.severity == Severity.error for f in report.findings)
            report.ocr = read.ocr
        return report
    except InputError as err:
        return Report(file=str(path), ok=False, error=str(err))
    except Exception as err:
        # One file that trips a bug must not stop the batch; ASSISTANT_DEBUG=1 shows the traceback.
        if os.environ.get("ASSISTANT_DEBUG") == "1":
            raise
        logger.exception("reviewing %s failed", path)
        return Report(
            file=str(path),
            ok=False,
            error=f"{path.name} 读取时出现内部错误（{type(err).__name__}），其余文件照常审查",
        )


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """Files to review: given files as they are; folders walked for drafts, and for files in formats we
    cannot read so that they are reported rather than left out (waiver files skipped)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in REVIEWABLE_SUFFIXES | UNREADABLE_FORMATS.keys()
                and not p.name.startswith((".", "~$"))
            )
        else:
            files.append(path)
    return files


@dataclass
class BatchResult:
    reports: list[Report]
    batch_findings: list[Finding] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        if any(r.error for r in self.reports):
            return 2
        if any(not r.ok for r in self.reports) or any(
            f.severity == Severity.error for f in self.batch_findings
        ):
            return 1
        return 0


def batch_findings(
    apps: list[Application], files: list[str] | None = None, rules: Iterable[Rule] | None = None
) -> list[Finding]:
    """The batch stage: every rule with ``scope: batch`` over the batch's applications."""
    ctx = BatchContext.of(apps, files, load_requirements())
    found: list[Finding] = []
    for rule in rules if rules is not None else load_rules():
        if rule.scope == "batch":
            found += KINDS[rule.kind].run(rule, ctx)
    return found


def _quota_rules() -> list[Rule]:
    # A 汇总表 answers the quota rules only: its rows carry no file to tell a duplicate by.
    return [r for r in load_rules() if r.scope == "batch" and r.kind == "quota"]


def summary_quota_findings(path: Path, req: Requirements | None = None) -> list[Finding]:
    """The quota check on a 汇总表 (.xlsx/.docx): rows marked 标杆企业 in 备注 do not count, and every
    row is an application of its own."""
    from assistant.summary_table import read_summary

    req = req or load_requirements()
    recommender, rows = read_summary(path)
    unit = req.quota.unit_of(recommender)
    if unit is None:
        if not recommender:
            raise InputError(f"{path.name} 中没有找到“推荐单位（盖章）：”一行，无法识别设区市，无法核对名额")
        raise InputError(
            f"{path.name} 的“推荐单位（盖章）：{recommender}”中没有可识别的设区市或赣江新区，无法核对名额"
        )
    ctx = BatchContext([Entry("", r.applicant, recommender, r.benchmark, path.name) for r in rows], req)
    return [f for rule in _quota_rules() for f in KINDS[rule.kind].run(rule, ctx)]


def check_summary_table(batch: BatchResult, path: Path) -> None:
    """``review --summary-table``: the table's quota check replaces the one over the drafts. A table
    that cannot be read is one more unreadable input (exit 2); the drafts' reviews still stand."""
    try:
        from_table = summary_quota_findings(path)
    except InputError as err:
        batch.reports.append(Report(file=str(path), ok=False, error=str(err)))
        return
    quota_rules = {r.id for r in _quota_rules()}
    batch.batch_findings = [f for f in batch.batch_findings if f.rule not in quota_rules] + from_table


def review_batch(
    paths: Iterable[Path], progress: Callable[[int, int, str], None] | None = None
) -> BatchResult:
    files = collect_files(paths)
    reports = []
    for i, path in enumerate(files, 1):

        def pages(done: int, total: int, i: int = i, name: str = path.name) -> None:
            if progress and total > 1:
                progress(i - 1, len(files), f"{name}（识别第 {done}/{total} 页）")

        reports.append(review_file(path, pages))
        if progress:
            progress(i, len(files), path.name)
    read = [r for r in reports if r.application is not None]
    apps = [r.application for r in read if r.application is not None]
    return BatchResult(reports=reports, batch_findings=batch_findings(apps, [r.file for r in read]))
