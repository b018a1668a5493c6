"""The 遴选 ranking: eligibility first, then errors, coverage and grades; the quota line; 标杆企业 apart."""

from __future__ import annotations

import shutil
from pathlib import Path

from assistant.models import Application
from assistant.paths import EVALS_DIR
from assistant.review.engine import review_batch
from assistant.review.ranking import DISCLAIMER, rank_batch, ranking_rows

BATCH = EVALS_DIR / "review" / "batches" / "b01"  # 鹰潭市: quota 4, five counted, app3 a 标杆企业


def _batch_with_an_ineligible_and_a_flawed_draft(tmp_path: Path) -> Path:
    folder = tmp_path / "鹰潭"
    shutil.copytree(BATCH, folder, ignore=shutil.ignore_patterns("gold.yaml"))
    for source, name, fault in (("app1.json", "app7.json", "accident"), ("app2.json", "app8.json", "errors")):
        app = Application.model_validate_json((BATCH / source).read_text(encoding="utf-8"))
        app.applicant = app.enterprise.name = f"{app.applicant}（{fault}）"
        if fault == "accident":
            app.enterprise.major_accident = True  # fails 要素条件 2, however good the rest
            app.enterprise.accident_name = "2023年仓库火灾"
        else:
            app.scenes[0].parts.成效 = ""  # an error, still eligible
        (folder / name).write_text(app.model_dump_json(), encoding="utf-8")
    return folder


def test_ranking_orders_by_eligibility_then_errors_and_draws_the_quota_line(tmp_path: Path) -> None:
    batch = review_batch([_batch_with_an_ineligible_and_a_flawed_draft(tmp_path)])
    (unit,) = rank_batch(batch.reports)
    assert unit.unit == "鹰潭市" and unit.limit == 4
    assert [e.applicant for e in unit.benchmark] == ["鹰潭智水阀门科技有限公司"]  # listed apart
    ranked = unit.ranked
    assert len(ranked) == 7 and [e.rank for e in ranked] == list(range(1, 8))
    assert ranked[-1].applicant.endswith("（accident）") and not ranked[-1].eligible
    assert "不满足要素条件" in ranked[-1].reason and not ranked[-1].within_quota
    assert ranked[-2].applicant.endswith("（errors）") and ranked[-2].errors > 0
    assert all(e.errors == 0 for e in ranked[:5])
    # Within the clean ones: more 环节 covered first
    assert [e.links for e in ranked[:5]] == sorted((e.links for e in ranked[:5]), reverse=True)
    assert [e.within_quota for e in ranked] == [True] * 4 + [False] * 3

    rows = ranking_rows([unit])
    line = next(i for i, r in enumerate(rows) if "名额线" in str(r[2]))
    assert line == 4 and rows[-1][4] == "不占名额"
    assert "不取代" in DISCLAIMER
