"""Model replies cached on disk, keyed by what decides them: model, prompt, input and run number.

Judging a hundred scenes three times costs real money and time; with the cache a re-run is free
and gives exactly the same numbers. ``run`` is part of the key so that repeated runs (to measure
a judge's variance) are separate calls the first time and reproducible afterwards.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from assistant.config import Settings
from assistant.errors import LLMError
from assistant.llm.client import LLMReply, chat
from assistant.storage import atomic_write_json

CACHE_SUBDIR = "llm_cache"


@dataclass
class CachedReply:
    reply: LLMReply
    hit: bool
    key: str


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


def cached_chat(
    settings: Settings,
    prompt_id: str,
    system: str,
    user: str,
    *,
    run: int = 0,
    use_cache: bool = True,
) -> CachedReply:
    """A JSON-mode chat call, answered from the cache when the same request was made before.

    Only replies that arrived whole are stored: an endpoint failure raises and leaves nothing
    behind, so the next run asks again instead of replaying an outage.
    """
    key = cache_key(settings, prompt_id, system, user, run=run)
    path = _path(settings, key)
    if use_cache and path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            reply = LLMReply(
                text=str(data["text"]),
                prompt_tokens=int(data.get("prompt_tokens", 0)),
                completion_tokens=int(data.get("completion_tokens", 0)),
                calls=0,
                model=str(data.get("model", "")),
            )
            return CachedReply(reply, hit=True, key=key)
        except (OSError, ValueError, KeyError):
            pass  # a damaged entry is simply asked again and overwritten
    try:
        reply = chat(settings, system, user, json_mode=True)
    except LLMError as err:
        if err.status != 400:
            raise
        reply = chat(settings, system, user)  # the endpoint has no JSON mode; the parser is tolerant
    if use_cache and not reply.partial:
        atomic_write_json(
            path,
            {
                "prompt": prompt_id,
                "model": reply.model,
                "run": run,
                "text": reply.text,
                "prompt_tokens": reply.prompt_tokens,
                "completion_tokens": reply.completion_tokens,
            },
        )
    return CachedReply(reply, hit=False, key=key)
