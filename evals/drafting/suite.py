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
from assistant.drafting.extract import extract_facts
from assistant.drafting.figures import FigureGuard
from assistant.drafting.guards import rule_findings, sentences_of
from assistant.drafting.material import load_materials
from assistant.drafting.service import draft_scene
from assistant.knowledge.index import build_index
from assistant.models import PART_KEYS, Scene
from assistant.requirements import load_requirements
from assistant.text import count_words
from evals.cassettes import CassetteServer
from evals.drafting.checks import material_files, score
from testkit.scripted_server import Reply, ScriptedServer

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
# Written after the drafter was built and never looked at while improving it. d21–d26 were held out
# first, then looked at; d33–d40 came later as new material to improve on (see evals/README.md).
# d63 and d65 were written in new forms chosen by their writer and joined the held-out half unread; d64,
# written with them, shares its figures with the dev set d58 (its writer had seen it) and is a dev set.
HELD_OUT = {"d27", "d28", "d29", "d30", "d31", "d32", "d63", "d65"}


def load_sets() -> list[dict[str, Any]]:
    sets = []
    for folder in sorted((HERE / "sets").glob("d*")):
        facts = yaml.safe_load((folder / "facts.yaml").read_text(encoding="utf-8"))
        reference = Scene.model_validate_json((folder / "reference.json").read_text(encoding="utf-8"))
        sets.append(
            {
                "id": folder.name,
                "folder": folder,
                "facts": facts,
                "reference": reference,
                "files": material_files(folder),
                "writer_gold": "instance_name" in facts,  # the sets graded by the writer's checks
                "held_out": folder.name in HELD_OUT,
            }
        )
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
        material = load_materials(case["files"])
        guard = FigureGuard(material, extract_facts(material))
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


def _settings(base: Settings, server) -> Settings:
    return base.model_copy(
        update={
            "openai_base_url": server.base_url,
            "llm_model": "scripted",
            "openai_api_key": None,
            "llm_max_retries": 0,
        }
    )


def run(settings: Settings, offline: bool) -> dict[str, Any]:
    sets = load_sets()
    metrics: dict[str, Any] = {"sets": len(sets)}
    details: list[dict[str, Any]] = []
    writer = {m: _writer_zero() for m in ("offline", "cassette", "heldout.offline", "heldout.cassette")}
    cassette = {"drafts": 0, "fell_back": 0, "pending": 0, "figures": 0, "rejected": []}
    with tempfile.TemporaryDirectory(prefix="eval-drafting-") as tmp:
        base = settings.model_copy(update={"data_dir": Path(tmp), "chroma_url": None})
        build_index(base)
        totals = {"offline": _zero(), "heldout.offline": _zero(), "online": _zero(), "cassette": _zero()}
        offline_settings = base.model_copy(
            update={"llm_model": None, "openai_api_key": None, "openai_base_url": None}
        )
        for case in sets:
            material = load_materials(case["files"])
            guard = FigureGuard(material, extract_facts(material))
            facts = case["facts"]
            where = {"domain": facts["domain"], "link": facts["link"], "scene": facts["scene"]}
            drafted = draft_scene(material, offline_settings, **where)
            _add(
                totals["heldout.offline" if case["held_out"] else "offline"],
                _score_final(drafted.scene, guard),
                drafted,
            )
            mapped = draft_scene(material, offline_settings)
            totals["offline"]["link_hit3"] += facts["link"] in [c.link for c in mapped.mapping[:3]]
            if offline or not settings.llm_configured:
                with scripted_model(case) as server:
                    result = draft_scene(material, _settings(base, server), **where)
            else:
                result = draft_scene(material, base, **where)
            score_online = _score_final(result.scene, guard)
            _add(totals["online"], score_online, result)
            detail = {
                "set": case["id"],
                "fault": FAULTS.get(case["id"]),
                "calls": result.calls,
                "invented": score_online["invented"],
                "errors": score_online["errors"],
                "notes": result.notes,
            }
            with CassetteServer() as server:
                taped = draft_scene(material, _settings(base, server), **where)
                first_replies = [r for r in server.requests if len(r.get("messages", [])) <= 2]
            cassette["drafts"] += 1
            cassette["fell_back"] += taped.fell_back
            cassette["pending"] += len(server.misses)
            if not taped.fell_back:
                _add(totals["cassette"], _score_final(taped.scene, guard), taped)
                cassette["figures"] += _first_draft_figures(
                    server, first_replies, guard, case, cassette["rejected"]
                )
            if case["writer_gold"]:
                half = "heldout." if case["held_out"] else ""
                checked = score(drafted.scene, facts, case["folder"])
                _add_writer(writer[f"{half}offline"], checked)
                detail["writer_offline"] = checked["failures"]
                if not taped.fell_back:
                    checked = score(taped.scene, facts, case["folder"])
                    _add_writer(writer[f"{half}cassette"], checked)
                    detail["writer_cassette"] = checked["failures"]
            details.append(detail)
    n = len(sets)
    held_out = sum(1 for c in sets if c["held_out"])
    for mode, t in totals.items():
        drafts = {
            "cassette": max(1, cassette["drafts"] - cassette["fell_back"]),
            "offline": n - held_out,
        }.get(mode, n)
        if mode == "heldout.offline":
            drafts = max(1, held_out)
        metrics[f"{mode}.draft.within_limit"] = round(t["within"] / max(1, t["parts"]), 4)
        metrics[f"{mode}.draft.invented_figures"] = t["invented"]
        metrics[f"{mode}.draft.reviewer_errors"] = t["errors"]
        metrics[f"{mode}.draft.undeserved_errors"] = t["undeserved"]
        if mode not in ("offline", "heldout.offline"):
            metrics[f"{mode}.llm.calls_per_scene"] = round(t["calls"] / drafts, 4)
            metrics[f"{mode}.llm.prompt_tokens_per_call"] = round(t["prompt_tokens"] / max(1, t["calls"]), 1)
    metrics["offline.map.link_hit@3"] = round(totals["offline"]["link_hit3"] / n, 4)
    metrics.update({k: round(v, 4) for k, v in guard_rates(sets).items()})
    metrics["cassette.pending_requests"] = cassette["pending"]
    metrics["cassette.fell_back"] = cassette["fell_back"]
    metrics.update(_cassette_guard(cassette))
    for mode, w in writer.items():
        metrics.update(_writer_metrics(mode, w))
    details.append({"cassette_guard_refusals": cassette["rejected"]})
    metrics["details"] = details
    return metrics


