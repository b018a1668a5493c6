"""Secrets kept out of everything shown or saved: endpoint error texts, URLs in banners and logs.

An endpoint may echo the request back in its error (the key included), and ``OPENAI_BASE_URL`` may
carry ``user:password@``; both reach the chat, the saved project, ``assistant config`` and the
start-up line unless they pass through here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import SecretStr

HIDDEN = "***"
_KEY_LIKE = re.compile(
    r"""
    \b(?:sk|pk|rk|ak)-[A-Za-z0-9_\-]{6,}                                  # sk-…, sk-proj-…
    | \bBearer\s+[A-Za-z0-9._~+/=\-]{6,}                                # Authorization: Bearer …
    | (?i:\b(?:api[_-]?key|access[_-]?token|token|secret|password)["']?\s*[=:]\s*["']?)[^\s"',;&]{4,}
    | \b[A-Za-z0-9_\-]{40,}\b                                             # any long opaque token
    """,
    re.VERBOSE,
)
_SECRET_PARAMS = re.compile(r"(?i)key|token|secret|password|sig")


def redact(text: object, secrets: Iterable[str | SecretStr | None] = ()) -> str:
    """``text`` with the given secrets and anything that looks like a key replaced by ***."""
    out = "" if text is None else str(text)
    for secret in secrets:
        raw = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
        if raw and len(raw) >= 4:
            out = out.replace(raw, HIDDEN)
    return _KEY_LIKE.sub(_hide_match, out)


def _hide_match(match: re.Match[str]) -> str:
    text = match.group(0)
    # Keep the label of "api_key=…" / "Bearer …" so the message still says what was there.
    for sep in ("=", ":", " "):
        label, found, _ = text.partition(sep)
        if found and not label.lower().startswith(("sk-", "pk-", "rk-", "ak-")) and len(label) < 20:
            return f"{label}{sep}{HIDDEN}"
    return HIDDEN


def mask_url(url: str | None) -> str:
    """A URL fit to show: ``user:password@`` and key-like query values hidden; anything else kept."""
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return redact(url)
    netloc = parts.netloc
    if parts.username or parts.password:
        host = f"[{host}]" if ":" in host else host
        netloc = f"{HIDDEN}@{host}{port}"
    query = urlencode(
        [(k, HIDDEN if _SECRET_PARAMS.search(k) else v) for k, v in parse_qsl(parts.query, True)],
        safe="*",
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
