"""What stands between the network and the app: Host allow-list, login throttling, a live users file.

- **Host allow-list.** A page on ``evil.example`` whose name is re-pointed at 127.0.0.1 (DNS
  rebinding) reaches a loopback app with ``Host: evil.example``; only the names people really
  use to reach the app are answered, everything else gets 400.
- **Login throttling.** Every failed login makes the next attempt for the same user name *and*
  from the same address wait longer (0.5 s, 1 s, 2 s … capped at 30 s); attempts for one key are
  served one at a time, so parallel guesses gain nothing. Unknown names are checked against a
  dummy hash, so the answer takes as long as for a real user.
- **A live users file.** The file is re-read when it changes; a removed user can no longer log in,
  and the sessions they already hold are ended.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
_ANY_ADDRESS = ("0.0.0.0", "::", "")

# The address of the request being served, for the login check (Gradio passes it only the name).
CLIENT_ADDRESS: contextvars.ContextVar[str] = contextvars.ContextVar("client_address", default="")


# ---- Host header ----------------------------------------------------------------------------------------------


def host_name(header: str) -> str:
    """``example.org:7860`` → ``example.org``; ``[::1]:7860`` → ``::1``; lower case, no trailing dot."""
    header = header.strip().lower()
    if header.startswith("["):
        name = header[1:].partition("]")[0]
    elif header.count(":") == 1:
        name = header.partition(":")[0]
    else:
        name = header
    return name.rstrip(".")


def allowed_hosts(bind_host: str, configured: str = "") -> set[str]:
    """Loopback names always; the bound name; ``ASSISTANT_ALLOWED_HOSTS``; and, when bound to every
    address, this machine's own names and addresses (what colleagues on the LAN type)."""
    names = {*LOOPBACK_NAMES, *(host_name(h) for h in configured.split(",") if h.strip())}
    if bind_host not in _ANY_ADDRESS:
        names.add(host_name(bind_host))
    else:
        names |= _own_names()
    return {n for n in names if n}


def _own_names() -> set[str]:
    """This machine's host names and interface addresses (the LAN address colleagues type)."""
    names: set[str] = set()
    try:
        hostname = socket.gethostname()
        names |= {hostname.lower(), socket.getfqdn().lower()}
        names |= {str(info[4][0]) for info in socket.getaddrinfo(hostname, None)}
    except OSError:
        pass
    try:  # every interface's address, when psutil is at hand (it usually is: a dependency of PDF tools)
        import psutil

        for addresses in psutil.net_if_addrs().values():
            names |= {
                a.address.split("%")[0] for a in addresses if a.family in (socket.AF_INET, socket.AF_INET6)
            }
    except ImportError:
        pass
    return names


_REFUSED_HOST = (
    "不接受的访问地址（Host 头不在允许列表中）。如需用此名称访问，请在 ASSISTANT_ALLOWED_HOSTS 中加入它。"
)


class RequestGuard:
    """ASGI middleware: refuse unknown Host headers, note the client address, end removed users' sessions."""

    def __init__(self, app: Any, hosts: set[str], users: UsersFile | None = None) -> None:
        self.app = app
        self.hosts = hosts
        self.users = users

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        host = host_name(headers.get(b"host", b"").decode("latin-1"))
        if host not in self.hosts:
            await _refuse(scope, send, 400, _REFUSED_HOST)
            return
        if self.users is not None:
            self.users.end_removed_sessions(scope.get("app"))
        client = scope.get("client")
        token = CLIENT_ADDRESS.set(client[0] if client else "")
        try:
            await self.app(scope, receive, send)
        finally:
            CLIENT_ADDRESS.reset(token)


async def _refuse(scope: dict, send: Callable, status: int, message: str) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008})
        return
    body = message.encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


# ---- the users file -------------------------------------------------------------------------------------------


