"""The review façade both front ends call: one batch, the optional passes, the reviewer's download set."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.config import Settings
from assistant.errors import InputError
from assistant.paths import EVALS_DIR, SAMPLES_DIR
from assistant.review import service
from assistant.review.engine import review_batch


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    shutil.copy(SAMPLES_DIR / "sample-application.json", drafts / "clean.json")
    shutil.copy(EVALS_DIR / "review" / "cases" / "r19" / "draft.json", drafts / "flawed.json")
    (drafts / "broken.docx").write_bytes(b"not a zip")
    return drafts


def test_run_is_the_engine_batch_with_progress(folder: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    done = service.run([folder], progress=lambda n, total, name: seen.append((n, total, name)))
    plain = review_batch([folder])
    assert [r.model_dump() for r in done.batch.reports] == [r.model_dump() for r in plain.reports]
    assert done.batch.batch_findings == plain.batch_findings
    assert done.batch.exit_code == 2  # broken.docx is reported, the others reviewed
    assert seen[-1][:2] == (3, 3) and done.notes == []


def test_nothing_to_review_is_the_users_mistake(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="没有找到可审查的文件"):
        service.run([tmp_path])


def test_the_model_pass_without_a_model_says_why(folder: Path, tmp_path: Path) -> None:
    offline = Settings(data_dir=tmp_path / "data", llm_model=None)
    done = service.run([folder], service.ReviewOptions(llm=True), settings=offline)
    assert [n.level for n in done.notes] == ["warning"] and "--llm 未执行" in done.notes[0].text
    assert not any(f.origin == "llm" for r in done.batch.reports for f in r.findings)


def test_options_refuse_a_misspelt_key() -> None:
    with pytest.raises(ValidationError):
        service.ReviewOptions(summary_tabel=Path("x.xlsx"))  # type: ignore[call-arg]


def test_the_download_set(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    written = service.write_downloads(service.run([folder]).batch, out)
    names = [p.name for p in written]
    assert names[:3] == ["审查结果.xlsx", "审查报告.docx", "审查报告.md"]
    assert "审查报告-clean.docx" in names and "审查报告-flawed.docx" in names
    assert any(n.startswith("推荐汇总表-") for n in names)
    assert all(p.exists() and p.stat().st_size > 0 for p in written)
