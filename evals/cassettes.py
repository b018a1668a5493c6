"""Recorded replies of a capable chat model to the product's own prompts ("cassettes"), replayed
over the real client path by an OpenAI-compatible server on 127.0.0.1.

A request is keyed by its messages (roles and texts; not the model name, so any run replays). A
request with a cassette gets the recorded reply; one without is saved under ``pending/`` and
answered with a 503, so the product behaves as it does when an endpoint fails. How the pending
requests were answered is told in ``evals/README.md``; ``python -m evals.cassettes status`` lists
what is pending.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from testkit.scripted_server import Reply, ScriptedServer

CASSETTE_DIR = Path(__file__).parent / "drafting" / "cassettes"


def request_key(request: dict[str, Any]) -> str:
    messages = [(str(m.get("role")), str(m.get("content"))) for m in request.get("messages", [])]
    return hashlib.sha256(json.dumps(messages, ensure_ascii=False).encode("utf-8")).hexdigest()[:20]


class CassetteServer(ScriptedServer):
    """Replays cassettes from ``folder``; saves each unanswered request to ``folder/pending``."""

    def __init__(self, folder: Path = CASSETTE_DIR) -> None:
        super().__init__(default=self._answer)
        self.folder = folder
        self.hits = 0
        self.misses: list[str] = []

    def _answer(self, request: dict[str, Any]) -> Reply | str:
        key = request_key(request)
        recorded = self.folder / f"{key}.json"
        if recorded.exists():
            self.hits += 1
            return Reply(json.loads(recorded.read_text(encoding="utf-8"))["reply"])
        self.misses.append(key)
        pending = self.folder / "pending"
        pending.mkdir(parents=True, exist_ok=True)
        messages = [{"role": m.get("role"), "content": m.get("content")} for m in request.get("messages", [])]
        (pending / f"{key}.json").write_text(
            json.dumps({"key": key, "messages": messages, "reply": None}, ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
        return "500"


def file_answers(folder: Path = CASSETTE_DIR) -> int:
    """Move every answered pending request (``reply`` filled in) into the cassettes."""
    moved = 0
    for path in sorted((folder / "pending").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("reply"):
            (folder / path.name).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
            path.unlink()
            moved += 1
    return moved


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "status"
    if command == "file":
        print(f"已归档 {file_answers()} 条回答")
    pending = sorted((CASSETTE_DIR / "pending").glob("*.json"))
    recorded = [p for p in CASSETTE_DIR.glob("*.json")]
    print(f"录制的回答 {len(recorded)} 条，待回答的请求 {len(pending)} 条")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