class UsersFile:
    """The users file, re-read whenever it changes on disk (checked on each request: one stat)."""

    def __init__(self, path: Path) -> None:
        from assistant.webapp.users import load_users

        self.path = path
        self._load = load_users
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._users: dict[str, str] = {}
        self.current()  # a malformed file stops the start, with its line number

    def _stat(self) -> tuple | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def current(self) -> dict[str, str]:
        stamp = self._stat()
        with self._lock:
            if stamp != self._stamp:
                if stamp is None:
                    self._users = {}  # the file is gone: nobody may log in
                else:
                    try:
                        self._users = self._load(self.path)
                    except Exception as err:  # half-written by an editor: keep the last good one
                        if self._stamp is None:
                            raise
                        logger.warning("用户文件暂时无法读取，沿用上一版本：%s", err)
                        return self._users
                self._stamp = stamp
            return self._users

    def end_removed_sessions(self, app: Any) -> None:
        """Forget Gradio's login tokens of users no longer in the file."""
        tokens = getattr(app, "tokens", None)
        if not tokens:
            return
        users = self.current()
        for token, name in list(tokens.items()):
            if name not in users:
                tokens.pop(token, None)


# ---- login throttling -----------------------------------------------------------------------------------------


class LoginThrottle:
    """Growing delay per user name and per address; attempts for the same key wait their turn."""

    def __init__(
        self,
        base: float = 0.5,
        cap: float = 30.0,
        forget_after: float = 900.0,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        self.base, self.cap, self.forget_after, self.max_keys = base, cap, forget_after, max_keys
        self.sleep, self.clock = sleep, clock
        self.failures: dict[str, tuple[int, float]] = {}  # key → (failed attempts, time of the last)
        self.locks: dict[str, asyncio.Lock] = {}

    def _count(self, key: str) -> int:
        count, last = self.failures.get(key, (0, 0.0))
        return count if self.clock() - last < self.forget_after else 0

    def delay(self, user: str, address: str) -> float:
        n = max(self._count(f"user:{user}"), self._count(f"addr:{address}"))
        return 0.0 if n == 0 else min(self.base * 2 ** (n - 1), self.cap)

    def _lock(self, key: str) -> asyncio.Lock:
        if len(self.locks) > self.max_keys:  # a flood of invented names must not grow memory forever
            for k in [k for k, lock in self.locks.items() if not lock.locked()]:
                del self.locks[k]
        return self.locks.setdefault(key, asyncio.Lock())

    def _record(self, keys: list[str], ok: bool) -> None:
        if len(self.failures) > self.max_keys:
            now = self.clock()
            self.failures = {k: v for k, v in self.failures.items() if now - v[1] < self.forget_after}
        for key in keys:
            if ok:
                self.failures.pop(key, None)
            else:
                self.failures[key] = (self._count(key) + 1, self.clock())

    async def attempt(self, user: str, address: str, check: Callable[[], Awaitable[bool]]) -> bool:
        keys = [f"user:{user}", f"addr:{address}"]
        # Always user first, then address: no two attempts can wait on each other in a cycle.
        async with self._lock(keys[0]), self._lock(keys[1]):
            wait = self.delay(user, address)
            if wait:
                await self.sleep(wait)
            ok = await check()
            # A right password from a throttled address still clears only the user's own count.
            self._record(keys if not ok else keys[:1], ok)
            return ok


def login_check(users: UsersFile, throttle: LoginThrottle | None = None):
    """The async ``auth`` for Gradio: throttled, constant-time for unknown names, always current."""
    from assistant.webapp.users import DUMMY_HASH, verify_password

    throttle = throttle or LoginThrottle()

    def verify(username: str, password: str) -> bool:
        stored = users.current().get(username)
        # An unknown name costs one full hash too, so timing does not tell who has an account.
        ok = verify_password(password, stored or DUMMY_HASH)
        return stored is not None and ok

    async def check(username: str, password: str) -> bool:
        return await throttle.attempt(
            username,
            CLIENT_ADDRESS.get(),
            lambda: asyncio.to_thread(verify, username, password),
        )

    check.users = users  # type: ignore[attr-defined]  # serve() hands it to RequestGuard
    check.throttle = throttle  # type: ignore[attr-defined]
    return check
