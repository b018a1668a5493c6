"""Reliability figures (issue 8): bad files, fuzzing, model-endpoint faults.

- bad files: every case of ``testkit/hostile_files.py`` read in its own child process; handled means
  refused with the expected Chinese message (or, for GBK text, 10,000 paragraphs, a 50 MB file, read
  correctly); the seconds are the read itself (imports done first), the peak RSS is the child's
  whole life (imports included, so compare it with the baseline of reading a normal 申报书);
- fuzz: ``BENCH_FUZZ_CASES`` (default 600) mutated .docx files, half byte-level, half document.xml
  tree edits; a crash is any exception other than InputError;
- faults: scripted-server scenarios; a fault is one faulty response served; a scenario survives when
  the product answers as designed (a retried success, a Chinese LLMError, a kept partial reply, a
  chat whose history and draft are intact).
"""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.paths import ROOT

CHILD = """
import json, sys, time
from pathlib import Path
from testkit.hostile_files import HostileFile, read_case
case = HostileFile(**json.loads(sys.argv[1]))
import docx, pypdf, assistant.application_reader, assistant.review.engine  # imports are not reading
started = time.perf_counter()
try:
    result = read_case(case, Path(sys.argv[2]))
    outcome = {"outcome": "read", "text": result if isinstance(result, str) else ""}
except Exception as err:
    outcome = {"outcome": type(err).__name__, "message": str(err)}
outcome["seconds"] = time.perf_counter() - started
# VmHWM is this process's own peak; wait4's ru_maxrss would count the parent's pages copied at fork.
status = Path("/proc/self/status").read_text().splitlines()
outcome["peak_mb"] = next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024
print(json.dumps(outcome, ensure_ascii=False))
"""


def _run_child(case, path: Path) -> tuple[dict, float]:
    """(what the child reported, its peak RSS in MB, imports included)."""
    from dataclasses import asdict

    proc = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(asdict(case), ensure_ascii=False), str(path)],
        capture_output=True,
        cwd=ROOT,
        text=True,
        timeout=600,
    )
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    return report, report["peak_mb"]


def _handled(case, report: dict) -> bool:
    import re

    if case.expect == "read":
        if case.name == "gbk.txt":
            from testkit.hostile_files import GBK_TEXT

            return report.get("text") == GBK_TEXT
        return report["outcome"] == "read"
    message = report.get("message", "")
    return (
        report["outcome"] == "InputError"
        and case.message in message
        and bool(re.search(r"[\u4e00-\u9fff]", message))
    )


def bad_files(folder: Path) -> None:
    from testkit.hostile_files import HostileFile, make_all, sample_docx_bytes

    made = make_all(folder / "hostile")
    baseline_path = folder / "normal.docx"
    baseline_path.write_bytes(sample_docx_bytes())
    base, base_rss = _run_child(HostileFile("normal.docx", "正常的申报书", "read"), baseline_path)
    rows, handled, worst_s, worst_rss = [], 0, 0.0, 0.0
    for case, path in made:
        report, rss = _run_child(case, path)
        ok = _handled(case, report)
        handled += ok
        worst_s, worst_rss = max(worst_s, report["seconds"]), max(worst_rss, rss)
        rows.append((case, path.stat().st_size, report, rss, ok))
    print(f"bad files: {len(made)} tried, {handled} handled as designed ({len(made) - handled} not)")
    print(
        f"  per file: max {worst_s:.2f} s reading, max peak RSS {worst_rss:.0f} MB "
        f"(baseline: a normal 申报书 {base['seconds']:.2f} s, {base_rss:.0f} MB)"
    )
    print(f"  {'file':28} {'size':>9} {'seconds':>8} {'RSS MB':>7}  result")
    for case, size, report, rss, ok in rows:
        result = "read" if report["outcome"] == "read" else report.get("message", report["outcome"])
        mark = "✓" if ok else "✗"
        print(
            f"  {case.name:28} {size / 1024:>7.0f}KB {report['seconds']:>8.2f} {rss:>7.0f}  {mark} {result[:70]}"
        )


