"""Bounded load test on loopback: ``python app.py`` in its own process (offline), then
``BENCH_LOAD_SESSIONS`` (default 20) concurrent gradio_client sessions, each alternating a review
of the sample .docx (upload + /review) and a knowledge-base search, for ``BENCH_LOAD_SECONDS``
(default 180). Prints requests, errors and p50/p95/max latency per endpoint.

Warm-up (index build, embedding model load, first review) happens before the clock starts, so the
figures are the steady state the queue limits in app.py (default_concurrency_limit, max_size, and
the per-event concurrency_limit) hold.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

from assistant.application_reader import read_application
from assistant.docx_io.writer import export_docx
from assistant.paths import SAMPLES_DIR
from benchmarks.app_process import connect, rss_mb, running_app

QUERIES = ["生产管理涵盖哪些环节", "成熟度要达到几级", "在线智能检测场景怎么写", "推荐名额有多少", "设备联网"]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    from gradio_client import Client, handle_file

    seconds = float(os.environ.get("BENCH_LOAD_SECONDS", "180"))
    sessions = int(os.environ.get("BENCH_LOAD_SESSIONS", "20"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        docx = export_docx(read_application(SAMPLES_DIR / "sample-application.json"), folder / "申报书.docx")
        with running_app(folder) as (url, proc):
            warm = connect(url, proc, time.monotonic() + 180)
            started = time.perf_counter()
            warm.predict([handle_file(str(docx))], api_name="/review")
            warm.predict(QUERIES[0], "hybrid", api_name="/search")  # builds the index, loads the model
            print(f"warm-up (index build, model load, first review): {time.perf_counter() - started:.1f} s")

            latencies: dict[str, list[float]] = defaultdict(list)
            errors: dict[str, list[str]] = defaultdict(list)
            lock = threading.Lock()
            stop = time.monotonic() + seconds
            peak_rss = [rss_mb(proc.pid)]

            def session(i: int) -> None:
                try:
                    client = Client(url, verbose=False)
                except Exception as err:
                    with lock:
                        errors["connect"].append(f"{type(err).__name__}: {err}")
                    return
                n = 0
                while time.monotonic() < stop:
                    name = "review" if n % 2 == 0 else "search"
                    t = time.perf_counter()
                    try:
                        if name == "review":
                            summary, _, _ = client.predict([handle_file(str(docx))], api_name="/review")
                            assert summary["data"][0][2] == "可提交", summary["data"][0]
                        else:
                            table = client.predict(
                                QUERIES[(i + n) % len(QUERIES)], "hybrid", api_name="/search"
                            )
                            assert table["data"], "no hits"
                        with lock:
                            latencies[name].append(time.perf_counter() - t)
                    except Exception as err:
                        with lock:
                            errors[name].append(f"{type(err).__name__}: {str(err)[:80]}")
                    n += 1

            def watch() -> None:
                while time.monotonic() < stop:
                    peak_rss.append(rss_mb(proc.pid))
                    time.sleep(1)

            threads = [threading.Thread(target=session, args=(i,)) for i in range(sessions)]
            threads.append(threading.Thread(target=watch))
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - started

            total = sum(len(v) for v in latencies.values())
            n_errors = sum(len(v) for v in errors.values())
            print(
                f"load: {sessions} concurrent sessions for {elapsed:.0f} s on 127.0.0.1 — {total} requests "
                f"completed ({total / elapsed:.1f}/s), {n_errors} errors; app peak RSS {max(peak_rss):.0f} MB"
            )
            everything = [x for v in latencies.values() for x in v]
            for name, values in [*sorted(latencies.items()), ("all", everything)]:
                if values:
                    print(
                        f"  {name:7} n={len(values):5}  p50 {statistics.median(values):6.2f} s  "
                        f"p95 {_percentile(values, 0.95):6.2f} s  max {max(values):6.2f} s"
                    )
            for name, messages in errors.items():
                print(f"  errors in {name}: {len(messages)}, e.g. {messages[0]}")


if __name__ == "__main__":
    main()
