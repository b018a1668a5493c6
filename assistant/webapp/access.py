"""Who may use the app and what they may upload.

The app binds 127.0.0.1 by default. Binding any other address requires a users file
(``ASSISTANT_USERS_FILE``: one ``user:pbkdf2_sha256$iterations$salt$hash`` per line, made with
``assistant user add``), so the app is never open to a network without login. Uploaded names are
sanitised and zip archives unpacked with limits; one user's projects live apart from another's.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import threading
import time
import zipfile
import zlib
from pathlib import Path

from assistant.config import Settings, get_settings
from assistant.errors import ConfigError, InputError
from assistant.projects import safe_name
from assistant.webapp.users import (  # noqa: F401 -- re-exported: the CLI and tests use them from here
    DUMMY_HASH,
    ITERATIONS,
    add_user,
    hash_password,
    load_users,
    verify_password,
)

ALLOWED_SUFFIXES = {
    ".docx", ".doc", ".wps", ".odt", ".rtf", ".md", ".markdown", ".json", ".txt", ".pdf", ".png", ".jpg", ".jpeg",
    ".yaml", ".yml", ".zip",
}  # fmt: skip
# What the writer's chat reads as material besides: tables of indicators and costs.
MATERIAL_SUFFIXES = ALLOWED_SUFFIXES - {".zip"} | {".xlsx", ".xlsm", ".csv"}
# What a zip's members may be: drafts in every format the reviewer reads.
DRAFT_SUFFIXES = {".docx", ".doc", ".wps", ".odt", ".rtf", ".md", ".json", ".pdf", ".png", ".jpg", ".jpeg"}
_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def auth_for(host: str, settings: Settings):
    """None on loopback; otherwise a throttled login check backed by the users file (required),
    re-read whenever it changes."""
    from assistant.webapp.guard import UsersFile, login_check

    if host in _LOCAL_HOSTS:
        return None
    if settings.users_file is None or not settings.users_file.exists():
        raise ConfigError(
            f"绑定到 {host} 会让网络中的其他人访问本应用：请设置 ASSISTANT_USERS_FILE 指向登录用户文件"
            "（用 assistant user add 用户名 生成），或改回 127.0.0.1"
        )
    users = UsersFile(settings.users_file)
    if not users.current():
        raise ConfigError(f"用户文件 {settings.users_file} 中没有用户")
    return login_check(users)


def user_of(request) -> str:
    """The logged-in user's name ("local" without login); ProjectStore makes it a safe folder name."""
    name = getattr(request, "username", None) if request is not None else None
    return str(name) if name else "local"


def checked_uploads(
    files: list[str], settings: Settings | None = None, allowed: set[str] = ALLOWED_SUFFIXES
) -> list[Path]:
    settings = settings or get_settings()
    if len(files) > settings.max_uploads:
        raise InputError(f"一次最多上传 {settings.max_uploads} 个文件")
    paths = []
    for file in files:
        path = Path(file)
        if path.suffix.lower() not in allowed:
            raise InputError(f"{path.name}：不支持的文件类型（支持 {'、'.join(sorted(allowed))}）")
        if path.stat().st_size > settings.max_upload_mb * 1024 * 1024:
            raise InputError(f"{path.name} 超过 {settings.max_upload_mb} MB")
        paths.append(path)
    return paths


def _safe_member_name(name: str) -> str:
    """A flat, safe file name for an uploaded file or zip member: folders joined with _, no traversal."""
    parts = [p for p in Path(name.replace("\\", "/")).parts if p not in ("", ".", "..", "/")]
    if not parts:
        return "file"
    stem = "_".join([*(safe_name(p) for p in parts[:-1]), safe_name(Path(parts[-1]).stem, "file")])
    return stem + Path(parts[-1]).suffix.lower()


def _unused(target: Path) -> Path:
    """``target``, or ``name-2.ext`` … when taken: two uploads that clean to one name both survive."""
    n = 1
    candidate = target
    while candidate.exists():
        n += 1
        candidate = target.with_name(f"{target.stem}-{n}{target.suffix}")
    return candidate