def fuzz(folder: Path, cases: int) -> None:
    from assistant.application_reader import read_application
    from assistant.errors import InputError
    from assistant.readers import read_text
    from assistant.review.engine import review_application
    from testkit import hostile_files as h

    rng = random.Random(8)
    seed, members = h.sample_docx_bytes(), h.sample_members()
    outcomes: Counter[str] = Counter()
    crashes: Counter[str] = Counter()
    path = folder / "fuzz.docx"
    started = time.perf_counter()
    for i in range(cases):
        if i % 2:
            edits, cut = h.random_byte_edits(rng)
            path.write_bytes(h.mutate_bytes(seed, edits, cut))
        else:
            xml = h.mutate_xml(members["word/document.xml"], h.random_xml_edits(rng))
            path.write_bytes(h.zip_bytes({**members, "word/document.xml": xml}, compression=0))
        for reader in (read_application, read_text):
            try:
                result = reader(path)
                if not isinstance(result, str):
                    review_application(result)
                outcomes["read"] += 1
            except InputError:
                outcomes["InputError"] += 1
            except Exception as err:  # exactly what the fuzz is looking for
                crashes[f"{type(err).__name__}: {str(err)[:60]}"] += 1
    seconds = time.perf_counter() - started
    print(
        f"fuzz: {cases} mutated .docx × 2 readers = {cases * 2} reads in {seconds:.0f} s; "
        f"{outcomes['read']} read, {outcomes['InputError']} refused with InputError, "
        f"{sum(crashes.values())} crashes"
    )
    for what, n in crashes.most_common():
        print(f"  crash ×{n}: {what}")


@dataclass
class Scenario:
    name: str
    steps: tuple  # what the scripted server serves, in order
    run: Callable  # (settings) -> None; raises AssertionError when the product misbehaved
    retry_after: str | None = "0"


def _faults() -> list[Scenario]:
    from assistant.drafting.material import material_from_text
    from assistant.drafting.service import draft_scene
    from assistant.errors import LLMError
    from assistant.llm import chat
    from testkit.scripted_server import Reply

    def ok(expected: str, **kw) -> Callable:
        def run(settings) -> None:
            assert chat(settings, "", "问", **kw).text == expected

        return run

    def fails(fragment: str, **kw) -> Callable:
        def run(settings) -> None:
            try:
                chat(settings, "", "问", **kw)
            except LLMError as err:
                assert fragment in str(err), str(err)
                return
            raise AssertionError("no LLMError")

        return run

    def partial(settings) -> None:
        reply = chat(settings, "", "问", on_token=lambda _t: None)
        assert reply.partial and reply.text

    draft_json = json.dumps(
        {
            "instance": "压铸件外观视觉检测",
            "parts": {
                "描述": "在压铸线末端部署视觉检测系统。",
                "痛点": "人工目检漏检多。",
                "技术方案": "采用8台工业相机和检测软件。",
                "成效": "漏检率由1.2%降至0.1%。",
                "经济性": "总投资300万元。",
            },
        },
        ensure_ascii=False,
    )
    material = material_from_text(
        "压铸线末端人工目检，漏检率1.2%。部署8台工业相机后漏检率降至0.1%。总投资300万元。"
    )
    where = {"domain": "生产作业", "link": "质量管控", "scene": "在线智能检测"}

    def drafts(settings) -> None:
        assert draft_scene(material, settings, **where).scene.parts.描述

    def chat_survives(settings) -> None:
        from assistant.chat import respond
        from assistant.models import Scene, SceneParts
        from assistant.projects import ChatMessage, Project

        project = Project(id="0123456789ab", name="p", material="漏检率1.2%。")
        project.draft = Scene(**where, parts=SceneParts(技术方案="采用工业相机。" * 80))
        project.chat = [
            ChatMessage(role="user", content="材料"),
            ChatMessage(role="assistant", content="已起草"),
        ]
        before = project.draft.model_copy(deep=True)
        reply = list(respond(project, settings, "技术方案压缩到200字以内"))[-1]
        assert "⚠️" in reply and project.draft == before and len(project.chat) == 4

    return [
        Scenario("429 then success", ("429", Reply("好")), ok("好")),
        Scenario("429 Retry-After: 1 then success", ("429", Reply("好")), ok("好"), retry_after="1"),
        Scenario("429 without Retry-After ×3", ("429", "429", "429"), fails("限流"), retry_after=None),
        Scenario("500 then success", ("500", Reply("好")), ok("好")),
        Scenario("500 ×3", ("500", "500", "500"), fails("HTTP 500")),
        Scenario("timeout then success", ("timeout", Reply("好")), ok("好")),
        Scenario("timeout ×3", ("timeout", "timeout", "timeout"), fails("超时")),
        Scenario("malformed JSON then success", ("malformed", Reply("好")), ok("好")),
        Scenario("malformed JSON ×3", ("malformed", "malformed", "malformed"), fails("模型")),
        Scenario("truncated body ×3", ("cut", "cut", "cut"), fails("模型")),
        Scenario("stream cut midway", ("cut",), partial),
        Scenario("no JSON mode / tools (400) while drafting", ("no_tools", Reply(draft_json)), drafts),
        Scenario("draft: 500 then success", ("500", Reply(draft_json)), drafts),
        Scenario("chat revision during 500 ×3", ("500", "500", "500"), chat_survives),
        Scenario("chat revision during timeouts", ("timeout", "timeout", "timeout"), chat_survives),
    ]


