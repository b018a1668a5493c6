"""The Gradio app as a user meets it: ``python app.py`` in its own process, offline.

- cold start: from starting the process to the first successful gradio_client call;
- one typical .docx reviewed through the UI API (upload + /review) against ``review_batch`` on the
  same file in this process — the ratio is the price of the web layer;
- resident memory of the app process idle, and with 10 clients that each drafted and reopened a project.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from assistant.application_reader import read_application
from assistant.docx_io.writer import export_docx
from assistant.paths import EVALS_DIR, SAMPLES_DIR
from assistant.review.engine import review_batch
from assistant.review.outputs import batch_markdown, write_xlsx
from benchmarks.app_process import connect, rss_mb, running_app

REPEATS = 10
SESSIONS = 10
MATERIAL = (EVALS_DIR / "drafting" / "sets" / "d03" / "material.md").read_text(encoding="utf-8")


def _project_id(selected) -> str:
    return selected if isinstance(selected, str) else selected["value"]


def main() -> None:
    from gradio_client import Client, handle_file

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        docx = export_docx(read_application(SAMPLES_DIR / "sample-application.json"), folder / "申报书.docx")
        started = time.perf_counter()
        with running_app(folder) as (url, proc):
            client = connect(url, proc, time.monotonic() + 120)
            cold = time.perf_counter() - started
            print(f"cold start to first response: {cold:.2f} s")
            idle = rss_mb(proc.pid)
            first = idle

            review_batch([docx])  # warm both sides: imports, rule loading
            client.predict([handle_file(str(docx))], api_name="/review")
            direct, with_reports, via_ui = [], [], []
            for _ in range(REPEATS):
                t = time.perf_counter()
                batch = review_batch([docx])
                direct.append(time.perf_counter() - t)
                # The UI also writes both reports: the same work, without the web layer.
                write_xlsx(batch, folder / "审查结果.xlsx")
                (folder / "审查报告.md").write_text(batch_markdown(batch), encoding="utf-8")
                with_reports.append(time.perf_counter() - t)
                t = time.perf_counter()
                summary, _, _ = client.predict([handle_file(str(docx))], api_name="/review")
                via_ui.append(time.perf_counter() - t)
            assert not batch.reports[0].error and summary["data"][0][2] == "可提交", summary
            d, r, u = (statistics.median(x) for x in (direct, with_reports, via_ui))
            print(
                f"review one .docx (median of {REPEATS}): UI API {u * 1000:.0f} ms; library review_batch "
                f"{d * 1000:.0f} ms (ratio {u / d:.1f}); library review + Excel + Markdown {r * 1000:.0f} ms "
                f"(ratio {u / r:.1f})"
            )

            sessions = []
            for i in range(SESSIONS):
                c = Client(url, verbose=False)
                project_id = _project_id(c.predict(f"会话{i}", api_name="/new_project")[0])
                c.predict(project_id, {"text": MATERIAL, "files": []}, api_name="/send")
                c.predict(project_id, api_name="/select_project")
                sessions.append(c)
                if i == 0:  # the first draft also loads the embedding model: not a per-session cost
                    first = rss_mb(proc.pid)
            busy = rss_mb(proc.pid)
            print(
                f"RSS: idle {idle:.0f} MB; after a review batch and 1 session {first:.0f} MB; "
                f"{SESSIONS} sessions each with a drafted project {busy:.0f} MB "
                f"(+{busy - idle:.0f} MB over idle, {(busy - first) / (SESSIONS - 1):.1f} MB per further session)"
            )
