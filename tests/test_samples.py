"""The bundled samples demos and users start from: the .md and the .json say the same thing, the
application passes review, and the raw material drafts offline into a scene with every part filled."""

from __future__ import annotations

from assistant.application_reader import read_application
from assistant.config import Settings
from assistant.drafting.figures import FigureGuard
from assistant.drafting.material import load_material
from assistant.drafting.service import draft_scene
from assistant.paths import SAMPLES_DIR
from assistant.review.engine import review_application


def test_markdown_and_json_samples_are_the_same_application() -> None:
    from_json = read_application(SAMPLES_DIR / "sample-application.json")
    from_md = read_application(SAMPLES_DIR / "sample-application.md")
    assert from_md == from_json
    assert len(from_json.scenes) >= 5


def test_sample_application_covers_all_five_domains_and_passes_review() -> None:
    app = read_application(SAMPLES_DIR / "sample-application.json")
    assert {"生产作业", "生产管理", "运营管理", "工厂建设", "研发设计"} <= set(app.covered_domains())
    report = review_application(app, file="sample-application.json")
    assert report.errors == []


def test_sample_material_drafts_offline_with_sourced_figures(shipped_index) -> None:
    material = load_material(SAMPLES_DIR / "sample-material.md")
    result = draft_scene(material, Settings(data_dir=shipped_index))
    assert result.mode == "offline"
    assert result.scene.domain == "生产作业" and result.scene.link == "设备管理"
    assert result.scene.instance == "注塑机群状态监测与预测性维护"
    assert all(text.strip() for _, text in result.scene.parts.items())
    guard = FigureGuard(material)
    assert all(guard.invented(text) == [] for _, text in result.scene.parts.items())
    assert "食堂" not in "".join(t for _, t in result.scene.parts.items())
