"""The Gradio app in a process of its own, as the app and load benchmarks drive it: offline, on a free
loopback port, with a data folder of its own."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.paths import ROOT

# A developer's endpoint or bind address must not leak into a benchmark of the offline app.
_DROPPED_ENV = {"OPENAI_API_KEY", "OPENAI_BASE_URL", "ASSISTANT_LLM_MODEL", "GRADIO_SERVER_NAME"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def connect(url: str, proc: subprocess.Popen, deadline: float):
    """A gradio_client Client as soon as the app answers; fails if the app exits or time runs out."""
    from gradio_client import Client

    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"app exited with {proc.returncode}")
        try:
            return Client(url, verbose=False)
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextmanager
def running_app(folder: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """(url, process) of ``python app.py`` started in ``folder``; stopped on exit."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED_ENV}
    env |= {
        "ASSISTANT_DATA_DIR": str(folder / "data"),
        "GRADIO_SERVER_PORT": str(port),  # host stays the default: 127.0.0.1
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py")],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield f"http://127.0.0.1:{port}/", proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
