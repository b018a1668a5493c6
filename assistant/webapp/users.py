"""Web users: PBKDF2-hashed passwords in a users file (``assistant user add``), checked in constant time.

Below both the login guard and the access rules, so neither imports the other.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import re
import secrets
from pathlib import Path

from assistant.errors import ConfigError, InputError

ITERATIONS = 200_000


def hash_password(password: str, salt: str | None = None, iterations: int = ITERATIONS) -> str:
    salt = salt or secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt.encode(), iterations).hex()
    return f"pbkdf2_sha256${iterations}${salt}${digest}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2_sha256":
        return False
    candidate = hash_password(password, salt, int(iterations)).split("$")[-1]
    return hmac.compare_digest(candidate, digest)


# Checked against when the name is unknown, so a wrong name costs the same hash as a wrong password.
DUMMY_HASH = hash_password(secrets.token_hex(16), "0" * 16)


def load_users(path: Path) -> dict[str, str]:
    users: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, stored = line.partition(":")
        if not name or not stored.startswith("pbkdf2_sha256$"):
            raise ConfigError(
                f"用户文件 {path} 第{number}行格式应为 用户名:pbkdf2_sha256$…（用 assistant user add 生成）"
            )
        users[name.strip()] = stored.strip()
    return users


_USER_NAME = re.compile(r"[\w\u4e00-\u9fff.@-]{1,40}")


def add_user(path: Path, name: str, password: str) -> bool:
    """Add or replace one user in the users file (written atomically). True if the user was new."""
    from assistant.storage import atomic_write_text

    if not _USER_NAME.fullmatch(name):
        raise InputError("用户名只能包含字母、数字、汉字和 . @ - _，且不超过 40 个字符")
    if len(password) < 8:
        raise InputError("密码至少 8 个字符")
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    kept = [line for line in lines if line.partition(":")[0].strip() != name]
    atomic_write_text(path, "\n".join([*kept, f"{name}:{hash_password(password)}"]) + "\n")
    with contextlib.suppress(OSError):
        path.chmod(0o600)  # hashes are not passwords, but there is no reason to share them
    return len(kept) == len(lines)
