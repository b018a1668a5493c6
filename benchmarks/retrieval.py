"""Knowledge base: full index build, cold first query (new process: imports + model load), warm
query latency p50/p95, peak memory. Targets on 2 cores: build ≤ 30 s, cold ≤ 3 s, warm p95 ≤ 50 ms.
"""

from __future__ import annotations

import json
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

COLD = """
import time, json, resource
t0 = time.perf_counter()
from assistant.config import Settings
from assistant.knowledge.retriever import KnowledgeBase
kb = KnowledgeBase(Settings(data_dir={data!r}))
kb.search("质量追溯算哪个场景")
t1 = time.perf_counter()
print(json.dumps({{"cold_s": t1 - t0, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def main() -> None:
    queries = [
        q["query"] for q in yaml.safe_load((EVALS_DIR / "retrieval" / "queries.yaml").read_text("utf-8"))
    ]
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        started = time.perf_counter()
        result = build_index(Settings(data_dir=data))
        build_s = time.perf_counter() - started
        print(f"full index build: {build_s:.1f} s for {result.chunks} chunks (target ≤ 30 s)")
        started = time.perf_counter()
        build_index(Settings(data_dir=data))
        again_s = time.perf_counter() - started
        print(f"unchanged re-index: {again_s:.2f} s (ratio to full build {again_s / build_s:.2f})")

        cold = json.loads(
            subprocess.run(
                [sys.executable, "-c", COLD.format(data=str(data))],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
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
            f"cold first query (new process): {cold['cold_s']:.2f} s (target ≤ 3 s); process peak RSS {cold['rss_mb']:.0f} MB"
        )
        print(f"  baseline: importing assistant.config alone {float(baseline.stdout):.2f} s")

        from assistant.knowledge.retriever import KnowledgeBase

        kb = KnowledgeBase(Settings(data_dir=data))
        kb.search("预热")
        for method in ("hybrid", "bm25", "dense"):
            times = []
            for q in queries * 3:
                t = time.perf_counter()
                kb.search(q, k=5, method=method)
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            p95 = times[int(len(times) * 0.95) - 1]
            print(
                f"warm {method:6s}: p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms over {len(times)} queries"
                + (" (target p95 ≤ 50 ms)" if method == "hybrid" else "")
            )
        print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
