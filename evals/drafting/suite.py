"""Drafting eval: hand-written material sets, drafted offline and through the real client path against
the scripted OpenAI-compatible server (or a real endpoint when one is configured and --offline is
not given).

The scripted model answers with the set's hand-written faithful draft, except where the script
makes it misbehave first — an over-long part, an invented figure, a dropped supplier, broken JSON —
so the guards and the repair loop are exercised. On a repair request it behaves like a model that
follows the feedback: it drops the sentences carrying the figures it was told have no source.

Also measured: the figure guard's false acceptances (random figures injected into faithful drafts)
and its false rejections (figures of the faithful drafts it refuses).
"""

from __future__ import annotations

import json
import random
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml

from assistant.config import Settings
from assistant.drafting.figures import FigureGuard
from assistant.drafting.guards import rule_findings, sentences_of
from assistant.drafting.material import load_material
from assistant.drafting.service import draft_scene
from assistant.knowledge.index import build_index
from assistant.models import PART_KEYS, Scene
from assistant.requirements import load_requirements
from assistant.text import count_words
from evals.scripted_server import Reply, ScriptedServer

HERE = Path(__file__).parent
# The misbehaviour the scripted model shows on its first answer, per set (the rest answer well).
FAULTS = {
    "d02": "over_long",
    "d05": "invented",
    "d08": "drop_supplier",
    "d11": "fenced",
    "d04": "broken_json",
}
INJECTIONS_PER_SET = 200


def load_sets() -> list[dict[str, Any]]:
    sets = []
    for folder in sorted((HERE / "sets").glob("d*")):
        facts = yaml.safe_load((folder / "facts.yaml").read_text(encoding="utf-8"))
        reference = Scene.model_validate_json((folder / "reference.json").read_text(encoding="utf-8"))
        sets.append({"id": folder.name, "folder": folder, "facts": facts, "reference": reference})
    return sets


def _reference_json(scene: Scene, drop: list[str] | None = None) -> dict:
    parts = {}
    for key, text in scene.parts.items():
        kept = [s for s in sentences_of(text) if not any(d in s for d in drop or [])]
        parts[key] = "".join(kept)
    return {
        "domain": scene.domain,
        "link": scene.link,
        "scene": scene.scene,
        "instance": scene.instance,
        "parts": parts,
        "gaps": scene.gaps,
        "questions": scene.questions,
    }


def _faulty(fault: str, scene: Scene) -> str:
    data = _reference_json(scene)
    if fault == "over_long":
        data["parts"]["技术方案"] = data["parts"]["技术方案"] * 2
    elif fault == "invented":
        data["parts"]["成效"] += "综合生产效率提升47.3%，年节约成本1,234万元。"
    elif fault == "drop_supplier":
        data["parts"]["技术方案"] = (
            "".join(
                s
                for s in sentences_of(data["parts"]["技术方案"])
                if not re.search(r"公司|集团|研究院|大学|科技|自主", s)
            )
            or "系统按产线实际需求部署。"
        )
    elif fault == "fenced":
        return (
            "好的，草稿如下：\n```json\n"
            + json.dumps(data, ensure_ascii=False, indent=1).replace("\n}", ",\n}")
            + "\n```"
        )
    elif fault == "broken_json":
        return "抱歉，" + json.dumps(data, ensure_ascii=False)[:40]
    return json.dumps(data, ensure_ascii=False)


def scripted_model(case: dict) -> ScriptedServer:
    reference: Scene = case["reference"]
    fault = FAULTS.get(case["id"])
    state = {"first": True}

    def respond(request: dict) -> Reply:
        messages = request.get("messages", [])
        last = str(messages[-1].get("content", "")) if messages else ""
        if state["first"]:
            state["first"] = False
            if fault:
                return Reply(_faulty(fault, reference))
            return Reply(json.dumps(_reference_json(reference), ensure_ascii=False))
        # A repair request: follow the feedback about figures without a source.
        drop = re.findall(r"中的“([^”]+)”在材料中找不到来源", last)
        return Reply(json.dumps(_reference_json(reference, drop=drop), ensure_ascii=False))

    return ScriptedServer(default=respond)


def _score_final(scene: Scene, guard: FigureGuard) -> dict[str, Any]:
    req = load_requirements()
    within = sum(1 for spec in req.parts if count_words(scene.parts.get(spec.key)) <= spec.limit)  # type: ignore[arg-type]
    invented = sum(len(guard.invented(text)) for _, text in scene.parts.items())
    errors = [f.rule for f in rule_findings(scene) if f.severity.value == "error"]
    return {"within": within, "parts": len(req.parts), "invented": invented, "errors": errors}