def _first_draft_figures(server, first: list[dict], guard: FigureGuard, case: dict, rejected: list) -> int:
    """Figures of the model's first draft (before any repair) and the ones the guard refused, each
    recorded with the set and the part so the refusals can be judged by hand."""
    from assistant.llm.json_reply import parse_reply
    from evals.cassettes import request_key

    checked = 0
    for request in first:
        path = server.folder / f"{request_key(request)}.json"
        if not path.exists():
            continue
        reply = json.loads(path.read_text(encoding="utf-8"))["reply"]
        try:
            data = parse_reply(reply) or {}
        except Exception:  # an unparseable first reply has no figures to judge
            continue
        for key, text in (data.get("parts") or {}).items():
            for check in guard.check(str(text)):
                checked += 1
                if not check.ok:
                    rejected.append({"set": case["id"], "part": key, "figure": check.value})
    return checked


JUDGEMENTS = HERE / "cassettes" / "judgements.yaml"


def _cassette_guard(cassette: dict) -> dict[str, Any]:
    """False rejection on real-model drafts: refused figures a person judged faithful (judgements.yaml,
    written by hand after reading each refused figure beside the material)."""
    judged = yaml.safe_load(JUDGEMENTS.read_text(encoding="utf-8")) if JUDGEMENTS.exists() else {}
    judged = judged or {}
    faithful = unjudged = 0
    for r in cassette["rejected"]:
        verdict = judged.get(f"{r['set']}:{r['figure']}")
        if verdict is None:
            unjudged += 1
        faithful += verdict == "faithful"
    figures = cassette["figures"]
    return {
        "cassette.guard.figures": figures,
        "cassette.guard.rejected": len(cassette["rejected"]),
        "cassette.guard.false_rejection": round(faithful / figures, 4) if figures else 0.0,
        "cassette.guard.unjudged_rejections": unjudged,
    }


def _writer_zero() -> dict[str, int]:
    keys = ("sets", "leaks", "instance", "period", "forbidden")
    pairs = ("implementers", "pairs", "economics")
    return {**{k: 0 for k in keys}, **{f"{k}_ok": 0 for k in pairs}, **{f"{k}_all": 0 for k in pairs}}


def _add_writer(total: dict[str, int], checked: dict[str, Any]) -> None:
    total["sets"] += 1
    for key in ("leaks", "instance", "period", "forbidden"):
        total[key] += checked[key]
    for key in ("implementers", "pairs", "economics"):
        ok, all_ = checked[key]
        total[f"{key}_ok"] += ok
        total[f"{key}_all"] += all_


def _writer_metrics(mode: str, w: dict[str, int]) -> dict[str, Any]:
    if not w["sets"]:
        return {}
    return {
        f"{mode}.writer.sets": w["sets"],
        f"{mode}.writer.leaks": w["leaks"],
        f"{mode}.writer.instance_used": round(w["instance"] / w["sets"], 4),
        f"{mode}.writer.implementers_named": round(w["implementers_ok"] / max(1, w["implementers_all"]), 4),
        f"{mode}.writer.pairs_stated": round(w["pairs_ok"] / max(1, w["pairs_all"]), 4),
        f"{mode}.writer.period_stated": round(w["period"] / w["sets"], 4),
        f"{mode}.writer.economics_stated": round(w["economics_ok"] / max(1, w["economics_all"]), 4),
        f"{mode}.writer.forbidden_used": w["forbidden"],
    }


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