def faults() -> None:
    from assistant.config import Settings
    from assistant.errors import LLMError
    from assistant.llm import chat
    from testkit.scripted_server import ScriptedServer

    injected = survived = scenarios_ok = 0
    lines = []
    scenarios = _faults()
    for scenario in scenarios:
        with ScriptedServer(timeout_sleep=1.5) as server:
            server.retry_after = scenario.retry_after
            server.script(*scenario.steps)
            settings = Settings(
                openai_base_url=server.base_url, llm_model="scripted", llm_timeout=1.0, llm_max_retries=2
            )
            started = time.perf_counter()
            try:
                scenario.run(settings)
                verdict = "survived"
            except Exception as err:
                verdict = f"FAILED: {type(err).__name__}: {err}"
            seconds = time.perf_counter() - started
            served = len(server.requests)
        n_faults = sum(1 for s in scenario.steps[:served] if isinstance(s, str))
        injected += n_faults
        if verdict == "survived":
            scenarios_ok += 1
            survived += n_faults
        lines.append(f"  {scenario.name:42} {n_faults} faults  {seconds:5.1f} s  {verdict}")
    # Connection refused needs no server: a port nobody listens on.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.perf_counter()
    try:
        chat(
            Settings(openai_base_url=f"http://127.0.0.1:{port}/v1", llm_model="m", llm_max_retries=2),
            "",
            "问",
        )
        verdict = "FAILED: no error"
    except LLMError as err:
        verdict = "survived" if "无法连接" in str(err) else f"FAILED: {err}"
    injected += 3
    if verdict == "survived":
        survived += 3
        scenarios_ok += 1
    lines.append(
        f"  {'connection refused (1 call + 2 retries)':42} 3 faults  {time.perf_counter() - started:5.1f} s  {verdict}"
    )
    print(
        f"model faults: {injected} injected, {survived} survived; "
        f"{scenarios_ok}/{len(scenarios) + 1} scenarios behaved as designed"
    )
    for line in lines:
        print(line)


def main() -> None:
    from benchmarks import safety

    # BENCH_RELIABILITY=safety prints only the issue-13 figures (lost updates, zip, logins, hostile text).
    if os.environ.get("BENCH_RELIABILITY") != "safety":
        cases = int(os.environ.get("BENCH_FUZZ_CASES", "600"))
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            bad_files(folder)
            fuzz(folder, cases)
        faults()
    safety.main()


if __name__ == "__main__":
    main()