def guard_rates(sets: list[dict[str, Any]], seed: int = 20251125) -> dict[str, float]:
    """False acceptance on injected random figures; false rejection on the faithful drafts' figures."""
    rng = random.Random(seed)

    def random_figure() -> str:
        kind = rng.choice(["pct", "pct1", "count", "money", "hours", "points", "years"])
        return {
            "pct": lambda: f"{rng.randint(1, 99)}%",
            "pct1": lambda: f"{rng.uniform(1, 99):.1f}%",
            "count": lambda: f"{rng.randint(3, 500)}台",
            "money": lambda: f"{rng.randint(10, 3000)}万元",
            "hours": lambda: f"{rng.uniform(0.5, 48):.1f}小时",
            "points": lambda: f"{rng.uniform(0.5, 20):.1f}个百分点",
            "years": lambda: f"{rng.uniform(0.3, 8):.1f}年",  # payback periods
        }[kind]()

    accepted = injected = coincident = rejected = checked = 0
    for case in sets:
        guard = FigureGuard(load_material(case["folder"] / "material.md"))
        for _, text in case["reference"].parts.items():
            results = guard.check(text)
            checked += len(results)
            rejected += sum(1 for r in results if not r.ok)
        for _ in range(INJECTIONS_PER_SET):
            figure = random_figure()
            (result,) = guard.check(f"相关指标达到{figure}。") or [None]
            if result is not None and result.ok and not result.derived:
                coincident += 1  # the material states this very figure: not an invention
                continue
            injected += 1
            accepted += bool(result and result.ok)
    return {
        "guard.false_acceptance": accepted / injected if injected else 0.0,
        "guard.coincident_with_material": coincident / (injected + coincident)
        if injected + coincident
        else 0.0,
        "guard.false_rejection": rejected / checked if checked else 0.0,
    }


def run(settings: Settings, offline: bool) -> dict[str, Any]:
    sets = load_sets()
    metrics: dict[str, Any] = {"sets": len(sets)}
    details: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="eval-drafting-") as tmp:
        base = settings.model_copy(update={"data_dir": Path(tmp), "chroma_url": None})
        build_index(base)
        totals = {"offline": _zero(), "online": _zero()}
        for case in sets:
            material = load_material(case["folder"] / "material.md")
            guard = FigureGuard(material)
            facts = case["facts"]
            where = {"domain": facts["domain"], "link": facts["link"], "scene": facts["scene"]}
            offline_settings = base.model_copy(
                update={"llm_model": None, "openai_api_key": None, "openai_base_url": None}
            )
            drafted = draft_scene(material, offline_settings, **where)
            _add(totals["offline"], _score_final(drafted.scene, guard), drafted)
            mapped = draft_scene(material, offline_settings)
            totals["offline"]["link_hit3"] += facts["link"] in [c.link for c in mapped.mapping[:3]]
            if offline or not settings.llm_configured:
                with scripted_model(case) as server:
                    online_settings = base.model_copy(
                        update={
                            "openai_base_url": server.base_url,
                            "llm_model": "scripted",
                            "openai_api_key": None,
                            "llm_max_retries": 0,
                        }
                    )
                    result = draft_scene(material, online_settings, **where)
            else:
                result = draft_scene(material, base, **where)
            score = _score_final(result.scene, guard)
            _add(totals["online"], score, result)
            details.append(
                {
                    "set": case["id"],
                    "fault": FAULTS.get(case["id"]),
                    "calls": result.calls,
                    "invented": score["invented"],
                    "errors": score["errors"],
                    "notes": result.notes,
                }
            )
    n = len(sets)
    for mode, t in totals.items():
        metrics[f"{mode}.draft.within_limit"] = round(t["within"] / t["parts"], 4)
        metrics[f"{mode}.draft.invented_figures"] = t["invented"]
        metrics[f"{mode}.draft.reviewer_errors"] = t["errors"]
        metrics[f"{mode}.draft.undeserved_errors"] = t["undeserved"]
        if mode == "online":
            metrics["online.llm.calls_per_scene"] = round(t["calls"] / n, 4)
            metrics["online.llm.prompt_tokens_per_call"] = round(t["prompt_tokens"] / max(1, t["calls"]), 1)
    metrics["offline.map.link_hit@3"] = round(totals["offline"]["link_hit3"] / n, 4)
    metrics.update({k: round(v, 4) for k, v in guard_rates(sets).items()})
    metrics["details"] = details
    return metrics


def _zero() -> dict[str, int]:
    return {
        "within": 0,
        "parts": 0,
        "invented": 0,
        "errors": 0,
        "undeserved": 0,
        "calls": 0,
        "prompt_tokens": 0,
        "link_hit3": 0,
    }


def _add(total: dict[str, int], score: dict[str, Any], result) -> None:
    total["within"] += score["within"]
    total["parts"] += score["parts"]
    total["invented"] += score["invented"]
    total["errors"] += len(score["errors"])
    # An error the material itself cannot cure (no supplier, no results, no money in it) is deserved.
    deserved = {v.rule for v in result.remaining if not v.fixable}
    total["undeserved"] += sum(1 for rule in score["errors"] if rule not in deserved)
    total["calls"] += result.calls
    total["prompt_tokens"] += result.prompt_tokens


__all__ = ["PART_KEYS", "run"]
