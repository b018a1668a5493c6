"""``python -m benchmarks [name ...]`` runs the named benchmarks (all by default)."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = ["retrieval", "review", "formats", "drafting", "app", "reliability", "load"]


def main(argv: list[str]) -> None:
    for name in argv or BENCHMARKS:
        if name not in BENCHMARKS:
            raise SystemExit(f"没有这个基准测试：{name}（可选：{', '.join(BENCHMARKS)}）")
        print(f"== {name} ==", flush=True)
        importlib.import_module(f"benchmarks.{name}").main()


if __name__ == "__main__":
    main(sys.argv[1:])
