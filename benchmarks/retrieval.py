"""Knowledge base: full index build, cold first query (new process: imports + model load), warm
query latency p50/p95, a whole `assistant map` call, peak memory. Targets on 2 cores: build ≤ 30 s,
cold ≤ 3 s, `assistant map` ≤ 1.5 s, warm p95 ≤ 50 ms.

Wall-clock figures depend on what else the machine runs, so the load average is printed first and
the cold and warm queries also report the CPU time they used: on an idle machine the cold path
(mostly one thread) takes about its CPU time, and a warm query at most its CPU time.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from assistant.config import Settings
from assistant.knowledge.index import build_index
from assistant.paths import EVALS_DIR

TARGETS = {"build_s": 30.0, "cold_s": 3.0, "warm_p95_ms": 50.0, "cli_s": 1.5}
COLD_RUNS = 3

COLD = """
import time, json, resource
t0 = time.perf_counter()
from assistant.config import Settings
from assistant.knowledge.retriever import KnowledgeBase
kb = KnowledgeBase(Settings(data_dir={data!r}))
kb.search("质量追溯算哪个场景")
t1 = time.perf_counter()
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({{"cold_s": t1 - t0, "cpu_s": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024}}))
"""


def _verdict(value: float, target: float) -> str:
    return "达标" if value <= target else "未达标"


def _cold(data: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", COLD.format(data=str(data))],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _cli_map(data: Path) -> float:
    """One whole `assistant map` call as a user runs it: interpreter start, imports, index, query, print."""
    env = {**os.environ, "ASSISTANT_DATA_DIR": str(data)}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "assistant.cli", "map", "我们用机器视觉在线检测外观缺陷", "--top", "3"],
        capture_output=True,
        env=env,
        check=True,
    )
    return time.perf_counter() - started


def main() -> None:
    queries = [
        q["query"] for q in yaml.safe_load((EVALS_DIR / "retrieval" / "queries.yaml").read_text("utf-8"))
    ]
    load1, load5, _ = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {load1:.1f} (1 min) / {load5:.1f} (5 min)")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        started = time.perf_counter()
        result = build_index(Settings(data_dir=data))
        build_s = time.perf_counter() - started
        build_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"full index build: {build_s:.1f} s for {result.chunks} chunks "
            f"(target ≤ {TARGETS['build_s']:.0f} s, {_verdict(build_s, TARGETS['build_s'])}); "
            f"peak RSS {build_rss:.0f} MB"
        )
        started = time.perf_counter()
        build_index(Settings(data_dir=data))
        again_s = time.perf_counter() - started
        print(f"unchanged re-index: {again_s:.2f} s (ratio to full build {again_s / build_s:.2f})")

        colds = [_cold(data) for _ in range(COLD_RUNS)]
        cold_s = statistics.median(c["cold_s"] for c in colds)
        cpu_s = statistics.median(c["cpu_s"] for c in colds)
        runs = ", ".join(f"{c['cold_s']:.2f}" for c in colds)
        baseline = subprocess.run(
            [
                sys.executable,
                "-c",
                "import time;t=time.perf_counter();import assistant.config;print(time.perf_counter()-t)",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        print(
            f"cold first query (new process, median of {COLD_RUNS}): {cold_s:.2f} s, CPU {cpu_s:.2f} s "
            f"(target ≤ {TARGETS['cold_s']:.0f} s, {_verdict(cold_s, TARGETS['cold_s'])}); "
            f"runs {runs} s; "
            f"query process peak RSS {max(c['rss_mb'] for c in colds):.0f} MB"
        )
        print(f"  baseline: importing assistant.config alone {float(baseline.stdout):.2f} s")
        clis = [_cli_map(data) for _ in range(COLD_RUNS)]
        cli_s = statistics.median(clis)
        print(
            f"`assistant map` whole call, cold (median of {COLD_RUNS}): {cli_s:.2f} s "
            f"(target ≤ {TARGETS['cli_s']} s, {_verdict(cli_s, TARGETS['cli_s'])}); "
            f"runs {', '.join(f'{c:.2f}' for c in clis)} s"
        )

        from assistant.knowledge.retriever import KnowledgeBase

        kb = KnowledgeBase(Settings(data_dir=data))
        kb.search("预热")
        for method in ("hybrid", "bm25", "dense"):
            times, cpu = [], []
            for q in queries * 3:
                t, c = time.perf_counter(), time.process_time()
                kb.search(q, k=5, method=method)
                times.append((time.perf_counter() - t) * 1000)
                cpu.append((time.process_time() - c) * 1000)
            times.sort()
            p95 = times[int(len(times) * 0.95) - 1]
            target = (
                f" (target p95 ≤ {TARGETS['warm_p95_ms']:.0f} ms, {_verdict(p95, TARGETS['warm_p95_ms'])})"
                if method == "hybrid"
                else ""
            )
            print(
                f"warm {method:6s}: p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms "
                f"over {len(times)} queries{target}; CPU per query p50 {statistics.median(cpu):.1f} ms"
            )
        print(
            f"peak RSS of this process (build + queries): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
        )


if __name__ == "__main__":
    main()
