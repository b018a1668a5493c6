"""Offline drafting time per scene, once the index exists: every hand-made material set drafted with
its scene given (the writer picked it) and with the scene proposed from the material, against merely
reading the material files (the floor). Also the share of time spent reading facts. Target: ≤ 1 s a scene.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import yaml

from assistant.config import get_settings
from assistant.drafting.extract import extract_facts
from assistant.drafting.material import load_materials
from assistant.drafting.service import draft_scene
from assistant.knowledge.index import build_index
from assistant.paths import EVALS_DIR
from evals.drafting.checks import material_files


def main() -> None:
    folders = sorted((EVALS_DIR / "drafting" / "sets").glob("d*"))
    with tempfile.TemporaryDirectory() as tmp:
        settings = get_settings().model_copy(
            update={"data_dir": Path(tmp), "chroma_url": None, "llm_model": None, "openai_base_url": None}
        )
        build_index(settings)
        warm = load_materials(material_files(folders[0]))
        draft_scene(warm, settings)  # load the embedding model and the index once, as a running app has
        read, facts_time, given, proposed = [], [], [], []
        for folder in folders:
            gold = yaml.safe_load((folder / "facts.yaml").read_text(encoding="utf-8"))
            started = time.perf_counter()
            material = load_materials(material_files(folder))
            read.append(time.perf_counter() - started)
            started = time.perf_counter()
            extract_facts(material)
            facts_time.append(time.perf_counter() - started)
            started = time.perf_counter()
            draft_scene(material, settings, domain=gold["domain"], link=gold["link"], scene=gold["scene"])
            given.append(time.perf_counter() - started)
            started = time.perf_counter()
            draft_scene(material, settings)
            proposed.append(time.perf_counter() - started)
    print(f"材料 {len(folders)} 套，离线起草（索引已建、模型已加载）：")
    print(f"  读取材料（下限）：中位 {statistics.median(read) * 1000:.0f} ms")
    print(f"  材料→事实：中位 {statistics.median(facts_time) * 1000:.0f} ms")
    print(
        f"  起草（场景已选）：中位 {statistics.median(given):.2f} s，最慢 {max(given):.2f} s"
        f"（读取的 {statistics.median(given) / max(1e-6, statistics.median(read)):.0f} 倍）"
    )
    print(f"  起草（自动对应场景）：中位 {statistics.median(proposed):.2f} s，最慢 {max(proposed):.2f} s")
    print(f"  目标 ≤ 1 s/场景：{'达到' if max(given) <= 1.0 else '未达到'}（以场景已选的最慢一套计）")
