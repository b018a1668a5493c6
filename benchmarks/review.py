"""Reviewer throughput: 100 .docx applications reviewed offline, against python-docx merely opening
each file and walking its paragraphs and table cells (the floor any .docx reviewer pays).
Targets on 2 cores: ≥ 20 applications/s, ratio ≤ 1.5.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import docx

from assistant.application_reader import read_application
from assistant.docx_io.writer import export_docx
from assistant.paths import EVALS_DIR, SAMPLES_DIR
from assistant.review.engine import review_batch

N = 100


def _walk(path: Path) -> int:
    doc = docx.Document(str(path))
    n = sum(len(p.text) for p in doc.paragraphs)
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                n += len(cell.text)
    return n


def main() -> None:
    sources = [
        SAMPLES_DIR / "sample-application.json",
        *sorted((EVALS_DIR / "review" / "cases").glob("r*/draft.json")),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i in range(N):
            export_docx(read_application(sources[i % len(sources)]), folder / f"app{i:03d}.docx")
        files = sorted(folder.glob("*.docx"))
        _walk(files[0])  # warm imports for both sides
        review_batch([files[0]])

        started = time.perf_counter()
        for path in files:
            _walk(path)
        baseline = time.perf_counter() - started

        started = time.perf_counter()
        batch = review_batch([folder])
        reviewed = time.perf_counter() - started
    assert len(batch.reports) == N and not any(r.error for r in batch.reports)
    findings = sum(len(r.findings) for r in batch.reports)
    print(
        f"review {N} applications: {reviewed:.2f} s → {N / reviewed:.1f} applications/s (target ≥ 20); {findings} findings"
    )
    print(f"python-docx open + walk only: {baseline:.2f} s → {N / baseline:.1f} files/s")
    print(f"ratio review / open-and-walk: {reviewed / baseline:.2f} (target ≤ 1.5)")
