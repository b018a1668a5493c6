"""Model replies cached on disk, keyed by what decides them: model, prompt, input and run number.

Judging a hundred scenes three times costs real money and time; with the cache a re-run is free
and gives exactly the same numbers. ``run`` is part of the key so that repeated runs (to measure
a judge's variance) are separate calls the first time and reproducible afterwards.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from assistant.config import Settings
from assistant.llm.client import LLMReply
from assistant.storage import atomic_write_json

CACHE_SUBDIR = "llm_cache"


def cache_key(settings: Settings, prompt_id: str, system: str, user: str, *, run: int = 0) -> str:
    material = {
        "model": settings.llm_model or "",
        "base_url": settings.openai_base_url or "",
        "temperature": settings.llm_temperature,
        "prompt": prompt_id,
        "system": system,
        "user": user,
        "run": run,
    }
    blob = json.dumps(material, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def cache_dir(settings: Settings) -> Path:
    return Path(settings.data_dir) / CACHE_SUBDIR


def _path(settings: Settings, key: str) -> Path:
    return cache_dir(settings) / key[:2] / f"{key}.json"


def lookup(settings: Settings, key: str) -> LLMReply | None:
    """The stored reply for ``key`` (``calls=0``: no request was made), or None."""
    path = _path(settings, key)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return LLMReply(
            text=str(data["text"]),
            prompt_tokens=int(data.get("prompt_tokens", 0)),
            completion_tokens=int(data.get("completion_tokens", 0)),
            calls=0,
            model=str(data.get("model", "")),
        )
    except (OSError, ValueError, KeyError):
        return None  # a damaged entry is simply asked again and overwritten


def store(settings: Settings, key: str, prompt_id: str, run: int, reply: LLMReply) -> None:
    """Keep a reply that arrived whole; an endpoint failure never reaches here, so an outage is
    asked again next time instead of replayed."""
    if reply.partial:
        return
    atomic_write_json(
        _path(settings, key),
        {
            "prompt": prompt_id,
            "model": reply.model,
            "run": run,
            "text": reply.text,
            "prompt_tokens": reply.prompt_tokens,
            "completion_tokens": reply.completion_tokens,
        },
    )