def expand_uploads(
    paths: list[Path], workdir: Path, settings: Settings | None = None, budget: RequestBudget | None = None
) -> list[Path]:
    """Files to review: uploads as they are, zip archives unpacked safely (no traversal, size and count
    limits), the whole request within one budget of decompressed bytes."""
    settings = settings or get_settings()
    budget = budget or RequestBudget(settings)
    out: list[Path] = []
    for path in paths:
        if path.suffix.lower() != ".zip":
            target = _unused(workdir / _safe_member_name(path.name))
            shutil.copy(path, target)
            budget.charge_file(target)
            out.append(target)
            continue
        try:
            with zipfile.ZipFile(path) as zf:
                members = [m for m in zf.infolist() if not m.is_dir()]
                if len(members) > settings.max_uploads:
                    raise InputError(f"{path.name} 中文件过多（上限 {settings.max_uploads} 个）")
                if sum(m.file_size for m in members) > settings.max_unzipped_mb * 1024 * 1024:
                    raise InputError(
                        f"{path.name} 解压后过大（上限 {settings.max_unzipped_mb} MB，可用 ASSISTANT_MAX_UNZIPPED_MB 调整），已拒绝"
                    )
                if any(m.flag_bits & 0x1 for m in members):
                    raise InputError(f"{path.name} 设置了密码，无法解压：请上传未加密的 zip")
                for member in members:
                    name = member.filename
                    if not member.flag_bits & 0x800:  # not marked UTF-8: Chinese Windows zips names in GBK
                        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
                            name = name.encode("cp437").decode("gbk")
                    name = name.replace("\\", "/")  # zips made on Windows may separate folders with \
                    if Path(name).suffix.lower() not in DRAFT_SUFFIXES or Path(name).name.startswith("."):
                        continue
                    target = _unused(workdir / _safe_member_name(name))
                    with zf.open(member) as src, target.open("wb") as dst:
                        shutil.copyfileobj(src, dst)
                    budget.charge_file(target)  # a .docx inside counts with what it unpacks to
                    budget.check_time()
                    out.append(target)
        except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError) as err:
            raise InputError(f"{path.name} 不是有效的 zip 文件，或已损坏") from err
    return out


def save_uploads(paths: list[Path], folder: Path) -> list[Path]:
    saved = []
    for path in paths:
        target = folder / _safe_member_name(path.name)  # same name: a newer version replaces the old
        shutil.copy(path, target)
        saved.append(target)
    return saved


def documents_folder(settings: Settings, request) -> Path:
    """Each user's additions to the shared knowledge base in a folder of their own: two people's
    “指引.pdf” both stay, and the folder names who added it."""
    from assistant.knowledge.index import user_documents_dir
    from assistant.projects import user_folder

    return user_documents_dir(settings) / user_folder(user_of(request))


# ---- per-request budget ------------------------------------------------------------------------------------------


class RequestBudget:
    """What one review request may cost, whatever its files: total bytes once decompressed (the
    sizes a zip declares bound what it can inflate to), and CPU seconds of the request's thread.

    Per-file limits alone let 200 files each just under them cost minutes of CPU and most of the
    memory; this refuses such a request before reading it, or stops it between files."""

    def __init__(self, settings: Settings | None = None) -> None:
        settings = settings or get_settings()
        self.max_bytes = settings.max_request_unzipped_mb * 1024 * 1024
        self.max_cpu = settings.max_request_cpu_seconds
        self.bytes = 0
        self.started = time.thread_time()

    def charge(self, name: str, size: int) -> None:
        self.bytes += size
        if self.bytes > self.max_bytes:
            raise InputError(
                f"本次上传的文件解压后合计超过 {self.max_bytes // 2**20} MB（到 {name} 为止），已拒绝；"
                "请分批审查，或调整 ASSISTANT_MAX_REQUEST_UNZIPPED_MB"
            )

    def charge_file(self, path: Path) -> None:
        """A file's decompressed size: a .docx is itself a zip, so what its parts declare."""
        size = path.stat().st_size
        if path.suffix.lower() == ".docx":
            with contextlib.suppress(zipfile.BadZipFile, OSError, ValueError), zipfile.ZipFile(path) as zf:
                size = max(size, sum(m.file_size for m in zf.infolist()))
        self.charge(path.name, size)

    def cpu_seconds(self) -> float:
        return time.thread_time() - self.started

    def check_time(self) -> None:
        if self.cpu_seconds() > self.max_cpu:
            raise InputError(
                f"本次审查已用去 {self.max_cpu:g} 秒计算时间（每次请求的上限），已停止；"
                "请分批审查，或调整 ASSISTANT_MAX_REQUEST_CPU_SECONDS"
            )


@contextlib.contextmanager
def review_workspace(settings: Settings):
    """(inputs, outputs) folders for one review request. The copies of the uploads are removed when
    the request ends; the two reports must outlive it until Gradio has copied them to its cache,
    so report folders older than the cache lifetime are removed at the start of the next request."""
    root = settings.data_dir / "review-results"
    root.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - settings.upload_cache_hours * 3600
    for old in root.iterdir():
        with contextlib.suppress(OSError):
            if old.stat().st_mtime < cutoff:
                shutil.rmtree(old, ignore_errors=True)
    inputs = Path(tempfile.mkdtemp(prefix="review-"))
    outputs = Path(tempfile.mkdtemp(prefix="", dir=root))
    try:
        yield inputs, outputs
    finally:
        shutil.rmtree(inputs, ignore_errors=True)


_KB_LOCK = threading.Lock()
_KB = {}


def knowledge_base(settings: Settings, factory):
    """One KnowledgeBase per process (the first query loads the model); built on first use."""
    with _KB_LOCK:
        if "kb" not in _KB:
            from assistant.knowledge.index import ensure_index

            ensure_index(settings)
            _KB["kb"] = factory(settings)
        return _KB["kb"]


def reset_knowledge_base() -> None:
    with _KB_LOCK:
        _KB.clear()
